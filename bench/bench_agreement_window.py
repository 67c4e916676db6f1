"""What the 还款协议 window waits for (all of it runs in background tasks): the list of
agreements, a household search, a household's loans, one preview (asked after each change in
the new-agreement dialog) and one agreement's detail.

Targets: the list under 1 s with 1,000 agreements; search, loans, preview and detail under
100 ms each, so the dialog follows typing without a visible lag.

    python -m bench.bench_agreement_window          # prints JSON; --md prints a RESULTS line

Set-up (not timed): a demo database of 10,000 households, plus agreements made through the
service until there are about 1,000.
"""
from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from bench.util import timed

AS_OF = date(2026, 11, 22)
TARGET_LIST_S = 1.0
TARGET_STEP_MS = 100


def run(households: int = 10_000, agreements: int = 1_000) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="qingshou-bench-"))
    os.environ["QINGSHOU_HOME"] = str(tmp / "home")
    from sqlalchemy import text

    from app.bootstrap import open_database
    from app.services import agreements as svc
    from app.services.agreements.agreements import PlanRequest
    from app.services.agreements.overview import overview
    from app.services.agreements.picker import household_loans, search_households
    from app.services.foundation.demo import DemoOptions, make_demo

    path = tmp / "demo.db"
    make_demo(path, DemoOptions(households=households, seed=11))
    db = open_database(path)
    with db.engine.connect() as conn:
        free = [row[0].split(",") for row in conn.execute(text(
            "SELECT group_concat(loan_no) FROM loans WHERE balance_fen > 0 AND deleted = 0 AND household_id NOT IN "
            "(SELECT household_id FROM agreements) GROUP BY household_id ORDER BY household_id"))]
        existing = conn.execute(text("SELECT count(*) FROM agreements")).scalar_one()
    for loans in free[:max(0, agreements - existing)]:
        svc.create(db, PlanRequest(loans, AS_OF, installments=6, first_due=AS_OF + timedelta(days=30)))
    sample = free[-1]
    hit = search_households(db, sample[0])[0]
    request = PlanRequest(sample, AS_OF, installments=6, first_due=AS_OF + timedelta(days=30), waive_all_penalty=True)
    rows = overview(db, AS_OF)
    some = rows[len(rows) // 2].id

    out = {
        "households": households, "agreements": len(rows),
        "list_s": timed(lambda: overview(db, AS_OF), repeat=5)["median_s"],
        "search_ms": round(timed(lambda: search_households(db, hit.name[:1]), repeat=10)["median_s"] * 1000, 1),
        "search_loan_no_ms": round(timed(lambda: search_households(db, sample[0][-6:]), repeat=10)["median_s"] * 1000, 1),
        "household_loans_ms": round(timed(lambda: household_loans(db, hit.id), repeat=10)["median_s"] * 1000, 1),
        "preview_ms": round(timed(lambda: svc.preview(db, request), repeat=10)["median_s"] * 1000, 1),
        "detail_ms": round(timed(lambda: (svc.get(db, some, AS_OF), svc.history(db, some)), repeat=10)["median_s"]
                           * 1000, 1),
    }
    steps = ("search_ms", "search_loan_no_ms", "household_loans_ms", "preview_ms", "detail_ms")
    out["targets_met"] = out["list_s"] < TARGET_LIST_S and all(out[k] < TARGET_STEP_MS for k in steps)
    db.dispose()
    return out


def _md(r: dict) -> str:
    machine = f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    return (f"| {date.today()} | {machine} | {r['households']:,} / {r['agreements']:,} | {r['list_s']} s | "
            f"{r['search_ms']} / {r['search_loan_no_ms']} ms | {r['household_loans_ms']} ms | {r['preview_ms']} ms | "
            f"{r['detail_ms']} ms | {'yes' if r['targets_met'] else 'NO'} |")


if __name__ == "__main__":
    result = run()
    print(_md(result) if "--md" in sys.argv else json.dumps(result, ensure_ascii=False, indent=2))
