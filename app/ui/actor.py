"""Who works at the window: the operator of the open database (``app.services.foundation.operators``),
named once on this laptop (asked when a database without one is opened, changed in 设置).
Every change the window makes is attributed to this name in the audit log, and it is printed
as 经办人 on receipts and agreements."""
from __future__ import annotations

from app.db.session import Database
from app.services.foundation import operators

_name: str | None = None


def actor() -> str:
    """The operator's name, or "未署名" before one is set (never the computer's login name)."""
    return _name or operators.UNNAMED


def operator_name() -> str | None:
    return _name


def set_operator(name: str | None) -> None:
    global _name
    _name = name


def load(db: Database | None) -> operators.Operator | None:
    """Take up the operator stored in ``db`` (None: nobody was named on this database yet)."""
    op = operators.current(db) if db is not None else None
    set_operator(op.name if op else None)
    return op
