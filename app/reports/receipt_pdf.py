"""还款凭证（收据）: two copies on one A4 page — 第一联 交款人留存, 第二联 存根 — with a cut line."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from app.domain.money import to_chinese_capital
from app.reports.fonts import register
from app.reports.forms import ReceiptForm
from app.reports.pdfkit import (
    BODY_W,
    SHADE,
    amount,
    cn_date,
    document,
    grid_style,
    numbered_canvas,
    p,
    plain_style,
    styles,
    yuan,
)

COPIES = ("第一联　交款人留存", "第二联　存根")


class CutLine(Flowable):
    """A dashed line across the page with "沿此线裁开" in the middle."""

    def __init__(self):
        super().__init__()
        self.width, self.height = 0, 10 * mm

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return self.width, self.height

    def draw(self):
        c = self.canv
        c.saveState()
        c.setDash(3, 3)
        c.setStrokeColor(colors.HexColor("#777777"))
        y = self.height / 2
        c.line(0, y, self.width / 2 - 18 * mm, y)
        c.line(self.width / 2 + 18 * mm, y, self.width, y)
        c.setFont(register(), 8)
        c.setFillColor(colors.HexColor("#777777"))
        c.drawCentredString(self.width / 2, y - 3, "沿此线裁开")
        c.restoreState()


def write_receipt_pdf(form: ReceiptForm, out: Path) -> Path:
    st = styles()
    story: list = []
    for i, copy in enumerate(COPIES):
        story.append(KeepTogether(_copy(form, copy, st)))
        if i == 0:
            story.append(Spacer(1, 4 * mm))
            story.append(CutLine())
            story.append(Spacer(1, 4 * mm))
    doc = document(out, f"还款凭证 {form.receipt_no}", top=14 * mm, bottom=16 * mm)
    doc.build(story, canvasmaker=numbered_canvas(""))
    return out


def _copy(form: ReceiptForm, copy: str, st) -> list:
    title = ParagraphStyle("receipt_title", st["title"], fontSize=18, leading=24, spaceAfter=0)
    head = Table([[p(f"No. {form.receipt_no}", st["cell"]), p("还款凭证（收据）", title), p(copy, st["cell_r"])]],
                 colWidths=[50 * mm, BODY_W - 100 * mm, 50 * mm])
    head.setStyle(plain_style(("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("RIGHTPADDING", (0, 0), (-1, -1), 0)))
    c, cc, cr = st["cell"], st["cell_c"], st["cell_r"]
    w = [26, 40, 24, 27, 26, 27]
    rows = [
        [p("交款人", cc), p(form.payer, c), p("交款日期", cc), p(cn_date(form.paid_on), c), "", ""],
        [p("户　主", cc), p(form.household, c), p("住　址", cc), p(form.address or "", c), "", ""],
        [p("协议编号", cc), p(form.agreement_number or "（未签协议）", c), p("贷款银行", cc), p(form.lender, c), "", ""],
        [p("借据号", cc), "", p("本金", cc), p("利息", cc), p("罚息", cc), p("小计", cc)],
    ]
    for ln in form.lines:
        rows.append([p(ln.loan_no, cc), "", *[amount(yuan(fen), cr, x * mm, plain=False) for fen, x in zip(
            (ln.principal_fen, ln.interest_fen, ln.penalty_fen, ln.amount_fen), w[2:])]])
    rows.append([p("金额（大写）", cc), p(f"人民币{to_chinese_capital(form.amount_fen)}", c), "", "",
                 p("（小写）", cc), amount(f"¥{yuan(form.amount_fen)}", cr, w[5] * mm, plain=False)])
    if form.installments:
        text = "；".join(f"第{no}期（{due.isoformat()}）还 {yuan(now)} 元" + (f"，该期尚欠 {yuan(left)} 元" if left else "，已还清")
                        for no, due, now, left in form.installments)
        rows.append([p("对应期次", cc), p(text, c), "", "", "", ""])
    if form.remaining_fen is not None:
        rows.append([p("协议尚欠", cc), p(f"{yuan(form.remaining_fen)} 元（大写：{to_chinese_capital(form.remaining_fen)}）"
                                         if form.remaining_fen else "协议款项已全部还清", c), "", "", "", ""])
    if form.note:
        rows.append([p("备　注", cc), p(form.note, c), "", "", "", ""])
    n_head = 4
    loan_end = n_head + len(form.lines) - 1
    spans = [("SPAN", (3, 0), (5, 0)), ("SPAN", (3, 1), (5, 1)), ("SPAN", (3, 2), (5, 2)),
             ("SPAN", (0, 3), (1, 3))]
    spans += [("SPAN", (0, r), (1, r)) for r in range(n_head, loan_end + 1)]
    cap_row = loan_end + 1
    spans += [("SPAN", (1, cap_row), (3, cap_row))]
    spans += [("SPAN", (1, r), (5, r)) for r in range(cap_row + 1, len(rows))]
    t = Table(rows, colWidths=[x * mm for x in w])
    t.setStyle(grid_style(*spans, ("BACKGROUND", (0, 0), (-1, 0), colors.white),
                          ("BACKGROUND", (0, 3), (-1, 3), SHADE),
                          *[("BACKGROUND", (0, r), (0, r), SHADE) for r in range(len(rows)) if r != 3 and not n_head <= r <= loan_end],
                          *[("BACKGROUND", (2, r), (2, r), SHADE) for r in range(3)],
                          ("BACKGROUND", (4, cap_row), (4, cap_row), SHADE)))
    sign = Table([[p("收款单位（盖章）：", c), p(f"经办人：{form.operator}", c), p("交款人（签字）：", c)],
                  [p(form.collector, c), "", ""]],
                 colWidths=[BODY_W * 0.4, BODY_W * 0.3, BODY_W * 0.3], rowHeights=[8 * mm, 10 * mm])
    sign.setStyle(plain_style(("VALIGN", (0, 0), (-1, -1), "TOP")))
    return [head, Spacer(1, 2 * mm), t, Spacer(1, 3 * mm), sign]
