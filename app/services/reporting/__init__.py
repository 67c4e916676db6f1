"""Figures and reports: progress as of a date (``summary``), the ten-day bulletin
(``bulletin``, ``bulletin_figures``, ``bulletin_watch``), a township's own report
(``township_report``), the monthly assessment (``assessment``), the reconciliation with the
bank's ledgers (``reconcile``) and the 工作台's figures (``dashboard``).

This ``__init__`` is the package's face (docs/ARCHITECTURE.md): ``__all__`` names what other
packages, the window and the command line use; each name is imported from its module when it
is first asked for, so importing the package alone imports none of its modules."""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

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


def __getattr__(name: str):
    """A name of the face, from its module (imported now, if it was not yet).  Not kept here, so
    that the face always gives what the module holds (a test may replace it there)."""
    try:
        module = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return getattr(import_module(module, __name__), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
