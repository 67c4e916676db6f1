"""``parse_yuan`` / ``format_yuan`` until the full ``app.domain.money`` lands.

TODO(money): delete this module and import from app.domain.money directly.
"""
from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.domain.errors import InputError

try:  # the final module (being written by someone else)
    from app.domain.money import format_yuan, parse_yuan  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - replaced when money.py lands
    def parse_yuan(value: object, *, unit: str = "元") -> int:
        """A yuan amount ("1234.5", "1,234.50", full-width, "元" suffix) as integer fen."""
        text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
        scale = 10_000 if unit == "万元" else 1
        for suffix, mult in (("万元", 10_000), ("万", 10_000), ("元", 1)):
            if text.endswith(suffix):
                text, scale = text[: -len(suffix)].strip(), mult
                break
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise InputError(f"金额不是数字：{value}") from None
        if not amount.is_finite():
            raise InputError(f"金额不是数字：{value}")
        return int((amount * scale * 100).quantize(Decimal("1"), ROUND_HALF_UP))

    def format_yuan(fen: int, *, thousands: bool = True) -> str:
        sign = "-" if fen < 0 else ""
        whole, cents = divmod(abs(fen), 100)
        return f"{sign}{whole:,}.{cents:02d}" if thousands else f"{sign}{whole}.{cents:02d}"

__all__ = ["format_yuan", "parse_yuan"]
