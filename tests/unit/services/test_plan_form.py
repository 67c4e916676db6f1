"""The new-agreement form's rules (services.agreements.plan_form): what the typed fields mean and
the message a user sees under the field that is wrong — without the window or a database."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace

import pytest

from app.services.agreements.agreements import PlanRequest
from app.services.agreements.owed import Quote
from app.services.agreements.plan_form import PlanForm, installments, read, typed_amounts

AS_OF = date(2026, 3, 1)


def form(**fields) -> PlanForm:
    base = PlanForm(loan_nos=["L1", "L2"], as_of=AS_OF, first_due=date(2026, 4, 1), frequency="monthly", count=3)
    return replace(base, **fields)


def quote(principal: int = 1_000_000, interest: int = 123_456, penalty: int = 50_000) -> Quote:
    """What the loans owe: 10,000.00 principal, 1,234.56 interest, 500.00 penalty by default."""
    loan = SimpleNamespace(principal_fen=principal, interest_fen=interest, penalty_fen=penalty)
    return Quote(as_of=AS_OF, household_id="h", household="张三", loans=[loan])


def test_the_fields_as_typed_make_the_plan():
    keep = PlanRequest(["L1"], AS_OF, allocation_order="interest_first", grace_days=15, void_after_missed=3,
                       note="原协议")
    request, errs = read(form(rate=" 20 ", penalty_rate="30％", waive_interest="1,000.5", waive_penalty="",
                              approval_ref="  减免审批〔2026〕12号 ", condition="  "), quote(), keep)
    assert errs == {}
    assert request == PlanRequest(
        loan_nos=["L1", "L2"], as_of=AS_OF, installments=3, first_due=date(2026, 4, 1), frequency="monthly",
        dates=None, amounts_fen=None, waive_interest_fen=100_050, waive_penalty_fen=0,
        approval_ref="减免审批〔2026〕12号", condition=None, rate_ppm=200_000, penalty_rate_ppm=300_000,
        allocation_order="interest_first", grace_days=15, void_after_missed=3, note="原协议")


def test_waiving_all_needs_no_amount_and_a_lump_sum_is_one_installment():
    request, errs = read(form(frequency="lump", count=6, waive_interest="abc", waive_all_interest=True,
                              waive_all_penalty=True))
    assert errs == {}
    assert request.installments == 1 and installments("lump", 6) == 1 and installments("quarterly", 6) == 6
    assert request.waive_all_interest and request.waive_all_penalty
    assert request.waive_interest_fen == 0 and request.waive_penalty_fen == 0   # the service takes what is owed


@pytest.mark.parametrize("loan_nos, message", [(None, "请先选择借款户"), ([], "请至少勾选一笔贷款")])
def test_no_household_or_no_loan(loan_nos, message):
    assert read(form(loan_nos=loan_nos)) == (None, {"loans": message})


@pytest.mark.parametrize("typed, message", [
    ("一百块", "减免利息不是金额：一百块"),
    ("-5", "减免利息不能为负数"),
    ("10.001", "减免利息最多精确到分：10.001"),
    ("2000", "超过应还利息 1,234.56 元"),
])
def test_a_reduction_that_is_not_money_or_more_than_is_owed(typed, message):
    assert read(form(waive_interest=typed), quote()) == (None, {"waive_interest": message})


def test_a_reduction_of_everything_owed_is_allowed_and_the_penalty_is_checked_apart():
    request, errs = read(form(waive_interest="1234.56", waive_penalty="500.01"), quote())
    assert request is None and errs == {"waive_penalty": "超过应还罚息 500.00 元"}
    request, errs = read(form(waive_interest="1234.56", waive_penalty="500"), quote())
    assert errs == {} and (request.waive_interest_fen, request.waive_penalty_fen) == (123_456, 50_000)


def test_without_the_quote_a_large_reduction_waits_for_the_figures():
    request, errs = read(form(waive_penalty="99999"))
    assert errs == {} and request.waive_penalty_fen == 9_999_900


@pytest.mark.parametrize("rate, penalty, message", [
    ("abc", "", "年利率不是数字：abc%（应写成 0.0864 或 8.64%）"),
    ("8.64", "1e", "罚息年利率不是数字：1e%（应写成 0.0864 或 8.64%）"),
    ("120", "", "年利率超过100%：120%（年利率8.64%应写成 0.0864 或 8.64%）"),
])
def test_a_rate_that_is_wrong(rate, penalty, message):
    assert read(form(rate=rate, penalty_rate=penalty)) == (None, {"rate": message})


def test_a_first_day_before_the_date_the_debt_is_measured():
    assert read(form(first_due=date(2026, 2, 28))) == (None, {"first_due": "第一期还款日不能早于计算日期"})
    request, errs = read(form(first_due=AS_OF))
    assert errs == {} and request.first_due == AS_OF


def test_custom_dates_each_installment_and_none_before_the_date():
    request, errs = read(form(frequency="custom", count=2, dates=[date(2026, 9, 1), date(2026, 12, 1)],
                              first_due=date(2020, 1, 1)))     # the first day is not asked for custom dates
    assert errs == {}
    assert request.dates == [date(2026, 9, 1), date(2026, 12, 1)] and request.first_due is None
    assert read(form(frequency="custom", count=2, dates=[date(2026, 9, 1), None])) == (
        None, {"schedule": "请给每一期填上还款日期"})
    assert read(form(frequency="custom", count=2, dates=[date(2026, 2, 1), date(2026, 9, 1)])) == (
        None, {"schedule": "第1期还款日期 2026-02-01 早于计算日期 2026-03-01"})


@pytest.mark.parametrize("texts, message", [
    (["100", "一百", ""], "第2期金额不是金额：一百"),
    (["100", "0", ""], "第2期金额必须大于零"),
    (["100", "", ""], "只能有一期金额留空（取剩余金额），其余各期请填写金额"),
])
def test_typed_amounts_that_are_not_amounts(texts, message):
    assert read(form(amounts=texts), quote()) == (None, {"schedule": message})


def test_typed_amounts_must_add_up_to_what_is_owed_less_the_reductions():
    # owed 11,734.56; less 234.56 interest and all the penalty (500.00): 11,000.00
    fields = dict(waive_interest="234.56", waive_all_penalty=True)
    assert read(form(amounts=["5000", "5000", "500"], **fields), quote()) == (
        None, {"schedule": "各期合计 10,500.00 元，比应还合计 11,000.00 元少 500.00 元"})
    assert read(form(amounts=["5000", "5000", "1500"], **fields), quote()) == (
        None, {"schedule": "各期合计 11,500.00 元，比应还合计 11,000.00 元多 500.00 元"})
    assert read(form(amounts=["6000", "5000", ""], **fields), quote()) == (
        None, {"schedule": "已填各期合计 11,000.00 元，已达到应还合计 11,000.00 元，留空的一期没有剩余金额"})
    request, errs = read(form(amounts=["5000", "", "1,000"], **fields), quote())
    assert errs == {} and request.amounts_fen == [500_000, None, 100_000]
    request, errs = read(form(amounts=["5000", "5000", "1000"], **fields), quote())
    assert errs == {} and request.amounts_fen == [500_000, 500_000, 100_000]


def test_typed_amounts_are_not_added_up_until_the_total_is_known():
    request, errs = read(form(amounts=["1", "2", "3"]))        # no quote yet
    assert errs == {} and request.amounts_fen == [100, 200, 300]
    # a reduction that is wrong leaves the total unknown: only that field is pointed out
    assert read(form(amounts=["1", "2", "3"], waive_interest="x"), quote()) == (
        None, {"waive_interest": "减免利息不是金额：x"})
    assert typed_amounts(["1", "2"], None) == ([100, 200], None)
    assert typed_amounts(["1", "2"], 300) == ([100, 200], None)


def test_every_field_that_is_wrong_has_its_message():
    request, errs = read(form(loan_nos=[], rate="abc", waive_interest="x", waive_penalty="-1",
                              first_due=date(2026, 1, 1), amounts=["", ""]), quote())
    assert request is None
    assert errs == {"loans": "请至少勾选一笔贷款", "rate": "年利率不是数字：abc%（应写成 0.0864 或 8.64%）",
                    "waive_interest": "减免利息不是金额：x", "waive_penalty": "减免罚息不能为负数",
                    "first_due": "第一期还款日不能早于计算日期",
                    "schedule": "只能有一期金额留空（取剩余金额），其余各期请填写金额"}
