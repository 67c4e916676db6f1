"""Money coming back: repayments (``repayments``) and payments under an agreement, split by the
agreement's order (``agreement_payments``).  Balances, instalments paid and standings are
projections of these facts (``app.db``), never written here.

This ``__init__`` is the package's face (docs/ARCHITECTURE.md): ``__all__`` names what other
packages, the window and the command line use; each name is imported from its module when it
is first asked for, so importing the package alone imports none of its modules."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.services.faces import lazy_face

if TYPE_CHECKING:   # what type checkers see; at run time each name is loaded when first asked for
    from app.services.recovery.agreement_payments import (
        PaymentResult,
        agreement_in_force,
        pay,
        record_agreement_payment,
        restate_agreement,
    )
    from app.services.recovery.repayments import (
        Owed,
        RepaymentResult,
        book_repayment,
        owed,
        record_repayment,
        settle_loans,
    )

# Each name of the face, and the module (of this package, or below it) that holds it.
_WHERE = {
    "Owed": ".repayments", "RepaymentResult": ".repayments", "owed": ".repayments",
    "record_repayment": ".repayments", "book_repayment": ".repayments", "settle_loans": ".repayments",
    "PaymentResult": ".agreement_payments", "agreement_in_force": ".agreement_payments",
    "record_agreement_payment": ".agreement_payments", "pay": ".agreement_payments",
    "restate_agreement": ".agreement_payments",
}
__all__ = [
    "Owed", "PaymentResult", "RepaymentResult", "agreement_in_force", "book_repayment", "owed", "pay",
    "record_agreement_payment", "record_repayment", "restate_agreement", "settle_loans",
]


__getattr__, __dir__ = lazy_face(__name__, _WHERE, __all__)
