"""The ten-day bulletin (十天一通报): figures as of a date, issued and kept.

* :func:`prepare` — the bulletin as of a date, not kept (a preview): the figures of
  ``summary.compute`` for that date, compared with the last issued bulletin before it.
* :func:`issue` — the same, kept in ``bulletins`` with the next issue number of the year of
  its date (第N期).  Issuing a date already issued is a **reprint of that issue**: the figures
  kept when it was first issued are printed again, unchanged (a later correction of a past
  repayment shows in the next issue, not by rewriting a printed one).  A date before the
  latest issued one is refused: issues are numbered in the order of their dates.
* Only the district issues: the bulletin ranks the townships, so a township's database (a
  laptop) may preview it (:func:`prepare`) but not issue it (:func:`issue_refusal`, checked by
  :func:`keep`).
"""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.db.models import Bulletin as BulletinRow
from app.db.session import Database
from app.domain.errors import InputError
from app.services.reporting import bulletin_watch, summary
from app.services.reporting.bulletin_figures import HIGH_RATE, LOW_RATE, STALE_DAYS, Bulletin, Point, from_summary

CHART_POINTS = 12       # the progress chart shows at most this many dates
FIRST_ISSUE_POINTS = 2  # earlier dates a first issue computes for its chart (each one a summary)
CHART_STEP_DAYS = 10


def prepare(db: Database, as_of: date | None = None, *, high: Decimal = HIGH_RATE, low: Decimal = LOW_RATE,
            stale_days: int = STALE_DAYS) -> Bulletin:
    """The bulletin as of ``as_of`` (default today), without keeping it.  An issued date gives
    the issue as kept."""
    as_of = as_of or date.today()
    if as_of > date.today():
        raise InputError(f"通报的截至日期（{as_of}）在今天之后；请选今天或以前的日期")
    _check_thresholds(high, low, stale_days)
    kept = _row(db, as_of)
    if kept is not None:
        b = Bulletin.from_json(json.loads(kept.figures_json))
        b.reprint = True
        return b
    issued = _issued(db)
    later = [r for r in issued if r.as_of > as_of]
    if later:
        last = later[-1]
        raise InputError(f"已发过截至 {last.as_of} 的第{last.issue_no}期通报，不能再发截至更早日期（{as_of}）的新一期；"
                         f"要重印已发的一期，请用它的截至日期")
    earlier = [r for r in issued if r.as_of < as_of]
    previous = Bulletin.from_json(json.loads(earlier[-1].figures_json)) if earlier else None
    same_year = [r for r in issued if r.year == as_of.year]
    number = max((r.issue_no for r in same_year), default=0) + 1
    with ThreadPoolExecutor(max_workers=1) as pool:   # SQLite reads overlap with the summary's
        facts = pool.submit(bulletin_watch.read, db, as_of)
        s = summary.compute(db, as_of)
        facts = facts.result()
    b = from_summary(s, year=as_of.year, issue_no=number, unit_name=_unit_name(db), previous=previous,
                     high=high, low=low, stale_days=stale_days)
    bulletin_watch.fill(db, b, facts)
    b.history = history(db, b.as_of, b.totals.recovered_fen, b.totals.task_fen, previous, issue_no=b.issue_no)
    return b


def issue(db: Database, as_of: date | None = None, actor: str = "system", **options) -> Bulletin:
    """Issue (or reprint) the bulletin as of ``as_of``: kept with its number; returned as printed."""
    return keep(db, prepare(db, as_of, **options), actor)


def issue_refusal(db: Database) -> str | None:
    """Why this database may not issue a bulletin (a township's: the bulletin is the district's),
    or None (the district's)."""
    ident = db.identity()
    if ident.role == "district":
        return None
    return f"十天一通报由区县发布：这是乡镇的数据库（{_unit_name(db)}）"


def check_may_issue(db: Database) -> None:
    """Refuse (InputError) issuing a bulletin on a database that is not the district's."""
    reason = issue_refusal(db)
    if reason is not None:
        raise InputError(reason)


def keep(db: Database, b: Bulletin, actor: str = "system") -> Bulletin:
    """Keep a prepared bulletin as issued (after its file was written; ``issued_at`` may be set
    already, as printed on it); a reprint is kept already.  Refused on a township's database."""
    if b.reprint:
        return b
    check_may_issue(db)
    b.issued_at = b.issued_at or datetime.now().replace(microsecond=0)
    with db.uow(actor) as uow:
        row = BulletinRow(year=b.year, issue_no=b.issue_no, as_of=b.as_of, issued_at=b.issued_at,
                          issued_by=actor, figures_json=json.dumps(b.to_json(), ensure_ascii=False))
        uow.session.add(row)
        uow.audit("issue", "bulletins", row.id,
                  summary=f"发布第{b.issue_no}期清收工作进展通报（截至 {b.as_of}）")
        uow.commit()
    return b


def issued(db: Database) -> list[tuple[int, int, date]]:
    """(year, issue number, as-of date) of every issued bulletin, oldest first."""
    return [(r.year, r.issue_no, r.as_of) for r in _issued(db)]


def _issued(db: Database) -> list[BulletinRow]:
    with Session(db.engine) as s:   # read only; closed without a rollback, so the rows stay loaded
        return list(s.scalars(select(BulletinRow).order_by(BulletinRow.as_of)))


def _row(db: Database, as_of: date) -> BulletinRow | None:
    with Session(db.engine) as s:
        return s.scalars(select(BulletinRow).where(BulletinRow.as_of == as_of)).first()


def _unit_name(db: Database) -> str:
    ident = db.identity()
    with db.engine.connect() as conn:
        name = conn.execute(text("SELECT name FROM units WHERE id = :id"), {"id": ident.unit_id}).scalar()
    return name or ident.unit_name


def progress(db: Database, as_of: date, recovered_fen: int, task_fen: int) -> list[Point]:
    """The progress chart's points as the next bulletin would draw them, ending with ``as_of``
    and the figures given (the caller's ``summary.compute`` of that date: not computed again):
    the points the last issue before ``as_of`` printed, or for a database with no issue before
    it (a township laptop) FIRST_ISSUE_POINTS earlier dates.  The dashboard's progress chart."""
    earlier = [r for r in _issued(db) if r.as_of < as_of]
    previous = Bulletin.from_json(json.loads(earlier[-1].figures_json)) if earlier else None
    return history(db, as_of, recovered_fen, task_fen, previous)


def history(db: Database, as_of: date, recovered_fen: int, task_fen: int, previous: Bulletin | None,
            issue_no: int | None = None) -> list[Point]:
    """The district's recovered over time for the chart: the points the last issue printed
    (each issue keeps its own, so the chain goes back to the first) and ``as_of``'s.  A first issue
    adds FIRST_ISSUE_POINTS earlier dates, ten days apart, from the first task date on (their
    totals ``summary.amounts_on``: ``summary.compute``'s, read once for all of them)."""
    here = Point(as_of=as_of, recovered_fen=recovered_fen, task_fen=task_fen, issue_no=issue_no)
    if previous is not None:
        return [p for p in previous.history if p.as_of < as_of][-(CHART_POINTS - 1):] + [here]
    with db.engine.connect() as conn:
        first = conn.execute(text("SELECT MIN(task_date) FROM loans WHERE deleted = 0")).scalar()
    first_day = date.fromisoformat(str(first)[:10]) if first else as_of
    days = [as_of - timedelta(days=CHART_STEP_DAYS * k) for k in range(FIRST_ISSUE_POINTS, 0, -1)]
    days = [day for day in days if day >= first_day]
    earlier = [Point(as_of=day, recovered_fen=rec, task_fen=task)
               for day, (task, rec) in zip(days, summary.amounts_on(db, days))]
    return earlier + [here]


def _check_thresholds(high: Decimal, low: Decimal, stale_days: int) -> None:
    if not (Decimal(0) <= low <= high <= Decimal(1)):
        raise InputError(f"清收率的两个界限应在 0 到 100% 之间，且较低的不高于较高的（现在：{low:.0%}、{high:.0%}）")
    if stale_days < 0:
        raise InputError(f"数据过期的天数不能是负数（现在：{stale_days}）")
