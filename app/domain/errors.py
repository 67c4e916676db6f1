"""The error hierarchy.

``UserError`` and its subclasses are things a user can act on: they carry a plain Chinese
message that says what and where.  The command line prints them on one line and exits 1;
the window shows them in a dialog.  Anything else is a bug: logged with its traceback,
shown as a crash dialog.
"""
from __future__ import annotations


class QingshouError(Exception):
    """Base of every error the program raises on purpose."""


class UserError(QingshouError):
    """Something the user can fix; ``str(err)`` is a complete Chinese sentence."""

    code = "refused"

    def __init__(self, message: str, *, code: str | None = None, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        if code:
            self.code = code

    def __str__(self) -> str:
        return f"{self.where}：{self.message}" if self.where else self.message


class InputError(UserError):
    """A value typed or read from a file is not acceptable."""

    code = "bad_input"


class NotFound(UserError):
    code = "not_found"


class DatabaseError(UserError):
    """The database file cannot be used (locked, read-only, disk full, newer than the program)."""

    code = "database"


class IntegrityError(UserError):
    """An operation would break a rule of the data (e.g. a signed agreement edited in place)."""

    code = "integrity"
