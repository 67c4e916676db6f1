"""Opening a database: create or upgrade the schema (with a backup first), then hand it out."""
from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DatabaseError as SADatabaseError

from app import config
from app.db.migrate import ensure_schema
from app.db.session import Database, make_engine
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


def open_database(path: Path | str | None = None, *, create: bool = True,
                  backup_dir: Path | None = None) -> Database:
    """Open (and if needed create or upgrade) the database at ``path``.

    ``create=False`` refuses a path that does not exist yet.
    """
    db_path = Path(path) if path else config.default_db_path()
    if not db_path.exists():
        if not create:
            raise DatabaseError(f"数据库文件不存在：{db_path}")
        if not db_path.parent.exists():
            raise DatabaseError(f"文件夹不存在：{db_path.parent}")
    check_sqlite_file(db_path)
    engine = make_engine(db_path)
    try:
        taken = ensure_schema(engine, db_path, backup_dir=backup_dir)
    except DatabaseError:
        engine.dispose()
        raise
    except (SADatabaseError, sqlite3.DatabaseError) as exc:
        engine.dispose()
        raise DatabaseError(f"无法打开数据库 {db_path}：{exc}") from exc
    if taken:
        log.info("database %s upgraded; backup at %s", db_path, taken)
    return Database(db_path, engine)
