"""Writing many rows fast: the driver's ``executemany`` with values already in SQLite's form.

SQLAlchemy Core ``insert()`` runs every value of every row through its type processors;
for a 30-column table that is ~10k rows/s on a township laptop, a third of what SQLite
itself manages.  These helpers bind plain tuples instead: dates and times become the text
SQLAlchemy's SQLite types store; the values shared by every row (the sync stamp, defaults)
are processed once and written into the statement as SQL literals, so SQLite does not bind
them again for every row (a third of a loan row's values).  They run on the unit of work's connection, inside its
transaction.  Callers still merge ``uow.stamp()`` (pass it as ``const``) and write one
``uow.audit()`` summary.
"""
from __future__ import annotations

from datetime import date, datetime
from operator import itemgetter
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import Date, DateTime
from sqlalchemy.orm import Session

CHUNK = 20_000


def _iso_date(value: date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def _converter(column, dialect):
    if isinstance(column.type, DateTime):
        # The dialect's own type ("2026-11-22 15:00:00.000000", as the ORM writes it); the
        # generic type has no processor and would leave it to sqlite3's deprecated adapter.
        return column.type.dialect_impl(dialect).bind_processor(dialect)
    if isinstance(column.type, Date):
        return _iso_date
    return None


def _const_values(table, names: Sequence[str], const: Mapping[str, Any], dialect) -> tuple:
    out = []
    for name in names:
        value = const[name]
        conv = _converter(table.c[name], dialect)
        out.append(conv(value) if conv and value is not None else value)
    return tuple(out)


def sql_literal(value: Any) -> str | None:
    """``value`` as an SQLite literal, or None if it is not a plain value that can be one."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _const_sql(names: Sequence[str], values: Sequence[Any]) -> tuple[list[str], tuple]:
    """SQL for each shared value: a literal where it can be one, else a parameter (bound
    with every row, after the row's own values)."""
    sql, bound = [], []
    for value in values:
        lit = sql_literal(value)
        if lit is None:
            sql.append("?")
            bound.append(value)
        else:
            sql.append(lit)
    return sql, tuple(bound)


def _defaults(table, given: set[str]) -> dict[str, Any]:
    """Scalar Python-side defaults of the columns not given (``default=False`` …)."""
    out = {}
    for col in table.columns:
        if col.name in given:
            continue
        default = col.default
        if default is not None and getattr(default, "is_scalar", False):
            out[col.name] = default.arg
    return out


def insert_rows(session: Session, model, rows: Sequence[Mapping[str, Any]], *,
                const: Mapping[str, Any] | None = None) -> int:
    """INSERT ``rows`` (dicts with the same keys) into ``model``'s table; ``const`` holds the
    values every row shares (e.g. ``uow.stamp()``).  Columns given in neither get their
    scalar default.  Returns the number of rows written."""
    if not rows:
        return 0
    table = model.__table__
    conn = session.connection()
    dialect = conn.dialect
    keys = list(rows[0].keys())
    const = {k: v for k, v in (const or {}).items() if k in table.c and k not in keys}
    const = {**_defaults(table, set(keys) | set(const)), **const}
    const_names = list(const)
    const_sql, tail = _const_sql(const_names, _const_values(table, const_names, const, dialect))
    names = keys + const_names
    sql = (f'INSERT INTO "{table.name}" ({", ".join(chr(34) + n + chr(34) for n in names)}) '
           f'VALUES ({", ".join(["?"] * len(keys) + const_sql)})')
    getter = itemgetter(*keys) if len(keys) > 1 else (lambda r, k=keys[0]: (r[k],))
    convs = [(i, c) for i, k in enumerate(keys) if (c := _converter(table.c[k], dialect))]
    for start in range(0, len(rows), CHUNK):
        part = rows[start:start + CHUNK]
        if convs:
            params = []
            for r in part:
                values = list(getter(r))
                for i, conv in convs:
                    if values[i] is not None:
                        values[i] = conv(values[i])
                params.append(tuple(values) + tail)
        else:
            params = [getter(r) + tail for r in part]
        conn.exec_driver_sql(sql, params)
    return len(rows)


def update_rows(session: Session, model, rows: Iterable[Mapping[str, Any]], *, key: str = "id",
                const: Mapping[str, Any] | None = None) -> int:
    """UPDATE ``model`` SET the other keys of each row (dicts with the same keys) WHERE ``key``
    matches; ``const`` (e.g. the sync stamp's ``updated_at`` / ``updated_by`` / ``hlc``) is
    set on every row."""
    rows = list(rows)
    if not rows:
        return 0
    table = model.__table__
    conn = session.connection()
    dialect = conn.dialect
    keys = [k for k in rows[0].keys() if k != key]
    const = {k: v for k, v in (const or {}).items() if k in table.c and k not in keys and k != key}
    const_names = list(const)
    const_sql, tail = _const_sql(const_names, _const_values(table, const_names, const, dialect))
    sets = ", ".join([f'"{n}" = ?' for n in keys] + [f'"{n}" = {v}' for n, v in zip(const_names, const_sql)])
    sql = f'UPDATE "{table.name}" SET {sets} WHERE "{key}" = ?'
    convs = {k: c for k in keys if (c := _converter(table.c[k], dialect))}
    params = []
    for r in rows:
        values = tuple(convs[k](r[k]) if k in convs and r[k] is not None else r[k] for k in keys)
        params.append(values + tail + (r[key],))
    for start in range(0, len(params), CHUNK):
        conn.exec_driver_sql(sql, params[start:start + CHUNK])
    return len(params)


class indexes_suspended:
    """Drop the secondary indexes of ``tables`` for a large bulk load and build them again
    afterwards (one sort each instead of a B-tree insert per row).  Inside the unit of
    work's transaction: a rollback restores them untouched.  Only for loads that are large
    next to what the tables already hold; unique constraints stay in force throughout."""

    def __init__(self, session: Session, tables: Sequence[str]):
        self.session = session
        self.tables = list(tables)
        self.saved: list[str] = []

    def __enter__(self) -> "indexes_suspended":
        conn = self.session.connection()
        for table in self.tables:
            for name, sql in conn.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
                    " AND sql NOT LIKE 'CREATE UNIQUE%'", (table,)).all():
                self.saved.append(sql)
                conn.exec_driver_sql(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        if exc_type is not None:
            return  # the transaction is rolled back, indexes and all
        conn = self.session.connection()
        for sql in self.saved:
            conn.exec_driver_sql(sql)


class page_cache:
    """A larger SQLite page cache for one big write (``mb`` megabytes), so that pages are
    not spilled to the WAL and read back while the load runs; the connection's own size is
    restored afterwards."""

    def __init__(self, session: Session, mb: int):
        self.session = session
        self.kib = mb * 1024
        self.before: int | None = None

    def __enter__(self) -> "page_cache":
        conn = self.session.connection()
        self.before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size = -{int(self.kib)}")
        return self

    def __exit__(self, *_exc) -> None:
        if self.before is not None:
            try:
                self.session.connection().exec_driver_sql(f"PRAGMA cache_size = {int(self.before)}")
            except Exception:  # the session may be closing after an error; the pool resets nothing else
                pass
