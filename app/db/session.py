"""The database: an SQLite file, its engine, its identity (role, unit, device) and clock.

Opening one needs SQLAlchemy's engine only: the ORM and the models (≈0.2 s to import and map)
are loaded by the code that uses them (``read_meta``, ``write_meta``, a unit of work, any
service that queries a model), not by a command that reads figures with SQL.
"""
from __future__ import annotations

import logging
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from app.db.clock_store import ClockStore
from app.domain.clock import HybridClock
from app.domain.errors import DatabaseError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def make_engine(path: Path | str) -> Engine:
    url = "sqlite://" if str(path) == ":memory:" else f"sqlite:///{Path(path)}"
    engine = create_engine(url, future=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record) -> None:  # pragma: no cover - trivial
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        try:
            cur.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:   # a bulk write holds the file (app.db.journal): it asks again
            log.info("database busy: this connection keeps the current journal mode")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.close()

    return engine


@dataclass
class Identity:
    """Who this database is: read from the ``meta`` table."""

    db_id: str
    role: str            # district | township
    unit_id: str
    unit_name: str
    device: str          # this laptop's device id (short, stable)
    device_name: str


def read_meta(session: Session) -> dict[str, str]:
    from sqlalchemy import select

    from app.db.models import Meta

    return {m.key: m.value for m in session.scalars(select(Meta))}


def _meta(engine: Engine) -> dict[str, str]:
    """The ``meta`` table as ``read_meta`` gives it, in plain SQL (no ORM)."""
    with engine.connect() as conn:
        return dict(conn.exec_driver_sql("SELECT key, value FROM meta").all())


def write_meta(session: Session, **values: str) -> None:
    from app.db.models import Meta

    for key, value in values.items():
        row = session.get(Meta, key)
        if row is None:
            session.add(Meta(key=key, value=value))
        else:
            row.value = value


def new_device_id() -> str:
    return uuid.uuid4().hex[:12]


class Database:
    """An open qingshou database.  Make one with ``app.bootstrap.open_database``."""

    def __init__(self, path: Path, engine: Engine):
        self.path = path
        self.engine = engine
        self._identity: Identity | None = None
        self.clocks = ClockStore(self)   # device clock, change sequence, their persistence

    # -- identity ---------------------------------------------------------------
    def identity(self) -> Identity:
        if self._identity is None:
            meta = _meta(self.engine)
            if "unit_id" not in meta:
                raise DatabaseError(f"数据库尚未初始化：{self.path}（请先运行 init 或 demo）")
            self._identity = Identity(
                db_id=meta.get("db_id", ""),
                role=meta.get("role", "township"),
                unit_id=meta["unit_id"],
                unit_name=meta.get("unit_name", ""),
                device=meta.get("device", ""),
                device_name=meta.get("device_name", ""),
            )
        return self._identity

    def is_initialised(self) -> bool:
        with self.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT 1 FROM meta WHERE key = 'unit_id'").first() is not None

    def forget_identity(self) -> None:
        self._identity = None
        self.clocks.forget()

    # -- clock ------------------------------------------------------------------
    def clock(self, session: Session) -> HybridClock:
        return self.clocks.clock(session)

    def uow(self, actor: str = "system", *, replay=None):
        """One user action (see ``app.db.uow``); ``replay``: a ``Provenance`` for applying rows
        that come from elsewhere with their own stamps (a merge)."""
        from app.db.uow import UnitOfWork

        return UnitOfWork(self, actor, replay=replay)

    def dispose(self) -> None:
        self.engine.dispose()
