"""The reconciliation (对账表) as a formatted workbook.  Sheets: 差异 (one row per ledger period of a
loan where the township's record and the bank's drop differ, with what to check), 汇总 (per
township: loans checked, the amounts, the differences of each kind, with the totals last),
待核对 (loans with repayments recorded after their last ledger, for the next one).

Amounts are numbers in yuan to the fen (``#,##0.00``, written as Decimal), dates are dates.  Each
sheet has a title, a styled and frozen header row, an autofilter, column widths measured for
Chinese text, and prints on A4 landscape, one page wide, the header repeated."""
from __future__ import annotations

import unicodedata
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from app.domain.money import format_yuan
from app.domain.reconcile import FROM_TASK, KIND_NAMES, KINDS, SOURCE_NOTE, Reconciliation, TownshipLine
from app.reports.bulletin_xlsx import YUAN, yuan_number
from app.reports.xlsx_sheet import BOX, HEAD_FILL, HEADER_ROW, titled_sheet

COUNT = "0"
DAY = "yyyy-mm-dd"
TEXT = None
WRAP_AT = 56            # the width (in half-width characters) a long text column wraps at

Column = tuple[str, str | None]
DIFFERENCE_COLUMNS: list[Column] = [
    ("乡镇", TEXT), ("村（社区）", TEXT), ("户主", TEXT), ("借据号", TEXT), ("期间起（上期台账）", DAY),
    ("期间止（本期台账）", DAY), ("乡镇登记本金（元）", YUAN), ("银行台账减少（元）", YUAN), ("差额（元）", YUAN),
    ("至最近一期累计差额（元）", YUAN), ("类别", TEXT), ("请核对", TEXT)]
SUMMARY_COLUMNS: list[Column] = (
    [("乡镇", TEXT), ("核对贷款笔数", COUNT), ("有差异的贷款笔数", COUNT), ("乡镇登记本金（元）", YUAN),
     ("银行台账减少（元）", YUAN), ("差额（元）", YUAN)]
    + [c for k in KINDS for c in ((f"{KIND_NAMES[k]}（处）", COUNT), (f"{KIND_NAMES[k]}差额（元）", YUAN))]
    + [("待下期核对（笔）", COUNT), ("待下期核对本金（元）", YUAN), ("无台账未核对（笔）", COUNT)])
PENDING_COLUMNS: list[Column] = [
    ("乡镇", TEXT), ("村（社区）", TEXT), ("户主", TEXT), ("借据号", TEXT), ("最近一期台账日", DAY),
    ("此后登记笔数", COUNT), ("此后登记本金（元）", YUAN), ("最早还款日", DAY), ("最晚还款日", DAY)]
PENDING_NOTE = "这些还款登记在该笔贷款最近一期银行台账的日期之后，导入下一期台账后再核对。"


def write_reconciliation_xlsx(r: Reconciliation, out: Path) -> Path:
    out = Path(out)
    wb = Workbook()
    wb.remove(wb.active)
    _differences_sheet(wb, r)
    _summary_sheet(wb, r)
    _pending_sheet(wb, r)
    wb.properties.title = r.title
    wb.properties.creator = "清收工作台"
    wb.save(out)
    return out


def text_width(value) -> int:
    """How many half-width columns ``value`` takes as Excel shows it (a Chinese character: two)."""
    if value is None:
        return 0
    if hasattr(value, "isoformat"):
        return 10
    if not isinstance(value, str):
        value = f"{value:,.2f}" if not isinstance(value, int) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def _sheet(wb: Workbook, r: Reconciliation, name: str, columns: list[Column], rows: list[list], subtitle: str):
    widest = [max([text_width(v) for v in {row[i] for row in rows}] + [min(text_width(header), 16), 6])
              for i, (header, _fmt) in enumerate(columns)]      # (each distinct value measured once)
    ws = titled_sheet(wb, name, f"{r.title}　{name}", subtitle,
                      [(header, min(width, WRAP_AT) + 2, fmt) for (header, fmt), width in zip(columns, widest)],
                      landscape=True)
    styles: list = [None] * len(columns)
    for n, values in enumerate(rows, start=HEADER_ROW + 1):
        for i, value in enumerate(values):
            c = ws.cell(row=n, column=i + 1, value=value)
            if styles[i] is None:    # a column's cells share one style: made once, then copied (styling each is slow)
                c.border = BOX
                if columns[i][1]:
                    c.number_format = columns[i][1]
                if widest[i] > WRAP_AT:
                    c.alignment = Alignment(wrap_text=True, vertical="top")
                styles[i] = c._style
            else:
                c._style = copy(styles[i])
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{HEADER_ROW + max(len(rows), 1)}"
    return ws


def _note(ws, row: int, words: str) -> None:
    ws.cell(row=row, column=1, value=words).font = Font(color="555555")


def _subtitle(r: Reconciliation, what: str) -> str:
    return f"{r.scope}　{what}　生成于 {r.made_at:%Y-%m-%d %H:%M}　金额单位：元"


def _differences_sheet(wb: Workbook, r: Reconciliation) -> None:
    rows = [[d.township, d.village, d.household, d.loan_no, d.start or FROM_TASK, d.end, yuan_number(d.recorded_fen),
             yuan_number(d.drop_fen), yuan_number(d.difference_fen), yuan_number(d.loan_difference_fen), d.kind_name,
             d.check] for d in r.differences]
    t = r.total
    ws = _sheet(wb, r, "差异", DIFFERENCE_COLUMNS, rows,
                _subtitle(r, f"核对贷款 {t.loans_checked:,} 笔，有差异的 {t.loans_differing:,} 笔、"
                             f"{t.differences:,} 处"))
    below = HEADER_ROW + len(rows) + 2
    if not rows:
        _note(ws, HEADER_ROW + 1, "（没有差异：每一笔贷款每一期乡镇登记的本金都与银行台账余额的减少相等）")
    _note(ws, below, SOURCE_NOTE + "。一行是一笔贷款的一期（两期台账之间）。")


def _line(x: TownshipLine) -> list:
    return ([x.name, x.loans_checked, x.loans_differing, yuan_number(x.recorded_fen), yuan_number(x.drop_fen),
             yuan_number(x.difference_fen)]
            + [v for k in KINDS for v in (x.counts[k], yuan_number(x.amounts[k]))]
            + [x.pending_loans, yuan_number(x.pending_fen), x.loans_without_ledger])


def _summary_sheet(wb: Workbook, r: Reconciliation) -> None:
    rows = [_line(x) for x in r.townships] + [_line(r.total)]
    ws = _sheet(wb, r, "汇总", SUMMARY_COLUMNS, rows, _subtitle(r, "各乡镇对账情况"))
    last = HEADER_ROW + len(rows)
    for c in ws[last]:
        c.font, c.fill = Font(bold=True), HEAD_FILL
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(SUMMARY_COLUMNS))}{last - 1}"   # totals stay last
    _note(ws, last + 2, SOURCE_NOTE + "；乡镇登记、台账减少是所有核对期间的合计。")


def _pending_sheet(wb: Workbook, r: Reconciliation) -> None:
    rows = [[p.township, p.village, p.household, p.loan_no, p.last_ledger, p.repayments, yuan_number(p.principal_fen),
             p.first, p.last] for p in r.pending]
    ws = _sheet(wb, r, "待核对", PENDING_COLUMNS, rows,
                _subtitle(r, f"{r.total.pending_loans:,} 笔贷款有待下期台账核对的还款，本金 "
                             f"{format_yuan(r.total.pending_fen)} 元"))
    if not rows:
        _note(ws, HEADER_ROW + 1, "（没有：每一笔还款都在最近一期台账的日期以前）")
    _note(ws, HEADER_ROW + len(rows) + 2, PENDING_NOTE)
