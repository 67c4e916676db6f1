"""How figures read on screen: money "1,234.56", rates "12.73%", counts "2,754"."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def money(fen: int) -> str:
    """Yuan with thousands separators and two decimals.

    TODO(money): use app.domain.money.format_yuan once the full module lands.
    """
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def rate(value: Decimal) -> str:
    """A rate in [0, 1] as a percentage with two decimals."""
    return f"{(Decimal(value) * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def count(n: int) -> str:
    return f"{int(n):,}"


def day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
