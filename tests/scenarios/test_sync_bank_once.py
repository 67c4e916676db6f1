"""The bank's money is counted once, whatever the order: the district may read the bank's later
ledger before or after it merges the laptop that recorded the same money, the laptop may have
read that ledger too, and every order gives the same recovered figure on every computer."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.scenarios.sync_helpers import PASSPHRASE, District
from tests.workbooks import write_workbook

# 张三's loan L1 (10,000.00) and 李四's L2 (20,000.00) in 柳林镇.
PEOPLE = [("张三", "110101199003070019", "L1", "李家村"), ("李四", "110101198805120031", "L2", "王家村")]


def _ledger(folder: Path, name: str, as_of: str, balances: tuple[int, int]) -> Path:
    rows = [[f"柳林镇不良贷款台账  数据截至：{as_of}"], ["借款人", "身份证号", "借据号", "村", "贷款余额"]]
    rows += [[n, i, no, v, b] for (n, i, no, v), b in zip(PEOPLE, balances)]
    return write_workbook(folder / name, {"柳林镇": rows})


@pytest.fixture
def world(cli, tmp_path, monkeypatch):
    """A district that read September's ledger, a laptop set up from it that recorded 3,289.00 on
    L1 (paid 2026-10-20), its work package, and the bank's October ledger showing that money and
    1,000.00 more on L2 that no one recorded."""
    monkeypatch.setenv("QINGSHOU_PASSPHRASE", PASSPHRASE)
    d = District(cli, tmp_path / "district.db", tmp_path)
    d.run("init", "--db", d.db, "--role", "district", "--unit", "示范区")
    d.run("import-ledger", _ledger(tmp_path, "9.xlsx", "2026年9月30日", (10000, 20000)), "--db", d.db)
    laptop = d.laptop("柳林镇", "一号机")
    d.run("repay", "--db", laptop.db, "--loan", "L1", "--amount", "3289.00", "--date", "2026-10-20")
    october = _ledger(tmp_path, "10.xlsx", "2026年10月31日", (10000 - 3289, 19000))
    return d, laptop, october


def _recovered(d: District, db: Path) -> str:
    return d.figures(db)["recovered"]


def _copy(src: Path, dst: Path) -> Path:
    dst.write_bytes(src.read_bytes())
    return dst


def test_every_order_of_ledger_and_package_counts_the_banks_money_once(world, tmp_path):
    d, laptop, october = world
    package = d.export(laptop)
    expected = "4289.00"            # 3,289.00 recorded on the laptop + 1,000.00 only the bank shows

    ledger_first = _copy(d.db, tmp_path / "ledger-first.db")
    d.run("import-ledger", october, "--db", ledger_first)
    d.merge(package, into=ledger_first)

    package_first = _copy(d.db, tmp_path / "package-first.db")
    d.merge(package, into=package_first)
    d.run("import-ledger", october, "--db", package_first)

    assert _recovered(d, ledger_first) == _recovered(d, package_first) == expected
    for db in (ledger_first, package_first):
        conn = sqlite3.connect(db)
        l1 = conn.execute("SELECT balance_fen FROM loans WHERE loan_no = 'L1'").fetchone()[0]
        bank = conn.execute("SELECT coalesce(sum(r.principal_fen), 0) FROM repayments r JOIN loans l "
                            "ON l.id = r.loan_id WHERE r.source = 'bank' AND r.deleted = 0 AND l.loan_no = 'L1'"
                            ).fetchone()[0]
        assert (l1, bank) == (671100, 0)      # the bank's drop on L1 is the laptop's money


def test_a_laptop_that_read_the_same_ledger_adds_nothing_more(world, tmp_path):
    d, laptop, october = world
    d.run("import-ledger", october, "--db", laptop.db)          # the laptop reads October's ledger too
    assert _recovered(d, laptop.db) == "4289.00"
    package = d.export(laptop)
    for name, before in (("before.db", True), ("after.db", False)):
        district = _copy(d.db, tmp_path / name)
        if before:
            d.run("import-ledger", october, "--db", district)
        first = d.merge(package, into=district)["merged"][0]
        d.merge(package, into=district)                            # twice: already merged
        if not before:      # the bank's ledgers are the district's to read: the laptop's stays its own
            assert _recovered(d, district) == "3289.00"
            assert any("ledger_imports" in r for r in first["refused_changes"]), first
            d.run("import-ledger", october, "--db", district)
        assert _recovered(d, district) == "4289.00", name
        conn = sqlite3.connect(district)
        assert conn.execute("SELECT count(*) FROM ledger_imports").fetchone() == (2,)


def test_the_laptop_sees_the_districts_figure_after_the_next_task_package(world, tmp_path, monkeypatch):
    d, laptop, october = world
    d.run("import-ledger", october, "--db", d.db)
    d.merge(d.export(laptop))
    monkeypatch.delenv("QINGSHOU_PASSPHRASE")
    task = tmp_path / "second.qstask"
    d.run("tasks", "--db", d.db, "--township", "柳林镇", "--out", task)
    assert d.merge(task, into=laptop.db)["merged"][0]["status"] == "merged"
    assert _recovered(d, laptop.db) == _recovered(d, d.db) == "4289.00"
    conn = sqlite3.connect(laptop.db)
    assert conn.execute("SELECT count(*) FROM repayments WHERE source = 'township'").fetchone() == (1,)


def test_voiding_the_laptops_entry_gives_the_bank_its_figure_back_everywhere(world, tmp_path):
    d, laptop, october = world
    d.run("import-ledger", october, "--db", d.db)
    d.merge(d.export(laptop))
    conn = sqlite3.connect(laptop.db)
    rep = conn.execute("SELECT id FROM repayments WHERE source = 'township'").fetchone()[0]
    conn.close()
    d.run("repay", "void", rep, "--db", laptop.db, "--reason", "记错了借款户")
    d.merge(d.export(laptop))
    assert _recovered(d, d.db) == "4289.00"          # the bank's ledger still shows the drop on L1
    conn = sqlite3.connect(d.db)
    assert conn.execute("SELECT sum(principal_fen) FROM repayments WHERE source = 'bank' AND deleted = 0"
                        ).fetchone() == (428900,)


def test_packages_never_carry_the_banks_derived_rows(world, tmp_path):
    d, laptop, october = world
    d.run("import-ledger", october, "--db", laptop.db)
    package = d.export(laptop)
    out = json.loads(d.run("merge", "--db", _copy(d.db, tmp_path / "x.db"), package, "--json").out)
    merged = out["merged"][0]
    assert merged["status"] == "merged"
    assert "repayments" not in json.dumps(merged["refused_changes"], ensure_ascii=False)


from tests.cli.conftest import cli  # noqa: E402,F401  (the command line, as the cli tests drive it)

# long: started first, so the run does not end waiting for it (tests/conftest.py)
pytestmark = pytest.mark.slow
