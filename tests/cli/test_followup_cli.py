"""``qingshou followup list|check`` and ``households --followup``: what ledger imports left to
check, on the command line (added commands and fields, per CLI.md)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli.helpers import run_cli

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ledger-sample"


@pytest.fixture
def imported(tmp_path, capsys) -> Path:
    """A district database with the sample ledger and its update a month later imported."""
    path = tmp_path / "district.db"
    assert run_cli(capsys, "init", "--db", path, "--role", "district", "--unit", "示范区").code == 0
    first = run_cli(capsys, "import-ledger", SAMPLE / "ledger.xlsx", "--db", path, "--json")
    assert first.json()["followups"] == len(first.json()["warnings"]) == 6
    later = run_cli(capsys, "import-ledger", SAMPLE / "update.xlsx", "--db", path)
    assert "条提示已记入待核实清单" in later.out
    return path


def _audits(path: Path) -> int:
    with sqlite3.connect(path) as c:
        n = c.execute("SELECT COUNT(*) FROM audit_log WHERE entity = 'import_followups'").fetchone()[0]
    c.close()
    return n


def test_list_checks_and_takes_back(imported, capsys):
    listed = run_cli(capsys, "followup", "list", "--db", imported, "--json").json()
    assert listed["total"] == len(listed["items"]) > 6
    kinds = {k["kind"]: k for k in listed["kinds"]}
    assert {"bank_settled", "bank_repaid", "id_checksum", "id_mangled"} <= set(kinds)
    assert kinds["bank_settled"]["name"] == "银行报告已结清"
    item = next(x for x in listed["items"] if x["kind"] == "bank_settled")
    assert set(item) >= {"id", "kind", "kind_name", "message", "loan", "household_id", "name", "file", "as_of",
                         "sheet", "row", "checked", "checked_by", "checked_at"}
    assert item["file"] == "update.xlsx" and item["as_of"] and not item["checked"]

    done = run_cli(capsys, "followup", "check", "--db", imported, item["id"], "--note", "银行已确认", "--json").json()
    assert done["checked"] == [item["id"]] and done["items"][0]["note"] == "银行已确认"
    assert done["items"][0]["checked_by"] == "命令行"
    after = run_cli(capsys, "followup", "list", "--db", imported, "--json").json()
    assert after["total"] == listed["total"] - 1
    checked = run_cli(capsys, "followup", "list", "--db", imported, "--checked", "--json").json()
    assert [x["id"] for x in checked["items"]] == [item["id"]]

    # a whole household at once, then taken back
    hid = next(x["household_id"] for x in after["items"] if x["household_id"])
    mine = [x["id"] for x in after["items"] if x["household_id"] == hid]
    whole = run_cli(capsys, "followup", "check", "--db", imported, "--household", hid, "--json").json()
    assert sorted(whole["checked"]) == sorted(mine)
    back = run_cli(capsys, "followup", "check", "--db", imported, "--household", hid, "--undo", "--json").json()
    assert sorted(back["unchecked"]) == sorted(mine)
    assert _audits(imported) == 3 + 1 + len(mine) * 2   # one summary per action, one per changed row


def test_the_household_list_filters_on_the_command_line(imported, capsys):
    every = run_cli(capsys, "households", "--db", imported, "--followup", "--limit", "1000", "--json").json()
    assert every["total"] > 0 and all(h["followups"] > 0 for h in every["households"])
    mangled = run_cli(capsys, "households", "--db", imported, "--followup", "id_mangled", "--json").json()
    assert mangled["total"] == 3
    assert {h["id"] for h in mangled["households"]} <= {h["id"] for h in every["households"]}
    plain = run_cli(capsys, "households", "--db", imported, "--limit", "1000", "--json").json()
    assert plain["total"] > every["total"]
    text = run_cli(capsys, "households", "--db", imported, "--followup", "--limit", "2")
    assert "台账待核实" in text.out


def test_an_unknown_item_is_refused_and_nothing_written(imported, capsys):
    before = _audits(imported)
    refused = run_cli(capsys, "followup", "check", "--db", imported, "no-such-id")
    assert refused.code == 1 and "找不到这条台账提示" in refused.err
    nothing = run_cli(capsys, "followup", "check", "--db", imported)
    assert nothing.code == 1 and "--household" in nothing.err
    assert _audits(imported) == before
