"""Recent visits (the 走访 page): newest first, between two dates, by outcome."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import text as sql

from app.db.session import Database
from app.domain.stages import METHOD_NAMES, OUTCOME_NAMES
from app.services.foundation.work_common import outcome_code


@dataclass(frozen=True)
class VisitRow:
    id: str
    household_id: str
    head_name: str
    village: str
    group_name: str
    visited_on: date
    visitors: str
    method_name: str
    outcome: str
    outcome_name: str
    promised_fen: int | None
    promised_date: date | None
    next_date: date | None
    loan_no: str
    note: str


@dataclass(frozen=True)
class VisitList:
    total: int             # how many visits match (``rows`` holds at most ``limit``)
    rows: list[VisitRow]


def _d(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def recent(db: Database, *, date_from: date | None = None, date_to: date | None = None,
           outcome: str | None = None, township_id: str | None = None, limit: int = 1000) -> VisitList:
    """Visits recorded between ``date_from`` and ``date_to`` (both included), newest first."""
    where = ["vi.deleted = 0", "h.deleted = 0"]
    params: dict = {"limit": int(limit)}
    if date_from is not None:
        where.append("vi.visited_on >= :d_from")
        params["d_from"] = date_from.isoformat()
    if date_to is not None:
        where.append("vi.visited_on <= :d_to")
        params["d_to"] = date_to.isoformat()
    if outcome:
        where.append("vi.outcome = :outcome")
        params["outcome"] = outcome_code(outcome)
    if township_id:
        where.append("h.township_id = :township")
        params["township"] = township_id
    cond = " AND ".join(where)
    with db.engine.connect() as conn:
        total = conn.execute(sql(f"SELECT COUNT(*) FROM visits vi JOIN households h ON h.id = vi.household_id "
                                 f"WHERE {cond}"), params).scalar_one()
        found = conn.execute(sql(
            "SELECT vi.id, vi.household_id, h.head_name, COALESCE(v.name, ''), COALESCE(h.group_name, ''), "
            " vi.visited_on, COALESCE(vi.visitors, ''), vi.method, vi.outcome, vi.promised_fen, vi.promised_date, "
            " vi.next_date, COALESCE(l.loan_no, ''), COALESCE(vi.note, '') "
            "FROM visits vi JOIN households h ON h.id = vi.household_id "
            "LEFT JOIN villages v ON v.id = h.village_id LEFT JOIN loans l ON l.id = vi.loan_id "
            f"WHERE {cond} ORDER BY vi.visited_on DESC, vi.hlc DESC LIMIT :limit"), params).all()
    rows = [VisitRow(r[0], r[1], r[2], r[3], r[4], _d(r[5]), r[6], METHOD_NAMES.get(r[7], r[7]), r[8],
                     OUTCOME_NAMES.get(r[8], r[8]), r[9], _d(r[10]), _d(r[11]), r[12], r[13]) for r in found]
    return VisitList(total, rows)
