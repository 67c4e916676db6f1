"""``qingshou household edit`` (CLI.md): a household's editable fields changed from the command
line — only what is given, through the household page's own change (audited, one unit), and a
refused change changes nothing."""
from __future__ import annotations

import json
import sqlite3

import pytest

from app.domain.categories import CATEGORIES


def _household(path, loan_no=None):
    conn = sqlite3.connect(path)
    if loan_no is None:
        loan_no = conn.execute("SELECT l.loan_no FROM loans l JOIN households h ON h.id = l.household_id "
                               "WHERE h.deleted = 0 AND l.deleted = 0 ORDER BY l.loan_no LIMIT 1").fetchone()[0]
    hid = conn.execute("SELECT household_id FROM loans WHERE loan_no = ?", (loan_no,)).fetchone()[0]
    return loan_no, hid


def _row(path, hid):
    conn = sqlite3.connect(path)
    row = conn.execute("SELECT phone, address, capacity, capacity_reason, note FROM households WHERE id = ?",
                       (hid,)).fetchone()
    tags = [r[0] for r in conn.execute("SELECT code FROM category_tags WHERE household_id = ? AND loan_id IS NULL "
                                       "AND deleted = 0 ORDER BY code", (hid,))]
    return row, tags


def _dump(path):
    conn = sqlite3.connect(path)
    return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in ("households", "category_tags", "audit_log")]


def test_the_fields_given_change_and_the_rest_stay(cli, demo_path):
    loan, hid = _household(demo_path)
    (_, address, _, _, _), tags = _row(demo_path, hid)
    r = cli("household", "edit", "--db", demo_path, "--loan", loan, "--phone", "13812345678",
            "--add-category", "low_income", "--add-category", "残疾人", "--note", "户主在县城务工", "--json",
            "--operator", "王驻村")
    assert r.code == 0, r.err
    assert r.json() == {"household_id": hid, "changed": ["phone", "note", "categories"]}
    (phone, address_after, _, _, note), tags_after = _row(demo_path, hid)
    assert (phone, note, address_after) == ("13812345678", "户主在县城务工", address)
    assert tags_after == sorted(set(tags) | {"low_income", "disabled"})
    audit = sqlite3.connect(demo_path).execute(
        "SELECT actor, summary FROM audit_log WHERE action = 'edit' AND entity = 'households' AND entity_id = ?",
        (hid,)).fetchall()
    assert len(audit) == 1 and audit[0][0] == "王驻村"
    assert "修改电话" in audit[0][1] and "低保户" in audit[0][1]

    # by the household's id; a category taken off; "" clears a text field; the same again changes nothing
    r = cli("household", "edit", "--db", demo_path, "--id", hid, "--remove-category", "disabled", "--note", "",
            "--json")
    assert r.json()["changed"] == ["note", "categories"]
    assert _row(demo_path, hid)[0][4] is None and "disabled" not in _row(demo_path, hid)[1]
    before = _dump(demo_path)
    r = cli("household", "edit", "--db", demo_path, "--id", hid, "--phone", "13812345678")
    assert r.code == 0 and "没有变化" in r.out
    assert _dump(demo_path) == before


def test_capacity_by_code_or_name_with_its_reason(cli, demo_path):
    loan, hid = _household(demo_path)
    r = cli("household", "edit", "--db", demo_path, "--loan", loan, "--capacity", "恶意逃废债",
            "--reason", "有收入拒不还款", "--json")
    assert r.code == 0, r.err
    assert r.json()["changed"] == ["capacity", "capacity_reason"]
    assert _row(demo_path, hid)[0][2:4] == ("evasive", "有收入拒不还款")
    r = cli("household", "edit", "--db", demo_path, "--loan", loan, "--capacity", "able")
    assert r.code == 0 and "还款能力" in r.out
    assert _row(demo_path, hid)[0][2:4] == ("able", "有收入拒不还款")


@pytest.mark.parametrize("argv, said", [
    (["--capacity", "rich"], "未知的还款能力研判：rich"),
    (["--add-category", "foo"], "未知的特殊类别：foo"),
    (["--add-category", "low_income", "--remove-category", "低保户"], "既加上又去掉"),
    (["--phone", "1", "--add-category", "nope"], "未知的特殊类别"),
])
def test_a_refused_edit_says_why_and_changes_nothing(cli, demo_path, argv, said):
    loan, _ = _household(demo_path)
    before = _dump(demo_path)
    r = cli("household", "edit", "--db", demo_path, "--loan", loan, *argv)
    assert r.code == 1 and said in r.err, r.err
    assert _dump(demo_path) == before


@pytest.mark.parametrize("phone", ["abc", "123", "1381234567", "138123456789", "0931-81234567890", "++8613812345678",
                                   "138-1234-567a", "+"])
def test_a_phone_that_is_not_a_phone_is_refused(cli, demo_path, phone):
    loan, _ = _household(demo_path)
    before = _dump(demo_path)
    r = cli("household", "edit", "--db", demo_path, "--loan", loan, "--phone", phone, "--note", "改了")
    assert r.code == 1, r.out
    assert f"电话号码不对：{phone}（手机号是 11 位数字，座机如 0931-8123456）" in r.err
    assert _dump(demo_path) == before


@pytest.mark.parametrize("phone", ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678",
                                   "0931-8123456", "8123456", "0931 8123456", "１３８１２３４５６７８"])
def test_a_phone_is_kept_as_typed_and_empty_clears_it(cli, demo_path, phone):
    loan, hid = _household(demo_path)
    r = cli("household", "edit", "--db", demo_path, "--loan", loan, "--phone", f" {phone} ")
    assert r.code == 0, r.err
    assert _row(demo_path, hid)[0][0] == phone
    r = cli("household", "edit", "--db", demo_path, "--loan", loan, "--phone", "")
    assert r.code == 0, r.err
    assert _row(demo_path, hid)[0][0] is None


def test_a_capacity_needs_its_reason(cli, demo_path):
    conn = sqlite3.connect(demo_path)
    hid = conn.execute("SELECT id FROM households WHERE deleted = 0 AND capacity = 'unknown' "
                       "AND capacity_reason IS NULL LIMIT 1").fetchone()[0]
    conn.close()
    before = _dump(demo_path)
    r = cli("household", "edit", "--db", demo_path, "--id", hid, "--capacity", "partial", "--phone", "13900000000")
    assert r.code == 1 and "理由" in r.err
    assert _dump(demo_path) == before


def test_the_household_must_be_named_and_found(cli, demo_path):
    r = cli("household", "edit", "--db", demo_path, "--phone", "1")
    assert r.code == 2 and "必须给出以下参数之一：--id、--loan" in r.err
    r = cli("household", "edit", "--db", demo_path, "--loan", "NO-SUCH", "--phone", "1")
    assert r.code == 1 and "找不到借据号为 NO-SUCH 的贷款" in r.err
    r = cli("household", "edit", "--db", demo_path, "--id", "no-such-id", "--phone", "1")
    assert r.code == 1 and "找不到编号为 no-such-id 的借款户" in r.err
    r = cli("household", "--db", demo_path)
    assert r.code == 2 and "请用 --id 或 --loan 指明借款户" in r.err


def test_every_category_code_of_summary_is_accepted(cli, demo_path):
    summary = json.loads(cli("summary", "--db", demo_path, "--json").out)
    codes = {c["code"] for c in summary["categories"]}
    assert codes <= {c.code for c in CATEGORIES}
    loan, hid = _household(demo_path)
    argv = [a for code in sorted(codes) for a in ("--add-category", code)]
    assert cli("household", "edit", "--db", demo_path, "--loan", loan, *argv).code == 0
    assert codes <= set(_row(demo_path, hid)[1])
