"""The foundation's commands, as CLI.md promises them."""
from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest


def test_init_district_creates_database(cli, tmp_path):
    db = tmp_path / "d.db"
    r = cli("init", "--db", db, "--role", "district", "--unit", "示范区", "--json")
    assert r.code == 0, r.err
    assert r.json()["unit"] == "示范区"
    s = cli("summary", "--db", db, "--json").json()
    assert s["totals"]["loans"] == 0
    assert s["totals"]["task_amount"] == "0.00"
    assert s["townships"] == []


def test_init_refuses_to_overwrite_an_initialised_database(cli, tmp_path):
    db = tmp_path / "d.db"
    assert cli("init", "--db", db, "--role", "district", "--unit", "甲区").code == 0
    r = cli("init", "--db", db, "--role", "district", "--unit", "乙区")
    assert r.code == 1
    assert "已" in r.err and "\n" not in r.err.strip()
    assert cli("summary", "--db", db, "--json").code == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("select value from meta where key='unit_name'").fetchone()[0] == "甲区"


def test_a_township_database_told_its_district_has_the_township_id_the_district_gives_it(cli, tmp_path):
    from app.db import ids

    r = cli("init", "--db", tmp_path / "t.db", "--role", "township", "--unit", "柳林镇", "--district", "示范区",
            "--json")
    assert r.code == 0, r.err
    assert r.json()["unit_id"] == ids.Ids(ids.district_namespace("示范区")).township("柳林镇")
    alone = cli("init", "--db", tmp_path / "t2.db", "--role", "township", "--unit", "柳林镇", "--json").json()
    assert alone["unit_id"] != r.json()["unit_id"]   # not told: its ids are its own


def test_init_without_unit_is_bad_usage(cli, tmp_path):
    assert cli("init", "--db", tmp_path / "d.db", "--role", "district").code == 2


def test_unknown_command_is_bad_usage(cli):
    assert cli("frobnicate").code == 2


def test_summary_on_missing_database_exits_1(cli, tmp_path):
    r = cli("summary", "--db", tmp_path / "nope.db", "--json")
    assert r.code == 1
    assert "不存在" in r.err
    assert not (tmp_path / "nope.db").exists()


def test_summary_on_a_file_that_is_not_a_database_exits_1(cli, tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("这不是数据库", encoding="utf-8")
    r = cli("summary", "--db", bad, "--json")
    assert r.code == 1
    assert "不是清收工作台的数据库" in r.err
    assert bad.read_text(encoding="utf-8") == "这不是数据库"


@pytest.fixture(scope="module")
def demo2000(tmp_path_factory):
    from app.services.foundation.demo import DemoOptions, make_demo

    path = tmp_path_factory.mktemp("demo2000") / "d.db"
    make_demo(path, DemoOptions(households=2000, seed=1))
    return path


def test_demo_summary_has_the_contract_shape_and_adds_up(cli, demo2000):
    s = cli("summary", "--db", demo2000, "--json").json()
    assert set(s) >= {"as_of", "totals", "townships", "categories"}
    totals = s["totals"]
    assert set(totals) >= {"loans", "households", "task_amount", "recovered", "outstanding",
                           "recovery_rate", "loans_settled"}
    assert totals["households"] == 2000
    assert len(s["townships"]) >= 3
    for key in ("loans", "households", "loans_settled"):
        assert sum(t[key] for t in s["townships"]) == totals[key]
    for key in ("task_amount", "recovered", "outstanding"):
        assert sum(Decimal(t[key]) for t in s["townships"]) == Decimal(totals[key])
        assert isinstance(totals[key], str) and totals[key].count(".") == 1 and len(totals[key].split(".")[1]) == 2
    for row in s["townships"] + [totals]:
        task, rec = Decimal(row["task_amount"]), Decimal(row["recovered"])
        assert Decimal(row["outstanding"]) == task - rec
        expected = (rec / task).quantize(Decimal("0.0001")) if task else Decimal(0)
        assert Decimal(str(row["recovery_rate"])) == expected
        assert 0 <= row["recovery_rate"] <= 1
    ranks = [t["rank"] for t in s["townships"]]
    assert sorted(ranks) == list(range(1, len(ranks) + 1))
    by_rank = sorted(s["townships"], key=lambda t: t["rank"])
    assert [t["recovery_rate"] for t in by_rank] == sorted((t["recovery_rate"] for t in by_rank), reverse=True)
    codes = {c["code"] for c in s["categories"]}
    assert {"deceased", "imprisoned", "unreachable", "absent", "litigation", "public_servant",
            "large_mortgage"} <= codes
    assert all({"code", "name", "loans", "task_amount", "recovered"} <= set(c) for c in s["categories"])
    assert sum(c["loans"] for c in s["categories"]) > 0
    assert Decimal(totals["recovered"]) > 0 and totals["loans_settled"] > 0


def test_demo_is_reproducible_with_the_same_seed(cli, tmp_path):
    a, b, c = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    assert cli("demo", "--db", a, "--households", 150, "--seed", 5).code == 0
    assert cli("demo", "--db", b, "--households", 150, "--seed", 5).code == 0
    assert cli("demo", "--db", c, "--households", 150, "--seed", 6).code == 0
    sa = cli("summary", "--db", a, "--json", "--as-of", "2026-11-30").json()
    sb = cli("summary", "--db", b, "--json", "--as-of", "2026-11-30").json()
    sc = cli("summary", "--db", c, "--json", "--as-of", "2026-11-30").json()
    assert sa == sb
    assert sa != sc
    with sqlite3.connect(a) as ca, sqlite3.connect(b) as cb:
        q = "select loan_no, task_amount_fen, balance_fen from loans order by loan_no"
        assert ca.execute(q).fetchall() == cb.execute(q).fetchall()


def test_demo_refuses_to_overwrite_a_file(cli, tmp_path):
    target = tmp_path / "x.db"
    target.write_bytes(b"precious")
    r = cli("demo", "--db", target, "--households", 10)
    assert r.code == 1
    assert target.read_bytes() == b"precious"


def test_summary_as_of_a_past_date_counts_only_what_came_before(cli, demo2000):
    early = cli("summary", "--db", demo2000, "--json", "--as-of", "2026-03-01").json()
    late = cli("summary", "--db", demo2000, "--json", "--as-of", "2026-12-31").json()
    assert early["totals"]["recovered"] == "0.00"
    assert early["totals"]["task_amount"] == late["totals"]["task_amount"]
    assert Decimal(late["totals"]["recovered"]) > 0
    before = cli("summary", "--db", demo2000, "--json", "--as-of", "2026-02-01").json()
    assert before["totals"]["loans"] == 0


def test_bad_date_is_bad_usage(cli, demo2000):
    assert cli("summary", "--db", demo2000, "--as-of", "30/11/2026").code == 2


def test_backup_then_restore_gives_the_same_summary(cli, demo2000, tmp_path):
    import shutil

    work = tmp_path / "work.db"
    shutil.copyfile(demo2000, work)
    before = cli("summary", "--db", work, "--json", "--as-of", "2026-11-30").json()
    bak = tmp_path / "copy.bak"
    assert cli("backup", "--db", work, "--out", bak).code == 0
    # Damage the working database, then restore.
    with sqlite3.connect(work) as conn:
        conn.execute("update repayments set deleted = 1")
    changed = cli("summary", "--db", work, "--json", "--as-of", "2026-11-30").json()
    assert changed["totals"]["recovered"] == "0.00"
    assert cli("restore", "--db", work, bak).code == 0
    after = cli("summary", "--db", work, "--json", "--as-of", "2026-11-30").json()
    assert after == before


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(cli, demo2000, tmp_path):
    import shutil

    work = tmp_path / "work.db"
    shutil.copyfile(demo2000, work)
    before = cli("summary", "--db", work, "--json", "--as-of", "2026-11-30").json()
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    r = cli("restore", "--db", work, junk)
    assert r.code == 1 and r.err.strip()
    r = cli("restore", "--db", work, tmp_path / "missing.bak")
    assert r.code == 1 and "不存在" in r.err
    assert cli("summary", "--db", work, "--json", "--as-of", "2026-11-30").json() == before


def test_python_dash_m_app_runs_the_same_program(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "m.db"
    p = subprocess.run([sys.executable, "-m", "app", "init", "--db", str(db), "--role", "district",
                        "--unit", "测试区", "--json"], capture_output=True, text=True, encoding="utf-8")
    assert p.returncode == 0, p.stderr
    assert '"测试区"' in p.stdout


def test_usage_errors_are_explained_in_chinese(cli):
    r = cli("summary", "--as-of")
    assert r.code == 2 and "用法错误" in r.err and "需要一个值" in r.err
    r = cli("init", "--role", "county", "--unit", "甲区")
    assert r.code == 2 and "无效的选项" in r.err


def test_without_db_the_default_database_is_made_on_first_use(cli, data_home):
    r = cli("init", "--role", "district", "--unit", "默认区", "--json")
    assert r.code == 0, r.err
    assert (data_home / "qingshou.db").exists()
    assert cli("summary", "--json").json()["totals"]["loans"] == 0
