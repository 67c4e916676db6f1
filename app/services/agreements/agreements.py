"""Repayment agreements (还款协议): make one from a plan, revise it, print, sign, cancel, and
find the ones that are due or broken.  Plain dataclasses in and out, so the window and the
command line drive the same functions.

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
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import ids
from app.db.models import Agreement, AgreementLoan, Household, Installment, Loan, Repayment, Unit, Village
from app.db.models.agreements import IN_FORCE    # measured against repayments
from app.db.session import Database
from app.domain.money import format_yuan, to_chinese_capital
from app.domain.errors import InputError, IntegrityError, NotFound
from app.domain.money import yuan_str
from app.domain.schedule import (FREQUENCY_NAMES, PlannedInstallment, Standing, make_plan, order_text,
                                 parse_order, spread, standing)
from app.district import templates
from app.services.agreements.owed import Quote, default_rate_warnings, load_loans, quote_loans
from app.services.agreements.parties import names_for
from app.district.agreement_settings import AgreementSettings, load as load_settings
from app.services.foundation.work_common import check_day

STATUS_NAMES = {"draft": "草稿", "printed": "已打印", "signed": "已签订", "fulfilled": "已履行",
                "broken": "违约", "cancelled": "已作废", "superseded": "已被新版本替代"}
ACTIVE = ("draft", "printed", "signed", "broken")   # a loan may be in one of these at a time
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


@dataclass
class InstallmentView:
    no: int
    due: date
    amount_fen: int
    paid_fen: int = 0

    @property
    def left_fen(self) -> int:
        return self.amount_fen - self.paid_fen


@dataclass
class AgreementLoanView:
    loan_id: str
    loan_no: str
    principal_fen: int
    interest_fen: int
    penalty_fen: int
    waived_interest_fen: int
    waived_penalty_fen: int
    ledger_interest_fen: int | None
    accrued_interest_fen: int | None
    accrued_penalty_fen: int | None
    accrued_from: date | None
    rate_ppm: int | None
    penalty_rate_ppm: int | None
    suspended: bool
    rate_source: str | None = None          # "contract" | "default" | "set"


@dataclass
class AgreementView:
    id: str
    number: str
    version: int
    previous_id: str | None
    status: str
    household_id: str
    household: str
    township: str
    village: str
    as_of: date
    signed_on: date | None
    principal_fen: int
    interest_fen: int
    penalty_fen: int
    waived_interest_fen: int
    waived_penalty_fen: int
    total_fen: int
    allocation_order: tuple[str, ...]
    frequency: str
    approval_ref: str | None
    condition: str | None
    grace_days: int
    void_after_missed: int
    note: str | None
    loans: list[AgreementLoanView] = field(default_factory=list)
    installments: list[InstallmentView] = field(default_factory=list)
    paid_fen: int = 0
    standing: Standing | None = None        # for an agreement in force, measured on a date
    receipts: int = 0                       # payments with a receipt number (还款凭证 can be printed)
    unreceipted_fen: int = 0                # paid under it without a receipt number (e.g. entered elsewhere)
    bank_reported_fen: int = 0              # lower balances bank ledgers reported on its loans since signing

    @property
    def owed_fen(self) -> int:
        return self.principal_fen + self.interest_fen + self.penalty_fen

    @property
    def needs_approval(self) -> bool:
        """A reduction without its 审批文号: printed as a 草稿, not to be signed."""
        return bool(self.waived_fen) and not self.approval_ref and self.status in ("draft", "printed")

    @property
    def reduction_lapsed(self) -> bool:
        """Installments missed often enough that the reduction no longer holds."""
        return bool(self.waived_fen) and self.standing is not None and self.standing.reduction_void

    @property
    def warnings(self) -> list[str]:
        return default_rate_warnings([(ln.loan_no, ln.rate_ppm, ln.rate_source) for ln in self.loans])

    @property
    def waived_fen(self) -> int:
        return self.waived_interest_fen + self.waived_penalty_fen

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)

    def to_json(self) -> dict:
        out = {
            "agreement_id": self.id, "number": self.number, "version": self.version,
            "previous_id": self.previous_id, "status": self.status, "household": self.household,
            "township": self.township, "as_of": self.as_of.isoformat(),
            "signed_on": self.signed_on.isoformat() if self.signed_on else None,
            "loans": [ln.loan_no for ln in self.loans],
            "principal": yuan_str(self.principal_fen), "interest": yuan_str(self.interest_fen),
            "penalty": yuan_str(self.penalty_fen), "owed": yuan_str(self.owed_fen),
            "waived_interest": yuan_str(self.waived_interest_fen),
            "waived_penalty": yuan_str(self.waived_penalty_fen), "waived": yuan_str(self.waived_fen),
            "total": yuan_str(self.total_fen), "total_capital": to_chinese_capital(self.total_fen),
            "paid": yuan_str(self.paid_fen), "allocation_order": ",".join(self.allocation_order),
            "frequency": self.frequency, "approval": self.approval_ref, "needs_approval": self.needs_approval,
            "reduction_lapsed": self.reduction_lapsed, "warnings": self.warnings,
            "installments": [{"no": i.no, "due": i.due.isoformat(), "amount": yuan_str(i.amount_fen),
                              "paid": yuan_str(i.paid_fen)} for i in self.installments],
        }
        if self.standing is not None:
            s = self.standing
            out["standing"] = {"state": s.state, "paid": yuan_str(s.paid_fen), "remaining": yuan_str(s.remaining_fen),
                               "arrears": yuan_str(s.arrears_fen), "overdue": s.overdue, "missed": s.missed,
                               "next_no": s.next_no, "next_due": s.next_due.isoformat() if s.next_due else None,
                               "reduction_void": s.reduction_void}
        return out


@dataclass
class AgreementRow:
    """One line of the list of agreements."""

    id: str
    number: str
    version: int
    status: str
    household_id: str
    household: str
    township: str
    as_of: date
    signed_on: date | None
    total_fen: int
    installments: int

    def to_json(self) -> dict:
        return {"agreement_id": self.id, "number": self.number, "version": self.version, "status": self.status,
                "household": self.household, "township": self.township, "as_of": self.as_of.isoformat(),
                "signed_on": self.signed_on.isoformat() if self.signed_on else None,
                "total": yuan_str(self.total_fen), "installments": self.installments}


@dataclass
class AgreementDue:
    """An agreement on the worklist: an installment due soon, overdue, or the agreement broken."""

    agreement_id: str
    number: str
    version: int
    household_id: str
    household: str
    phone: str | None
    township: str
    village: str
    state: str                  # "signed" (running) | "broken"
    installment_no: int | None
    due: date | None
    left_fen: int               # of that installment
    days_overdue: int
    arrears_fen: int            # all that is due and unpaid
    remaining_fen: int          # all that is left under the agreement
    missed: int                 # installments unpaid beyond the grace period
    reduction_void: bool

    def to_json(self) -> dict:
        return {"agreement_id": self.agreement_id, "number": self.number, "version": self.version,
                "household": self.household, "phone": self.phone, "township": self.township,
                "village": self.village, "state": self.state, "installment": self.installment_no,
                "due": self.due.isoformat() if self.due else None, "left": yuan_str(self.left_fen),
                "days_overdue": self.days_overdue, "arrears": yuan_str(self.arrears_fen),
                "remaining": yuan_str(self.remaining_fen), "missed": self.missed,
                "reduction_void": self.reduction_void}


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


def refresh_statuses(db: Database, as_of: date, actor: str = "system") -> list[tuple[str, str, str]]:
    """Store the status each agreement in force has on ``as_of`` (signed / broken / fulfilled).
    Returns the changes as (agreement id, old status, new status)."""
    changes = []
    with db.uow(actor) as uow:
        s = uow.session
        standings = _standings(s, as_of)
        for ag in s.scalars(select(Agreement).where(Agreement.id.in_(list(standings)))):
            new = standings[ag.id].state
            if new != ag.status:
                changes.append((ag.id, ag.status, new))
                ag.status = new
        if changes:
            uow.audit("refresh", "agreements", None, summary=f"更新 {len(changes)} 份协议的履行状态（截至 {as_of}）")
        uow.commit()
    return changes


# --------------------------------------------------------------------------- reading

def get(db: Database, agreement_id: str, as_of: date | None = None, *, measure: bool = True) -> AgreementView:
    """One agreement with its loans and installments; measured on ``as_of`` (default today)
    if in force, unless ``measure`` is False (printing needs no standing)."""
    with Session(db.engine) as s:
        return _view(s, find_agreement(s, agreement_id), as_of, measure=measure)


def list_agreements(db: Database, *, status: str | None = None, household_id: str | None = None,
                    include_history: bool = False) -> list[AgreementRow]:
    """Agreements, newest first.  Superseded versions only with ``include_history``."""
    with Session(db.engine) as s:
        stmt = (select(Agreement, Household.head_name, Unit.name, func.count(Installment.id))
                .join(Household, Household.id == Agreement.household_id)
                .outerjoin(Unit, Unit.id == Household.township_id)
                .outerjoin(Installment, (Installment.agreement_id == Agreement.id) & Installment.deleted.is_(False))
                .where(Agreement.deleted.is_(False))
                .group_by(Agreement.id)
                .order_by(Agreement.as_of.desc(), Agreement.number.desc(), Agreement.version.desc()))
        if status:
            stmt = stmt.where(Agreement.status == status)
        elif not include_history:
            stmt = stmt.where(Agreement.status != "superseded")
        if household_id:
            stmt = stmt.where(Agreement.household_id == household_id)
        return [AgreementRow(ag.id, ag.number, ag.version, ag.status, ag.household_id, head or "", town or "",
                             ag.as_of, ag.signed_on, ag.total_fen, n)
                for ag, head, town, n in s.execute(stmt)]


def history(db: Database, agreement_id: str) -> list[AgreementRow]:
    """Every version of the agreement, oldest first."""
    with Session(db.engine) as s:
        ag = find_agreement(s, agreement_id)
        return sorted((r for r in list_agreements(db, household_id=ag.household_id, include_history=True)
                       if r.number == ag.number), key=lambda r: r.version)


def broken_agreements(db: Database, as_of: date) -> list[AgreementDue]:
    """Signed agreements with an installment unpaid beyond the grace period on ``as_of``
    (for the worklist), longest overdue first."""
    return [d for d in _worklist(db, as_of) if d.state == "broken"]


def agreements_due(db: Database, as_of: date, within_days: int = 7) -> list[AgreementDue]:
    """Running agreements whose next installment is due by ``as_of + within_days`` (including
    ones overdue but still within the grace period), soonest first."""
    until = as_of + timedelta(days=within_days)
    return sorted((d for d in _worklist(db, as_of) if d.state == "signed" and d.due and d.due <= until),
                  key=lambda d: (d.due, d.number))


def _worklist(db: Database, as_of: date) -> list[AgreementDue]:
    with Session(db.engine) as s:
        standings = _standings(s, as_of)
        if not standings:
            return []
        rows = s.execute(
            select(Agreement.id, Agreement.number, Agreement.version, Household.id, Household.head_name,
                   Household.phone, Unit.name, Village.name)
            .join(Household, Household.id == Agreement.household_id)
            .outerjoin(Unit, Unit.id == Household.township_id)
            .outerjoin(Village, Village.id == Household.village_id)
            .where(Agreement.id.in_(list(standings)))).all()
    out = []
    for ag_id, number, version, hh_id, head, phone, town, village in rows:
        st = standings[ag_id]
        if st.state == "fulfilled":
            continue
        first_late = st.overdue[0] if st.overdue else None
        out.append(AgreementDue(
            agreement_id=ag_id, number=number, version=version, household_id=hh_id, household=head,
            phone=phone, township=town or "", village=village or "", state=st.state,
            installment_no=st.next_no, due=st.next_due, left_fen=st.next_left_fen,
            days_overdue=(as_of - st.next_due).days if first_late and st.next_due else 0,
            arrears_fen=st.arrears_fen, remaining_fen=st.remaining_fen, missed=len(st.missed),
            reduction_void=st.reduction_void))
    out.sort(key=lambda d: (-d.days_overdue, d.number))
    return out


def _standings(session: Session, as_of: date, ids: list[str] | None = None) -> dict[str, Standing]:
    """How each agreement in force stands on ``as_of``, from the repayments made by then."""
    stmt = select(Agreement).where(Agreement.deleted.is_(False), Agreement.status.in_(IN_FORCE),
                                   (Agreement.signed_on.is_(None)) | (Agreement.signed_on <= as_of))
    if ids is not None:
        stmt = stmt.where(Agreement.id.in_(ids))
    agreements = {ag.id: ag for ag in session.scalars(stmt)}
    if not agreements:
        return {}
    keys = list(agreements)
    plans: dict[str, list[tuple[int, date, int]]] = defaultdict(list)
    for ag_id, no, due, amount in session.execute(
            select(Installment.agreement_id, Installment.no, Installment.due_date, Installment.amount_fen)
            .where(Installment.agreement_id.in_(keys), Installment.deleted.is_(False))
            .order_by(Installment.agreement_id, Installment.no)):
        plans[ag_id].append((no, due, amount))
    paid = dict(session.execute(
        select(Repayment.agreement_id, func.sum(Repayment.amount_fen))
        .where(Repayment.agreement_id.in_(keys), Repayment.deleted.is_(False), Repayment.paid_on <= as_of)
        .group_by(Repayment.agreement_id)).all())
    return {k: standing(plans[k], paid.get(k) or 0, as_of, grace_days=ag.grace_days,
                        void_after_missed=ag.void_after_missed)
            for k, ag in agreements.items() if plans[k]}


# --------------------------------------------------------------------------- helpers

def find_agreement(session: Session, agreement_id: str) -> Agreement:
    ag = session.get(Agreement, agreement_id)
    if ag is None or ag.deleted:
        # a number works too, for people typing on the command line (the newest version)
        ag = session.scalars(select(Agreement).where(Agreement.number == agreement_id, Agreement.deleted.is_(False))
                             .order_by(Agreement.version.desc())).first()
    if ag is None:
        raise NotFound(f"找不到还款协议：{agreement_id}")
    return ag


def agreement_label(ag: Agreement) -> str:
    return f"{ag.number}（第{ag.version}版）"


def _rows(session: Session, model, agreement_id: str) -> list:
    return list(session.scalars(select(model).where(model.agreement_id == agreement_id, model.deleted.is_(False))))


def loan_waivers(ag: Agreement, rows: list[AgreementLoan]) -> list[tuple[int, int]]:
    """Each loan's share of the agreement's reductions (interest, penalty), in proportion to
    what it owed: the same split every time, so it need not be stored."""
    return list(zip(spread(ag.waived_interest_fen, [r.interest_fen for r in rows]),
                    spread(ag.waived_penalty_fen, [r.penalty_fen for r in rows])))


def agreement_loans(session: Session, agreement_id: str) -> list[tuple[AgreementLoan, Loan]]:
    """The agreement's loans in a stable order (by loan number)."""
    return list(session.execute(
        select(AgreementLoan, Loan).join(Loan, Loan.id == AgreementLoan.loan_id)
        .where(AgreementLoan.agreement_id == agreement_id, AgreementLoan.deleted.is_(False))
        .order_by(Loan.loan_no)).tuples())


def _view(session: Session, ag: Agreement, as_of: date | None = None, *, measure: bool = True) -> AgreementView:
    household = session.get(Household, ag.household_id)
    township = session.get(Unit, household.township_id) if household else None
    village = session.get(Village, household.village_id) if household and household.village_id else None
    pairs = agreement_loans(session, ag.id)
    waivers = loan_waivers(ag, [r for r, _ in pairs])
    loans = [AgreementLoanView(
        loan_id=loan.id, loan_no=loan.loan_no, principal_fen=r.principal_fen, interest_fen=r.interest_fen,
        penalty_fen=r.penalty_fen, waived_interest_fen=wi, waived_penalty_fen=wp,
        ledger_interest_fen=r.ledger_interest_fen, accrued_interest_fen=r.accrued_interest_fen,
        accrued_penalty_fen=r.accrued_penalty_fen, accrued_from=r.accrued_from, rate_ppm=r.rate_ppm,
        penalty_rate_ppm=r.penalty_rate_ppm, suspended=bool(r.interest_suspended),
        rate_source=r.rate_source or _old_rate_source(ag, r, loan))
        for (r, loan), (wi, wp) in zip(pairs, waivers)]
    installments = [InstallmentView(i.no, i.due_date, i.amount_fen, i.paid_fen or 0)
                    for i in sorted(_rows(session, Installment, ag.id), key=lambda i: i.no)]
    paid = receipted = receipts = 0
    for amount, receipt_no in session.execute(select(Repayment.amount_fen, Repayment.receipt_no).where(
            Repayment.agreement_id == ag.id, Repayment.deleted.is_(False))):
        paid += amount
        if receipt_no:
            receipted += amount
    receipts = session.scalar(select(func.count(func.distinct(Repayment.receipt_no))).where(
        Repayment.agreement_id == ag.id, Repayment.deleted.is_(False), Repayment.receipt_no.is_not(None))) or 0
    bank = 0
    if ag.signed_on and pairs:
        bank = session.scalar(select(func.coalesce(func.sum(Repayment.principal_fen), 0)).where(
            Repayment.loan_id.in_([loan.id for _, loan in pairs]), Repayment.source == "bank",
            Repayment.deleted.is_(False), Repayment.paid_on >= ag.signed_on)) or 0
    st = None
    if measure and ag.status in IN_FORCE:
        st = _standings(session, as_of or date.today(), [ag.id]).get(ag.id)
    return AgreementView(
        id=ag.id, number=ag.number, version=ag.version, previous_id=ag.previous_id, status=ag.status,
        household_id=ag.household_id, household=household.head_name if household else "",
        township=township.name if township else "", village=village.name if village else "",
        as_of=ag.as_of, signed_on=ag.signed_on, principal_fen=ag.principal_fen, interest_fen=ag.interest_fen,
        penalty_fen=ag.penalty_fen, waived_interest_fen=ag.waived_interest_fen,
        waived_penalty_fen=ag.waived_penalty_fen, total_fen=ag.total_fen,
        allocation_order=parse_order(ag.allocation_order), frequency=ag.frequency, approval_ref=ag.approval_ref,
        condition=ag.conditions, grace_days=ag.grace_days, void_after_missed=ag.void_after_missed, note=ag.note,
        loans=loans, installments=installments, paid_fen=paid, standing=st, receipts=receipts,
        unreceipted_fen=paid - receipted, bank_reported_fen=bank)


def _old_rate_source(ag: Agreement, row: AgreementLoan, loan: Loan) -> str | None:
    """For rows saved before 0005: no rate set for the agreement and none on the loan → the default."""
    if row.rate_ppm is None:
        return None
    if ag.interest_rate_ppm is not None:
        return "set"
    return "contract" if loan.rate_ppm else "default"
