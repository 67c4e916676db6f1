"""Households (借款户): the list with its filters and sorting (``listing``) and its rows'
display fields (``list_rows``), the search behind it (``search``), one household's page
(``detail``), its edits (``changes``) and timeline (``timeline``), edits from the command line
(``edit``), and the list exported to Excel (``export``).

This ``__init__`` is the package's face (docs/ARCHITECTURE.md): ``__all__`` names what other
packages, the window and the command line use; each name is imported from its module when it
is first asked for, so importing the package alone imports none of its modules."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.services.faces import lazy_face

if TYPE_CHECKING:   # what type checkers see; at run time each name is loaded when first asked for
    from app.services.households.changes import AssignmentSpec, HouseholdChanges, NewPerson, PersonChange, update
    from app.services.households.detail import (
        AgreementInfo,
        HouseholdDetail,
        LoanInfo,
        PersonInfo,
        RepaymentInfo,
        VisitInfo,
    )
    from app.services.households.edit import EditResult, HouseholdEdit, edit_household
    from app.services.households.export import ExportResult, export_xlsx
    from app.services.households.list_rows import HouseholdRow, rows
    from app.services.households.listing import (
        SORT_KEYS,
        HouseholdFilter,
        IdPage,
        count,
        filter_from_labels,
        ids,
        page,
        prepare,
    )
    from app.services.households.search import Match
    from app.services.households.timeline import TimelineEntry

# Each name of the face, and the module (of this package, or below it) that holds it.
_WHERE = {
    "HouseholdFilter": ".listing", "IdPage": ".listing", "SORT_KEYS": ".listing", "count": ".listing",
    "ids": ".listing", "page": ".listing", "prepare": ".listing", "filter_from_labels": ".listing",
    "HouseholdRow": ".list_rows", "rows": ".list_rows",
    "Match": ".search",
    "HouseholdDetail": ".detail", "PersonInfo": ".detail", "LoanInfo": ".detail", "VisitInfo": ".detail",
    "RepaymentInfo": ".detail", "AgreementInfo": ".detail",
    "TimelineEntry": ".timeline",
    "HouseholdChanges": ".changes", "PersonChange": ".changes", "NewPerson": ".changes",
    "AssignmentSpec": ".changes", "update": ".changes",
    "HouseholdEdit": ".edit", "EditResult": ".edit", "edit_household": ".edit",
    "ExportResult": ".export", "export_xlsx": ".export",
}
__all__ = [
    "AgreementInfo", "AssignmentSpec", "EditResult", "ExportResult", "HouseholdChanges", "HouseholdDetail",
    "HouseholdEdit", "HouseholdFilter", "HouseholdRow", "IdPage", "LoanInfo", "Match", "NewPerson", "PersonChange",
    "PersonInfo", "RepaymentInfo", "SORT_KEYS", "TimelineEntry", "VisitInfo", "count", "edit_household",
    "export_xlsx", "filter_from_labels", "ids", "page", "prepare", "rows", "update",
]


__getattr__, __dir__ = lazy_face(__name__, _WHERE, __all__)
