"""Dates as people and spreadsheets write them."""
from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

_SEP = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?$")
# A time after the date, as databases and Excel's text export write it: " 0:00:00", "T10:20".
_TIME = re.compile(r"(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = date(1899, 12, 30)
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－／", "0123456789.-/")


def parse_date_text(text: str) -> date:
    """Parse 2015-03-05, 2015-3-5, 2015.03.05, 2015/03/05, 20150305, 2015年3月5日 (or 5号),
    with or without a time after it (``2015/3/5 0:00:00``, ``2015-03-05T00:00:00``).

    Raises ``ValueError`` for anything else, or an impossible date.
    """
    t = _TIME.sub("", str(text).strip().translate(_FULLWIDTH))
    m = _SEP.match(t) or _COMPACT.match(t)
    if not m:
        raise ValueError(f"无法识别的日期：{text}")
    y, mo, d = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError(f"不存在的日期：{text}") from None


class DateProblem(ValueError):
    """A value that is not a date, with the reason as a Chinese phrase that can follow the
    field's name (``发放日期`` + ``只写到月（2015年3月），没有日``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# The Excel day numbers a date column may hold as plain numbers: 1927-05-18 … 2119-01-12.
# Below, a number is more likely something else (2015.3, a year, an amount).
EXCEL_SERIALS = (10_000, 80_000)
_MONTH_ONLY = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?(?:份)?$")


def excel_serial_to_date(serial: float) -> date:
    """An Excel serial day number (1900 date system) as a date.

    Excel counts 1900 as a leap year (as Lotus 1-2-3 did): its day 60 is a 29 February 1900
    that never was, so days 1–59 are 1 January – 28 February 1900 and day 61 is 1 March.
    """
    days = int(serial)
    if days == 60:
        raise DateProblem("是Excel的“1900年2月29日”，这一天并不存在")
    if days < 1:
        raise DateProblem(f"不是日期：{serial}")
    if days < 60:
        return date(1899, 12, 31) + timedelta(days=days)
    return _EXCEL_EPOCH + timedelta(days=days)


def number_to_date(value: float | int) -> date:
    """A number in a date column, read as what it plainly is.

    20150305 is 5 March 2015 and 42064 the Excel day number of 1 March 2015 (a date column
    Excel shows as numbers).  2015.3 and 201503 name a month without its day, 150305 a day
    with a two-digit year: :class:`DateProblem` says so rather than take them as Excel day
    numbers (1905-07-07, 2451-09-10, 2311-07-09).  Anything else is no date either.
    """
    if not math.isfinite(value):
        raise DateProblem(f"不是日期：{value}")
    shown = str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)
    whole = int(value)
    if value == whole:
        if 19_000_101 <= whole <= 21_001_231:
            return parse_date_text(str(whole))
        if 100_000 <= whole <= 999_999:
            raise DateProblem(_six_digits(whole))
        if EXCEL_SERIALS[0] <= whole < EXCEL_SERIALS[1]:
            return excel_serial_to_date(whole)
        raise DateProblem(f"不是日期：{shown}")
    if 1900 <= whole <= 2100:
        month = shown.partition(".")[2]
        if len(month) <= 2 and 1 <= int(month) <= 12:
            which = f"1月或10月（{whole}.10 存成数字就成了 {whole}.1）" if month == "1" else f"{int(month)}月"
            raise DateProblem(f"只写到月（{whole}年{which}），没有日：{shown}")
    if EXCEL_SERIALS[0] <= value < EXCEL_SERIALS[1]:
        return excel_serial_to_date(value)   # a day number with a time of day
    raise DateProblem(f"不是日期：{shown}")


def _six_digits(n: int) -> str:
    """Why a six-digit number is no date: YYYYMM (a month), YYMMDD (a two-digit year)."""
    yyyy, mm = divmod(n, 100)
    yy, mmdd = divmod(n, 10_000)
    month_only = 1900 <= yyyy <= 2100 and 1 <= mm <= 12
    try:
        short = date(2000 + yy if yy < 50 else 1900 + yy, mmdd // 100, mmdd % 100)
    except ValueError:
        short = None
    if month_only and short:
        return (f"是6位数字 {n}：可能是{yyyy}年{mm}月（没有日），也可能是{short.year}年{short.month}月{short.day}日；"
                "请写成完整的日期")
    if month_only:
        return f"只写到月（{yyyy}年{mm}月），没有日：{n}"
    if short:
        return f"是6位数字 {n}，年份只有两位（可能是{short.year}年{short.month}月{short.day}日）：请写成完整的日期"
    return f"不是日期：{n}"


def to_date(value) -> date | None:
    """A cell value (date, datetime, Excel serial, text) as a date; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_to_date(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        return parse_date_text(text)
    except ValueError:
        m = _MONTH_ONLY.match(text.translate(_FULLWIDTH))
        if m and 1 <= int(m.group(2)) <= 12:
            raise DateProblem(f"只写到月（{int(m.group(1))}年{int(m.group(2))}月），没有日：{text}") from None
        raise


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (Jan 31 + 1 → Feb 28)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, min(d.day, day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


_MONTH_TEXT = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?(?:份)?$")


def parse_month_text(text: str) -> tuple[int, int]:
    """A month as people write it: 2026-11, 2026-1, 2026.11, 2026/11, 2026年11月, 202611.
    Raises ``ValueError`` with a Chinese reason for anything else."""
    t = str(text).strip().translate(_FULLWIDTH)
    m = _MONTH_TEXT.match(t) or re.match(r"^(\d{4})(\d{2})$", t)
    if not m:
        raise ValueError(f"无法识别的月份：{text}（应为 YYYY-MM，如 2026-11）")
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"月份应为 1 到 12：{text}")
    if not 1900 <= year <= 9999:
        raise ValueError(f"年份不对：{text}")
    return year, month


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first and the last day of a month."""
    first = date(year, month, 1)
    return first, add_months(first, 1) - timedelta(days=1)


def last_complete_month(today: date) -> tuple[int, int]:
    """The month before ``today``'s: the latest month that has ended."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.year, last.month
