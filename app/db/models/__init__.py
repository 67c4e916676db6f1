"""All tables.  Importing this package registers every model on ``Base.metadata``."""
from app.db.models.agreements import Agreement, AgreementLoan, Installment
from app.db.models.audit import AuditEntry, Conflict, SyncPackage
from app.db.models.bulletins import Bulletin
from app.db.models.followups import ImportFollowup
from app.db.models.households import Assignment, CategoryTag, Household, Person
from app.db.models.loans import LedgerBalance, LedgerImport, Loan, Repayment, StageEvent
from app.db.models.sync_state import DeviceSequence, SyncEnrolment, SyncPeer
from app.db.models.units import Meta, Staff, Unit, User, Village
from app.db.models.visits import Visit

__all__ = [
    "Meta", "Unit", "Village", "Staff", "User",
    "Household", "Person", "CategoryTag", "Assignment",
    "Loan", "StageEvent", "Repayment", "LedgerImport", "LedgerBalance",
    "Visit",
    "Agreement", "AgreementLoan", "Installment",
    "AuditEntry", "SyncPackage", "Conflict", "DeviceSequence", "SyncPeer", "SyncEnrolment",
    "ImportFollowup",
    "Bulletin",
]
from app.db.models.search import HouseholdIndex, HouseholdSearchKey, HouseholdStaff  # noqa: E402,F401  (derived, local)

# Tables that stay on this laptop's database and are never written into sync packages: the
# database's own facts, its local users (the operator, later sign-in and password hashes) and
# the derived household index, the district's issued bulletins, and who this database trusts.
LOCAL_TABLES = frozenset({"meta", "users", "bulletins", "household_index", "household_staff", "household_search_keys",
                          "sync_peers", "sync_enrolments"})
