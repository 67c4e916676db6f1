"""Two laptops of one township and the district: what each records arrives once, whatever the
order, however often a package is merged; what a laptop may not change is refused and said."""
from __future__ import annotations

import itertools
import json
import sqlite3

import pytest

from tests.scenarios.sync_helpers import PASSPHRASE, District, facts, loans_of


@pytest.fixture
def district(cli, demo_path, tmp_path, monkeypatch):
    monkeypatch.setenv("QINGSHOU_PASSPHRASE", PASSPHRASE)
    return District(cli, demo_path, tmp_path)


def test_repayments_and_visits_from_two_laptops_are_counted_once_in_any_order(district, cli, tmp_path):
    one, two = district.laptop("柳林镇", "一号机"), district.laptop("柳林镇", "二号机")
    a, b, c = loans_of(one.db)
    before = district.figures()
    district.run("repay", "--db", one.db, "--loan", a, "--amount", "1000.00", "--date", "2026-11-20")
    district.run("visit", "--db", one.db, "--loan", b, "--date", "2026-11-21", "--outcome", "promised")
    district.run("repay", "--db", two.db, "--loan", c, "--amount", "2500.50", "--date", "2026-11-22")
    district.run("repay", "--db", two.db, "--loan", a, "--amount", "300.00", "--date", "2026-11-23")
    p1, p2 = district.export(one), district.export(two)
    results = []
    for order in itertools.permutations([p1, p2]):
        target = tmp_path / f"district-{order[0].stem}.db"
        target.write_bytes(district.db.read_bytes())
        for f in order:
            merged = district.merge(f, into=target)["merged"][0]
            assert merged["status"] == "merged"
            assert merged["refused_changes"] == []     # the balances a repayment moved are recomputed here
        again = district.merge(*order, into=target)
        assert {m["status"] for m in again["merged"]} == {"already_merged"}
        results.append((district.figures(target), facts(target, "repayments"), facts(target, "visits")))
    assert results[0] == results[1]
    after = results[0][0]
    got = int(after["recovered"].replace(".", "")) - int(before["recovered"].replace(".", ""))
    assert got == 100000 + 250050 + 30000          # in fen: each repayment once
    conn = sqlite3.connect(tmp_path / f"district-{p1.stem}.db")
    assert conn.execute("SELECT count(*) FROM device_sequences").fetchone() == (2,)
    assert {r[0] for r in conn.execute("SELECT name FROM sync_peers WHERE kind = 'device'")} == {"一号机", "二号机"}


def test_a_void_travels_and_is_never_undone(district, cli):
    one = district.laptop("柳林镇", "一号机")
    loan = loans_of(one.db, n=1)[0]
    made = json.loads(district.run("repay", "--db", one.db, "--loan", loan, "--amount", "800.00",
                                   "--date", "2026-11-20", "--json").out)
    first = district.export(one)
    district.merge(first)
    district.run("repay", "void", "--db", one.db, made["repayment_id"], "--reason", "金额登记错了")
    district.merge(district.export(one))
    conn = sqlite3.connect(district.db)
    assert conn.execute("SELECT deleted, void_reason FROM repayments WHERE id = ?",
                        (made["repayment_id"],)).fetchone() == (1, "金额登记错了")
    assert district.figures() == district.figures(one.db)
    # the older package, merged again or late, does not bring the repayment back
    assert district.merge(first)["merged"][0]["status"] == "already_merged"
    assert conn.execute("SELECT deleted FROM repayments WHERE id = ?", (made["repayment_id"],)).fetchone() == (1,)


def test_a_laptop_cannot_change_the_banks_figures_or_another_townships_rows(district, cli):
    one = district.laptop("柳林镇", "一号机")
    loan = loans_of(one.db, n=1)[0]
    conn = sqlite3.connect(one.db)
    task = conn.execute("SELECT task_amount_fen FROM loans WHERE loan_no = ?", (loan,)).fetchone()[0]
    with conn:   # someone edits the laptop's file by hand, with a newer stamp
        conn.execute("UPDATE loans SET task_amount_fen = 1, hlc = '9' || substr(hlc, 2) WHERE loan_no = ?", (loan,))
    result = district.merge(district.export(one), ok=False)["merged"][0]
    assert result["status"] == "refused" and result["code"] == "clock_drift"
    with conn:
        conn.execute("UPDATE loans SET hlc = (SELECT max(hlc) FROM loans WHERE hlc < '2') || 'z' WHERE loan_no = ?", (loan,))
    result = district.merge(district.export(one))["merged"][0]
    assert result["status"] == "merged"
    assert any("task_amount_fen" in r for r in result["refused_changes"]), result
    district_conn = sqlite3.connect(district.db)
    assert district_conn.execute("SELECT task_amount_fen FROM loans WHERE loan_no = ?", (loan,)).fetchone() == (task,)


def test_packages_that_must_be_refused_change_nothing(district, cli, tmp_path):
    one = district.laptop("柳林镇", "一号机")
    district.run("visit", "--db", one.db, "--loan", loans_of(one.db, n=1)[0], "--date", "2026-11-21",
                 "--outcome", "refused")
    package = district.export(one)
    before = district.db.read_bytes()
    data = bytearray(package.read_bytes())
    data[-10] ^= 1
    bad = tmp_path / "改过的.qspkg"
    bad.write_bytes(bytes(data))
    result = district.merge(bad, ok=False)["merged"][0]
    assert result["status"] == "refused" and "改过的.qspkg" in result["reason"]
    # another district's database does not take it
    other = tmp_path / "other.db"
    district.run("init", "--db", other, "--role", "district", "--unit", "别的区")
    assert district.merge(package, into=other, ok=False)["merged"][0]["code"] == "foreign"
    # a laptop does not take another laptop's work package
    assert district.merge(package, into=one.db, ok=False)["merged"][0]["status"] == "refused"
    # one bad file among good ones: the good ones merge, the command says 1
    out = district.merge(bad, package, ok=False)
    assert [m["status"] for m in out["merged"]] == ["refused", "merged"]
    assert before != district.db.read_bytes()


def test_a_stranger_with_a_laptop_is_not_enrolled(district, cli, tmp_path):
    one = district.laptop("柳林镇", "一号机")
    conn = sqlite3.connect(one.db)
    with conn:    # a laptop that never had the task package's secret
        conn.execute("UPDATE meta SET value = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' WHERE key = 'enrol_secret'")
    result = district.merge(district.export(one), ok=False)["merged"][0]
    assert result["status"] == "refused" and result["code"] == "unknown_signer"
    assert sqlite3.connect(district.db).execute("SELECT count(*) FROM sync_peers WHERE kind = 'device'").fetchone() == (0,)


def test_laptops_of_one_township_see_each_others_work_through_the_district(district, cli, monkeypatch):
    one, two = district.laptop("柳林镇", "一号机"), district.laptop("柳林镇", "二号机")
    a, b, _ = loans_of(one.db)
    district.run("repay", "--db", one.db, "--loan", a, "--amount", "1200.00", "--date", "2026-11-20")
    district.run("visit", "--db", two.db, "--loan", b, "--date", "2026-11-21", "--outcome", "promised")
    district.merge(district.export(one), district.export(two))
    monkeypatch.delenv("QINGSHOU_PASSPHRASE")        # both laptops are enrolled: no passphrase now
    task = district.folder / "柳林镇-第二次.qstask"
    out = json.loads(district.run("tasks", "--db", district.db, "--township", "柳林镇", "--out", task,
                                  "--json").out)
    assert out["encryption"] == "age-x25519" and out["sequence"] == 3
    for laptop in (one, two):
        merged = district.merge(task, into=laptop.db)["merged"][0]
        assert merged["status"] == "merged", merged
        assert district.figures(laptop.db) == district.figures()
    assert facts(one.db, "visits") == facts(two.db, "visits") == {
        f for f in facts(district.db, "visits") if f in facts(one.db, "visits")}
    conn = sqlite3.connect(two.db)
    assert conn.execute("SELECT count(*) FROM repayments r JOIN loans l ON l.id = r.loan_id WHERE l.loan_no = ? "
                        "AND r.amount_fen = 120000", (a,)).fetchone() == (1,)
    # a third laptop set up later needs a package with a passphrase
    r = district.run("tasks", "--db", district.db, "--township", "柳林镇", "--out", district.folder / "x.qstask",
                     "--new-laptop", ok=False)
    assert "QINGSHOU_PASSPHRASE" in r.err


def _edit_household(db, loan_no: str, **values) -> None:
    """An edit as the household page makes it: through the unit of work (stamped, audited)."""
    from app.bootstrap import open_database
    from app.db.models import Household, Loan

    database = open_database(db)
    try:
        with database.uow("驻村干部") as uow:
            loan = uow.session.query(Loan).filter_by(loan_no=loan_no).one()
            household = uow.session.get(Household, loan.household_id)
            for key, value in values.items():
                setattr(household, key, value)
            uow.commit()
    finally:
        database.dispose()


def test_the_same_field_changed_on_two_laptops_leaves_one_conflict_whatever_the_order(district, cli, tmp_path):
    one, two = district.laptop("柳林镇", "一号机"), district.laptop("柳林镇", "二号机")
    loan = loans_of(one.db, n=1)[0]
    _edit_household(one.db, loan, phone="13900000001")
    _edit_household(two.db, loan, phone="13900000002")      # later: it wins
    p1, p2 = district.export(one), district.export(two)
    seen = []
    for order in ((p1, p2), (p2, p1)):
        target = tmp_path / f"d-{order[0].stem}.db"
        target.write_bytes(district.db.read_bytes())
        district.merge(*order, into=target)
        listed = json.loads(district.run("conflicts", "--db", target, "--json").out)["conflicts"]
        phone = sqlite3.connect(target).execute(
            "SELECT h.phone FROM households h JOIN loans l ON l.household_id = h.id WHERE l.loan_no = ?",
            (loan,)).fetchone()[0]
        seen.append((phone, [(c["id"], c["kept"]["value"], c["lost"]["value"], c["lost"]["device"]) for c in listed]))
    assert seen[0] == seen[1]
    phone, listed = seen[0]
    assert phone == "13900000002" and len(listed) == 1
    conflict_id, kept, lost, device = listed[0]
    assert (kept, lost, device) == ("13900000002", "13900000001", "一号机")
    # the district takes the overwritten number back: a change of its own
    target = tmp_path / f"d-{p1.stem}.db"
    r = json.loads(district.run("conflicts", "resolve", conflict_id, "--take", "lost", "--db", target, "--json").out)
    assert r["resolved"] and r["took"] == "lost"
    assert sqlite3.connect(target).execute(
        "SELECT h.phone FROM households h JOIN loans l ON l.household_id = h.id WHERE l.loan_no = ?",
        (loan,)).fetchone() == ("13900000001",)
    assert json.loads(district.run("conflicts", "--db", target, "--json").out)["conflicts"] == []


def test_an_edit_made_on_top_of_anothers_is_no_conflict(district, cli):
    one, two = district.laptop("柳林镇", "一号机"), district.laptop("柳林镇", "二号机")
    loan = loans_of(one.db, n=1)[0]
    _edit_household(one.db, loan, phone="13900000001")
    first = district.export(one)
    district.merge(first, district.export(two))
    task = district.folder / "t2.qstask"
    district.run("tasks", "--db", district.db, "--township", "柳林镇", "--out", task)
    district.merge(task, into=two.db)                 # 二号机 sees 一号机's number, then corrects it
    _edit_household(two.db, loan, phone="13900000003")
    district.merge(district.export(two))
    assert json.loads(district.run("conflicts", "--db", district.db, "--json").out)["conflicts"] == []
    status = json.loads(district.run("sync-status", "--db", district.db, "--json").out)["devices"]
    assert sorted(d["device_name"] for d in status) == ["一号机", "二号机"]


def test_a_field_changed_twice_on_one_laptop_is_no_conflict_whichever_package_comes_first(district, cli, tmp_path):
    one, two = district.laptop("柳林镇", "一号机"), district.laptop("柳林镇", "二号机")
    loan = loans_of(one.db, n=1)[0]
    _edit_household(one.db, loan, phone="13900000001")
    first = district.export(one)
    _edit_household(one.db, loan, phone="13900000011")     # 一号机 corrects its own number
    second = district.export(one)
    _edit_household(two.db, loan, address="新址 3 组 12 号")
    other = district.export(two)
    for order in ((first, second, other), (second, first, other), (other, second, first)):
        target = tmp_path / f"d-{order[0].stem}-{order[1].stem}.db"
        target.write_bytes(district.db.read_bytes())
        district.merge(*order, into=target)
        assert json.loads(district.run("conflicts", "--db", target, "--json").out)["conflicts"] == [], order
        assert sqlite3.connect(target).execute(
            "SELECT h.phone, h.address FROM households h JOIN loans l ON l.household_id = h.id WHERE l.loan_no = ?",
            (loan,)).fetchone() == ("13900000011", "新址 3 组 12 号")
    # while a number 二号机 typed over the district's, unseen by 一号机, is still one conflict
    _edit_household(two.db, loan, phone="13900000002")
    target = tmp_path / "d-late.db"
    target.write_bytes(district.db.read_bytes())
    district.merge(second, district.export(two), into=target)
    listed = json.loads(district.run("conflicts", "--db", target, "--json").out)["conflicts"]
    assert [(c["kept"]["value"], c["lost"]["value"]) for c in listed] == [("13900000002", "13900000011")]


def test_two_laptops_changing_different_fields_of_one_household_both_keep_their_change(district, cli):
    one, two = district.laptop("柳林镇", "一号机"), district.laptop("柳林镇", "二号机")
    loan = loans_of(one.db, n=1)[0]
    _edit_household(one.db, loan, phone="13900000001")
    _edit_household(two.db, loan, address="新址 3 组 12 号")
    district.merge(district.export(one), district.export(two))
    row = sqlite3.connect(district.db).execute(
        "SELECT h.phone, h.address FROM households h JOIN loans l ON l.household_id = h.id WHERE l.loan_no = ?",
        (loan,)).fetchone()
    assert row == ("13900000001", "新址 3 组 12 号")
    assert json.loads(district.run("conflicts", "--db", district.db, "--json").out)["conflicts"] == []


def test_a_household_edited_on_the_command_line_travels_to_the_district(district, cli):
    one = district.laptop("柳林镇", "一号机")
    loan = loans_of(one.db, n=1)[0]
    r = district.run("household", "edit", "--db", one.db, "--loan", loan, "--phone", "13955556666",
                     "--add-category", "low_income", "--json")
    assert json.loads(r.out)["changed"] == ["phone", "categories"]
    district.merge(district.export(one))
    conn = sqlite3.connect(district.db)
    hid = conn.execute("SELECT household_id FROM loans WHERE loan_no = ?", (loan,)).fetchone()[0]
    assert conn.execute("SELECT phone FROM households WHERE id = ?", (hid,)).fetchone() == ("13955556666",)
    assert conn.execute("SELECT count(*) FROM category_tags WHERE household_id = ? AND code = 'low_income' "
                        "AND deleted = 0", (hid,)).fetchone() == (1,)


def test_a_lost_stick_loses_nothing(district, cli):
    one = district.laptop("柳林镇", "一号机")
    a, b, c = loans_of(one.db)
    district.run("repay", "--db", one.db, "--loan", a, "--amount", "100.00", "--date", "2026-11-20")
    district.merge(district.export(one))
    task = district.folder / "t2.qstask"
    district.run("tasks", "--db", district.db, "--township", "柳林镇", "--out", task)
    district.merge(task, into=one.db)                   # the district confirms what it received
    district.run("repay", "--db", one.db, "--loan", b, "--amount", "200.00", "--date", "2026-11-21")
    lost = district.export(one)                          # this stick never reaches the district
    district.run("visit", "--db", one.db, "--loan", c, "--date", "2026-11-22", "--outcome", "refused")
    later = district.export(one)
    assert district.merge(later)["merged"][0]["status"] == "merged"
    assert facts(one.db, "repayments") <= facts(district.db, "repayments")
    assert facts(one.db, "visits") <= facts(district.db, "visits")
    assert district.figures() == district.figures(one.db)
    status = json.loads(district.run("sync-status", "--db", district.db, "--json").out)["devices"][0]
    assert status["missing"] == [2] and status["last_sequence"] == 3
    assert lost.exists()
    # the laptop knows what it sent, and (from the task package) what the district confirmed
    mine = json.loads(district.run("sync-status", "--db", one.db, "--json").out)
    assert mine["devices"] == [] and mine["this_computer"]["exported"] == 3
    assert (mine["this_computer"]["last_sequence"], mine["this_computer"]["last_confirmed"]) == (3, False)
    assert "区县还没有确认收到" in district.run("sync-status", "--db", one.db).out
    district.run("tasks", "--db", district.db, "--township", "柳林镇", "--out", district.folder / "t3.qstask")
    district.merge(district.folder / "t3.qstask", into=one.db)
    said = district.run("sync-status", "--db", one.db).out
    assert "已写出 3 个数据包" in said and "区县已确认收到其中的全部工作" in said and "任务包：第 3 个" in said
    assert json.loads(district.run("sync-status", "--db", district.db, "--json").out)["this_computer"] is None


# long: started first, so the run does not end waiting for it (tests/conftest.py)
pytestmark = pytest.mark.slow
