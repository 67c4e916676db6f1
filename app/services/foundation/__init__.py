"""Foundation: making a database (``setup``), its backups (``backup``), who works at this
laptop (``operators``), the demo district (``demo``), and the small pieces every use case shares
(``work_common``: finding a loan, checking a date, the bank-recovery derivation after a change).

This ``__init__`` is the package's face (docs/ARCHITECTURE.md): ``__all__`` names what other
packages, the window and the command line use; each name is imported from its module when it
is first asked for, so importing the package alone imports none of its modules."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.services.faces import lazy_face

if TYPE_CHECKING:   # what type checkers see; at run time each name is loaded when first asked for
    from app.services.foundation.backup import (
        BackupResult,
        after_restore_note,
        auto_backup,
        auto_backups,
        new_device_epoch,
        restore,
    )
    from app.services.foundation.demo import DemoOptions, DemoResult, make_demo
    from app.services.foundation.operators import Operator, clean_name, command_line_actor, printed_name
    from app.services.foundation.setup import InitResult, initialise, new_device
    from app.services.foundation.work_common import (
        check_day,
        current_day,
        find_loan,
        method_code,
        outcome_code,
        rederive_bank,
    )

# Each name of the face, and the module (of this package, or below it) that holds it.
_WHERE = {
    "InitResult": ".setup", "initialise": ".setup", "new_device": ".setup",
    "BackupResult": ".backup", "restore": ".backup", "auto_backup": ".backup", "auto_backups": ".backup",
    "new_device_epoch": ".backup", "after_restore_note": ".backup",
    "Operator": ".operators", "clean_name": ".operators", "command_line_actor": ".operators",
    "printed_name": ".operators",
    "DemoOptions": ".demo", "DemoResult": ".demo", "make_demo": ".demo",
    "check_day": ".work_common", "current_day": ".work_common", "find_loan": ".work_common",
    "method_code": ".work_common", "outcome_code": ".work_common", "rederive_bank": ".work_common",
}
__all__ = [
    "BackupResult", "DemoOptions", "DemoResult", "InitResult", "Operator", "after_restore_note", "auto_backup",
    "auto_backups",
    "check_day", "clean_name", "command_line_actor", "current_day", "find_loan", "initialise", "make_demo",
    "method_code", "new_device", "new_device_epoch", "outcome_code", "printed_name", "rederive_bank", "restore",
]


__getattr__, __dir__ = lazy_face(__name__, _WHERE, __all__)
