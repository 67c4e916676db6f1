"""A district and its township laptops, driven through the command line as users would."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

PASSPHRASE = "柳林-冬季清收"


@dataclass
class Laptop:
    db: Path
    name: str
    exported: int = 0


class District:
    def __init__(self, cli, path: Path, folder: Path):
        self.cli, self.db, self.folder = cli, path, folder

    def run(self, *argv, ok: bool = True):
        r = self.cli(*argv)
        assert (r.code == 0) == ok, (argv, r.out, r.err)
        return r

    def laptop(self, township: str, name: str) -> Laptop:
        task = self.folder / f"{township}-{name}.qstask"
        self.run("tasks", "--db", self.db, "--township", township, "--out", task)
        db = self.folder / f"{township}-{name}.db"
        self.run("init", "--db", db, "--from-task", task, "--device", name)
        return Laptop(db, name)

    def export(self, laptop: Laptop) -> Path:
        laptop.exported += 1
        out = self.folder / f"{laptop.db.stem}-{laptop.exported:04d}.qspkg"
        self.run("export", "--db", laptop.db, "--out", out)
        return out

    def merge(self, *files: Path, into: Path | None = None, ok: bool = True) -> dict:
        r = self.run("merge", "--db", into or self.db, *files, "--json", ok=ok)
        return json.loads(r.out)

    def figures(self, db: Path | None = None, township: str = "柳林镇") -> dict:
        out = json.loads(self.run("summary", "--db", db or self.db, "--json").out)
        return next(t for t in out["townships"] if t["name"] == township) | {"rank": None}


def loans_of(db: Path, township: str = "柳林镇", n: int = 3) -> list[str]:
    conn = sqlite3.connect(db)
    return [r[0] for r in conn.execute(
        "SELECT l.loan_no FROM loans l JOIN units u ON u.id = l.township_id WHERE u.name = ? AND l.balance_fen > 100000"
        " ORDER BY l.loan_no LIMIT ?", (township, n))]


def facts(db: Path, table: str) -> set[tuple]:
    conn = sqlite3.connect(db)
    return set(conn.execute(f"SELECT id, deleted FROM {table}"))
