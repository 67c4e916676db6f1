"""Interest and penalty interest (罚息) on an overdue loan: simple interest, actual days / 360.

The rules, stated the same way on every printed form (``BASIS_TEXT``):

* simple interest, no compounding (不计复利);
* daily rate = annual rate / 360 (日利率 = 年利率 ÷ 360), counted over actual calendar days;
* a day before the loan's due date earns interest at the contract rate; a day on or after it
  earns penalty interest (罚息) at the penalty rate, which by default is the contract rate
  plus 50%;
* interest runs on the principal balance of each day, so a principal repayment lowers it
  from the day it was paid;
* a loan whose interest is suspended (停息挂账, e.g. the borrower is in prison) accrues nothing.

Rates are annual, in millionths (8.64% = 86_400 ppm).  Amounts are integer fen; each total
is rounded half-up to the fen once, at the end (no rounding per day).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Iterable

from app.domain.errors import InputError

PPM = 1_000_000
DAY_BASIS = 360
DEFAULT_RATE_PPM = 86_400           # 8.64% a year, when the contract rate is unknown
DEFAULT_PENALTY_MARKUP_PPM = 500_000  # penalty rate = contract rate × (1 + 50%)

BASIS_TEXT = (f"单利计算，不计复利；日利率 = 年利率 ÷ {DAY_BASIS}，按实际天数计息；"
              "到期日前按合同利率计利息，到期日起按罚息利率计罚息")


@dataclass(frozen=True)
class Accrual:
    """What a loan earned over a period: interest before its due date, penalty after."""

    interest_fen: int = 0
    penalty_fen: int = 0
    interest_days: int = 0
    penalty_days: int = 0


def penalty_rate(rate_ppm: int, markup_ppm: int = DEFAULT_PENALTY_MARKUP_PPM) -> int:
    """The penalty rate for a contract rate: ``rate × (1 + markup)``, to the ppm, half-up."""
    return _div_half_up(rate_ppm * (PPM + markup_ppm), PPM)


def accrue(balance_fen: int, start: date, end: date, *, rate_ppm: int, penalty_rate_ppm: int,
           due_date: date | None = None, principal_paid: Iterable[tuple[date, int]] = (),
           suspended: bool = False) -> Accrual:
    """Interest and penalty on ``balance_fen`` (the balance on ``start``) for days [start, end).

    ``principal_paid`` lists principal repayments (date, fen) made after ``start``: the
    balance drops by each from its date on.  ``due_date`` None means the loan is taken as
    overdue for the whole period (an NPL without a known due date).
    """
    if end <= start or suspended or balance_fen <= 0:
        return Accrual()
    cuts = sorted((d, fen) for d, fen in principal_paid if start < d < end)
    interest_num = penalty_num = 0
    interest_days = penalty_days = 0
    balance = balance_fen
    t0 = start
    for t1, paid in [*cuts, (end, 0)]:
        split = min(max(due_date, t0), t1) if due_date is not None else t0
        before, after = (split - t0).days, (t1 - split).days
        if balance > 0:
            interest_num += balance * rate_ppm * before
            penalty_num += balance * penalty_rate_ppm * after
            interest_days += before
            penalty_days += after
        balance -= paid
        t0 = t1
    den = PPM * DAY_BASIS
    return Accrual(_div_half_up(interest_num, den), _div_half_up(penalty_num, den),
                   interest_days, penalty_days)


def _div_half_up(num: int, den: int) -> int:
    """``num / den`` rounded half-up (away from zero), exactly, for non-negative ``den``."""
    q, r = divmod(abs(num), den)
    q += 1 if 2 * r >= den else 0
    return q if num >= 0 else -q


# --------------------------------------------------------------------------- rates as text

def parse_rate(text: str | int | float | Decimal, *, what: str = "利率") -> int:
    """An annual rate typed by a person, in ppm: ``"8.64%"`` or ``"0.0864"`` → 86_400.

    A bare number is a fraction in [0, 1] (as the command line prints rates); a number with
    ``%`` is a percentage.  Anything else, or a rate above 100%, is refused.
    """
    raw = str(text).strip().replace("％", "%")
    percent = raw.endswith("%")
    number = raw[:-1].strip() if percent else raw
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise InputError(f"{what}不是数字：{text}（应写成 0.0864 或 8.64%）") from None
    if not value.is_finite() or value < 0:
        raise InputError(f"{what}不对：{text}")
    if percent:
        value /= 100
    if value > 1:
        raise InputError(f"{what}超过100%：{text}（年利率8.64%应写成 0.0864 或 8.64%）")
    return int((value * PPM).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_field_rate(text: str, what: str) -> int | None:
    """An annual rate typed in a percent field ("8.64" or "8.64%"), in ppm; None when blank."""
    raw = text.strip().replace("％", "%")
    if not raw:
        return None
    return parse_rate(raw if raw.endswith("%") else raw + "%", what=what)


def format_rate(ppm: int | None) -> str:
    """``86_400`` → ``"8.64%"``; ``None`` → ``"—"``."""
    if ppm is None:
        return "—"
    text = f"{Decimal(ppm) / 10_000:.4f}".rstrip("0").rstrip(".")
    return f"{text}%"


def rate_fraction(ppm: int) -> Decimal:
    """The rate as a fraction rounded to 4 decimals (the command line's JSON rates)."""
    return (Decimal(ppm) / PPM).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
