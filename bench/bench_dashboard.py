"""The 工作台 on the 50,000-loan demo spread over 36 townships (target: the dashboard shows in
under 1 s).

    python -m bench.bench_dashboard [DB]      # prints JSON; DB: a 36,500-household demo to start from

* the data (no Qt): ``dashboard.figures`` (the summary), ``dashboard.progress`` (the progress
  chart's points; no bulletin issued yet: its earlier dates computed, the dearest case) and
  ``worklist.compute``, the page's background tasks, each alone;
* the page (a child process: offscreen Qt, the bundled font, the window at 1366x700): from
  handing the window the database to the dashboard's figures, tables and the rates chart shown
  (``loaded``), to the progress chart shown (asked for next), to every background task done (the
  worklist, asked for last), and then painting the 图表 tab;
  the GUI thread's share (filling the tables and building the charts) timed on its own.  Three
  windows one after another in the same process; the first pays Qt's and the font's start.

The demo makes 12 townships; a copy has its villages dealt out over 36 (households and loans
follow their village), as a district of 36 townships would have them.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.util import timed

HOUSEHOLDS = 36_500     # ~50,000 loans
TOWNSHIPS = 36
WINDOWS = 3


def spread(path: Path, townships: int = TOWNSHIPS) -> int:
    """Deal the villages of the demo at ``path`` out over ``townships`` townships (in place)."""
    con = sqlite3.connect(path)
    try:
        have = con.execute("SELECT id, name FROM units WHERE kind = 'township' ORDER BY name").fetchall()
        ids = [r[0] for r in have]
        for i in range(len(have), townships):
            new = str(uuid.uuid4())
            con.execute("INSERT INTO units (id, name, kind, parent_id, deleted, created_at, updated_at, hlc, seq) "
                        "SELECT :id, :name, kind, parent_id, 0, created_at, updated_at, hlc, seq FROM units "
                        "WHERE id = :like", {"id": new, "name": f"{have[i % len(have)][1][:-1]}{i // len(have) + 1}"
                                             f"{have[i % len(have)][1][-1]}", "like": have[0][0]})
            ids.append(new)
        villages = con.execute("SELECT id, name FROM villages ORDER BY township_id, name").fetchall()
        con.execute("UPDATE villages SET township_id = id")     # out of the way while they are dealt out
        taken: set[tuple[str, str]] = set()    # a township has one village of a name
        for i, (village, name) in enumerate(villages):
            township = next(t for k in range(townships) if ((t := ids[(i + k) % townships]), name) not in taken)
            taken.add((township, name))
            con.execute("UPDATE villages SET township_id = ? WHERE id = ?", (township, village))
        con.execute("UPDATE households SET township_id = (SELECT v.township_id FROM villages v "
                    "WHERE v.id = households.village_id) WHERE village_id IS NOT NULL")
        con.execute("UPDATE loans SET township_id = (SELECT h.township_id FROM households h "
                    "WHERE h.id = loans.household_id)")
        con.execute("UPDATE household_index SET township_id = (SELECT h.township_id FROM households h "
                    "WHERE h.id = household_index.household_id)")
        con.commit()
        return con.execute("SELECT COUNT(DISTINCT township_id) FROM loans WHERE deleted = 0").fetchone()[0]
    finally:
        con.close()


def run(path: Path | None = None) -> dict:
    from app.bootstrap import open_database
    from app.services.foundation.demo import DemoOptions, make_demo

    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "district36.db"
        if path is None:
            make_demo(db_path, DemoOptions(households=HOUSEHOLDS, seed=1))
        else:
            shutil.copyfile(path, db_path)
        n = spread(db_path)
        db = open_database(db_path)
        try:
            data = _data(db)
        finally:
            db.dispose()
        page = _page(db_path)
    return {"townships": n, **data, "page": page, "target_s": 1.0}


def _data(db) -> dict:
    from app.services import households
    from app.services.reporting import dashboard, summary
    from app.services.work import worklist

    households.prepare(db)      # the household index checked, as the window does first
    s = summary.compute(db)
    return {
        "loans": s.totals.loans,
        "summary": timed(lambda: summary.compute(db), repeat=3),
        "progress_points": timed(lambda: dashboard.progress(db, s), repeat=3),
        "dashboard_figures": timed(lambda: dashboard.figures(db), repeat=3),
        "worklist": timed(lambda: worklist.compute(db, limit=100), repeat=3),
    }


# -- the page, in a child process --------------------------------------------------------------
def _page(db_path: Path) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.bench_dashboard", "--page", str(db_path)],
                         capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _child(db_path: str) -> dict:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["QINGSHOU_HOME"] = tempfile.mkdtemp(prefix="qingshou-bench-dash-")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui import tasks
    from app.ui.app import setup_application
    from app.ui.dbfiles import open_existing
    from app.ui.main_window import MainWindow
    from app.ui.pages import dashboard as dashboard_page

    app = QApplication([])
    setup_application(app)
    MainWindow.ask_operator_on_open = False
    MainWindow._auto_backup = lambda self, db: None    # a fresh data folder would copy the 330 MB file first
    gui_ms: list[float] = []
    show = dashboard_page.DashboardPage._show

    def timed_show(self, generation, found):
        t = time.perf_counter()
        show(self, generation, found)
        gui_ms.append((time.perf_counter() - t) * 1000)

    dashboard_page.DashboardPage._show = timed_show
    runs = []
    for _ in range(WINDOWS):
        db = open_existing(Path(db_path))
        win = MainWindow()
        win.resize(1366, 700)
        win.show()
        app.processEvents()
        page = win.page("dashboard")
        seen = {}
        loop = QEventLoop()
        page.loaded.connect(lambda seen=seen, loop=loop: (seen.setdefault("loaded", time.perf_counter()), loop.quit()))
        page.progress_loaded.connect(lambda seen=seen: seen.setdefault("progress", time.perf_counter()))
        t0 = time.perf_counter()
        win.set_database(db)
        loop.exec()       # waits in Qt, as the window does (a Python polling loop would hold the GIL)
        shown = seen["loaded"] - t0
        while tasks.running():
            QTimer.singleShot(5, loop.quit)
            loop.exec()
        everything = time.perf_counter() - t0
        page.tabs.setCurrentIndex(1)
        t = time.perf_counter()
        win.grab()
        charts_paint = time.perf_counter() - t
        runs.append({"figures_shown_s": round(shown, 3), "progress_chart_shown_s": round(seen["progress"] - t0, 3),
                     "all_tasks_done_s": round(everything, 3),
                     "gui_thread_show_ms": round(gui_ms[-1], 1), "charts_tab_paint_ms": round(charts_paint * 1000, 1)})
        win.close()
        win.deleteLater()
        app.processEvents()
        db.dispose()
    return {"windows": runs}


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--page":
        print(json.dumps(_child(sys.argv[2])))
    else:
        print(json.dumps(run(Path(sys.argv[1]) if len(sys.argv) > 1 else None), ensure_ascii=False, indent=2))
