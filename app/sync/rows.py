"""How each travelling table merges: facts, editable rows and their field groups, and who owns what.

* **Facts** (``FactMixin`` tables, and the audit log and ledger history, which are never
  edited): all are kept, each once — a new id is inserted, a known one is never changed, except
  that a void travels (``deleted`` + ``void_reason``) and is never undone.
* **Editable rows**: a new id is inserted; a known one merges field group by field group (see
  ``app.sync.merge``). A group is a set of columns that must move together; the owner says who
  may change it: ``district`` (the bank's figures and the task list), ``township`` (the work), or
  ``derived`` (a cache recomputed from the facts after every merge, never taken from a package).

Column ``info`` (``mapped_column(..., info={"owner": ..., "group": ...})``) overrides the defaults
below; ``app/db/fields.py`` is where [6] keeps them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from app.db import models  # noqa: F401  (registers every table)
from app.db.base import Base, FactMixin

# Columns a row carries for sync itself: never merged as fields.
SYNC_COLUMNS = frozenset({"id", "origin_unit", "origin_device", "created_at", "updated_at", "updated_by", "hlc",
                          "deleted", "void_reason", "seq", "field_hlc"})

# The bank's and the district's: a township package may not change them.
DISTRICT_FIELDS: dict[str, frozenset[str]] = {
    "loans": frozenset({"loan_no", "household_id", "borrower_id", "township_id", "issue_date", "due_date",
                        "principal_fen", "task_amount_fen", "task_date", "interest_fen", "ledger_date", "rate_ppm",
                        "five_class", "guarantee", "bank_branch", "loan_officer", "missing_from_ledger"}),
    "households": frozenset({"township_id"}),
    "units": frozenset({"name", "kind", "parent_id", "code"}),
    "villages": frozenset({"township_id", "name"}),
}
# Caches of the facts, recomputed after a merge.
DERIVED_FIELDS: dict[str, frozenset[str]] = {
    "loans": frozenset({"balance_fen", "stage", "stage_date"}),
    "installments": frozenset({"paid_fen"}),
    "agreements": frozenset({"status"}),
}
# Columns that must move together.
GROUPS: dict[str, tuple[frozenset[str], ...]] = {
    "households": (frozenset({"capacity", "capacity_reason"}), frozenset({"needs_review", "review_note"})),
    "persons": (frozenset({"is_imprisoned", "release_date"}),),
}
# Never edited once written, though they carry no FactMixin.
APPEND_ONLY = frozenset({"audit_log", "ledger_imports", "ledger_balances"})


@dataclass(frozen=True)
class Group:
    name: str
    columns: tuple[str, ...]
    owner: str          # district | township | derived


@lru_cache(maxsize=None)
def is_fact(table: str) -> bool:
    if table in APPEND_ONLY:
        return True
    for mapper in Base.registry.mappers:
        if mapper.local_table is not None and mapper.local_table.name == table:
            return issubclass(mapper.class_, FactMixin)
    return False


@lru_cache(maxsize=None)
def groups(table: str) -> tuple[Group, ...]:
    """The field groups of an editable table, in column order."""
    columns = Base.metadata.tables[table].columns
    together = {c: g for g in GROUPS.get(table, ()) for c in g}
    out: dict[str, Group] = {}
    for column in columns:
        name = column.name
        if name in SYNC_COLUMNS:
            continue
        members = together.get(name, frozenset({name}))
        key = column.info.get("group") or "+".join(sorted(members))
        if key in out:
            continue
        out[key] = Group(key, tuple(c.name for c in columns if c.name in members or c.info.get("group") == key),
                         column.info.get("owner") or _owner(table, name))
    return tuple(out.values())


def _owner(table: str, column: str) -> str:
    if column in DERIVED_FIELDS.get(table, ()):
        return "derived"
    if column in DISTRICT_FIELDS.get(table, ()):
        return "district"
    return "township"
