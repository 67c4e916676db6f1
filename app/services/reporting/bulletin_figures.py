"""Filling the bulletin's figures (app.domain.bulletin) from ``summary.compute`` as of its date,
and comparing them with the last issue as printed (较上期)."""
from __future__ import annotations

from decimal import Decimal

from app.domain.bulletin import (  # noqa: F401
    HIGH_RATE,
    LARGE_LOAN_FEN,
    LOW_RATE,
    STALE_DAYS,
    Bulletin,
    CategoryLine,
    Freshness,
    LargeLoan,
    Point,
    Standing,
    Totals,
)
from app.services.reporting.summary import Summary, rate


def from_summary(s: Summary, *, year: int, issue_no: int, unit_name: str,
                 previous: Bulletin | None = None, high: Decimal = HIGH_RATE, low: Decimal = LOW_RATE,
                 stale_days: int = STALE_DAYS) -> Bulletin:
    """The figures of one issue from ``summary.compute(db, as_of)``, compared with ``previous``."""
    t = s.totals
    totals = Totals(loans=t.loans, households=t.households, task_fen=t.task_fen, recovered_fen=t.recovered_fen,
                    settled=t.settled, rate=t.rate)
    townships = [Standing(unit_id=x.unit_id, name=x.name, loans=x.loans, households=x.households,
                          task_fen=x.task_fen, recovered_fen=x.recovered_fen, settled=x.settled,
                          rate=x.rate, rank=x.rank) for x in s.townships]   # summary's rank order
    for i, x in enumerate(sorted(townships, key=lambda x: (-x.recovered_fen, x.name)), start=1):
        x.amount_rank = i
    categories = [CategoryLine(code=c.code, name=c.name, loans=c.loans, households=c.households,
                               task_fen=c.task_fen, recovered_fen=c.recovered_fen,
                               rate=rate(c.recovered_fen, c.task_fen)) for c in s.groups]
    b = Bulletin(year=year, issue_no=issue_no, as_of=s.as_of, unit_name=unit_name, totals=totals,
                 townships=townships, categories=categories, high=high, low=low, stale_days=stale_days)
    if previous is not None:
        compare(b, previous)
    return b


def compare(b: Bulletin, previous: Bulletin) -> None:
    """较上期: each figure beside what ``previous`` printed (a township new since then has none)."""
    b.prev_issue_no, b.prev_year, b.prev_as_of = previous.issue_no, previous.year, previous.as_of
    b.totals.prev_recovered_fen = previous.totals.recovered_fen
    b.totals.prev_rate = previous.totals.rate
    before = {x.unit_id: x for x in previous.townships}
    for x in b.townships:
        old = before.get(x.unit_id)
        if old is not None:
            x.prev_recovered_fen, x.prev_rate = old.recovered_fen, old.rate
            x.prev_rank, x.prev_amount_rank = old.rank, old.amount_rank
