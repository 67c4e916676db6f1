"""Chinese resident identity numbers (公民身份号码, GB 11643-1999).

An 18-character number is a 6-digit region code, an 8-digit birth date (YYYYMMDD), a
3-digit sequence (odd for men, even for women) and a check character (0-9 or X).  The
old 15-digit numbers have a 6-digit birth date (YYMMDD, always 19YY) and no check.

Spreadsheets mangle these numbers: Excel keeps only 15 significant digits of a number,
so an 18-digit ID typed into a numeric cell loses its last three digits for good
(``6.22421196010181E+17``).  :func:`normalize_id` recognises that and says so instead of
reporting a mere checksum error.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from app.domain.errors import InputError

Problem = Literal["empty", "checksum", "mangled", "length", "chars", "birthdate"]

_WEIGHTS: Final = tuple(2 ** (17 - i) % 11 for i in range(17))
_CHECK_CHARS: Final = "10X98765432"
_ID18: Final = re.compile(r"[0-9]{17}[0-9X]")
_ID15: Final = re.compile(r"[0-9]{15}")
_SCIENTIFIC: Final = re.compile(r"[0-9]+(?:\.[0-9]*)?E[+-]?[0-9]+")
_FLOAT_TEXT: Final = re.compile(r"([0-9]+)\.0*")
_EARLIEST_BIRTH: Final = date(1900, 1, 1)
# Excel holds 15 significant digits; a number longer than this has lost digits.
_EXCEL_DIGITS: Final = 15


@dataclass(frozen=True)
class IdCheck:
    """The outcome of reading one ID number from a cell.

    ``raw`` is the cell as text, ``value`` the normalised 18-character number when
    ``ok`` (otherwise the best cleaned-up text, for showing to the user), ``problem``
    says what is wrong, ``upgraded_from_15`` whether ``value`` was made from an old
    15-digit number.
    """

    raw: str
    value: str
    ok: bool
    problem: Problem | None
    upgraded_from_15: bool = False

    @property
    def message(self) -> str | None:
        """What is wrong, as a Chinese sentence for the user; ``None`` when ``ok``."""
        v = self.value
        match self.problem:
            case None:
                return None
            case "empty":
                return "身份证号为空"
            case "checksum":
                return f"身份证号校验位不对，可能有数字录错：{v}"
            case "mangled":
                return (
                    f"身份证号被Excel存成了数字，后几位已丢失：{self.raw.strip()}"
                    "（请把该列设为文本格式后重新录入）"
                )
            case "length":
                return f"身份证号应为18位（或15位旧号），现在是{len(v)}位：{v}"
            case "chars":
                return f"身份证号含有不该有的字符：{v}"
            case "birthdate":
                return f"身份证号里的出生日期不存在：{v}"
        raise AssertionError(self.problem)


def normalize_id(raw: object, *, today: date | None = None) -> IdCheck:
    """Read an ID number from whatever a spreadsheet cell holds.

    Text may have spaces anywhere, full-width characters, a lower-case ``x`` (or ``×``)
    and a leading ``'`` (Excel's text marker).  15-digit numbers are upgraded to 18.
    A number (``int``/``float``) or text in E-notation longer than 15 digits has been
    through Excel's 15-digit limit and is reported as ``"mangled"``; an ``int`` of 16-18
    digits counts as mangled only when a double could hold it exactly or it ends in
    zeros past the 15th digit, so exact integers from other sources still read.  Birth
    dates must be real days from 1900-01-01 up to ``today`` (default: the system date).
    """
    today = today or date.today()
    if raw is None:
        return IdCheck("", "", False, "empty")
    if isinstance(raw, bool):
        return IdCheck(str(raw), str(raw), False, "chars")
    if isinstance(raw, int):
        return _from_int(raw, str(raw), today)
    if isinstance(raw, float):
        return _from_float(raw, today)
    if isinstance(raw, Decimal) and raw.is_finite() and raw == raw.to_integral_value():
        return _from_int(int(raw), str(raw), today)
    return _from_text(str(raw), today)


def require_id(raw: object, *, today: date | None = None) -> str:
    """The normalised 18-character ID in ``raw``, or ``InputError`` saying what is wrong."""
    check = normalize_id(raw, today=today)
    if not check.ok:
        raise InputError(check.message or "身份证号不对")
    return check.value


def _from_int(n: int, raw: str, today: date) -> IdCheck:
    digits = str(n)
    if n < 0:
        return IdCheck(raw, digits, False, "chars")
    if _EXCEL_DIGITS < len(digits) <= 18 and (
        float(n) == n or not digits[_EXCEL_DIGITS:].strip("0")  # float ok: an Excel number, not money
    ):
        return IdCheck(raw, digits, False, "mangled")
    return _classify(digits, raw, today)


def _from_float(x: float, today: date) -> IdCheck:
    raw = repr(x)
    if not math.isfinite(x) or x != int(x) or x < 0:
        return IdCheck(raw, raw, False, "chars")
    digits = str(int(Decimal(raw)))  # 6.2242119601018e+17 -> 622421196010180000
    if _EXCEL_DIGITS < len(digits) <= 18:
        return IdCheck(raw, digits, False, "mangled")
    return _classify(digits, raw, today)


def _from_text(text: str, today: date) -> IdCheck:
    s = "".join(unicodedata.normalize("NFKC", text).split()).upper().replace("×", "X")
    s = s.removeprefix("'")
    if not s:
        return IdCheck(text, "", False, "empty")
    if _SCIENTIFIC.fullmatch(s):
        return IdCheck(text, s, False, "mangled")
    if m := _FLOAT_TEXT.fullmatch(s):  # "130503670401001.0": a number printed as text
        s = m[1]
        if _EXCEL_DIGITS < len(s) <= 18:
            return IdCheck(text, s, False, "mangled")
    return _classify(s, text, today)


def _classify(s: str, raw: str, today: date) -> IdCheck:
    """Check a cleaned string of digits (and maybe X); upgrade 15 digits to 18."""
    if not re.fullmatch(r"[0-9]*X?", s):
        return IdCheck(raw, s, False, "chars")
    if len(s) == 18:
        if not _birth_ok(s[6:14], today):
            return IdCheck(raw, s, False, "birthdate")
        if check_digit(s[:17]) != s[17]:
            return IdCheck(raw, s, False, "checksum")
        return IdCheck(raw, s, True, None)
    if len(s) == 15:
        if s.endswith("X"):
            return IdCheck(raw, s, False, "chars")
        if not _birth_ok("19" + s[6:12], today):
            return IdCheck(raw, s, False, "birthdate")
        return IdCheck(raw, upgrade_15(s), True, None, upgraded_from_15=True)
    return IdCheck(raw, s, False, "length")


def _parse_yyyymmdd(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _birth_ok(text: str, today: date) -> bool:
    born = _parse_yyyymmdd(text)
    return born is not None and _EARLIEST_BIRTH <= born <= today


# The first two digits: the province (GB/T 2260), and the codes of the residence permits of
# Hong Kong, Macao and Taiwan residents (81, 82, 83).  A number starting with anything else
# (00…, 99…) is no one's: a typing error the check character does not always catch.
PROVINCES: Final = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
    "21": "辽宁", "22": "吉林", "23": "黑龙江",
    "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东",
    "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
    "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
    "71": "台湾", "81": "香港", "82": "澳门", "83": "台湾",
}


def province(id_: str) -> str | None:
    """The province (or region) an ID number was issued in, from its first two digits;
    ``None`` when no province has that code."""
    return PROVINCES.get(id_[:2]) if isinstance(id_, str) else None


def check_digit(first17: str) -> str:
    """The GB 11643 check character ("0"-"9" or "X") for the first 17 digits."""
    if not isinstance(first17, str) or not re.fullmatch(r"[0-9]{17}", first17):
        raise ValueError(f"need 17 ASCII digits, got {first17!r}")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def upgrade_15(id15: str) -> str:
    """An old 15-digit number as 18: ``19`` goes before the 2-digit year, then a check."""
    if not _ID15.fullmatch(id15):
        raise ValueError(f"need 15 ASCII digits, got {id15!r}")
    first17 = id15[:6] + "19" + id15[6:]
    return first17 + check_digit(first17)


def is_valid(id18: str, *, today: date | None = None) -> bool:
    """True for a normalised 18-character ID (upper-case X) with a real birth date and
    the right check character.  Use :func:`normalize_id` for raw cell values."""
    if not isinstance(id18, str) or not _ID18.fullmatch(id18):
        return False
    return _birth_ok(id18[6:14], today or date.today()) and check_digit(id18[:17]) == id18[17]


def _shape(id_: str) -> str | None:
    """``id_`` stripped and upper-cased if it looks like an 18- or 15-character ID."""
    if not isinstance(id_, str):
        return None
    s = id_.strip().upper()
    return s if _ID18.fullmatch(s) or _ID15.fullmatch(s) else None


def birth_date(id_: str) -> date | None:
    """The birth date written in an 18- or 15-digit ID; ``None`` if there is no real one.

    The check character is not verified.
    """
    s = _shape(id_)
    if s is None:
        return None
    return _parse_yyyymmdd(s[6:14] if len(s) == 18 else "19" + s[6:12])


def sex(id_: str) -> Literal["男", "女"] | None:
    """``"男"`` if the sequence number is odd, ``"女"`` if even; ``None`` for a non-ID."""
    s = _shape(id_)
    if s is None:
        return None
    return "男" if int(s[16 if len(s) == 18 else 14]) % 2 else "女"


def age_on(id_: str, day: date) -> int | None:
    """Age in whole years (周岁) on ``day``; ``None`` without a birth date or before it.

    Someone born on 29 February turns a year older on 1 March in common years.
    """
    born = birth_date(id_)
    if born is None or day < born:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def mask_id(id_: str, keep_start: int = 6, keep_end: int = 4) -> str:
    """``"622421196010180921"`` → ``"622421********0921"``.

    A string too short to hide anything between the kept ends is masked completely.
    """
    if keep_start < 0 or keep_end < 0:
        raise ValueError("keep_start and keep_end must not be negative")
    n = len(id_)
    hidden = n - keep_start - keep_end
    if hidden <= 0:
        return "*" * n
    return id_[:keep_start] + "*" * hidden + id_[n - keep_end:]
