"""Repayment agreements (还款协议): drafting, revising, printing, signing, cancelling
(``agreements``), what a household owes on a date (``owed``), who appears on one (``parties``),
the printed forms' data (``forms``), the list the window shows (``overview``), and what the new
agreement dialog offers (``picker``) and reads from its fields (``plan_form``).  The district's
settings: ``app.district``; the names of statuses: ``app.domain.agreement_status``.

This ``__init__`` is the package's face (docs/ARCHITECTURE.md): ``__all__`` names what other
packages, the window and the command line use; each name is imported from its module when it
is first asked for, so importing the package alone imports none of its modules."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.services.faces import lazy_face

if TYPE_CHECKING:   # what type checkers see; at run time each name is loaded when first asked for
    from app.domain.agreement_status import STATUS_NAMES
    from app.services.agreements.agreements import (
        PlanRequest,
        Preview,
        cancel,
        create,
        mark_printed,
        preview,
        render_terms,
        revise,
        sign,
    )
    from app.services.agreements.forms import (
        KINDS,
        PdfResult,
        latest_receipt_no,
        no_receipt_reason,
        record_printed,
        write_pdf,
    )
    from app.services.agreements.overview import STATE_NAMES, WAITING, AgreementListItem
    from app.services.agreements.owed import LoanOwed, Quote, default_rate_warnings, quote, quote_loans
    from app.services.agreements.parties import names_for, payer
    from app.services.agreements.picker import (
        AgreementPlan,
        HouseholdHit,
        HouseholdLoans,
        LoanChoice,
        Measured,
        household_loans,
        household_of_loans,
        measure,
        plan_of,
        search_households,
    )
    from app.services.agreements.plan_form import PlanForm
    from app.services.agreements.views import (
        ACTIVE,
        IN_FORCE,
        AgreementDue,
        AgreementLoanView,
        AgreementRow,
        AgreementView,
        InstallmentView,
        agreement_label,
        agreement_loans,
        agreements_due,
        broken_agreements,
        find_agreement,
        get,
        history,
        list_agreements,
        loan_waivers,
    )

# Each name of the face, and the module (of this package, or below it) that holds it.
_WHERE = {
    "PlanRequest": ".agreements", "Preview": ".agreements", "preview": ".agreements", "create": ".agreements",
    "revise": ".agreements", "render_terms": ".agreements", "mark_printed": ".agreements", "sign": ".agreements",
    "cancel": ".agreements",
    "ACTIVE": ".views", "IN_FORCE": ".views", "AgreementView": ".views", "AgreementLoanView": ".views",
    "InstallmentView": ".views", "AgreementRow": ".views", "AgreementDue": ".views", "get": ".views",
    "list_agreements": ".views", "history": ".views", "broken_agreements": ".views", "agreements_due": ".views",
    "find_agreement": ".views", "agreement_label": ".views", "loan_waivers": ".views", "agreement_loans": ".views",
    "STATUS_NAMES": "app.domain.agreement_status",
    "LoanOwed": ".owed", "Quote": ".owed", "quote": ".owed", "quote_loans": ".owed",
    "default_rate_warnings": ".owed",
    "names_for": ".parties", "payer": ".parties",
    "KINDS": ".forms", "PdfResult": ".forms", "write_pdf": ".forms", "record_printed": ".forms",
    "no_receipt_reason": ".forms", "latest_receipt_no": ".forms",
    "AgreementListItem": ".overview", "STATE_NAMES": ".overview", "WAITING": ".overview",
    "HouseholdHit": ".picker", "HouseholdLoans": ".picker", "LoanChoice": ".picker", "AgreementPlan": ".picker",
    "Measured": ".picker", "search_households": ".picker", "household_loans": ".picker",
    "household_of_loans": ".picker", "plan_of": ".picker", "measure": ".picker",
    "PlanForm": ".plan_form",
}
__all__ = [
    "ACTIVE", "AgreementDue", "AgreementListItem", "AgreementLoanView", "AgreementPlan", "AgreementRow",
    "AgreementView", "HouseholdHit", "HouseholdLoans", "IN_FORCE", "InstallmentView", "KINDS", "LoanChoice",
    "LoanOwed", "Measured", "PdfResult", "PlanForm", "PlanRequest", "Preview", "Quote", "STATE_NAMES",
    "STATUS_NAMES", "WAITING", "agreement_label", "agreement_loans", "agreements_due", "broken_agreements", "cancel",
    "create", "default_rate_warnings", "find_agreement", "get", "history", "household_loans", "household_of_loans",
    "latest_receipt_no", "list_agreements", "loan_waivers", "mark_printed", "measure", "names_for",
    "no_receipt_reason", "payer", "plan_of", "preview", "quote", "quote_loans", "record_printed", "render_terms",
    "revise", "search_households", "sign", "write_pdf",
]


__getattr__, __dir__ = lazy_face(__name__, _WHERE, __all__)
