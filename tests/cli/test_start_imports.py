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


def test_the_window_modules_load_no_file_format_library_nor_sqlalchemy():
    import os

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = "import app.cli, app.ui.app, app.ui.main_window, app.ui.pages.dashboard, app.ui.opening"
    assert _loaded(code, env=env) == []


# ``qingshou gui``, its first figures painted: what was loaded by then, what the window built, and
# (once it is idle) whether the other pages were built and SQLAlchemy loaded after all.
_WINDOW = r"""
import json, sys
from app.ui import smoke

def arm(app, window):
    from PySide6.QtCore import QTimer
    page = window.page("dashboard")
    seen = {}

    def loaded():
        if page.figures is not None and not seen:
            seen["at_figures"] = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
            seen["built"] = [p.key for p in window.stack.built()]
            seen["rate"] = page.cards["rate"].value.text()
            QTimer.singleShot(100, later)

    def later():
        if len(list(window.stack.built())) < len(window.stack.specs):
            QTimer.singleShot(100, later)
            return
        seen["later"] = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
        print(json.dumps(seen))
        app.quit()

    page.loaded.connect(loaded)

smoke.arm = arm
from app.cli import main
main(["gui", "--db", sys.argv[1]])
"""


def test_the_window_paints_its_figures_before_loading_sqlalchemy_then_builds_the_rest(demo_path, tmp_path):
    import os

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QINGSHOU_HOME": str(tmp_path / "home"),
           "QINGSHOU_OPERATOR": "张三"}
    env.pop("QINGSHOU_EXIT_AFTER_SHOWN", None)
    out = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n" + _WINDOW, str(demo_path)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    db = open_database(demo_path)
    try:
        expected = compute(db).totals.rate
    finally:
        db.dispose()
    from app.ui import formatting as fmt

    assert seen["rate"] == fmt.rate(expected)
    assert seen["at_figures"] == []              # painted from plain SQL
    assert seen["built"] == ["dashboard"]        # the other pages came after
    assert "sqlalchemy" in seen["later"]         # loaded in the background for them
