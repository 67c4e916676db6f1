"""The monthly assessment (月考核) on the 50,000-loan demo (12 townships), as the bulletin is
benched: the figures of one month (two summaries, the visits and promises), the PDF (every
township's villages and people) and the workbook."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.util import timed

HOUSEHOLDS = 36_500  # ~50,000 loans, as bench_bulletin
YEAR, MONTH = 2026, 10


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
    from app.reports.assessment_pdf import write_assessment_pdf
    from app.reports.assessment_xlsx import write_assessment_xlsx
    from app.services.reporting import assessment

    a = assessment.prepare(db, YEAR, MONTH)
    pages = [0]

    def whole(kind: str):
        b = assessment.prepare(db, YEAR, MONTH)
        out = tmp / f"a{time.perf_counter_ns()}.{kind}"
        (write_assessment_pdf if kind == "pdf" else write_assessment_xlsx)(b, out)
        if kind == "pdf":
            pages[0] = out.read_bytes().count(b"/Type /Page\n") or out.read_bytes().count(b"/Type /Page")
    result = {
        "loans": a.totals.loans, "townships": len(a.townships), "villages": len(a.villages), "people": len(a.people),
        "prepare": timed(lambda: assessment.prepare(db, YEAR, MONTH), repeat=3),
        "pdf_only": timed(lambda: write_assessment_pdf(a, tmp / f"p{time.perf_counter_ns()}.pdf"), repeat=3),
        "xlsx_only": timed(lambda: write_assessment_xlsx(a, tmp / f"x{time.perf_counter_ns()}.xlsx"), repeat=3),
        "assessment_pdf": timed(lambda: whole("pdf"), repeat=3),
        "assessment_xlsx": timed(lambda: whole("xlsx"), repeat=3),
    }
    result["pdf_pages"] = pages[0]
    return result


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(Path(sys.argv[1]) if len(sys.argv) > 1 else None), ensure_ascii=False, indent=2))
