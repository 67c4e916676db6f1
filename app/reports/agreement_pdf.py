"""还款协议书: the paper the borrower signs and fingerprints (A4, embedded Chinese font).

Sections: the parties; 一 what is owed (table, figures and capitals); 二 reductions and their
condition; 三 the agreed total; 四 the schedule; 五… the district's terms (numbered here);
then a box for every signature, fingerprint and seal, with dates.
"""
from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from app.domain.interest import format_rate
from app.domain.money import to_chinese_capital
from app.reports.forms import AgreementForm, Party
from app.reports.pdfkit import (
    BLANK_DATE,
    BODY_W,
    SHADE,
    amount,
    cn_date,
    document,
    escape,
    fit,
    grid_style,
    line,
    numbered_canvas,
    p,
    plain_style,
    pm,
    styles,
    yuan,
)

NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (section numbers)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def write_agreement_pdf(form: AgreementForm, out: Path) -> Path:
    st = styles()
    story: list = []
    story.append(p(f"协议编号：{form.number}　第{form.version}版", st["number"]))
    story.append(p("还 款 协 议 书", st["title"]))
    story.append(_parties_table(form, st))
    story.append(Spacer(1, 3 * mm))
    story.append(p(f"乙方在甲方处的下列贷款已逾期未还。为妥善解决欠款问题，经{form.witness}见证，甲乙双方本着平等自愿、"
                   "诚实信用的原则协商一致，就还款事宜达成如下协议，共同遵守。", st["indent"]))
    if form.previous_note:
        story.append(p(form.previous_note, st["indent"]))

    story.append(p(f"一、欠款情况（计算至{cn_date(form.as_of)}）", st["heading"]))
    story.append(_loans_table(form, st))
    story.append(Spacer(1, 1.5 * mm))
    story.append(p(f"截至{cn_date(form.as_of)}，乙方共欠甲方本金{yuan(form.principal_fen)}元、利息{yuan(form.interest_fen)}元、"
                   f"罚息{yuan(form.penalty_fen)}元，合计人民币{yuan(form.owed_fen)}元"
                   f"（大写：{to_chinese_capital(form.owed_fen)}）。", st["indent"]))
    story.append(p(f"计息方法：{form.basis_text}。{_rates_text(form)}", st["small"]))

    story.append(p("二、减免", st["heading"]))
    if form.waived_fen and form.approval_ref:
        story.append(p(f"经甲方审批（审批文号：{form.approval_ref}），同意减免乙方利息{yuan(form.waived_interest_fen)}元、"
                       f"罚息{yuan(form.waived_penalty_fen)}元，共计{yuan(form.waived_fen)}元"
                       f"（大写：{to_chinese_capital(form.waived_fen)}）。", st["indent"]))
        if form.condition:
            story.append(p(f"减免条件：{form.condition}", st["indent"]))
    elif form.waived_fen:
        story.append(p(f"拟减免乙方利息{yuan(form.waived_interest_fen)}元、罚息{yuan(form.waived_penalty_fen)}元，"
                       f"共计{yuan(form.waived_fen)}元（大写：{to_chinese_capital(form.waived_fen)}）。"
                       "本减免尚待甲方审批，审批前不生效（审批文号：＿＿＿＿＿＿＿＿）。", st["indent"]))
        if form.condition:
            story.append(p(f"减免条件：{form.condition}", st["indent"]))
    else:
        story.append(p("本协议不减免利息和罚息。", st["indent"]))

    story.append(p("三、应还金额", st["heading"]))
    story.append(p(f"减免后乙方应还甲方合计人民币{yuan(form.total_fen)}元（大写：{to_chinese_capital(form.total_fen)}）。",
                   st["indent"]))

    story.append(p(f"四、还款计划（{form.plan_text}）", st["heading"]))
    story.append(_schedule_table(form, st))
    story.append(Spacer(1, 2 * mm))

    terms = list(form.terms)
    if not any(form.order_text in t for t in terms):  # the order is always stated
        terms.insert(0, f"每次还款按照“{form.order_text}”的顺序抵偿。")
    paragraphs = [p(f"{numeral(i)}、{term}", st["indent"]) for i, term in enumerate(terms, start=5)]
    story.extend(paragraphs[:-1])
    # The last term stays on the page of the signatures, so no signature page stands alone.
    story.append(KeepTogether([
        *paragraphs[-1:], p("（以下无正文）", st["small"]), Spacer(1, 3 * mm),
        _signature_table(form, st), Spacer(1, 4 * mm),
        line([f"签订日期：{cn_date(form.signed_on, BLANK_DATE)}", f"签订地点：{form.witness}"],
             [BODY_W / 2, BODY_W / 2])]))

    doc = document(out, f"还款协议书 {form.number}")
    doc.build(story, canvasmaker=numbered_canvas(f"还款协议书　{form.number}（第{form.version}版）", form.watermark,
                                                 form.banner))
    return out


def _label(party: Party) -> str:
    return {"借款人": "乙方（借款人）", "担保人": "丙方（担保人）"}.get(party.role, party.role)


def _parties_table(form: AgreementForm, st) -> Table:
    c = st["cell"]
    widths = [36 * mm, 32 * mm, 62 * mm, BODY_W - 130 * mm]
    wide = BODY_W - widths[0]  # a value spanning the last three columns
    rows = [["甲方（贷款人）：", fit(form.lender, c, wide), "", ""]]
    for party in form.parties:
        rows.append([f"{_label(party)}：", fit(party.name + (f"（{party.note}）" if party.note else ""), c, widths[1]),
                     f"身份证号：{party.id_number}" if party.id_number else "",
                     f"电话：{party.phone}" if party.phone else ""])
    rows.append(["住　　址：", fit(form.address or "", c, wide), "", ""])
    rows.append(["见 证 方：", fit(form.witness, c, wide), "", ""])
    t = Table(rows, colWidths=widths)
    spans = [("SPAN", (1, r), (3, r)) for r in (0, len(rows) - 2, len(rows) - 1)]
    t.setStyle(plain_style(("FONTSIZE", (0, 0), (-1, -1), c.fontSize), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5), *spans))
    return t


def _loans_table(form: AgreementForm, st) -> Table:
    widths = [w * mm for w in (31, 20, 19, 21, 20, 19, 19, 21)]
    head = ["借据号", "到期日", "年利率<br/>罚息利率", "本金余额", "台账欠息", "新增利息", "罚息", "合计"]
    rows = [[pm(h, st["head"]) for h in head]]
    for ln in form.loans:
        money = [ln.principal_fen, _ledger(ln),
                 ln.interest_fen - ln.ledger_interest_fen if ln.ledger_interest_fen is not None else None,
                 ln.penalty_fen, ln.owed_fen]
        rows.append([
            fit(ln.loan_no, st["cell_c"], widths[0]),
            ln.due_date.isoformat() if ln.due_date else "—",
            pm(f"{format_rate(ln.rate_ppm)}{'*' if ln.rate_default else ''}<br/>{format_rate(ln.penalty_rate_ppm)}"
               + ("<br/>停息挂账" if ln.suspended else ""), st["cell_c"]),
            *[amount(yuan(m), st["cell_r"], w) for m, w in zip(money, widths[3:])],
        ])
    totals = [form.principal_fen, sum(_ledger(ln) for ln in form.loans),
              sum(ln.interest_fen - _ledger(ln) for ln in form.loans), form.penalty_fen, form.owed_fen]
    rows.append(["合计", "", "", *[amount(yuan(m), st["cell_r"], w) for m, w in zip(totals, widths[3:])]])
    t = Table(rows, colWidths=widths, repeatRows=1)
    t.setStyle(grid_style(("SPAN", (0, -1), (2, -1)), ("BACKGROUND", (0, -1), (-1, -1), SHADE),
                          ("ALIGN", (0, 1), (2, -1), "CENTER"), ("ALIGN", (3, 1), (-1, -1), "RIGHT")))
    return t


def _ledger(ln) -> int:
    return ln.ledger_interest_fen if ln.ledger_interest_fen is not None else ln.interest_fen


def _rates_text(form: AgreementForm) -> str:
    dates = sorted({ln.accrued_from for ln in form.loans if ln.accrued_from})
    bits = []
    if dates:
        bits.append(f"“台账欠息”为银行台账截至{cn_date(dates[0])}的欠息，“新增利息”“罚息”为其后至计算日新增的部分"
                    "（已扣除期间所还利息、罚息）")
    if any(ln.suspended for ln in form.loans):
        bits.append("停息挂账的贷款不再计息")
    bits += default_rate_notes(form.loans)
    return "；".join(bits) + ("。" if bits else "")


def default_rate_notes(loans) -> list[str]:
    """"*借据号…无合同利率记录，按默认利率…测算" for the loans computed at the default rate."""
    by_rate: dict[int | None, list[str]] = {}
    for ln in loans:
        if ln.rate_default:
            by_rate.setdefault(ln.rate_ppm, []).append(ln.loan_no)
    return [f"*借据号{'、'.join(nos)}无合同利率记录，按默认利率（年利率{format_rate(rate)}）测算，以银行核定的合同利率为准"
            for rate, nos in by_rate.items()]


def _schedule_table(form: AgreementForm, st) -> Table:
    widths = [16 * mm, 32 * mm, 28 * mm, 60 * mm, 34 * mm]
    rows = [[p(h, st["head"]) for h in ("期次", "应还日期", "应还金额（元）", "金额大写", "实还记录")]]
    lines = [(f"第{ln.no}期", cn_date(ln.due), ln.amount_fen) for ln in form.schedule]
    lines.append(("合计", f"共{len(form.schedule)}期", form.total_fen))
    for no, due, fen in lines:
        rows.append([no, due, amount(yuan(fen), st["cell_r"], widths[2]),
                     fit(to_chinese_capital(fen), st["cell"], widths[3]), ""])
    t = Table(rows, colWidths=widths, repeatRows=1)
    t.setStyle(grid_style(("BACKGROUND", (0, -1), (-1, -1), SHADE), ("ALIGN", (0, 1), (1, -1), "CENTER"),
                          ("ALIGN", (2, 1), (2, -1), "RIGHT")))
    return t


def _signature_table(form: AgreementForm, st) -> Table:
    """Every party in a row: who, name, signature, fingerprint box, date.  The bank and the
    witness sign and seal across the signature and fingerprint columns."""
    date_text = "　　年　　月　　日"
    finger = pm("<font size=7 color='#999999'>（右手食指）</font>", st["cell_c"])
    rows = [[p(h, st["head"]) for h in ("身　份", "姓名 / 名称", "签　字", "指　印", "日　期")]]
    rows.append(["甲方（贷款人）", fit(form.lender, st["cell"], 40 * mm),
                 pm("负责人签字：<br/><br/><br/>（盖章）", st["cell"]), "", date_text])
    stamp_rows = [1]
    for party in form.parties:
        if party.signs:
            rows.append([_label(party), fit(party.name, st["cell"], 40 * mm), "", finger, date_text])
    operator = f"经办人：{escape(form.operator)}<br/>签字：" if form.operator else "经办人签字："
    rows.append(["见证方", fit(form.witness, st["cell"], 40 * mm),
                 pm(f"{operator}<br/><br/>（盖章）", st["cell"]), "", date_text])
    stamp_rows.append(len(rows) - 1)
    widths = [30 * mm, 40 * mm, 42 * mm, 24 * mm, 34 * mm]
    t = Table(rows, colWidths=widths, rowHeights=[8 * mm] + [21 * mm] * (len(rows) - 1))
    extra = [("SPAN", (2, r), (3, r)) for r in stamp_rows]
    extra += [("VALIGN", (3, 1), (3, -1), "BOTTOM"), ("ALIGN", (0, 1), (0, -1), "CENTER"),
              ("ALIGN", (4, 1), (4, -1), "CENTER")]
    t.setStyle(grid_style(*extra))
    return t
