"""USB-stick sync on the demo district: one work package per township laptop, merged into the
district all at once (target: 36 packages holding 50,000 loans in under 10 s, at most 3× a plain
SQLite upsert of the same rows — ATTACH + INSERT … ON CONFLICT — measured in the same run), and
one township's export (target: under 1 s for 1,400 loans and 6,000 visits).

    python -m bench sync            (QINGSHOU_BENCH_HOUSEHOLDS=N for a smaller district)
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

HOUSEHOLDS = int(os.environ.get("QINGSHOU_BENCH_HOUSEHOLDS", "36500"))   # ~50,000 loans
PASS = "bench"


def run() -> dict:
    from app.bootstrap import open_database
    from app.services.foundation.demo import DemoOptions, make_demo
    from app.sync.export import write_work_package
    from app.sync.tasks import set_up_from_task, write_task_package

    with tempfile.TemporaryDirectory(prefix="qingshou-bench-sync-") as tmp:
        tmp = Path(tmp)
        district_path = tmp / "district.db"
        make_demo(district_path, DemoOptions(households=HOUSEHOLDS, seed=1))
        district = open_database(district_path)
        names = [r[0] for r in sqlite3.connect(district_path).execute(
            "SELECT name FROM units WHERE kind = 'township' ORDER BY name")]
        packages, export_s, biggest = [], [], (0, 0)
        for name in names:
            task = tmp / f"{name}.qstask"
            write_task_package(district, name, task, passphrase=PASS)
            laptop = open_database(tmp / f"{name}.db")
            set_up_from_task(laptop, task, passphrase=PASS, device_name="一号机")
            _work(laptop)
            out = tmp / f"{name}.qspkg"
            t = time.perf_counter()
            write_work_package(laptop, out)
            export_s.append(time.perf_counter() - t)
            conn = sqlite3.connect(tmp / f"{name}.db")
            size = conn.execute("SELECT count(*) FROM loans").fetchone()[0], \
                conn.execute("SELECT count(*) FROM visits").fetchone()[0]
            conn.close()
            biggest = max(biggest, size)
            laptop.dispose()
            packages.append(out)
        district.dispose()
        merged = tmp / "merged.db"
        shutil.copy(district_path, merged)
        target = open_database(merged)
        t = time.perf_counter()
        from app.sync.merge import merge_files

        report = merge_files(target, packages)
        merge_s = time.perf_counter() - t
        target.dispose()
        upsert_s = _plain_upsert(district_path, tmp, [tmp / f"{n}.db" for n in names])
        derive_s = _derive_all(merged)
        counts = sqlite3.connect(merged).execute(
            "SELECT (SELECT count(*) FROM loans), (SELECT count(*) FROM households), (SELECT count(*) FROM visits),"
            " (SELECT count(*) FROM agreements)").fetchone()
    return {
        "packages": len(packages), "merged": sum(f.status == "merged" for f in report.files),
        "loans": counts[0], "households": counts[1], "visits": counts[2], "agreements": counts[3],
        "merge_all_s": round(merge_s, 3), "plain_upsert_s": round(upsert_s, 3),
        "merge_vs_upsert": round(merge_s / upsert_s, 2) if upsert_s else None,
        "derive_bank_all_loans_s": round(derive_s, 3),
        "export_max_s": round(max(export_s), 3), "export_biggest_township": {"loans": biggest[0], "visits": biggest[1]},
        "targets": {"merge_all_s": 10.0, "merge_vs_upsert": 3.0, "export_s": 1.0},
    }


def _work(laptop) -> None:
    """A day's work on the laptop: a visit to every tenth household."""
    from sqlalchemy import select

    from app.db.models import Household
    from app.services.work.visits import book_visit

    with laptop.uow("bench") as uow:
        ids = uow.session.scalars(select(Household.id).order_by(Household.id)).all()[::10]
        for hid in ids:
            book_visit(uow, outcome="promised", household_id=hid, visited_on=date(2026, 11, 21))
        uow.commit()


def _derive_all(path: Path) -> float:
    """The bank's reported recovery derived again for every loan of the district (what a
    migration or a ledger of every loan costs; a merge derives only the loans it touched)."""
    from sqlalchemy.orm import Session

    from app.bootstrap import open_database
    from app.db import bank_recovery

    db = open_database(path)
    try:
        with Session(db.engine) as s:
            t = time.perf_counter()
            bank_recovery.derive(s.connection(), None, date.today())
            elapsed = time.perf_counter() - t
            s.rollback()
    finally:
        db.dispose()
    return elapsed


def _plain_upsert(district: Path, tmp: Path, laptops: list[Path]) -> float:
    """The floor: the same rows upserted by SQLite alone (ATTACH + INSERT … ON CONFLICT DO UPDATE)."""
    from app.sync import scope

    copy = tmp / "upsert.db"
    shutil.copy(district, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    t = time.perf_counter()
    for laptop in laptops:
        conn.execute("ATTACH DATABASE ? AS pkg", (str(laptop),))
        conn.execute("BEGIN")
        for table in scope.TOWNSHIP_ROWS:
            cols = [r[1] for r in conn.execute(f"PRAGMA main.table_info({table})")]
            if "id" not in cols:
                continue
            names = ", ".join(cols)
            updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
            conn.execute(f"INSERT INTO main.{table} ({names}) SELECT {names} FROM pkg.{table} WHERE true "
                         f"ON CONFLICT(id) DO UPDATE SET {updates}")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE pkg")
    elapsed = time.perf_counter() - t
    conn.close()
    return elapsed
