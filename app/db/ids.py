"""Deterministic identities: the id of a row that has a natural key is made from that key.

Every database of one district shares an **id namespace** (meta ``id_namespace``, a UUID):
the district's database fixes it when it is made, a township laptop gets it from what it is
told (``init --role township --district NAME`` today; the task package of [7] carries it, set
with :func:`set_namespace`).  Inside it, a row's id is ``uuid5(namespace, kind + key)``, so the
same township, village, household, person, loan, staff member, category tag or assignment
made on two laptops — or imported from one bank ledger in two places — is the same row:

* township unit — its name as the district names it; the district's own unit — fixed
* village — (township id, name)
* household — (township id, head's ID number); without a usable ID number, as the ledger
  import groups such heads: (township id, village name, head's name)
* person — (household id, ID number); without a usable one, (household id, name).  Not the
  ID number alone: one person can be in two households (a borrower here, a guarantor there)
* loan — its loan number (借据号)
* staff — (unit id or none, name, title)
* category tag — (household id, code, loan id or none)
* assignment — (household id, loan id or none, staff id, duty)

Keys are normalised before hashing (:func:`norm_text`, :func:`norm_id_number`,
:func:`norm_loan_no`): full-width letters and digits made plain, spaces and invisible
characters dropped, letters in one case (X in ID numbers upper-case), so equivalent
spellings give one id.  Two rows that still share a key (namesake cadres of one township, a
deleted row whose key comes back) are told apart by :func:`unused`: the n-th row of a key
takes ``uuid5(namespace, "again" + first id + n)`` — the same on every laptop that made the
rows in the same order.

Rows that are events of one database (visits, repayments, stage moves, agreements, audit
entries) keep random ids: two of them are never "the same row".  A bank ledger is not: its import
takes its id from the file's content, and the move to 结清 a ledger shows from loan and date.
"""
from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date
from hashlib import sha1
from typing import Callable, Container

from sqlalchemy.orm import Session

# Fixed for ever: the namespace of district namespaces.
ROOT = uuid.UUID("5d0c7f3e-8f0b-5c39-9a43-6a2b1f0e7c11")
META_KEY = "id_namespace"
_SEP = "\x1f"   # between a key's parts: ("a", "bc") and ("ab", "c") differ

_ZERO_WIDTH = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff\u00ad")
_DOTS = re.compile(r"[.•‧・∙⋅·]")
_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


# ------------------------------------------------------------------------- normalising keys
def norm_text(value: object) -> str:
    """A name as a key: NFKC (full-width → plain), no spaces or invisible characters, the
    middle dot of minority names one character, case folded."""
    s = "" if value is None else str(value)
    if s.isalpha() and (s.isascii() or unicodedata.is_normalized("NFKC", s)):
        return s.casefold()   # the usual name: nothing to clean (fast path for the import)
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s.translate(_ZERO_WIDTH))
        s = _DOTS.sub("·", s)
    return "".join(s.split()).casefold()


def norm_id_number(value: object) -> str:
    """An ID number as a key: plain digits, no spaces, upper-case X (``×`` too), a leading
    apostrophe (Excel's text mark) dropped; a 15-digit number upgraded to its 18 digits."""
    s = "" if value is None else str(value)
    if len(s) == 18 and s.isascii() and s.isalnum():
        return s.upper()   # the usual, clean number (fast path for the import)
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s.translate(_ZERO_WIDTH)).replace("×", "X")
    s = "".join(s.split()).upper().removeprefix("'")
    if len(s) == 15 and s.isdigit():
        from app.domain.idcard import upgrade_15

        s = upgrade_15(s)
    return s


def norm_loan_no(value: object) -> str:
    """A loan number as a key: plain, no spaces, upper case, without Excel's apostrophe."""
    s = "" if value is None else str(value)
    if s.isascii() and s.isalnum():
        return s.upper()   # the usual number (fast path for the import)
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s.translate(_ZERO_WIDTH))
    return "".join(s.split()).upper().removeprefix("'")


# ------------------------------------------------------------------------- the namespace
def uuid5(namespace: str | uuid.UUID, name: str) -> str:
    """``str(uuid.uuid5(namespace, name))``, three times as fast (the import makes ~4 per row)."""
    ns = namespace.bytes if isinstance(namespace, uuid.UUID) else uuid.UUID(namespace).bytes
    h = sha1(ns + name.encode("utf-8")).hexdigest()
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


def district_namespace(district_name: str) -> str:
    """The id namespace of the district of this name (how a district database fixes its own)."""
    return uuid5(ROOT, "district" + _SEP + norm_text(district_name))


def read_namespace(session: Session) -> str | None:
    from app.db.models import Meta

    row = session.get(Meta, META_KEY)
    return row.value if row is not None else None


def set_namespace(session: Session, value: str) -> None:
    """Write this database's id namespace (at ``init``; [7]'s ``init --from-task`` with the one
    its package carries).  Only before rows with derived ids exist: refused once it is set to
    another value."""
    from app.db.models import Meta
    from app.domain.errors import DatabaseError

    value = str(uuid.UUID(str(value)))
    row = session.get(Meta, META_KEY)
    if row is None:
        session.add(Meta(key=META_KEY, value=value))
    elif row.value != value:
        raise DatabaseError(f"数据库的编号空间已经确定（{row.value}），不能改为 {value}")


class Ids:
    """The id of each kind of row with a natural key, in one namespace."""

    def __init__(self, namespace: str | uuid.UUID):
        self.namespace = uuid.UUID(str(namespace))
        self._ns = self.namespace.bytes

    def _id(self, *parts: str) -> str:
        h = sha1(self._ns + _SEP.join(parts).encode("utf-8")).hexdigest()
        return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"

    def district(self) -> str:
        return self._id("unit", "district")

    def township(self, name: str) -> str:
        return self._id("unit", "township", norm_text(name))

    def village(self, township_id: str, name: str) -> str:
        return self._id("village", township_id, norm_text(name))

    def household(self, township_id: str, *, id_number: str | None = None, village: str | None = None,
                  name: str | None = None) -> str:
        """By the head's usable ID number; without one by village and head's name."""
        if id_number:
            return self._id("household", township_id, "id", norm_id_number(id_number))
        return self._id("household", township_id, "name", norm_text(village), norm_text(name))

    def person(self, household_id: str, *, id_number: str | None = None, name: str | None = None) -> str:
        if id_number:
            return self._id("person", household_id, "id", norm_id_number(id_number))
        return self._id("person", household_id, "name", norm_text(name))

    def loan(self, loan_no: str) -> str:
        return self._id("loan", norm_loan_no(loan_no))

    def staff(self, unit_id: str | None, name: str, title: str | None) -> str:
        return self._id("staff", unit_id or "", norm_text(name), norm_text(title))

    def tag(self, household_id: str, code: str, loan_id: str | None = None) -> str:
        return self._id("tag", household_id, code.strip().lower(), loan_id or "")

    def assignment(self, household_id: str, loan_id: str | None, staff_id: str, duty: str) -> str:
        return self._id("assignment", household_id, loan_id or "", staff_id, duty.strip().lower())

    def ledger_import(self, sha256: str) -> str:
        """One bank ledger file (by its content): imported at the district and on a laptop, the
        same import, so its readings of each loan are the same rows."""
        return self._id("ledger", sha256.strip().lower())

    def ledger_settled(self, loan_id: str, as_of: date) -> str:
        """The stage move to 结清 a ledger showing a zero balance makes (wherever it is read)."""
        return self._id("ledger-settled", loan_id, as_of.isoformat())

    def again(self, first: str, n: int) -> str:
        """The n-th (n ≥ 2) row whose key gave ``first``."""
        return self._id("again", first, str(n))

    def unused(self, first: str, taken: Container[str] | Callable[[str], bool]) -> str:
        """``first``, or the next of its key's ids not ``taken`` (a set, or a test)."""
        is_taken = taken if callable(taken) else taken.__contains__
        if not is_taken(first):
            return first
        n = 2
        while is_taken(candidate := self.again(first, n)):
            n += 1
        return candidate


def of(session: Session) -> Ids:
    """The ids of this database's namespace (meta ``id_namespace``).  A database that has
    none yet (made before migration 0009 wrote one) derives it from its own unit's name, as
    the migration does."""
    ns = read_namespace(session)
    if ns is None:
        from app.db.models import Meta

        unit = session.get(Meta, "unit_name")
        ns = district_namespace(unit.value if unit is not None else "")
    return Ids(ns)


def in_session(session: Session, model) -> Callable[[str], bool]:
    """A ``taken`` test for :meth:`Ids.unused`: a row of ``model`` has this id (deleted or not)."""
    return lambda id_: session.get(model, id_) is not None


# ------------------------------------------------------------------------- device codes
# The short part of an agreement number that says which laptop made it (柳林-2026-KMX-0001):
# three letters nobody misreads (no I, L, O), 12,167 codes.
CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_KEY = "device_code"


def code_from_device(device: str) -> str:
    """The device code a database without one derives from its device id (migration 0009)."""
    n = int(sha1(("device" + _SEP + device).encode("utf-8")).hexdigest()[:8], 16)
    out = ""
    for _ in range(3):
        n, k = divmod(n, len(CODE_LETTERS))
        out += CODE_LETTERS[k]
    return out


def choose_device_code(taken: Container[str], rng=None) -> str:
    """A random device code not in ``taken`` (the codes this database knows of)."""
    import random

    rng = rng or random.SystemRandom()
    for _ in range(10_000):
        code = "".join(rng.choice(CODE_LETTERS) for _ in range(3))
        if code not in taken:
            return code
    raise RuntimeError("no device code left")   # pragma: no cover - 12,167 codes


def device_code(session: Session) -> str:
    """This database's device code (meta ``device_code``; derived from the device id if none)."""
    from app.db.models import Meta

    row = session.get(Meta, CODE_KEY)
    if row is not None and row.value:
        return row.value
    device = session.get(Meta, "device")
    return code_from_device(device.value if device is not None else "")


def codes_in_agreement_numbers(session: Session) -> set[str]:
    """The device codes the agreement numbers of this database carry (柳林-2026-KMX-0001)."""
    from sqlalchemy import select

    from app.db.models import Agreement

    return codes_in(session.scalars(select(Agreement.number)))


def codes_in(numbers) -> set[str]:
    """The device codes these agreement numbers carry."""
    out = set()
    for number in numbers:
        parts = (number or "").split("-")
        if len(parts) >= 4 and len(parts[-2]) == 3 and parts[-2].isalpha():
            out.add(parts[-2])
    return out
