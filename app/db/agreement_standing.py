"""How signed agreements stand on a date, measured from the repayments made under them by then
(never stored: an agreement's ``status`` is its life cycle only).  Read by the agreements'
views and by the household page, which sit in different service packages."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Agreement, Installment, Repayment
from app.db.models.agreements import IN_FORCE
from app.domain.schedule import Standing, standing


def stored_status(status: str) -> str:
    """The life cycle as stored.  Databases and packages of older versions stored how a signed
    agreement stood (``broken`` / ``fulfilled``) in it: that is ``signed``, measured anew."""
    return "signed" if status in IN_FORCE else status


def standings(session: Session, as_of: date, ids: list[str] | None = None) -> dict[str, Standing]:
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
