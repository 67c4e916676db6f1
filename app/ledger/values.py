"""Cell values of bank ledgers as plain Python: text, names, loan numbers, money, dates, IDs.

Every function takes what python-calamine (or openpyxl) hands out for a cell: ``str``
(``""`` for an empty cell), ``float`` (Excel keeps every number as a float: ``24.0``),
``int``, ``bool``, ``date`` / ``datetime`` or ``None``.  Money and ID numbers go through
``app.domain.money`` / ``app.domain.idcard``; until those land, the minimal private
versions below stand in with the same signatures.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from app.domain.dates import to_date
from app.domain.errors import InputError

# ---------------------------------------------------------------------------- money

try:
    from app.domain.money import parse_yuan  # type: ignore[attr-defined]
except ImportError:  # TODO(money): use app.domain.money.parse_yuan once it lands
    _THOUSANDS = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?$|^[+-]?\.\d+$")
    _UNIT_SCALE = {"元": 1, "万元": 10_000}

    def parse_yuan(value: object, *, unit: str = "元") -> int:
        """Integer fen in ``value`` (a number, or text like ``"1,234.50"``), half-up."""
        scale = _UNIT_SCALE[unit]
        if value is None or isinstance(value, bool):
            raise InputError("金额为空" if value is None else f"金额不是数字：{value}")
        if isinstance(value, (int, Decimal)):
            amount = Decimal(value)
        elif isinstance(value, float):
            amount = Decimal(repr(value))
        else:
            s = "".join(unicodedata.normalize("NFKC", str(value)).split())
            s = s.replace("，", ",").removeprefix("¥").removeprefix("￥")
            for suffix, suffix_scale in (("万元", 10_000), ("万", 10_000), ("元", 1)):
                if s.endswith(suffix):
                    s, scale = s[: -len(suffix)], suffix_scale
                    break
            if not s:
                raise InputError("金额为空")
            if not _THOUSANDS.match(s):
                raise InputError(f"金额不是数字：{str(value).strip()}")
            amount = Decimal(s.replace(",", ""))
        try:
            fen = (amount * scale * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            raise InputError(f"金额不是数字：{value}") from None
        return int(fen)


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
        if fen is not None:
            return fen
    if isinstance(value, str) and not value.strip():
        return None
    return parse_yuan(value, unit=unit)


def _float_yuan_fen(value: float) -> int | None:
    if value.is_integer() and abs(value) < 1e15:
        return int(value) * 100
    shown = repr(value)
    if "e" in shown or "n" in shown or len(shown) > 20:  # 1e-05, nan, inf, huge: the long way
        return None
    negative = shown[0] == "-"
    whole, _, frac = shown.lstrip("-").partition(".")
    frac = (frac + "000")[:3]
    fen = int(whole) * 100 + int(frac[:2]) + (frac[2] >= "5")   # half-up, away from zero
    return -fen if negative else fen


# ---------------------------------------------------------------------------- ID numbers

try:
    from app.domain.idcard import normalize_id  # type: ignore[attr-defined]
except ImportError:  # TODO(idcard): use app.domain.idcard.normalize_id once it lands
    from app.domain.idcard import check_digit as _check_digit

    @dataclass(frozen=True)
    class IdCheck:
        raw: str
        value: str
        ok: bool
        problem: str | None
        upgraded_from_15: bool = False

    def normalize_id(raw: object, *, today: date | None = None) -> IdCheck:
        """The 18-character ID in a cell (15 digits upgraded), or what is wrong with it."""
        today = today or date.today()
        if raw is None:
            return IdCheck("", "", False, "empty")
        if isinstance(raw, float):
            if raw.is_integer() and raw >= 0:
                digits = str(int(Decimal(repr(raw))))
                if 15 < len(digits) <= 18:
                    return IdCheck(repr(raw), digits, False, "mangled")
                return _classify(digits, repr(raw), today)
            return IdCheck(repr(raw), repr(raw), False, "chars")
        if isinstance(raw, int) and not isinstance(raw, bool):
            return _classify(str(raw), str(raw), today)
        text = str(raw)
        s = "".join(unicodedata.normalize("NFKC", text).split()).upper().replace("×", "X")
        s = s.removeprefix("'")
        if not s:
            return IdCheck(text, "", False, "empty")
        if re.fullmatch(r"[0-9]+(?:\.[0-9]*)?E\+?[0-9]+", s):
            return IdCheck(text, s, False, "mangled")
        return _classify(s, text, today)

    def _classify(s: str, raw: str, today: date) -> IdCheck:
        if not re.fullmatch(r"[0-9]*X?", s):
            return IdCheck(raw, s, False, "chars")
        if len(s) == 15 and s.isdigit():
            if not _birth_ok("19" + s[6:12], today):
                return IdCheck(raw, s, False, "birthdate")
            first17 = s[:6] + "19" + s[6:]
            return IdCheck(raw, first17 + _check_digit(first17), True, None, True)
        if len(s) != 18:
            return IdCheck(raw, s, False, "length")
        if not _birth_ok(s[6:14], today):
            return IdCheck(raw, s, False, "birthdate")
        if _check_digit(s[:17]) != s[17]:
            return IdCheck(raw, s, False, "checksum")
        return IdCheck(raw, s, True, None)

    def _birth_ok(text: str, today: date) -> bool:
        try:
            born = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        except ValueError:
            return False
        return date(1900, 1, 1) <= born <= today


ID_MESSAGES = {
    "checksum": "身份证号校验位不对，可能有数字录错：{value}",
    "mangled": "身份证号被Excel存成了数字，后几位已丢失：{raw}（请银行把该列设为文本后重新导出）",
    "length": "身份证号位数不对：{value}",
    "chars": "身份证号含有不该有的字符：{value}",
    "birthdate": "身份证号里的出生日期不存在：{value}",
    "empty": "没有身份证号",
}
ID_WARNING_CODES = {
    "checksum": "id_checksum", "mangled": "id_mangled", "length": "id_invalid",
    "chars": "id_invalid", "birthdate": "id_invalid", "empty": "id_missing",
}


# ---------------------------------------------------------------------------- text

_SPACES = re.compile(r"\s+")


def text(value: object) -> str:
    """A cell as one line of text: full-width letters and digits made plain, spaces squeezed.

    Whole-number floats lose their ``.0`` (a phone number Excel kept as a number).
    """
    if type(value) is str:
        s = value if value.isascii() or unicodedata.is_normalized("NFKC", value) \
            else unicodedata.normalize("NFKC", value)
        if "  " in s or not s.isprintable():
            s = _SPACES.sub(" ", s)
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
    if not s or " " not in s:
        return s
    if re.search(r"[A-Za-z] [A-Za-z]", s):
        return s
    return s.replace(" ", "")


class LoanNoError(ValueError):
    """A loan number Excel stored as a number and so lost digits."""


def loan_no(value: object) -> str:
    """The loan number (借据号) as text; ``LoanNoError`` if Excel has cut its digits."""
    if isinstance(value, str):
        s = value.strip()
        if s.isdigit() or not s:
            return s
        s = "".join(unicodedata.normalize("NFKC", s).split()).removeprefix("'")
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
        return _text_date(value.strip())
    return to_date(value)


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
