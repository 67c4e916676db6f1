"""A refused command changes nothing on disk; every file a command writes follows one rule: the
folder must exist (none is made) and a file already there is never replaced (issue 5)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if "logs" not in p.parts)


@pytest.mark.parametrize("argv", [("summary", "--json"), ("households",), ("worklist", "--json"),
                                  ("visit", "--loan", "1", "--date", "2026-11-22", "--outcome", "paid")])
def test_without_db_on_a_fresh_machine_nothing_is_made(cli, data_home, argv):
    r = cli(*argv)
    assert r.code == 1 and r.out == ""
    assert "还没有数据库" in r.err and "qingshou init" in r.err and "\n" not in r.err.strip()
    assert _files(data_home) == [], "a refused command left a database behind"
    made = cli("demo", "--db", data_home / "qingshou.db", "--households", 5)
    assert made.code == 0, made.err   # demo no longer finds an empty database in its way


def test_an_empty_file_is_not_turned_into_a_database_by_a_command_that_refuses(cli, tmp_path):
    empty = tmp_path / "空.db"
    empty.touch()
    r = cli("summary", "--db", empty)
    assert r.code == 1 and "尚未初始化" in r.err
    assert empty.stat().st_size == 0 and _files(tmp_path) == ["空.db"]


@pytest.fixture
def outputs(cli, demo_path, tmp_path):
    """Each command that writes a file, as (argv with the file last-but-flags, the file's flag)."""
    created = cli("agreement", "create", "--db", demo_path, "--loan", _a_loan(demo_path), "--installments", 2,
                  "--first-due", "2027-01-15", "--json")
    assert created.code == 0, created.err
    agreement = created.json()["agreement_id"]
    ledger = Path(__file__).resolve().parents[1] / "data" / "ledger-sample" / "ledger.xlsx"

    def argv(out: Path) -> list:
        return {
            "backup": ["backup", "--db", demo_path, "--out", out],
            "pdf": ["agreement", "pdf", "--db", demo_path, agreement, "--out", out],
            "households": ["households", "--db", demo_path, "--out", out],
            "error-report": ["import-ledger", ledger, "--db", demo_path, "--township", "柳林镇",
                             "--error-report", out],
            "reconcile": ["reconcile", "--db", demo_path, "--out", out],
            "assess": ["assess", "--db", demo_path, "--month", "2026-10", "--out", out],
        }
    return argv


def _a_loan(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT loan_no FROM loans WHERE balance_fen > 0 ORDER BY loan_no LIMIT 1").fetchone()[0]


SUFFIX = {"backup": ".db", "pdf": ".pdf", "households": ".xlsx", "error-report": ".xlsx", "reconcile": ".xlsx",
          "assess": ".xlsx"}


@pytest.mark.parametrize("command", sorted(SUFFIX))
def test_a_missing_folder_is_refused_and_not_made(cli, outputs, tmp_path, command):
    out = tmp_path / "没有这个文件夹" / f"a{SUFFIX[command]}"
    r = cli(*outputs(out)[command])
    assert r.code == 1 and "文件夹不存在" in r.err and "不会新建文件夹" in r.err, r.err
    assert not out.parent.exists()


@pytest.mark.parametrize("command", sorted(SUFFIX))
def test_an_existing_file_is_never_replaced(cli, outputs, demo_path, tmp_path, command):
    out = tmp_path / f"已有{SUFFIX[command]}"
    out.write_bytes(b"precious")
    before = demo_path.read_bytes()
    r = cli(*outputs(out)[command])
    assert r.code == 1 and "不会覆盖" in r.err and str(out) in r.err, r.err
    assert out.read_bytes() == b"precious"
    assert demo_path.read_bytes() == before, "the refused command changed the database"


@pytest.mark.parametrize("command", sorted(SUFFIX))
def test_a_new_file_in_an_existing_folder_is_written(cli, outputs, tmp_path, command):
    out = tmp_path / f"新{SUFFIX[command]}"
    r = cli(*outputs(out)[command])
    assert r.code == 0, r.err
    assert out.is_file() and out.stat().st_size > 0


def test_restore_says_where_it_kept_the_database_it_replaced(cli, demo_path, tmp_path, data_home):
    bak = tmp_path / "备份.db"
    assert cli("backup", "--db", demo_path, "--out", bak).code == 0
    assert cli("repay", "--db", demo_path, "--loan", _a_loan(demo_path), "--amount", "1", "--date", "2026-11-22").code == 0
    before = cli("summary", "--db", demo_path, "--json", "--as-of", "2026-12-31").json()
    r = cli("restore", "--db", demo_path, bak, "--json")
    assert r.code == 0, r.err
    kept = Path(r.json()["previous"])
    assert kept.parent == data_home / "backups"
    assert cli("summary", "--db", kept, "--json", "--as-of", "2026-12-31").json() == before
    r = cli("restore", "--db", demo_path, bak)
    assert r.code == 0, r.err
    line = [x for x in r.out.splitlines() if "原来的数据库另存在" in x]
    assert line and Path(line[0].split("：", 1)[1]).is_file()
    assert Path(line[0].split("：", 1)[1]) != kept   # a second restore keeps its own copy
    fresh = tmp_path / "新.db"
    r = cli("restore", "--db", fresh, bak, "--json")
    assert r.code == 0 and r.json()["previous"] is None
