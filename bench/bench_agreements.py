"""Agreements benchmark: how long the printed forms take.

Targets (issue 4): one agreement PDF in under 150 ms; 1,000 in under 60 s.

    python -m bench.bench_agreements            # prints JSON; add --md to print a RESULTS line

Set-up (not timed against the targets): a demo database of 2,000 households, 100 agreements
made through the service.  Then: loading the font (once per process), the first PDF (cold),
one agreement PDF warm (median of 20), the reduction sheet and a receipt, and 1,000 agreement
PDFs through ``write_pdf`` (reading the agreement from the database each time, as a batch
print of a township's agreements would).
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

AS_OF = date(2026, 11, 22)
TARGET_ONE_MS = 150
TARGET_THOUSAND_S = 60


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def run(households: int = 2000, agreements: int = 100, batch: int = 1000) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="qingshou-bench-"))
    os.environ["QINGSHOU_HOME"] = str(tmp / "home")  # no user's template overrides
    from sqlalchemy import text

    from app.bootstrap import open_database
    from app.reports import fonts
    from app.services import agreements as svc
    from app.services.agreements.forms import write_pdf
    from app.services.foundation.demo import DemoOptions, make_demo
    from app.services.recovery.agreement_payments import pay

    make_demo(tmp / "bench.db", DemoOptions(households=households, seed=3))
    db = open_database(tmp / "bench.db")
    try:
        with db.engine.connect() as conn:
            groups = [r[0].split(",") for r in conn.execute(text(
                """SELECT group_concat(loan_no) FROM loans WHERE balance_fen > 0 AND household_id NOT IN
                   (SELECT household_id FROM agreements) GROUP BY household_id ORDER BY count(*) DESC, household_id
                   LIMIT :n"""), {"n": agreements})]
        create_times, ids = [], []
        for i, loans in enumerate(groups):
            t = time.perf_counter()
            view = svc.create(db, svc.PlanRequest(loan_nos=loans, as_of=AS_OF, installments=12,
                                                  first_due=date(2027, 1, 15), waive_all_penalty=bool(i % 2)))
            create_times.append(time.perf_counter() - t)
            ids.append(view.id)
        out = tmp / "pdf"

        t = time.perf_counter()
        fonts.register()
        font_s = time.perf_counter() - t
        t = time.perf_counter()
        write_pdf(db, ids[0], out / "first.pdf")
        first_s = time.perf_counter() - t  # the font is loaded; the first layout warms reportlab

        def median_of(kind: str, n: int = 20, **kw) -> float:
            times = []
            for k in range(n):
                t0 = time.perf_counter()
                write_pdf(db, ids[0], out / f"{kind}-{k}.pdf", kind, **kw)
                times.append(time.perf_counter() - t0)
            return statistics.median(times)

        one_s = median_of("agreement")
        sheet_s = median_of("sheet")
        svc.sign(db, ids[0], AS_OF)
        receipt = pay(db, ids[0], 100_000, date(2027, 1, 10)).receipt_no
        receipt_s = median_of("receipt", receipt_no=receipt)
        size = (out / "agreement-0.pdf").stat().st_size

        t, cpu = time.perf_counter(), time.process_time()
        for k in range(batch):
            write_pdf(db, ids[k % len(ids)], out / f"batch-{k:04d}.pdf")
        batch_s, batch_cpu_s = time.perf_counter() - t, time.process_time() - cpu
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    finally:
        db.dispose()
    return {
        "date": date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "households": households, "agreements_made": len(ids),
        "create_agreement_ms_median": _ms(statistics.median(create_times)),
        "font_load_ms": _ms(font_s),
        "first_pdf_ms": _ms(first_s),
        "agreement_pdf_ms_median": _ms(one_s),
        "sheet_pdf_ms_median": _ms(sheet_s),
        "receipt_pdf_ms_median": _ms(receipt_s),
        "agreement_pdf_bytes": size,
        "batch": batch, "batch_s": round(batch_s, 2), "batch_ms_each": _ms(batch_s / batch),
        "batch_cpu_s": round(batch_cpu_s, 2), "load_average_1min": load,
        "accelerated": _accelerated(),
        "target_one_ms": TARGET_ONE_MS, "target_batch_s": TARGET_THOUSAND_S,
        "one_ok": one_s * 1000 < TARGET_ONE_MS, "batch_ok": batch_s < TARGET_THOUSAND_S,
    }


def _accelerated() -> bool:
    """Whether ReportLab runs with its C accelerator (the rl_accel package)."""
    try:
        import _rl_accel  # noqa: F401
    except ImportError:
        return False
    return True


def markdown_row(r: dict) -> str:
    return (f"| {r['date']} | {r['machine']} | {r['agreement_pdf_ms_median']} ms | {r['first_pdf_ms']} ms "
            f"(font {r['font_load_ms']} ms) | {r['sheet_pdf_ms_median']} / {r['receipt_pdf_ms_median']} ms | "
            f"{r['batch_s']} s ({r['batch_ms_each']} ms each; CPU {r['batch_cpu_s']} s) | "
            f"{r['create_agreement_ms_median']} ms | {r['load_average_1min']:.1f} | "
            f"{'yes' if r['one_ok'] and r['batch_ok'] else 'NO'} |")


if __name__ == "__main__":
    result = run()
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if "--md" in sys.argv:
        print(markdown_row(result))
