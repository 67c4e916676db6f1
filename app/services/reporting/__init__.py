"""Figures and reports: progress as of a date (``summary``), the ten-day bulletin
(``bulletin``, ``bulletin_figures``, ``bulletin_watch``), a township's own report
(``township_report``), the monthly assessment (``assessment``), the reconciliation with the
bank's ledgers (``reconcile``) and the 工作台's figures (``dashboard``).

This ``__init__`` is the package's face (docs/ARCHITECTURE.md): ``__all__`` names what other
packages, the window and the command line use; each name is imported from its module when it
is first asked for, so importing the package alone imports none of its modules."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.services.faces import lazy_face

if TYPE_CHECKING:   # what type checkers see; at run time each name is loaded when first asked for
    from app.services.reporting.bulletin_figures import Bulletin, Freshness, LargeLoan, Point, from_summary
    from app.services.reporting.dashboard import Dashboard, figures
    from app.services.reporting.summary import (
        CategoryFigures,
        Figures,
        LoanLine,
        RecoveryMixin,
        Summary,
        TownshipFigures,
        amounts_on,
        compute,
        rate,
        rate_number,
    )
    from app.services.reporting.township_report import by_village, find_township, of_township, responsibility

# Each name of the face, and the module (of this package, or below it) that holds it.
_WHERE = {
    "Summary": ".summary", "Figures": ".summary", "TownshipFigures": ".summary", "CategoryFigures": ".summary",
    "LoanLine": ".summary", "RecoveryMixin": ".summary", "compute": ".summary", "amounts_on": ".summary",
    "rate": ".summary", "rate_number": ".summary",
    "Bulletin": ".bulletin_figures", "Point": ".bulletin_figures", "Freshness": ".bulletin_figures",
    "LargeLoan": ".bulletin_figures", "from_summary": ".bulletin_figures",
    "find_township": ".township_report", "of_township": ".township_report", "by_village": ".township_report",
    "responsibility": ".township_report",
    "Dashboard": ".dashboard", "figures": ".dashboard",
}
__all__ = [
    "Bulletin", "CategoryFigures", "Dashboard", "Figures", "Freshness", "LargeLoan", "LoanLine", "Point",
    "RecoveryMixin", "Summary", "TownshipFigures", "amounts_on", "by_village", "compute", "figures", "find_township",
    "from_summary", "of_township", "rate", "rate_number", "responsibility",
]


__getattr__, __dir__ = lazy_face(__name__, _WHERE, __all__)
