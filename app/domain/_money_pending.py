"""The parts of ``app.domain.money`` the agreements need, until the full module lands.

# TODO(money): use app.domain.money — once money.py provides ``parse_yuan``, ``format_yuan``,
# ``to_chinese_capital``, ``split_installments`` and ``allocate``, import them from there
# and delete this file.  The fallbacks below follow the same rules (PBOC rules for capitals;
# equal round installments with the rest on the last; buckets filled strictly in order).
"""
from __future__ import annotations

try:  # the real module, when it is there
    from app.domain.money import allocate, format_yuan, parse_yuan, split_installments, to_chinese_capital
except ImportError:  # pragma: no cover - exercised only on branches without the full money.py
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

    from app.domain.errors import InputError

    def parse_yuan(value: object, *, unit: str = "元") -> int:
        text = str(value).strip().replace(",", "").replace("，", "").removesuffix("元")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise InputError(f"金额不是数字：{value}") from None
        if not amount.is_finite():
            raise InputError(f"金额不是数字：{value}")
        scale = 10_000 if unit == "万元" else 1
        return int((amount * scale * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    _DIGITS = "零壹贰叁肆伍陆柒捌玖"
    _PLACES = ("", "拾", "佰", "仟")

    def format_yuan(fen: int, *, thousands: bool = True) -> str:
        sign = "-" if fen < 0 else ""
        whole, cents = divmod(abs(fen), 100)
        return f"{sign}{whole:,}.{cents:02d}" if thousands else f"{sign}{whole}.{cents:02d}"

    def _group(n: int) -> str:
        digits = [int(d) for d in str(n)]
        parts: list[str] = []
        zero = False
        for i, d in enumerate(digits):
            if d == 0:
                zero = True
                continue
            if zero:
                parts.append("零")
                zero = False
            parts.append(_DIGITS[d] + _PLACES[len(digits) - 1 - i])
        return "".join(parts)

    def _integer(n: int) -> str:
        for size, unit in ((10**8, "亿"), (10**4, "万")):
            if n >= size:
                high, low = divmod(n, size)
                text = _integer(high) + unit
                if low:
                    text += ("零" if low < size // 10 else "") + _integer(low)
                return text
        return _group(n)

    def to_chinese_capital(fen: int) -> str:
        if fen < 0:
            return "负" + to_chinese_capital(-fen)
        if fen == 0:
            return "零元整"
        yuan, cents = divmod(fen, 100)
        jiao, fen_digit = divmod(cents, 10)
        text = _integer(yuan) + "元" if yuan else ""
        if not cents:
            return text + "整"
        if jiao:
            text += _DIGITS[jiao] + "角"
        elif yuan:
            text += "零"
        if fen_digit:
            text += _DIGITS[fen_digit] + "分"
        return text

    def split_installments(total_fen: int, n: int, *, round_to: int = 100) -> list[int]:
        if n < 1:
            raise InputError(f"份数至少为1：{n}")
        if total_fen < 0:
            raise InputError("分期总额不能为负数")
        each = total_fen // n // round_to * round_to or total_fen // n
        return [each] * (n - 1) + [total_fen - each * (n - 1)]

    def allocate(amount_fen: int, buckets: list[int]) -> tuple[list[int], int]:
        if amount_fen < 0:
            raise InputError("还款金额不能为负数")
        paid: list[int] = []
        left = amount_fen
        for owed in buckets:
            part = min(left, max(owed, 0))
            paid.append(part)
            left -= part
        return paid, left

__all__ = ["allocate", "format_yuan", "parse_yuan", "split_installments", "to_chinese_capital"]
