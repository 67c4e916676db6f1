"""Benchmark: importing a 100,000-row bank ledger.

Target (ledger import issue): the import takes at most 2.5× the time python-calamine alone
takes to read the same file, measured in the same run, with peak memory under 500 MB.

Each measurement runs in a fresh subprocess (so that peak RSS, from
``resource.getrusage``, is that job's own): calamine reading every sheet into Python
lists, then ``import_ledger`` into a new district database.  They alternate, three
times each; the medians are compared.

    python -m bench.bench_ledger [--loans N] [--rounds R]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 2.5
TARGET_RSS_MB = 500
ROOT = Path(__file__).resolve().parent.parent


def _peak_rss_mb() -> float:
    import resource

    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / 1024 / (1024 if sys.platform == "darwin" else 1), 1)


def _cpu_s() -> float:
    """CPU seconds this process used (user + system): less sensitive than wall time to other
    jobs sharing the machine."""
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def child_calamine(path: str) -> dict:
    from python_calamine import CalamineWorkbook

    t, cpu = time.perf_counter(), _cpu_s()
    wb = CalamineWorkbook.from_path(path)
    cells = 0
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python()
        cells += sum(len(r) for r in rows)
        del rows
    return {"seconds": round(time.perf_counter() - t, 3), "cpu_s": round(_cpu_s() - cpu, 3),
            "peak_rss_mb": _peak_rss_mb(), "cells": cells}


def child_import(path: str, db_path: str) -> dict:
    from app.bootstrap import open_database
    from app.services.foundation.setup import initialise
    from app.services.ledger_import import import_ledger

    db = open_database(Path(db_path))
    initialise(db, role="district", unit_name="示范区")
    marks: dict[str, float] = {}   # first time each progress message was seen
    t, cpu = time.perf_counter(), _cpu_s()
    # As `qingshou import-ledger` does (the only user of the database: see app.db.journal).
    result = import_ledger(db, path, progress=lambda _p, _total, msg: marks.setdefault(msg, time.perf_counter() - t),
                           sole_user=True)
    seconds, cpu = time.perf_counter() - t, _cpu_s() - cpu
    db.dispose()
    steps = sorted(marks.items(), key=lambda kv: kv[1]) + [("end", seconds)]
    phases = {name: round(steps[k + 1][1] - at, 2) for k, (name, at) in enumerate(steps[:-1])}
    return {"seconds": round(seconds, 3), "cpu_s": round(cpu, 3), "peak_rss_mb": _peak_rss_mb(),
            "loans": result.loans_imported,
            "households": result.households, "rejected": len(result.rows_rejected),
            "warnings": len(result.warnings), "phases": phases}


def _run_child(*args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "bench.bench_ledger", "--child", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(loans: int = 100_000, rounds: int = 3) -> dict:
    from bench.ledger_data import cached_ledger

    path = cached_ledger(loans)
    calamine, imports = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(rounds):
            calamine.append(_run_child("calamine", str(path)))
            imports.append(_run_child("import", str(path), str(Path(tmp) / f"bench{k}.db")))
    read_s = statistics.median(c["seconds"] for c in calamine)
    import_s = statistics.median(i["seconds"] for i in imports)
    peak = max(i["peak_rss_mb"] for i in imports)
    ratio = round(import_s / read_s, 2)
    return {
        "bench": "ledger_import", "loans_in_file": loans, "file_mb": round(path.stat().st_size / 1e6, 1),
        "calamine_read_s": read_s, "import_s": import_s, "ratio": ratio, "target_ratio": TARGET_RATIO,
        "import_peak_rss_mb": peak, "calamine_peak_rss_mb": max(c["peak_rss_mb"] for c in calamine),
        "target_rss_mb": TARGET_RSS_MB, "ratio_ok": ratio <= TARGET_RATIO, "rss_ok": peak < TARGET_RSS_MB,
        "calamine_runs": [c["seconds"] for c in calamine], "import_runs": [i["seconds"] for i in imports],
        "calamine_cpu_s": statistics.median(c["cpu_s"] for c in calamine),
        "import_cpu_s": statistics.median(i["cpu_s"] for i in imports),
        "imported": imports[-1]["loans"], "households": imports[-1]["households"],
        "rejected": imports[-1]["rejected"], "warnings": imports[-1]["warnings"],
        "import_phases_s": imports[-1]["phases"],
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.bench_ledger")
    p.add_argument("--loans", type=int, default=100_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        out = child_calamine(*rest) if kind == "calamine" else child_import(*rest)
        print(json.dumps(out))
        return 0
    print(json.dumps(run(args.loans, args.rounds), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
