"""Plans, payment splitting, installment filling, standing — and the capitals on the forms."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.domain.errors import InputError
from app.domain.money import to_chinese_capital
from app.domain.schedule import (
    PartOwed,
    fill_installments,
    make_plan,
    order_text,
    parse_order,
    split_payment,
    spread,
    standing,
)

FIRST = date(2027, 1, 31)


# --------------------------------------------------------------------------- plans

@given(total=st.integers(1, 10**11), n=st.integers(1, 120), frequency=st.sampled_from(["monthly", "quarterly"]),
       round_to=st.sampled_from([1, 100, 1000, 10_000]))
def test_equal_installments_always_add_up_to_the_total(total, n, frequency, round_to):
    plan = make_plan(total, n=n, first_due=FIRST, frequency=frequency, round_to=round_to)
    assert sum(i.amount_fen for i in plan) == total
    assert [i.no for i in plan] == list(range(1, n + 1))
    assert all(i.amount_fen >= 0 for i in plan)
    assert len({i.amount_fen for i in plan[:-1]}) <= 1          # equal, the rest on the last
    assert all(b.due > a.due for a, b in zip(plan, plan[1:]))
    if total >= n * round_to and n > 1:
        assert plan[0].amount_fen % round_to == 0 and plan[-1].amount_fen >= plan[0].amount_fen


@given(parts=st.lists(st.integers(1, 10**9), min_size=1, max_size=24), blank=st.integers(0, 23),
       start=st.dates(date(2026, 1, 1), date(2030, 1, 1)), gaps=st.lists(st.integers(1, 200), min_size=24, max_size=24))
def test_typed_amounts_and_picked_dates_keep_the_total_and_one_blank_takes_the_rest(parts, blank, start, gaps):
    total = sum(parts)
    dates = [start + timedelta(days=sum(gaps[:i + 1])) for i in range(len(parts))]
    plan = make_plan(total, dates=dates, amounts=list(parts))
    assert [i.amount_fen for i in plan] == parts and [i.due for i in plan] == dates
    typed = list(parts)
    typed[blank % len(parts)] = None
    plan = make_plan(total, dates=dates, amounts=typed)
    assert sum(i.amount_fen for i in plan) == total
    assert plan[blank % len(parts)].amount_fen == parts[blank % len(parts)]


def test_monthly_dates_keep_the_day_clamped_to_the_month_end():
    plan = make_plan(300_000, n=3, first_due=FIRST, frequency="monthly")
    assert [i.due for i in plan] == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]
    plan = make_plan(300_000, n=2, first_due=date(2027, 1, 15), frequency="quarterly")
    assert [i.due for i in plan] == [date(2027, 1, 15), date(2027, 4, 15)]


def test_a_lump_sum_is_one_installment_of_the_whole():
    plan = make_plan(1_234_567, first_due=FIRST, frequency="lump")
    assert [(i.no, i.due, i.amount_fen) for i in plan] == [(1, FIRST, 1_234_567)]


def test_equal_installments_are_whole_yuan_with_the_rest_last():
    assert [i.amount_fen for i in make_plan(1_134_567, n=12, first_due=FIRST)] == [94_500] * 11 + [95_067]


@pytest.mark.parametrize(("kwargs", "words"), [
    (dict(n=2, first_due=FIRST, amounts=[100, 200]), "少7.00元"),
    (dict(n=2, first_due=FIRST, amounts=[900, 200]), "多1.00元"),
    (dict(n=2, first_due=FIRST, amounts=[100, None, None]), "个数"),
    (dict(n=3, first_due=FIRST, amounts=[100, None, None]), "只能有一期"),
    (dict(n=2, first_due=FIRST, amounts=[1000, None]), "大于零"),
    (dict(dates=[date(2027, 3, 1), date(2027, 2, 1)]), "应晚于"),
    (dict(n=0, first_due=FIRST), "期数"),
    (dict(n=2), "第一期"),
])
def test_a_plan_that_cannot_be_is_refused_in_plain_words(kwargs, words):
    with pytest.raises(InputError) as err:
        make_plan(1000, **kwargs)
    assert words in str(err.value)


# --------------------------------------------------------------------------- splitting a payment

def test_order_is_read_from_codes_or_chinese_and_stated_in_words():
    assert parse_order("penalty,interest,principal") == ("penalty", "interest", "principal")
    assert parse_order("本金、利息、罚息") == ("principal", "interest", "penalty")
    assert order_text(("penalty", "interest", "principal")) == "先罚息、再利息、后本金"
    with pytest.raises(InputError):
        parse_order("principal,interest")


owed_parts = st.builds(lambda k, a, b, c: PartOwed(str(k), a, b, c), st.integers(0, 99),
                       st.integers(0, 10**8), st.integers(0, 10**7), st.integers(0, 10**7))


@given(owed=st.lists(owed_parts, min_size=1, max_size=4), amount=st.integers(0, 2 * 10**8),
       order=st.permutations(["penalty", "interest", "principal"]))
def test_a_payment_splits_into_parts_that_add_up_and_follow_the_order(owed, amount, order):
    order = tuple(order)
    paid, leftover = split_payment(amount, order, owed)
    total_owed = sum(o.principal + o.interest + o.penalty for o in owed)
    assert sum(p.principal + p.interest + p.penalty for p in paid) + leftover == amount
    assert leftover == max(0, amount - total_owed)
    for o, p in zip(owed, paid):
        for part in order:
            assert 0 <= p.get(part) <= o.get(part)
    # a later part gets money only once every loan's earlier parts are full
    for i, part in enumerate(order[1:], start=1):
        if any(p.get(part) for p in paid):
            assert all(p.get(q) == o.get(q) for o, p in zip(owed, paid) for q in order[:i])


@given(total=st.integers(0, 10**9), weights=st.lists(st.integers(0, 10**9), min_size=1, max_size=6))
def test_a_reduction_spreads_over_loans_in_proportion_and_adds_up(total, weights):
    assume(total <= sum(weights))
    shares = spread(total, weights)
    assert sum(shares) == (total if sum(weights) else 0)
    assert all(0 <= s <= w for s, w in zip(shares, weights))


def test_payments_fill_installments_in_order():
    assert fill_installments(0, [100, 100, 50]) == [0, 0, 0]
    assert fill_installments(150, [100, 100, 50]) == [100, 50, 0]
    assert fill_installments(250, [100, 100, 50]) == [100, 100, 50]


# --------------------------------------------------------------------------- standing

PLAN = [(1, date(2027, 1, 15), 1000), (2, date(2027, 2, 15), 1000), (3, date(2027, 3, 15), 1000)]


def test_an_installment_late_within_the_grace_period_is_overdue_not_missed():
    s = standing(PLAN, 0, date(2027, 2, 1), grace_days=30, void_after_missed=2)
    assert (s.state, s.overdue, s.missed, s.arrears_fen) == ("signed", [1], [], 1000)
    assert (s.next_no, s.next_due, s.next_left_fen) == (1, date(2027, 1, 15), 1000)


def test_beyond_the_grace_period_the_agreement_is_broken_and_two_misses_void_the_reduction():
    s = standing(PLAN, 500, date(2027, 2, 20), grace_days=30, void_after_missed=2)
    assert (s.state, s.missed, s.reduction_void) == ("broken", [1], False)
    s = standing(PLAN, 500, date(2027, 3, 20), grace_days=30, void_after_missed=2)
    assert (s.state, s.missed, s.reduction_void) == ("broken", [1, 2], True)


def test_paying_the_arrears_mends_it_and_paying_all_fulfils_it():
    assert standing(PLAN, 2000, date(2027, 3, 1), grace_days=30, void_after_missed=2).state == "signed"
    s = standing(PLAN, 3000, date(2027, 1, 1), grace_days=30, void_after_missed=2)
    assert (s.state, s.remaining_fen) == ("fulfilled", 0)


# --------------------------------------------------------------------------- capitals

_D = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_U = {"拾": 10, "佰": 100, "仟": 1000}


def _read_group(text: str) -> int:
    value, digit = 0, 0
    for ch in text:
        if ch in _D:
            digit = _D[ch]
        elif ch in _U:
            value += digit * _U[ch]
            digit = 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {text!r}")
    return value + digit


def _read_integer(text: str) -> int:
    if "亿" in text:
        high, low = text.rsplit("亿", 1)
        return _read_integer(high) * 10**8 + _read_integer(low)
    if "万" in text:
        high, low = text.rsplit("万", 1)
        return _read_group(high) * 10**4 + _read_group(low)
    return _read_group(text)


def read_capital(text: str) -> int:
    """An independent reader of 大写金额, to check the writer against the figures."""
    sign = -1 if text.startswith("负") else 1
    text = text.removeprefix("负").removesuffix("整")
    yuan, _, cents = text.rpartition("元") if "元" in text else ("", "", text)
    m = re.fullmatch(r"零?(?:(.)角)?零?(?:(.)分)?", cents)
    assert m, f"bad cents part {cents!r}"
    jiao, fen = (_D[g] if g else 0 for g in m.groups())
    return sign * (_read_integer(yuan) * 100 + jiao * 10 + fen)


@given(st.integers(-10**14, 10**14))
def test_capitals_read_back_as_the_figures(fen):
    text = to_chinese_capital(fen)
    assert read_capital(text) == fen
    assert text.endswith("整") == (fen % 100 == 0 if fen >= 0 else (-fen) % 100 == 0)
    assert "零零" not in text
    if fen:
        assert not re.search(r"零[万亿元]", text)


@pytest.mark.parametrize(("fen", "text"), [
    (1_134_567, "壹万壹仟叁佰肆拾伍元陆角柒分"), (1_000_000, "壹万元整"), (100_500, "壹仟零伍元整"),
    (105, "壹元零伍分"), (25, "贰角伍分"), (0, "零元整"), (168_032, "壹仟陆佰捌拾元叁角贰分"),
])
def test_capitals_follow_the_rules_for_bank_forms(fen, text):
    assert to_chinese_capital(fen) == text
