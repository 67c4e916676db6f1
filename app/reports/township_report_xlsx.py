"""The township report (情况汇报) as a formatted workbook.  Sheets: the progress (完成情况, with the
report's sentences under it), the nine kinds of special loans with their sub-kinds, the villages
(with the township's totals as the last row), the responsible people.

Amounts are numbers in yuan to the fen (``#,##0.00``), so the workbook agrees with
``summary --as-of`` exactly and adds up in Excel; rates are percentages.  Each sheet has a
title, a styled and frozen header row, column widths, and prints on A4 (one page wide, the
header repeated)."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from app.domain.township_report import CategoryLine, Line, TownshipReport
from app.reports import township_report_text as tt
from app.reports.bulletin_xlsx import RATE, YUAN, yuan_number
from app.reports.xlsx_sheet import BOX, HEAD_FILL, HEADER_ROW, titled_sheet

COUNT = "0"

Column = tuple[str, float, str | None]
FIGURES: list[Column] = [("笔数", 8, COUNT), ("户数", 8, COUNT), ("任务金额（元）", 16, YUAN), ("已清收（元）", 16, YUAN),
                         ("剩余（元）", 16, YUAN), ("清收率", 9, RATE)]
WORK: list[Column] = [("已清收笔数（含部分还款）", 12, COUNT), ("已结清笔数", 9, COUNT), ("已走访户数", 9, COUNT)]


def write_township_report_xlsx(r: TownshipReport, out: Path) -> Path:
    out = Path(out)
    wb = Workbook()
    wb.remove(wb.active)
    _progress_sheet(wb, r)
    _category_sheet(wb, r)
    _village_sheet(wb, r)
    _staff_sheet(wb, r)
    wb.properties.title = r.title
    wb.properties.creator = "清收工作台"
    wb.save(out)
    return out


def _figures(x: Line | CategoryLine) -> list:
    return [x.loans, x.households, yuan_number(x.task_fen), yuan_number(x.recovered_fen),
            yuan_number(x.outstanding_fen), float(x.rate)]   # float ok: a rate of 4 decimals, shown as 0.00%


def _work(x: Line) -> list:
    return [x.repaid, x.settled, x.visited]


def _sheet(wb: Workbook, r: TownshipReport, name: str, columns: list[Column]):
    return titled_sheet(wb, name, f"{r.title}　{name}", f"{r.township}　截至{tt.cn_date(r.as_of)}　金额单位：元",
                        columns, landscape=len(columns) > 9)


def _rows(ws, columns: list[Column], rows: list[list], *, bold_last: bool = False, indent: tuple[int, ...] = ()) -> int:
    for n, values in enumerate(rows):
        r = HEADER_ROW + 1 + n
        for i, value in enumerate(values, start=1):
            c = ws.cell(row=r, column=i, value=value)
            c.border = BOX
            fmt = columns[i - 1][2]
            if fmt:
                c.number_format = fmt
            if i == 1 and n in indent:
                c.alignment = Alignment(indent=2)
            if bold_last and n == len(rows) - 1:
                c.font, c.fill = Font(bold=True), HEAD_FILL
    if rows:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{HEADER_ROW + len(rows)}"
    return HEADER_ROW + len(rows)


def _progress_sheet(wb: Workbook, r: TownshipReport) -> None:
    cols = [("乡镇", 12, None)] + FIGURES + WORK
    ws = _sheet(wb, r, "完成情况", cols)
    last = _rows(ws, cols, [[r.township] + _figures(r.totals) + _work(r.totals)])
    ws.auto_filter.ref = None
    end = get_column_letter(len(cols))
    for n, text in enumerate([tt.opening(r), *tt.progress(r)], start=last + 2):
        ws.cell(row=n, column=1, value=text).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(f"A{n}:{end}{n}")
        ws.row_dimensions[n].height = 36


def _category_sheet(wb: Workbook, r: TownshipReport) -> None:
    cols = [("类别", 44, None)] + FIGURES
    ws = _sheet(wb, r, "特殊类别", cols)
    rows = tt.category_rows(r)
    _rows(ws, cols, [[label] + _figures(c) for label, c, _sub in rows],
          indent=tuple(i for i, (_l, _c, sub) in enumerate(rows) if sub))
    note = HEADER_ROW + len(rows) + 2
    ws.cell(row=note, column=1, value=tt.CATEGORY_NOTE)


def _village_sheet(wb: Workbook, r: TownshipReport) -> None:
    cols = [("序号", 6, None), ("村（社区）", 14, None)] + FIGURES + WORK
    ws = _sheet(wb, r, "各村（社区）", cols)
    rows = [[i, v.name] + _figures(v) + _work(v) for i, v in enumerate(r.villages, start=1)]
    rows.append([None, "合计"] + _figures(r.totals) + _work(r.totals))
    last = _rows(ws, cols, rows, bold_last=True)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(cols))}{last - 1}"   # the totals stay out of sorting
    ws.cell(row=last + 2, column=1, value=tt.VISIT_NOTE)


def _staff_sheet(wb: Workbook, r: TownshipReport) -> None:
    cols = [("序号", 6, None), ("责任人", 12, None), ("职务、职责", 22, None)] + FIGURES + WORK
    ws = _sheet(wb, r, "各责任人", cols)
    last = _rows(ws, cols, [[i, s.name, s.detail] + _figures(s) + _work(s) for i, s in enumerate(r.staff, start=1)])
    ws.cell(row=last + 2, column=1, value=tt.STAFF_NOTE)
    ws.cell(row=last + 3, column=1, value=tt.VISIT_NOTE)
