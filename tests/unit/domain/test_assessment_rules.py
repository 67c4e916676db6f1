"""The monthly assessment's rules (app.domain.assessment) and the helpers it uses: months as people
write them, rates with one decimal half up from the fen, ranks and their ties, promises kept."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.assessment import Line, Promise, households_in_month, kept, ranked
from app.domain.dates import last_complete_month, month_bounds, parse_month_text
from app.domain.money import fen_to_wan, percent


@pytest.mark.parametrize("text, month", [("2026-11", (2026, 11)), ("2026-1", (2026, 1)), ("2026/03", (2026, 3)),
                                         ("2026.12", (2026, 12)), ("2026年2月", (2026, 2)), ("202611", (2026, 11)),
                                         (" ２０２６－１１ ", (2026, 11))])
def test_months_as_people_write_them(text, month):
    assert parse_month_text(text) == month


@pytest.mark.parametrize("text, words", [("2026-13", "1 到 12"), ("2026-00", "1 到 12"), ("11月", "无法识别"),
                                         ("2026-11-01", "无法识别"), ("", "无法识别")])
def test_bad_months_say_why(text, words):
    with pytest.raises(ValueError, match=words):
        parse_month_text(text)


def test_month_bounds_and_the_last_month_that_ended():
    assert month_bounds(2026, 2) == (date(2026, 2, 1), date(2026, 2, 28))
    assert month_bounds(2028, 2) == (date(2028, 2, 1), date(2028, 2, 29))
    assert month_bounds(2026, 12) == (date(2026, 12, 1), date(2026, 12, 31))
    assert last_complete_month(date(2026, 12, 3)) == (2026, 11)
    assert last_complete_month(date(2027, 1, 1)) == (2026, 12)
    assert last_complete_month(date(2026, 11, 30)) == (2026, 10)


def test_rates_one_decimal_half_up_once_from_the_fen():
    assert percent(1, 8) == Decimal("12.5") and percent(1, 3) == Decimal("33.3") and percent(2, 3) == Decimal("66.7")
    assert percent(285, 2000) == Decimal("14.3")       # 14.25 half up
    assert percent(3_253_583, 25_720_570) == Decimal("12.6")   # 12.6497…: not 12.65 (a rate of 4 decimals) rounded again
    assert percent(5, 0) == Decimal("0.0") and percent(0, 100) == Decimal("0.0")
    assert fen_to_wan(11_791_450) == Decimal("11.79") and fen_to_wan(11_795_000) == Decimal("11.80")
    with pytest.raises(TypeError):
        percent(1.5, 3)


def test_ranks_by_rate_then_the_months_amount_then_the_total_then_pinyin():
    rows = [Line(name="石门乡", task_fen=1000, recovered_fen=125, month_fen=10),
            Line(name="柳林镇", task_fen=1000, recovered_fen=126, month_fen=10),   # 12.6% beats 12.5%
            Line(name="马营镇", task_fen=10_000, recovered_fen=1250, month_fen=50),  # 12.5%, more this month
            Line(name="安乐乡", task_fen=1000, recovered_fen=125, month_fen=10),    # a full tie: 安 before 石
            Line(name="东关街道", task_fen=0)]
    out = ranked(rows, last=[Line(name="（未明确责任人）")])
    assert [(x.rank, x.name) for x in out] == [(1, "柳林镇"), (2, "马营镇"), (3, "安乐乡"), (4, "石门乡"),
                                               (5, "东关街道"), (0, "（未明确责任人）")]


def test_a_promise_is_kept_by_a_repayment_up_to_its_date():
    d = date(2026, 10, 10)
    assert kept(Promise("h", date(2026, 10, 1), d, d))                  # paid on the day
    assert kept(Promise("h", date(2026, 10, 1), d, date(2026, 10, 1)))  # paid the day it was promised
    assert not kept(Promise("h", date(2026, 10, 1), d, None))
    months = households_in_month({"a": 100, "b": 0, "c": 5}, {"a": 2}, {"a", "b"},
                                 [Promise("a", date(2026, 10, 1), d, d), Promise("a", date(2026, 10, 2), d, None),
                                  Promise("c", date(2026, 10, 3), d, None)])
    assert (months["a"].visits, months["a"].kept, months["a"].broken, months["a"].never_visited) == (2, 1, 1, False)
    assert "b" not in months    # owes nothing, not visited this month: nothing to count
    assert months["c"].never_visited is True and months["c"].broken == 1
