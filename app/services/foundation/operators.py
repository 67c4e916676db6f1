"""Who works at this laptop (操作员 / 经办人): the name printed on receipts and agreements and
written into the audit log.

The operator is the seed of the local users the trust roadmap brings (sign-in, roles): a row of
``users`` (``User``: username, display name, role ``staff``, no password yet) and, in this
database's ``meta`` table, which of them is working now (``operator_user_id``).  Both are local to
this laptop's database: ``meta`` never travels, and ``users`` is listed in
``app.db.models.LOCAL_TABLES`` so packages leave it out.  What travels is the name, in the audit
log and in ``updated_by`` of every row the operator writes.

The command line names its operator by ``--operator NAME`` (agreement commands also ``--by``) or
the environment (``QINGSHOU_OPERATOR``), else the stored one: :func:`command_line_actor`.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

from app.db.session import Database
from app.domain.errors import InputError

META_KEY = "operator_user_id"
ENV_VAR = "QINGSHOU_OPERATOR"
LEGACY_ENV_VAR = "QINGSHOU_USER"      # the command line's name for it before the operator existed
MAX_LENGTH = 32                       # users.display_name
COMMAND_LINE = "命令行"                # who a command-line change names when nobody is named at all
UNNAMED = "未署名"                     # who a window change names before the operator is set
# Names the program wrote before it knew who works: never printed as a person's name.
PLACEHOLDERS = frozenset({"", "system", "工作台", COMMAND_LINE, UNNAMED})


@dataclass(frozen=True)
class Operator:
    """A local user of this laptop (today: a name; later: sign-in and a role)."""

    id: str
    name: str
    role: str = "staff"

    def to_json(self) -> dict:
        return {"operator_id": self.id, "name": self.name, "role": self.role}


def clean_name(name: str | None) -> str:
    """The name as it will be stored and printed; refused when empty, too long or not a name."""
    text = " ".join((name or "").split())
    if not text:
        raise InputError("请填写操作员的姓名（印在还款凭证和协议书的“经办人”处）")
    if len(text) > MAX_LENGTH:
        raise InputError(f"操作员姓名太长：{len(text)} 个字（最多 {MAX_LENGTH} 个）")
    if text in PLACEHOLDERS:
        raise InputError(f"“{text}”不是人的姓名，请填写操作员本人的姓名")
    return text


# The operator named in meta, if that user is still there and active (plain SQL: the window reads
# it before anything has loaded the ORM).
_CURRENT = ("SELECT u.id, u.display_name, u.role FROM meta m JOIN users u ON u.id = m.value "
            "WHERE m.key = ? AND u.deleted = 0 AND u.active = 1")


def current(db: Database) -> Operator | None:
    """The operator set on this laptop's database, or None before anyone was named."""
    with db.sqlite() as conn:
        row = conn.execute(_CURRENT, (META_KEY,)).fetchone()
    return Operator(*row) if row else None


def _current(session) -> Operator | None:
    row = session.connection().exec_driver_sql(_CURRENT, (META_KEY,)).first()
    return Operator(*row) if row else None


def set_current(db: Database, name: str) -> Operator:
    """Name who works at this laptop from now on (a user of that name is made if new, or taken
    up again); audited under the new name."""
    from sqlalchemy import select

    from app.db.models import User
    from app.db.session import write_meta

    name = clean_name(name)
    with db.uow(name) as uow:
        s = uow.session
        before = _current(s)
        user = s.scalars(select(User).where(User.display_name == name, User.deleted.is_(False))
                         .order_by(User.created_at)).first()
        if user is None:
            user = User(unit_id=db.identity().unit_id, username=f"op-{uuid.uuid4().hex[:12]}",
                        display_name=name, role="staff", active=True)
            s.add(user)
            s.flush()
        elif not user.active:
            user.active = True
        write_meta(s, **{META_KEY: user.id})
        if before is None or before.id != user.id:
            what = f"本机操作员由“{before.name}”改为“{name}”" if before else f"本机操作员设为“{name}”"
            uow.audit("operator", "users", user.id, summary=what)
        uow.commit()
        return Operator(user.id, user.display_name, user.role)


def command_line_actor(db: Database, named: str | None = None) -> str:
    """Who a command-line change is attributed to: the name given (``--operator`` / ``--by``),
    else ``QINGSHOU_OPERATOR`` (or the older ``QINGSHOU_USER``), else this database's operator,
    else "命令行"."""
    for candidate in (named, os.environ.get(ENV_VAR), os.environ.get(LEGACY_ENV_VAR)):
        if candidate is not None and candidate.strip():
            return clean_name(candidate)
    stored = current(db)
    return stored.name if stored else COMMAND_LINE


def printed_name(actor: str | None) -> str:
    """An actor as printed after 经办人：(blank, to write by hand, for the program's own placeholders)."""
    return "" if (actor or "").strip() in PLACEHOLDERS else (actor or "").strip()
