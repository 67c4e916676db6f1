"""Making a database look as an earlier program left it: what each later migration added,
taken off again by hand (tests of older migrations)."""
from __future__ import annotations

from importlib import import_module


def before_0008(skip: tuple[str, ...] = ()) -> str:
    """SQL taking off migration 0008 (seq, field_hlc, the audit log's hlc index); ``skip``:
    tables already dropped whole."""
    tables = import_module("db.migrations.versions.0008_field_clocks").TABLES
    return "DROP INDEX ix_audit_log_hlc; " + "".join(
        f"DROP INDEX ix_{t}_seq; ALTER TABLE {t} DROP COLUMN seq; ALTER TABLE {t} DROP COLUMN field_hlc; "
        for t in tables if t not in skip)


def after_0008() -> str:
    """SQL taking off what the migrations after 0008 made: 0009's village index, 0011's
    bulletins, 0012's sync trust tables and device_sequences.confirmed_change, 0013's reading dates,
    0015's merge indexes, 0016's conflict state, 0017's audit log sequence."""
    return ("DROP INDEX IF EXISTS uq_villages_township_name; DROP TABLE IF EXISTS bulletins; "
            "DROP TABLE IF EXISTS sync_peers; DROP TABLE IF EXISTS sync_enrolments; "
            "ALTER TABLE device_sequences DROP COLUMN confirmed_change; "
            "ALTER TABLE ledger_balances DROP COLUMN as_of; "
            "DROP INDEX IF EXISTS ix_household_search_keys_seq; DROP INDEX IF EXISTS ix_repayments_agreement_id; "
            + before_0016())


def before_0017() -> str:
    """SQL taking off 0017's audit log sequence and device_sequences.last_upto."""
    return ("DROP INDEX ix_audit_log_seq; ALTER TABLE audit_log DROP COLUMN seq; "
            "ALTER TABLE device_sequences DROP COLUMN last_upto; ")


def before_0016() -> str:
    """SQL taking off 0016's conflict state (the list's columns for travelling), and 0017 after it."""
    return before_0017() + "".join(f"ALTER TABLE conflicts DROP COLUMN {c}; "
                   for c in ("found_on", "state_hlc", "resolution", "resolved_by", "resolved_at"))
