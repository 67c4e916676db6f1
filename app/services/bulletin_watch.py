"""What a bulletin asks the district to watch, per township, as of its date (facts only, no
amounts recovered — those are the summary's):

* large loans untouched: task amount ≥ 100万元, no repayment and no visit up to the date;
* promises broken: app.domain.followup's definition (the household's latest ``promised``
  visit has a promised date — its next date when none was written — before the bulletin's
  date and no repayment came in on its loans since that visit), for households with a loan
  still in collection (stage neither settled nor written off);
* freshness: how old a township's figures are — the latest sync package received from it
  (``sync_packages``, direction ``in``, once packages arrive), else, when this database gets
  no packages at all, the latest repayment, visit or stage move recorded for its loans.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import text

from app.db.session import Database
from app.domain.followup import CLOSED_STAGES, VisitFact, promise_broken, visit_state
from app.services.bulletin_figures import LARGE_LOAN_FEN, Bulletin, Freshness, LargeLoan

_LARGE = """
SELECT l.loan_no, COALESCE(u.name, ''), COALESCE(p.name, h.head_name, ''), l.task_amount_fen
FROM loans l JOIN households h ON h.id = l.household_id
LEFT JOIN units u ON u.id = l.township_id LEFT JOIN persons p ON p.id = l.borrower_id
WHERE l.deleted = 0 AND l.task_date <= :as_of AND l.task_amount_fen >= :large
  AND NOT EXISTS (SELECT 1 FROM repayments r WHERE r.loan_id = l.id AND r.deleted = 0 AND r.paid_on <= :as_of)
  AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.deleted = 0 AND v.visited_on <= :as_of
                  AND (v.loan_id = l.id OR (v.loan_id IS NULL AND v.household_id = l.household_id)))
ORDER BY l.task_amount_fen DESC, l.loan_no
"""

_VISITS = """
SELECT household_id, visited_on, COALESCE(hlc, ''), outcome, next_date, promised_date, promised_fen
FROM visits WHERE deleted = 0 AND visited_on <= :as_of
"""

_PAID = """
SELECT l.household_id, r.paid_on FROM repayments r JOIN loans l ON l.id = r.loan_id
WHERE r.deleted = 0 AND r.paid_on <= :as_of
"""

_LOANS = "SELECT household_id, township_id, stage FROM loans WHERE deleted = 0 AND task_date <= :as_of"

_LAST_STAGE = """
SELECT l.township_id, MAX(s.on_date) FROM stage_events s JOIN loans l ON l.id = s.loan_id
WHERE s.deleted = 0 AND s.on_date <= :as_of GROUP BY l.township_id
"""

_PACKAGES = "SELECT unit_id, MAX(at) FROM sync_packages WHERE direction = 'in' AND unit_id IS NOT NULL GROUP BY unit_id"


def fill(db: Database, b: Bulletin) -> None:
    """Large loans, broken promises and freshness into ``b`` (its townships and lists)."""
    params = {"as_of": b.as_of.isoformat(), "large": LARGE_LOAN_FEN}
    with db.engine.connect() as conn:
        large = conn.execute(text(_LARGE), params).all()
        visits = conn.execute(text(_VISITS), params).all()
        paid = conn.execute(text(_PAID), params).all()
        loans = conn.execute(text(_LOANS), params).all()
        last_stage = conn.execute(text(_LAST_STAGE), params).all()
        packages = dict(conn.execute(text(_PACKAGES)).all())
    b.large_loans = [LargeLoan(loan_no=r[0], township=r[1], borrower=r[2], task_fen=r[3]) for r in large]
    by_name = {t.name: t for t in b.townships}
    for loan in b.large_loans:
        if loan.township in by_name:
            by_name[loan.township].large_untouched += 1
    township_of: dict[str, str] = {}
    in_collection: set[str] = set()
    for household_id, township_id, stage in loans:
        township_of.setdefault(household_id, township_id)
        if stage not in CLOSED_STAGES:
            in_collection.add(household_id)
    broken = _broken_promises(visits, paid, township_of, in_collection, b.as_of)
    last_fact = _last_facts(visits, paid, last_stage, township_of)
    for t in b.townships:
        t.broken_promises = broken.get(t.unit_id, 0)
        t.freshness = freshness(_day(packages.get(t.unit_id)) if packages else last_fact.get(t.unit_id),
                                b.as_of, b.stale_days, basis="package" if packages else "facts")


def _last_facts(visits, paid, last_stage, township_of: dict[str, str]) -> dict[str, date]:
    """The latest repayment, visit or stage move per township (dates as SQLite gives them: ISO
    text sorts as the dates do)."""
    latest: dict[str, str] = {}
    for township_id, on in last_stage:
        if on is not None:
            latest[township_id] = str(on)[:10]
    for household_id, on in paid:
        _later(latest, township_of.get(household_id), on)
    for row in visits:
        _later(latest, township_of.get(row[0]), row[1])
    return {k: date.fromisoformat(v) for k, v in latest.items()}


def _later(latest: dict[str, str], township_id: str | None, on) -> None:
    if township_id is None or on is None:
        return
    day = str(on)[:10]
    if day > latest.get(township_id, ""):
        latest[township_id] = day


def freshness(last_on: date | None, as_of: date, stale_days: int, *, basis: str) -> Freshness:
    """Stale when the last date is more than ``stale_days`` before ``as_of`` (or there is none)."""
    if last_on is None:
        return Freshness(basis="no_package" if basis == "package" else "none", stale=True)
    days = (as_of - last_on).days
    return Freshness(basis=basis, last_on=last_on, days=days, stale=days > stale_days)


def _broken_promises(visits, paid, township_of: dict[str, str], in_collection: set[str],
                     as_of: date) -> dict[str, int]:
    promised = {v[0] for v in visits if v[3] == "promised" and v[0] in in_collection}
    facts: dict[str, list[VisitFact]] = defaultdict(list)
    for hid, on, order, outcome, next_date, promised_date, promised_fen in visits:
        if hid in promised:
            promised_on = _day(promised_date) or (_day(next_date) if outcome == "promised" else None)
            facts[hid].append(VisitFact(_day(on), order, outcome, _day(next_date), promised_on, promised_fen))
    paid_on: dict[str, list[date]] = defaultdict(list)
    for hid, on in paid:
        if hid in promised:
            paid_on[hid].append(_day(on))
    out: dict[str, int] = defaultdict(int)
    for hid, vs in facts.items():
        st = visit_state(vs, paid_on.get(hid, ()))
        if promise_broken(st.promise_date, st.paid_after_promise_on, as_of):
            out[township_of[hid]] += 1
    return out


def _day(value) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])
