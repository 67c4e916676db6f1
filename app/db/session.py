"""The database: an SQLite file, its engine, its identity (role, unit, device) and clock.

Opening one needs no SQLAlchemy: its engine is made at first use of ``Database.engine``, and
the ORM and the models (≈0.2 s to import and map) by the code that uses them (``read_meta``,
``write_meta``, a unit of work, any service that queries a model).  What only reads with SQL —
the identity, ``summary`` — goes through :meth:`Database.sqlite`, a plain ``sqlite3`` connection
with the engine's pragmas, so a command such as ``summary`` never imports SQLAlchemy (≈0.25 s,
as long as the whole of such a command's own work).
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import uuid
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from app.domain.clock import HybridClock
from app.domain.errors import DatabaseError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    from app.db.clock_store import ClockStore

log = logging.getLogger(__name__)


def set_pragmas(dbapi_conn: sqlite3.Connection) -> None:
    """What every connection to a database is set to (the engine's and :meth:`Database.sqlite`'s)."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    try:
        cur.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError:   # a bulk write holds the file (app.db.journal): it asks again
        log.info("database busy: this connection keeps the current journal mode")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def make_engine(path: Path | str) -> Engine:
    from sqlalchemy import create_engine, event

    url = "sqlite://" if str(path) == ":memory:" else f"sqlite:///{Path(path)}"
    engine = create_engine(url, future=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record) -> None:  # pragma: no cover - trivial
        set_pragmas(dbapi_conn)

    return engine


@contextmanager
def sqlite_connection(path: Path | str) -> Iterator[sqlite3.Connection]:
    """A plain connection to the file at ``path`` with the engine's pragmas, closed afterwards."""
    with closing(sqlite3.connect(str(path))) as conn:
        set_pragmas(conn)
        yield conn


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

    def __init__(self, path: Path, engine: Engine | None = None):
        self.path = path
        self._engine = engine            # made at first use when not given
        self._engine_lock = threading.Lock()   # the window's tasks may be first at once: one engine
        self._identity: Identity | None = None
        self._clocks: ClockStore | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    self._engine = make_engine(self.path)
        return self._engine

    @property
    def clocks(self) -> ClockStore:
        """The device clock, the change sequence, their persistence (made at first use)."""
        if self._clocks is None:
            from app.db.clock_store import ClockStore

            self._clocks = ClockStore(self)
        return self._clocks

    @contextmanager
    def sqlite(self) -> Iterator[sqlite3.Connection]:
        """A plain ``sqlite3`` connection to the database, for reading with SQL and no SQLAlchemy:
        a connection of its own to the file (the engine's pragmas), or, for an in-memory database
        or one whose engine is already made, one of the engine's pool (the same connection its
        other users see)."""
        if self._engine is None and str(self.path) != ":memory:":
            with sqlite_connection(self.path) as conn:
                yield conn
            return
        raw = self.engine.raw_connection()
        try:
            yield raw.driver_connection
        finally:
            raw.close()

    # -- identity ---------------------------------------------------------------
    def identity(self) -> Identity:
        if self._identity is None:
            with self.sqlite() as conn:
                meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
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
        with self.sqlite() as conn:
            return conn.execute("SELECT 1 FROM meta WHERE key = 'unit_id'").fetchone() is not None

    def forget_identity(self) -> None:
        self._identity = None
        if self._clocks is not None:
            self._clocks.forget()

    # -- clock ------------------------------------------------------------------
    def clock(self, session: Session) -> HybridClock:
        return self.clocks.clock(session)

    def uow(self, actor: str = "system", *, replay=None):
        """One user action (see ``app.db.uow``); ``replay``: a ``Provenance`` for applying rows
        that come from elsewhere with their own stamps (a merge)."""
        from app.db.uow import UnitOfWork

        return UnitOfWork(self, actor, replay=replay)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
