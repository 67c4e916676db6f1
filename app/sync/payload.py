"""A package's payload: an SQLite file holding one township's rows, and reading one back.

Written by a plain ``sqlite3`` connection to the new file with the database attached read-only,
all in one read transaction, so the payload is a consistent snapshot even while the window
writes. Tables are made with the database's own ``CREATE TABLE`` statements, so the payload has
the same columns as the schema revision named in the package header.
"""
from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from app.sync import errors, scope
from app.sync.errors import PackageError


@dataclass
class PayloadCounts:
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def write(db_path: Path, township_id: str, out: Path, *, since_seq: int | None = None,
          tables: tuple[str, ...] | None = None) -> PayloadCounts:
    """Writes township ``township_id``'s rows of ``db_path`` into a new SQLite file ``out``.

    ``since_seq``: only rows whose local change sequence is above it (tables without one go
    whole). ``tables``: a subset of ``scope.TOWNSHIP_ROWS`` (default: all)."""
    wanted = tables or tuple(scope.TOWNSHIP_ROWS)
    counts = PayloadCounts()
    out.unlink(missing_ok=True)
    # opened as a URI, so that the ATTACH below may be one too (read-only) on every platform's SQLite
    conn = sqlite3.connect(Path(out).resolve().as_uri(), isolation_level=None, uri=True)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("ATTACH DATABASE ? AS src", (f"{Path(db_path).resolve().as_uri()}?mode=ro",))
        conn.execute("BEGIN")
        schema = dict(conn.execute("SELECT name, sql FROM src.sqlite_master WHERE type = 'table'"))
        for table in wanted:
            conn.execute(schema[table])
            where = scope.condition(table, "src.")
            params: dict[str, object] = {"township": township_id}
            if since_seq is not None and "seq" in _columns(conn, "src", table):
                # (an audit entry some writer left without a sequence travels every time, as all did)
                newer = "(seq > :since OR seq IS NULL)" if table == "audit_log" else "seq > :since"
                where = f"({where}) AND {newer}"
                params["since"] = since_seq
            cur = conn.execute(f"INSERT INTO main.{table} SELECT * FROM src.{table} WHERE {where}", params)
            counts.rows[table] = cur.rowcount
        conn.execute("COMMIT")
    except BaseException:
        conn.close()
        out.unlink(missing_ok=True)
        raise
    conn.execute("DETACH DATABASE src")
    conn.close()
    return counts


META = "package_meta"


def add_meta(path: Path, values: dict[str, str]) -> None:
    """Writes the package's own facts (keys, proofs, sequences) into the payload's ``package_meta``."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute(f"CREATE TABLE {META} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            conn.executemany(f"INSERT INTO {META} VALUES (?, ?)", sorted(values.items()))
    finally:
        conn.close()


def read_meta(path: Path) -> dict[str, str]:
    """The payload's ``package_meta`` (refused as damaged when it has none)."""
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            return dict(conn.execute(f"SELECT key, value FROM {META}"))
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise PackageError("数据包的内容不完整", code=errors.DAMAGED) from exc


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA {schema}.table_info({table})")]


def load(raw: sqlite3.Connection, plain: bytes, schema: str = "pkg") -> dict[str, str]:
    """A payload's bytes made the attached in-memory database ``schema`` of ``raw`` (whatever it
    held before is gone), checked to be a payload as ``to_file`` checks one; returns its
    ``package_meta``.  Nothing is written to disk, and it works inside a transaction (a merge of
    several files in one), where a file could be attached but not detached again."""
    if not plain.startswith(b"SQLite format 3\x00"):
        raise PackageError("数据包的内容不是可读的数据（格式不对）", code=errors.DAMAGED)
    try:
        raw.deserialize(plain, name=schema)
        # Statements prepared against the payload loaded before (the connection caches them) would
        # read this one by the old one's page numbers when both have the same schema cookie, as
        # payloads made alike do: an ATTACH or DETACH expires every prepared statement.
        raw.execute("ATTACH DATABASE ':memory:' AS payload_expire")
        raw.execute("DETACH DATABASE payload_expire")
        ok = raw.execute(f"PRAGMA {schema}.quick_check").fetchone()[0]
        names = {r[0] for r in raw.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise PackageError("数据包的内容已损坏，无法读取", code=errors.DAMAGED) from exc
    if ok != "ok" or not names <= set(scope.TOWNSHIP_ROWS) | {META}:
        raise PackageError("数据包的内容已损坏或含有不认识的表", code=errors.DAMAGED)
    try:
        return dict(raw.execute(f"SELECT key, value FROM {schema}.{META}"))
    except sqlite3.Error as exc:
        raise PackageError("数据包的内容不完整", code=errors.DAMAGED) from exc


def to_file(plain: bytes, folder: Path | None = None) -> Path:
    """A payload's bytes as an SQLite file of its own (to ATTACH), checked to be one."""
    if not plain.startswith(b"SQLite format 3\x00"):
        raise PackageError("数据包的内容不是可读的数据（格式不对）", code=errors.DAMAGED)
    handle = tempfile.NamedTemporaryFile(prefix="qingshou-payload-", suffix=".sqlite", dir=folder, delete=False)
    with handle:
        handle.write(plain)
    path = Path(handle.name)
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        path.unlink(missing_ok=True)
        raise PackageError("数据包的内容已损坏，无法读取", code=errors.DAMAGED) from exc
    if ok != "ok" or not names <= set(scope.TOWNSHIP_ROWS) | {META}:
        path.unlink(missing_ok=True)
        raise PackageError("数据包的内容已损坏或含有不认识的表", code=errors.DAMAGED)
    return path
