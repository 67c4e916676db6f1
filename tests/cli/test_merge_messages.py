"""``qingshou merge`` says in Chinese why a file is not merged, naming the file once."""
from __future__ import annotations

import json

import pytest


@pytest.fixture
def passphrase(monkeypatch):
    monkeypatch.setenv("QINGSHOU_PASSPHRASE", "x")


def test_a_missing_file_or_a_folder_is_said_in_chinese(cli, demo_path, tmp_path):
    folder = tmp_path / "U盘"
    folder.mkdir()
    r = cli("merge", "--db", demo_path, tmp_path / "missing.qspkg", folder)
    assert r.code == 1
    lines = r.out.splitlines()
    assert lines[0].startswith("missing.qspkg：未合并：文件不存在"), r.out
    assert lines[1].startswith("U盘：未合并：这是一个文件夹，不是数据包"), r.out
    assert "No such file" not in r.out + r.err and "Is a directory" not in r.out + r.err
    r = cli("merge", "--db", demo_path, tmp_path / "missing.qspkg", "--json")
    reason = json.loads(r.out)["merged"][0]["reason"]
    assert reason.startswith("missing.qspkg：文件不存在")         # the JSON reason names its file, as before


def test_a_damaged_package_names_its_file_once(cli, demo_path, tmp_path, passphrase):
    task = tmp_path / "t.qstask"
    assert cli("tasks", "--db", demo_path, "--township", "柳林镇", "--out", task).code == 0
    laptop = tmp_path / "laptop.db"
    assert cli("init", "--db", laptop, "--from-task", task, "--device", "一号机").code == 0
    work = tmp_path / "work.qspkg"
    assert cli("export", "--db", laptop, "--out", work).code == 0
    data = bytearray(work.read_bytes())
    data[len(data) // 2] ^= 0x10
    flip = tmp_path / "flip.qspkg"
    flip.write_bytes(bytes(data))
    r = cli("merge", "--db", demo_path, flip)
    assert r.code == 1 and r.out.startswith("flip.qspkg：未合并："), r.out
    assert r.out.count("flip.qspkg") == 1, r.out
    r = cli("merge", "--db", demo_path, flip, "--json")
    assert json.loads(r.out)["merged"][0]["reason"].startswith("flip.qspkg：")
