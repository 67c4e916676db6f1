"""What SQLite alone needs to store a 100,000-row ledger's import: the floor under any writer.

Imports the benchmark ledger once (as ``bench_ledger`` does), then copies every row the
import wrote into a fresh database of the same schema with ``INSERT … SELECT`` — pure C,
no Python per row — builds the same indexes and commits with ``synchronous=FULL``, once
with the rollback journal and once with WAL (whose commit includes the checkpoint).
Compared with calamine's read of the same file, it says how much of the 2.5× budget is left
for Python to check and plan 100,000 rows.

    python -m bench.bench_ledger_floor [--loans N]
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

TABLES = ("villages", "staff", "households", "persons", "loans", "assignments", "category_tags",
          "ledger_balances", "ledger_imports")


def _copy(source: Path, target: Path, journal: str) -> dict:
    src = sqlite3.connect(source)
    schema = src.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE sql IS NOT NULL").fetchall()
    src.close()
    dst = sqlite3.connect(target, isolation_level=None)
    dst.execute(f"PRAGMA journal_mode = {journal}")
    dst.execute("PRAGMA synchronous = FULL")
    dst.execute("PRAGMA cache_size = -65536")   # as the import's write (app.services.ledger_import.writer)
    for kind, name, _table, sql in schema:
        if kind == "table" and not name.startswith("household_search_fts_"):
            dst.execute(sql)
    dst.execute("ATTACH DATABASE ? AS s", (str(source),))
    out: dict = {"journal": journal}
    t0 = time.perf_counter()
    dst.execute("BEGIN")
    t = time.perf_counter()
    for table in TABLES:
        dst.execute(f'INSERT INTO main."{table}" SELECT * FROM s."{table}"')
    out["insert_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    for kind, _name, table, sql in schema:
        if kind == "index" and table in TABLES:
            dst.execute(sql)
    out["indexes_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    dst.execute("COMMIT")
    out["commit_s"] = round(time.perf_counter() - t, 3)
    out["total_s"] = round(time.perf_counter() - t0, 3)
    dst.close()
    return out


def run(loans: int = 100_000) -> dict:
    from bench.bench_ledger import _run_child
    from bench.ledger_data import cached_ledger

    path = cached_ledger(loans)
    with tempfile.TemporaryDirectory() as tmp:
        made = Path(tmp) / "imported.db"
        calamine = _run_child("calamine", str(path))
        imported = _run_child("import", str(path), str(made))
        copies = [_copy(made, Path(tmp) / f"copy-{j}.db", j) for j in ("delete", "wal")]
        size_mb = round(made.stat().st_size / 1e6, 1)
    read_s = calamine["seconds"]
    best = min(c["total_s"] for c in copies)
    budget = 2.5 * read_s
    return {
        "bench": "ledger_floor", "loans_in_file": loans, "database_mb": size_mb,
        "calamine_read_s": read_s, "import_s": imported["seconds"], "copies": copies,
        "floor_s": round(read_s + best, 3), "floor_ratio": round((read_s + best) / read_s, 2),
        "left_for_python_s": round(budget - read_s - best, 3),
        "import_phases_s": imported["phases"],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.bench_ledger_floor")
    p.add_argument("--loans", type=int, default=100_000)
    args = p.parse_args(argv)
    print(json.dumps(run(args.loans), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
