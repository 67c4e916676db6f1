"""Tests for app.domain.idcard: normalising ID numbers from cells, and reading them."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.domain.errors import InputError
from app.domain.idcard import (
    IdCheck,
    age_on,
    birth_date,
    check_digit,
    is_valid,
    mask_id,
    normalize_id,
    require_id,
    sex,
    upgrade_15,
)

TODAY = date(2025, 6, 30)


def make_id(region: str = "622421", born: str = "19601018", seq: str = "092") -> str:
    first17 = region + born + seq
    return first17 + check_digit(first17)


# Born 1960-10-18, sequence 092 (even: a woman).
VALID = make_id()
X_ID = "11010519491231002X"  # the example in GB 11643-1999, check character X

# --------------------------------------------------------------------------- check_digit


def test_check_digit_matches_the_standard_example() -> None:
    assert check_digit("11010519491231002") == "X"
    assert is_valid(X_ID)


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("13050319670401001", "6"),
        ("62242119601018092", "1"),
        ("44052418800101001", "4"),
        ("00000000000000000", "1"),
    ],
)
def test_check_digit_known_values(first17: str, check: str) -> None:
    # sum of digit × weight (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2), mod 11, mapped to 10X98765432
    assert check_digit(first17) == check


@pytest.mark.parametrize(
    "bad",
    ["1234567890123456", "123456789012345678", "1101051949123100X", "１1010519491231002", 11010519491231002],
)
def test_check_digit_refuses_anything_but_17_digits(bad: object) -> None:
    with pytest.raises(ValueError):
        check_digit(bad)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- normalize_id: good


def test_valid_id_is_ok_unchanged() -> None:
    check = normalize_id(VALID, today=TODAY)
    assert check == IdCheck(raw=VALID, value=VALID, ok=True, problem=None, upgraded_from_15=False)
    assert check.message is None


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002x",
        " 11010519491231002X ",
        "11010519491231002x\t",
        "1101 0519 4912 3100 2x",
        "110105 19491231 002X",
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ",
        "110105\u300019491231002X",
        "11010519491231002×",
        "'11010519491231002X",
    ],
)
def test_cell_text_normalises_to_upper_case_18(raw: str) -> None:
    check = normalize_id(raw, today=TODAY)
    assert check.ok
    assert check.value == X_ID
    assert check.raw == raw
    assert check.problem is None


def test_lower_case_x_becomes_upper_case() -> None:
    assert normalize_id(X_ID.lower(), today=TODAY).value == X_ID
    assert require_id(X_ID.lower(), today=TODAY) == X_ID


@pytest.mark.parametrize(
    "raw",
    [
        "130503670401001",
        130503670401001,
        130503670401001.0,
        "130503670401001.0",
        " 130503 670401 001 ",
        Decimal("130503670401001"),
    ],
)
def test_15_digit_numbers_are_upgraded(raw: object) -> None:
    check = normalize_id(raw, today=TODAY)
    assert check.ok
    assert check.upgraded_from_15
    assert check.value == "130503196704010016"
    assert check.value == "13050319670401001" + check_digit("13050319670401001")


def test_exact_18_digit_integer_from_a_non_excel_source_is_read() -> None:
    # 622421196010180921 cannot be held by a double, so it did not come through Excel
    n = int(VALID)
    assert float(n) != n
    assert normalize_id(n, today=TODAY).value == VALID
    assert normalize_id(n, today=TODAY).ok


# --------------------------------------------------------------------------- normalize_id: bad


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", "\t\n", "'"])
def test_empty(raw: object) -> None:
    check = normalize_id(raw, today=TODAY)
    assert check.problem == "empty"
    assert not check.ok
    assert check.message == "身份证号为空"


def test_wrong_check_digit_is_a_checksum_problem() -> None:
    wrong = VALID[:17] + ("2" if VALID[17] != "2" else "3")
    check = normalize_id(wrong, today=TODAY)
    assert check.problem == "checksum"
    assert not check.ok
    assert check.value == wrong
    assert check.message == f"身份证号校验位不对，可能有数字录错：{wrong}"
    assert not is_valid(wrong)


def test_x_where_a_digit_belongs_is_a_checksum_problem() -> None:
    wrong = VALID[:17] + "X"
    assert normalize_id(wrong, today=TODAY).problem == "checksum"


@pytest.mark.parametrize(
    "raw",
    [
        6.22421196010181e17,
        622421196010180000.0,
        622421196010180000,
        int(622421196010180000.0),  # 622421196010179968: what int() of the Excel double gives
        float(int(VALID)),
        1.10105194912310e17,
        "6.22421E+17",
        "6.22421e+17",
        "6.22421196010181E+17",
        "６.２２４２１Ｅ＋１７",
        "622421196010180000.0",
        Decimal("622421196010180000"),
    ],
)
def test_numbers_through_excel_are_mangled(raw: object) -> None:
    check = normalize_id(raw, today=TODAY)
    assert check.problem == "mangled"
    assert not check.ok
    assert "Excel" in (check.message or "")
    assert "后几位已丢失" in (check.message or "")


def test_mangled_float_shows_the_digits_excel_kept() -> None:
    check = normalize_id(6.22421196010181e17, today=TODAY)
    assert check.raw == "6.22421196010181e+17"
    assert check.value == "622421196010181000"


def test_mangled_message_names_the_cell_text() -> None:
    assert normalize_id("6.22421E+17").message == (
        "身份证号被Excel存成了数字，后几位已丢失：6.22421E+17（请把该列设为文本格式后重新录入）"
    )


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12345", "12345"),
        ("6224211960101809", "6224211960101809"),
        ("62242119601018092", "62242119601018092"),
        (VALID + "1", VALID + "1"),
        ("1304", "1304"),
        (12345, "12345"),
        (10**20 + 7, str(10**20 + 7)),
    ],
)
def test_wrong_length(raw: object, value: str) -> None:
    check = normalize_id(raw, today=TODAY)
    assert check.problem == "length"
    assert check.value == value
    assert check.message == f"身份证号应为18位（或15位旧号），现在是{len(value)}位：{value}"


@pytest.mark.parametrize(
    "raw",
    [
        "张三",
        "62242119601018O921",  # letter O
        "6224211960-1018-0921",
        "X22421196010180921",
        "62242119601018X921",
        "13050367040100X",  # old numbers have no X
        -130503670401001,
        12.5,
        float("nan"),
        float("inf"),
        True,
        Decimal("1.5"),
    ],
)
def test_bad_characters(raw: object) -> None:
    check = normalize_id(raw, today=TODAY)
    assert check.problem == "chars"
    assert not check.ok
    assert (check.message or "").startswith("身份证号含有不该有的字符：")


@pytest.mark.parametrize(
    "born",
    ["19990231", "19990229", "19991301", "19990001", "19990100", "18991231", "20250701", "00000000"],
)
def test_impossible_birth_date_in_18(born: str) -> None:
    id18 = make_id(born=born)
    check = normalize_id(id18, today=TODAY)
    assert check.problem == "birthdate"
    assert check.message == f"身份证号里的出生日期不存在：{id18}"
    assert not is_valid(id18, today=TODAY)


def test_impossible_birth_date_in_15() -> None:
    check = normalize_id("130503670231001", today=TODAY)
    assert check.problem == "birthdate"
    assert check.value == "130503670231001"
    assert not check.upgraded_from_15


def test_leap_day_and_today_are_possible() -> None:
    assert normalize_id(make_id(born="20000229"), today=TODAY).ok
    assert normalize_id(make_id(born="19000101"), today=TODAY).ok
    assert normalize_id(make_id(born="20250630"), today=TODAY).ok


def test_birth_date_problem_is_reported_before_checksum() -> None:
    bad_date_and_check = "622421199902310921"
    assert normalize_id(bad_date_and_check, today=TODAY).problem == "birthdate"


def test_require_id_raises_input_error_with_the_message() -> None:
    with pytest.raises(InputError) as err:
        require_id("6.22421E+17")
    assert str(err.value).startswith("身份证号被Excel存成了数字")
    with pytest.raises(InputError, match="^身份证号为空$"):
        require_id(None)


# --------------------------------------------------------------------------- properties

regions = st.sampled_from(["110105", "130503", "440524", "622421", "650102", "820000"])
birth_days = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
seqs = st.integers(0, 999).map(lambda n: f"{n:03d}")


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    return make_id(draw(regions), draw(birth_days).strftime("%Y%m%d"), draw(seqs))


@given(valid_ids())
def test_valid_ids_are_ok_and_stable(id18: str) -> None:
    check = normalize_id(id18, today=TODAY)
    assert check.ok and check.value == id18
    assert is_valid(id18, today=TODAY)
    assert normalize_id(check.value, today=TODAY) == check


@given(valid_ids(), st.lists(st.integers(0, 18), max_size=5), st.booleans())
def test_spaces_case_and_width_do_not_matter(id18: str, cuts: list[int], wide: bool) -> None:
    text = id18.lower()
    for cut in sorted(cuts, reverse=True):
        text = text[:cut] + " " + text[cut:]
    if wide:
        text = "".join(chr(ord(c) + 0xFEE0) if c != " " else "\u3000" for c in text)
    assert normalize_id(text, today=TODAY).value == id18


@given(valid_ids(), st.integers(0, 16), st.integers(1, 9))
def test_any_single_wrong_digit_is_caught(id18: str, pos: int, delta: int) -> None:
    digit = str((int(id18[pos]) + delta) % 10)
    wrong = id18[:pos] + digit + id18[pos + 1:]
    check = normalize_id(wrong, today=TODAY)
    assert not check.ok
    assert check.problem in ("checksum", "birthdate")


@given(valid_ids(), st.integers(0, 15))
def test_swapped_neighbouring_digits_are_caught(id18: str, pos: int) -> None:
    assume(id18[pos] != id18[pos + 1])
    swapped = id18[:pos] + id18[pos + 1] + id18[pos] + id18[pos + 2:]
    assert not normalize_id(swapped, today=TODAY).ok


@given(valid_ids())
def test_an_18_digit_id_stored_as_an_excel_number_is_always_mangled(id18: str) -> None:
    assume(id18[-1] != "X")
    as_float = float(int(id18))
    assert normalize_id(as_float, today=TODAY).problem == "mangled"
    assert normalize_id(int(as_float), today=TODAY).problem == "mangled"
    assert normalize_id(f"{as_float:.5E}", today=TODAY).problem == "mangled"
    # Excel keeps 15 significant digits and pads with zeros
    padded = int(id18[:15] + "000")
    assert normalize_id(padded, today=TODAY).problem == "mangled"


@given(regions, st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), seqs)
def test_15_digit_upgrade_keeps_birth_date_and_sex(region: str, born: date, seq: str) -> None:
    id15 = region + born.strftime("%y%m%d") + seq
    check = normalize_id(id15, today=TODAY)
    assert check.ok and check.upgraded_from_15
    assert check.value == upgrade_15(id15)
    assert is_valid(check.value)
    assert birth_date(check.value) == birth_date(id15) == born
    assert sex(check.value) == sex(id15)


# --------------------------------------------------------------------------- readers


def test_birth_date_sex_and_age() -> None:
    assert birth_date(VALID) == date(1960, 10, 18)
    assert sex(VALID) == "女"  # sequence 092: even
    assert sex(make_id(seq="093")) == "男"
    assert sex(X_ID) == "女"  # sequence 002
    assert birth_date("130503670401001") == date(1967, 4, 1)
    assert sex("130503670401001") == "男"  # old numbers: the last digit
    assert birth_date(X_ID.lower()) == date(1949, 12, 31)


@pytest.mark.parametrize("bad", ["", "12345", "张三", "6.22421E+17", make_id(born="19990231")])
def test_readers_give_none_for_non_ids(bad: str) -> None:
    assert birth_date(bad) is None
    assert age_on(bad, TODAY) is None
    if len(bad) not in (15, 18):
        assert sex(bad) is None


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        ("19601018", date(2025, 10, 17), 64),
        ("19601018", date(2025, 10, 18), 65),
        ("19601018", date(1960, 10, 18), 0),
        ("19601018", date(1960, 10, 17), None),
        ("20000229", date(2001, 2, 28), 0),
        ("20000229", date(2001, 3, 1), 1),
        ("20000229", date(2004, 2, 29), 4),
    ],
)
def test_age_on_counts_whole_years(born: str, day: date, age: int | None) -> None:
    assert age_on(make_id(born=born), day) == age


@given(valid_ids(), st.integers(0, 40000))
def test_age_on_agrees_with_birthday_anniversaries(id18: str, days_later: int) -> None:
    born = birth_date(id18)
    assert born is not None
    day = born + timedelta(days=days_later)
    age = age_on(id18, day)
    assert age is not None
    assert (born.year + age, born.month, born.day) <= (day.year, day.month, day.day)
    assert (born.year + age + 1, born.month, born.day) > (day.year, day.month, day.day)


def test_is_valid_is_strict_about_form() -> None:
    assert is_valid(X_ID)
    assert not is_valid(X_ID.lower())
    assert not is_valid(" " + X_ID)
    assert not is_valid("130503670401001")
    assert not is_valid(int(VALID))  # type: ignore[arg-type]


def test_upgrade_15_refuses_other_lengths() -> None:
    with pytest.raises(ValueError):
        upgrade_15(VALID)


@pytest.mark.parametrize(
    ("value", "keep", "masked"),
    [
        ("622421196010180921", (6, 4), "622421********0921"),
        ("11010519491231002X", (6, 4), "110105********002X"),
        ("11010519491231002X", (3, 0), "110***************"),
        ("11010519491231002X", (0, 4), "**************002X"),
        ("130503670401001", (6, 4), "130503*****1001"),
        ("1234567890", (6, 4), "**********"),
        ("123", (6, 4), "***"),
        ("", (6, 4), ""),
    ],
)
def test_mask_id(value: str, keep: tuple[int, int], masked: str) -> None:
    assert mask_id(value, *keep) == masked
    assert len(mask_id(value, *keep)) == len(value)
