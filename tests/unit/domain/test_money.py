"""Tests for app.domain.money: parsing, formatting, 大写金额, splitting, allocating."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import InputError
from app.domain.money import (
    allocate,
    fen_to_decimal,
    format_yuan,
    parse_yuan,
    parse_yuan_or_none,
    split_evenly,
    split_installments,
    to_chinese_capital,
    yuan_str,
)

# --------------------------------------------------------------------------- parse_yuan


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        (0, 0),
        (1234, 123400),
        (-5, -500),
        (Decimal("1234.56"), 123456),
        (Decimal("0.005"), 1),  # half-up
        (Decimal("0.004"), 0),
        (Decimal("-0.005"), -1),  # half-up is away from zero
        (1234.56, 123456),
        (0.1 + 0.2, 30),
        (1.005, 101),  # the float prints as 1.005, which is what the user saw
        (2.675, 268),
        (1e-05, 0),
        (100.0, 10000),
        ("1234.56", 123456),
        ("1,234.50", 123450),
        ("1，234.50", 123450),
        ("１２３４.５", 123450),
        ("１，２３４．５０", 123450),
        ("  1 234.50  ", 123450),
        ("1234.50元", 123450),
        ("¥1,234.50", 123450),
        ("￥1,234.50", 123450),
        ("人民币1234.5元", 123450),
        ("RMB 12", 1200),
        ("3万", 3000000),
        ("12.5万元", 12500000),
        ("-1,234.00", -123400),
        ("－12", -1200),
        ("+12", 1200),
        ("-¥5", -500),
        ("¥-5", -500),
        ("(1,234.00)", -123400),
        ("（1,234.00）", -123400),
        (".5", 50),
        ("5.", 500),
        ("0.125", 13),
        ("0.124999", 12),
        ("1,234,567.891", 123456789),
        ("1\u00a0234", 123400),
        ("1\u3000234", 123400),
    ],
)
def test_parse_yuan_accepts_cell_values(value: object, fen: int) -> None:
    assert parse_yuan(value) == fen


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        ("12.3456", 12345600),
        (12.3456, 12345600),
        (1.23456789, 1234568),  # 12345.6789 元, half-up to the fen
        (Decimal("0.000001"), 1),  # 0.01 元 exactly
        (Decimal("0.0000005"), 1),  # 0.005 元, half-up
        (3, 3000000),
        ("１２.５", 12500000),
        ("800元", 80000),  # text naming its unit wins over the column's unit
        ("3万元", 3000000),
        ("3万", 3000000),
    ],
)
def test_parse_yuan_in_ten_thousands(value: object, fen: int) -> None:
    assert parse_yuan(value, unit="万元") == fen


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000", "\t\n"])
def test_parse_yuan_refuses_empty(value: object) -> None:
    with pytest.raises(InputError, match="^金额为空$"):
        parse_yuan(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("待核实", "金额不是数字：待核实"),
        ("  待核实 ", "金额不是数字：待核实"),
        ("12.3.4", "金额不是数字：12.3.4"),
        ("1,23,4", "金额不是数字：1,23,4"),
        ("12,34", "金额不是数字：12,34"),
        ("1.234,5", "金额不是数字：1.234,5"),
        ("元", "金额不是数字：元"),
        ("¥", "金额不是数字：¥"),
        ("--5", "金额不是数字：--5"),
        ("(-5)", "金额不是数字：(-5)"),
        ("-", "金额不是数字：-"),
        ("12元5角", "金额不是数字：12元5角"),
        ("nan", "金额不是数字：nan"),
        ("Infinity", "金额不是数字：Infinity"),
        (True, "金额不是数字：True"),
        (False, "金额不是数字：False"),
        (float("nan"), "金额不是数字：nan"),
        (float("inf"), "金额不是数字：inf"),
        (Decimal("NaN"), "金额不是数字：NaN"),
        ([1], "金额不是数字：[1]"),
        ("6.22421E+17", "金额是科学计数法，可能已丢失位数：6.22421E+17"),
        ("1e3", "金额是科学计数法，可能已丢失位数：1e3"),
    ],
)
def test_parse_yuan_refuses_non_numbers_saying_what_was_wrong(value: object, message: str) -> None:
    with pytest.raises(InputError) as err:
        parse_yuan(value)
    assert str(err.value) == message


@pytest.mark.parametrize("value", [10**14, 1e300, Decimal("1e999999"), "100000000000000"])
def test_parse_yuan_refuses_absurd_amounts(value: object) -> None:
    with pytest.raises(InputError, match="^金额过大："):
        parse_yuan(value)


def test_parse_yuan_limit_applies_after_the_unit() -> None:
    with pytest.raises(InputError, match="^金额过大："):
        parse_yuan(10**10, unit="万元")
    assert parse_yuan(10**10 - 1, unit="万元") == (10**10 - 1) * 10**6


def test_parse_yuan_rejects_unknown_unit_as_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_yuan(1, unit="分")


@pytest.mark.parametrize("value", [None, "", "  ", "\u3000"])
def test_parse_yuan_or_none_gives_none_for_empty_cells(value: object) -> None:
    assert parse_yuan_or_none(value) is None


def test_parse_yuan_or_none_parses_and_still_refuses_junk() -> None:
    assert parse_yuan_or_none("1.5", unit="万元") == 1500000
    assert parse_yuan_or_none(0) == 0
    with pytest.raises(InputError, match="金额不是数字：x"):
        parse_yuan_or_none("x")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_parse_yuan_reads_back_yuan_str_and_format_yuan(fen: int) -> None:
    assert parse_yuan(yuan_str(fen)) == fen
    assert parse_yuan(format_yuan(fen)) == fen
    assert parse_yuan(fen_to_decimal(fen)) == fen


@given(st.integers(min_value=-(10**13), max_value=10**13))
def test_parse_yuan_of_a_float_equals_parse_of_its_printed_text(cents: int) -> None:
    as_float = cents / 100
    assert parse_yuan(as_float) == parse_yuan(repr(as_float))
    assert parse_yuan(as_float) == cents


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("fen", "plain", "pretty", "decimal"),
    [
        (0, "0.00", "0.00", "0.00"),
        (5, "0.05", "0.05", "0.05"),
        (-5, "-0.05", "-0.05", "-0.05"),
        (100, "1.00", "1.00", "1.00"),
        (123450, "1234.50", "1,234.50", "1234.50"),
        (-123450, "-1234.50", "-1,234.50", "-1234.50"),
        (123456789012, "1234567890.12", "1,234,567,890.12", "1234567890.12"),
    ],
)
def test_yuan_formatting(fen: int, plain: str, pretty: str, decimal: str) -> None:
    assert yuan_str(fen) == plain
    assert format_yuan(fen) == pretty
    assert format_yuan(fen, thousands=False) == plain
    assert fen_to_decimal(fen) == Decimal(decimal)
    assert str(fen_to_decimal(fen)) == decimal


def test_fen_to_decimal_is_exact_for_huge_amounts() -> None:
    fen = 10**40 + 1
    assert str(fen_to_decimal(fen)) == "1" + "0" * 38 + ".01"


@pytest.mark.parametrize("func", [fen_to_decimal, yuan_str, format_yuan, to_chinese_capital])
@pytest.mark.parametrize("bad", [1.5, Decimal("1"), "1", True])
def test_fen_functions_refuse_non_integers(func, bad) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError):
        func(bad)


# --------------------------------------------------------------------------- 大写金额

CAPITALS = [
    (0, "零元整"),
    (1, "壹分"),
    (5, "伍分"),
    (10, "壹角"),
    (20, "贰角"),
    (25, "贰角伍分"),
    (99, "玖角玖分"),
    (100, "壹元整"),
    (101, "壹元零壹分"),
    (105, "壹元零伍分"),
    (110, "壹元壹角"),
    (120, "壹元贰角"),
    (123, "壹元贰角叁分"),
    (1000, "壹拾元整"),
    (1100, "壹拾壹元整"),
    (2000, "贰拾元整"),
    (5000, "伍拾元整"),
    (10000, "壹佰元整"),
    (10100, "壹佰零壹元整"),
    (11000, "壹佰壹拾元整"),
    (100000, "壹仟元整"),
    (100100, "壹仟零壹元整"),
    (101000, "壹仟零壹拾元整"),
    (140950, "壹仟肆佰零玖元伍角"),  # PBOC example ¥1,409.50
    (600714, "陆仟零柒元壹角肆分"),  # PBOC example ¥6,007.14
    (168032, "壹仟陆佰捌拾元叁角贰分"),  # PBOC ¥1,680.32, the form without 零
    (10700053, "壹拾万柒仟元伍角叁分"),  # PBOC ¥107,000.53, the form without 零
    (1000000, "壹万元整"),
    (1000001, "壹万元零壹分"),
    (1000100, "壹万零壹元整"),
    (1010000, "壹万零壹佰元整"),
    (1200000, "壹万贰仟元整"),
    (1234567, "壹万贰仟叁佰肆拾伍元陆角柒分"),
    (10000000, "壹拾万元整"),
    (10030000, "壹拾万零叁佰元整"),
    (100000000, "壹佰万元整"),
    (100000100, "壹佰万零壹元整"),
    (100010000, "壹佰万零壹佰元整"),
    (1000000000, "壹仟万元整"),
    (1000000010, "壹仟万元壹角"),
    (1000010000, "壹仟万零壹佰元整"),
    (1000100000, "壹仟万壹仟元整"),  # 万位 zero, 仟位 not: no 零 (PBOC allows either)
    (1001000000, "壹仟零壹万元整"),
    (10000000000, "壹亿元整"),
    (10000000001, "壹亿元零壹分"),
    (10000000100, "壹亿零壹元整"),
    (10000001000, "壹亿零壹拾元整"),
    (10001000000, "壹亿零壹万元整"),
    (10010000000, "壹亿零壹拾万元整"),
    (11000000000, "壹亿壹仟万元整"),
    (100100000000, "壹拾亿零壹佰万元整"),
    (123456789012, "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分"),
    (99999999999, "玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    (10**14, "壹万亿元整"),
    (10**14 + 100, "壹万亿零壹元整"),
    (10001 * 10**10, "壹万零壹亿元整"),
    (-25, "负贰角伍分"),
    (-100, "负壹元整"),
    (-1000001, "负壹万元零壹分"),
]


@pytest.mark.parametrize(("fen", "text"), CAPITALS)
def test_chinese_capital_table(fen: int, text: str) -> None:
    assert to_chinese_capital(fen) == text


_DIGIT_VALUE = {ch: i for i, ch in enumerate("零壹贰叁肆伍陆柒捌玖")}
_PLACE_VALUE = {"拾": 10, "佰": 100, "仟": 1000}


def _parse_integer_capital(text: str) -> int:
    """An independent reader of integer capitals such as 壹万零壹亿 or 壹仟零壹拾."""
    total = section = digit = 0
    for ch in text:
        if ch in _DIGIT_VALUE:
            digit = _DIGIT_VALUE[ch]
        elif ch in _PLACE_VALUE:
            assert digit, f"place without digit in {text}"
            section += digit * _PLACE_VALUE[ch]
            digit = 0
        elif ch == "万":
            section = (section + digit) * 10**4
            digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 10**8
            section = digit = 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {text}")
    return total + section + digit


def _parse_capital(text: str) -> int:
    """Read a whole 大写金额 back into fen."""
    if text.startswith("负"):
        return -_parse_capital(text[1:])
    if text == "零元整":
        return 0
    m = re.fullmatch(r"(?:(?P<yuan>.+)元)?(?P<rest>.*)", text)
    assert m
    yuan = _parse_integer_capital(m["yuan"]) if m["yuan"] else 0
    rest = m["rest"]
    jiao = fen = 0
    if rest == "整":
        pass
    else:
        cents = re.fullmatch(r"零?(?:(.)角)?(?:(.)分)?", rest)
        assert cents and rest, f"bad cents part {rest!r} in {text}"
        jiao = _DIGIT_VALUE[cents[1]] if cents[1] else 0
        fen = _DIGIT_VALUE[cents[2]] if cents[2] else 0
    return yuan * 100 + jiao * 10 + fen


def test_independent_capital_reader_agrees_with_the_table() -> None:
    for fen, text in CAPITALS:
        assert _parse_capital(text) == fen


@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_chinese_capital_round_trips_through_an_independent_reader(fen: int) -> None:
    text = to_chinese_capital(fen)
    assert _parse_capital(text) == fen


@given(st.integers(min_value=1, max_value=10**14))
def test_chinese_capital_layout_rules(fen: int) -> None:
    text = to_chinese_capital(fen)
    assert "零零" not in text
    assert not re.search("零[万亿元]", text)
    assert not text.startswith("零")
    assert text.endswith("整") == (fen % 100 == 0)
    assert ("元" in text) == (fen >= 100)
    assert not text.endswith("零")
    if fen % 100 and fen % 10 and fen // 10 % 10 == 0 and fen >= 100:
        assert text.endswith("元零" + "零壹贰叁肆伍陆柒捌玖"[fen % 10] + "分")


# --------------------------------------------------------------------------- splitting


def test_split_evenly_puts_the_extra_fen_first() -> None:
    assert split_evenly(100, 3) == [34, 33, 33]
    assert split_evenly(0, 2) == [0, 0]
    assert split_evenly(2, 3) == [1, 1, 0]
    assert split_evenly(-100, 3) == [-34, -33, -33]


@given(st.integers(-(10**14), 10**14), st.integers(1, 400))
def test_split_evenly_sums_exactly_and_differs_by_at_most_one_fen(total: int, n: int) -> None:
    parts = split_evenly(total, n)
    assert len(parts) == n
    assert sum(parts) == total
    assert max(parts) - min(parts) <= 1


@pytest.mark.parametrize(
    ("total", "n", "round_to", "parts"),
    [
        (100000, 3, 100, [33300, 33300, 33400]),  # 1000 元 / 3 → 333, 333, 334 元
        (1000099, 3, 100, [333300, 333300, 333499]),
        (1000099, 3, 1, [333366, 333366, 333367]),
        (120000, 12, 100, [10000] * 12),
        (500000, 1, 100, [500000]),
        (250, 3, 100, [83, 83, 84]),  # under n yuan: falls back to fen
        (250000, 3, 100000, [83333, 83333, 83334]),  # round to 1000 元 would give 0
        (2, 3, 100, [0, 0, 2]),
        (0, 4, 100, [0, 0, 0, 0]),
        (1000000, 3, 10000, [330000, 330000, 340000]),  # round to 100 元
    ],
)
def test_split_installments_examples(total: int, n: int, round_to: int, parts: list[int]) -> None:
    assert split_installments(total, n, round_to=round_to) == parts


@given(
    st.integers(0, 10**14),
    st.integers(1, 240),
    st.sampled_from([1, 10, 100, 1000, 10000, 100000]),
)
def test_split_installments_properties(total: int, n: int, round_to: int) -> None:
    parts = split_installments(total, n, round_to=round_to)
    assert len(parts) == n
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    assert len(set(parts[:-1])) <= 1
    assert parts[-1] >= parts[0]
    if n == 1:
        assert parts == [total]
    elif total // n >= round_to:
        assert parts[0] % round_to == 0
        assert parts[-1] - parts[0] < round_to * n
    else:
        assert parts[0] == total // n


def test_split_refuses_bad_counts_and_negative_totals() -> None:
    with pytest.raises(InputError, match="^份数至少为1：0$"):
        split_installments(100, 0)
    with pytest.raises(InputError, match="^份数至少为1：-1$"):
        split_evenly(100, -1)
    with pytest.raises(InputError, match="^分期总额不能为负数：-1.00元$"):
        split_installments(-100, 2)
    with pytest.raises(ValueError):
        split_installments(100, 2, round_to=0)
    with pytest.raises(TypeError):
        split_installments(100, 2.0)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- allocating


@pytest.mark.parametrize(
    ("amount", "buckets", "paid", "leftover"),
    [
        (0, [100, 200], [0, 0], 0),
        (50, [100, 200, 300], [50, 0, 0], 0),
        (100, [100, 200, 300], [100, 0, 0], 0),
        (250, [100, 200, 300], [100, 150, 0], 0),
        (600, [100, 200, 300], [100, 200, 300], 0),
        (700, [100, 200, 300], [100, 200, 300], 100),
        (150, [0, 100, 0, 100], [0, 100, 0, 50], 0),
        (80, [], [], 80),
    ],
)
def test_allocate_fills_buckets_in_order(
    amount: int, buckets: list[int], paid: list[int], leftover: int
) -> None:
    assert allocate(amount, buckets) == (paid, leftover)


@given(st.integers(0, 10**12), st.lists(st.integers(0, 10**11), max_size=6))
def test_allocate_properties(amount: int, buckets: list[int]) -> None:
    paid, leftover = allocate(amount, buckets)
    assert sum(paid) + leftover == amount
    assert all(0 <= p <= b for p, b in zip(paid, buckets, strict=True))
    assert leftover == max(0, amount - sum(buckets))
    # once a bucket is short, everything after it gets nothing
    short = [i for i, (p, b) in enumerate(zip(paid, buckets)) if p < b]
    if short:
        assert all(p == 0 for p in paid[short[0] + 1:])


def test_allocate_refuses_negative_amounts() -> None:
    with pytest.raises(InputError, match="^还款金额不能为负数：-0.01元$"):
        allocate(-1, [100])
    with pytest.raises(InputError, match="^应还金额不能为负数：-1.00元$"):
        allocate(1, [100, -100])


@pytest.mark.parametrize("typed,fen", [("10", 1000), ("10.5", 1050), ("1,234.50", 123450), ("10.000", 1000),
                                       ("3.20元", 320), ("3.0001万", 3000100)])
def test_typed_amounts_in_yuan(typed, fen):
    from app.domain.money import parse_typed_yuan

    assert parse_typed_yuan(typed) == fen


def test_a_typed_amount_finer_than_a_fen_is_refused_not_rounded():
    from app.domain.money import parse_typed_yuan

    with pytest.raises(InputError, match="还款金额最多精确到分"):
        parse_typed_yuan("10.001", "还款金额")
    with pytest.raises(InputError, match="还款金额：金额不是数字"):
        parse_typed_yuan("十元", "还款金额")
