"""``python -m tests.cli.ledger_fuzz_driver DB FILE...``: ``import-ledger --json`` on each
file in this one process (starting a process per file would cost a second each), one JSON
line per file on stdout.  A line ``{"start": FILE}`` comes first, so that a process ended
by a file (an abort) shows which one."""
from __future__ import annotations

import contextlib
import io
import json
import sys

from app.cli import main


def run(db: str, files: list[str]) -> None:
    real_out = sys.stdout
    for path in files:
        print(json.dumps({"start": path}, ensure_ascii=False), file=real_out, flush=True)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["import-ledger", path, "--db", db, "--json"])
        print(json.dumps({"file": path, "code": code, "out": out.getvalue(), "err": err.getvalue()},
                         ensure_ascii=False), file=real_out, flush=True)


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2:])
