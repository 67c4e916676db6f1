"""Suggested next steps for a household: what its case looks like to the district's rules
(``app.district.suggestion_rules``), and what they suggest."""
from __future__ import annotations

from datetime import date

from app.db.session import Database
from app.district.suggestion_rules import load_rules
from app.domain.money import format_yuan
from app.domain.rules import CaseFacts, Rule, Suggestion, date_text, evaluate
from app.services.households.detail import HouseholdDetail, detail

_FINAL = ("settled", "written_off")


def facts_for(d: HouseholdDetail) -> CaseFacts:
    """What the rules see of a household.  A borrower marked dead, in prison or unreachable
    counts as that category even if the category was not set."""
    main = [p for p in d.people if p.role in ("borrower", "co_borrower")]
    flags = set()
    for p in main:
        if p.is_deceased:
            flags.add("deceased")
        if p.is_imprisoned:
            flags.add("imprisoned")
        if p.is_unreachable:
            flags.add("unreachable")
    open_loans = [ln for ln in d.loans if ln.stage not in _FINAL]
    releases = sorted(p.release_date for p in main if p.is_imprisoned and p.release_date)
    days = (d.as_of - d.last_visit_on).days if d.last_visit_on else None
    values = {
        "head_name": d.head_name,
        "release_date": date_text(releases[0]) if releases else "",
        "promise_date": date_text(d.promise_date),
        "promised_amount": format_yuan(d.promise_fen) if d.promise_fen else "",
        "next_date": date_text(d.next_date),
        "last_visit_on": date_text(d.last_visit_on),
        "days_since_last_visit": str(days) if days is not None else "",
        "outstanding": format_yuan(d.outstanding_fen),
    }
    return CaseFacts(
        categories=frozenset(d.category_codes) | frozenset(flags),
        flags=frozenset(flags),
        roles=frozenset(p.role for p in d.people),
        capacity=d.capacity,
        stages=frozenset(ln.stage for ln in d.loans),
        last_outcome=d.last_outcome,
        promise_broken=d.promise_broken,
        followup_due=d.followup_due,
        never_visited=d.last_visit_on is None,
        days_since_last_visit=days,
        outstanding_fen=d.outstanding_fen,
        interest_suspended=bool(open_loans) and all(ln.interest_suspended for ln in open_loans),
        has_agreement=any(a.status == "signed" for a in d.agreements),
        all_settled=bool(d.loans) and not open_loans,
        values=values,
    )


def for_detail(d: HouseholdDetail, rules: list[Rule] | None = None, *, limit: int | None = None) -> list[Suggestion]:
    return evaluate(rules if rules is not None else load_rules(), facts_for(d), limit=limit)


def for_household(db: Database, household_id: str, as_of: date | None = None, *,
                  limit: int | None = None) -> list[Suggestion]:
    return for_detail(detail(db, household_id, as_of), limit=limit)
