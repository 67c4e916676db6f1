"""What a start loads: ``summary`` on a current database needs neither SQLAlchemy nor Alembic, the
window's modules none of the file-format libraries (each is loaded by the command that writes
or reads its format).  Regressions here cost every start ~0.25 s each and nothing else shows them.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading

from app.bootstrap import open_database
from app.services.reporting.summary import compute

HEAVY = ("sqlalchemy", "alembic", "openpyxl", "reportlab", "docx", "python_calamine", "cryptography")


def _loaded(code: str, *args: str, env: dict | None = None) -> dict:
    probe = (f"{code}\nimport json, sys\n"
             f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))")
    out = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_summary_of_a_current_database_loads_no_sqlalchemy(demo_db):
    code = ("import sys\nfrom app.cli import main\n"
            "assert main(['summary', '--db', sys.argv[1], '--json']) == 0")
    assert _loaded(code, str(demo_db.path)) == []


def test_summary_read_without_the_engine_is_the_summary_with_it(demo_db):
    fresh = open_database(demo_db.path)
    try:
        assert fresh._engine is None            # opened without SQLAlchemy
        without = compute(fresh).to_json()
        fresh.engine                             # noqa: B018  (made now: reads go through its pool)
        assert compute(fresh).to_json() == without
    finally:
        fresh.dispose()
    assert without == compute(demo_db).to_json()


def test_the_engine_is_made_once_when_tasks_ask_at_once(demo_db):
    db = open_database(demo_db.path)
    got, start = [], threading.Barrier(4)

    def ask() -> None:
        start.wait()
        got.append(db.engine)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert len({id(e) for e in got}) == 1
    finally:
        db.dispose()


def test_the_window_modules_load_no_file_format_library():
    import os

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    assert _loaded("import app.cli, app.ui.app, app.ui.main_window", env=env) == ["sqlalchemy"]
