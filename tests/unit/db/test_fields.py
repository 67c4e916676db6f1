"""Every column of every travelling table is declared: owner (district / township / derived /
system) and the group whose clock it moves."""
from __future__ import annotations

import app.db.models  # noqa: F401
from app.db.base import Base, SyncMixin
from app.db.fields import OWNERS, fields, groups_changed, travelling_tables


def _travelling():
    return sorted(m.class_.__tablename__ for m in Base.registry.mappers if issubclass(m.class_, SyncMixin))


def test_every_column_of_every_travelling_table_is_classified():
    assert travelling_tables() == _travelling()
    for table in _travelling():
        declared = fields(table)
        assert set(declared) == {c.name for c in Base.metadata.tables[table].columns}, table
        assert {f.owner for f in declared.values()} <= set(OWNERS)


def test_the_bank_s_figures_belong_to_the_district_and_caches_are_derived():
    loans = fields("loans")
    for name in ("task_amount_fen", "task_date", "principal_fen", "issue_date", "due_date", "rate_ppm",
                 "five_class", "guarantee", "bank_branch", "loan_officer", "interest_fen", "ledger_date",
                 "missing_from_ledger"):
        assert loans[name].owner == "district", name
    assert {loans[n].owner for n in ("balance_fen", "stage", "stage_date")} == {"derived"}
    assert fields("installments")["paid_fen"].owner == "derived"
    assert fields("agreements")["status"].owner == "township"          # its life cycle; its standing is measured
    assert groups_changed("agreements", ["status"]) == groups_changed("agreements", ["signed_on"]) == {"lifecycle"}
    assert fields("households")["capacity"].owner == "township"


def test_fields_that_must_move_together_share_one_clock():
    assert groups_changed("households", ["capacity_reason"]) == {"capacity"}
    assert groups_changed("persons", ["release_date", "phone"]) == {"imprisoned", "phone"}
    assert groups_changed("loans", ["balance_fen", "hlc"]) == set()      # a cache and a stamp: no clock
    assert groups_changed("visits", ["deleted", "void_reason"]) == {"deleted"}
