"""Progress figures (清收进度) as of any date: totals, by township (ranked), by category.

Definitions (CLI.md):
* ``task_amount``: the balance each loan had when it entered the task list (fixed).
* ``recovered``: principal that came back on or before the date, from repayments recorded
  here and from lower balances reported by later bank ledgers, each yuan counted once
  (the ledger import records only the part no township repayment explains).
* ``outstanding``: task amount less recovered, as of that date.
* ``recovery_rate`` = recovered / task_amount, 4 decimals; ``rank`` by rate, highest first.

:func:`compute` is :func:`read` (one line per loan in scope, with what it recovered by the
date, and the category tags) then :func:`of_scope` (adding them up).  Other reports that break
the same loans down another way (a township's report by village and by responsible person)
read the same lines and add each group up with :func:`add_up`, so their figures are the
summary's whatever *recovered* means.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, NamedTuple

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
    repaid: int = 0   # loans with some principal recovered by the date (settled ones too): 含部分还款


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


# One row per loan in scope with what it recovered by the date (capped at its task amount);
# aggregation is done in Python (one pass over ~50k tuples is faster than SQLite grouping the
# same scope 4 times).
_LOANS_AS_OF = """
SELECT l.id, l.household_id, l.township_id, l.task_amount_fen, MIN(COALESCE(r.rec, 0), l.task_amount_fen)
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


class LoanLine(NamedTuple):
    """One loan in scope as of the date: what every figure adds up."""

    id: str
    household_id: str
    township_id: str
    task_fen: int
    recovered_fen: int   # principal recovered by the date, capped at the task amount


@dataclass
class Scope:
    """What :func:`read` found: the loans in scope as of a date and the category tags then."""

    as_of: date
    names: dict[str, str]                     # township id -> name (the townships in scope)
    loans: list[LoanLine]
    tags: list[tuple[str, str | None, str]]   # (code, loan id or None for the household, household id)


def read(db: Database, as_of: date | None = None, *, township_id: str | None = None) -> Scope:
    """Every loan on the task list by ``as_of`` (default today) with the principal it recovered
    by then (capped at its task amount: more, such as interest paid as principal, is not
    recovered twice), of one township when ``township_id`` is given; and the tags then."""
    as_of = as_of or date.today()
    params = {"as_of": as_of.isoformat()}
    loans_sql, townships_sql = _LOANS_AS_OF, _TOWNSHIPS
    if township_id is not None:
        params["township_id"] = township_id
        loans_sql += " AND l.township_id = :township_id"
        townships_sql += " AND id = :township_id"
    with db.sqlite() as conn:    # plain tuples: ~50k rows, no result processing wanted
        names = dict(conn.execute(townships_sql, params).fetchall())
        loans = list(map(LoanLine._make, conn.execute(loans_sql, params).fetchall()))
        tags = conn.execute(_TAGS_AS_OF, params).fetchall()
    return Scope(as_of=as_of, names=names, loans=loans, tags=tags)


def add_up(lines: Iterable[LoanLine]) -> Figures:
    """The figures of some loans, by the summary's rules (the one way loans are added up)."""
    lines = list(lines)
    if not lines:
        return Figures()
    _ids, households, _townships, task, rec = zip(*lines)
    return _figures(households, task, rec)


def _figures(households: tuple[str, ...], task: tuple[int, ...], rec: tuple[int, ...]) -> Figures:
    """The figures of loans given column by column (each sum a loop in C): settled when the
    recovered reaches the task amount, repaid (含部分还款) when anything was recovered."""
    return Figures(loans=len(task), households=len(set(households)), task_fen=sum(task), recovered_fen=sum(rec),
                   settled=sum(map(operator.ge, rec, task)), repaid=sum(map((0).__lt__, rec)))


def compute(db: Database, as_of: date | None = None, *, township_id: str | None = None) -> Summary:
    """The progress as of ``as_of`` (default today): of the district, or of one township only
    (``township_id``: its totals are then that township's line of the district's summary, and
    the categories count its loans only)."""
    return of_scope(read(db, as_of, township_id=township_id))


_LOANS_BY = "SELECT id, task_date, task_amount_fen FROM loans WHERE deleted = 0 AND task_date <= :last"
_REPAID_BY = "SELECT loan_id, paid_on, principal_fen FROM repayments WHERE deleted = 0 AND paid_on <= :last"


def amounts_on(db: Database, days: Iterable[date]) -> list[tuple[int, int]]:
    """(task amount, recovered) in fen of the whole database on each of ``days``: what
    ``compute(db, day).totals`` gives, from one reading of the loans and the repayments (a
    chart's earlier dates, without reading the database once a date).  Dates compare as the
    database compares them (ISO text)."""
    isos = [day.isoformat() for day in days]
    if not isos:
        return []
    from sqlalchemy import text

    last = {"last": max(isos)}
    with db.engine.connect() as conn:
        loans = conn.execute(text(_LOANS_BY), last).all()
        repaid: dict[str, list[int]] = {}     # loan id -> principal repaid by each date
        for loan_id, paid_on, principal in conn.execute(text(_REPAID_BY), last):
            by_day = repaid.setdefault(loan_id, [0] * len(isos))
            paid_on = str(paid_on)
            for i, iso in enumerate(isos):
                if paid_on <= iso:
                    by_day[i] += principal
    task, rec = [0] * len(isos), [0] * len(isos)
    none = [0] * len(isos)
    for loan_id, task_date, fen in loans:
        task_date = str(task_date)
        by_day = repaid.get(loan_id, none)
        for i, iso in enumerate(isos):
            if task_date <= iso:
                task[i] += fen
                rec[i] += min(by_day[i], fen)    # capped at the task amount, as ``read`` caps it
    return list(zip(task, rec))


def of_scope(scope: Scope) -> Summary:
    names = scope.names
    by_township: dict[str, list[LoanLine]] = {unit_id: [] for unit_id in names}
    for line in scope.loans:
        group = by_township.get(line[2])
        if group is None:
            group = by_township[line[2]] = []
        group.append(line)
    ids, households, _townships, tasks, recs = zip(*scope.loans) if scope.loans else ((),) * 5
    by_loan: dict[str, tuple[str, int, int]] = dict(zip(ids, zip(households, tasks, recs)))
    # a household's tag covers its loans: the loans of the households tagged so
    tagged_households = {household_id for _code, loan_id, household_id in scope.tags if not loan_id}
    loans_of_household: dict[str, list[str]] = {}
    if tagged_households:
        for loan_id, household_id in zip(ids, households):
            if household_id in tagged_households:
                loans_of_household.setdefault(household_id, []).append(loan_id)

    tagged_codes = tagged_loans(scope.tags, by_loan, loans_of_household)
    tagged_groups: dict[str, set[str]] = {}
    for code, loan_ids in tagged_codes.items():
        tagged_groups.setdefault(_GROUP_OF.get(code, code), set()).update(loan_ids)

    townships = []
    for unit_id, lines in by_township.items():
        f = add_up(lines)
        townships.append(TownshipFigures(unit_id=unit_id, name=names.get(unit_id, "（未知乡镇）"), loans=f.loans,
                                         households=f.households, task_fen=f.task_fen, recovered_fen=f.recovered_fen,
                                         settled=f.settled, repaid=f.repaid))
    townships.sort(key=lambda t: (-t.rate, -t.recovered_fen, t.name))
    for i, t in enumerate(townships, start=1):
        t.rank = i
    categories = [_category(c.code, c.name, tagged_codes, by_loan) for c in CATEGORIES]
    groups = [_category(code, name, tagged_groups, by_loan) for code, name in BULLETIN_GROUPS]
    return Summary(as_of=scope.as_of, totals=_figures(households, tasks, recs), townships=townships,
                   categories=categories,
                   groups=groups)


def tagged_loans(tags: Iterable[tuple[str, str | None, str]], in_scope,
                 loans_of_household: dict[str, list[str]]) -> dict[str, set[str]]:
    """Category code -> the ids of the loans in scope it covers (a household's tag covers all
    its loans, a loan's tag that loan)."""
    out: dict[str, set[str]] = {}
    for code, loan_id, household_id in tags:
        covered = [loan_id] if loan_id else loans_of_household.get(household_id, ())
        out.setdefault(code, set()).update(x for x in covered if x in in_scope)
    return out


def _category(code: str, name: str, tagged: dict[str, set[str]],
              by_loan: dict[str, tuple[str, int, int]]) -> CategoryFigures:
    covered = [by_loan[loan_id] for loan_id in tagged.get(code, ())]
    households, task, rec = zip(*covered) if covered else ((), (), ())
    return CategoryFigures(code=code, name=name, loans=len(covered), households=len(set(households)),
                           task_fen=sum(task), recovered_fen=sum(rec))
