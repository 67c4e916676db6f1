"""The daily work: visits (``visits``, ``visit_list``), stage moves (``stages``), suggested next
steps (``suggestions``), the worklist (``worklist``), what the forms offer (``choices``), and the
correction of a recorded fact by void and record anew (``corrections``).

This ``__init__`` is the package's face (docs/ARCHITECTURE.md): ``__all__`` names what other
packages, the window and the command line use; each name is imported from its module when it
is first asked for, so importing the package alone imports none of its modules."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.services.faces import lazy_face

if TYPE_CHECKING:   # what type checkers see; at run time each name is loaded when first asked for
    from app.services.work.choices import Choice
    from app.services.work.corrections import (
        REASON_MAX,
        VISIT_FIELDS,
        Correction,
        latest_fact,
        void_repayment,
        void_visit,
    )
    from app.services.work.stages import StageResult, allowed_moves, move_stage
    from app.services.work.suggestions import for_detail, for_household
    from app.services.work.visit_list import VisitList, VisitRow
    from app.services.work.visits import VisitResult, book_visit, record_visit
    from app.services.work.worklist import Worklist, work_list

# Each name of the face, and the module (of this package, or below it) that holds it.
_WHERE = {
    "VisitResult": ".visits", "record_visit": ".visits", "book_visit": ".visits",
    "VisitList": ".visit_list", "VisitRow": ".visit_list",
    "StageResult": ".stages", "allowed_moves": ".stages", "move_stage": ".stages",
    "for_detail": ".suggestions", "for_household": ".suggestions",
    "Worklist": ".worklist", "work_list": ".worklist",
    "Choice": ".choices",
    "Correction": ".corrections", "REASON_MAX": ".corrections", "VISIT_FIELDS": ".corrections",
    "latest_fact": ".corrections", "void_repayment": ".corrections", "void_visit": ".corrections",
}
__all__ = [
    "Choice", "Correction", "REASON_MAX", "StageResult", "VISIT_FIELDS", "VisitList", "VisitResult", "VisitRow",
    "Worklist", "allowed_moves", "book_visit", "for_detail", "for_household", "latest_fact", "move_stage",
    "record_visit", "void_repayment", "void_visit", "work_list",
]


__getattr__, __dir__ = lazy_face(__name__, _WHERE, __all__)
