"""The household tests use the daily-work fixtures (a fresh loan, fingerprints, audit counts)."""
from tests.integration.work.conftest import audits, fingerprint, one  # noqa: F401
