"""Run the command line in-process, capturing what a user sees."""
from __future__ import annotations

import json
from dataclasses import dataclass

from app.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


def run_cli(capsys, *argv: str) -> Result:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
