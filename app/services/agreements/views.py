"""What an agreement looks like to a reader (还款协议): one with its loans, instalments and
standing (:func:`get`), the list (:func:`list_agreements`), its versions (:func:`history`), and the
ones due or broken on a date.  Whether an agreement is kept is measured from the repayments
recorded against it (facts that travel between laptops), so every laptop gives the same answer for
any past date.  Making and changing agreements: ``app.services.agreements.agreements``."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.agreement_standing import standings as _standings
from app.db.agreement_standing import stored_status
from app.db.models import Agreement, AgreementLoan, Household, Installment, Loan, Repayment, Unit, Village
from app.db.models.agreements import IN_FORCE  # measured against repayments
from app.db.session import Database
from app.domain.agreement_status import STATUS_NAMES
from app.domain.errors import NotFound
from app.domain.money import to_chinese_capital, yuan_str
from app.domain.schedule import Standing, parse_order, spread
from app.services.agreements.owed import default_rate_warnings
from app.services.foundation import work_common

ACTIVE = ("draft", "printed", "signed", "broken")   # a loan may be in one of these at a time



# --------------------------------------------------------------------------- data out

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

    @property
    def state(self) -> str:
        """How it stands: for a signed one measured (signed, broken, fulfilled), else its status."""
        return self.standing.state if self.standing is not None else self.status

    @property
    def state_name(self) -> str:
        return STATUS_NAMES.get(self.state, self.state)

    def to_json(self) -> dict:
        out = {
            "agreement_id": self.id, "number": self.number, "version": self.version,
            "previous_id": self.previous_id, "status": self.status, "state": self.state,
            "household": self.household,
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
    state: str = ""             # a signed one: how it stands on the list's date (signed, broken, fulfilled)

    @property
    def state_name(self) -> str:
        return STATUS_NAMES.get(self.state or self.status, self.state or self.status)

    def to_json(self) -> dict:
        return {"agreement_id": self.id, "number": self.number, "version": self.version, "status": self.status,
                "state": self.state or self.status,
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


# --------------------------------------------------------------------------- reading

def get(db: Database, agreement_id: str, as_of: date | None = None, *, measure: bool = True) -> AgreementView:
    """One agreement with its loans and installments; measured on ``as_of`` (default today)
    if in force, unless ``measure`` is False (printing needs no standing)."""
    with Session(db.engine) as s:
        return _view(s, find_agreement(s, agreement_id), as_of, measure=measure)


def list_agreements(db: Database, *, status: str | None = None, household_id: str | None = None,
                    include_history: bool = False, as_of: date | None = None) -> list[AgreementRow]:
    """Agreements, newest first.  Superseded versions only with ``include_history``.  A signed
    one's ``state`` is how it stands on ``as_of`` (default today): signed, broken or fulfilled;
    ``status="signed"``, ``"broken"`` or ``"fulfilled"`` lists the signed ones that stand so."""
    with Session(db.engine) as s:
        stmt = (select(Agreement, Household.head_name, Unit.name, func.count(Installment.id))
                .join(Household, Household.id == Agreement.household_id)
                .outerjoin(Unit, Unit.id == Household.township_id)
                .outerjoin(Installment, (Installment.agreement_id == Agreement.id) & Installment.deleted.is_(False))
                .where(Agreement.deleted.is_(False))
                .group_by(Agreement.id)
                .order_by(Agreement.as_of.desc(), Agreement.number.desc(), Agreement.version.desc()))
        if status in IN_FORCE:          # signed, broken, fulfilled: the signed ones, measured below
            stmt = stmt.where(Agreement.status.in_(IN_FORCE))
        elif status:
            stmt = stmt.where(Agreement.status == status)
        elif not include_history:
            stmt = stmt.where(Agreement.status != "superseded")
        if household_id:
            stmt = stmt.where(Agreement.household_id == household_id)
        found = list(s.execute(stmt))
        stands = _standings(s, as_of or work_common.current_day(), [ag.id for ag, *_ in found if ag.status in IN_FORCE])
        rows = [AgreementRow(ag.id, ag.number, ag.version, stored_status(ag.status), ag.household_id, head or "",
                             town or "", ag.as_of, ag.signed_on, ag.total_fen, n,
                             state=stands[ag.id].state if ag.id in stands else stored_status(ag.status))
                for ag, head, town, n in found]
        return [r for r in rows if status not in IN_FORCE or r.state == status]


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
        st = _standings(session, as_of or work_common.current_day(), [ag.id]).get(ag.id)
    return AgreementView(
        id=ag.id, number=ag.number, version=ag.version, previous_id=ag.previous_id,
        status=stored_status(ag.status),
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
