"""A township's own progress report (情况汇报): what it prints, as plain data (filled by
app.services.reporting.township_report; written by app.reports.township_report_*).

Every amount is added up by :func:`app.services.reporting.summary.add_up` from the summary's lines for
the township as of the report's date, so the report agrees with ``summary --as-of`` to the fen:
its totals are the township's line of the summary, its nine categories the summary's groups
counted over the township's loans, and its villages add up to its totals.  A loan with several
responsible people counts once under each of them (so the people's rows do not add up to the
totals); loans nobody answers for are a row of their own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from app.domain.bulletin import CategoryLine  # noqa: F401  (one line of a category, as the bulletin's)

NO_VILLAGE = "（未分村）"
NO_STAFF = "（未明确责任人）"


@dataclass
class Line:
    """One row: the township, a village or a responsible person."""

    name: str
    detail: str = ""        # a person's title and duties
    loans: int = 0
    households: int = 0
    task_fen: int = 0
    recovered_fen: int = 0
    settled: int = 0        # loans recovered in full
    repaid: int = 0         # loans with some principal recovered (含部分还款)
    visited: int = 0        # households with a visit recorded by the date
    rate: Decimal = Decimal("0.0000")   # summary.rate of the two amounts
    id: str | None = None   # the village's or the person's id (None: the township, 未分村, 未明确责任人)

    @property
    def outstanding_fen(self) -> int:
        return self.task_fen - self.recovered_fen

    @property
    def never_visited(self) -> int:
        """Households with no visit recorded by the date."""
        return self.households - self.visited


@dataclass
class TownshipReport:
    township: str
    as_of: date
    totals: Line
    groups: list[CategoryLine]          # the nine kinds (app.domain.categories.BULLETIN_GROUPS)
    categories: list[CategoryLine]      # the sub-kinds (低保户, 残疾人 …), by code
    villages: list[Line]                # by recovery rate, highest first
    staff: list[Line]                   # by recovery rate; the loans nobody answers for last
    made_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))

    @property
    def title(self) -> str:
        return f"{self.township}不良贷款清收工作情况汇报"

    def group(self, code: str) -> CategoryLine:
        return next(g for g in self.groups if g.code == code)

    def category(self, code: str) -> CategoryLine:
        return next(c for c in self.categories if c.code == code)
