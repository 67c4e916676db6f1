"""Three laptops — two of 柳林镇, one of 石门乡 — and the district, over several rounds: every
order of delivery gives the same district; each township's figures move by exactly its own money;
a laptop sees its township neighbour's work after the next task package and never the other
township's; a void made on one laptop survives the other laptop's older package; a new bank
ledger read at the district reaches both laptops of the township with the next task packages,
its money counted once everywhere."""
from __future__ import annotations

import itertools
import json
import sqlite3

import pytest

from tests.integration.ledger_import.ledger_files import HEADER, loan_row
from tests.scenarios.sync_helpers import PASSPHRASE, District, facts, loans_of
from tests.workbooks import write_workbook


@pytest.fixture
def district(cli, demo_path, tmp_path, monkeypatch):
    monkeypatch.setenv("QINGSHOU_PASSPHRASE", PASSPHRASE)
    return District(cli, demo_path, tmp_path)


def _fen(text: str) -> int:
    return int(text.replace(".", ""))


def _ledger(district, path, loans: dict[str, int]):
    """The bank's ledger of 柳林镇 on 2026-11-30 for these loans (number → balance in fen), each
    row as the district has the loan (borrower, ID number, village)."""
    conn = sqlite3.connect(district.db)
    rows = []
    for n, (loan_no, balance) in enumerate(loans.items(), start=1):
        name, idno, village = conn.execute(
            "SELECT h.head_name, h.head_id_number, v.name FROM loans l JOIN households h ON h.id = l.household_id "
            "JOIN villages v ON v.id = h.village_id WHERE l.loan_no = ?", (loan_no,)).fetchone()
        rows.append(loan_row(n, name=name, idno=idno, loan_no=loan_no, balance=f"{balance // 100}.{balance % 100:02d}",
                             village=village))
    conn.close()
    return write_workbook(path, {"柳林镇": [["清收任务清单（柳林镇）"], ["单位：元  数据截至：2026年11月30日"], HEADER,
                                        *rows]})


def _state(db) -> tuple:
    conn = sqlite3.connect(db)
    try:
        return (facts(db, "repayments"), facts(db, "visits"),
                frozenset(conn.execute("SELECT id, phone, address FROM households")),
                frozenset(conn.execute("SELECT id, kept_value, lost_value FROM conflicts")),
                frozenset(conn.execute("SELECT id, balance_fen FROM loans")))
    finally:
        conn.close()


def test_three_laptops_of_two_townships_in_any_order(district, tmp_path):
    a1, a2 = district.laptop("柳林镇", "一号机"), district.laptop("柳林镇", "二号机")
    b1 = district.laptop("石门乡", "一号机")
    la, lb, lc = loans_of(a1.db)
    (ls,) = loans_of(b1.db, township="石门乡", n=1)
    before = {t: _fen(district.figures(township=t)["recovered"]) for t in ("柳林镇", "石门乡")}

    # round 1: each laptop works and hands in a package
    r = json.loads(district.run("repay", "--db", a1.db, "--loan", la, "--amount", "800.00", "--date",
                                "2026-11-20", "--json").out)
    a1_repayment = r["repayment_id"]
    district.run("visit", "--db", a2.db, "--loan", lb, "--date", "2026-11-21", "--outcome", "promised")
    district.run("repay", "--db", a2.db, "--loan", lc, "--amount", "1500.50", "--date", "2026-11-21")
    district.run("household", "edit", "--db", a2.db, "--loan", lb, "--address", "新址 2 组 8 号")
    district.run("repay", "--db", b1.db, "--loan", ls, "--amount", "2000.00", "--date", "2026-11-22")
    round1 = [district.export(a1), district.export(a2), district.export(b1)]

    states = []
    for order in itertools.permutations(round1):
        target = tmp_path / f"d-{'-'.join(p.stem for p in order)}.db"
        target.write_bytes(district.db.read_bytes())
        district.merge(*order, into=target)
        states.append(_state(target))
    assert all(s == states[0] for s in states)
    district.merge(*round1)
    assert _state(district.db) == states[0]
    after = {t: _fen(district.figures(township=t)["recovered"]) for t in ("柳林镇", "石门乡")}
    assert after["柳林镇"] - before["柳林镇"] == 80_000 + 150_050
    assert after["石门乡"] - before["石门乡"] == 200_000

    # round 2: the task packages carry the neighbour's work, and nothing of the other township
    for laptop, township in ((a1, "柳林镇"), (a2, "柳林镇"), (b1, "石门乡")):
        task = district.folder / f"{township}-{laptop.name}-r2.qstask"
        district.run("tasks", "--db", district.db, "--township", township, "--out", task)
        district.merge(task, into=laptop.db)
    ids = {laptop.name + laptop.db.stem: {r[0] for r in facts(laptop.db, "repayments")} for laptop in (a1, a2, b1)}
    one, two, other = ids.values()
    assert one == two and a1_repayment in two                 # the two 柳林镇 laptops hold the same facts
    assert not (two - {r[0] for r in facts(district.db, "repayments")})
    townships = {r[0] for r in sqlite3.connect(a2.db).execute(
        "SELECT DISTINCT u.name FROM loans l JOIN units u ON u.id = l.township_id")}
    assert townships == {"柳林镇"}
    assert a1_repayment not in other

    # 二号机 voids 一号机's entry (entered twice by mistake); 一号机's older package comes after
    district.run("repay", "void", a1_repayment, "--db", a2.db, "--reason", "重复登记")
    late_a1 = district.export(a1)        # made before 一号机 saw the void
    void_a2 = district.export(a2)
    for order in ((void_a2, late_a1), (late_a1, void_a2)):
        target = tmp_path / f"d2-{order[0].stem}.db"
        target.write_bytes(district.db.read_bytes())
        district.merge(*order, into=target)
        got = {r[0]: r[1] for r in facts(target, "repayments")}
        assert got[a1_repayment] == 1, order          # the void stands
        assert _fen(district.figures(target, "柳林镇")["recovered"]) - before["柳林镇"] == 150_050
        assert _fen(district.figures(target, "石门乡")["recovered"]) - before["石门乡"] == 200_000
    first, second = (_state(tmp_path / f"d2-{p.stem}.db") for p in (void_a2, late_a1))
    assert first == second

    # round 3: the bank's ledger of 11-30 shows 3,000.00 back on loan b, nobody recorded it; the
    # district reads it, the next task packages take it to both 柳林镇 laptops
    district.merge(void_a2, late_a1)
    balance = sqlite3.connect(district.db).execute("SELECT balance_fen FROM loans WHERE loan_no = ?",
                                                   (lb,)).fetchone()[0]
    ledger = _ledger(district, tmp_path / "柳林镇-1130.xlsx", {lb: balance - 300_000})
    district.run("import-ledger", ledger, "--db", district.db, "--township", "柳林镇")
    here = _fen(district.figures(township="柳林镇")["recovered"])
    assert here - before["柳林镇"] == 150_050 + 300_000
    for laptop in (a1, a2):
        task = district.folder / f"柳林镇-{laptop.name}-r3.qstask"
        district.run("tasks", "--db", district.db, "--township", "柳林镇", "--out", task)
        district.merge(task, into=laptop.db)
        assert _fen(district.figures(laptop.db, "柳林镇")["recovered"]) == here, laptop.name
    # and their next packages change nothing at the district: the bank's money is not counted twice
    district.merge(district.export(a1), district.export(a2))
    assert _fen(district.figures(township="柳林镇")["recovered"]) == here


# long: started first, so the run does not end waiting for it (tests/conftest.py)
pytestmark = pytest.mark.slow
