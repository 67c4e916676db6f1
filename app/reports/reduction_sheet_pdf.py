"""减免明白纸: one page for the household, in plain words and a table — what is owed now,
what the plan asks after the reduction, and what the debt becomes if left unpaid for 6 and
12 months."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from app.domain.interest import format_rate
from app.reports.forms import SheetForm
from app.reports.pdfkit import (
    BLANK_DATE,
    BODY_W,
    SHADE,
    amount,
    cn_date,
    document,
    grid_style,
    line,
    numbered_canvas,
    p,
    plain_style,
    styles,
    yuan,
)

PLAN_ROW = colors.HexColor("#E3F1E3")
MAX_SCHEDULE_CELLS = 24


def write_sheet_pdf(form: SheetForm, out: Path) -> Path:
    st = styles()
    story: list = [p("不良贷款利息减免明白纸", st["title"]),
                   p("（请您仔细阅读，算清明白账）", st["subtitle"]), Spacer(1, 4 * mm)]
    c = st["cell"]
    info = Table([[p(f"户　　主：{form.household}", c), p(f"计算日期：{cn_date(form.as_of)}", c)],
                  [p(f"贷款银行：{form.lender}", c), p(f"协议编号：{form.number}" if form.number else "", c)]],
                 colWidths=[BODY_W * 0.58, BODY_W * 0.42])
    info.setStyle(plain_style(("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)))
    story.append(info)
    story.append(Spacer(1, 3 * mm))
    for i, text in enumerate(form.paragraphs):
        story.append(p(text, st["body"] if i == 0 else st["indent"]))
    story.append(p("您家欠款算一算（单位：元）", st["heading"]))
    story.append(_projection_table(form, st))
    if form.schedule:
        story.append(p("还款计划", st["heading"]))
        story.append(_schedule_grid(form, st))
    story.append(p("计息说明", st["heading"]))
    story.append(p(f"{form.basis_text}。{_rates(form)}"
                   "以上为按现有利率测算的数额，实际以银行结算为准；本明白纸仅作说明，以双方签订的还款协议为准。",
                   st["small"]))
    if form.watermark:
        story.append(p("本明白纸中的减免尚待审批，审批前不生效。", st["heading"]))
    story.append(Spacer(1, 4 * mm))
    story.append(KeepTogether([
        line([f"咨询电话：{form.contact}" if form.contact else "", form.witness], [BODY_W / 2, BODY_W / 2],
             aligns=["LEFT", "RIGHT"]),
        line(["", f"经办人：{form.operator}" if form.operator else "经办人："], [BODY_W / 2, BODY_W / 2],
             aligns=["LEFT", "RIGHT"], height=7 * mm),
        line(["", cn_date(form.as_of)], [BODY_W / 2, BODY_W / 2], aligns=["LEFT", "RIGHT"], height=7 * mm),
        Spacer(1, 6 * mm),
        line(["本人已阅读并明白上述内容。", "户主（签字）：", "", "", "日期：" + BLANK_DATE],
             [BODY_W * 0.32, BODY_W * 0.15, BODY_W * 0.18, BODY_W * 0.03, BODY_W * 0.32], height=8 * mm,
             underline=(2,)),
    ]))
    doc = document(out, f"减免明白纸 {form.household}")
    doc.build(story, canvasmaker=numbered_canvas("减免明白纸", form.watermark, form.banner))
    return out


def _projection_table(form: SheetForm, st) -> Table:
    head = ["情　形", "日　期", "本金", "利息", "罚息", "合计", "比按计划还款"]
    widths = [40, 19, 21, 20, 19, 22, 29]
    rows = [[p(h, st["head"]) for h in head]]
    for i, row in enumerate(form.rows):
        diff = row.total_fen - form.plan_total_fen
        compare = "—" if i == 1 else (f"多 {yuan(diff)}" if diff > 0 else ("相同" if diff == 0 else f"少 {yuan(-diff)}"))
        money = [yuan(row.principal_fen), yuan(row.interest_fen), yuan(row.penalty_fen), yuan(row.total_fen), compare]
        rows.append([p(row.label, st["cell"]), p(row.on.isoformat() if row.on else "—", st["cell_c"]),
                     *[amount(m, st["cell_r"], w * mm, plain=False) for m, w in zip(money, widths[2:])]])
    t = Table(rows, colWidths=[w * mm for w in widths])
    t.setStyle(grid_style(("BACKGROUND", (0, 2), (-1, 2), PLAN_ROW),
                          ("LINEBELOW", (0, 0), (-1, -1), 0.6, colors.black)))
    return t


def _schedule_grid(form: SheetForm, st) -> Table:
    """The installments compactly, three to a row: 第1期 2027-01-15 6,102.00."""
    lines = form.schedule
    if len(lines) > MAX_SCHEDULE_CELLS:
        text = (f"共{len(lines)}期，{lines[0].due.isoformat()}起至{lines[-1].due.isoformat()}，"
                "每期金额详见还款协议第四条。")
        return Table([[p(text, st["cell"])]], colWidths=[BODY_W], style=grid_style())
    per_row = 3
    cells = [[p(f"第{ln.no}期", st["cell_c"]), p(ln.due.isoformat(), st["cell_c"]),
              amount(yuan(ln.amount_fen), st["cell_r"], BODY_W / 3 * 0.36, plain=False)] for ln in lines]
    rows = [[p(h, st["head"]) for h in ("期次", "还款日期", "金额")] * per_row]
    for i in range(0, len(cells), per_row):
        chunk = cells[i:i + per_row]
        row = [c for cell in chunk for c in cell]
        rows.append(row + [""] * (3 * per_row - len(row)))
    w = BODY_W / per_row
    t = Table(rows, colWidths=[w * 0.26, w * 0.38, w * 0.36] * per_row)
    t.setStyle(grid_style(*[("LINEAFTER", (3 * k - 1, 0), (3 * k - 1, -1), 1.2, colors.black)
                            for k in range(1, per_row)], ("BACKGROUND", (0, 0), (-1, 0), SHADE)))
    return t


def _rates(form: SheetForm) -> str:
    parts = []
    for ln in form.loans:
        if ln.suspended:
            parts.append(f"借据{ln.loan_no}已停息挂账，不再计息")
        else:
            parts.append(f"借据{ln.loan_no}年利率{format_rate(ln.rate_ppm)}、罚息利率{format_rate(ln.penalty_rate_ppm)}"
                         + ("（无合同利率记录，按默认利率测算）" if ln.rate_default else ""))
    return ("；".join(parts) + "。") if parts else ""
