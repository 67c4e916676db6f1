from datetime import date

import pytest

from app.domain.clock import HybridClock, parse_stamp
from app.domain.dates import add_months, parse_date_text, to_date


def test_clock_stamps_sort_in_order_even_when_the_wall_clock_stands_still():
    c = HybridClock("dev1")
    stamps = [c.now(physical_ms=1000) for _ in range(5)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 5


def test_clock_moves_past_a_stamp_seen_from_a_laptop_whose_clock_is_ahead():
    mine = HybridClock("a")
    mine.now(physical_ms=1000)
    theirs = HybridClock("b").now(physical_ms=9_000)
    mine.observe(theirs, physical_ms=1001)
    assert mine.now(physical_ms=1002) > theirs


def test_clock_resumes_from_its_last_stamp():
    c = HybridClock("dev")
    last = c.now(physical_ms=5000)
    again = HybridClock.resume("dev", last)
    assert again.now(physical_ms=10) > last
    assert parse_stamp(last) == (5000, 0, "dev")


@pytest.mark.parametrize("text", ["2015.03.05", "2015-3-5", "20150305", "2015年3月5日", "2015/03/05",
                                  " 2015-03-05 ", "２０１５－０３－０５", "2015-03-05 00:00:00"])
def test_dates_as_people_write_them(text):
    assert parse_date_text(text) == date(2015, 3, 5)


@pytest.mark.parametrize("text", ["2015-02-30", "05/03/2015", "三月五日", "2015", ""])
def test_impossible_or_unreadable_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date_text(text)


def test_cells_become_dates():
    assert to_date(None) is None and to_date("  ") is None
    assert to_date(42064.0) == date(2015, 3, 1)           # an Excel serial
    assert to_date(20150305) == date(2015, 3, 5)          # digits typed as a number
    assert to_date(date(2020, 1, 2)) == date(2020, 1, 2)


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_excel_day_numbers_of_early_1900_are_not_a_day_early():
    """Excel counts a 29 February 1900 that never was (its day 60)."""
    from app.domain.dates import DateProblem, excel_serial_to_date

    assert excel_serial_to_date(1) == date(1900, 1, 1)
    assert excel_serial_to_date(59) == date(1900, 2, 28)
    assert excel_serial_to_date(61) == date(1900, 3, 1)
    assert excel_serial_to_date(42064) == date(2015, 3, 1)
    with pytest.raises(DateProblem, match="1900年2月29日"):
        excel_serial_to_date(60)


@pytest.mark.parametrize("number, reason", [
    (2015.3, "只写到月（2015年3月），没有日"), (201503, "只写到月（2015年3月），没有日"),
    (150305, "年份只有两位（可能是2015年3月5日）"), (200105, "可能是2001年5月（没有日），也可能是2020年1月5日"),
    (2015, "不是日期"), (5, "不是日期"), (3e6, "不是日期"), (float("inf"), "不是日期"), (-42064, "不是日期"),
])
def test_numbers_that_are_no_date_say_why(number, reason):
    from app.domain.dates import DateProblem

    with pytest.raises(DateProblem) as caught:
        to_date(number)
    assert reason in caught.value.reason


def test_a_month_written_as_text_is_no_date_either():
    from app.domain.dates import DateProblem

    for text in ("2015.3", "2015-03", "2015年3月", "２０１５年３月份"):
        with pytest.raises(DateProblem, match="只写到月"):
            to_date(text)
