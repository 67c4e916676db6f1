"""Alembic environment.  Used by the program itself (app.db.migrate passes its connection) and by
developers, on a fresh clone as on any other:

    .venv/bin/alembic -c db/alembic.ini revision --autogenerate -m "what changed"

Autogenerate compares the models with a database at the newest migration.  Without a
``sqlalchemy.url`` (db/alembic.ini names none) that database is a temporary one, brought to head
by the program's own upgrade in a separate process and deleted afterwards; so the command needs
no ``alembic upgrade head`` first and leaves no database behind.  ``-x url=sqlite:///F.db``
points it at a database of your own instead.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import context
from sqlalchemy import create_engine

from app.db import models  # noqa: F401  (registers every table)
from app.db.base import Base
from app.db.base import include_name as _include_name

config = context.config
target_metadata = Base.metadata

_UPGRADE = ("import sys\nfrom sqlalchemy import create_engine\nfrom app.db.migrate import upgrade\n"
            "upgrade(create_engine('sqlite:///' + sys.argv[1]))\n")


def _chosen_url() -> str | None:
    return context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url") or None


@contextmanager
def _database_at_head() -> Iterator[str]:
    """The URL of a temporary SQLite database upgraded to the newest migration."""
    with tempfile.TemporaryDirectory(prefix="qingshou-alembic-") as folder:
        path = Path(folder) / "head.db"
        subprocess.run([sys.executable, "-c", _UPGRADE, str(path)], check=True,
                       cwd=Path(__file__).resolve().parents[2])
        yield f"sqlite:///{path}"


def run_migrations_offline() -> None:
    context.configure(url=_chosen_url() or "sqlite://", target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True, include_name=_include_name)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = _chosen_url()
    if url:
        _run_on(url)
        return
    with _database_at_head() as url:
        _run_on(url)


def _run_on(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True, include_name=_include_name)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
