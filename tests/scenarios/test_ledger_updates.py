"""Re-importing the bank's ledger as an update, the way the district office really does it:
ledgers saved again under another name, read late, covering one township, with a 乡镇 column
spelled differently, next to the township's own repayments; figures checked through
``qingshou summary --json`` and the database."""
from __future__ import annotations

import pytest

from tests.scenarios.helpers import make_id, query

HEADER = ["借款人", "身份证号", "借据号", "村", "贷款余额"]


def _idno(n: int) -> str:
    return make_id(f"6224211960101{n:04d}")


def _sheet(as_of: str | None, loans: list[tuple], township: str = "柳林镇") -> list[list]:
    """A township's sheet: title (with the data date), header, one row per loan given as
    (loan number, balance in yuan[, borrower, village, n for the ID number])."""
    title = f"{township}不良贷款台账" + (f"  数据截至：{as_of}" if as_of else "")
    rows = [[title], HEADER]
    for loan in loans:
        no, balance = loan[0], loan[1]
        n = loan[4] if len(loan) > 4 else int("".join(c for c in str(no) if c.isdigit()))
        rows.append([loan[2] if len(loan) > 2 else f"户{n}", _idno(n), no,
                     loan[3] if len(loan) > 3 else "李家村", balance])
    return rows


def _by_column(as_of: str, loans: list[tuple[str, str, int]]) -> list[list]:
    """One sheet with a 乡镇 column: (township, loan number, balance in yuan)."""
    rows = [[f"不良贷款台账  数据截至：{as_of}"], ["乡镇", *HEADER]]
    for township, no, balance in loans:
        n = int(no[1:])
        rows.append([township, f"户{n}", _idno(n), no, "李家村", balance])
    return rows


def _import(cli, db, path) -> dict:
    r = cli("import-ledger", path, "--db", db, "--json")
    assert r.code == 0, r.err
    return r.json()


def _totals(cli, db) -> dict:
    return cli("summary", "--db", db, "--json").json()["totals"]


def _townships(cli, db) -> dict[str, tuple[int, str, str]]:
    return {t["name"]: (t["loans"], t["task_amount"], t["recovered"])
            for t in cli("summary", "--db", db, "--json").json()["townships"]}


def _flagged(db) -> list[str]:
    return [no for (no,) in query(db, "SELECT loan_no FROM loans WHERE missing_from_ledger = 1 ORDER BY loan_no")]


# ---------------------------------------------------------------------------- the township's own money

@pytest.mark.parametrize("bank_balance, bank_recovered, warned", [
    (7000, "0.00", False),      # the bank shows exactly the township's 3000
    (8000, "0.00", True),       # the bank has booked only part of it yet
    (5000, "2000.00", False),   # the bank shows 2000 more than the township recorded
])
def test_a_township_repayment_recorded_before_the_banks_ledger_counts_once(
        cli, district_path, write_xlsx, bank_balance, bank_recovered, warned):
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年9月30日", [("L1", 10000)])}, name="九月.xlsx"))
    assert cli("repay", "--db", district_path, "--loan", "L1", "--amount", "3000", "--date", "2026-10-10").code == 0

    r = _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年10月31日", [("L1", bank_balance)])},
                                               name="十月.xlsx"))

    assert r["bank_recovered"] == bank_recovered
    assert any(w["code"] == "balance_higher" and w["loan_no"] == "L1" for w in r["warnings"]) is warned
    recovered = 3000 + int(float(bank_recovered))
    assert _totals(cli, district_path)["recovered"] == f"{recovered}.00"
    # November: the bank's balance is 4000; whatever was counted before, 6000 in all came back
    r = _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年11月15日", [("L1", 4000)])}, name="十一月.xlsx"))
    assert _totals(cli, district_path)["recovered"] == "6000.00"
    assert _totals(cli, district_path)["task_amount"] == "10000.00"
    assert query(district_path, "SELECT balance_fen FROM loans") == [(400000,)]


def test_a_late_township_repayment_explains_the_decreases_of_two_ledgers(cli, district_path, write_xlsx):
    """The clerk enters on 11-20 the 4000 paid on 10-05; the bank's ledgers of 10-15 and 10-31
    had shown 2000 and 3000 less: 4000 of those 5000 are the township's, 1000 the bank's."""
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年9月30日", [("L1", 10000)])}, name="a.xlsx"))
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年10月15日", [("L1", 8000)])}, name="b.xlsx"))
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年10月31日", [("L1", 5000)])}, name="c.xlsx"))
    r = cli("repay", "--db", district_path, "--loan", "L1", "--amount", "4000", "--date", "2026-10-05", "--json")
    assert r.code == 0, r.err
    assert r.json()["outstanding"] == "5000.00"
    assert _totals(cli, district_path)["recovered"] == "5000.00"
    assert query(district_path, "SELECT source, SUM(principal_fen) FROM repayments WHERE deleted = 0 "
                                "GROUP BY source ORDER BY source") == [("bank", 100000), ("township", 400000)]
    # October's ledger saved again under another name: nothing more
    again = _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年10月31日", [("L1", 5000)])},
                                                   name="c（副本）.xlsx"))
    assert again["bank_recovered"] == "0.00" and not again["warnings"]
    assert _totals(cli, district_path)["recovered"] == "5000.00"


def test_a_loan_settled_by_the_bank_and_listed_again_is_flagged_not_counted(cli, district_path, write_xlsx):
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年9月30日", [("L1", 10000), ("L2", 5000)])},
                                           name="a.xlsx"))
    r = _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年10月31日", [("L1", 0), ("L2", 5000)])},
                                               name="b.xlsx"))
    assert (r["loans_settled"], r["bank_recovered"]) == (1, "10000.00")
    r = _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年11月15日", [("L1", 3000), ("L2", 5000)])},
                                               name="c.xlsx"))
    assert [(w["code"], w["loan_no"]) for w in r["warnings"]] == [("balance_higher", "L1")]
    totals = _totals(cli, district_path)
    assert (totals["recovered"], totals["task_amount"], totals["loans_settled"]) == ("10000.00", "15000.00", 1)


# ---------------------------------------------------------------------------- which loans a ledger covers

def test_a_ledger_of_one_township_by_its_township_column_flags_no_loan_of_another(cli, district_path, write_xlsx):
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年9月30日", [("L1", 10000), ("L2", 10000)]),
                                            "马营镇": _sheet("2026年9月30日", [("M5", 10000)], "马营镇")},
                                           name="a.xlsx"))
    r = _import(cli, district_path, write_xlsx({"Sheet1": _by_column("2026年10月31日", [("马营镇", "M5", 9000)])},
                                               name="马营.xlsx"))
    assert r["loans_missing"] == [] and r["bank_recovered"] == "1000.00"
    assert _flagged(district_path) == []


def test_a_township_laptop_updates_its_loans_from_the_districts_ledger(cli, tmp_path, write_xlsx):
    db = tmp_path / "柳林镇.db"
    assert cli("init", "--db", db, "--role", "township", "--unit", "柳林镇").code == 0
    _import(cli, db, write_xlsx({"柳林镇": _sheet("2026年9月30日", [("L1", 10000), ("L2", 10000)]),
                                 "马营镇": _sheet("2026年9月30日", [("M5", 10000)], "马营镇")}, name="a.xlsx"))
    r = _import(cli, db, write_xlsx({"Sheet1": _by_column("2026年10月31日", [
        ("柳林镇", "L1", 7000), ("马营镇", "M5", 9000), ("马营镇", "M6", 9000)])}, name="b.xlsx"))
    assert (r["loans_imported"], r["loans_updated"], r["bank_recovered"]) == (0, 1, "3000.00")
    assert [m["loan_no"] for m in r["loans_missing"]] == ["L2"]
    assert _townships(cli, db) == {"柳林镇": (2, "20000.00", "3000.00")}


def test_last_months_ledger_saved_again_under_another_name_flags_nothing_missing(cli, district_path, write_xlsx):
    """Someone imports September's file again (saved under another name) after October's,
    which added L3.  L3 is in the newest ledger: it is not missing."""
    september = [("L1", 10000), ("L2", 10000)]
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年9月30日", september)}, name="九月.xlsx"))
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年10月31日", [("L1", 6000), ("L2", 10000),
                                                                              ("L3", 5000)])}, name="十月.xlsx"))

    copy = _sheet("2026年9月30日", september) + [[None], ["制表：柳林镇信用社"]]   # other bytes, same loans
    r = _import(cli, district_path, write_xlsx({"柳林镇": copy}, name="九月 (1).xlsx"))

    assert not r["already_imported"]
    assert r["loans_missing"] == []
    assert _flagged(district_path) == []
    assert _totals(cli, district_path)["recovered"] == "4000.00"


def test_an_older_ledger_read_late_still_lists_a_loan_the_newest_one_lacks(cli, district_path, write_xlsx):
    """The other side of the test above: a loan missing from October's ledger stays flagged
    when September's (which listed it) is read late."""
    september = [("L1", 10000), ("L2", 10000)]
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年9月30日", september)}, name="九月.xlsx"))
    r = _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年10月31日", [("L1", 10000)])}, name="十月.xlsx"))
    assert [m["loan_no"] for m in r["loans_missing"]] == ["L2"]
    copy = _sheet("2026年9月30日", september) + [[None], ["制表：柳林镇信用社"]]
    assert not _import(cli, district_path, write_xlsx({"柳林镇": copy}, name="九月 (1).xlsx"))["already_imported"]
    assert _flagged(district_path) == ["L2"]


# ---------------------------------------------------------------------------- which loan a row is

def test_a_row_under_another_township_does_not_change_that_townships_loan(cli, district_path, write_xlsx):
    """马营镇's ledger lists a loan number that is 柳林镇's loan of another borrower: the
    row must not move money into 柳林镇's figures without a word."""
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年9月30日", [("L1", 10000), ("L2", 10000)]),
                                            "马营镇": _sheet("2026年9月30日", [("M5", 10000)], "马营镇")},
                                           name="a.xlsx"))

    r = _import(cli, district_path, write_xlsx({"马营镇": _sheet("2026年10月31日", [
        ("M5", 10000), ("L1", 4000, "王五", "马家村", 77)], "马营镇")}, name="马营.xlsx"))

    assert r["bank_recovered"] == "0.00"
    assert [(w["code"], w["loan_no"]) for w in r["warnings"]] == [("other_township", "L1")]
    assert "柳林镇" in r["warnings"][0]["message"] and "马营镇" in r["warnings"][0]["message"]
    assert r["warnings"][0]["imported"] is False
    assert _townships(cli, district_path) == {"柳林镇": (2, "20000.00", "0.00"), "马营镇": (1, "10000.00", "0.00")}
    assert query(district_path, "SELECT balance_fen, ledger_date FROM loans WHERE loan_no = 'L1'") == [
        (1000000, "2026-09-30")]


def test_a_township_column_with_the_short_name_means_the_known_township(cli, district_path, write_xlsx):
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年9月30日", [("L1", 10000), ("L2", 10000)]),
                                            "马营镇": _sheet("2026年9月30日", [("M5", 10000)], "马营镇")},
                                           name="a.xlsx"))

    r = _import(cli, district_path, write_xlsx({"Sheet1": _by_column("2026年10月31日", [
        ("柳林", "L1", 6000), ("柳林", "L3", 3000), ("马营", "M5", 9000)])}, name="b.xlsx"))

    assert _townships(cli, district_path) == {"柳林镇": (3, "23000.00", "4000.00"),
                                              "马营镇": (1, "10000.00", "1000.00")}
    assert [m["loan_no"] for m in r["loans_missing"]] == ["L2"]


def test_a_township_laptop_takes_its_rows_when_the_column_has_the_short_name(cli, tmp_path, write_xlsx):
    db = tmp_path / "柳林镇.db"
    assert cli("init", "--db", db, "--role", "township", "--unit", "柳林镇").code == 0
    _import(cli, db, write_xlsx({"柳林镇": _sheet("2026年9月30日", [("L1", 10000), ("L2", 10000)])}, name="a.xlsx"))
    r = cli("import-ledger", write_xlsx({"Sheet1": _by_column("2026年10月31日", [
        ("柳林", "L1", 7000), ("柳林", "L2", 10000), ("马营", "M5", 9000)])}, name="b.xlsx"), "--db", db, "--json")
    assert r.code == 0, r.err
    assert r.json()["bank_recovered"] == "3000.00"


def test_a_borrower_name_corrected_by_the_bank_does_not_make_a_second_borrower(cli, district_path, write_xlsx):
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年9月30日", [("L1", 10000, "张山", "李家村", 1)])},
                                           name="a.xlsx"))
    r = _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年10月31日", [
        ("L1", 10000, "张三", "李家村", 1), ("L3", 2000, "张三", "李家村", 1)])}, name="b.xlsx"))

    borrowers = query(district_path, "SELECT name FROM persons WHERE id_number = :i", i=_idno(1))
    assert len(borrowers) == 1
    said = any(w["loan_no"] == "L1" for w in r["warnings"])
    assert borrowers == [("张三",)] or said


def test_a_loan_number_that_lost_its_leading_zero_is_not_a_second_task(cli, district_path, write_xlsx):
    first = _sheet("2026年9月30日", [("L1", 10000)])
    first[2][2] = "012010010001"
    _import(cli, district_path, write_xlsx({"柳林镇": first}, name="a.xlsx"))
    later = _sheet("2026年10月31日", [("L1", 8000)])
    later[2][2] = 12010010001          # the same file, the column turned into numbers
    _import(cli, district_path, write_xlsx({"柳林镇": later}, name="b.xlsx"))

    totals = _totals(cli, district_path)
    assert (totals["loans"], totals["task_amount"], totals["recovered"]) == (1, "10000.00", "2000.00")


def test_a_dated_ledger_after_an_undated_one_is_not_silently_ignored(cli, district_path, write_xlsx):
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet(None, [("L1", 10000), ("L2", 10000)])}, name="a.xlsx"))

    r = _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年10月31日", [("L1", 6000), ("L2", 10000)])},
                                               name="b.xlsx"))

    said = any("L1" in w.get("loan_no", "") for w in r["warnings"]) or any("早" in n or "旧" in n for n in r["notes"])
    assert r["bank_recovered"] == "4000.00" or said


def test_each_sheet_of_a_workbook_is_read_as_of_its_own_date(cli, district_path, write_xlsx):
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年9月30日", [("L1", 10000), ("L2", 10000)]),
                                            "马营镇": _sheet("2026年9月30日", [("M5", 10000)], "马营镇")},
                                           name="a.xlsx"))
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年11月15日", [("L1", 6000), ("L2", 10000),
                                                                              ("L3", 3000)]),
                                            "马营镇": _sheet("2026年11月15日", [("M5", 10000)], "马营镇")},
                                           name="b.xlsx"))

    # 柳林镇's sheet is still October's; 马营镇's is newer
    r = _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年10月31日", [("L1", 8000), ("L2", 10000)]),
                                                "马营镇": _sheet("2026年11月20日", [("M5", 9000)], "马营镇")},
                                               name="c.xlsx"))

    assert r["loans_missing"] == [] and not r["warnings"]
    assert r["bank_recovered"] == "1000.00"
    assert query(district_path, "SELECT loan_no, ledger_date FROM loans WHERE loan_no LIKE 'L%' ORDER BY 1") == [
        ("L1", "2026-11-15"), ("L2", "2026-11-15"), ("L3", "2026-11-15")]


@pytest.mark.parametrize("how", ["repay", "agreement pay"])
def test_a_payment_under_an_agreement_entered_after_the_ledger_that_showed_it_counts_once(
        cli, district_path, write_xlsx, how):
    """As test_daily_work's late repayment, but the loan is under a signed agreement."""
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年9月30日", [("L1", 10000), ("L2", 10000)])},
                                           name="九月.xlsx"))
    made = cli("agreement", "create", "--db", district_path, "--loan", "L1", "--installments", "2",
               "--first-due", "2026-10-20", "--as-of", "2026-10-01", "--json")
    assert made.code == 0, made.err
    agreement = made.json()["agreement_id"]
    assert cli("agreement", "sign", "--db", district_path, agreement, "--date", "2026-10-01").code == 0
    r = _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年10月31日", [("L1", 7000), ("L2", 10000)])},
                                               name="十月.xlsx"))
    assert r["bank_recovered"] == "3000.00"

    if how == "repay":
        paid = cli("repay", "--db", district_path, "--loan", "L1", "--amount", "3000", "--date", "2026-10-20", "--json")
    else:
        paid = cli("agreement", "pay", "--db", district_path, agreement, "--amount", "3000", "--date", "2026-10-20",
                   "--json")

    assert paid.code == 0, paid.err
    assert _totals(cli, district_path)["recovered"] == "3000.00"
    assert query(district_path, "SELECT balance_fen FROM loans WHERE loan_no = 'L1'") == [(700000,)]


def test_the_error_report_names_an_updates_warnings_in_chinese(cli, district_path, write_xlsx, tmp_path):
    from openpyxl import load_workbook

    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年9月30日", [("L1", 10000)])}, name="a.xlsx"))
    assert cli("repay", "--db", district_path, "--loan", "L1", "--amount", "3000", "--date", "2026-10-10").code == 0
    later = write_xlsx({"柳林镇": _sheet("2026年10月31日", [("L1", 10000)])}, name="b.xlsx")   # not booked yet
    report = tmp_path / "核对.xlsx"
    r = cli("import-ledger", later, "--db", district_path, "--error-report", report, "--json")
    assert r.code == 0, r.err
    assert [w["code"] for w in r.json()["warnings"]] == ["balance_higher"]

    ws = load_workbook(report)["需核对的行"]
    problems = [row[3] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert problems and all(p and not p.isascii() for p in problems), problems


def test_a_later_ledger_without_an_interest_column_keeps_the_interest_owed(cli, district_path, write_xlsx):
    first = [["柳林镇不良贷款台账  数据截至：2026年9月30日"], [*HEADER, "欠息"],
             ["户1", _idno(1), "L1", "李家村", 10000, 815.15]]
    _import(cli, district_path, write_xlsx({"柳林镇": first}, name="a.xlsx"))
    r = _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年10月31日", [("L1", 9000)])}, name="b.xlsx"))
    assert r["bank_recovered"] == "1000.00"
    assert query(district_path, "SELECT balance_fen, interest_fen FROM loans") == [(900000, 81515)]


def test_a_loan_the_bank_lists_in_another_village_is_not_ignored_unsaid(cli, district_path, write_xlsx):
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年9月30日", [("L2", 5000, "王五", "李家村")])},
                                           name="a.xlsx"))
    r = _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年10月31日", [("L2", 5000, "王五", "新村")])},
                                               name="b.xlsx"))
    village = query(district_path, "SELECT v.name FROM loans l JOIN households h ON h.id = l.household_id "
                                   "JOIN villages v ON v.id = h.village_id WHERE l.loan_no = 'L2'")
    assert village == [("新村",)] or any(w["loan_no"] == "L2" for w in r["warnings"])


def test_a_loan_number_that_gets_its_leading_zero_back_is_the_same_loan(cli, district_path, write_xlsx):
    first = _sheet("2026年9月30日", [("L1", 10000)])
    first[2][2] = 12010010001          # the first file had the column as numbers
    _import(cli, district_path, write_xlsx({"柳林镇": first}, name="a.xlsx"))
    later = _sheet("2026年10月31日", [("L1", 8000)])
    later[2][2] = "012010010001"
    r = _import(cli, district_path, write_xlsx({"柳林镇": later}, name="b.xlsx"))

    assert [(w["code"], w["loan_no"]) for w in r["warnings"]] == [("loan_no_zeros", "012010010001")]
    assert r["loans_missing"] == []
    totals = _totals(cli, district_path)
    assert (totals["loans"], totals["task_amount"], totals["recovered"]) == (1, "10000.00", "2000.00")


def test_a_loan_number_differing_by_zeros_of_another_borrower_is_another_loan(cli, district_path, write_xlsx):
    first = _sheet("2026年9月30日", [("L1", 10000, "张三", "李家村", 1)])
    first[2][2] = "012010010001"
    _import(cli, district_path, write_xlsx({"柳林镇": first}, name="a.xlsx"))
    later = _sheet("2026年10月31日", [("L1", 10000, "张三", "李家村", 1), ("L2", 5000, "李四", "李家村", 2)])
    later[2][2], later[3][2] = "012010010001", 12010010001
    r = _import(cli, district_path, write_xlsx({"柳林镇": later}, name="b.xlsx"))

    assert r["loans_imported"] == 1 and not [w for w in r["warnings"] if w["code"] == "loan_no_zeros"]
    assert _totals(cli, district_path)["task_amount"] == "15000.00"


def test_new_loans_of_an_older_sheet_are_dated_by_their_own_sheet(cli, district_path, write_xlsx):
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年10月31日", [("L1", 10000)]),
                                            "马营镇": _sheet("2026年11月15日", [("M5", 10000)], "马营镇")},
                                           name="a.xlsx"))
    assert query(district_path, "SELECT loan_no, ledger_date, task_date FROM loans ORDER BY 1") == [
        ("L1", "2026-10-31", "2026-10-31"), ("M5", "2026-11-15", "2026-11-15")]


def test_interest_paid_stays_paid_after_a_ledger_without_interest(cli, district_path, write_xlsx):
    """Interest repaid is not owed again because the next ledger gives no 欠息: the figure is
    carried to the new ledger's date less what was paid, and a note says so."""
    from app.bootstrap import open_database
    from app.db.models import Loan
    from app.services.recovery.repayments import owed

    first = [["柳林镇不良贷款台账  数据截至：2026年9月30日"], [*HEADER, "欠息"],
             ["户1", _idno(1), "L1", "李家村", 10000, 1000]]
    _import(cli, district_path, write_xlsx({"柳林镇": first}, name="a.xlsx"))
    assert cli("repay", "--db", district_path, "--loan", "L1", "--amount", "10500", "--date", "2026-10-10").code == 0
    r = _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年10月31日", [("L1", 0)])}, name="b.xlsx"))

    assert any("欠息沿用上次台账" in n for n in r["notes"])
    db = open_database(district_path)
    try:
        with db.uow() as uow:
            loan = uow.session.query(Loan).one()
            assert (owed(uow.session, loan).interest_fen, loan.interest_fen, loan.ledger_date.isoformat()) == (
                50000, 50000, "2026-10-31")
    finally:
        db.dispose()
    assert _totals(cli, district_path)["recovered"] == "10000.00"


def test_two_names_under_one_id_number_stay_two_borrowers_and_are_said(cli, district_path, write_xlsx):
    """A wife's loan under her husband's ID number (a common slip of the bank's) keeps her name."""
    r = _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年9月30日", [
        ("L1", 10000, "张三", "李家村", 1), ("L2", 5000, "李秀英", "李家村", 1)])}, name="a.xlsx"))

    assert query(district_path, "SELECT l.loan_no, p.name FROM loans l JOIN persons p ON p.id = l.borrower_id "
                                "ORDER BY 1") == [("L1", "张三"), ("L2", "李秀英")]
    assert [(w["code"], w["loan_no"]) for w in r["warnings"]] == [("id_two_names", "L2")]
    assert len({hid for (hid,) in query(district_path, "SELECT household_id FROM loans")}) == 1


def test_the_note_on_older_data_names_the_older_dates(cli, district_path, write_xlsx):
    _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年9月30日", [("L1", 10000)]),
                                            "马营镇": _sheet("2026年9月30日", [("M5", 10000)], "马营镇")},
                                           name="a.xlsx"))
    r = _import(cli, district_path, write_xlsx({"柳林镇": _sheet("2026年8月31日", [("L1", 10000)]),
                                                "马营镇": _sheet("2026年10月31日", [("M5", 9000)], "马营镇")},
                                               name="b.xlsx"))
    [note] = [n for n in r["notes"] if "更新的台账" in n]
    assert "2026-08-31" in note and "2026-10-31" not in note and "1 笔" in note
    assert r["bank_recovered"] == "1000.00"
