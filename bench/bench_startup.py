"""Start-up on the 50,000-loan demo: whole fresh processes, measured side by side, alternating.

    python -m bench startup                       # or: python -m bench.bench_startup [DB]
    xvfb-run -a python -m bench startup           # the window on a real X server (Xvfb)

Each repetition runs, one after another (so they share whatever load the machine has):

* ``summary``: ``qingshou summary --db DB --json`` (the venv's console script), spawn to exit;
* ``raw_sql``: a bare ``python -c`` computing what plain ``summary`` prints (the totals and every
  township's line, ranked) with ``sqlite3`` alone; ``raw_sql_full``: also the nine categories
  and the bulletin's groups, i.e. everything summary's JSON has; spawn to exit; each one's
  output is checked against summary's once (``raw_sql_same_figures``); the target's ratio is
  against ``raw_sql``, the stricter one;
* ``window``: ``qingshou gui --db DB`` as the user starts it (the CLI, the application, the
  main window, the database opened in the background, the dashboard asking for its figures),
  spawn to the first paint of the 工作台's figures (a paint event of its 清收率 card after the
  figures were set), read from the child's stdout; the only addition is that hook, installed in
  place of ``app.ui.smoke.arm`` (which ``run_gui`` calls once the window exists).  The database
  holds the figures a window's earlier session kept (``dashboard_cache``: nothing changed since,
  as at a user's second start of a day; kept by the parent before the run, untimed), and the
  child says it recalled them;
* ``window_cold``: the same, with no figures kept (dropped before the run, untimed: the first
  start after the data changed), so the figures are computed from every loan;
* ``empty_window``: a bare ``python -c`` that shows an empty ``QMainWindow``, spawn to its first
  paint;
* floors, spawn to exit: ``import_sqlalchemy`` (``python -c "import sqlalchemy"``), and the
  modules ``summary`` and the window import before they do anything (``import_summary_modules``,
  ``import_window_modules``: the CLI, bootstrap and summary; the CLI, ``app.ui.app`` and the main
  window with its pages).

The window runs with a data folder of its own (``QINGSHOU_HOME``), kept over the repetitions: a
first warm-up run takes the day's automatic backup (as a user's first start of the day does), the
measured ones find it.  Every process may write its compiled modules (``PYTHONDONTWRITEBYTECODE``
is dropped, ``PYTHONPYCACHEPREFIX`` a folder of the run's): the warm-up runs compile them once, as
an installed program's first start does — compiling the program's ~100 modules again at every
start cost ≈ 0.15 s of each window start where the environment forbids writing them.  Without ``DISPLAY`` the windows use ``QT_QPA_PLATFORM=offscreen``.
``BENCH_STARTUP_REPS`` (default 7) sets the repetitions.  Medians are reported.
``BENCH_STARTUP_BEFORE=DIR`` (another checkout of the program, e.g. ``git archive`` of an older
commit) adds ``summary_before`` and ``window_before``: the same two commands with that checkout
first on ``PYTHONPATH``, in the same repetitions.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOUSEHOLDS = 36_500     # ~50,000 loans
ROOT = Path(__file__).resolve().parents[1]
READY = "BENCH-PAINTED"
TIMEOUT_S = 120

# The figures ``qingshou summary`` prints, from SQLite alone (app.services.reporting.summary's rules: a loan
# is in scope once on the task list by the date; what it recovered is the principal repaid by
# then, capped at its task amount).  ``RAW_SQL``: the totals and every township's line, ranked
# (what the plain ``summary`` prints), in one grouped query and one count of households;
# ``RAW_SQL_FULL`` adds the nine categories and the bulletin's groups (a household's tag covers
# all its loans), i.e. everything ``summary --json`` has.
RAW_SQL = r"""
import json, sqlite3, sys
from datetime import date
con = sqlite3.connect(sys.argv[1])
d = {"d": date.today().isoformat()}
SCOPE = '''FROM loans l LEFT JOIN (SELECT loan_id, SUM(principal_fen) AS rec FROM repayments
                        WHERE deleted = 0 AND paid_on <= :d GROUP BY loan_id) r ON r.loan_id = l.id
WHERE l.deleted = 0 AND l.task_date <= :d'''
def yuan(f): return "%s%d.%02d" % ("-" if f < 0 else "", abs(f) // 100, abs(f) % 100)
def rate(r, t): return round(r / t, 4) if t > 0 else 0.0
def line(n, h, t, r, s): return {"loans": n, "households": h, "task_amount": yuan(t), "recovered": yuan(r),
                                 "outstanding": yuan(t - r), "recovery_rate": rate(r, t), "loans_settled": s}
rows = {tw: rest for tw, *rest in con.execute('''SELECT tw, COUNT(*), COUNT(DISTINCT hh), SUM(task), SUM(rec),
    SUM(rec >= task) FROM (SELECT l.township_id AS tw, l.household_id AS hh, l.task_amount_fen AS task,
    MIN(COALESCE(r.rec, 0), l.task_amount_fen) AS rec ''' + SCOPE + ") GROUP BY tw", d)}
households = con.execute("SELECT COUNT(DISTINCT household_id) FROM loans WHERE deleted = 0 AND task_date <= :d",
                         d).fetchone()[0]
total = [sum(f[i] for f in rows.values()) for i in range(5)]
out = {"as_of": d["d"], "totals": line(total[0], households, *total[2:])}
names = dict(con.execute("SELECT id, name FROM units WHERE kind = 'township' AND deleted = 0"))
towns = [(names.get(u, "（未知乡镇）"), rows.get(u, (0, 0, 0, 0, 0))) for u in {**names, **rows}]
towns.sort(key=lambda x: (-rate(x[1][3], x[1][2]), -x[1][3], x[0]))
out["townships"] = [{"name": name, **line(*f), "rank": i} for i, (name, f) in enumerate(towns, 1)]
sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
"""

RAW_SQL_FULL = r"""
import json, sqlite3, sys
from datetime import date
GROUP = %(groups)r
NAMES = %(names)r
GROUP_NAMES = %(group_names)r
con = sqlite3.connect(sys.argv[1])
d = date.today().isoformat()
con.execute("CREATE TEMP TABLE s (id TEXT PRIMARY KEY, hh TEXT, tw TEXT, task INTEGER, rec INTEGER) WITHOUT ROWID")
con.execute('''INSERT INTO s SELECT l.id, l.household_id, l.township_id, l.task_amount_fen,
       MIN(COALESCE(r.rec, 0), l.task_amount_fen)
FROM loans l LEFT JOIN (SELECT loan_id, SUM(principal_fen) AS rec FROM repayments
                        WHERE deleted = 0 AND paid_on <= :d GROUP BY loan_id) r ON r.loan_id = l.id
WHERE l.deleted = 0 AND l.task_date <= :d''', {"d": d})
con.execute("CREATE INDEX temp.s_hh ON s (hh)")
FIG = "COUNT(*), COUNT(DISTINCT hh), COALESCE(SUM(task), 0), COALESCE(SUM(rec), 0), COALESCE(SUM(rec >= task), 0)"
def yuan(f): return "%%s%%d.%%02d" %% ("-" if f < 0 else "", abs(f) // 100, abs(f) %% 100)
def rate(r, t): return round(r / t, 4) if t > 0 else 0.0
def line(n, h, t, r, s): return {"loans": n, "households": h, "task_amount": yuan(t), "recovered": yuan(r),
                                 "outstanding": yuan(t - r), "recovery_rate": rate(r, t), "loans_settled": s}
n, h, t, r, s = con.execute("SELECT " + FIG + " FROM s").fetchone()
out = {"as_of": d, "totals": line(n, h, t, r, s)}
names = dict(con.execute("SELECT id, name FROM units WHERE kind = 'township' AND deleted = 0"))
rows = {tw: rest for tw, *rest in con.execute("SELECT tw, " + FIG + " FROM s GROUP BY tw")}
towns = [(names.get(u, "（未知乡镇）"), rows.get(u, (0, 0, 0, 0, 0))) for u in {**names, **rows}]
towns.sort(key=lambda x: (-rate(x[1][3], x[1][2]), -x[1][3], x[0]))
out["townships"] = [{"name": name, **line(*f), "rank": i} for i, (name, f) in enumerate(towns, 1)]
con.execute('''CREATE TEMP TABLE tagged AS
SELECT t.code, s.id FROM category_tags t JOIN s ON s.id = t.loan_id
WHERE t.deleted = 0 AND (t.since IS NULL OR t.since <= :d) AND t.loan_id IS NOT NULL
UNION SELECT t.code, s.id FROM category_tags t JOIN s ON s.hh = t.household_id
WHERE t.deleted = 0 AND (t.since IS NULL OR t.since <= :d) AND t.loan_id IS NULL''', {"d": d})
con.execute("CREATE TEMP TABLE grp (code TEXT, g TEXT)")
con.executemany("INSERT INTO grp VALUES (?, ?)", GROUP.items())
CAT = "COUNT(*), COUNT(DISTINCT s.hh), COALESCE(SUM(s.task), 0), COALESCE(SUM(s.rec), 0)"
def cats(sql, names):
    got = {c: rest for c, *rest in con.execute(sql)}
    return [{"code": c, "name": nm, "loans": (f := got.get(c, (0, 0, 0, 0)))[0], "households": f[1],
             "task_amount": yuan(f[2]), "recovered": yuan(f[3]), "recovery_rate": rate(f[3], f[2])}
            for c, nm in names]
out["categories"] = cats("SELECT x.code, " + CAT + " FROM tagged x JOIN s ON s.id = x.id GROUP BY x.code", NAMES)
out["category_groups"] = cats("SELECT x.g, " + CAT + " FROM (SELECT DISTINCT grp.g, tagged.id FROM tagged "
                              "JOIN grp ON grp.code = tagged.code) x JOIN s ON s.id = x.id GROUP BY x.g", GROUP_NAMES)
sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
"""

EMPTY_WINDOW = r'''
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.resize(1280, 720)
class First(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and not getattr(self, "seen", False):
            self.seen = True
            QTimer.singleShot(0, lambda: (print("%(ready)s", flush=True), app.quit()))
        return False
f = First()
w.installEventFilter(f)
w.show()
app.exec()
'''


def raw_sql_full_code() -> str:
    from app.domain.categories import BULLETIN_GROUPS, CATEGORIES

    return RAW_SQL_FULL % {"groups": {c.code: c.group for c in CATEGORIES},
                      "names": [(c.code, c.name) for c in CATEGORIES], "group_names": list(BULLETIN_GROUPS)}


# -- the window, in the child ---------------------------------------------------------------------
def window_child(db_path: str) -> int:
    """``qingshou gui --db DB`` with one addition: print READY on the first paint of the dashboard's
    清收率 card after its figures are set, then quit."""
    from app.ui import smoke

    def arm(app, window) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer

        page = window.page("dashboard")
        state = {"figures": False, "painted": False}

        def loaded() -> None:
            if page.figures is not None:
                state["figures"] = True
                page.cards["rate"].value.update()   # it is repainted anyway when its text changed

        class FirstPaint(QObject):
            def eventFilter(self, obj, event):
                if event.type() == QEvent.Type.Paint and state["figures"] and not state["painted"]:
                    state["painted"] = True
                    QTimer.singleShot(0, done)     # after this paint pass is flushed to the screen
                return False

        def done() -> None:
            how = "recalled" if page.figures.recalled else "computed"
            print(f"{READY} {page.cards['rate'].value.text()} {how}", flush=True)
            app.quit()

        page.loaded.connect(loaded)
        window._bench_filter = FirstPaint(window)
        page.cards["rate"].value.installEventFilter(window._bench_filter)

    smoke.arm = arm
    from app.cli import main

    return main(["gui", "--db", db_path])


# -- the parent ------------------------------------------------------------------------------------
def _console_script() -> list[str]:
    script = Path(sys.executable).parent / "qingshou"
    return [str(script)] if script.exists() else [sys.executable, "-m", "app"]


def _until_exit(cmd: list[str], env: dict) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=env["PYTHONPATH"], timeout=TIMEOUT_S)
    elapsed = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed ({out.returncode}): {out.stderr[-2000:]}")
    return elapsed, out.stdout


def _until_ready(cmd: list[str], env: dict) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=env["PYTHONPATH"])
    try:
        for line in proc.stdout:
            if line.startswith(READY):
                elapsed = time.perf_counter() - t0
                said = line.strip()
                break
        else:
            raise RuntimeError(f"{cmd[:3]} ended without painting: {proc.stderr.read()[-2000:]}")
        proc.wait(TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return elapsed, said


def _figures_kept(db_path: Path, keep: bool) -> None:
    """Before a window run (untimed): the figures kept as a window's earlier session leaves
    them, or none kept."""
    from datetime import date

    from app.bootstrap import open_database
    from app.services.reporting import dashboard_cache

    db = open_database(db_path)
    try:
        if not keep:
            dashboard_cache.forget(db)
        elif dashboard_cache.recall(db, date.today()) is None:
            dashboard_cache.remember(db, dashboard_cache.compute(db, date.today()))
    finally:
        db.dispose()


def _same_figures(summary: dict, raw: dict) -> bool:
    """The raw process's figures are summary's (each key it has)."""
    return all(summary[k] == raw[k] for k in raw)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(path: Path | None = None, reps: int | None = None) -> dict:
    reps = reps or int(os.environ.get("BENCH_STARTUP_REPS", "7"))
    with tempfile.TemporaryDirectory(prefix="qingshou-bench-start-") as tmp:
        tmp_path = Path(tmp)
        db_path = tmp_path / "demo.db"
        if path is None:
            from app.services.foundation.demo import DemoOptions, make_demo

            make_demo(db_path, DemoOptions(households=HOUSEHOLDS, seed=1))
        else:
            db_path = Path(path)
        home = tmp_path / "home"
        home.mkdir()
        env = {**os.environ, "QINGSHOU_HOME": str(home), "PYTHONPATH": str(ROOT),
               # as an installed program starts: its modules compiled once (the warm-up run writes
               # them; PyInstaller's bundle ships them compiled), not from source at every start
               "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("QINGSHOU_EXIT_AFTER_SHOWN", None)
        platform = "xcb (DISPLAY=%s)" % os.environ["DISPLAY"] if os.environ.get("DISPLAY") else "offscreen"
        if not os.environ.get("DISPLAY"):
            env["QT_QPA_PLATFORM"] = "offscreen"
        commands = {
            "summary": (_until_exit, [*_console_script(), "summary", "--db", str(db_path), "--json"], env),
            "raw_sql": (_until_exit, [sys.executable, "-c", RAW_SQL, str(db_path)], env),
            "raw_sql_full": (_until_exit, [sys.executable, "-c", raw_sql_full_code(), str(db_path)], env),
            "window": (_until_ready, [sys.executable, "-m", "bench.bench_startup", "--window", str(db_path)], env),
            "window_cold": (_until_ready, [sys.executable, "-m", "bench.bench_startup", "--window", str(db_path)], env),
            "empty_window": (_until_ready, [sys.executable, "-c", EMPTY_WINDOW % {"ready": READY}], env),
            # floors: what any process of the program pays before it does anything
            "import_sqlalchemy": (_until_exit, [sys.executable, "-c", "import sqlalchemy"], env),
            "import_summary_modules": (_until_exit, [sys.executable, "-c", "import app.cli, app.bootstrap, "
                                                     "app.services.reporting.summary"], env),
            "import_window_modules": (_until_exit, [sys.executable, "-c", "import app.cli, app.ui.app, "
                                                    "app.ui.main_window"], env),
        }
        before = os.environ.get("BENCH_STARTUP_BEFORE")   # another checkout of the program, side by side
        if before:
            benv = {**env, "PYTHONPATH": str(Path(before).resolve())}
            commands["summary_before"] = (_until_exit, commands["summary"][1], benv)
            commands["window_before"] = (_until_ready, commands["window"][1], benv)
        # warm-up (the OS's file cache, the day's automatic backup), and the figures compared once
        _, summary_out = _until_exit(commands["summary"][1], env)
        kept = {"window": True, "window_cold": False}      # the figures kept before each window run
        for name in ("window", "empty_window", *(("window_before", "summary_before") if before else ())):
            commands[name][0](commands[name][1], commands[name][2])
        summary_json = json.loads(summary_out)
        same = {name: _same_figures(summary_json, json.loads(_until_exit(commands[name][1], env)[1]))
                for name in ("raw_sql", "raw_sql_full")}
        loads = [_load()]
        times: dict[str, list[float]] = {name: [] for name in commands}
        said: dict[str, set[str]] = {name: set() for name in kept}
        for _ in range(reps):
            for name, (measure, cmd, cenv) in commands.items():
                if name in kept:
                    _figures_kept(db_path, kept[name])
                elapsed, out = measure(cmd, cenv)
                times[name].append(elapsed)
                if name in kept:
                    said[name].add(out.split()[-1])
            loads.append(_load())
        if said != {"window": {"recalled"}, "window_cold": {"computed"}}:
            raise RuntimeError(f"the windows did not start as meant: {said}")
        shutil.rmtree(home, ignore_errors=True)
    med = {name: statistics.median(v) for name, v in times.items()}
    ratios = {"summary_over_raw_sql": round(med["summary"] / med["raw_sql"], 2),
              "summary_over_raw_sql_full": round(med["summary"] / med["raw_sql_full"], 2),
              "window_over_empty_window": round(med["window"] / med["empty_window"], 2),
              "window_cold_over_empty_window": round(med["window_cold"] / med["empty_window"], 2)}
    if before:
        ratios["before_summary_over_raw_sql"] = round(med["summary_before"] / med["raw_sql"], 2)
    return {
        "loans": summary_json["totals"]["loans"], "platform": platform, "repetitions": reps,
        "raw_sql_same_figures": same, "load_average_1_5_15": loads,
        "runs_s": {name: [round(x, 3) for x in v] for name, v in times.items()},
        "median_s": {name: round(v, 3) for name, v in med.items()},
        **ratios, "before": before,
        "targets": {"window_painted_s": 0.6, "summary_over_raw_sql": 2.0},
    }


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--window":
        raise SystemExit(window_child(sys.argv[2]))
    print(json.dumps(run(Path(sys.argv[1]) if len(sys.argv) > 1 else None), ensure_ascii=False, indent=2))
