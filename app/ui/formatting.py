"""How figures read on screen: money "1,234.56", rates "12.73%", counts "2,754"."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.domain.money import format_yuan


def money(fen: int) -> str:
    """Yuan with thousands separators and two decimals."""
    return format_yuan(int(fen))


def rate(value: Decimal) -> str:
    """A rate in [0, 1] as a percentage with two decimals."""
    return f"{(Decimal(value) * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def count(n: int) -> str:
    return f"{int(n):,}"


def day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
