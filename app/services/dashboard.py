"""The 工作台's figures as of a date, in one call (run off the GUI thread): the summary, the
progress over time as the bulletin's chart draws it, and, where the database holds one township
(a township laptop), that township's villages — what its chart ranks instead of townships.

Nothing here is worked out anew: the summary is ``summary.compute``, the points are
``bulletin.progress`` (ending with the summary's own totals) and the villages are
``township_report.of_township``'s, so every figure is the one the bulletin and the township's
report print.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.db.session import Database
from app.domain.bulletin import Point
from app.domain.township_report import Line
from app.services import bulletin, summary, township_report
from app.services.summary import Summary


@dataclass
class Dashboard:
    summary: Summary
    progress: list[Point]                              # oldest first, the summary's date last
    villages: list[Line] = field(default_factory=list)  # one township only: its villages, by rate

    @property
    def one_township(self) -> bool:
        return len(self.summary.townships) == 1


def figures(db: Database, as_of: date | None = None) -> Dashboard:
    """The dashboard as of ``as_of`` (default today)."""
    s = summary.compute(db, as_of)
    points = bulletin.progress(db, s.as_of, s.totals.recovered_fen, s.totals.task_fen)
    villages: list[Line] = []
    if len(s.townships) == 1:
        villages = township_report.of_township(db, s.townships[0].unit_id, s.as_of).villages
    return Dashboard(summary=s, progress=points, villages=villages)
