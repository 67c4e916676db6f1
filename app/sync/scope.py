"""Which rows of which tables belong to one township: what its packages may hold.

``TOWNSHIP_ROWS[table]`` is an SQL condition on the table's own columns (unqualified, so it can
be used in ``SELECT … FROM table WHERE …`` on the main database or an attached one, given the
schema prefix) selecting the township ``:township``'s rows. Every table of the schema is either
here or in ``STAYS_HERE`` (a test makes sure), so a new table cannot be forgotten: it must be
decided whether it travels.
"""
from __future__ import annotations

from app.db.models import LOCAL_TABLES

# The township's id lists the conditions are made of, as placeholders: ``condition`` fills them in
# with these subqueries, or with the lists a merge made once for the file (``LISTS``, ``lists=``).
_HOUSEHOLDS, _LOANS, _AGREEMENTS, _PERSONS = "{households}", "{loans}", "{agreements}", "{persons}"
LISTS: dict[str, str] = {       # in dependency order: a list may read the ones before it
    "households": "SELECT id FROM {s}households WHERE township_id = :township",
    "loans": "SELECT id FROM {s}loans WHERE township_id = :township",
    "agreements": "SELECT id FROM {s}agreements WHERE household_id IN ({households})",
    "persons": "SELECT id FROM {s}persons WHERE household_id IN ({households})",
}

# In dependency order: a row's parents come before it (inserts need no deferred keys).
TOWNSHIP_ROWS: dict[str, str] = {
    "units": "id = :township OR id = (SELECT parent_id FROM {s}units WHERE id = :township)",
    "villages": "township_id = :township",
    "staff": ("unit_id = :township OR id IN (SELECT staff_id FROM {s}assignments WHERE household_id IN ("
              + _HOUSEHOLDS + "))"),
    "households": "township_id = :township",
    "persons": f"household_id IN ({_HOUSEHOLDS})",
    "loans": "township_id = :township",
    "category_tags": f"household_id IN ({_HOUSEHOLDS})",
    "assignments": f"household_id IN ({_HOUSEHOLDS})",
    "ledger_imports": f"id IN (SELECT import_id FROM {{s}}ledger_balances WHERE loan_id IN ({_LOANS}))",
    "ledger_balances": f"loan_id IN ({_LOANS})",
    "stage_events": f"loan_id IN ({_LOANS})",
    "agreements": f"household_id IN ({_HOUSEHOLDS})",
    "agreement_loans": f"agreement_id IN ({_AGREEMENTS})",
    "installments": f"agreement_id IN ({_AGREEMENTS})",
    # the bank's rows are derived on each computer from the ledger readings (app.db.bank_recovery)
    "repayments": f"source <> 'bank' AND loan_id IN ({_LOANS})",
    "visits": f"household_id IN ({_HOUSEHOLDS})",
}

# The field conflicts about the township's rows: after the rows they are about (a merge reads the
# package's audit log as well as its own to tell whether a later change was made on top of a lost
# value), before the audit log (whose entries about them are in scope by them). A rule
# breach (``field = "rule:…"``) does not travel: every database finds the breaches in the facts it
# holds after every merge (``app.sync.rules``) and takes one found gone off its list; the district,
# which gets every laptop's facts, finds them all, and a laptop's stale breach that came back by
# union would outlive its fix there.
_CONFLICT_ENTITIES = ("units", "villages", "staff", "households", "persons", "loans", "category_tags",
                      "assignments", "agreements", "agreement_loans", "installments")
# (a table with an id list of its own reads the list: the merge makes those once a file)
_OF_TOWNSHIP = " OR ".join(f"(entity = '{t}' AND entity_id IN ({{{t}}}))" if t in LISTS else
                           f"(entity = '{t}' AND entity_id IN (SELECT id FROM {{s}}{t} WHERE {TOWNSHIP_ROWS[t]}))"
                           for t in _CONFLICT_ENTITIES)
_CONFLICTS = f"field NOT LIKE 'rule:%' AND ({_OF_TOWNSHIP})"
# What the township's laptops did, and what was done elsewhere to any of its rows whose fields
# can conflict (a merge reads the old values in it to tell a replaced value from a concurrent
# one: without the district's entries about an agreement it cancelled, a laptop took that for a
# conflict with its own signing).
_AUDIT = f"unit_id = :township OR {_OF_TOWNSHIP}"
TOWNSHIP_ROWS["conflicts"] = _CONFLICTS
# (and what became of those conflicts where they were merged: withdrawn, their kept side moved on)
TOWNSHIP_ROWS["audit_log"] = (_AUDIT + " OR (entity = 'conflicts' AND entity_id IN (SELECT id FROM {s}conflicts "
                              f"WHERE {_CONFLICTS}))")

# Tables that never travel: this database's own facts and what it derives or receives.
STAYS_HERE = frozenset(LOCAL_TABLES | {
    "alembic_version",
    "sync_packages",        # what this database wrote and merged
    "device_sequences",     # what it has seen of each device
    "import_followups",     # what this database's own ledger imports left to check
    "bulletins",            # the district's issued bulletins
    "loan_figures",         # the projection of [6], recomputed everywhere
})


def condition(table: str, schema: str = "", lists: dict[str, str] | None = None) -> str:
    """The condition for ``table``'s township rows, its subqueries reading ``schema`` ("" for
    main, or e.g. ``"pkg."`` for an attached package).  ``lists``: for each name of ``LISTS``, a
    query of the same ids made once already (a merge's, for one file: ``SELECT id FROM
    temp.…``), read instead of building the list again in every statement."""
    return TOWNSHIP_ROWS[table].format(s=schema, **(lists or subqueries(schema)))


def lists_in(table: str) -> frozenset[str]:
    """The names of ``LISTS`` that ``table``'s condition reads, with the lists those read."""
    named = {n for n in LISTS if "{" + n + "}" in TOWNSHIP_ROWS[table]}
    for n in reversed(list(LISTS)):
        if n in named:
            named |= {m for m in LISTS if "{" + m + "}" in LISTS[n]}
    return frozenset(named)


def subqueries(schema: str = "") -> dict[str, str]:
    """``LISTS`` as subqueries of ``schema``, each with the lists it reads filled in."""
    out: dict[str, str] = {}
    for name, sql in LISTS.items():
        out[name] = sql.format(s=schema, **out)
    return out
