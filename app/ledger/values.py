"""Cell values of bank ledgers as plain Python: text, names, loan numbers, money, dates, IDs.

Every function takes what python-calamine (or openpyxl) hands out for a cell: ``str``
(``""`` for an empty cell), ``float`` (Excel keeps every number as a float: ``24.0``),
``int``, ``bool``, ``date`` / ``datetime`` or ``None``.  Money and ID numbers go through
``app.domain.money`` / ``app.domain.idcard``.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from operator import mul

from app.domain.dates import to_date
from app.domain.idcard import IdCheck, normalize_id
from app.domain.money import MAX_YUAN, parse_yuan

MAX_FEN = MAX_YUAN * 100   # the one limit of money.py, for the shortcut too

# ---------------------------------------------------------------------------- money

def money_fen(value: object, unit: str) -> int | None:
    """Fen in a money cell, ``None`` for an empty one; ``InputError`` if it is not a number.

    Floats in 元 (nearly every cell) take a shortcut that gives exactly what ``parse_yuan``
    gives: the decimal Python prints for the float, rounded half-up to the fen, computed
    on its digits rather than through ``Decimal``.
    """
    if value is None or value == "":
        return None
    if type(value) is float and unit == "元":
        fen = _float_yuan_fen(value)
        if fen is not None and -MAX_FEN < fen < MAX_FEN:
            return fen   # beyond the limit, parse_yuan refuses it in its own words
    if isinstance(value, str) and not value.strip():
        return None
    return parse_yuan(value, unit=unit)


def _float_yuan_fen(value: float) -> int | None:
    if value.is_integer() and abs(value) < 1e15:
        return int(value) * 100
    if -1e12 < value < 1e12:
        # At most two decimals (1234.56): the nearest whole fen, divided back, is the very
        # float.  Below 1e12 floats lie closer together than 0.01, so no other two-decimal
        # number gives it, and Python's repr shows exactly those digits.
        fen = round(value * 100)
        if fen / 100 == value:
            return fen
    shown = repr(value)
    if "e" in shown or "n" in shown or len(shown) > 20:  # 1e-05, nan, inf, huge: the long way
        return None
    negative = shown[0] == "-"
    whole, _, frac = shown.lstrip("-").partition(".")
    frac = (frac + "000")[:3]
    fen = int(whole) * 100 + int(frac[:2]) + (frac[2] >= "5")   # half-up, away from zero
    return -fen if negative else fen


# ---------------------------------------------------------------------------- ID numbers

ID_MESSAGES = {
    "checksum": "身份证号校验位不对，可能有数字录错：{value}",
    "mangled": "身份证号被Excel存成了数字，后几位已丢失：{raw}（请银行把该列设为文本后重新导出）",
    "length": "身份证号位数不对：{value}",
    "chars": "身份证号含有不该有的字符：{value}",
    "birthdate": "身份证号里的出生日期不存在：{value}",
    "empty": "没有身份证号",
}
_PLAIN_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_ID_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))
_ID_ASCII_ZERO = ord("0") * sum(_ID_WEIGHTS)   # the ASCII codes' share of the weighted sum
_ID_CHECK_CHARS = "10X98765432"
_ID_EARLIEST_BIRTH = date(1900, 1, 1)


def check_id(raw: object, *, today: date) -> IdCheck:
    """``normalize_id(raw, today=today)``, with a shortcut for the usual cell: a correct
    18-character number as plain text (nearly every row of a bank ledger).  Anything else,
    and any number the shortcut does not find correct, goes through ``normalize_id``."""
    if type(raw) is str and len(raw) == 18 and _PLAIN_ID18.fullmatch(raw):
        try:
            born = date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
        except ValueError:
            born = None
        if born is not None and _ID_EARLIEST_BIRTH <= born <= today:
            total = sum(map(mul, raw[:17].encode(), _ID_WEIGHTS)) - _ID_ASCII_ZERO
            if _ID_CHECK_CHARS[total % 11] == raw[17]:
                return IdCheck(raw, raw, True, None)
    if type(raw) is str and not raw.isprintable():
        raw = raw.translate(_ZERO_WIDTH)
    return normalize_id(raw, today=today)


ID_WARNING_CODES = {
    "checksum": "id_checksum", "mangled": "id_mangled", "length": "id_invalid",
    "chars": "id_invalid", "birthdate": "id_invalid", "empty": "id_missing",
}


# ---------------------------------------------------------------------------- text

_SPACES = re.compile(r"\s+")
# Characters that show as nothing, left by text copied from web pages and chat programs.
_ZERO_WIDTH = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff\u00ad")


def text(value: object) -> str:
    """A cell as one line of text: full-width letters and digits made plain, spaces squeezed.

    Whole-number floats lose their ``.0`` (a phone number Excel kept as a number).
    """
    if type(value) is str:
        s = value if value.isascii() or unicodedata.is_normalized("NFKC", value) \
            else unicodedata.normalize("NFKC", value)
        if "  " in s or not s.isprintable():
            s = _SPACES.sub(" ", s.translate(_ZERO_WIDTH))
        return s.strip()
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return text(str(value))


def person_name(value: object) -> str:
    """A name with every space removed (``"马\u3000有兰 "`` → ``"马有兰"``).

    Chinese names have no spaces; a name in Latin letters keeps single spaces.
    """
    s = text(value)
    if _DOTS.search(s):      # 阿依古丽.买买提 / 阿依古丽•买买提 / 阿依古丽 · 买买提: one name
        s = _NAME_DOT.sub("·", s)
    if not s or " " not in s:
        return s
    if re.search(r"[A-Za-z] [A-Za-z]", s):
        return s
    return s.replace(" ", "")


_DOTS = re.compile(r"[.•‧・∙⋅·]")
_NAME_DOT = re.compile(r"(?<=[\u4e00-\u9fff])\s*[.•‧・∙⋅·]\s*(?=[\u4e00-\u9fff])")
# What a bank writes after a borrower's name about them: 张三（已故）.  Not 张三（大）, which
# tells two people of one name apart.
_NAME_REMARK = re.compile(r"^(.+?)\s*[(\[【]\s*(已故|已死亡|死亡|去世|已去世|病故|亡故|服刑|在押|服刑中|失联|外出|外出务工|"
                          r"下落不明|已核销|核销|已诉讼|诉讼)\s*[)\]】]$")


def split_name_remark(name: str) -> tuple[str, str | None]:
    """A borrower's name without a remark about them in brackets, and that remark."""
    m = _NAME_REMARK.match(name)
    return (m.group(1), m.group(2)) if m else (name, None)


# An ID number typed after the name in one cell: 张三 6224…, 张三⏎6224…, 张三6224…
_NAME_THEN_ID = re.compile(r"^(.*?[^\s\d])\s*([0-9０-９]{17}[0-9０-９XxＸｘ]|[0-9０-９]{15})\s*$", re.DOTALL)


def split_name_id(value: str) -> tuple[str, str | None]:
    """A name cell as (name, ID number typed after it, or None)."""
    m = _NAME_THEN_ID.match(value)
    return (m.group(1), m.group(2)) if m else (value, None)


class LoanNoError(ValueError):
    """A loan number Excel stored as a number and so lost digits."""


def loan_no(value: object) -> str:
    """The loan number (借据号) as text; ``LoanNoError`` if Excel has cut its digits."""
    if isinstance(value, str):
        s = value.strip()
        if s.isdigit() or not s:
            return s
        s = "".join(unicodedata.normalize("NFKC", s.translate(_ZERO_WIDTH)).split()).removeprefix("'")
        if re.fullmatch(r"[0-9.]+E\+?[0-9]+", s, re.IGNORECASE):
            raise LoanNoError(s)
        return s
    if isinstance(value, float):
        if value.is_integer() and 0 <= value:
            digits = str(int(Decimal(repr(value))))
            if len(digits) > 15:
                raise LoanNoError(repr(value))
            return digits
        return repr(value)
    if value is None or isinstance(value, bool):
        return ""
    return str(value).strip()


# ---------------------------------------------------------------------------- dates

@lru_cache(maxsize=8192)
def _text_date(value: str) -> date | None:
    return to_date(value)


def cell_date(value: object) -> date | None:
    """A date cell (Excel date, 2015.03.05, 20150305, 2015年3月5日 …); ``ValueError`` if not one."""
    if value is None or value == "":
        return None
    if type(value) is date:
        return value
    if isinstance(value, str):
        s = value.strip()
        if _SERIAL.fullmatch(s):   # an Excel date shown as its number once the column became text
            return to_date(float(s))   # float ok: an Excel day number, not money
        return _text_date(s)
    return to_date(value)


_SERIAL = re.compile(r"[1-7][0-9]{4}(?:\.0+)?")   # 10000 (1927) … 79999 (2118)


# ---------------------------------------------------------------------------- rates

def rate_ppm(value: object, *, monthly: bool = False) -> int | None:
    """An interest rate as millionths per year: ``8.64%``, ``0.0864``, ``8.64`` → 86400;
    a monthly rate in ‰ (``月利率 7.2``) → 86400.  ``ValueError`` if it is not a rate."""
    if value is None or value == "":
        return None
    s = text(value).replace("％", "%").replace(" ", "")
    mark = s[-1:] if s[-1:] in ("%", "‰") else ""
    try:
        number = Decimal(s.rstrip("%‰"))
    except InvalidOperation:
        raise ValueError(s) from None
    if mark == "%":
        rate = number / 100
    elif mark == "‰" or monthly:  # monthly rates are quoted in ‰
        rate = number / 1000
    else:
        rate = number if number < 1 else number / 100
    per_year = rate * 12 if monthly else rate
    if not 0 <= per_year < 1:
        raise ValueError(s)
    return int((per_year * 1_000_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
