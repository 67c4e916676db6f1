"""Progress figures (清收进度) as of any date: totals, by township (ranked), by category.

Definitions (CLI.md):
* ``task_amount``: the balance each loan had when it entered the task list (fixed).
* ``recovered``: principal that came back on or before the date, from repayments recorded
  here and from lower balances reported by later bank ledgers, each yuan counted once
  (the ledger import records only the part no township repayment explains).
* ``outstanding``: task amount less recovered, as of that date.
* ``recovery_rate`` = recovered / task_amount, 4 decimals; ``rank`` by rate, highest first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import text

from app.db.session import Database
from app.domain.categories import BULLETIN_GROUPS, CATEGORIES
from app.domain.money import yuan_str


class RecoveryMixin:
    """Outstanding and rate, derived from ``task_fen`` and ``recovered_fen`` (CLI.md)."""

    task_fen: int
    recovered_fen: int

    @property
    def outstanding_fen(self) -> int:
        return self.task_fen - self.recovered_fen

    @property
    def rate(self) -> Decimal:
        return rate(self.recovered_fen, self.task_fen)


@dataclass
class Figures(RecoveryMixin):
    loans: int = 0
    households: int = 0
    task_fen: int = 0
    recovered_fen: int = 0
    settled: int = 0


@dataclass
class TownshipFigures(Figures):
    unit_id: str = ""
    name: str = ""
    rank: int = 0


@dataclass
class CategoryFigures:
    code: str
    name: str
    loans: int = 0
    households: int = 0
    task_fen: int = 0
    recovered_fen: int = 0


@dataclass
class Summary:
    as_of: date
    totals: Figures
    townships: list[TownshipFigures]
    categories: list[CategoryFigures]
    groups: list[CategoryFigures] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "totals": {
                "loans": self.totals.loans,
                "households": self.totals.households,
                "task_amount": yuan_str(self.totals.task_fen),
                "recovered": yuan_str(self.totals.recovered_fen),
                "outstanding": yuan_str(self.totals.outstanding_fen),
                "recovery_rate": rate_number(self.totals.rate),
                "loans_settled": self.totals.settled,
            },
            "townships": [
                {
                    "name": t.name,
                    "loans": t.loans,
                    "households": t.households,
                    "task_amount": yuan_str(t.task_fen),
                    "recovered": yuan_str(t.recovered_fen),
                    "outstanding": yuan_str(t.outstanding_fen),
                    "recovery_rate": rate_number(t.rate),
                    "loans_settled": t.settled,
                    "rank": t.rank,
                }
                for t in self.townships
            ],
            "categories": [_cat_json(c) for c in self.categories],
            "category_groups": [_cat_json(c) for c in self.groups],
        }


def _cat_json(c: CategoryFigures) -> dict:
    return {"code": c.code, "name": c.name, "loans": c.loans, "households": c.households,
            "task_amount": yuan_str(c.task_fen), "recovered": yuan_str(c.recovered_fen),
            "recovery_rate": rate_number(rate(c.recovered_fen, c.task_fen))}


def rate(part_fen: int, whole_fen: int) -> Decimal:
    if whole_fen <= 0:
        return Decimal("0.0000")
    return (Decimal(part_fen) / Decimal(whole_fen)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def rate_number(value: Decimal) -> float:
    return float(value)  # float ok: a rate for JSON, already rounded to 4 decimals


# One row per loan in scope with what it recovered by the date; aggregation is done in
# Python (one pass over ~50k tuples is faster than SQLite grouping the same scope 4 times).
_LOANS_AS_OF = """
SELECT l.id, l.household_id, l.township_id, l.task_amount_fen, COALESCE(r.rec, 0)
FROM loans l LEFT JOIN (
    SELECT loan_id, SUM(principal_fen) AS rec FROM repayments
    WHERE deleted = 0 AND paid_on <= :as_of GROUP BY loan_id
) r ON r.loan_id = l.id
WHERE l.deleted = 0 AND l.task_date <= :as_of
"""

_TAGS_AS_OF = """
SELECT code, loan_id, household_id FROM category_tags
WHERE deleted = 0 AND (since IS NULL OR since <= :as_of)
"""

_TOWNSHIPS = "SELECT id, name FROM units WHERE kind = 'township' AND deleted = 0"

_GROUP_OF = {c.code: c.group for c in CATEGORIES}


@dataclass
class _Acc:
    loans: int = 0
    task: int = 0
    rec: int = 0
    settled: int = 0
    households: set = field(default_factory=set)

    def add(self, household_id: str, task: int, rec: int) -> None:
        self.loans += 1
        self.task += task
        self.rec += rec
        self.settled += rec >= task
        self.households.add(household_id)


def compute(db: Database, as_of: date | None = None) -> Summary:
    as_of = as_of or date.today()
    params = {"as_of": as_of.isoformat()}
    with db.engine.connect() as conn:
        names = dict(conn.execute(text(_TOWNSHIPS)).all())
        loans = conn.execute(text(_LOANS_AS_OF), params).all()
        tags = conn.execute(text(_TAGS_AS_OF), params).all()

    by_township: dict[str, _Acc] = {unit_id: _Acc() for unit_id in names}
    by_loan: dict[str, tuple[str, int, int]] = {}
    loans_of_household: dict[str, list[str]] = {}
    total = _Acc()
    for loan_id, household_id, township_id, task, rec in loans:
        rec = min(rec, task)  # more than the task (interest paid as principal) is not recovered twice
        by_township.setdefault(township_id, _Acc()).add(household_id, task, rec)
        total.add(household_id, task, rec)
        by_loan[loan_id] = (household_id, task, rec)
        loans_of_household.setdefault(household_id, []).append(loan_id)

    tagged_codes: dict[str, set[str]] = {}   # code -> loan ids
    for code, loan_id, household_id in tags:
        covered = [loan_id] if loan_id else loans_of_household.get(household_id, ())
        tagged_codes.setdefault(code, set()).update(x for x in covered if x in by_loan)
    tagged_groups: dict[str, set[str]] = {}
    for code, loan_ids in tagged_codes.items():
        tagged_groups.setdefault(_GROUP_OF.get(code, code), set()).update(loan_ids)

    townships = []
    for unit_id, acc in by_township.items():
        t = TownshipFigures(unit_id=unit_id, name=names.get(unit_id, "（未知乡镇）"), loans=acc.loans,
                            households=len(acc.households), task_fen=acc.task, recovered_fen=acc.rec,
                            settled=acc.settled)
        townships.append(t)
    townships.sort(key=lambda t: (-t.rate, -t.recovered_fen, t.name))
    for i, t in enumerate(townships, start=1):
        t.rank = i
    totals = Figures(loans=total.loans, households=len(total.households), task_fen=total.task,
                     recovered_fen=total.rec, settled=total.settled)
    categories = [_category(c.code, c.name, tagged_codes, by_loan) for c in CATEGORIES]
    groups = [_category(code, name, tagged_groups, by_loan) for code, name in BULLETIN_GROUPS]
    return Summary(as_of=as_of, totals=totals, townships=townships, categories=categories, groups=groups)


def _category(code: str, name: str, tagged: dict[str, set[str]],
              by_loan: dict[str, tuple[str, int, int]]) -> CategoryFigures:
    f = CategoryFigures(code=code, name=name)
    households = set()
    for loan_id in tagged.get(code, ()):
        household_id, task, rec = by_loan[loan_id]
        f.loans += 1
        f.task_fen += task
        f.recovered_fen += rec
        households.add(household_id)
    f.households = len(households)
    return f
