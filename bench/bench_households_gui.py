"""The 借款户 list in the window with 100,000 households.

    python -m bench.bench_households_gui            # prints JSON; --households N for a smaller run

Measured in child processes (offscreen Qt, the bundled font), so the peak memory is the window's:

* open (one process): from creating the 借款户 page to its first rows painted (the index check
  runs in the background, as in the window), five fresh pages — target < 300 ms;
* search as you type (another process, the main window on the list): each keystroke of a few
  queries, typed one character at a time, through the model — set the text, the model resets
  with the new count and first page of ids, the first screen's cells are asked for (their
  display fields loaded) — target p95 < 50 ms; also timed with the painting of the table;
* peak RSS of that process after typing, filters, scrolling far down the list and opening a
  household — target < 400 MB.

The database is the one bench/bench_search.py makes and caches (``make_demo(path,
DemoOptions(households=100000, seed=1))`` under /tmp/qingshou-bench; making it takes minutes).
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

QUERIES = ("zs", "张", "6224", "1391", "620100", "王建国", "zgq")
ROUNDS = 15
OPEN_RUNS = 5


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def _stats(ms: list[float]) -> dict:
    return {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(_pct(ms, 95), 2),
            "max_ms": round(max(ms), 2), "n": len(ms)}


# -- the child processes -------------------------------------------------------------------------
def _app(db_path: str):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["QINGSHOU_HOME"] = tempfile.mkdtemp(prefix="qingshou-bench-gui-")
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import open_database
    from app.ui.app import setup_application

    app = QApplication([])
    setup_application(app)
    return app, open_database(Path(db_path))


def _until(app, condition, limit_s: float = 120) -> None:
    end = time.perf_counter() + limit_s
    while not condition():
        app.processEvents()
        if time.perf_counter() > end:
            raise TimeoutError("the page did not answer")
        time.sleep(0.0005)


def _first_rows(page, screen: int = 22) -> None:
    """What the view asks when it shows the first screen: every cell's text."""
    model = page.model
    for r in range(min(screen, model.rowCount())):
        for c in range(model.columnCount()):
            model.index(r, c).data()


def _warm_font(app) -> None:
    """In the window the navigation and the dashboard have painted Chinese text before the list
    opens; do the same once, so the first measurement is not the font's first use."""
    from PySide6.QtWidgets import QLabel

    label = QLabel("借款户 工作台 走访 还款协议 报表 数据同步 设置 0123456789,.")
    label.show()
    label.grab()
    label.close()
    app.processEvents()


def _child_open(db_path: str) -> dict:
    """From creating the 借款户 page to its first rows painted, OPEN_RUNS times (fresh pages)."""
    app, db = _app(db_path)
    from app.ui import tasks
    from app.ui.pages.households import HouseholdsPage

    _warm_font(app)

    opens = []
    for _ in range(OPEN_RUNS):
        t = time.perf_counter()
        page = HouseholdsPage()
        page.resize(1216, 650)
        page.show()
        page.set_database(db)
        _until(app, lambda p=page: p._ready and p.model.rowCount() > 0)
        page.table.viewport().repaint()          # paint: the visible rows load their fields
        assert page.model.record(0) is not None
        opens.append((time.perf_counter() - t) * 1000)
        settle = time.perf_counter() + 0.5          # the filter choices load a moment later
        _until(app, lambda s=settle: time.perf_counter() > s and tasks.running() == 0)
        page.close()
        page.deleteLater()
        app.processEvents()
    tasks.wait_for_all()
    db.dispose()
    return {"first_ms": round(opens[0], 1), **_stats(opens), "target_ms": 300, "met": max(opens) < 300}


def _child_window(db_path: str) -> dict:
    """The main window on the list: typing, filters, scrolling, a household; peak memory."""
    import resource

    app, db = _app(db_path)
    from app.ui import tasks
    from app.ui.main_window import MainWindow

    window = MainWindow()
    window._auto_backup = lambda _db: None       # no copy of a 800 MB file in the measurement
    window.resize(1366, 700)
    window.show_page("households")
    window.show()
    window.set_database(db)
    page = window.page("households")
    _until(app, lambda: page._ready and page.model.rowCount() > 0 and tasks.running() == 0)
    page.table.viewport().repaint()

    model_ms: dict[str, list[float]] = {q: [] for q in QUERIES}
    painted_ms: list[float] = []
    matches: dict[str, int] = {}
    for _ in range(ROUNDS):
        for q in QUERIES:
            for n in range(1, len(q) + 1):       # one keystroke at a time
                t = time.perf_counter()
                page.search.setText(q[:n])
                page.apply_filter()              # what the 150 ms debounce then runs: count + first ids
                _first_rows(page)                # the first screen's cells
                t1 = time.perf_counter()
                page.table.viewport().repaint()  # and the painting of the table on top
                model_ms[q].append((t1 - t) * 1000)
                painted_ms.append((time.perf_counter() - t) * 1000)
            matches[q] = page.model.total
            page.search.clear()
            page.apply_filter()
    all_keys = [ms for q in QUERIES for ms in model_ms[q]]

    def timed(action) -> float:
        t = time.perf_counter()
        action()
        page.table.viewport().repaint()
        return round((time.perf_counter() - t) * 1000, 1)

    bar = page.filters
    others = {
        "tick 待跟进": timed(lambda: bar.due.setChecked(True)),
        "also tick 承诺未兑现": timed(lambda: bar.broken.setChecked(True)),
        "清除筛选": timed(page.clear_filters),
        "sort by 剩余 (header click)": timed(lambda: page.model.sort(6, 1)),
        "sort by 户主 again": timed(lambda: page.model.sort(0, 0)),
    }
    # scroll far down (fetchMore in pages of ids), then open a household and go back
    t = time.perf_counter()
    for _ in range(25):
        page.table.scrollToBottom()
        app.processEvents()
        page.table.viewport().repaint()
    scrolled_rows = page.model.rowCount()
    scroll_ms = (time.perf_counter() - t) * 1000
    page.open_household(page.model.household_id(0))
    _until(app, lambda: page.view.detail is not None and tasks.running() == 0)
    page.show_list()
    app.processEvents()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tasks.wait_for_all()
    db.dispose()
    return {
        "typing": {"per_keystroke": _stats(all_keys), "target_p95_ms": 50, "met": _pct(all_keys, 95) < 50,
                   "with_painting": _stats(painted_ms),
                   "queries": {q: {"matches": matches[q], **_stats(model_ms[q])} for q in QUERIES}},
        "other_ms": others,
        "scroll": {"rows_loaded": scrolled_rows, "ms": round(scroll_ms, 1)},
        "rss_mb": {"peak": round(peak, 1), "target": 400, "met": peak < 400},
    }


# -- the parent ----------------------------------------------------------------------------------
def run(households: int = 100_000) -> dict:
    from bench.bench_search import _ensure_db

    path, made_in = _ensure_db(households)
    root = Path(__file__).resolve().parents[1]

    def child(mode: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "bench.bench_households_gui", mode, str(path)], cwd=root,
                              capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            raise RuntimeError(f"child {mode} failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    result = {"open_ms": child("--open"), **child("--window")}
    return {
        "bench": "households_gui",
        "date": date.today().isoformat(),
        "machine": {"cpus": os.cpu_count(), "arch": platform.machine(), "python": platform.python_version()},
        "households": households,
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "database": str(path),
        "demo_made_in_s": round(made_in, 1) if made_in else None,
        **result,
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--open"]:
        print(json.dumps(_child_open(sys.argv[2]), ensure_ascii=False))
    elif sys.argv[1:2] == ["--window"]:
        print(json.dumps(_child_window(sys.argv[2]), ensure_ascii=False))
    else:
        n = 100_000
        if "--households" in sys.argv:
            n = int(sys.argv[sys.argv.index("--households") + 1])
        print(json.dumps(run(n), ensure_ascii=False, indent=2))
