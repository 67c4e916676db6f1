"""Why a package is refused: one error type with a reason code and a Chinese sentence.

The command line prints the sentence with the file's name (``where``) and exits 1; ``merge``
goes on with the other files.  ``code`` is what ``--json`` reports.
"""
from __future__ import annotations

from app.domain.errors import UserError


class PackageError(UserError):
    """A file that cannot be taken as a package; nothing of it was written anywhere."""

    code = "package"


# The reason codes (``PackageError.code``) and what each means.
NOT_PACKAGE = "not_package"        # not a qingshou package at all
TRUNCATED = "truncated"            # shorter (or longer) than its own header says
DAMAGED = "damaged"                # bytes changed: structure, checksum or payload unreadable
BAD_SIGNATURE = "bad_signature"    # signed by a key other than the one this database trusts
UNKNOWN_SIGNER = "unknown_signer"  # a device or district this database does not know
NEWER_FORMAT = "newer_format"      # written by a newer program version
WRONG_KEY = "wrong_key"            # not encrypted for this database (or a wrong passphrase)
FOREIGN = "foreign"                # from another district, or for another township
TOO_LARGE = "too_large"            # larger than any real package may be
