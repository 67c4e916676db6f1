"""The ten-day bulletin on the 50,000-loan demo (36 townships): figures, PDF and Excel
(target: a bulletin in under 2 s).  The first issue of a database also computes the earlier
dates of its progress chart; later issues take them from the issues kept."""
from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from bench.util import timed

HOUSEHOLDS = 36_500  # ~50,000 loans
FIRST, SECOND = date(2026, 11, 10), date(2026, 11, 20)


def run(path: Path | None = None) -> dict:
    from app.bootstrap import open_database
    from app.services.foundation.demo import DemoOptions, make_demo

    with tempfile.TemporaryDirectory() as tmp:
        if path is None:
            path = Path(tmp) / "bench.db"
            make_demo(path, DemoOptions(households=HOUSEHOLDS, seed=1))
        db = open_database(path)
        try:
            return _measure(db, Path(tmp))
        finally:
            db.dispose()


def _measure(db, tmp: Path) -> dict:
    from app.reports.bulletin_pdf import write_bulletin_pdf
    from app.reports.bulletin_xlsx import write_bulletin_xlsx
    from app.services.reporting import bulletin, summary

    loans = summary.compute(db, SECOND).totals.loans
    first_prepare = timed(lambda: bulletin.prepare(db, FIRST), repeat=3)
    bulletin.issue(db, FIRST)
    second = bulletin.prepare(db, SECOND)
    n = [0]

    def whole(kind: str):
        n[0] += 1
        b = bulletin.prepare(db, SECOND)
        out = tmp / f"b{n[0]}.{kind}"
        (write_bulletin_pdf if kind == "pdf" else write_bulletin_xlsx)(b, out)

    return {
        "loans": loans, "townships": len(second.townships),
        "first_issue_prepare": first_prepare,
        "prepare": timed(lambda: bulletin.prepare(db, SECOND), repeat=3),
        "pdf_only": timed(lambda: write_bulletin_pdf(second, tmp / f"p{time.perf_counter_ns()}.pdf"), repeat=3),
        "xlsx_only": timed(lambda: write_bulletin_xlsx(second, tmp / f"x{time.perf_counter_ns()}.xlsx"), repeat=3),
        "bulletin_pdf": timed(lambda: whole("pdf"), repeat=3),
        "bulletin_xlsx": timed(lambda: whole("xlsx"), repeat=3),
        "target_s": 2.0,
    }


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(Path(sys.argv[1]) if len(sys.argv) > 1 else None), ensure_ascii=False, indent=2))
