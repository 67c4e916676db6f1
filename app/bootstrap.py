"""Opening a database: create or upgrade the schema (with a backup first), then hand it out."""
from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from app import config
from app.db.migrate import ensure_schema, known_head, stored_revision
from app.db.session import Database, make_engine, sqlite_connection
from app.domain.errors import DatabaseError

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"


def check_sqlite_file(path: Path) -> None:
    """Refuse, in plain words, a file that is not an SQLite database."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        head = fh.read(16)
    if head != SQLITE_MAGIC:
        raise DatabaseError(f"不是清收工作台的数据库文件：{path}")
    if _foreign_tables(path):   # another program's database: never add our tables to it
        raise DatabaseError(f"不是清收工作台的数据库文件（是别的程序的数据库）：{path}")


def _foreign_tables(path: Path) -> bool:
    """True if the SQLite file holds tables but none of ours (no schema version, no meta)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False   # damaged or locked: opening it says so in plain words
    names = {n for n in names if not n.startswith("sqlite_")}
    return bool(names) and not names & {"alembic_version", "meta"}


# What SQLite says, in the user's words (its own text is English and names no file).
_SQLITE_PROBLEMS = (
    (("file is not a database", "malformed", "not a database"), "文件已损坏，或不是清收工作台的数据库（可用 restore 从备份恢复）"),
    (("unable to open database file",), "无法打开或新建这个文件（文件夹是否存在、是否允许写入？）"),
    (("readonly", "read-only"), "文件或文件夹是只读的，无法写入"),
    (("database is locked", "database table is locked"), "数据库正被另一个程序使用，请关闭后再试"),
    (("disk i/o error",), "读写磁盘出错（U盘是否已拔出？）"),
    (("database or disk is full", "disk is full"), "磁盘空间不足"),
)


def sqlite_problem(exc: BaseException) -> str | None:
    """A Chinese phrase for an SQLite error a user can act on, or None for anything else."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    for needles, words in _SQLITE_PROBLEMS:
        if any(n in text for n in needles):
            return words
    return None


def open_database(path: Path | str | None = None, *, create: bool = True,
                  backup_dir: Path | None = None) -> Database:
    """Open (and if needed create or upgrade) the database at ``path``.

    ``create=False`` refuses a path that does not exist yet.
    """
    db_path = Path(path) if path else config.default_db_path()
    if db_path.is_dir():
        raise DatabaseError(f"这是一个文件夹，不是数据库文件：{db_path}")
    if not db_path.exists():
        if not create:
            raise DatabaseError(f"数据库文件不存在：{db_path}")
        if not db_path.parent.is_dir():
            raise DatabaseError(f"文件夹不存在：{db_path.parent}")
    check_sqlite_file(db_path)
    if db_path.is_file() and db_path.stat().st_size > 0:
        # already at the program's schema (every open but the first after an update): nothing to
        # do, and nothing of SQLAlchemy or Alembic loaded for it
        try:
            with sqlite_connection(db_path) as conn:
                current = stored_revision(conn)
        except sqlite3.DatabaseError as exc:
            raise _cannot_open(db_path, exc) from exc
        if current == known_head():
            return Database(db_path)
    from sqlalchemy.exc import DatabaseError as SADatabaseError

    engine = make_engine(db_path)
    try:
        taken = ensure_schema(engine, db_path, backup_dir=backup_dir)
    except DatabaseError:
        engine.dispose()
        raise
    except (SADatabaseError, sqlite3.DatabaseError) as exc:
        engine.dispose()
        raise _cannot_open(db_path, exc) from exc
    if taken:
        log.info("database %s upgraded; backup at %s", db_path, taken)
    return Database(db_path, engine)


def _cannot_open(db_path: Path, exc: BaseException) -> DatabaseError:
    log.info("cannot open %s", db_path, exc_info=True)
    return DatabaseError(f"无法打开数据库 {db_path}：{sqlite_problem(exc) or '数据库文件出错'}")
