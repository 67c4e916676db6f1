"""Bring a database file to the program's schema, taking a backup before any upgrade.

Opening a database that is already at the program's schema (every open but the first after an
update) costs one query: its ``alembic_version`` against :func:`known_head`, the head revision
read once from the migration files' ``revision`` / ``down_revision`` lines.  Alembic itself (its
import and its script directory, ~0.3 s) is loaded only when the two differ: to upgrade, or to
refuse a database of a newer program.
"""
from __future__ import annotations

import functools
import logging
import re
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app import config
from app.domain.errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(config.migrations_dir()))
    return cfg


def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The head revision, as Alembic's script directory has it."""
    return _script().get_current_head()


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::\s*[^=]+)?=\s*(.+?)\s*$", re.M)
_QUOTED = re.compile(r"""^(?:'([^']*)'|"([^"]*)"|None)$""")


def heads_in_files(versions: Path) -> list[str] | None:
    """The head revisions of the migration scripts in ``versions``, from their ``revision =`` and
    ``down_revision =`` lines alone (no import); None if a script says either in a way this does
    not read (a tuple, a computed value) or there is no script, and Alembic has to be asked."""
    revisions, parents = set(), set()
    for path in versions.glob("*.py"):
        found = dict((k, v) for k, v in _REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if not found:
            continue        # not a migration (__init__.py)
        if set(found) != {"revision", "down_revision"}:
            return None
        rev, down = (_QUOTED.match(found["revision"]), _QUOTED.match(found["down_revision"]))
        if rev is None or down is None or rev.group(0) == "None":
            return None
        revisions.add(rev.group(1) or rev.group(2))
        if down.group(0) != "None":
            parents.add(down.group(1) or down.group(2))
    return sorted(revisions - parents) if revisions else None


@functools.lru_cache(maxsize=None)
def known_head(versions: Path | None = None) -> str:
    """The head revision of this program's migrations, read once per process: from the scripts'
    lines (:func:`heads_in_files`), or from Alembic when they cannot be read that way.  A test
    checks that it is Alembic's head."""
    folder = versions or config.migrations_dir() / "versions"
    heads = heads_in_files(folder) if folder.is_dir() else None
    if heads is not None and len(heads) == 1:
        return heads[0]
    return head_revision()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def stored_revision(conn: sqlite3.Connection) -> str | None:
    """The database's one ``alembic_version`` row, without Alembic (None: no table, no row or
    more than one row — Alembic is then asked)."""
    has = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone()
    rows = conn.execute("SELECT version_num FROM alembic_version LIMIT 2").fetchall() if has else []
    return rows[0][0] if len(rows) == 1 else None


def _stored_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return stored_revision(conn.connection.driver_connection)


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

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
    if _stored_revision(engine) == known_head():
        return None     # at the program's schema: nothing of Alembic needed
    script = _script()
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
    return rev == known_head() or _known(_script(), rev)


def _known(script: ScriptDirectory, rev: str) -> bool:
    try:
        return script.get_revision(rev) is not None
    except Exception:
        return False
