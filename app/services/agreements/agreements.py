"""Repayment agreements (还款协议): make one from a plan, revise it, print, sign, cancel.  Plain
dataclasses in and out, so the window and the command line drive the same functions.  Reading
them — one agreement, the list, the ones due or broken — is ``app.services.agreements.views``;
both halves are offered together by the package's face (``from app.services import agreements``).

Lifecycle: ``draft`` → ``printed`` → ``signed`` (date) → ``fulfilled``; ``broken`` while an
installment is unpaid more than ``grace_days`` after its due date (back to ``signed`` once the
arrears are paid); ``cancelled``.  A draft is changed in place; a printed or signed agreement
never is: :func:`revise` makes a new version (same number, ``version + 1``, ``previous_id``)
and marks the old one ``superseded``.

Whether an agreement is kept is measured from the repayments recorded against it (facts that
travel between laptops), not from the ``Installment.paid_fen`` cache, so
:func:`broken_agreements` and :func:`agreements_due` give the same answer on every laptop and
for any past date.  Payments: ``app.services.recovery.agreement_payments``.  Forms:
``app.services.agreements.forms``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import ids
from app.db.models import Agreement, AgreementLoan, Household, Installment, Loan, Unit
from app.db.session import Database
from app.district import templates
from app.district.agreement_settings import AgreementSettings
from app.district.agreement_settings import load as load_settings
from app.domain.agreement_status import STATUS_NAMES
from app.domain.errors import InputError, IntegrityError
from app.domain.money import format_yuan, to_chinese_capital, yuan_str
from app.domain.schedule import FREQUENCY_NAMES, PlannedInstallment, make_plan, order_text, parse_order, spread
from app.services.agreements.owed import Quote, load_loans, quote_loans
from app.services.agreements.parties import names_for
from app.services.agreements.views import (
    ACTIVE,
    AgreementView,
    _rows,
    _view,
    agreement_label,
    find_agreement,
)
from app.services.foundation.work_common import check_day

TERMS_FILE = "agreement_terms.txt"


# --------------------------------------------------------------------------- data in / out

@dataclass
class PlanRequest:
    """What the user chose: the loans, the date, reductions and the plan."""

    loan_nos: list[str]
    as_of: date
    installments: int | None = None
    first_due: date | None = None
    frequency: str = "monthly"              # lump | monthly | quarterly | custom
    dates: list[date] | None = None         # custom dates (e.g. after harvest)
    amounts_fen: list[int | None] | None = None  # typed amounts; one None = the rest
    waive_interest_fen: int = 0
    waive_penalty_fen: int = 0
    waive_all_interest: bool = False
    waive_all_penalty: bool = False
    approval_ref: str | None = None
    condition: str | None = None            # None: the district's default wording
    rate_ppm: int | None = None             # None: each loan's contract rate, else the default
    penalty_rate_ppm: int | None = None     # None: rate × (1 + markup)
    allocation_order: str | None = None     # None: the district's default
    grace_days: int | None = None
    void_after_missed: int | None = None
    round_to: int | None = None             # fen; None: the district's default (whole yuan)
    note: str | None = None


@dataclass
class Preview:
    """An agreement before it is saved: the window shows this while the user edits the plan."""

    quote: Quote
    waived_interest_fen: int
    waived_penalty_fen: int
    loan_waivers: list[tuple[int, int]]     # per loan: (interest, penalty) waived
    installments: list[PlannedInstallment]
    frequency: str
    allocation_order: tuple[str, ...]
    grace_days: int
    void_after_missed: int
    condition: str | None

    @property
    def owed_fen(self) -> int:
        return self.quote.owed_fen

    @property
    def waived_fen(self) -> int:
        return self.waived_interest_fen + self.waived_penalty_fen

    @property
    def total_fen(self) -> int:
        return self.owed_fen - self.waived_fen


# --------------------------------------------------------------------------- making one

def preview(db: Database, request: PlanRequest, *, revising: str | None = None) -> Preview:
    """The agreement ``request`` would make, computed and checked; nothing is written.
    ``revising``: the agreement being revised (its loans are not "in another agreement")."""
    with Session(db.engine) as session:
        loans = load_loans(session, request.loan_nos)
        _check_free(session, loans, exclude=revising)
        return _preview(session, loans, request, load_settings())


def create(db: Database, request: PlanRequest, actor: str = "system") -> AgreementView:
    """Save a new agreement (status ``draft``) with its loans and installments."""
    settings = load_settings()
    with db.uow(actor) as uow:
        s = uow.session
        loans = load_loans(s, request.loan_nos)
        _check_free(s, loans, exclude=None)
        pv = _preview(s, loans, request, settings)
        household = s.get(Household, pv.quote.household_id)
        ag = Agreement(household_id=household.id, number=_next_number(s, household, request.as_of),
                       version=1, status="draft")
        _write(s, ag, pv, loans, request, settings)
        uow.audit("create", "agreements", ag.id, summary=f"新建还款协议 {ag.number}：{household.head_name}，"
                  f"应还 {yuan_str(pv.total_fen)} 元，{len(pv.installments)} 期")
        view = _view(s, ag)
        uow.commit()
    return view


def revise(db: Database, agreement_id: str, request: PlanRequest, actor: str = "system") -> AgreementView:
    """Change an agreement: a draft in place; a printed or signed one by a new version."""
    settings = load_settings()
    with db.uow(actor) as uow:
        s = uow.session
        old = find_agreement(s, agreement_id)
        if old.status not in ACTIVE:
            raise IntegrityError(f"协议 {agreement_label(old)} {STATUS_NAMES[old.status]}，不能再修改")
        loans = load_loans(s, request.loan_nos)
        if loans[0].household_id != old.household_id:
            raise InputError(f"修改后的协议必须仍是同一户的贷款（协议 {agreement_label(old)}）")
        _check_free(s, loans, exclude=old.id)
        pv = _preview(s, loans, request, settings)
        if old.status == "draft":
            for row in [*_rows(s, AgreementLoan, old.id), *_rows(s, Installment, old.id)]:
                row.deleted = True
            ag, what = old, "修改协议草稿"
        else:
            ag = Agreement(household_id=old.household_id, number=old.number, version=old.version + 1,
                           previous_id=old.id, status="draft")
            old.status = "superseded"
            what = f"生成协议新版本（第{old.version + 1}版，替代第{old.version}版）"
        _write(s, ag, pv, loans, request, settings)
        uow.audit("revise", "agreements", ag.id, summary=f"{what} {ag.number}：应还 {yuan_str(pv.total_fen)} 元")
        view = _view(s, ag)
        uow.commit()
    return view


def _preview(session: Session, loans: list[Loan], request: PlanRequest, settings: AgreementSettings) -> Preview:
    q = quote_loans(session, loans, request.as_of, settings, rate_ppm=request.rate_ppm,
                    penalty_rate_ppm=request.penalty_rate_ppm)
    w_int = q.interest_fen if request.waive_all_interest else request.waive_interest_fen
    w_pen = q.penalty_fen if request.waive_all_penalty else request.waive_penalty_fen
    for what, waived, owed in (("利息", w_int, q.interest_fen), ("罚息", w_pen, q.penalty_fen)):
        if waived < 0:
            raise InputError(f"减免{what}不能为负数：{yuan_str(waived)} 元")
        if waived > owed:
            raise InputError(f"减免{what} {yuan_str(waived)} 元超过应还{what} {yuan_str(owed)} 元"
                             f"（计算至 {request.as_of}）")
    if (w_int or w_pen) and not (request.approval_ref or "").strip() and not settings.drafts_without_approval:
        raise InputError(f"减免利息、罚息须填写审批文号（减免 {yuan_str(w_int + w_pen)} 元）：区县设置不允许保存未审批的减免")
    grace = settings.grace_days if request.grace_days is None else request.grace_days
    void_after = settings.void_after_missed if request.void_after_missed is None else request.void_after_missed
    if grace < 0 or void_after < 1:
        raise InputError("宽限天数不能为负数，减免失效期数至少为1")
    order = parse_order(request.allocation_order) if request.allocation_order else settings.allocation_order
    frequency = "custom" if request.dates else request.frequency
    if frequency not in FREQUENCY_NAMES:
        raise InputError(f"未知的还款频率：{frequency}（应为 lump、monthly、quarterly 或 custom）")
    plan = make_plan(q.owed_fen - w_int - w_pen, n=request.installments, first_due=request.first_due,
                     frequency=frequency, dates=request.dates, amounts=request.amounts_fen,
                     round_to=request.round_to or settings.round_to)
    if plan[0].due < request.as_of:
        raise InputError(f"第1期还款日期 {plan[0].due} 早于计算日期 {request.as_of}")
    condition = request.condition
    if condition is None and (w_int or w_pen):
        condition = templates.fill(settings.waiver_condition,
                                   {"grace_days": grace, "void_after_missed": void_after})
    return Preview(
        quote=q, waived_interest_fen=w_int, waived_penalty_fen=w_pen,
        loan_waivers=list(zip(spread(w_int, [ln.interest_fen for ln in q.loans]),
                              spread(w_pen, [ln.penalty_fen for ln in q.loans]))),
        installments=plan, frequency=frequency, allocation_order=order, grace_days=grace,
        void_after_missed=void_after, condition=condition or None)


def _write(session: Session, ag: Agreement, pv: Preview, loans: list[Loan], request: PlanRequest,
           settings: AgreementSettings) -> None:
    q = pv.quote
    ag.as_of = request.as_of
    ag.principal_fen, ag.interest_fen, ag.penalty_fen = q.principal_fen, q.interest_fen, q.penalty_fen
    ag.waived_interest_fen, ag.waived_penalty_fen = pv.waived_interest_fen, pv.waived_penalty_fen
    ag.total_fen = pv.total_fen
    ag.allocation_order = ",".join(pv.allocation_order)
    ag.frequency = pv.frequency
    ag.interest_rate_ppm, ag.penalty_rate_ppm = request.rate_ppm, request.penalty_rate_ppm
    ag.approval_ref = (request.approval_ref or "").strip() or None
    ag.conditions = pv.condition
    ag.grace_days, ag.void_after_missed = pv.grace_days, pv.void_after_missed
    ag.note = request.note
    ag.signed_on = None
    household = session.get(Household, ag.household_id)
    names = names_for(session, household, loans, settings)
    ag.terms_text = "\n".join(render_terms(names, household.head_name, ag, settings))
    session.add(ag)
    session.flush()
    for ln in q.loans:
        session.add(AgreementLoan(
            agreement_id=ag.id, loan_id=ln.loan_id, principal_fen=ln.principal_fen, interest_fen=ln.interest_fen,
            penalty_fen=ln.penalty_fen, accrued_from=ln.accrued_from, ledger_interest_fen=ln.ledger_interest_fen,
            accrued_interest_fen=ln.accrued_interest_fen, accrued_penalty_fen=ln.accrued_penalty_fen,
            rate_ppm=ln.rate_ppm, penalty_rate_ppm=ln.penalty_rate_ppm, interest_suspended=ln.suspended,
            rate_source=ln.rate_source))
    for inst in pv.installments:
        session.add(Installment(agreement_id=ag.id, no=inst.no, due_date=inst.due, amount_fen=inst.amount_fen,
                                paid_fen=0))
    session.flush()


def render_terms(names, borrower: str, ag, settings: AgreementSettings) -> list[str]:
    """The district's terms (``agreement_terms.txt``) filled in for an agreement; ``ag`` is an
    ``Agreement`` row or an ``AgreementView`` (both have the fields used)."""
    order = ag.allocation_order if isinstance(ag.allocation_order, tuple) else parse_order(ag.allocation_order)
    return templates.render_lines(TERMS_FILE, {
        "lender": names.lender, "borrower": borrower, "witness": names.witness,
        "total": format_yuan(ag.total_fen), "total_capital": to_chinese_capital(ag.total_fen),
        "order": order_text(order), "grace_days": ag.grace_days, "void_after_missed": ag.void_after_missed,
        "copies": settings.copies, "number": ag.number})


def _check_free(session: Session, loans: list[Loan], exclude: str | None) -> None:
    """Refuse a loan that is already in another agreement being negotiated or in force."""
    rows = session.execute(
        select(Loan.loan_no, Agreement.id, Agreement.number, Agreement.version, Agreement.status)
        .join(AgreementLoan, AgreementLoan.loan_id == Loan.id)
        .join(Agreement, Agreement.id == AgreementLoan.agreement_id)
        .where(Loan.id.in_([ln.id for ln in loans]), AgreementLoan.deleted.is_(False),
               Agreement.deleted.is_(False), Agreement.status.in_(ACTIVE))).all()
    for loan_no, ag_id, number, version, status in rows:
        if ag_id != exclude:
            raise InputError(f"贷款 {loan_no} 已在还款协议 {number}（第{version}版，{STATUS_NAMES[status]}）中；"
                             "请修改该协议（生成新版本）或先将其作废")


_SUFFIX = re.compile(r"(镇|乡|街道|街道办事处|办事处)$")


def _next_number(session: Session, household: Household, on: date) -> str:
    """``柳林-2026-KMX-0012``: township, year, this laptop's device code (``app.db.ids``), the
    next sequence number of that township, year and laptop — so two laptops of one township
    never make the same number.  Numbers made before (``柳林-2026-0003``) stay as they are."""
    township = session.get(Unit, household.township_id)
    short = _SUFFIX.sub("", township.name if township else "") or "XY"
    prefix = f"{short}-{on.year}-{ids.device_code(session)}-"
    numbers = session.scalars(select(Agreement.number).where(Agreement.number.like(prefix + "%"))).all()
    seq = max((int(n[len(prefix):]) for n in numbers if n[len(prefix):].isdigit()), default=0)
    return f"{prefix}{seq + 1:04d}"


# --------------------------------------------------------------------------- lifecycle

def mark_printed(db: Database, agreement_id: str, actor: str = "system") -> AgreementView:
    """A draft that was printed becomes ``printed`` (from then on a change makes a new version)."""
    with db.uow(actor) as uow:
        ag = find_agreement(uow.session, agreement_id)
        if ag.status == "draft":
            ag.status = "printed"
            uow.audit("print", "agreements", ag.id, summary=f"打印还款协议 {agreement_label(ag)}")
        view = _view(uow.session, ag)
        uow.commit()
    return view


def sign(db: Database, agreement_id: str, signed_on: date, actor: str = "system") -> AgreementView:
    with db.uow(actor) as uow:
        ag = find_agreement(uow.session, agreement_id)
        if ag.status not in ("draft", "printed"):
            raise IntegrityError(f"协议 {agreement_label(ag)} {STATUS_NAMES[ag.status]}，不能再签订")
        waived = (ag.waived_interest_fen or 0) + (ag.waived_penalty_fen or 0)
        if waived and not ag.approval_ref:
            raise InputError(f"协议 {agreement_label(ag)} 减免 {yuan_str(waived)} 元，还没有审批文号，不能签订："
                             "请先修改协议、填写减免审批文号，重新打印协议书，双方在新打印的协议书上签字")
        signed_on = check_day(signed_on, "签订日期")
        ag.status, ag.signed_on = "signed", signed_on
        uow.audit("sign", "agreements", ag.id, summary=f"签订还款协议 {agreement_label(ag)}，签订日期 {signed_on}")
        view = _view(uow.session, ag)
        uow.commit()
    return view


def cancel(db: Database, agreement_id: str, reason: str | None = None, actor: str = "system") -> AgreementView:
    with db.uow(actor) as uow:
        ag = find_agreement(uow.session, agreement_id)
        if ag.status not in ACTIVE:
            raise IntegrityError(f"协议 {agreement_label(ag)} {STATUS_NAMES[ag.status]}，不能作废")
        ag.status = "cancelled"
        if reason:
            ag.note = f"{ag.note}\n作废原因：{reason}" if ag.note else f"作废原因：{reason}"
        uow.audit("cancel", "agreements", ag.id, summary=f"作废还款协议 {agreement_label(ag)}" + (f"：{reason}" if reason else ""))
        view = _view(uow.session, ag)
        uow.commit()
    return view
