"""Dates as people and spreadsheets write them."""
from __future__ import annotations

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


def excel_serial_to_date(serial: float) -> date:
    """An Excel serial day number (1900 date system) as a date."""
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def to_date(value) -> date | None:
    """A cell value (date, datetime, Excel serial, text) as a date; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 19000101 <= value <= 21001231:
            return parse_date_text(str(int(value)))
        if 1 <= value < 2958466:
            return excel_serial_to_date(value)
        raise ValueError(f"无法识别的日期：{value}")
    text = str(value).strip()
    if not text:
        return None
    return parse_date_text(text)


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
