"""The household list as an Excel workbook: plain rows in, .xlsx out.

Money is written as numbers (yuan, Decimal) shown with two decimals and thousands
separators, dates as dates, so the workbook can be summed and filtered in Excel.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"      # text | money (fen in, yuan out) | int | date
    width: float = 12


# The household list's columns, in the order the window shows them.
HOUSEHOLD_COLUMNS: tuple[Column, ...] = (
    Column("township", "乡镇", width=10), Column("village", "村（社区）", width=12),
    Column("group_name", "组", width=6), Column("head_name", "户主", width=10),
    Column("borrowers", "借款人", width=14), Column("id_number", "身份证号", width=20),
    Column("phone", "电话", width=13), Column("loans", "贷款笔数", "int", 8),
    Column("task_fen", "任务金额（元）", "money", 14), Column("outstanding_fen", "尚欠本金（元）", "money", 14),
    Column("recovered_fen", "已清收（元）", "money", 14), Column("category_names", "特殊类别", width=16),
    Column("stage_names", "清收阶段", width=10), Column("capacity_name", "还款能力", width=10),
    Column("responsible", "责任人", width=36), Column("last_visit_on", "最近走访", "date", 11),
    Column("last_outcome_name", "走访结果", width=10), Column("next_date", "下次跟进", "date", 11),
    Column("flags", "提醒", width=16),
)


def _value(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == "money":
        return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))
    if kind == "int":
        return int(value)
    if kind == "date":
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    return str(value)


def write_household_list(path: Path | str, rows: Iterable[dict], *, title: str = "借款户",
                         columns: Sequence[Column] = HOUSEHOLD_COLUMNS, note: str | None = None) -> int:
    """Write ``rows`` (dicts keyed by the columns' keys) to ``path``; returns the rows written.

    Streams (write-only workbook), so 100,000 households fit in little memory.
    """
    path = Path(path)
    with path.with_name(path.name + ".part").open("wb"):
        pass   # a folder that cannot take the file refuses now, before any work
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A3" if note else "A2"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    if note:
        cell = WriteOnlyCell(ws, value=note)
        cell.font = Font(italic=True, color="555555")
        ws.append([cell])
    header = []
    for col in columns:
        c = WriteOnlyCell(ws, value=col.header)
        c.font, c.fill = bold, fill
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(c)
    ws.append(header)
    n = 0
    for row in rows:
        out = []
        for col in columns:
            c = WriteOnlyCell(ws, value=_value(col.kind, row.get(col.key)))
            if col.kind == "money":
                c.number_format = MONEY_FORMAT
            elif col.kind == "date":
                c.number_format = DATE_FORMAT
            out.append(c)
        ws.append(out)
        n += 1
    first = 3 if note else 2
    ws.auto_filter.ref = f"A{first - 1}:{get_column_letter(len(columns))}{first - 1 + n}"
    tmp = path.with_name(path.name + ".part")
    try:
        wb.save(tmp)
    except BaseException:
        _discard(wb)
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)
    return n


def _discard(wb: Workbook) -> None:
    """Finish the streamed sheets of a workbook that could not be saved, so that nothing
    half-written is left to complain (on the console) when Python collects it."""
    for ws in wb.worksheets:
        try:
            if not ws.closed:
                ws.close()
        except Exception:  # noqa: BLE001 - the save's own error is the one to report
            pass
