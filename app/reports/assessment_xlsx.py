"""The monthly assessment as a formatted workbook.  Sheets: 乡镇排名 (amounts in 万元, as the PDF
prints them, with the whole as the last row), 村社 and 责任人 (each township's rows ranked within it,
amounts in yuan to the fen).

Every figure is a number: amounts are ``Decimal`` (``#,##0.00``), rates the exact one-decimal
percentage as a fraction (``0.0%``), counts integers.  Each sheet has a title, a styled, frozen
header row with an autofilter, column widths, and prints on A4 (one page wide, landscape, the
header repeated)."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.domain.assessment import Assessment, Line
from app.domain.money import fen_to_decimal, fen_to_wan
from app.reports import assessment_text as at
from app.reports.xlsx_sheet import BOX, HEAD_FILL, HEADER_ROW, titled_sheet

MONEY = "#,##0.00"
RATE = "0.0%"
COUNT = "0"

Column = tuple[str, float, str | None]


def _figures(unit: str) -> list[Column]:
    return [("笔数", 7, COUNT), ("户数", 7, COUNT), (f"任务（{unit}）", 15, MONEY), (f"本月清收（{unit}）", 14, MONEY),
            (f"累计清收（{unit}）", 15, MONEY), ("清收率", 8, RATE), ("本月走访（户次）", 9, COUNT),
            ("从未走访（户）", 9, COUNT), ("到期承诺（个）", 9, COUNT), ("承诺兑现", 8, COUNT), ("承诺未兑现", 8, COUNT)]


def _values(x: Line, money) -> list:
    return [x.loans, x.households, money(x.task_fen), money(x.month_fen), money(x.recovered_fen), at.rate_fraction(x),
            x.visits, x.never_visited, x.promises, x.kept, x.broken]


def write_assessment_xlsx(a: Assessment, out: Path) -> Path:
    out = Path(out)
    wb = Workbook()
    wb.remove(wb.active)
    cols = [("名次", 6, None), ("乡镇", 12, None)] + _figures("万元")
    ws = _sheet(wb, a, "乡镇排名", "金额单位：万元", cols)
    rows = [[t.rank, t.name] + _values(t, fen_to_wan) for t in a.townships]
    _rows(ws, cols, rows + [[None, "合计"] + _values(a.totals, fen_to_wan)], total=True)
    cols = [("乡镇", 12, None), ("名次", 6, None), ("村（社区）", 14, None)] + _figures("元")
    ws = _sheet(wb, a, "村社", "金额单位：元；名次为在本乡镇内的名次", cols)
    _rows(ws, cols, [[v.township, v.rank, v.name] + _values(v, fen_to_decimal) for v in a.villages])
    cols = [("乡镇", 12, None), ("名次", 6, None), ("责任人", 10, None), ("职务、职责", 20, None)] + _figures("元")
    ws = _sheet(wb, a, "责任人", "金额单位：元；名次为在本乡镇内的名次；一笔贷款有几位责任人的，在每人名下各计一次", cols)
    last = _rows(ws, cols, [[x.township, x.rank or None, x.name, x.detail] + _values(x, fen_to_decimal)
                            for x in a.people])
    ws.cell(row=last + 2, column=1, value=at.NOTE)
    wb.properties.title = a.title
    wb.properties.creator = "清收工作台"
    wb.save(out)
    return out


def _sheet(wb: Workbook, a: Assessment, name: str, subtitle: str, columns: list[Column]):
    return titled_sheet(wb, name, f"{a.title}　{name}", f"{a.issuer}　{at.period(a)}　{subtitle}", columns,
                        landscape=True)


def _rows(ws, columns: list[Column], rows: list[list], *, total: bool = False) -> int:
    for n, values in enumerate(rows):
        r = HEADER_ROW + 1 + n
        for i, value in enumerate(values, start=1):
            c = ws.cell(row=r, column=i, value=value)
            c.border = BOX
            fmt = columns[i - 1][2]
            if fmt:
                c.number_format = fmt
            if total and n == len(rows) - 1:
                c.font, c.fill = Font(bold=True), HEAD_FILL
    end = HEADER_ROW + len(rows) - (1 if total else 0)   # the whole stays out of sorting
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{max(end, HEADER_ROW + 1)}"
    return HEADER_ROW + len(rows)
