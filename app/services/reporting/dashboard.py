"""The 工作台's figures as of a date (run off the GUI thread): the summary and, where the
database holds one township (a township laptop), that township's villages — what its chart ranks
instead of townships; then the progress over time as the bulletin's chart draws it.

Nothing here is worked out anew: the summary is ``summary.compute``, the points are
``bulletin.progress`` (ending with the summary's own totals) and the villages are
``township_report.of_township``'s, so every figure is the one the bulletin and the township's
report print.

Only ``summary`` is imported with the module: the window paints the 工作台 from it before
SQLAlchemy is loaded; the bulletin's and the township report's modules (which use it) are
imported by the functions that need them, in the worker that runs them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.db.session import Database
from app.domain.bulletin import Point
from app.domain.township_report import Line
from app.services.reporting import summary
from app.services.reporting.summary import Summary


@dataclass
class Dashboard:
    summary: Summary
    villages: list[Line] = field(default_factory=list)  # one township only: its villages, by rate
    # app.services.reporting.dashboard_cache: the database's change mark read before these were
    # computed, and whether they were recalled from what an earlier start kept
    mark: dict | None = field(default=None, compare=False, repr=False)
    recalled: bool = field(default=False, compare=False)

    @property
    def one_township(self) -> bool:
        return len(self.summary.townships) == 1


def figures(db: Database, as_of: date | None = None) -> Dashboard:
    """The dashboard's figures as of ``as_of`` (default today): the summary, and a one-township
    database's villages."""
    s = summary.compute(db, as_of)
    villages: list[Line] = []
    if len(s.townships) == 1:
        from app.services.reporting import township_report

        villages = township_report.of_township(db, s.townships[0].unit_id, s.as_of).villages
    return Dashboard(summary=s, villages=villages)


def progress(db: Database, s: Summary) -> list[Point]:
    """The progress chart's points up to the summary's date, oldest first, the summary's own
    totals last (asked for after the figures are shown: a database with no bulletin issued yet
    reads its loans again for the earlier dates)."""
    from app.services.reporting import bulletin

    return bulletin.progress(db, s.as_of, s.totals.recovered_fen, s.totals.task_fen)
