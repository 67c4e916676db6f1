"""Database files as the window sees them: is this one set up, create one, open one.

No Qt here: these run inside background tasks and return plain values.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from app.bootstrap import SQLITE_MAGIC, open_database
from app.db.session import Database
from app.domain.errors import UserError

DEMO_FILE = "演示数据.db"


def is_initialised_file(path: Path) -> bool | None:
    """True if the file is a set-up qingshou database, False if missing, empty or not set up,
    None if it is something else (opening it will say what is wrong)."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return False
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            return None
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'unit_id'").fetchone()
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        return False if "no such table" in str(exc) else None
    except sqlite3.DatabaseError:
        return None
    return row is not None


def open_existing(path: Path) -> Database:
    """Open (upgrading if needed) a set-up database; refuse one that is missing or not set up."""
    db = open_database(Path(path), create=False)
    try:
        db.identity()
    except BaseException:
        db.dispose()
        raise
    return db


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def create_district(path: Path, unit_name: str) -> Path:
    """A new district database at ``path`` (a new file, or an existing one never set up)."""
    from app.services.foundation.setup import initialise

    path = Path(path)
    if is_initialised_file(path):
        raise UserError(f"这个文件已经是一个数据库，不会覆盖：{path}")
    was_new = not path.exists() or path.stat().st_size == 0
    db = open_database(path, create=True)
    try:
        initialise(db, role="district", unit_name=unit_name)
    except BaseException:
        db.dispose()
        if was_new:
            _remove(path)
        raise
    db.dispose()
    return path


def ensure_demo(path: Path, households: int = 2000) -> Path:
    """The demo database at ``path``: made once (seed 1), then reused."""
    from app.services.foundation.demo import DemoOptions, make_demo

    path = Path(path)
    if is_initialised_file(path):
        return path
    _remove(path)
    try:
        make_demo(path, DemoOptions(households=households, seed=1))
    except BaseException:
        _remove(path)
        raise
    return path
