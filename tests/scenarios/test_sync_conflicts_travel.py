"""A conflict found on a township laptop reaches the district, which reviews it and takes the other
value; how it was settled comes back to every laptop of the township. Driven through the command
line as the district office and the township staff would."""
from __future__ import annotations

import json
import sqlite3

import pytest

from tests.scenarios.sync_helpers import PASSPHRASE, District, loans_of


@pytest.fixture
def district(cli, demo_path, tmp_path, monkeypatch):
    monkeypatch.setenv("QINGSHOU_PASSPHRASE", PASSPHRASE)
    return District(cli, demo_path, tmp_path)


def _phone(db, loan: str) -> str:
    return sqlite3.connect(db).execute(
        "SELECT h.phone FROM households h JOIN loans l ON l.household_id = h.id WHERE l.loan_no = ?",
        (loan,)).fetchone()[0]


def _listed(district, db, *flags) -> list[dict]:
    return json.loads(district.run("conflicts", "--db", db, "--json", *flags).out)["conflicts"]


def _task(district, name: str):
    task = district.folder / f"{name}.qstask"
    district.run("tasks", "--db", district.db, "--township", "柳林镇", "--out", task)
    return task


def test_a_conflict_found_on_a_laptop_is_settled_at_the_district_and_the_settlement_reaches_every_laptop(district):
    a, b = district.laptop("柳林镇", "一号机"), district.laptop("柳林镇", "二号机")
    loan = loans_of(a.db, n=1)[0]
    district.merge(district.export(a), district.export(b))     # both have handed in a package: enrolled
    # both laptops change one household's phone, neither having seen the other's; 一号机's is later
    district.run("household", "edit", "--db", b.db, "--loan", loan, "--phone", "13900000002", "--operator", "李四")
    district.run("household", "edit", "--db", a.db, "--loan", loan, "--phone", "13900000001", "--operator", "张三")
    district.merge(district.export(a))                     # 一号机's number reaches the district first
    assert _listed(district, district.db) == []
    merged = district.merge(_task(district, "第二次"), into=b.db)
    assert merged["conflicts"] == 1                         # 二号机's number is overwritten there …
    assert _phone(b.db, loan) == "13900000001"
    (on_b,) = _listed(district, b.db)
    assert (on_b["kept"]["value"], on_b["lost"]["value"]) == ("13900000001", "13900000002")
    # … and, with 二号机's next package, listed at the district, where it was never found
    district.merge(district.export(b))
    (listed,) = _listed(district, district.db)
    assert listed["id"] == on_b["id"]
    kept, lost = listed["kept"], listed["lost"]
    assert (kept["value"], kept["operator"], kept["device"], kept["unit"]) == ("13900000001", "张三", "一号机", "柳林镇")
    assert (lost["value"], lost["operator"], lost["device"], lost["unit"]) == ("13900000002", "李四", "二号机", "柳林镇")
    assert lost["at"] and kept["at"] and lost["at"] <= kept["at"]
    assert [(c["unit"], c["device"]) for c in listed["found_on"]] == [("柳林镇", "二号机")]
    assert listed["resolved"] is False and listed["resolution"] is None
    text = district.run("conflicts", "--db", district.db).out
    assert "被覆盖：13900000002（李四，柳林镇 二号机，" in text and "发现于：柳林镇 二号机" in text
    # the district takes 二号机's number: a change of its own, that travels
    done = json.loads(district.run("conflicts", "resolve", listed["id"], "--take", "lost", "--db", district.db,
                                   "--operator", "王五", "--json").out)
    assert done["resolved"] and done["resolution"]["took"] == "lost" and done["resolution"]["operator"] == "王五"
    assert _phone(district.db, loan) == "13900000002"
    assert _listed(district, district.db) == []
    # the next task package brings the number and the settlement to both laptops
    task = _task(district, "第三次")
    for laptop in (a, b):
        assert district.merge(task, into=laptop.db)["conflicts"] == 0
        assert _phone(laptop.db, loan) == "13900000002"
        assert _listed(district, laptop.db) == []
        (settled,) = _listed(district, laptop.db, "--all")
        assert settled["id"] == listed["id"] and settled["resolved"]
        assert (settled["resolution"]["took"], settled["resolution"]["operator"]) == ("lost", "王五")
        assert (settled["kept"]["value"], settled["lost"]["value"]) == ("13900000001", "13900000002")
        assert "处理：王五" in district.run("conflicts", "--db", laptop.db, "--all").out
    # and the laptops' next packages change nothing of it at the district
    before = _listed(district, district.db, "--all")
    district.merge(district.export(a), district.export(b))
    assert _listed(district, district.db, "--all") == before
    assert _phone(district.db, loan) == "13900000002"


def test_a_laptops_settlement_reaches_the_district_and_of_two_the_later_stands(district):
    a, b = district.laptop("柳林镇", "一号机"), district.laptop("柳林镇", "二号机")
    loan = loans_of(a.db, n=1)[0]
    district.merge(district.export(a), district.export(b))
    district.run("household", "edit", "--db", b.db, "--loan", loan, "--phone", "13900000002", "--operator", "李四")
    district.run("household", "edit", "--db", a.db, "--loan", loan, "--phone", "13900000001", "--operator", "张三")
    district.merge(district.export(a))
    district.merge(_task(district, "第二次"), into=b.db)
    (conflict,) = _listed(district, b.db)
    district.merge(district.export(b))
    # the district keeps 一号机's number; later, not having seen that, 二号机 takes its own back
    district.run("conflicts", "resolve", conflict["id"], "--take", "kept", "--db", district.db, "--operator", "王五")
    district.run("conflicts", "resolve", conflict["id"], "--take", "lost", "--db", b.db, "--operator", "李四")
    late = district.export(b)
    task = _task(district, "第三次")
    seen = []
    # the district gets the laptop's later decision; the laptop the district's earlier one
    for package, into in ((late, district.db), (task, b.db)):
        district.merge(package, into=into)
        (settled,) = _listed(district, into, "--all")
        seen.append((settled["resolution"]["took"], settled["resolution"]["operator"], _phone(into, loan)))
    assert seen == [("lost", "李四", "13900000002")] * 2
    district.merge(_task(district, "第四次"), into=a.db)
    (settled,) = _listed(district, a.db, "--all")
    assert (settled["resolution"]["took"], settled["resolution"]["operator"], _phone(a.db, loan)) == seen[0]
