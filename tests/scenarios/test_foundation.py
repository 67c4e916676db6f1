"""init / demo / summary / backup / restore where a user's files are not what the program
expects: folders, damaged or newer databases, places it cannot write."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from tests.scenarios.helpers import snapshot

INTERNAL = "程序内部错误"


def _one_chinese_line(err: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "sqlalche" not in err and "Background on this error" not in err, err
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0]), err


def _newer_copy(src, dest):
    shutil.copyfile(src, dest)
    conn = sqlite3.connect(str(dest))
    conn.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
    conn.commit()
    conn.close()


def test_restore_of_a_backup_from_a_newer_program_is_refused_and_changes_nothing(cli, district_path, tmp_path):
    newer = tmp_path / "新版本 备份.db"
    _newer_copy(district_path, newer)
    cli("init", "--db", tmp_path / "other.db", "--role", "district", "--unit", "别的区")
    before = snapshot(district_path)

    r = cli("restore", "--db", district_path, newer, "--json")

    assert r.code == 1 and r.out == ""
    _one_chinese_line(r.err)
    assert "新" in r.err
    assert snapshot(district_path) == before
    assert cli("summary", "--db", district_path, "--json").code == 0   # still opens


def test_backup_to_a_folder_is_refused_in_plain_words(cli, district_path, tmp_path):
    r = cli("backup", "--db", district_path, "--out", tmp_path)
    assert r.code == 1
    _one_chinese_line(r.err)
    assert INTERNAL not in r.err and "文件夹" in r.err


def test_a_damaged_database_is_refused_in_chinese_without_library_noise(cli, district_path, tmp_path):
    data = district_path.read_bytes()
    damaged = tmp_path / "损坏.db"
    damaged.write_bytes(data[:16] + b"\x00" * 84 + b"garbage" * 4000)
    truncated = tmp_path / "截断.db"
    truncated.write_bytes(data[: len(data) // 2])
    for path in (damaged, truncated):
        r = cli("summary", "--db", path, "--json")
        assert r.code == 1 and r.out == ""
        _one_chinese_line(r.err)
        assert str(path) in r.err


def test_a_folder_given_as_the_database_is_refused_in_plain_words(cli, tmp_path):
    r = cli("summary", "--db", tmp_path, "--json")
    assert r.code == 1
    _one_chinese_line(r.err)
    assert INTERNAL not in r.err and "文件夹" in r.err


@pytest.mark.parametrize("argv", [
    ("backup", "--db", "{db}", "--out", "{blocked}/备份.db"),
    ("restore", "--db", "{blocked}/恢复.db", "{db}"),
    ("demo", "--db", "{blocked}/演示.db", "--households", "3"),
    ("init", "--db", "{blocked}/新.db", "--role", "district", "--unit", "示范区"),
])
def test_a_place_that_cannot_be_written_is_refused_in_plain_words(cli, district_path, tmp_path, argv):
    blocked = tmp_path / "不是文件夹.txt"   # a file where a folder should be: nothing can be written under it
    blocked.write_text("x", encoding="utf-8")
    before = snapshot(district_path)
    r = cli(*(a.format(db=district_path, blocked=blocked) for a in argv))
    assert r.code == 1
    _one_chinese_line(r.err)
    assert INTERNAL not in r.err
    assert snapshot(district_path) == before


def test_an_export_to_a_place_that_cannot_be_written_prints_one_line(cli, demo_path, tmp_path):
    blocked = tmp_path / "不是文件夹.txt"
    blocked.write_text("x", encoding="utf-8")
    r = cli("households", "--db", demo_path, "--out", blocked / "借款户.xlsx")
    assert r.code == 1
    _one_chinese_line(r.err)


def test_an_export_to_a_read_only_folder_prints_one_line_without_library_noise(demo_path, tmp_path):
    """Where the folder refuses the file (a read-only USB stick, no permission): run as its own
    program, since Python prints the noise of a half-written workbook only when it exits."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import errno, sys\n"
        "import app.reports.households_xlsx as x\n"
        "def refused(self, filename):\n"
        "    raise OSError(errno.EROFS, 'Read-only file system', str(filename))\n"
        "x.Workbook.save = refused\n"
        "from app.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n")
    root = Path(__file__).resolve().parents[2]
    p = subprocess.run([sys.executable, "-c", script, "households", "--db", str(demo_path),
                        "--out", str(tmp_path / "借款户.xlsx")],
                       cwd=root, capture_output=True, text=True, encoding="utf-8",
                       env={**os.environ, "PYTHONPATH": str(root)}, timeout=120)
    assert p.returncode == 1
    _one_chinese_line(p.stderr)
    assert "只读" in p.stderr


@pytest.mark.parametrize("command", [("summary", "--json"), ("init", "--role", "district", "--unit", "示范区"),
                                     ("households", "--json")])
def test_another_programs_database_is_refused_and_left_as_it_was(cli, tmp_path, command):
    other = tmp_path / "财务 数据.db"
    conn = sqlite3.connect(str(other))
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('某某')")
    conn.commit()
    conn.close()
    before = other.read_bytes()

    r = cli(command[0], "--db", other, *command[1:])

    assert r.code == 1
    _one_chinese_line(r.err)
    assert "不是清收工作台的数据库" in r.err
    assert other.read_bytes() == before


def test_a_backup_never_overwrites_a_file_that_is_not_a_backup_of_this_database(cli, district_path, demo_path, tmp_path):
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(b"PK\x03\x04 not really a workbook")
    other = tmp_path / "别的 数据库.db"
    other.write_bytes(demo_path.read_bytes())
    for target in (ledger, other):
        before = target.read_bytes()
        r = cli("backup", "--db", district_path, "--out", target, "--json")
        assert r.code == 1 and r.out == ""
        _one_chinese_line(r.err)
        assert "不会覆盖" in r.err
        assert target.read_bytes() == before


def test_a_backup_never_replaces_an_earlier_backup_either(cli, district_path, tmp_path):
    """The earlier backup is the state to go back to if today's data went wrong (issue 5)."""
    out = tmp_path / "每日 备份.db"
    assert cli("backup", "--db", district_path, "--out", out).code == 0
    earlier = out.read_bytes()
    cli("import-ledger", _tiny_ledger(tmp_path), "--db", district_path)
    r = cli("backup", "--db", district_path, "--out", out, "--json")
    assert r.code == 1 and r.out == "" and "不会覆盖" in r.err
    assert out.read_bytes() == earlier


def _tiny_ledger(tmp_path):
    from openpyxl import Workbook

    from tests.scenarios.helpers import make_id

    wb = Workbook()
    ws = wb.active
    ws.title = "柳林镇"
    ws.append(["借款人", "身份证号", "借据号", "贷款余额"])
    ws.append(["张三", make_id("62242119601018001"), "B1", 1000])
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    return path
