"""Bring a database file to the program's schema, taking a backup before any upgrade."""
from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from app import config
from app.domain.errors import DatabaseError

log = logging.getLogger(__name__)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(config.migrations_dir()))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def sqlite_copy(src: Path, dest: Path) -> None:
    """A consistent copy of a live SQLite file (the online backup API, WAL included)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    with sqlite3.connect(str(src)) as source, sqlite3.connect(str(tmp)) as target:
        source.backup(target)
    target.close()
    source.close()
    tmp.replace(dest)


def ensure_schema(engine: Engine, path: Path | None, *, backup_dir: Path | None = None) -> str | None:
    """Create a new database at head, or upgrade an older one after backing it up.

    Returns the path of the backup taken, if any.  A database newer than this program is
    refused (it would be damaged by an older program).
    """
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    current = current_revision(engine)
    if current == head:
        return None
    if current is not None and not _known(script, current):
        raise DatabaseError(f"数据库版本（{current}）比本程序新，请升级清收工作台后再打开：{path}")
    backup_path = None
    if current is not None and path is not None and path.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = backup_dir or config.backup_dir()
        backup_path = folder / f"{path.stem}-升级前-{current}-{stamp}.db"
        sqlite_copy(path, backup_path)
        log.info("backup before upgrade %s -> %s: %s", current, head, backup_path)
    upgrade(engine)
    return str(backup_path) if backup_path else None


def revision_is_known(rev: str) -> bool:
    """True if ``rev`` is a schema version this program has (not one of a newer program)."""
    return _known(ScriptDirectory.from_config(alembic_config()), rev)


def _known(script: ScriptDirectory, rev: str) -> bool:
    try:
        return script.get_revision(rev) is not None
    except Exception:
        return False
