"""The bank-ledger import wizard: choose the file, check the preview (fix the column mapping,
name the township), import in the background, read the result.  ``open_ledger_wizard``
is the entry point."""
from __future__ import annotations


def open_ledger_wizard(parent, db):
    """Run the wizard modally; the ``ImportResult`` if a ledger was imported, else None."""
    from app.ui.ledger.wizard import open_ledger_wizard as _open

    return _open(parent, db)
