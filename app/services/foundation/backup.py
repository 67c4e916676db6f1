"""A consistent copy of the database, and back."""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app import config
from app.bootstrap import SQLITE_MAGIC, sqlite_problem
from app.db.migrate import revision_is_known, sqlite_copy
from app.db.session import Database, new_device_id
from app.domain.errors import DatabaseError, InputError


@dataclass(frozen=True)
class BackupResult:
    path: str
    size: int
    kept: str | None = None   # restore: where the database it replaced was kept (None: there was none)


def backup(db: Database, out: Path) -> BackupResult:
    out = Path(out)
    if out.resolve() == Path(db.path).resolve():
        raise InputError("备份文件不能与数据库是同一个文件")
    if out.is_dir():
        raise InputError(f"请给出备份文件的名字，而不是文件夹：{out}")
    if not out.parent.is_dir():
        raise InputError(f"文件夹不存在：{out.parent}")
    if out.exists() and out.stat().st_size > 0 and _database_id(out) != db.identity().db_id:
        raise InputError(f"文件已存在，且不是这个数据库以前的备份，不会覆盖：{out}")
    sqlite_copy(Path(db.path), out)
    return BackupResult(str(out), out.stat().st_size)


def _read_only(path: Path) -> sqlite3.Connection:
    """Open a backup file to look at it, exactly as it is: nothing is written beside it (no
    -wal/-shm files on the user's USB stick) and a write-protected stick can be read."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def _database_id(path: Path, *, live: bool = False) -> str | None:
    """The ``db_id`` of a qingshou database file (a backup keeps its database's), else None.
    ``live``: a database that may be open and in use, read through its journal (-wal)."""
    try:
        with path.open("rb") as fh:
            if fh.read(16) != SQLITE_MAGIC:
                return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) if live else _read_only(path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'db_id'").fetchone()
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return None
    return row[0] if row and row[0] else None


def _check_backup_file(src: Path) -> None:
    if not src.is_file():
        raise InputError(f"备份文件不存在：{src}")
    with src.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise InputError(f"不是清收工作台的备份文件：{src}")
    try:
        with _read_only(src) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            has_meta = conn.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name IN ('meta','loans')"
            ).fetchone()[0]
            has_version = conn.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name = 'alembic_version'").fetchone()[0]
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone() if has_version else None
        conn.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(f"备份文件已损坏，无法恢复：{src}（{sqlite_problem(exc) or exc}）") from exc
    if ok != "ok":
        raise InputError(f"备份文件已损坏，无法恢复：{src}（{ok}）")
    if has_meta != 2:
        raise InputError(f"不是清收工作台的备份文件：{src}")
    if version and not revision_is_known(version[0]):
        raise InputError(f"备份文件来自更新版本的清收工作台（数据库版本 {version[0]}），本程序无法使用，"
                         f"请先升级程序；现有数据库没有改动：{src}")


def restore(db_path: Path, src: Path) -> BackupResult:
    """Replace the database at ``db_path`` with the backup ``src``.

    The current database, if any, is first copied to the backups folder, so a restore can
    itself be undone.  The caller must have closed every connection to ``db_path``.
    """
    db_path, src = Path(db_path), Path(src)
    _check_backup_file(src)
    if db_path.is_dir():
        raise InputError(f"这是一个文件夹，不是数据库文件：{db_path}")
    if not db_path.parent.is_dir():
        raise InputError(f"文件夹不存在：{db_path.parent}")
    kept = None
    if db_path.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = config.backup_dir() / f"{db_path.stem}-恢复前-{stamp}.db"
        n = 1
        while kept.exists():   # two restores within a second: keep both earlier databases
            n += 1
            kept = kept.with_name(f"{db_path.stem}-恢复前-{stamp}-{n}.db")
        sqlite_copy(db_path, kept)
    tmp = db_path.with_name(db_path.name + ".restoring")
    shutil.copyfile(src, tmp)
    try:
        new_device_epoch(tmp, replaced=kept)
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"无法恢复备份：{src}（{sqlite_problem(exc) or exc}）") from exc
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    try:
        tmp.replace(db_path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"无法替换数据库文件（是否正被程序打开？）：{db_path}") from exc
    return BackupResult(str(db_path), db_path.stat().st_size, str(kept) if kept else None)


def _meta_of(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def new_device_epoch(path: Path, replaced: Path | None = None) -> str | None:
    """Give the database at ``path`` (a restored backup) a new device id, the old one kept in
    ``device_history``, so that no stamp or sequence issued before the restore (and perhaps
    already exported) is ever issued again.  Its clock and change sequence also move past the
    database it replaces (``replaced``, if that is the same database).  Returns the new id."""
    conn = sqlite3.connect(path)
    try:
        meta = _meta_of(conn)
        if "device" not in meta:
            return None
        history = json.loads(meta.get("device_history") or "[]")
        history.append(meta["device"])
        values = {"device": new_device_id(), "device_history": json.dumps(history)}
        # (a township laptop) the district knows nothing yet of the new device: its first package
        # carries everything, numbered from 1 (what the old id had confirmed is the old id's)
        conn.execute("DELETE FROM meta WHERE key IN ('confirmed_seq', 'export_upto', 'export_sequence')")
        if replaced is not None and meta.get("db_id"):
            with _read_only(replaced) as old:
                before = _meta_of(old)
            old.close()
            if before.get("db_id") == meta["db_id"]:
                values["hlc_last"] = max(meta.get("hlc_last") or "", before.get("hlc_last") or "")
                values["seq_last"] = str(max(int(meta.get("seq_last") or 0), int(before.get("seq_last") or 0)))
        conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?) "
                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value", values.items())
        conn.commit()
        return values["device"]
    finally:
        conn.close()


def after_restore_note(path: Path) -> str | None:
    """What a person must do about sync after a restore, for the database at ``path``; None when
    it takes part in none."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)    # (a live database: its WAL read)
    try:
        meta = _meta_of(conn)
        laptops = conn.execute("SELECT count(*) FROM sync_peers WHERE kind = 'device'").fetchone()[0] \
            if _has_table(conn, "sync_peers") else 0
    finally:
        conn.close()
    if meta.get("role") == "district" and laptops:
        return ("区县恢复了备份：备份以后合并的数据包不在里面了。请给各乡镇重新下发任务包，各乡镇的电脑合并以后"
                "再交一个数据包，就会补上（qingshou sync-status 和“数据同步”页标出还没有补齐的电脑）。")
    if meta.get("role") == "township" and meta.get("district_id"):
        return ("本机恢复了备份：备份以后在本机做的工作已不在了；本机从此是一台新设备，下一个数据包会带上本机的全部工作"
                "（区县那边会多出一台同名的电脑）。")
    return None


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


AUTO_MARK = "自动"
_STAMP = "%Y%m%d-%H%M%S"
# name-自动-20261122-090000-1a2b3c4d.db: the tag is the start of the database's identity (db_id),
# so two databases of the same name (demo.db in two folders) never share or prune each other's
# backups.  Backups made before the tag existed (name-自动-20261122-090000.db) still count.
_AUTO_NAME = re.compile(rf"^.*-{AUTO_MARK}-(?P<stamp>\d{{8}}-\d{{6}})(?:-(?P<tag>[0-9a-f]{{8}}))?\.db$")


def _identity_of(db: Database | Path | str) -> str | None:
    if isinstance(db, Database):
        return db.identity().db_id or None
    return _database_id(Path(db), live=True)


def auto_backups(db: Database | Path | str, folder: Path) -> list[tuple[datetime, Path]]:
    """The automatic backups in ``folder`` of the database ``db`` (open, or its file), oldest
    first (time from the file name).  A backup belongs to the database whose identity is in
    it, whatever the two files are called."""
    db_id = _identity_of(db)
    if db_id is None or not Path(folder).is_dir():
        return []
    found = []
    for p in Path(folder).glob(f"*-{AUTO_MARK}-*.db"):
        m = _AUTO_NAME.match(p.name)
        if not m or (m["tag"] and m["tag"] != db_id[:8]):
            continue
        try:
            when = datetime.strptime(m["stamp"], _STAMP)
        except ValueError:
            continue
        if _database_id(p) == db_id:
            found.append((when, p))
    return sorted(found)


def auto_backup(db: Database, folder: Path, keep: int = 10, min_age_hours: float = 24,
                now: datetime | None = None) -> BackupResult | None:
    """Back up if the last automatic backup is older than ``min_age_hours``; keep the newest ``keep``.

    Returns the new backup, or None when a recent one exists.  The time of the last one is
    read from the backup files' names, so it needs no bookkeeping in the database.
    """
    now = (now or datetime.now()).replace(microsecond=0)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    existing = auto_backups(db, folder)
    if existing and now - existing[-1][0] < timedelta(hours=min_age_hours):
        return None
    tag = (db.identity().db_id or "")[:8]
    name = f"{Path(db.path).stem}-{AUTO_MARK}-{now:{_STAMP}}" + (f"-{tag}" if tag else "") + ".db"
    result = backup(db, folder / name)
    for _, old in auto_backups(db, folder)[:-keep] if keep > 0 else ():
        old.unlink(missing_ok=True)
    return result
