"""Repayment plans (一户一策 / 一笔一策): installments, the order a payment pays the parts of a
debt, how payments fill installments, and whether an agreement is kept.

Plain Python, integer fen.  The invariants the tests hold:
* a plan's installments add up to its total exactly, to the fen;
* a payment is split into parts that add up to it, never more than each part owes;
* payments fill installments strictly in order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from app.domain.dates import add_months
from app.domain.errors import InputError
from app.domain.money import allocate, split_installments

FREQUENCY_NAMES = {"lump": "一次性还清", "monthly": "按月分期", "quarterly": "按季分期",
                   "custom": "按约定日期分期"}
PART_NAMES = {"penalty": "罚息", "interest": "利息", "principal": "本金"}
DEFAULT_ORDER = ("principal", "interest", "penalty")
MAX_INSTALLMENTS = 120


@dataclass(frozen=True)
class PlannedInstallment:
    no: int
    due: date
    amount_fen: int


# --------------------------------------------------------------------------- the plan

def parse_order(text: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``"penalty,interest,principal"`` (or 罚息,利息,本金) → a tuple of the three parts."""
    items = text.replace("，", ",").replace("、", ",").split(",") if isinstance(text, str) else list(text)
    by_name = {v: k for k, v in PART_NAMES.items()}
    parts = tuple(by_name.get(p.strip(), p.strip()) for p in items if p.strip())
    if sorted(parts) != sorted(PART_NAMES):
        raise InputError(f"还款抵偿顺序不对：{text}（应为罚息、利息、本金三项的一种排列，"
                         "如 penalty,interest,principal）")
    return parts


def order_text(order: tuple[str, ...] | str) -> str:
    """``("penalty", "interest", "principal")`` → ``"先罚息、再利息、后本金"``."""
    parts = parse_order(order) if isinstance(order, str) else order
    a, b, c = (PART_NAMES[p] for p in parts)
    return f"先{a}、再{b}、后{c}"


def due_dates(first_due: date, n: int, frequency: str) -> list[date]:
    """``n`` due dates from ``first_due``: a month or a quarter apart (same day of month,
    clamped to the month's end)."""
    step = {"lump": 0, "monthly": 1, "quarterly": 3}.get(frequency)
    if step is None:
        raise InputError(f"未知的还款频率：{frequency}（应为 lump、monthly、quarterly 或 custom）")
    if frequency == "lump" and n != 1:
        raise InputError("一次性还清只能有1期")
    return [add_months(first_due, step * i) for i in range(n)]


def make_plan(total_fen: int, *, n: int | None = None, first_due: date | None = None,
              frequency: str = "monthly", dates: list[date] | None = None,
              amounts: list[int | None] | None = None, round_to: int = 100) -> list[PlannedInstallment]:
    """The installments of a plan; they always add up to ``total_fen``.

    * dates: ``dates`` (the user picked them, e.g. after harvest), else ``n`` dates from
      ``first_due`` by ``frequency`` (``lump`` is one installment);
    * amounts: ``amounts`` typed by the user — at most one may be ``None``, meaning "the
      rest" — else equal amounts rounded down to ``round_to`` fen with the rest on the last.
    """
    if total_fen <= 0:
        raise InputError("应还金额为零，不需要还款计划")
    if dates:
        dates = list(dates)
        if n is not None and n != len(dates):
            raise InputError(f"期数（{n}）与还款日期的个数（{len(dates)}）不一致")
        n = len(dates)
    else:
        if first_due is None:
            raise InputError("请给出第一期还款日期")
        if frequency == "lump":
            n = 1 if n is None else n
        if n is None:
            n = len(amounts) if amounts else 1
        if frequency == "custom":
            raise InputError("按约定日期分期时，请逐期给出还款日期")
    if not 1 <= n <= MAX_INSTALLMENTS:
        raise InputError(f"期数应在1到{MAX_INSTALLMENTS}之间：{n}")
    if not dates:
        dates = due_dates(first_due, n, frequency)
    for i in range(1, n):
        if dates[i] <= dates[i - 1]:
            raise InputError(f"第{i + 1}期的还款日期（{dates[i]}）应晚于第{i}期（{dates[i - 1]}）")
    fen = _amounts(total_fen, n, amounts, round_to)
    return [PlannedInstallment(i + 1, d, a) for i, (d, a) in enumerate(zip(dates, fen))]


def _amounts(total_fen: int, n: int, amounts: list[int | None] | None, round_to: int) -> list[int]:
    if not amounts:
        return split_installments(total_fen, n, round_to=round_to)
    if len(amounts) != n:
        raise InputError(f"各期金额的个数（{len(amounts)}）与期数（{n}）不一致")
    blanks = [i for i, a in enumerate(amounts) if a is None]
    if len(blanks) > 1:
        raise InputError("只能有一期金额留空（取剩余金额）")
    typed = sum(a for a in amounts if a is not None)
    out = list(amounts)
    if blanks:
        out[blanks[0]] = total_fen - typed
    for i, a in enumerate(out):
        if a is None or a <= 0:
            raise InputError(f"第{i + 1}期金额必须大于零" + ("（其余各期已超过应还合计）" if i in blanks else ""))
    if sum(out) != total_fen:
        diff = sum(out) - total_fen
        raise InputError(f"各期金额合计与应还合计不符：{'多' if diff > 0 else '少'}"
                         f"{abs(diff) // 100}.{abs(diff) % 100:02d}元")
    return out  # type: ignore[return-value]


# --------------------------------------------------------------------------- spreading / paying

def spread(total_fen: int, weights: list[int]) -> list[int]:
    """Share ``total_fen`` in proportion to ``weights`` (largest remainder, ties to the first);
    the shares add up to ``total_fen`` and none exceeds its weight when total ≤ sum(weights)."""
    whole = sum(weights)
    if total_fen == 0 or whole <= 0:
        return [0] * len(weights)
    shares = [total_fen * w // whole for w in weights]
    rest = total_fen - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(total_fen * weights[i] % whole), i))
    for i in order[:rest]:
        shares[i] += 1
    return shares


@dataclass
class PartOwed:
    """What one loan still owes under an agreement, part by part (fen)."""

    key: str  # the loan's id
    principal: int = 0
    interest: int = 0
    penalty: int = 0

    def get(self, part: str) -> int:
        return getattr(self, part)


def split_payment(amount_fen: int, order: tuple[str, ...], owed: list[PartOwed]) -> tuple[list[PartOwed], int]:
    """Pay ``amount_fen`` into the parts in ``order``: the first part of every loan (loans in
    the given order), then the second part, and so on.  Returns what each loan got, part by
    part, and the leftover (an overpayment)."""
    buckets = [(i, part) for part in order for i in range(len(owed))]
    paid, leftover = allocate(amount_fen, [max(owed[i].get(part), 0) for i, part in buckets])
    out = [PartOwed(o.key) for o in owed]
    for (i, part), fen in zip(buckets, paid):
        setattr(out[i], part, getattr(out[i], part) + fen)
    return out, leftover


def fill_installments(paid_total_fen: int, amounts: list[int]) -> list[int]:
    """How much of each installment ``paid_total_fen`` covers, filling them in order."""
    filled: list[int] = []
    left = paid_total_fen
    for amount in amounts:
        part = min(left, amount)
        filled.append(max(part, 0))
        left -= max(part, 0)
    return filled


# --------------------------------------------------------------------------- kept or broken

@dataclass(frozen=True)
class Standing:
    """An agreement measured on a date: what is paid, what is late, whether it holds."""

    state: str                       # "fulfilled" | "broken" | "signed" (running)
    total_fen: int
    paid_fen: int
    overdue: list[int] = field(default_factory=list)   # installment nos past due, unpaid
    missed: list[int] = field(default_factory=list)    # … and past the grace period too
    next_no: int | None = None       # the first installment not fully paid
    next_due: date | None = None
    next_left_fen: int = 0
    arrears_fen: int = 0             # what is due by the date and not paid
    reduction_void: bool = False     # missed ≥ void_after_missed: the waiver no longer holds

    @property
    def remaining_fen(self) -> int:
        return self.total_fen - self.paid_fen


def standing(installments: list[tuple[int, date, int]], paid_total_fen: int, as_of: date, *,
             grace_days: int, void_after_missed: int) -> Standing:
    """Measure a signed agreement on ``as_of`` from what was paid by then.

    ``installments`` are (no, due, amount).  An installment is *overdue* once its due date
    has passed unpaid, and *missed* once more than ``grace_days`` have passed too; an
    agreement with a missed installment is broken (it returns to running if the arrears are
    paid).  All paid → fulfilled.
    """
    amounts = [a for _, _, a in installments]
    total = sum(amounts)
    filled = fill_installments(paid_total_fen, amounts)
    if paid_total_fen >= total:
        return Standing("fulfilled", total, total)
    overdue, missed = [], []
    arrears = 0
    next_no = next_due = None
    next_left = 0
    for (no, due, amount), got in zip(installments, filled):
        if got >= amount:
            continue
        if next_no is None:
            next_no, next_due, next_left = no, due, amount - got
        if due < as_of:
            overdue.append(no)
            arrears += amount - got
            if due + timedelta(days=grace_days) < as_of:
                missed.append(no)
    return Standing("broken" if missed else "signed", total, paid_total_fen, overdue, missed,
                    next_no, next_due, next_left, arrears,
                    reduction_void=bool(missed) and len(missed) >= max(void_after_missed, 1))
