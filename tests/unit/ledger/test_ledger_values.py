"""Cell values as banks' ledgers hold them, cleaned."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.domain.errors import InputError
from app.ledger.values import LoanNoError, cell_date, loan_no, money_fen, normalize_id, person_name, rate_ppm, text


@pytest.mark.parametrize("value,unit,fen", [
    (24.0, "元", 2400), (815.15, "元", 81515), (0.1 + 0.2, "元", 30), (1234.565, "元", 123457),
    ("1,234.50", "元", 123450), ("12,345", "元", 1234500), (" 3615 ", "元", 361500), ("１２３４", "元", 123400),
    (12.3456, "万元", 12345600), (3.0001, "万元", 3000100), (0.000001, "万元", 1), (1.5, "万元", 1500000),
    (128.956789, "万元", 128956789), (-197781.0, "元", -19778100), (7, "元", 700),
])
def test_money_becomes_exact_fen(value, unit, fen):
    assert money_fen(value, unit) == fen


@pytest.mark.parametrize("value", ["", None, "   "])
def test_an_empty_money_cell_is_none(value):
    assert money_fen(value, "元") is None


@pytest.mark.parametrize("value", ["待核实", "—", "12.3.4", True])
def test_money_that_is_not_a_number_is_refused(value):
    with pytest.raises(InputError):
        money_fen(value, "元")


@pytest.mark.parametrize("value", [date(2015, 3, 5), datetime(2015, 3, 5, 0, 0), "2015.03.05", "2015-3-5",
                                   "20150305", "2015年3月5日", "2015/03/05", " 2015-03-05 ", 20150305.0])
def test_dates_in_every_spelling(value):
    assert cell_date(value) == date(2015, 3, 5)


def test_a_date_that_is_none_or_nonsense():
    assert cell_date("") is None and cell_date(None) is None
    with pytest.raises(ValueError):
        cell_date("三月五日")
    with pytest.raises(ValueError):
        cell_date("2015-02-30")


@pytest.mark.parametrize("raw,value,problem", [
    ("62242319790924912x", "62242319790924912X", None),
    ("622421196010180921  ", "622421196010180921", None),
    (" 622421 196010180921", "622421196010180921", None),
    ("622421601018092", "622421196010180921", None),          # 15 digits, upgraded
    ("622423195702210590", "622423195702210590", "checksum"),
    (6.105231968101499e+17, None, "mangled"),                 # Excel turned it into a number
    ("6.10523E+17", None, "mangled"),
    ("", None, "empty"),
])
def test_id_numbers(raw, value, problem):
    check = normalize_id(raw, today=date(2026, 11, 22))
    assert check.problem == problem
    assert check.ok == (problem is None)
    if value is not None:
        assert check.value == value


def test_names_lose_stray_and_full_width_spaces():
    assert person_name(" 马\u3000有兰 ") == "马有兰"
    assert person_name("陈  英 ") == "陈英"
    assert person_name("阿依古丽·买买提") == "阿依古丽·买买提"


def test_loan_numbers():
    assert loan_no(" 620100100021 ") == "620100100021"
    assert loan_no(620100100021.0) == "620100100021"
    assert loan_no("'620100100021") == "620100100021"
    assert loan_no("") == ""
    with pytest.raises(LoanNoError):
        loan_no(6.201001000210001e+18)   # 19 digits: Excel kept only 15


def test_text_cells():
    assert text(13913909960.0) == "13913909960"
    assert text("ＡＢ  Ｃ") == "AB C"
    assert text(None) == "" and text("") == ""


@pytest.mark.parametrize("value,monthly,ppm", [("8.64%", False, 86400), (0.0864, False, 86400),
                                               (8.64, False, 86400), (7.2, True, 86400), ("7.2‰", True, 86400)])
def test_rates(value, monthly, ppm):
    assert rate_ppm(value, monthly=monthly) == ppm


_TODAY = date(2026, 11, 22)


@pytest.mark.parametrize("raw", [
    "11010519491231002X", "110105194912310021", "11010519491231002x", "110105194912310020",
    "110105189912310025", "110105203012310028", "110105194902300021", " 11010519491231002X",
    "110105491231002", "1.10105194912310E+17", 1.1010519491231e17, "", None,
])
def test_the_id_shortcut_says_what_normalize_id_says(raw):
    from app.ledger.values import check_id
    assert check_id(raw, today=_TODAY) == normalize_id(raw, today=_TODAY)


def test_the_id_shortcut_agrees_on_many_numbers():
    import random

    from app.domain.idcard import check_digit
    from app.ledger.values import check_id
    rnd = random.Random(7)
    for _ in range(3000):
        first = "".join(rnd.choice("0123456789") for _ in range(6)) + \
            f"{rnd.randint(1890, 2030)}{rnd.randint(0, 13):02d}{rnd.randint(0, 32):02d}{rnd.randint(0, 999):03d}"
        last = check_digit(first) if rnd.random() < 0.7 else rnd.choice("0123456789X")
        raw = first + last
        assert check_id(raw, today=_TODAY) == normalize_id(raw, today=_TODAY), raw
