"""Demo generation and ``summary`` on a 50,000-loan database (target: summary < 1 s)."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.util import timed

HOUSEHOLDS = 36_500  # ~50,000 loans at the demo's 1.37 loans per household


def run() -> dict:
    from app.bootstrap import open_database
    from app.services.foundation.demo import DemoOptions, make_demo
    from app.services.reporting.summary import compute

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        result = make_demo(path, DemoOptions(households=HOUSEHOLDS, seed=1))
        demo_s = time.perf_counter() - t0
        db = open_database(path)
        try:
            summary = timed(lambda: compute(db), repeat=5)
            open_and_summary = timed(lambda: _open_and_compute(path), repeat=3)
        finally:
            db.dispose()
    return {
        "loans": result.loans, "households": result.households,
        "demo_generation_s": round(demo_s, 2),
        "summary": summary, "summary_target_s": 1.0,
        "open_database_and_summary": open_and_summary,
    }


def _open_and_compute(path: Path) -> None:
    from app.bootstrap import open_database
    from app.services.reporting.summary import compute

    db = open_database(path)
    try:
        compute(db)
    finally:
        db.dispose()


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=2))
