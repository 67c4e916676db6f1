"""Task packages: the district writes one per township; a laptop is set up from it and then
holds that township's work, and only that, with the same figures as the district."""
from __future__ import annotations

import json
import sqlite3

import pytest


@pytest.fixture
def passphrase(monkeypatch):
    monkeypatch.setenv("QINGSHOU_PASSPHRASE", "柳林-冬季清收")
    return "柳林-冬季清收"


def township_figures(cli, db, name):
    out = json.loads(cli("summary", "--db", db, "--json").out)
    return next(t for t in out["townships"] if t["name"] == name)


def write_task(cli, demo_path, tmp_path, township="柳林镇", name="柳林镇.qstask"):
    r = cli("tasks", "--db", demo_path, "--township", township, "--out", tmp_path / name, "--json")
    assert r.code == 0, r.err
    return tmp_path / name, json.loads(r.out)


def test_a_laptop_set_up_from_its_task_package_has_its_township_and_the_same_figures(cli, demo_path, tmp_path,
                                                                                    passphrase):
    task, written = write_task(cli, demo_path, tmp_path)
    assert written["township"] == "柳林镇" and written["sequence"] == 1 and written["encryption"] == "age-scrypt"
    laptop = tmp_path / "laptop.db"
    r = cli("init", "--db", laptop, "--from-task", task, "--device", "一号机", "--json")
    assert r.code == 0, r.err
    made = json.loads(r.out)
    assert made["unit"] == "柳林镇" and made["role"] == "township" and made["counts"]["loans"] > 0
    assert township_figures(cli, laptop, "柳林镇") | {"rank": 0} == township_figures(cli, demo_path, "柳林镇") | {"rank": 0}
    conn = sqlite3.connect(laptop)
    assert conn.execute("SELECT count(DISTINCT township_id) FROM households").fetchone() == (1,)
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    assert meta["role"] == "township" and meta["unit_name"] == "柳林镇" and meta["device_name"] == "一号机"
    assert conn.execute("SELECT kind, name FROM sync_peers").fetchall() == [("district", "示范区")]
    households = cli("households", "--db", laptop)
    assert households.code == 0 and "户" in households.out


def test_two_laptops_of_one_township_share_rows_but_not_devices(cli, demo_path, tmp_path, passphrase):
    task, _ = write_task(cli, demo_path, tmp_path)
    for n in (1, 2):
        assert cli("init", "--db", tmp_path / f"l{n}.db", "--from-task", task).code == 0
    a, b = (sqlite3.connect(tmp_path / f"l{n}.db") for n in (1, 2))
    assert a.execute("SELECT id FROM loans ORDER BY id").fetchall() == b.execute("SELECT id FROM loans ORDER BY id").fetchall()
    device = "SELECT value FROM meta WHERE key = 'device'"
    keys = "SELECT value FROM meta WHERE key = 'sync_keys'"
    assert a.execute(device).fetchone() != b.execute(device).fetchone()
    assert a.execute(keys).fetchone() != b.execute(keys).fetchone()
    code = "SELECT value FROM meta WHERE key = 'device_code'"
    assert a.execute(code).fetchone() != b.execute(code).fetchone()     # agreement numbers never collide
    namespace = "SELECT value FROM meta WHERE key = 'id_namespace'"
    district = sqlite3.connect(demo_path).execute(namespace).fetchone()
    assert a.execute(namespace).fetchone() == b.execute(namespace).fetchone() == district


def test_the_package_hides_borrowers_and_is_written_whole(cli, demo_path, tmp_path, passphrase):
    task, _ = write_task(cli, demo_path, tmp_path)
    conn = sqlite3.connect(demo_path)
    tid = conn.execute("SELECT id FROM units WHERE name = '柳林镇'").fetchone()[0]
    data = task.read_bytes()
    for name, id_number in conn.execute("SELECT head_name, head_id_number FROM households WHERE township_id = ?"
                                        " AND head_id_number IS NOT NULL LIMIT 20", (tid,)):
        assert name.encode() not in data and id_number.encode() not in data
    assert not list(tmp_path.glob(".*.part"))


def test_a_wrong_passphrase_or_an_altered_package_leaves_no_database(cli, demo_path, tmp_path, passphrase, monkeypatch):
    task, _ = write_task(cli, demo_path, tmp_path)
    monkeypatch.setenv("QINGSHOU_PASSPHRASE", "柳林-冬季")
    r = cli("init", "--db", tmp_path / "l.db", "--from-task", task)
    assert r.code == 1 and "口令不对" in r.err and not (tmp_path / "l.db").exists()
    monkeypatch.setenv("QINGSHOU_PASSPHRASE", passphrase)
    data = bytearray(task.read_bytes())
    data[len(data) // 2] ^= 0x10
    altered = tmp_path / "altered.qstask"
    altered.write_bytes(bytes(data))
    r = cli("init", "--db", tmp_path / "l.db", "--from-task", altered)
    assert r.code == 1 and "altered.qstask" in r.err and not (tmp_path / "l.db").exists()
    assert "Traceback" not in r.err


def test_what_tasks_refuses(cli, demo_path, tmp_path, passphrase, monkeypatch):
    r = cli("tasks", "--db", demo_path, "--township", "不存在乡", "--out", tmp_path / "x.qstask")
    assert r.code == 1 and "柳林镇" in r.err and not (tmp_path / "x.qstask").exists()
    task, _ = write_task(cli, demo_path, tmp_path)
    r = cli("tasks", "--db", demo_path, "--township", "柳林镇", "--out", task)
    assert r.code == 1 and "已存在" in r.err
    laptop = tmp_path / "laptop.db"
    assert cli("init", "--db", laptop, "--from-task", task).code == 0
    r = cli("tasks", "--db", laptop, "--township", "柳林镇", "--out", tmp_path / "y.qstask")
    assert r.code == 1 and "区县" in r.err
    monkeypatch.delenv("QINGSHOU_PASSPHRASE")
    r = cli("tasks", "--db", demo_path, "--township", "马营镇", "--out", tmp_path / "z.qstask")
    assert r.code == 1 and "QINGSHOU_PASSPHRASE" in r.err and not (tmp_path / "z.qstask").exists()
    r = cli("init", "--db", tmp_path / "n.db", "--from-task", task)
    assert r.code == 1 and "QINGSHOU_PASSPHRASE" in r.err and not (tmp_path / "n.db").exists()


def test_tasks_checks_the_database_and_the_township_before_asking_for_a_passphrase(cli, demo_path, tmp_path,
                                                                                   passphrase, monkeypatch):
    task, _ = write_task(cli, demo_path, tmp_path)
    laptop = tmp_path / "laptop.db"
    assert cli("init", "--db", laptop, "--from-task", task).code == 0
    monkeypatch.delenv("QINGSHOU_PASSPHRASE")                       # no passphrase given (and no terminal)
    r = cli("tasks", "--db", demo_path, "--township", "柳林", "--out", tmp_path / "x.qstask")
    assert r.code == 1 and "没有名为“柳林”的乡镇（是不是：柳林镇？）" in r.err, r.err
    assert "口令" not in r.err and not (tmp_path / "x.qstask").exists()
    r = cli("tasks", "--db", demo_path, "--township", "不存在乡", "--out", tmp_path / "x.qstask")
    assert r.code == 1 and "本区县的乡镇：" in r.err and "柳林镇" in r.err and "口令" not in r.err
    r = cli("tasks", "--db", laptop, "--township", "柳林镇", "--out", tmp_path / "y.qstask")
    assert r.code == 1 and "只有区县数据库才能下发任务包：这是乡镇的数据库（柳林镇）" in r.err, r.err
    assert "口令" not in r.err and not (tmp_path / "y.qstask").exists()


def test_the_district_does_not_export_it_writes_task_packages(cli, demo_path, tmp_path):
    r = cli("export", "--db", demo_path, "--out", tmp_path / "x.qspkg")
    assert r.code == 1 and "区县不写出数据包" in r.err and "qingshou tasks" in r.err, r.err
    assert "init --from-task" not in r.err and not (tmp_path / "x.qspkg").exists()


def test_init_from_a_file_that_is_not_a_task_package(cli, tmp_path, passphrase):
    junk = tmp_path / "照片.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 500)
    r = cli("init", "--db", tmp_path / "l.db", "--from-task", junk)
    assert r.code == 1 and "不是清收工作台的数据包" in r.err and not (tmp_path / "l.db").exists()
