"""Money: amounts are integer fen (1 元 = 100 分) everywhere in the program.

Nothing here does float arithmetic.  Values read from spreadsheets arrive as ``int``,
``float``, ``Decimal`` or text; :func:`parse_yuan` turns any of them into fen, rounding
half-up to the fen.  A float is taken as the decimal number Python prints for it
(``repr``), which is what the user saw in the cell: ``1234.56`` is 123456 fen and
``0.1 + 0.2`` (``0.30000000000000004``) is 30 fen.

Formatting: :func:`format_yuan` for people (``1,234.50``), :func:`yuan_str` for JSON and
files (``1234.50``), :func:`to_chinese_capital` for printed forms (``壹仟贰佰叁拾肆元伍角``).
"""
from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Final

from app.domain.errors import InputError

FEN_PER_YUAN: Final = 100
UNITS: Final[dict[str, int]] = {"元": 1, "万元": 10_000}

# Amounts at or above this many yuan are refused as nonsense (and keep Decimal bounded).
MAX_YUAN: Final = 10**14

_CTX: Final = Context(prec=60, rounding=ROUND_HALF_UP)
_CURRENCY_PREFIXES: Final = ("人民币", "RMB", "¥")
_SUFFIXES: Final = (("万元", 10_000), ("万", 10_000), ("元", 1))
_NUMBER: Final = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+")
_SCIENTIFIC: Final = re.compile(r"[0-9.]+[eE][+-]?[0-9]+")
_MINUS_SIGNS: Final = str.maketrans({"−": "-", "–": "-", "﹣": "-"})


# --------------------------------------------------------------------------- parsing


def parse_yuan(value: object, *, unit: str = "元") -> int:
    """Return the amount in ``value`` as integer fen, rounded half-up.

    ``unit`` is the unit of a bare number: ``"元"`` or ``"万元"`` (a column headed
    "金额（万元）").  Text that names its own unit (``"3万"``, ``"12.5万元"``, ``"800元"``)
    uses that unit instead.  Text may carry thousands separators (``,`` or ``，``),
    full-width digits, spaces, a ``¥``/``￥``/``人民币`` prefix, a sign, or accounting
    parentheses for a negative.  Negative amounts are returned; the caller decides.

    Raises ``InputError`` for empty values (``金额为空``), text that is not a number,
    ``bool``, NaN/infinity, and absurdly large amounts.
    """
    scale = _unit_scale(unit)
    if value is None:
        raise InputError("金额为空")
    if isinstance(value, bool):
        raise InputError(f"金额不是数字：{value}")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))  # the shortest decimal that reads back as this float
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        amount, scale = _parse_text(value, default_scale=scale)
    else:
        raise InputError(f"金额不是数字：{value}")
    return _to_fen(amount, scale, shown=value)


def parse_yuan_or_none(value: object, unit: str = "元") -> int | None:
    """Like :func:`parse_yuan` but an empty cell (``None`` or blank text) gives ``None``."""
    if value is None or (isinstance(value, str) and not _compact(value)):
        return None
    return parse_yuan(value, unit=unit)


def parse_typed_yuan(text: str, what: str = "金额") -> int:
    """An amount a person typed in yuan: like :func:`parse_yuan`, but more than two decimals
    (``10.001``) is refused rather than rounded, since the person meant something exact.
    Messages start with ``what`` (e.g. ``还款金额``)."""
    try:
        fen = parse_yuan(text)
    except InputError as exc:
        raise InputError(f"{what}：{exc}") from None
    check_fen_places(text, what)
    return fen


def parse_field_fen(text: str, what: str = "金额") -> int | None:
    """What a person typed in a money field, in fen; None when blank.  Refused (``InputError``,
    starting with ``what``): text that is not money, finer than a fen, or negative."""
    try:
        value = parse_yuan_or_none(text)
    except InputError:
        raise InputError(f"{what}不是金额：{text.strip()}") from None
    if value is not None:
        check_fen_places(text, what)
    if value is not None and value < 0:
        raise InputError(f"{what}不能为负数")
    return value


def check_fen_places(text: str, what: str = "金额") -> None:
    """Refuse typed text finer than a fen: ``10.001`` (元), ``3.0000001万``."""
    body, places = _compact(str(text)).removesuffix("元"), 2
    if body.endswith("万"):          # 3.0001万 is 30001 元: six places of 万 are still fen
        body, places = body[:-1], 6
    decimals = body.partition(".")[2]
    if len(decimals.rstrip("0")) > places:
        raise InputError(f"{what}最多精确到分：{str(text).strip()}")


def _unit_scale(unit: str) -> int:
    try:
        return UNITS[unit]
    except KeyError:
        raise ValueError(f"unknown money unit {unit!r}; expected one of {list(UNITS)}") from None


def _compact(text: str) -> str:
    """Full-width to half-width, odd minus signs to ``-``, all whitespace removed."""
    text = unicodedata.normalize("NFKC", text).translate(_MINUS_SIGNS)
    return "".join(text.split())


def _parse_text(text: str, *, default_scale: int) -> tuple[Decimal, int]:
    """Split amount text into its number and its scale (1 for 元, 10000 for 万元)."""
    s = _compact(text)
    if not s:
        raise InputError("金额为空")
    shown = text.strip()
    negative = False
    if len(s) > 2 and s[0] == "(" and s[-1] == ")":
        negative, s = True, s[1:-1]
    s, sign = _take_sign(s)
    for prefix in _CURRENCY_PREFIXES:
        if s.upper().startswith(prefix):
            s = s[len(prefix):]
            break
    if sign is None:
        s, sign = _take_sign(s)
    scale = default_scale
    for suffix, suffix_scale in _SUFFIXES:
        if s.endswith(suffix):
            s, scale = s[: -len(suffix)], suffix_scale
            break
    if _SCIENTIFIC.fullmatch(s):
        raise InputError(f"金额是科学计数法，可能已丢失位数：{shown}")
    if not _NUMBER.fullmatch(s) or (negative and sign is not None):
        raise InputError(f"金额不是数字：{shown}")
    amount = Decimal(s.replace(",", ""))
    if negative != (sign == "-"):
        amount = -amount
    return amount, scale


def _take_sign(s: str) -> tuple[str, str | None]:
    if s[:1] in ("+", "-"):
        return s[1:], s[0]
    return s, None


def _to_fen(amount: Decimal, scale: int, *, shown: object) -> int:
    if not amount.is_finite():
        raise InputError(f"金额不是数字：{shown}")
    if abs(amount) >= MAX_YUAN // scale:  # exact comparison, before any rounding
        raise InputError(f"金额过大：{shown}")
    fen = _CTX.multiply(amount, Decimal(scale * FEN_PER_YUAN))
    return int(fen.quantize(Decimal(1), rounding=ROUND_HALF_UP, context=_CTX))


# --------------------------------------------------------------------------- formatting


def _check_fen(fen: int) -> None:
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"money must be integer fen, got {type(fen).__name__}: {fen!r}")


def fen_to_decimal(fen: int) -> Decimal:
    """``123456`` → ``Decimal("1234.56")`` (always two decimal places, exact)."""
    _check_fen(fen)
    return Decimal(f"{fen}e-2")


def yuan_str(fen: int) -> str:
    """Plain decimal yuan for JSON and files: ``123456`` → ``"1234.50"``, ``-5`` → ``"-0.05"``."""
    _check_fen(fen)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{cents:02d}"


def format_yuan(fen: int, *, thousands: bool = True) -> str:
    """Yuan for people: ``123450`` → ``"1,234.50"``; ``-123450`` → ``"-1,234.50"``."""
    _check_fen(fen)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{cents:02d}" if thousands else f"{sign}{whole}.{cents:02d}"


def fen_to_wan(fen: int) -> Decimal:
    """万元 with two decimals, rounded half up from the fen: ``11_791_450`` (117,914.50 元) → ``Decimal("11.79")``."""
    _check_fen(fen)
    return (Decimal(fen) / Decimal(1_000_000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def percent(part_fen: int, whole_fen: int, places: int = 1) -> Decimal:
    """``part`` as a percentage of ``whole``, rounded half up once from the exact fraction
    (not from a rate already rounded): ``percent(1, 8)`` → ``Decimal("12.5")``; 0 when
    ``whole`` is not positive."""
    _check_fen(part_fen)
    _check_fen(whole_fen)
    step = Decimal(1).scaleb(-places)
    if whole_fen <= 0:
        return Decimal(0).quantize(step)
    return (Decimal(part_fen) * 100 / Decimal(whole_fen)).quantize(step, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- 大写金额

_DIGITS: Final = "零壹贰叁肆伍陆柒捌玖"
_PLACES: Final = ("", "拾", "佰", "仟")


def to_chinese_capital(fen: int) -> str:
    """The amount in Chinese capitals (大写金额) as written on bank forms.

    Follows the PBOC rules for filling in bills (《正确填写票据和结算凭证的基本规定》):

    * whole yuan end with ``元整``: ``100`` → ``壹元整``; zero is ``零元整``;
    * an amount ending at 角 has no ``整``: ``120`` → ``壹元贰角``;
    * an amount with 分 has no ``整``; a zero 角 between 元 and 分 is written ``零``:
      ``105`` → ``壹元零伍分``;
    * under one yuan there is no 元 part: ``25`` → ``贰角伍分``, ``5`` → ``伍分``;
    * a run of zeros inside the yuan figure is one ``零``; no ``零`` right before 万, 亿
      or 元, and none after 元 when 角 is not zero (``1,680.32`` → ``壹仟陆佰捌拾元叁角贰分``);
    * ``壹拾`` is kept (``壹拾元整``, ``壹拾万元整``);
    * 万亿 is read as 万 of 亿 (``壹万亿元整``, ``壹万零壹亿元整``);
    * negative amounts get a ``负`` prefix.
    """
    _check_fen(fen)
    if fen < 0:
        return "负" + to_chinese_capital(-fen)
    yuan, cents = divmod(fen, FEN_PER_YUAN)
    jiao, fen_digit = divmod(cents, 10)
    if fen == 0:
        return "零元整"
    text = _integer_capital(yuan) + "元" if yuan else ""
    if jiao == 0 and fen_digit == 0:
        return text + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen_digit:
        text += _DIGITS[fen_digit] + "分"
    return text


def _integer_capital(n: int) -> str:
    """A positive integer in capitals: groups of 亿 and 万, zero runs read as one 零."""
    for size, unit in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            high, low = divmod(n, size)
            text = _integer_capital(high) + unit
            if low:
                text += ("零" if low < size // 10 else "") + _integer_capital(low)
            return text
    return _group_capital(n)


def _group_capital(n: int) -> str:
    """1..9999 in capitals; inner zero runs become one 零, trailing zeros vanish."""
    digits = [int(d) for d in str(n)]
    parts: list[str] = []
    pending_zero = False
    for i, d in enumerate(digits):
        if d == 0:
            pending_zero = True
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(_DIGITS[d] + _PLACES[len(digits) - 1 - i])
    return "".join(parts)


# --------------------------------------------------------------------------- splitting


def split_evenly(total_fen: int, n: int) -> list[int]:
    """``n`` parts summing to ``total_fen``, differing by at most one fen; larger ones first.

    A negative total splits as the negation of the positive split.
    """
    _check_fen(total_fen)
    _check_count(n)
    if total_fen < 0:
        return [-part for part in split_evenly(-total_fen, n)]
    base, extra = divmod(total_fen, n)
    return [base + 1] * extra + [base] * (n - extra)


def split_installments(total_fen: int, n: int, *, round_to: int = 100) -> list[int]:
    """Installments the way banks write them: equal round amounts, the rest on the last.

    The first ``n - 1`` installments are ``total / n`` rounded *down* to a multiple of
    ``round_to`` fen (whole yuan by default; ``round_to=1`` for fen); the last takes the
    rest, so it is never smaller than the others.  When rounding down would make the
    equal installments zero (a total under ``n × round_to``), it falls back to fen:
    ``total // n`` each and the remainder on the last.  The sum is always ``total_fen``.
    """
    _check_fen(total_fen)
    _check_count(n)
    if isinstance(round_to, bool) or not isinstance(round_to, int) or round_to < 1:
        raise ValueError(f"round_to must be a positive integer of fen, got {round_to!r}")
    if total_fen < 0:
        raise InputError(f"分期总额不能为负数：{yuan_str(total_fen)}元")
    each = total_fen // n // round_to * round_to
    if each == 0:
        each = total_fen // n
    return [each] * (n - 1) + [total_fen - each * (n - 1)]


def _check_count(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"the number of parts must be an int, got {n!r}")
    if n < 1:
        raise InputError(f"份数至少为1：{n}")


# --------------------------------------------------------------------------- allocating


def allocate(amount_fen: int, buckets: list[int]) -> tuple[list[int], int]:
    """Pay ``amount_fen`` into ``buckets`` (amounts owed) strictly in order.

    Each bucket is filled completely before the next gets anything (e.g. penalty, then
    interest, then principal).  Returns ``(paid_per_bucket, leftover)``: ``paid`` has one
    entry per bucket, and ``sum(paid) + leftover == amount_fen``; ``leftover`` is what
    is left once every bucket is full (an overpayment).
    """
    _check_fen(amount_fen)
    if amount_fen < 0:
        raise InputError(f"还款金额不能为负数：{yuan_str(amount_fen)}元")
    paid: list[int] = []
    left = amount_fen
    for owed in buckets:
        _check_fen(owed)
        if owed < 0:
            raise InputError(f"应还金额不能为负数：{yuan_str(owed)}元")
        part = min(left, owed)
        paid.append(part)
        left -= part
    return paid, left
