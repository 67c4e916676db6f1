"""The ten-day bulletin as a formatted workbook.  Sheets: the ranking by recovery rate (first),
the ranking by amount, the nine categories, items to watch, the detail by township in yuan.

Amounts are numbers: in 万元 (two decimals, as the PDF prints them) on the ranking and category
sheets, in yuan to the fen on the detail sheet; rates as percentages.  Each sheet has a title,
a styled and frozen header row, column widths, and prints on A4 (fit to one page wide, the
header repeated)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from app.domain.bulletin import Bulletin
from app.reports import bulletin_text as bt
from app.reports.xlsx_sheet import BOX, HEAD_FILL, HEADER_ROW, titled_sheet

WAN = "#,##0.00"
YUAN = "#,##0.00"
RATE = "0.00%"
POINTS = "+0.00;-0.00;0.00"
GOOD_FILL = PatternFill("solid", fgColor="E2EFDA")
BAD_FILL = PatternFill("solid", fgColor="FCE4E4")


def wan_number(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / Decimal(1_000_000)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def yuan_number(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def write_bulletin_xlsx(b: Bulletin, out: Path) -> Path:
    out = Path(out)
    wb = Workbook()
    wb.remove(wb.active)
    _rate_sheet(wb, b)
    _amount_sheet(wb, b)
    _category_sheet(wb, b)
    _watch_sheet(wb, b)
    _detail_sheet(wb, b)
    wb.properties.title = b.title
    wb.properties.creator = "清收工作台"
    tmp = out.with_name(out.name + ".part")
    try:
        wb.save(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    return out


def _sheet(wb: Workbook, b: Bulletin, name: str, subtitle: str, columns: list[tuple[str, float, str | None]]):
    return titled_sheet(wb, name, f"{b.title}　{name}", f"{bt.issuer(b)}　截至{bt.cn_date(b.as_of)}　{subtitle}",
                        columns, landscape=len(columns) > 8, header_height=30)


def _rows(ws, columns, rows: list[list], fills: list[PatternFill | None] | None = None) -> None:
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        for i, value in enumerate(values, start=1):
            c = ws.cell(row=r, column=i, value=value)
            c.border = BOX
            fmt = columns[i - 1][2]
            if fmt:
                c.number_format = fmt
            if fills and fills[r - HEADER_ROW - 1] is not None:
                c.fill = fills[r - HEADER_ROW - 1]
    if rows:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{HEADER_ROW + len(rows)}"


def _fill(b: Bulletin, t) -> PatternFill | None:
    return GOOD_FILL if t.rate > b.high else BAD_FILL if t.rate < b.low else None


def _points(delta: Decimal | None) -> Decimal | None:
    return None if delta is None else delta.quantize(Decimal("0.01"))


def _rate_sheet(wb, b: Bulletin) -> None:
    cols = [("排名", 6, None), ("乡镇", 12, None), ("任务（万元）", 13, WAN), ("已清收（万元）", 13, WAN),
            ("清收率", 9, RATE), ("较上期清收（万元）", 13, WAN), ("清收率较上期（百分点）", 12, POINTS),
            ("名次变化", 9, None), ("数据更新", 22, None), ("数据过期", 8, None)]
    ws = _sheet(wb, b, "按清收率排名", "金额单位：万元", cols)
    rows = [[t.rank, t.name, wan_number(t.task_fen), wan_number(t.recovered_fen), float(t.rate),
             wan_number(t.delta_recovered_fen), _points(t.delta_rate_points), bt.move(t.rank_change),
             t.freshness.label, "是" if t.freshness.stale else ""] for t in b.townships]
    tt = b.totals
    rows.append([None, "全区", wan_number(tt.task_fen), wan_number(tt.recovered_fen), float(tt.rate),
                 wan_number(tt.delta_recovered_fen), _points(tt.delta_rate_points), None, None, None])
    _rows(ws, cols, rows, [_fill(b, t) for t in b.townships] + [HEAD_FILL])


def _amount_sheet(wb, b: Bulletin) -> None:
    cols = [("排名", 6, None), ("乡镇", 12, None), ("已清收（万元）", 13, WAN), ("较上期清收（万元）", 13, WAN),
            ("名次变化", 9, None), ("清收率", 9, RATE), ("清收率排名", 9, None)]
    ws = _sheet(wb, b, "按清收金额排名", "金额单位：万元", cols)
    rows = [[t.amount_rank, t.name, wan_number(t.recovered_fen), wan_number(t.delta_recovered_fen),
             bt.move(t.amount_rank_change), float(t.rate), t.rank] for t in b.by_amount]
    _rows(ws, cols, rows)


def _category_sheet(wb, b: Bulletin) -> None:
    cols = [("类别", 34, None), ("笔数", 8, None), ("户数", 8, None), ("任务（万元）", 13, WAN),
            ("已清收（万元）", 13, WAN), ("清收率", 9, RATE)]
    ws = _sheet(wb, b, "特殊类别", "金额单位：万元", cols)
    _rows(ws, cols, [[c.name, c.loans, c.households, wan_number(c.task_fen), wan_number(c.recovered_fen),
                      float(c.rate)] for c in b.categories])


def _watch_sheet(wb, b: Bulletin) -> None:
    cols = [("乡镇", 12, None), ("较上期无进展", 12, None), ("承诺未兑现（户）", 12, None),
            ("大额贷款无还款无走访（笔）", 14, None), ("数据更新", 22, None), ("数据过期", 8, None)]
    ws = _sheet(wb, b, "需要关注", f"数据超过{b.stale_days}天未更新即为过期", cols)
    rows = [[t.name, "是" if t in b.no_progress else ("—" if t.delta_recovered_fen is None else ""),
             t.broken_promises, t.large_untouched, t.freshness.label, "是" if t.freshness.stale else ""]
            for t in b.townships]
    _rows(ws, cols, rows)
    r = HEADER_ROW + len(rows) + 2
    for i, text in enumerate(bt.watch_paragraphs(b), start=1):
        ws.cell(row=r, column=1, value=f"{i}. {text}")
        r += 1
    if b.large_loans:
        r += 1
        for i, h in enumerate(["借据号", "乡镇", "借款人", "任务金额（元）"], start=1):
            c = ws.cell(row=r, column=i, value=h)
            c.font, c.fill, c.border = Font(bold=True), HEAD_FILL, BOX
        for x in b.large_loans:
            r += 1
            for i, v in enumerate([x.loan_no, x.township, x.borrower, yuan_number(x.task_fen)], start=1):
                c = ws.cell(row=r, column=i, value=v)
                c.border = BOX
            c.number_format = YUAN


def _detail_sheet(wb, b: Bulletin) -> None:
    cols = [("乡镇", 12, None), ("笔数", 8, None), ("户数", 8, None), ("任务金额（元）", 16, YUAN),
            ("已清收（元）", 16, YUAN), ("未收回（元）", 16, YUAN), ("清收率", 9, RATE), ("已结清笔数", 9, None),
            ("上期已清收（元）", 16, YUAN), ("较上期清收（元）", 16, YUAN)]
    ws = _sheet(wb, b, "各乡镇明细", "金额单位：元", cols)
    rows = [[t.name, t.loans, t.households, yuan_number(t.task_fen), yuan_number(t.recovered_fen),
             yuan_number(t.outstanding_fen), float(t.rate), t.settled,
             None if t.prev_recovered_fen is None else yuan_number(t.prev_recovered_fen),
             None if t.delta_recovered_fen is None else yuan_number(t.delta_recovered_fen)] for t in b.townships]
    tt = b.totals
    rows.append(["全区", tt.loans, tt.households, yuan_number(tt.task_fen), yuan_number(tt.recovered_fen),
                 yuan_number(tt.outstanding_fen), float(tt.rate), tt.settled,
                 None if tt.prev_recovered_fen is None else yuan_number(tt.prev_recovered_fen),
                 None if tt.delta_recovered_fen is None else yuan_number(tt.delta_recovered_fen)])
    _rows(ws, cols, rows, [None] * len(b.townships) + [HEAD_FILL])
