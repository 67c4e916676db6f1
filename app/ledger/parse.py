"""Reading a whole ledger file into loans, rejected rows and warnings (no database here).

The preview and the import both start from :func:`parse_ledger`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Callable, Mapping

from app.domain.errors import InputError
from app.domain.money import yuan_str
from app.domain.progress import Steps
from app.ledger.headers import BY_CODE, FIELD_LABELS
from app.ledger.layout import SheetLayout, find_layout
from app.ledger.plausible import History, unit_question
from app.ledger.reader import Workbook, file_sha256
from app.ledger.rows import LedgerRow, RejectedRow, RowReader, RowWarning
from app.ledger.titles import township_cell

Recall = Callable[..., Mapping[str, str | None] | None]   # (signature, headers) → choices

# Where a sheet's unit and township were read from, in the preview's words.
UNIT_SOURCES = {"header": "表头", "title": "标题行", "default": "未注明，按元", "chosen": "已指定",
                "remembered": "按上次的选择"}
TOWNSHIP_SOURCES = {"sheet": "工作表名", "column": "乡镇列", "title": "标题", "given": "指定"}


@dataclass
class SheetReport:
    """What was found in one sheet: enough for the preview, the result page and the report."""

    name: str
    layout: SheetLayout | None
    passed_over: str | None = None      # why the sheet was not read (no table, hidden)
    loans: int = 0
    rejected: int = 0
    warnings: int = 0
    balance_fen: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    samples: list[list[object]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what stops the import until fixed
    unit_question: str | None = None   # why the unit the sheet does not state looks like 万元

    def to_json(self) -> dict:
        lay = self.layout
        out: dict = {"name": self.name, "table": lay is not None}
        if lay is None:
            out["passed_over"] = self.passed_over
            return out
        out.update({
            "header_rows": [lay.header_first, lay.header_last],
            "unit": lay.units[0] if len(lay.units) == 1 else lay.unit,
            "units": lay.units,
            "unit_source": lay.unit_source,
            "unit_source_label": UNIT_SOURCES[lay.unit_source],
            "township": lay.township,
            "township_source": lay.township_source,
            "township_source_label": TOWNSHIP_SOURCES.get(lay.township_source or "", "未知"),
            "as_of": lay.as_of.isoformat() if lay.as_of else None,
            "signature": lay.signature,
            "columns": [{"column": c.letter, "header": c.header, "field": c.field,
                         "field_label": c.field_label, "unit": c.unit, "how": c.how} for c in lay.columns],
            "missing": [FIELD_LABELS[m] for m in lay.missing],
            "loans": self.loans, "rejected": self.rejected, "warnings": self.warnings,
            "balance_total": yuan_str(self.balance_fen), "skipped": self.skipped,
            "problems": self.problems, "notes": lay.notes, "unit_question": self.unit_question,
        })
        return out


@dataclass
class ParsedLedger:
    path: str
    file_name: str
    sha256: str
    sheets: list[SheetReport]
    rows: list[LedgerRow]
    rejected: list[RejectedRow]
    warnings: list[RowWarning]
    as_of: date | None
    notes: list[str] = field(default_factory=list)  # sheets and rows passed over, columns chosen

    @property
    def tables(self) -> list[SheetReport]:
        return [s for s in self.sheets if s.layout is not None]

    @property
    def problems(self) -> list[str]:
        return [p for s in self.sheets for p in s.problems]

    @property
    def balance_fen(self) -> int:
        return sum(r.balance_fen for r in self.rows)


def parse_ledger(path: Path | str, *, township: str | None = None,
                 overrides: Mapping[str, str | None] | None = None, recall: Recall | None = None,
                 known_townships: frozenset[str] = frozenset(), steps: Steps | None = None,
                 share: tuple[float, float] = (0, 100), today: date | None = None,
                 only_township: str | None = None, units: Mapping[str, str] | None = None,
                 recall_unit: Callable[[str], str | None] | None = None,
                 history: History | None = None) -> ParsedLedger:
    """Read every sheet of ``path``.  ``InputError`` if the file cannot be read or holds no
    table at all; problems a person can fix in the preview (a required column not found, no
    township) are reported per sheet instead.  ``share`` is the part of the progress bar
    this takes.  ``only_township`` (a township's own laptop): loans of other townships are
    passed over, with a note, instead of stopping the import.  ``units`` (sheet name, or
    ``"*"`` for every sheet → 元 / 万元) is the money unit of sheets that state none;
    ``recall_unit(signature)`` the one chosen for a layout before; ``history(loan numbers)``
    the balances this computer holds, to tell a ledger in 万元 that says so nowhere."""
    path = Path(path)
    steps = steps or Steps()
    lo, hi = share
    steps.report(lo, "正在读取文件")
    with Workbook(path) as wb:
        return _parse(wb, township=township, overrides=overrides, recall=recall,
                      known_townships=known_townships, steps=steps, share=share, today=today,
                      only_township=only_township, units=units or {}, recall_unit=recall_unit, history=history)


def _parse(wb: Workbook, *, township, overrides, recall, known_townships, steps: Steps, share,
           today, only_township=None, units=None, recall_unit=None, history=None) -> ParsedLedger:
    path = wb.path
    lo, hi = share
    names_count = max(1, len(wb.sheet_names))
    seen: dict[str, tuple[str, int, int]] = {}
    sheets: list[SheetReport] = []
    rows: list[LedgerRow] = []
    rejected: list[RejectedRow] = []
    warnings: list[RowWarning] = []
    notes: list[str] = []
    others: dict[str, int] = {}     # loans of other townships passed over, by township
    own = _plain(only_township) if only_township else None
    older = _older_months(wb.sheet_names)
    for k, raw in enumerate(wb.sheets()):
        base = lo + (hi - lo) * k / names_count
        steps.report(base, f"正在读取工作表“{raw.name}”")
        if not raw.visible:
            sheets.append(SheetReport(raw.name, None, passed_over="隐藏的工作表，未读取"))
            continue
        if raw.name in older:
            why = f"是较早月份的台账，未读取：只读最新的“{older[raw.name]}”（较早月份的请单独存成文件，先导入）"
            sheets.append(SheetReport(raw.name, None, passed_over=why))
            notes.append(f"工作表“{raw.name}”{why}")
            continue
        layout = find_layout(raw.name, raw.rows, overrides=overrides, recall=recall, township=township,
                             known_townships=known_townships, unit=units.get(raw.name) or units.get("*"),
                             recall_unit=recall_unit)
        if layout is None:
            sheets.append(SheetReport(raw.name, None, passed_over="没有找到台账表格（如说明页），未读取"))
            continue
        aside = _aside(raw.name, layout)
        if aside:
            sheets.append(SheetReport(raw.name, None, passed_over=aside))
            notes.append(f"工作表“{raw.name}”{aside}")
            continue
        if own and layout.township_source in ("sheet", "title") and _plain(layout.township) != own:
            why = f"是{layout.township}的贷款，本机是{only_township}的数据库，未读取"
            sheets.append(SheetReport(raw.name, None, passed_over=why))
            notes.append(f"工作表“{raw.name}”{why}")
            continue
        report = SheetReport(raw.name, layout)
        sheets.append(report)
        notes += raw.notes
        if layout.missing:
            labels = "、".join(FIELD_LABELS[m] for m in layout.missing)
            report.problems.append(f"工作表“{raw.name}”找不到“{labels}”这一列：请在预览中指定哪一列是{labels}")
            report.samples = _first_rows(raw.rows, layout.header_last, RowReader.SAMPLE_ROWS)  # to choose by
            continue
        if layout.township_source is None:
            report.problems.append(f"看不出工作表“{raw.name}”属于哪个乡镇：请指定乡镇（命令行用 --township）")
        _fill_merged(raw.rows, raw.merged, layout)
        total_rows = max(1, len(raw.rows))
        step = (hi - lo) / names_count
        tick = partial(_tick, steps, base, step / total_rows, f"正在检查工作表“{raw.name}”")
        trial = dict(seen) if _explanation(raw.name) else seen
        got = RowReader(layout, seen=trial, today=today, known_townships=known_townships).read(raw.rows, tick=tick)
        if trial is not seen:
            if got.rejected or not got.rows:   # a 填表说明 laid out as a table: no loans in it
                why = "像是说明页，未读取"
                sheets[-1] = SheetReport(raw.name, None, passed_over=why)
                notes.append(f"工作表“{raw.name}”{why}")
                continue
            seen = trial
        del raw
        if own:
            mine = [r for r in got.rows if _plain(r.township) == own]
            for r in got.rows:
                if _plain(r.township) != own:
                    others[r.township] = others.get(r.township, 0) + 1
            if len(mine) < len(got.rows):
                dropped = {r.row for r in got.rows if _plain(r.township) != own}
                got.warnings = [w for w in got.warnings if w.row not in dropped]
                got.rows = mine
        question = _unit_question(layout, got.rows, history)
        if question:
            report.unit_question = question
            got.warnings.insert(0, RowWarning(report.name, layout.header_last, "unit_unstated",
                                              f"工作表“{report.name}”的{question}。请确认单位（导入向导的预览里可以选；"
                                              "命令行用 --unit 万元 或 --unit 元）", None))
        notes += [f"工作表“{report.name}”{note}" for note in layout.notes + got.notes + _swapped(layout, got.rows)]
        report.loans, report.rejected, report.warnings = len(got.rows), len(got.rejected), len(got.warnings)
        report.balance_fen = sum(r.balance_fen for r in got.rows)
        report.skipped, report.samples = got.skipped, got.samples
        rows += got.rows
        rejected += got.rejected
        warnings += got.warnings
    _same_townships(rows, known_townships)
    if others:
        listed = "、".join(f"{name} {n} 笔" for name, n in sorted(others.items()))
        notes.append(f"台账中其他乡镇的贷款没有导入（{listed}）：本机是{only_township}的数据库")
    if own and not rows and (others or any(s.layout is None and s.passed_over and "本机" in s.passed_over
                                           for s in sheets)):
        raise InputError(f"文件 {path.name} 里没有{only_township}的贷款：只有其他乡镇的，本机是{only_township}的数据库")
    if not any(s.layout is not None for s in sheets):
        raise InputError(f"文件 {path.name} 里没有找到贷款台账表格：需要有“借款人”“借据号”“贷款余额”等列标题")
    dates = [s.layout.as_of for s in sheets if s.layout is not None and s.layout.as_of]
    steps.report(hi, "文件已读完")
    return ParsedLedger(path=str(path), file_name=path.name, sha256=file_sha256(path), sheets=sheets,
                        rows=rows, rejected=rejected, warnings=warnings, as_of=max(dates) if dates else None,
                        notes=notes)


def _tick(steps: Steps, base: float, per_row: float, text: str, n: int) -> None:
    steps.report(base + per_row * n, text)


def _unit_question(layout: SheetLayout, rows: list[LedgerRow], history: History | None) -> str | None:
    if layout.unit_stated or layout.index_of("balance") is None:
        return None
    i = layout.index_of("principal")
    principal_unit = next((c.unit for c in layout.columns if c.index == i), None) if i is not None else None
    return unit_question(rows, unit=layout.unit_of(layout.index_of("balance")), principal_unit=principal_unit,
                         history=history)


def _same_townships(rows: list[LedgerRow], known: frozenset[str]) -> None:
    """One township written two ways in a 乡镇 column (柳林 / 柳林镇) is one township."""
    names = {r.township for r in rows} | known
    renamed = {n: township_cell(n, names - {n}) for n in names}
    renamed = {n: m for n, m in renamed.items() if m != n}
    for r in rows:
        if r.township in renamed:
            r.township = renamed[r.township]


# A sheet named for a month only: 1月, 3月份, 2026年3月, 2026.03, 3月末 (台账 / 清单 … after it).
_MONTH_SHEET = re.compile(r"^(?:(\d{4})\s*[年.\-/_]?\s*)?(\d{1,2})\s*(?:月份?(?:末|底)?)?"
                          r"(?:台账|台帐|清单|明细表?|数据|表)?$")


def _older_months(names: list[str]) -> dict[str, str]:
    """Sheets of a workbook kept one per month (1月 / 2月 / 3月, each the whole ledger at its
    month's end): every one but the latest month's, with the latest one's name."""
    months = {}
    for name in names:
        m = _MONTH_SHEET.match(_plain(name))
        if m and (m.group(1) or "月" in name) and 1 <= int(m.group(2)) <= 12:
            months[name] = (int(m.group(1) or 0), int(m.group(2)))
    if len(months) < 2:
        return {}
    latest = max(months, key=lambda n: (months[n], names.index(n)))
    return {n: latest for n in months if months[n] < months[latest]}


def _swapped(layout: SheetLayout, rows: list[LedgerRow]) -> list[str]:
    """A note when most loans owe more than was lent: the 贷款金额 and 贷款余额 columns are
    probably the wrong way round (a balance can pass the amount lent only by a little)."""
    both = [r for r in rows if r.principal_fen]
    if len(both) < 5 or sum(r.balance_fen > r.principal_fen for r in both) * 2 <= len(both):
        return []
    balance, principal = (layout.columns[layout.index_of(code)].header for code in ("balance", "principal"))
    return [f"大多数贷款的“{balance}”比“{principal}”还大：请确认这两列没有标反（导入用的是“贷款余额”一列）"]


def _plain(name: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def _explanation(sheet_name: str) -> bool:
    return "说明" in _plain(sheet_name)


def _aside(sheet_name: str, layout: SheetLayout) -> str | None:
    """Why a table on a summary or explanation sheet is no loan table, or None.  A 汇总 /
    统计 sheet without 借据号 adds up the others; a 说明 sheet never stops an import."""
    name = _plain(sheet_name)
    if any(w in name for w in ("汇总", "统计")) and layout.index_of("loan_no") is None:
        return "是汇总表（没有借据号列），未读取"
    if _explanation(name) and layout.missing:
        return "像是说明页，未读取"
    return None


def _fill_merged(rows: list[list[object]], merged, layout: SheetLayout) -> None:
    """Cells merged down over several loans (one borrower's name, ID number and village over
    each of their loans) hold their value in the top cell only: give it to every row.  Money
    and loan numbers are left as they are (one amount merged over two loans is no amount of
    either)."""
    fill = {c.index for c in layout.columns
            if c.field and c.field != "loan_no" and not BY_CODE[c.field].money}
    for (r0, c0), (r1, c1) in merged:
        if r0 < layout.header_last or r1 <= r0 or r0 >= len(rows):
            continue
        for c in range(c0, c1 + 1):
            if c not in fill or c >= len(rows[r0]):
                continue
            value = rows[r0][c]
            for r in range(r0 + 1, min(r1 + 1, len(rows))):
                cells = rows[r]
                if len(cells) <= c:
                    cells.extend([""] * (c + 1 - len(cells)))
                if cells[c] == "" or cells[c] is None:
                    cells[c] = value


def _first_rows(rows: list[list[object]], start: int, n: int) -> list[list[object]]:
    """The first ``n`` non-blank rows from index ``start``: samples of a sheet not read."""
    out = []
    for cells in rows[start:]:
        if any(not (v is None or (isinstance(v, str) and not v.strip())) for v in cells):
            out.append(list(cells))
            if len(out) == n:
                break
    return out
