"""The ten-day bulletin's figures (十天一通报): what one issue prints, as plain data (filled by
app.services.reporting.bulletin_figures; printed by app.reports.bulletin_*).

Every amount comes from :func:`app.services.reporting.summary.compute` as of the bulletin's date (the
district totals, each township, the nine categories), so a bulletin agrees with
``summary --as-of`` to the fen whatever the summary's definition of *recovered* is.  What
changed since the last bulletin (较上期) is taken from the figures that bulletin *printed*
(kept in the ``bulletins`` table as :meth:`Bulletin.to_json`), not recomputed.

Ranks: by recovery rate as ``summary`` ranks (rate, then amount, then name); by amount
recovered, then name.  A rank change is positive when a township moved up (↑).  Rate changes
are in percentage points (rates have 4 decimals, so points have 2).
"""
from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

HIGH_RATE = Decimal("0.60")   # the speech's "清收率超过了60%"
LOW_RATE = Decimal("0.30")    # "清收率不足30%"
STALE_DAYS = 10               # a township's figures older than this are flagged (one bulletin period)
LARGE_LOAN_FEN = 100 * 10_000 * 100   # 100万元


@dataclass
class Freshness:
    """How fresh a township's figures are.  ``basis``: ``package`` (the latest sync package
    received from it — filled once packages arrive), ``facts`` (no sync in use: the latest
    repayment, visit or stage move recorded for its loans), ``no_package`` (other townships
    send packages, this one has sent none), ``none`` (nothing recorded at all)."""

    basis: str = "none"
    last_on: date | None = None
    days: int | None = None
    stale: bool = True

    @property
    def label(self) -> str:
        if self.basis == "no_package":
            return "尚未收到数据包"
        if self.last_on is None:
            return "尚无记录"
        what = "数据包" if self.basis == "package" else "最近记录"
        return f"{what} {self.last_on.month}月{self.last_on.day}日（{self.days}天前）"


@dataclass
class Standing:
    """One township in the bulletin."""

    unit_id: str
    name: str
    loans: int = 0
    households: int = 0
    task_fen: int = 0
    recovered_fen: int = 0
    settled: int = 0
    rate: Decimal = Decimal("0.0000")
    rank: int = 0            # by rate
    amount_rank: int = 0     # by amount recovered
    prev_recovered_fen: int | None = None   # as the last bulletin printed it
    prev_rate: Decimal | None = None
    prev_rank: int | None = None
    prev_amount_rank: int | None = None
    broken_promises: int = 0
    large_untouched: int = 0
    freshness: Freshness = field(default_factory=Freshness)

    @property
    def outstanding_fen(self) -> int:
        return self.task_fen - self.recovered_fen

    @property
    def delta_recovered_fen(self) -> int | None:
        return None if self.prev_recovered_fen is None else self.recovered_fen - self.prev_recovered_fen

    @property
    def delta_rate_points(self) -> Decimal | None:
        return None if self.prev_rate is None else (self.rate - self.prev_rate) * 100

    @property
    def rank_change(self) -> int | None:
        return None if self.prev_rank is None else self.prev_rank - self.rank

    @property
    def amount_rank_change(self) -> int | None:
        return None if self.prev_amount_rank is None else self.prev_amount_rank - self.amount_rank


@dataclass
class Totals:
    loans: int = 0
    households: int = 0
    task_fen: int = 0
    recovered_fen: int = 0
    settled: int = 0
    rate: Decimal = Decimal("0.0000")
    prev_recovered_fen: int | None = None
    prev_rate: Decimal | None = None

    @property
    def outstanding_fen(self) -> int:
        return self.task_fen - self.recovered_fen

    @property
    def delta_recovered_fen(self) -> int | None:
        return None if self.prev_recovered_fen is None else self.recovered_fen - self.prev_recovered_fen

    @property
    def delta_rate_points(self) -> Decimal | None:
        return None if self.prev_rate is None else (self.rate - self.prev_rate) * 100


@dataclass
class CategoryLine:
    code: str
    name: str
    loans: int = 0
    households: int = 0
    task_fen: int = 0
    recovered_fen: int = 0
    rate: Decimal = Decimal("0.0000")   # summary.rate of the two

    @property
    def outstanding_fen(self) -> int:
        return self.task_fen - self.recovered_fen


@dataclass
class LargeLoan:
    """A loan of 100万元 or more with no repayment and no visit up to the bulletin's date."""

    loan_no: str
    township: str
    borrower: str
    task_fen: int


@dataclass
class Point:
    """The district on one date, for the progress chart."""

    as_of: date
    recovered_fen: int
    task_fen: int
    issue_no: int | None = None   # None: computed for the chart, not an issued bulletin


@dataclass
class Bulletin:
    year: int
    issue_no: int
    as_of: date
    unit_name: str
    totals: Totals
    townships: list[Standing]            # in rank order (by rate)
    categories: list[CategoryLine]       # the nine kinds
    large_loans: list[LargeLoan] = field(default_factory=list)
    history: list[Point] = field(default_factory=list)
    high: Decimal = HIGH_RATE
    low: Decimal = LOW_RATE
    stale_days: int = STALE_DAYS
    prev_issue_no: int | None = None
    prev_year: int | None = None
    prev_as_of: date | None = None
    issued_at: datetime | None = None    # None: not issued (a preview)
    reprint: bool = False                # the same issue printed again (kept figures)

    # -- what the text says ---------------------------------------------------------
    @property
    def by_amount(self) -> list[Standing]:
        return sorted(self.townships, key=lambda t: t.amount_rank)

    def top(self, n: int = 3) -> list[Standing]:
        return self.townships[:n]

    def bottom(self, n: int = 3) -> list[Standing]:
        """The lowest by rate, lowest first; at most half of them (none named both best and worst)."""
        return self.townships[::-1][:min(n, len(self.townships) // 2)]

    def top_amount(self, n: int = 3) -> list[Standing]:
        return self.by_amount[:n]

    @property
    def above(self) -> list[Standing]:
        return [t for t in self.townships if t.task_fen > 0 and t.rate > self.high]

    @property
    def below(self) -> list[Standing]:
        return [t for t in self.townships if t.task_fen > 0 and t.rate < self.low]

    @property
    def no_progress(self) -> list[Standing]:
        """Townships whose recovered amount is what the last bulletin printed (none at a first issue)."""
        return [t for t in self.townships if t.delta_recovered_fen == 0 and t.outstanding_fen > 0]

    @property
    def stale(self) -> list[Standing]:
        return [t for t in self.townships if t.freshness.stale]

    @property
    def broken_promises(self) -> int:
        return sum(t.broken_promises for t in self.townships)

    @property
    def title(self) -> str:
        return f"关于全区不良贷款清收工作进展情况的通报（第{self.issue_no}期）"

    def to_json(self) -> dict:
        return _encode(self)

    @classmethod
    def from_json(cls, data: dict) -> "Bulletin":
        return _decode(cls, data)


# -- JSON (what is kept of an issued bulletin) -------------------------------------------

def _encode(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _decode(cls, data: dict):
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            kwargs[f.name] = _value(hints[f.name], data[f.name])
    return cls(**kwargs)


def _value(kind, raw):
    if raw is None:
        return None
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    if typing.get_origin(kind) is list:
        return [_value(args[0], v) for v in raw]
    if args and typing.get_origin(kind) is not list:   # X | None
        kind = args[0]
    if dataclasses.is_dataclass(kind):
        return _decode(kind, raw)
    if kind is Decimal:
        return Decimal(raw)
    if kind is datetime:
        return datetime.fromisoformat(raw)
    if kind is date:
        return date.fromisoformat(raw)
    return raw
