"""How each travelling table merges: facts, or editable rows field group by field group.

* **Facts** (``FactMixin`` tables, and the audit log and the ledger history, which are never
  edited): all are kept, each once — a new id is inserted, a known one is never changed, except
  that a void travels (``deleted`` + ``void_reason``) and is never undone.
* **Editable rows**: a new id is inserted; a known one merges field group by field group
  (``app.sync.fields_merge``). The groups and their owners are those of ``app.db.fields`` (the
  one registry the unit of work stamps by): ``district`` (the bank's figures and the task list),
  ``township`` (the work), ``derived`` (caches recomputed from the facts after every merge,
  never taken from a package).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from app.db import fields as registry
from app.db import models  # noqa: F401  (registers every table)
from app.db.base import Base, FactMixin

# Never edited once written, though they carry no FactMixin.
APPEND_ONLY = frozenset({"audit_log", "ledger_imports", "ledger_balances"})
# Tables whose derived fields every merge recomputes from the facts (``merge_after.refresh_derived``:
# a loan's balance and stage, what each instalment has been paid): the sender's value is not taken,
# and not reported as refused either. (An agreement's status is its life cycle — draft, printed,
# signed, cancelled, superseded — a township's field like any other; how a signed one stands is
# measured from the repayments wherever it is read, never stored.)
RECOMPUTED = frozenset({"loans", "installments"})


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
    """The field groups of an editable table, in column order (``deleted`` among them)."""
    out: dict[str, list] = {}
    for f in registry.fields(table).values():
        if f.owner == registry.SYSTEM:
            continue
        out.setdefault(f.group, [f.owner, []])[1].append(f.name)
    return tuple(Group(name, tuple(cols), owner) for name, (owner, cols) in out.items())
