"""Fuzzing ``import-ledger`` with generated hostile ledgers (issue 5: 45 of 328 such files
ended the process).  Every file must end in an import (exit 0) or one Chinese line saying
why not (exit 1); never an abort, a panic's backtrace or a Python traceback.

All files go through one child process whose memory is capped (``tests/cli/capped.py``):
an abort there fails this test and names the file.  ``QINGSHOU_FUZZ_SEED`` and
``QINGSHOU_FUZZ_FILES`` run other or more files (``QINGSHOU_FUZZ_FILES=400`` for a long run).
"""
from __future__ import annotations

import json
import os

import pytest

from app.cli import main
from tests.cli.capped import run_capped
from tests.hostile_workbooks import hostile_workbooks

SEED = int(os.environ.get("QINGSHOU_FUZZ_SEED", "20261202"))
FILES = int(os.environ.get("QINGSHOU_FUZZ_FILES", "36"))


def test_import_ledger_survives_hostile_files(tmp_path):
    db = tmp_path / "district.db"
    assert main(["init", "--db", str(db), "--role", "district", "--unit", "示范区"]) == 0
    files = hostile_workbooks(tmp_path, SEED, FILES)
    proc = run_capped("tests.cli.ledger_fuzz_driver", str(db), *map(str, files), timeout=900)
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    started = [x["start"] for x in lines if "start" in x]
    done = [x for x in lines if "code" in x]
    assert proc.returncode == 0 and len(done) == len(files), (
        f"the process ended (exit {proc.returncode}) while importing {started[-1] if started else '?'} "
        f"(seed {SEED}): {proc.stderr[-3000:]}")
    assert "panicked" not in proc.stderr and "backtrace" not in proc.stderr and "Traceback" not in proc.stderr, \
        proc.stderr[-3000:]
    outcomes = {0: 0, 1: 0}
    for x in done:
        assert x["code"] in (0, 1), x
        outcomes[x["code"]] += 1
        if x["code"] == 0:
            data = json.loads(x["out"])
            assert {"loans_imported", "rows_rejected", "warnings", "notes"} <= set(data), x["file"]
        else:
            message = x["err"].strip()
            assert message and "\n" not in message and "Traceback" not in message, x
            assert any("\u4e00" <= ch <= "\u9fff" for ch in message), x
    assert outcomes[0] > len(files) // 2, outcomes   # most files are ledgers with faults, not refusals


# long: started first, so the run does not end waiting for it (tests/conftest.py)
pytestmark = pytest.mark.slow
