"""The one owner of this database's device identity, its hybrid logical clock, its local
change sequence and their persistence.

* The clock lives as long as the ``Database``; a rolled-back unit of work does not throw it
  away (it only moves forward, so a stamp issued inside rolled-back work is never issued again).
* ``hlc_last`` / ``seq_last`` are written to ``meta`` by ``persist`` after the unit of work's
  final flush, with a Core statement that issues no stamp, in the same transaction: what is
  persisted covers every stamp and sequence committed.
* On first use the clock resumes from the later of ``meta.hlc_last`` and the latest stamp in
  the audit log; at the start of every writing unit of work it folds in ``meta`` again (another
  program on this file may have written since; in WAL mode SQLite refuses our write if it did
  after we read).
* ``seq``: one local, monotonic number per unit of work that writes travelling rows — the
  export watermark ("rows with seq > N"), separate from the HLC that decides conflicts.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from sqlalchemy import text

from app.domain.clock import HybridClock, system_ms

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.db.session import Database

_UPSERT = text("INSERT INTO meta (key, value) VALUES (:k, :v) "
               "ON CONFLICT(key) DO UPDATE SET value = excluded.value")


class ClockStore:
    def __init__(self, db: "Database", physical: Callable[[], int] = system_ms):
        self.db = db
        self.physical = physical        # physical time in ms; tests give their own
        self._clock: HybridClock | None = None
        self._seq = 0                   # the highest sequence this program has handed out

    def forget(self) -> None:
        """The device id changed (init, restore): load again at next use."""
        self._clock = None
        self._seq = 0

    def clock(self, session: Session) -> HybridClock:
        if self._clock is None:
            conn = session.connection()
            device = self.db.identity().device
            clock = HybridClock(device, physical=lambda: self.physical())
            clock.advance_to(_meta(conn, "hlc_last"))
            clock.advance_to(conn.execute(text("SELECT max(hlc) FROM audit_log")).scalar())
            self._clock = clock
        return self._clock

    def begin(self, session: Session) -> HybridClock:
        """At the first stamp of a unit of work: the clock, past anything committed since."""
        known = self._clock is not None
        clock = self.clock(session)
        if known:
            clock.advance_to(_meta(session.connection(), "hlc_last"))
        return clock

    def next_seq(self, session: Session) -> int:
        """A new local change sequence for one unit of work."""
        stored = _meta(session.connection(), "seq_last")
        self._seq = max(self._seq, int(stored or 0)) + 1
        return self._seq

    def persist(self, session: Session, seq: int | None) -> None:
        """Write ``hlc_last`` (and ``seq_last``) in the session's transaction; issues no stamp."""
        conn = session.connection()
        if self._clock is not None:
            conn.execute(_UPSERT, {"k": "hlc_last", "v": self._clock.last()})
        if seq is not None:
            conn.execute(_UPSERT, {"k": "seq_last", "v": str(seq)})


def _meta(conn, key: str) -> str | None:
    return conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": key}).scalar()
