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
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text

from app.db.session import Database
from app.domain.followup import promise_broken
from app.services.reporting.bulletin_figures import LARGE_LOAN_FEN, Bulletin, Freshness, LargeLoan

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

# Each household's latest ``promised`` visit (app.domain.followup: the latest by date, then by
# clock stamp), its promised date (the visit's next date when none was written), and the first
# repayment on any of its loans from that visit up to the date; only households still in
# collection (a loan neither settled nor written off).
_PROMISES = """
SELECT h.township_id, p.promised_on,
  (SELECT MIN(r.paid_on) FROM repayments r JOIN loans l ON l.id = r.loan_id WHERE l.household_id = p.household_id
     AND r.deleted = 0 AND r.paid_on >= p.visited_on AND r.paid_on <= :as_of)
FROM (SELECT household_id, visited_on, COALESCE(promised_date, next_date) AS promised_on,
        ROW_NUMBER() OVER (PARTITION BY household_id ORDER BY visited_on DESC, hlc DESC) AS rn
      FROM visits WHERE deleted = 0 AND outcome = 'promised' AND visited_on <= :as_of) p
JOIN households h ON h.id = p.household_id
WHERE p.rn = 1 AND EXISTS (SELECT 1 FROM loans x WHERE x.household_id = p.household_id AND x.deleted = 0
                           AND x.task_date <= :as_of AND x.stage NOT IN ('settled', 'written_off'))
"""

# The latest facts first (each table's date index): read until every township has been seen.
_LATEST = (
    """SELECT l.township_id, r.paid_on FROM repayments r JOIN loans l ON l.id = r.loan_id
       WHERE r.deleted = 0 AND r.paid_on <= :as_of ORDER BY r.paid_on DESC""",
    """SELECT h.township_id, v.visited_on FROM visits v JOIN households h ON h.id = v.household_id
       WHERE v.deleted = 0 AND v.visited_on <= :as_of ORDER BY v.visited_on DESC""",
    """SELECT l.township_id, s.on_date FROM stage_events s JOIN loans l ON l.id = s.loan_id
       WHERE s.deleted = 0 AND s.on_date <= :as_of ORDER BY s.on_date DESC""",
)

_TOWNSHIPS = "SELECT id FROM units WHERE kind = 'township' AND deleted = 0"

_PACKAGES = "SELECT unit_id, MAX(at) FROM sync_packages WHERE direction = 'in' AND unit_id IS NOT NULL GROUP BY unit_id"


@dataclass
class Facts:
    """What the watch items are made of, read as of a date (plain rows)."""

    large: list
    promises: list
    packages: dict
    last_fact: dict


def read(db: Database, as_of: date) -> Facts:
    """The watch items' rows (may run in a worker thread while the summary is computed)."""
    params = {"as_of": as_of.isoformat(), "large": LARGE_LOAN_FEN}
    with db.engine.connect() as conn:
        wanted = {r[0] for r in conn.execute(text(_TOWNSHIPS))}
        large = conn.execute(text(_LARGE), params).all()
        promises = conn.execute(text(_PROMISES), params).all()
        packages = dict(conn.execute(text(_PACKAGES)).all())
        last_fact = {} if packages else _latest_facts(conn, params, wanted)
    return Facts(large=large, promises=promises, packages=packages, last_fact=last_fact)


def fill(db: Database, b: Bulletin, facts: Facts | None = None) -> None:
    """Large loans, broken promises and freshness into ``b`` (its townships and lists)."""
    f = facts if facts is not None else read(db, b.as_of)
    packages = f.packages
    b.large_loans = [LargeLoan(loan_no=r[0], township=r[1], borrower=r[2], task_fen=r[3]) for r in f.large]
    by_name = {t.name: t for t in b.townships}
    for loan in b.large_loans:
        if loan.township in by_name:
            by_name[loan.township].large_untouched += 1
    broken: dict[str, int] = defaultdict(int)
    for township_id, promised_on, paid_after in f.promises:
        if promise_broken(_day(promised_on), _day(paid_after), b.as_of):
            broken[township_id] += 1
    for t in b.townships:
        t.broken_promises = broken.get(t.unit_id, 0)
        t.freshness = freshness(_day(packages.get(t.unit_id)) if packages else f.last_fact.get(t.unit_id),
                                b.as_of, b.stale_days, basis="package" if packages else "facts")


def _latest_facts(conn, params: dict, wanted: set[str]) -> dict[str, date]:
    """The latest repayment, visit or stage move per township."""
    latest: dict[str, date] = {}
    for sql in _LATEST:
        seen: set[str] = set()
        result = conn.execute(text(sql), params)
        try:
            while seen < wanted:
                rows = result.fetchmany(500)
                if not rows:
                    break
                for township_id, on in rows:
                    if township_id in seen:
                        continue
                    seen.add(township_id)
                    day = _day(on)
                    if day is not None and (township_id not in latest or day > latest[township_id]):
                        latest[township_id] = day
        finally:
            result.close()
    return latest


def freshness(last_on: date | None, as_of: date, stale_days: int, *, basis: str) -> Freshness:
    """Stale when the last date is more than ``stale_days`` before ``as_of`` (or there is none)."""
    if last_on is None:
        return Freshness(basis="no_package" if basis == "package" else "none", stale=True)
    days = (as_of - last_on).days
    return Freshness(basis=basis, last_on=last_on, days=days, stale=days > stale_days)


def _day(value) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])
