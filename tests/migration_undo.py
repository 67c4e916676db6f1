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
