"""Numbers that cannot be true (issues 5 and 5a), through the import a user runs: dates typed
as numbers, dates before 1950, after the ledger or before the borrower was born, balances
that are an ID number or a phone number, a ledger in 万元 that says so nowhere, ID numbers
of no province."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.db.models import Loan
from app.domain.idcard import check_digit
from app.ledger.mappings import MappingStore
from app.services.ledger_import import import_ledger, preview
from tests.hostile_workbooks import loan_rows, person_id, write_xlsx


@pytest.fixture
def store(tmp_path) -> MappingStore:
    return MappingStore(tmp_path / "mappings.json")


def _dates(db) -> dict[str, tuple[date | None, date | None]]:
    with db.engine.connect() as conn:
        return {no: (i, d) for no, i, d in conn.execute(select(Loan.loan_no, Loan.issue_date, Loan.due_date))}


def _warned(result) -> list[tuple[int, str]]:
    return [(w.row, w.code) for w in result.warnings]


def test_numbers_in_a_date_column_are_read_as_what_they_plainly_are(tmp_path, new_db, store):
    rows = loan_rows(6)
    for row, typed in zip(rows, [20150305.0, 42064.0, 2015.3, 201503.0, 150305.0, 2015.1]):
        row[5] = typed
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    result = import_ledger(new_db, path, store=store, today=date(2026, 11, 30))
    assert result.loans_imported == 6
    assert _warned(result) == [(4, "bad_date"), (5, "bad_date"), (6, "bad_date"), (7, "bad_date")]
    messages = [w.message for w in result.warnings]
    assert messages[0] == "发放日期只写到月（2015年3月），没有日：2015.3"
    assert messages[1] == "发放日期只写到月（2015年3月），没有日：201503"
    assert "年份只有两位（可能是2015年3月5日）" in messages[2]
    assert "1月或10月" in messages[3]
    issued = {no: i for no, (i, _d) in _dates(new_db).items()}
    assert [issued[r[0]] for r in rows] == [date(2015, 3, 5), date(2015, 3, 1), None, None, None, None]


def test_dates_that_cannot_be_true_are_warned_about_and_not_taken(tmp_path, new_db, store):
    rows = loan_rows(5)
    rows[0][5] = date(2105, 3, 5)                        # issued after the ledger's date
    rows[1][6] = date(2105, 3, 5)                        # due 79 years after it
    rows[2][5] = date(1949, 12, 31)                      # before 1950
    rows[3][2] = person_id(4, born="19900101")
    rows[3][5] = date(1985, 6, 1)                        # before the borrower was born
    path = write_xlsx(tmp_path / "台账.xlsx", rows, title="数据截至：2026年10月31日")
    result = import_ledger(new_db, path, store=store, today=date(2026, 11, 30))
    assert result.loans_imported == 5
    assert _warned(result) == [(3, "date_implausible"), (4, "date_implausible"), (5, "date_implausible"),
                               (6, "date_before_birth")]
    by_row = {w.row: w.message for w in result.warnings}
    assert by_row[3] == "发放日期 2105-03-05 晚于台账的数据日期 2026-10-31，不可能是真的：这一日期没有导入，请与银行核对"
    assert "到期日期 2105-03-05 比台账的数据日期晚了 79 年" in by_row[4]
    assert "早于1950年" in by_row[5] and "早于借款人的出生日期 1990-01-01" in by_row[6]
    dates = _dates(new_db)
    assert dates[rows[0][0]] == (None, date(2017, 3, 5)) and dates[rows[1][0]] == (date(2015, 3, 5), None)
    assert dates[rows[2][0]][0] is None and dates[rows[3][0]][0] is None
    assert dates[rows[4][0]] == (date(2015, 3, 5), date(2017, 3, 5))


def test_an_id_number_in_the_balance_column_is_refused_on_the_fast_path_too(tmp_path, new_db, store):
    """A float cell took a shortcut past the limit that text has: 622421601018092 yuan was
    imported and the district total became 1,000,000,004,020,686.75."""
    rows = loan_rows(8)
    rows[2][3] = 622421601018092.0
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    result = import_ledger(new_db, path, store=store, today=date(2026, 11, 30))
    assert result.loans_imported == 7
    assert [(r.row, r.reason) for r in result.rows_rejected] == [(4, "bad_balance")]
    assert result.rows_rejected[0].message == "贷款余额过大：622421601018092.0"
    assert result.balance_fen == sum(int(r[3] * 100) for k, r in enumerate(rows) if k != 2)


def test_balances_that_cannot_be_their_loans_are_refused_or_warned_about(tmp_path, new_db, store):
    rows = loan_rows(12)
    rows[1][3] = 13913909960.0     # a phone number: 1.4 million times the sheet's typical loan
    rows[4][3] = 30_000_000.0      # 3,000 times: warned about
    rows[6][3] = 600_000.0         # 12 times its amount lent
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    result = import_ledger(new_db, path, store=store, today=date(2026, 11, 30))
    assert [(r.row, r.reason) for r in result.rows_rejected] == [(3, "balance_implausible")]
    assert "可能是身份证号、电话或借据号填进了余额一栏" in result.rows_rejected[0].message
    assert _warned(result) == [(6, "balance_outlier"), (8, "balance_above_lent")]
    assert "贷款余额 600,000.00 元是贷款金额 50,000.00 元的 12 倍" in result.warnings[1].message
    assert result.loans_imported == 11


def test_when_most_balances_are_far_above_the_amount_lent_one_note_says_so(tmp_path, new_db, store):
    rows = loan_rows(6)
    for row in rows:
        row[4] = 5.0               # 贷款金额 in 万元 while the balance is in 元
    result = preview(write_xlsx(tmp_path / "台账.xlsx", rows), township="柳林镇", store=store)
    assert not any(w.code == "balance_above_lent" for w in result.warnings)
    assert any("6 笔贷款的余额是贷款金额的10倍以上" in n for n in result.notes), result.notes


def _wan_rows(n: int = 8, *, principal: float | None = 5.0) -> list[list]:
    rows = loan_rows(n)
    for k, row in enumerate(rows):
        row[3] = 1.5 + k / 4       # 1.5 … 3.25: 万元, said nowhere
        row[4] = principal
    return rows


def test_a_ledger_in_wan_that_says_so_nowhere_is_pointed_out_and_the_unit_can_be_chosen(tmp_path, new_db, store):
    path = write_xlsx(tmp_path / "台账.xlsx", _wan_rows())
    first = preview(path, township="柳林镇", store=store, db=new_db)
    sheet = first.sheets[0]
    assert sheet.unit_question and "像是以万元为单位" in sheet.unit_question
    assert [(w.row, w.code) for w in first.warnings] == [(1, "unit_unstated")]
    assert "工作表“柳林镇”的金额没有注明单位" in first.warnings[0].message
    assert first.balance_fen == sum(int(r[3] * 100) for r in _wan_rows())     # read as 元 until told
    assert first.to_json()["sheets"][0]["unit_question"] == sheet.unit_question

    result = import_ledger(new_db, path, store=store, units={"柳林镇": "万元"})
    assert result.warnings == [] and result.balance_fen == sum(int(r[3] * 1_000_000) for r in _wan_rows())
    # the choice is remembered for the layout: next month's file reads in 万元 at once
    later = preview(write_xlsx(tmp_path / "下月.xlsx", _wan_rows(6)), township="柳林镇", store=store, db=new_db)
    assert later.sheets[0].layout.unit_source == "remembered" and later.sheets[0].unit_question is None
    assert later.balance_fen == sum(int(r[3] * 1_000_000) for r in _wan_rows(6))


def test_the_amounts_lent_marked_wan_give_the_unit_away(tmp_path, store):
    from openpyxl import load_workbook

    path = write_xlsx(tmp_path / "台账.xlsx", _wan_rows(principal=5.0))
    wb = load_workbook(path)
    wb.active["E1"] = "贷款金额（万元）"
    wb.save(path)
    result = preview(path, township="柳林镇", store=store)
    assert "“贷款金额”一栏注明是万元" in result.sheets[0].unit_question


def test_the_database_history_gives_the_unit_away(tmp_path, new_db, store):
    rows = loan_rows(8)
    import_ledger(new_db, write_xlsx(tmp_path / "上月.xlsx", rows), store=store, today=date(2026, 10, 31))
    later = [[r[0], r[1], r[2], r[3] / 10_000, None, r[5], r[6]] for r in rows]   # same loans, in 万元, no 贷款金额
    result = preview(write_xlsx(tmp_path / "本月.xlsx", later), township="柳林镇", store=store, db=new_db)
    assert "本系统里这些贷款上次的余额大约是这里的一万倍" in result.sheets[0].unit_question


def test_small_balances_of_loans_lent_in_thousands_are_no_question(tmp_path, store):
    rows = _wan_rows(principal=50000.0)          # nearly repaid: what is left is small
    result = preview(write_xlsx(tmp_path / "台账.xlsx", rows), township="柳林镇", store=store)
    assert result.sheets[0].unit_question is None and not result.warnings


def test_an_id_number_of_no_province_is_warned_about(tmp_path, new_db, store):
    rows = loan_rows(3)
    rows[0][2] = "99" + person_id(1)[2:17] + check_digit("99" + person_id(1)[2:17])
    rows[1][2] = "00" + person_id(2)[2:17] + check_digit("00" + person_id(2)[2:17])
    result = import_ledger(new_db, write_xlsx(tmp_path / "台账.xlsx", rows), store=store, today=date(2026, 11, 30))
    assert result.loans_imported == 3
    assert _warned(result) == [(2, "id_region"), (3, "id_region")]
    assert result.warnings[0].message.startswith("身份证号的前两位 99 不是任何省份的代码")
