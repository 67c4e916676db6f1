"""USB-stick sync at the issue's scale: 36 township laptops' work packages merged into the district.

Targets: merging 36 packages that together hold 50,000 loans, 40,000 households, 200,000 visits
and 20,000 agreements takes under 10 s and at most 3× a plain SQLite upsert of the same rows
(ATTACH + INSERT … ON CONFLICT), measured in the same run; one township's export (1,400 loans,
6,000 visits) under 1 s; peak memory under 500 MB.

    python -m bench sync            (QINGSHOU_BENCH_HOUSEHOLDS=N for a smaller district,
                                     QINGSHOU_BENCH_TOWNSHIPS=N for fewer laptops,
                                     QINGSHOU_BENCH_KEEP=folder to keep what it made)

Set-up (not timed): the demo district (``make_demo``: 36 townships, 40,000 households, ~1.25
loans and ~4.8 visits a household, an agreement for ~half the households not repaying), a task
package per township, a laptop set up from each, and on each laptop a day's work through the
services (a visit to every fourth household, three agreements made and signed). Timed:

* each laptop's first work package (everything it has: nothing confirmed yet) — the export;
* the merge of the 36 first packages into a copy of the district, in a child process (its time
  around ``merge_files`` only, and its peak resident memory, ``VmHWM``);
* the same rows (the packages' payloads, written by ``app.sync.payload``) upserted by SQLite alone
  into another copy: the floor;
* then each laptop takes the district's next task package (which confirms what it received),
  does a little more (a visit to every 25th household, a phone number changed on every 50th, a
  repayment on every 100th, two more agreements) and exports again: those delta packages merged,
  and their floor, the same way.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HOUSEHOLDS = int(os.environ.get("QINGSHOU_BENCH_HOUSEHOLDS", "40000"))   # ~50,000 loans, ~200,000 visits
TOWNSHIPS = int(os.environ.get("QINGSHOU_BENCH_TOWNSHIPS", "36"))
KEEP = os.environ.get("QINGSHOU_BENCH_KEEP")   # a folder to keep the databases and packages in
PASS = "bench"
LOAN_WEIGHTS = (80, 15, 5)                              # 1.25 loans a household
VISIT_WEIGHTS = (4, 5, 10, 10, 15, 15, 15, 11, 10, 5)   # 4.82 visits a household
AGREEMENT_SHARE = 0.70                                  # ~0.5 agreements a household


def run() -> dict:
    from app.bootstrap import open_database
    from app.services.foundation.demo import DemoOptions, make_demo
    from app.sync.export import write_work_package
    from app.sync.merge import merge_files
    from app.sync.tasks import set_up_from_task, write_task_package

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="qingshou-bench-sync-") as tmp:
        tmp = Path(KEEP or tmp)
        tmp.mkdir(parents=True, exist_ok=True)
        os.environ["QINGSHOU_HOME"] = str(tmp / "home")   # no user's settings or templates
        district_path = tmp / "district.db"
        make_demo(district_path, DemoOptions(households=HOUSEHOLDS, seed=1, townships=TOWNSHIPS,
                                             loan_weights=LOAN_WEIGHTS, visit_weights=VISIT_WEIGHTS,
                                             agreement_share=AGREEMENT_SHARE))
        district = open_database(district_path)
        names = [r[0] for r in sqlite3.connect(district_path).execute(
            "SELECT name FROM units WHERE kind = 'township' ORDER BY name")]
        first, first_plain, exports = [], [], []
        for i, name in enumerate(names):
            task = tmp / f"t{i}.qstask"
            write_task_package(district, name, task, passphrase=PASS)
            laptop = open_database(tmp / f"l{i}.db")
            set_up_from_task(laptop, task, passphrase=PASS, device_name="一号机")
            _first_work(laptop)
            out = tmp / f"w{i}-1.qspkg"
            t = time.perf_counter()
            pkg = write_work_package(laptop, out)
            exports.append((time.perf_counter() - t, pkg.counts.get("loans", 0), pkg.counts.get("visits", 0), name))
            first_plain.append(_plain_payload(laptop, tmp / f"p{i}-1.sqlite"))
            laptop.dispose()
            first.append(out)
        district.dispose()
        setup_s = time.perf_counter() - started

        merged = tmp / "merged.db"
        shutil.copy(district_path, merged)
        m1 = _merge_in_child(merged, first)
        floor1 = _plain_upsert(district_path, tmp / "upsert1.db", first_plain)
        counts = _counts(merged, first_plain)

        # The second round: the district's next task package confirms what it received; each
        # laptop takes it, works a little more, and sends only what changed since.
        district = open_database(merged)
        for i, name in enumerate(names):
            task = tmp / f"t{i}-2.qstask"
            write_task_package(district, name, task, passphrase=None)   # encrypted to the laptop now
            laptop = open_database(tmp / f"l{i}.db")
            back = merge_files(laptop, [task])
            laptop.dispose()
            assert back.files[0].status == "merged", back.files[0].reason
        district.dispose()
        second, second_plain, delta_exports = [], [], []
        for i, _name in enumerate(names):
            laptop = open_database(tmp / f"l{i}.db")
            _delta_work(laptop, i)
            out = tmp / f"w{i}-2.qspkg"
            t = time.perf_counter()
            pkg = write_work_package(laptop, out)
            delta_exports.append(time.perf_counter() - t)
            second_plain.append(_plain_payload(laptop, tmp / f"p{i}-2.sqlite"))
            laptop.dispose()
            second.append(out)
        before_delta = tmp / "before-delta.db"
        shutil.copy(merged, before_delta)
        m2 = _merge_in_child(merged, second)
        floor2 = _plain_upsert(before_delta, tmp / "upsert2.db", second_plain)
        delta_rows = _payload_rows(second_plain)

    biggest = max(exports, key=lambda e: (e[1], e[2]))
    typical = min(exports, key=lambda e: abs(e[1] - 1400) + abs(e[2] - 6000) / 4)   # nearest 1,400 / 6,000
    return {
        "setup_s": round(setup_s, 1),
        "first": {"packages": len(first), "merged": m1["merged"], **counts,
                  "merge_s": m1["merge_s"], "plain_upsert_s": round(floor1, 3),
                  "merge_vs_upsert": round(m1["merge_s"] / floor1, 2) if floor1 else None,
                  "merge_peak_rss_mb": m1["peak_rss_mb"], "conflicts": m1["conflicts"],
                  "rule_breaches": m1["rule_breaches"], "load_before": m1["load"]},
        "delta": {"packages": len(second), "merged": m2["merged"], "rows": delta_rows,
                  "merge_s": m2["merge_s"], "plain_upsert_s": round(floor2, 3),
                  "merge_vs_upsert": round(m2["merge_s"] / floor2, 2) if floor2 else None,
                  "merge_peak_rss_mb": m2["peak_rss_mb"], "conflicts": m2["conflicts"],
                  "load_before": m2["load"],
                  "export_max_s": round(max(delta_exports), 3)},
        "export_biggest_township": {"township": biggest[3], "s": round(biggest[0], 3), "loans": biggest[1],
                                    "visits": biggest[2]},
        "export_nearest_target": {"township": typical[3], "s": round(typical[0], 3), "loans": typical[1],
                                  "visits": typical[2]},
        "export_max_s": round(max(e[0] for e in exports), 3),
        "export_median_s": round(sorted(e[0] for e in exports)[len(exports) // 2], 3),
        "targets": {"merge_s": 10.0, "merge_vs_upsert": 3.0, "export_s": 1.0, "peak_rss_mb": 500},
    }


# --------------------------------------------------------------------------- the laptops' work

def _first_work(laptop) -> None:
    """A day's work: a visit to every fourth household (one unit of work), three agreements."""
    from sqlalchemy import select

    from app.db.models import Household
    from app.services.work.visits import book_visit

    with laptop.uow("bench") as uow:
        ids = uow.session.scalars(select(Household.id).order_by(Household.id)).all()[::4]
        for hid in ids:
            book_visit(uow, outcome="promised", household_id=hid, visited_on=date(2026, 11, 21))
        uow.commit()
    _agreements(laptop, 3, date(2026, 11, 22))


def _delta_work(laptop, i: int) -> None:
    """The next days' work: fewer visits, some phone numbers, some repayments, two agreements."""
    from sqlalchemy import select

    from app.db.models import Household, Loan
    from app.services.households.edit import HouseholdEdit, edit_household
    from app.services.recovery.repayments import book_repayment
    from app.services.work.visits import book_visit

    with laptop.uow("bench") as uow:
        s = uow.session
        ids = s.scalars(select(Household.id).order_by(Household.id)).all()
        for hid in ids[1::25]:
            book_visit(uow, outcome="refused", household_id=hid, visited_on=date(2026, 11, 28))
        loans = s.scalars(select(Loan.id).where(Loan.balance_fen > 100_000, Loan.deleted.is_(False))
                          .order_by(Loan.id)).all()
        for lid in loans[::100]:
            book_repayment(uow, amount_fen=10_000, loan_id=lid, paid_on=date(2026, 11, 29), note="bench")
        uow.commit()
    for k, hid in enumerate(ids[2::50]):
        edit_household(laptop, HouseholdEdit(phone=f"139{i:02d}{k:06d}"), "bench", household_id=hid)
    _agreements(laptop, 2, date(2026, 11, 30))


def _agreements(laptop, n: int, as_of: date) -> None:
    from sqlalchemy import text

    from app.services import agreements as svc

    with laptop.engine.connect() as conn:
        groups = [r[0].split(",") for r in conn.execute(text(
            """SELECT group_concat(loan_no) FROM loans WHERE balance_fen > 0 AND deleted = 0 AND household_id NOT IN
               (SELECT household_id FROM agreements) GROUP BY household_id ORDER BY household_id LIMIT :n"""),
            {"n": n})]
    for loans in groups:
        view = svc.create(laptop, svc.PlanRequest(loan_nos=loans, as_of=as_of, installments=6,
                                                  first_due=date(2027, 1, 15), waive_all_penalty=True,
                                                  approval_ref="减免审批〔2026〕1号"))
        svc.sign(laptop, view.id, as_of)


def _plain_payload(laptop, out: Path) -> Path:
    """The rows the laptop's last work package holds, in a plain SQLite file (for the floor)."""
    from sqlalchemy.orm import Session

    from app.db.session import read_meta
    from app.sync import payload

    with Session(laptop.engine) as s:
        meta = read_meta(s)
    confirmed = int(meta["confirmed_seq"]) if meta.get("confirmed_seq") else None
    payload.write(laptop.path, laptop.identity().unit_id, out, since_seq=confirmed)
    return out


# --------------------------------------------------------------------------- measuring

def _merge_in_child(target: Path, packages: list[Path]) -> dict:
    """The merge in a fresh process: its time, and its peak resident memory."""
    load = os.getloadavg()
    proc = subprocess.run([sys.executable, "-m", "bench.bench_sync", "merge", str(target), *map(str, packages)],
                          capture_output=True, text=True, check=False,
                          cwd=Path(__file__).resolve().parent.parent)
    if proc.returncode:
        raise RuntimeError(proc.stderr)
    out = json.loads(proc.stdout)
    out["load"] = [round(x, 2) for x in load]
    return out


def _child(target: str, packages: list[str]) -> None:
    t = time.perf_counter()
    from app.bootstrap import open_database
    from app.domain import pinyin
    from app.sync.merge import merge_files

    pinyin.full("一")      # loaded once in the window (the household list); a CLI merge pays it too
    imports_s = time.perf_counter() - t
    db = open_database(Path(target))
    t = time.perf_counter()
    report = merge_files(db, [Path(p) for p in packages])
    elapsed = time.perf_counter() - t
    db.dispose()
    refused = [f.reason for f in report.files if f.status != "merged"]
    print(json.dumps({"merge_s": round(elapsed, 3), "merged": sum(f.status == "merged" for f in report.files),
                      "refused": refused, "conflicts": report.conflicts, "rule_breaches": report.rule_breaches,
                      "imports_s": round(imports_s, 3), "peak_rss_mb": _peak_rss_mb()},
                     ensure_ascii=False))


def _peak_rss_mb() -> float:
    """This process's peak resident memory. (Not ``getrusage``'s ``ru_maxrss``: on Linux a child
    started by fork + exec inherits its parent's peak in it — here the parent's, after scrypt.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _counts(merged: Path, payloads: list[Path]) -> dict:
    conn = sqlite3.connect(merged)
    db = dict(zip(("loans", "households", "visits", "agreements"), conn.execute(
        "SELECT (SELECT count(*) FROM loans), (SELECT count(*) FROM households), (SELECT count(*) FROM visits),"
        " (SELECT count(*) FROM agreements)").fetchone()))
    conn.close()
    return {"district_after": db, "in_packages": _payload_rows(payloads, ("loans", "households", "visits",
                                                                          "agreements", "installments",
                                                                          "repayments", "audit_log"))}


def _payload_rows(payloads: list[Path], tables: tuple[str, ...] | None = None) -> dict:
    from app.sync import scope

    total: dict[str, int] = {}
    for p in payloads:
        conn = sqlite3.connect(p)
        for table in tables or tuple(scope.TOWNSHIP_ROWS):
            total[table] = total.get(table, 0) + conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        conn.close()
    return {k: v for k, v in total.items() if v}


def _plain_upsert(district: Path, copy: Path, payloads: list[Path]) -> float:
    """The floor: the same rows upserted by SQLite alone (ATTACH + INSERT … ON CONFLICT DO UPDATE),
    one transaction per package, into a copy of the same district."""
    from app.sync import scope

    shutil.copy(district, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")     # as the program's own connections
    conn.execute("PRAGMA synchronous=FULL")
    t = time.perf_counter()
    for p in payloads:
        conn.execute("ATTACH DATABASE ? AS pkg", (str(p),))
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


if __name__ == "__main__":
    if sys.argv[1:2] == ["merge"]:
        _child(sys.argv[2], sys.argv[3:])
    else:
        print(json.dumps(run(), ensure_ascii=False, indent=2))
