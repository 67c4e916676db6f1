"""The ten-day bulletin as a PDF (A4, the embedded Chinese font): title and 期次, issuing unit
and date, the progress in the speech's sentences, the two rankings with their change since
the last issue, the nine categories, items to watch, two charts, and the township detail in
yuan to the fen."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Spacer, Table

from app.domain.bulletin import Bulletin
from app.reports import bulletin_text as bt
from app.reports.bulletin_charts import progress_chart, rates_chart
from app.reports.pdfkit import BODY_W, document, grid_style, numbered_canvas, p, styles, yuan

GOOD = colors.HexColor("#E2EFDA")
BAD = colors.HexColor("#FCE4E4")


def write_bulletin_pdf(b: Bulletin, out: Path) -> Path:
    st = styles()
    story: list = [p("关于全区不良贷款清收工作进展情况的通报", st["title"]),
                   p(f"（第{b.issue_no}期）", st["subtitle"]), Spacer(1, 2 * mm),
                   _issuer_line(b, st), Spacer(1, 3 * mm)]
    if b.reprint:
        story.append(p(f"（重印：本期于{bt.cn_date(b.issued_at)}发布，数字为当时发布的数字）" if b.issued_at
                       else "（重印）", st["small"]))
    elif b.issued_at is None:
        story.append(p("（预览：尚未发布）", st["small"]))
    story.append(p("各乡镇、区不良贷款清收工作领导小组各成员单位：", st["body"]))
    story.append(p(f"按照不良贷款清收工作进度十天一通报制度，现将截至{bt.cn_date(b.as_of)}全区不良贷款清收工作进展情况通报如下：",
                   st["indent"]))
    story.append(p("一、总体进展", st["heading"]))
    story += [p(text, st["indent"]) for text in bt.summary_paragraphs(b)]
    story.append(p("二、各乡镇清收情况", st["heading"]))
    story.append(p("（一）按清收率排名（金额单位：万元）", st["body"]))
    story.append(_rate_table(b, st))
    story.append(p("（二）按清收金额排名（金额单位：万元）", st["body"]))
    story.append(_amount_table(b, st))
    story.append(p("三、特殊类别贷款清收情况（金额单位：万元）", st["heading"]))
    story.append(_category_table(b, st))
    story.append(p("四、需要关注的问题", st["heading"]))
    story += [p(f"{i}. {text}", st["indent"]) for i, text in enumerate(bt.watch_paragraphs(b), start=1)]
    if bt.closing(b):
        story.append(p("五、表扬与批评", st["heading"]))
        story.append(p(bt.closing(b), st["indent"]))
    story.append(Spacer(1, 6 * mm))
    story.append(_signature(b, st))
    story.append(KeepTogether([p("附图", st["heading"]), progress_chart(b, BODY_W)]))
    story.append(Spacer(1, 4 * mm))
    story.append(rates_chart(b, BODY_W))
    story.append(PageBreak())
    story.append(p("附表1　各乡镇清收明细（单位：元）", st["heading"]))
    story.append(_detail_table(b, st))
    if b.large_loans:
        story.append(p("附表2　尚无还款、也未走访的100万元以上贷款（单位：元）", st["heading"]))
        story.append(_large_table(b, st))
    doc = document(out, b.title)
    doc.build(story, canvasmaker=numbered_canvas(f"{b.unit_name}清收工作通报 第{b.issue_no}期"))
    return out


def _issuer_line(b: Bulletin, st) -> Table:
    t = Table([[bt.issuer(b), bt.cn_date(b.as_of)]], colWidths=[BODY_W * 0.7, BODY_W * 0.3])
    t.setStyle(grid_style(("GRID", (0, 0), (-1, -1), 0, colors.white), ("BACKGROUND", (0, 0), (-1, 0), colors.white),
                          ("FONTSIZE", (0, 0), (-1, -1), 10.5), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                          ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                          ("LINEBELOW", (0, 0), (-1, 0), 1.2, colors.HexColor("#C00000"))))
    return t


def _signature(b: Bulletin, st) -> KeepTogether:
    t = Table([["", bt.issuer(b)], ["", bt.cn_date(b.as_of)]], colWidths=[BODY_W * 0.45, BODY_W * 0.55])
    t.setStyle(grid_style(("GRID", (0, 0), (-1, -1), 0, colors.white), ("BACKGROUND", (0, 0), (-1, 0), colors.white),
                          ("FONTSIZE", (0, 0), (-1, -1), 10.5), ("ALIGN", (1, 0), (1, -1), "CENTER")))
    return KeepTogether([t])


def _table(rows: list[list], widths: list[float], *extra) -> Table:
    total = sum(widths)
    t = Table(rows, colWidths=[w * BODY_W / total for w in widths], repeatRows=1)
    t.setStyle(grid_style(("ALIGN", (0, 0), (-1, -1), "CENTER"), ("FONTSIZE", (0, 1), (-1, -1), 8.5),
                          ("TOPPADDING", (0, 0), (-1, -1), 1.8), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8),
                          *extra))
    return t


def _colour(b: Bulletin, rows, ordered, first_row: int = 1) -> list:
    cmds = []
    for i, t in enumerate(ordered, start=first_row):
        if t.rate > b.high:
            cmds.append(("BACKGROUND", (0, i), (-1, i), GOOD))
        elif t.rate < b.low:
            cmds.append(("BACKGROUND", (0, i), (-1, i), BAD))
    return cmds


def _rate_table(b: Bulletin, st) -> Table:
    rows = [["排名", "乡镇", "任务", "已清收", "清收率", "较上期清收", "清收率较上期\n（百分点）", "名次变化", "数据更新"]]
    for t in b.townships:
        rows.append([t.rank, t.name, bt.wan(t.task_fen), bt.wan(t.recovered_fen), bt.pct(t.rate),
                     bt.signed_wan(t.delta_recovered_fen), bt.points(t.delta_rate_points), bt.move(t.rank_change),
                     _fresh(t)])
    tt = b.totals
    rows.append(["", "全区", bt.wan(tt.task_fen), bt.wan(tt.recovered_fen), bt.pct(tt.rate),
                 bt.signed_wan(tt.delta_recovered_fen), bt.points(tt.delta_rate_points), "", ""])
    return _table(rows, [5, 12, 12, 12, 9, 11, 11, 8, 16], *_colour(b, rows, b.townships),
                  ("ALIGN", (2, 1), (6, -1), "RIGHT"), ("FONTSIZE", (8, 1), (8, -1), 7),
                  ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#EEEEEE")))


def _fresh(t) -> str:
    f = t.freshness
    if f.last_on is None:
        return f.label
    mark = "（过期）" if f.stale else ""
    return f"{f.last_on.month}月{f.last_on.day}日{mark}"


def _amount_table(b: Bulletin, st) -> Table:
    rows = [["排名", "乡镇", "已清收", "较上期清收", "名次变化", "清收率", "清收率排名"]]
    for t in b.by_amount:
        rows.append([t.amount_rank, t.name, bt.wan(t.recovered_fen), bt.signed_wan(t.delta_recovered_fen),
                     bt.move(t.amount_rank_change), bt.pct(t.rate), t.rank])
    return _table(rows, [6, 14, 14, 14, 10, 10, 10], ("ALIGN", (2, 1), (3, -1), "RIGHT"))


def _category_table(b: Bulletin, st) -> Table:
    rows = [["类别", "笔数", "户数", "任务", "已清收", "清收率"]]
    for c in b.categories:
        rows.append([p(c.name, st["cell"]), c.loans, c.households, bt.wan(c.task_fen), bt.wan(c.recovered_fen),
                     bt.pct(c.rate)])
    return _table(rows, [34, 8, 8, 13, 13, 10], ("ALIGN", (3, 1), (4, -1), "RIGHT"))


def _detail_table(b: Bulletin, st) -> Table:
    rows = [["乡镇", "笔数", "户数", "任务金额", "已清收", "未收回", "已结清\n笔数", "承诺未兑现\n户数"]]
    for t in b.townships:
        rows.append([t.name, t.loans, t.households, yuan(t.task_fen), yuan(t.recovered_fen), yuan(t.outstanding_fen),
                     t.settled, t.broken_promises])
    tt = b.totals
    rows.append(["全区", tt.loans, tt.households, yuan(tt.task_fen), yuan(tt.recovered_fen), yuan(tt.outstanding_fen),
                 tt.settled, b.broken_promises])
    return _table(rows, [12, 7, 7, 17, 17, 17, 8, 10], ("ALIGN", (3, 1), (5, -1), "RIGHT"),
                  ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#EEEEEE")))


def _large_table(b: Bulletin, st) -> Table:
    rows = [["借据号", "乡镇", "借款人", "任务金额"]]
    rows += [[x.loan_no, x.township, x.borrower, yuan(x.task_fen)] for x in b.large_loans]
    return _table(rows, [20, 12, 12, 16], ("ALIGN", (3, 1), (3, -1), "RIGHT"))
