"""Interest and penalty accrual: simple interest, actual days / 360, penalty from the due date."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import InputError
from app.domain.interest import accrue, format_rate, parse_rate, penalty_rate, rate_fraction

START = date(2026, 2, 28)


def test_a_year_overdue_earns_penalty_at_the_penalty_rate():
    # 10,000 yuan, 8.64% contract rate, overdue the whole time: 360 days at 12.96% = 1,296.00
    acc = accrue(1_000_000, START, START + timedelta(days=360), rate_ppm=86_400,
                 penalty_rate_ppm=penalty_rate(86_400), due_date=date(2020, 1, 1))
    assert (acc.interest_fen, acc.penalty_fen) == (0, 129_600)
    assert (acc.interest_days, acc.penalty_days) == (0, 360)


def test_days_before_the_due_date_earn_interest_and_after_it_penalty():
    due = START + timedelta(days=90)
    acc = accrue(1_000_000, START, START + timedelta(days=180), rate_ppm=72_000, penalty_rate_ppm=108_000,
                 due_date=due)
    assert (acc.interest_days, acc.penalty_days) == (90, 90)
    assert acc.interest_fen == 1_000_000 * 72_000 * 90 // (1_000_000 * 360)     # 1,800.00
    assert acc.penalty_fen == 1_000_000 * 108_000 * 90 // (1_000_000 * 360)     # 2,700.00


def test_a_principal_repayment_lowers_the_balance_from_its_date():
    end = START + timedelta(days=100)
    paid_on = START + timedelta(days=40)
    acc = accrue(1_000_000, START, end, rate_ppm=0, penalty_rate_ppm=180_000, due_date=None,
                 principal_paid=[(paid_on, 400_000)])
    # 40 days on 10,000 and 60 days on 6,000 at 18% / 360
    assert acc.penalty_fen == (1_000_000 * 40 + 600_000 * 60) * 180_000 // (1_000_000 * 360)


def test_suspended_interest_accrues_nothing():
    acc = accrue(5_000_000, START, date(2027, 1, 1), rate_ppm=86_400, penalty_rate_ppm=129_600, suspended=True)
    assert (acc.interest_fen, acc.penalty_fen) == (0, 0)


def test_totals_round_half_up_once_at_the_end():
    # 1 fen a day at 0.5 fen → 1 day: 100 fen × 1,800 ppm / 360 = 0.5 fen → rounds up to 1
    acc = accrue(100_000, START, START + timedelta(days=1), rate_ppm=0, penalty_rate_ppm=1_800)
    assert acc.penalty_fen == 1
    acc = accrue(100_000, START, START + timedelta(days=1), rate_ppm=0, penalty_rate_ppm=1_799)
    assert acc.penalty_fen == 0


@given(balance=st.integers(0, 10**10), days=st.integers(0, 2000), cut=st.integers(0, 2000),
       rate=st.integers(0, 300_000), due_offset=st.integers(-500, 2500))
def test_accrual_over_two_periods_matches_one_period_within_a_fen(balance, days, cut, rate, due_offset):
    end = START + timedelta(days=days)
    mid = START + timedelta(days=min(cut, days))
    due = START + timedelta(days=due_offset)
    kw = dict(rate_ppm=rate, penalty_rate_ppm=penalty_rate(rate), due_date=due)
    whole = accrue(balance, START, end, **kw)
    a, b = accrue(balance, START, mid, **kw), accrue(balance, mid, end, **kw)
    assert abs(a.interest_fen + b.interest_fen - whole.interest_fen) <= 1
    assert abs(a.penalty_fen + b.penalty_fen - whole.penalty_fen) <= 1
    if balance:
        assert whole.interest_days + whole.penalty_days == days
    assert whole.interest_fen >= 0 and whole.penalty_fen >= 0


def test_penalty_rate_is_the_contract_rate_plus_half_by_default():
    assert penalty_rate(86_400) == 129_600
    assert penalty_rate(72_000, markup_ppm=300_000) == 93_600


@pytest.mark.parametrize(("text", "ppm"), [("8.64%", 86_400), ("0.0864", 86_400), ("12.96％", 129_600),
                                           (" 7.2 % ", 72_000), ("0", 0), ("100%", 1_000_000)])
def test_rates_are_typed_as_fractions_or_percentages(text, ppm):
    assert parse_rate(text) == ppm


@pytest.mark.parametrize("text", ["8.64", "abc", "-1%", "150%", "", "nan"])
def test_a_rate_that_is_not_a_rate_is_refused_in_plain_words(text):
    with pytest.raises(InputError) as err:
        parse_rate(text, what="罚息利率")
    assert "罚息利率" in str(err.value) or "利率" in str(err.value)


def test_rates_print_as_percentages_and_json_fractions():
    assert format_rate(86_400) == "8.64%"
    assert format_rate(72_000) == "7.2%"
    assert format_rate(None) == "—"
    assert str(rate_fraction(129_600)) == "0.1296"
