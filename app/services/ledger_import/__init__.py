"""Reading a bank's ledger into the database: the preview before it (``previews``), the import
and its error report (``importer``), writing the parsed rows in the caller's unit of work
(``writer``, reading first what the database holds: ``state``; the rows of new loans:
``new_loans``; what a later ledger does to loans already here: ``updates``), and what an import
left for a person to check (``followup``, 台账核实).

This ``__init__`` is the package's face (docs/ARCHITECTURE.md): ``__all__`` names what other
packages, the window and the command line use; each name is imported from its module when it
is first asked for, so importing the package alone imports none of its modules."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.services.faces import lazy_face

if TYPE_CHECKING:   # what type checkers see; at run time each name is loaded when first asked for
    from app.domain.progress import Cancelled
    from app.ledger.mappings import MappingStore
    from app.ledger.parse import TOWNSHIP_SOURCES, UNIT_SOURCES
    from app.ledger.reader import EXCEL_SUFFIXES
    from app.ledger.rows import REJECT_REASONS, WARNING_CODES
    from app.services.ledger_import.followup import FollowupItem, kind_name, open_kinds
    from app.services.ledger_import.importer import ImportResult, import_ledger, write_error_report
    from app.services.ledger_import.previews import (
        FIELD_CHOICES,
        HOW_LABELS,
        LedgerPreview,
        column_samples,
        known_townships,
        needs_township,
        override_key,
        preview,
    )
    from app.services.ledger_import.updates import MissingLoan

# Each name of the face, and the module (of this package, or below it) that holds it.
_WHERE = {
    "ImportResult": ".importer", "import_ledger": ".importer", "write_error_report": ".importer",
    "LedgerPreview": ".previews", "preview": ".previews", "FIELD_CHOICES": ".previews", "HOW_LABELS": ".previews",
    "known_townships": ".previews", "needs_township": ".previews", "override_key": ".previews",
    "column_samples": ".previews",
    "MissingLoan": ".updates",
    "FollowupItem": ".followup", "kind_name": ".followup", "open_kinds": ".followup",
    "MappingStore": "app.ledger.mappings",
    "TOWNSHIP_SOURCES": "app.ledger.parse", "UNIT_SOURCES": "app.ledger.parse",
    "EXCEL_SUFFIXES": "app.ledger.reader",
    "REJECT_REASONS": "app.ledger.rows", "WARNING_CODES": "app.ledger.rows",
    "Cancelled": "app.domain.progress",
}
__all__ = [
    "Cancelled", "EXCEL_SUFFIXES", "FIELD_CHOICES", "FollowupItem", "HOW_LABELS", "ImportResult", "LedgerPreview",
    "MappingStore", "MissingLoan", "REJECT_REASONS", "TOWNSHIP_SOURCES", "UNIT_SOURCES", "WARNING_CODES",
    "column_samples", "import_ledger", "kind_name", "known_townships", "needs_township", "open_kinds",
    "override_key", "preview", "write_error_report",
]


__getattr__, __dir__ = lazy_face(__name__, _WHERE, __all__)
