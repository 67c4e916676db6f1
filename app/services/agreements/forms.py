"""The printed forms of an agreement: gather the data (plain dataclasses of
``app.reports.forms``) and write the PDF.

* ``agreement`` 还款协议书 — printing a draft marks it ``printed``;
* ``sheet`` 减免明白纸 — what the debt becomes in 6 and 12 months if unpaid, what the plan saves;
* ``receipt`` 还款凭证 — for one payment (a receipt number; by default the latest payment).

A reduction without its 审批文号 prints as a 草稿 (a watermark and a line on every page of the
agreement and the sheet) and printing it leaves the agreement a draft: it is not the paper to
sign.  A sheet is refused once the agreement's reduction has lapsed (installments missed).
The 经办人 printed is the operator (``app.services.foundation.operators``): on a receipt, who recorded the
payment; on an agreement and a sheet, who prints it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Agreement, Household, Loan, Repayment
from app.db.session import Database
from app.district import templates
from app.district.agreement_settings import AgreementSettings
from app.district.agreement_settings import load as load_settings
from app.domain.agreement_status import STATUS_NAMES
from app.domain.dates import add_months
from app.domain.errors import InputError, NotFound, UserError
from app.domain.interest import BASIS_TEXT, accrue, penalty_rate
from app.domain.money import format_yuan
from app.domain.schedule import FREQUENCY_NAMES, fill_installments, order_text
from app.reports.forms import (
    DRAFT,
    AgreementForm,
    LoanLine,
    Projection,
    ReceiptForm,
    ReceiptLine,
    ScheduleLine,
    SheetForm,
)
from app.services import agreements as svc
from app.services.agreements.parties import names_for, parties, payer
from app.services.foundation.operators import printed_name

KINDS = {"agreement": "还款协议书", "sheet": "减免明白纸", "receipt": "还款凭证"}
SHEET_FILE = "reduction_sheet.txt"
WATERMARKS = {code: STATUS_NAMES[code] for code in ("cancelled", "superseded")}   # across an old form
DRAFT_BANNER = "【草稿：减免尚未审批（无审批文号），不能作为签字文本】"


@dataclass
class PdfResult:
    path: str
    kind: str
    agreement_id: str
    number: str
    receipt_no: str | None = None

    def to_json(self) -> dict:
        return {"file": self.path, "kind": self.kind, "agreement_id": self.agreement_id, "number": self.number,
                "receipt_no": self.receipt_no}


def write_pdf(db: Database, agreement_id: str, out: Path | str, kind: str = "agreement", *,
              receipt_no: str | None = None, actor: str = "system", mark: bool = True) -> PdfResult:
    """Write one form of the agreement to ``out``.  A draft saved as an agreement becomes
    ``printed`` (only after the file was written; not a 草稿, and not with ``mark=False``: the
    window marks it once the paper was printed or the file saved, :func:`record_printed`)."""
    from app.reports.agreement_pdf import write_agreement_pdf
    from app.reports.receipt_pdf import write_receipt_pdf
    from app.reports.reduction_sheet_pdf import write_sheet_pdf

    if kind not in KINDS:
        raise InputError(f"未知的表单：{kind}（应为 agreement、sheet 或 receipt）")
    out = Path(out)
    view = svc.get(db, agreement_id, measure=kind == "sheet")
    operator = printed_name(actor)
    if kind == "agreement":
        write_agreement_pdf(agreement_form(db, view.id, view, operator=operator), out)
        if mark:
            record_printed(db, view.id, actor, view)
    elif kind == "sheet":
        write_sheet_pdf(sheet_form(db, view.id, view, operator=operator), out)
    else:
        if receipt_no is None:
            receipt_no = latest_receipt_no(db, view.id)
        write_receipt_pdf(receipt_form(db, receipt_no), out)
    return PdfResult(str(out), kind, view.id, view.number, receipt_no)


def record_printed(db: Database, agreement_id: str, actor: str = "system",
                   view: svc.AgreementView | None = None) -> bool:
    """The agreement was printed or saved: a draft becomes ``printed`` (from then on a change
    makes a new version) unless it printed as a 草稿.  True if its status changed."""
    view = view or svc.get(db, agreement_id, measure=False)
    if view.status != "draft" or view.needs_approval:
        return False
    svc.mark_printed(db, view.id, actor)
    return True


# --------------------------------------------------------------------------- 还款协议书

def agreement_form(db: Database, agreement_id: str, view: svc.AgreementView | None = None, *,
                   operator: str = "") -> AgreementForm:
    settings = load_settings()
    view = view or svc.get(db, agreement_id, measure=False)
    with Session(db.engine) as s:
        ag = s.get(Agreement, view.id)
        household = s.get(Household, ag.household_id)
        loans = _loan_lines(s, view, settings)
        names = names_for(s, household, [s.get(Loan, ln.loan_id) for ln in view.loans], settings)
        people = parties(s, household)
        previous = s.get(Agreement, ag.previous_id) if ag.previous_id else None
    previous_note = None
    if previous is not None:
        when = f"于{_cn(previous.signed_on)}签订的" if previous.signed_on else ""
        previous_note = f"本协议是第{view.version}版，替代双方{when}第{previous.version}版还款协议（编号相同），原协议自本协议生效之日起失效。"
    terms = (ag.terms_text or "").splitlines() if ag.terms_text else svc.render_terms(names, view.household, view, settings)
    return AgreementForm(
        number=view.number, version=view.version, status=view.status, as_of=view.as_of, lender=names.lender,
        witness=names.witness, household=view.household, address=names.address, parties=people, loans=loans,
        waived_interest_fen=view.waived_interest_fen, waived_penalty_fen=view.waived_penalty_fen,
        total_fen=view.total_fen, order_text=order_text(view.allocation_order), plan_text=_plan_text(view),
        schedule=[ScheduleLine(i.no, i.due, i.amount_fen, i.paid_fen) for i in view.installments],
        terms=[t for t in terms if t.strip()], condition=view.condition, approval_ref=view.approval_ref,
        basis_text=BASIS_TEXT, copies=settings.copies, signed_on=view.signed_on, previous_note=previous_note,
        watermark=DRAFT if view.needs_approval else WATERMARKS.get(view.status),
        banner=DRAFT_BANNER if view.needs_approval else None, operator=operator)


def _plan_text(view: svc.AgreementView) -> str:
    n = len(view.installments)
    if n == 1:
        return f"于{_cn(view.installments[0].due)}前一次还清"
    name = FREQUENCY_NAMES.get(view.frequency, "分期")
    return f"{name}，共{n}期"


def _loan_lines(session: Session, view: svc.AgreementView, settings: AgreementSettings) -> list[LoanLine]:
    """The agreement's loans as printed.  Rows saved without their rates (before 0002a) show
    the loan's contract rate, or the default, and the penalty rate derived from it."""
    loans = {ln.id: ln for ln in session.scalars(select(Loan).where(Loan.id.in_([x.loan_id for x in view.loans])))}
    out = []
    for x in view.loans:
        loan = loans[x.loan_id]
        rate = x.rate_ppm if x.rate_ppm is not None else (loan.rate_ppm or settings.default_rate_ppm)
        pen = x.penalty_rate_ppm if x.penalty_rate_ppm is not None else penalty_rate(rate, settings.penalty_markup_ppm)
        out.append(LoanLine(
            loan_no=x.loan_no, issue_date=loan.issue_date, due_date=loan.due_date, amount_fen=loan.principal_fen,
            principal_fen=x.principal_fen, interest_fen=x.interest_fen, penalty_fen=x.penalty_fen,
            ledger_interest_fen=x.ledger_interest_fen, accrued_interest_fen=x.accrued_interest_fen,
            accrued_penalty_fen=x.accrued_penalty_fen, accrued_from=x.accrued_from,
            rate_ppm=rate, penalty_rate_ppm=pen, suspended=x.suspended,
            waived_interest_fen=x.waived_interest_fen, waived_penalty_fen=x.waived_penalty_fen,
            rate_default=(x.rate_source or ("default" if x.rate_ppm is None and not loan.rate_ppm else None))
            == "default" and not x.suspended))
    return out


# --------------------------------------------------------------------------- 减免明白纸

def sheet_form(db: Database, agreement_id: str, view: svc.AgreementView | None = None, *,
               operator: str = "") -> SheetForm:
    """The reduction sheet for an agreement: now, on the plan, and unpaid in 6 and 12 months.
    Refused once the reduction has lapsed (it would promise what no longer holds)."""
    settings = load_settings()
    view = view or svc.get(db, agreement_id)
    if view.reduction_lapsed:
        raise UserError(f"协议 {view.number}（第{view.version}版）已违约，累计 {len(view.standing.missed)} 期未按时还款，"
                        f"减免 {format_yuan(view.waived_fen)} 元已失效：减免明白纸不再适用。"
                        "如重新协商减免，请“修改”协议生成新版本后再打印")
    form = agreement_form(db, agreement_id, view)
    rows = [Projection("现在一次还清，不减免", form.as_of, form.principal_fen, form.interest_fen,
                       form.penalty_fen, form.owed_fen),
            Projection("按协议分期还清，减免后", form.schedule[-1].due if form.schedule else None,
                       form.principal_fen, form.interest_fen - form.waived_interest_fen,
                       form.penalty_fen - form.waived_penalty_fen, form.total_fen)]
    for months in (6, 12):
        rows.append(project(form.loans, form.as_of, months))
    six, twelve = rows[2], rows[3]
    plan = _plan_text(view)
    plan = f"{plan}（{_schedule_brief(form.schedule)}）" if len(form.schedule) > 1 else plan
    values = {
        "household": form.household, "lender": form.lender, "as_of": _cn(form.as_of),
        "loan_count": len(form.loans), "principal": format_yuan(form.principal_fen),
        "interest": format_yuan(form.interest_fen), "penalty": format_yuan(form.penalty_fen),
        "owed": format_yuan(form.owed_fen), "waived": format_yuan(form.waived_fen),
        "total": format_yuan(form.total_fen), "plan": plan,
        "owed_6": format_yuan(six.total_fen), "owed_12": format_yuan(twelve.total_fen),
        "more_6": format_yuan(six.total_fen - form.total_fen), "more_12": format_yuan(twelve.total_fen - form.total_fen),
        "saved": format_yuan(form.owed_fen - form.total_fen),
        "condition": form.condition or "无",
    }
    return SheetForm(household=form.household, lender=form.lender, witness=form.witness, as_of=form.as_of,
                     number=f"{form.number}（第{form.version}版）",
                     paragraphs=sheet_paragraphs(templates.render_lines(SHEET_FILE, values), bool(form.waived_fen)),
                     rows=rows, plan_total_fen=form.total_fen, loans=form.loans, schedule=form.schedule,
                     basis_text=BASIS_TEXT, contact=settings.contact or None,
                     watermark=form.watermark if form.draft else None,
                     banner="【草稿：减免尚未审批，以审批结果和签订的还款协议为准】" if form.draft else None,
                     operator=operator)


def sheet_paragraphs(lines: list[str], reduced: bool) -> list[str]:
    """Keep the lines for this case: ``[有减免]`` lines only with a reduction, ``[无减免]`` only
    without one (the tag is not printed)."""
    out = []
    for text in lines:
        for tag, wanted in (("[有减免]", True), ("[无减免]", False)):
            if text.startswith(tag):
                text = text[len(tag):] if reduced == wanted else ""
        if text.strip():
            out.append(text)
    return out


def project(loans: list[LoanLine], as_of: date, months: int) -> Projection:
    """The debt ``months`` after ``as_of`` if nothing is paid: no reduction, accrual as before
    (at each loan's rates as printed)."""
    end = add_months(as_of, months)
    interest = penalty = 0
    for ln in loans:
        acc = accrue(ln.principal_fen, as_of, end, rate_ppm=ln.rate_ppm, penalty_rate_ppm=ln.penalty_rate_ppm,
                     due_date=ln.due_date, suspended=ln.suspended)
        interest += ln.interest_fen + acc.interest_fen
        penalty += ln.penalty_fen + acc.penalty_fen
    principal = sum(ln.principal_fen for ln in loans)
    return Projection(f"拖{months}个月仍不还", end, principal, interest, penalty, principal + interest + penalty)


def _schedule_brief(schedule: list[ScheduleLine]) -> str:
    first, last = schedule[0], schedule[-1]
    if len({s.amount_fen for s in schedule[:-1]}) == 1:
        return (f"{_cn(first.due)}起，每期{format_yuan(first.amount_fen)}元，"
                f"最后一期{format_yuan(last.amount_fen)}元，{_cn(last.due)}还清")
    return f"{_cn(first.due)}起，{_cn(last.due)}还清"


def _cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# --------------------------------------------------------------------------- 还款凭证

def latest_receipt_no(db: Database, agreement_id: str) -> str:
    with Session(db.engine) as s:
        no = s.scalars(select(Repayment.receipt_no).where(
            Repayment.agreement_id == agreement_id, Repayment.deleted.is_(False), Repayment.receipt_no.is_not(None))
            .order_by(Repayment.paid_on.desc(), Repayment.hlc.desc())).first()
    if no is None:
        raise NotFound(no_receipt_reason(svc.get(db, agreement_id, measure=False)))
    return no


def no_receipt_reason(view: svc.AgreementView) -> str:
    """Why the agreement has no 还款凭证 to print, in the words of what did happen."""
    said = []
    if view.unreceipted_fen:
        said.append(f"按协议登记的还款 {format_yuan(view.unreceipted_fen)} 元没有凭证号（不是在本程序里按协议收款登记的）")
    if view.bank_reported_fen:
        said.append(f"银行台账报告这份协议的贷款自签订以来收回 {format_yuan(view.bank_reported_fen)} 元"
                    "（钱由银行收取，乡镇不开还款凭证，凭证以银行的回单为准）")
    if not said:
        return "这份协议还没有按协议登记的还款，无法打印还款凭证"
    return "这份协议没有可以打印的还款凭证：" + "；".join(said) + "。"


def receipt_form(db: Database, receipt_no: str) -> ReceiptForm:
    """The receipt of one payment: its repayments (one per loan) and the installments it paid."""
    settings = load_settings()
    with Session(db.engine) as s:
        reps = list(s.scalars(select(Repayment).where(Repayment.receipt_no == receipt_no,
                                                      Repayment.deleted.is_(False))))
        if not reps:
            raise NotFound(f"找不到还款凭证：{receipt_no}")
        loans = {ln.id: ln for ln in s.scalars(select(Loan).where(Loan.id.in_({r.loan_id for r in reps})))}
        household = s.get(Household, next(iter(loans.values())).household_id)
        names = names_for(s, household, list(loans.values()), settings)
        who = payer(parties(s, household))
        agreement_id = reps[0].agreement_id
        installments: list[tuple[int, date, int, int]] = []
        remaining = number = None
        if agreement_id:
            ag = s.get(Agreement, agreement_id)
            number = f"{ag.number}（第{ag.version}版）"
            others = list(s.scalars(select(Repayment).where(
                Repayment.agreement_id == agreement_id, Repayment.deleted.is_(False))))
            this_key = min((r.paid_on, r.hlc or "") for r in reps)
            before = sum(r.amount_fen for r in others
                         if r.receipt_no != receipt_no and (r.paid_on, r.hlc or "") < this_key)
            amount = sum(r.amount_fen for r in reps)
            view = svc.get(db, agreement_id, measure=False)
            amounts = [i.amount_fen for i in view.installments]
            b = fill_installments(before, amounts)
            a = fill_installments(before + amount, amounts)
            installments = [(i.no, i.due, y - x, i.amount_fen - y)
                            for i, x, y in zip(view.installments, b, a) if y > x]
            remaining = ag.total_fen - before - amount
    lines = [ReceiptLine(loans[r.loan_id].loan_no, r.principal_fen, r.interest_fen or 0, r.penalty_fen or 0)
             for r in sorted(reps, key=lambda r: loans[r.loan_id].loan_no)]
    return ReceiptForm(receipt_no=receipt_no, paid_on=reps[0].paid_on, payer=who.name, household=household.head_name,
                       address=names.address, lender=names.lender, collector=names.witness,
                       operator=printed_name(reps[0].updated_by), agreement_number=number, lines=lines,
                       installments=installments, remaining_fen=remaining, note=reps[0].note)
