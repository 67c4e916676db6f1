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


@dataclass
class Figures:
    loans: int = 0
    households: int = 0
    task_fen: int = 0
    recovered_fen: int = 0
    settled: int = 0

    @property
    def outstanding_fen(self) -> int:
        return self.task_fen - self.recovered_fen

    @property
    def rate(self) -> Decimal:
        return rate(self.recovered_fen, self.task_fen)


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


# One row per loan in scope with what it recovered by the date; the rest is aggregation.
_LOANS_AS_OF = """
WITH rec AS (
    SELECT loan_id, SUM(principal_fen) AS r
    FROM repayments
    WHERE deleted = 0 AND paid_on <= :as_of
    GROUP BY loan_id
), scope AS (
    SELECT l.id, l.household_id, l.township_id, l.task_amount_fen AS task,
           MIN(COALESCE(rec.r, 0), l.task_amount_fen) AS rec
    FROM loans l LEFT JOIN rec ON rec.loan_id = l.id
    WHERE l.deleted = 0 AND l.task_date <= :as_of
)
"""

_BY_TOWNSHIP = _LOANS_AS_OF + """
SELECT township_id, COUNT(*), COUNT(DISTINCT household_id), SUM(task), SUM(rec),
       SUM(CASE WHEN rec >= task THEN 1 ELSE 0 END)
FROM scope GROUP BY township_id
"""


def _by_tag_sql(code_expr: str) -> str:
    """Loans per category (``code_expr`` maps a tag's code to the key grouped by).

    A tag on a household covers all its loans; a tag on a loan covers that loan.  Each loan
    is counted once per key even when it carries two tags that map to the same key.
    """
    return _LOANS_AS_OF + f"""
, tag AS (
    SELECT {code_expr} AS k, loan_id, household_id FROM category_tags
    WHERE deleted = 0 AND (since IS NULL OR since <= :as_of)
), tagged AS (
    SELECT t.k, s.id, s.household_id, s.task, s.rec
    FROM tag t JOIN scope s ON t.loan_id = s.id
    UNION
    SELECT t.k, s.id, s.household_id, s.task, s.rec
    FROM tag t JOIN scope s ON t.loan_id IS NULL AND t.household_id = s.household_id
)
SELECT k, COUNT(*), COUNT(DISTINCT household_id), SUM(task), SUM(rec) FROM tagged GROUP BY k
"""


_BY_CATEGORY = _by_tag_sql("code")
_BY_GROUP = _by_tag_sql(
    "CASE code " + " ".join(f"WHEN '{c.code}' THEN '{c.group}'" for c in CATEGORIES) + " END")

_TOWNSHIPS = "SELECT id, name FROM units WHERE kind = 'township' AND deleted = 0"


def compute(db: Database, as_of: date | None = None) -> Summary:
    as_of = as_of or date.today()
    params = {"as_of": as_of.isoformat()}
    with db.engine.connect() as conn:
        names = {row[0]: row[1] for row in conn.execute(text(_TOWNSHIPS))}
        per_township = {row[0]: row for row in conn.execute(text(_BY_TOWNSHIP), params)}
        per_code = {row[0]: row for row in conn.execute(text(_BY_CATEGORY), params)}
        per_group = {row[0]: row for row in conn.execute(text(_BY_GROUP), params)}
        total_households = conn.execute(
            text(_LOANS_AS_OF + "SELECT COUNT(DISTINCT household_id) FROM scope"), params
        ).scalar_one()

    townships: list[TownshipFigures] = []
    for unit_id in set(names) | set(per_township):
        row = per_township.get(unit_id)
        t = TownshipFigures(unit_id=unit_id, name=names.get(unit_id, "（未知乡镇）"))
        if row:
            t.loans, t.households, t.task_fen, t.recovered_fen, t.settled = (
                row[1], row[2], row[3] or 0, row[4] or 0, row[5] or 0)
        townships.append(t)
    townships.sort(key=lambda t: (-t.rate, -t.recovered_fen, t.name))
    for i, t in enumerate(townships, start=1):
        t.rank = i

    totals = Figures(
        loans=sum(t.loans for t in townships),
        households=total_households,
        task_fen=sum(t.task_fen for t in townships),
        recovered_fen=sum(t.recovered_fen for t in townships),
        settled=sum(t.settled for t in townships),
    )
    categories = [_category(c.code, c.name, per_code) for c in CATEGORIES]
    groups = [_category(code, name, per_group) for code, name in BULLETIN_GROUPS]
    return Summary(as_of=as_of, totals=totals, townships=townships, categories=categories, groups=groups)


def _category(code: str, name: str, rows: dict) -> CategoryFigures:
    f = CategoryFigures(code=code, name=name)
    row = rows.get(code)
    if row:
        f.loans, f.households, f.task_fen, f.recovered_fen = row[1], row[2], row[3] or 0, row[4] or 0
    return f
