"""Exporting the filtered household list to Excel (what the list shows, in its order)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from app.db.session import Database
from app.domain.errors import InputError
from app.reports.households_xlsx import write_household_list
from app.services import households
from app.services.households import HouseholdFilter


@dataclass(frozen=True)
class ExportResult:
    path: str
    rows: int


def export_xlsx(db: Database, f: HouseholdFilter, out: Path | str, sort_key: str = "name",
                descending: bool = False, *, title: str = "借款户") -> ExportResult:
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"导出文件应以 .xlsx 结尾：{out}")
    if not out.parent.is_dir():
        raise InputError(f"文件夹不存在：{out.parent}")
    day = f.day()
    order = households.ids(db, f, sort_key, descending)

    def rows():
        for start in range(0, len(order), 1000):
            for r in households.rows(db, order[start:start + 1000], day):
                d = asdict(r)
                flags = (["跟进到期"] if r.followup_due else []) + (["承诺未兑现"] if r.promise_broken else []) \
                    + ([f"台账待核实 {r.followups} 条"] if r.followups else [])
                d["flags"] = "、".join(flags)
                yield d

    note = f"导出日期 {date.today()}；条件：{describe(f)}；共 {len(order)} 户"
    try:
        n = write_household_list(out, rows(), title=title, note=note)
    except PermissionError:
        raise InputError(f"无法写入 {out}（文件是否正在 Excel 中打开？）") from None
    return ExportResult(str(out), n)


def describe(f: HouseholdFilter) -> str:
    """The filter in words, for the workbook's first line."""
    from app.domain.categories import BY_CODE
    from app.domain.stages import CAPACITY_NAMES, STAGE_NAMES

    parts = []
    if f.text:
        parts.append(f"搜索“{f.text}”")
    if f.category:
        parts.append(BY_CODE[f.category].short if f.category in BY_CODE else f.category)
    if f.stage:
        parts.append(STAGE_NAMES.get(f.stage, f.stage))
    if f.capacity:
        parts.append(CAPACITY_NAMES.get(f.capacity, f.capacity))
    if f.followup_due:
        parts.append("跟进到期")
    if f.promise_broken:
        parts.append("承诺未兑现")
    if f.never_visited:
        parts.append("从未走访")
    if f.import_followup:
        from app.services.ledger_import.followup import ANY, kind_name

        parts.append("台账待核实" + ("" if f.import_followup == ANY else f"（{kind_name(f.import_followup)}）"))
    if f.village_id or f.township_id or f.staff_id:
        parts.append("按村/乡镇/责任人筛选")
    return "、".join(parts) or "全部"
