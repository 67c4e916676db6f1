"""Numbers that cannot be true (issue 5a): each value of a row may be well formed and the row
still wrong — an ID number that slid into the balance column, a ledger in 万元 that says so
nowhere, a loan issued in 2105 or before its borrower was born.

Plain functions over rows already read (``LedgerRow`` in ``rows.py``); what they find becomes
a warning, a refused row or a question for the person importing.
"""
from __future__ import annotations

from datetime import date
from operator import attrgetter
from statistics import median_low
from typing import Callable, Mapping, Sequence

from app.domain.money import format_yuan

# No loan of the campaign was issued before 1950, none falls due 50 years after the ledger.
EARLIEST_LOAN_DATE = date(1950, 1, 1)
DUE_YEARS_AHEAD = 50
# A balance this many times the amount lent is not that loan's balance.
FAR_ABOVE_LENT = 10
# A balance this many times the sheet's typical one (its median) is warned about, and from
# REFUSE_TIMES_TYPICAL on refused: an ID, phone or loan number in the balance column.
WARN_TIMES_TYPICAL = 1_000
REFUSE_TIMES_TYPICAL = 10_000
TYPICAL_FROM = 5              # loans a sheet needs for its median to say what is typical
# A sheet that does not say its unit, where nearly every balance is below this many yuan.
SMALL_YUAN = 1_000
NEARLY_ALL = 0.9


def birth_of(id_number: str | None) -> date | None:
    if not id_number or len(id_number) != 18:
        return None
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def date_problem(field: str, day: date, *, as_of: date, born: date | None) -> tuple[str, str] | None:
    """(warning code, why) for a date that cannot be true, or None."""
    if day < EARLIEST_LOAN_DATE:
        return "date_implausible", f"早于{EARLIEST_LOAN_DATE.year}年"
    if field == "issue_date" and day > as_of:
        return "date_implausible", f"晚于台账的数据日期 {as_of.isoformat()}"
    if day.year > as_of.year + DUE_YEARS_AHEAD:
        return "date_implausible", f"比台账的数据日期晚了 {day.year - as_of.year} 年"
    if born is not None and day < born:
        return "date_before_birth", f"早于借款人的出生日期 {born.isoformat()}（按身份证号）"
    return None


def implausible_dates(rows: Sequence, *, as_of: date) -> list[tuple[object, str, str, str]]:
    """``(row, warning code, field, why)`` for each date of ``rows`` that cannot be true.

    Only rows that may be wrong are looked at closely: every row when the sheet's earliest
    or latest date is out of bounds, else the borrowers born after its earliest date (a
    ledger of 100,000 loans takes some 30 ms)."""
    found: list[tuple[object, str, str, str]] = []
    due_until = date(min(as_of.year + DUE_YEARS_AHEAD, 9999), 12, 31)
    fields = []
    for field, latest in (("issue_date", as_of), ("due_date", due_until)):
        days = [d for d in map(attrgetter(field), rows) if d is not None]
        if days:
            first = min(days)
            fields.append((field, first, first < EARLIEST_LOAN_DATE or max(days) > latest))
    if not fields:
        return found
    # Only a borrower born after the sheet's earliest date can have been born after theirs.
    key = f"{min(first for _f, first, _out in fields):%Y%m%d}"
    young = [r for r in rows if r.id_ok and r.id_number[6:14] > key]
    for field, _first, out_of_bounds in fields:
        for r in rows if out_of_bounds else young:
            day = getattr(r, field)
            if day is not None:
                problem = date_problem(field, day, as_of=as_of, born=birth_of(r.id_number) if r.id_ok else None)
                if problem:
                    found.append((r, problem[0], field, problem[1]))
    return found


def _yuan(fen: int) -> str:
    return f"{format_yuan(fen)} 元"


def balance_verdicts(rows: Sequence) -> tuple[list[tuple[object, str, str]], list[str]]:
    """What is wrong with the balances of one sheet's rows: ``(row, code, message)`` with
    code ``refuse`` (the row is not imported), ``balance_outlier`` or ``balance_above_lent``
    (warnings); and notes for the sheet.  When most loans owe far more than was lent, one
    note says so instead of a warning per row (two columns with different units)."""
    out: list[tuple[object, str, str]] = []
    notes: list[str] = []
    positive = [r.balance_fen for r in rows if r.balance_fen > 0]
    step = max(1, len(positive) // 10_000)   # the median of a sample is typical enough
    typical = median_low(positive[::step]) if len(positive) >= TYPICAL_FROM else 0
    outliers = set()
    if typical and max(positive) >= WARN_TIMES_TYPICAL * typical:
        for r in rows:
            times = r.balance_fen // typical
            if times >= REFUSE_TIMES_TYPICAL:
                out.append((r, "refuse", f"贷款余额 {_yuan(r.balance_fen)}是这张表一般贷款（中位数 {_yuan(typical)}）的 "
                                         f"{times:,} 倍，不可能是一笔贷款的余额：可能是身份证号、电话或借据号填进了余额一栏"))
                outliers.add(id(r))
            elif times >= WARN_TIMES_TYPICAL:
                out.append((r, "balance_outlier", f"贷款余额 {_yuan(r.balance_fen)}是这张表一般贷款（中位数 "
                                                  f"{_yuan(typical)}）的 {times:,} 倍，请与银行核对"))
                outliers.add(id(r))
    far = [r for r in rows if r.principal_fen and r.balance_fen > FAR_ABOVE_LENT * r.principal_fen > 0
           and id(r) not in outliers]
    if not far:
        return out, notes
    lent = sum(1 for r in rows if r.principal_fen and r.principal_fen > 0 and id(r) not in outliers)
    if len(far) * 2 > lent:
        notes.append(f"{len(far)} 笔贷款的余额是贷款金额的{FAR_ABOVE_LENT}倍以上：请确认“贷款余额”和“贷款金额”两列的单位"
                     "（元 / 万元）是否一样")
    else:
        out += [(r, "balance_above_lent", f"贷款余额 {_yuan(r.balance_fen)}是贷款金额 {_yuan(r.principal_fen)}的 "
                                          f"{r.balance_fen // r.principal_fen:,} 倍，请与银行核对") for r in far]
    return out, notes


History = Callable[[Sequence[str]], Mapping[str, int]]   # loan numbers → balance this computer holds


def unit_question(rows: Sequence, *, unit: str, principal_unit: str | None, history: History | None) -> str | None:
    """Why a sheet whose unit is not stated looks like it is in 万元 after all (read as
    元, nearly every balance is below 1,000 元 while the amounts lent, or what this
    computer holds of the same loans, say 万), or None."""
    if unit != "元":
        return None
    balances = [r.balance_fen for r in rows if r.balance_fen > 0]
    small = [b for b in balances if b < SMALL_YUAN * 100]
    if len(balances) < 3 or len(small) < NEARLY_ALL * len(balances):
        return None
    typical = median_low(balances)
    lent = [r.principal_fen for r in rows if r.principal_fen]
    said = None
    if principal_unit == "万元":
        said = "而“贷款金额”一栏注明是万元"
    elif lent and sum(p < SMALL_YUAN * 100 for p in lent) >= NEARLY_ALL * len(lent):
        said = f"贷款金额也几乎都不到 {SMALL_YUAN:,} 元"
    elif lent:
        return None   # amounts lent in the thousands: small balances are what is left to pay
    if said is None and history is not None:
        known = history([r.loan_no for r in rows if r.balance_fen > 0][:2000])
        ratios = sorted(known[r.loan_no] / r.balance_fen for r in rows
                        if r.balance_fen > 0 and known.get(r.loan_no))
        if ratios and 1_000 <= ratios[len(ratios) // 2] <= 100_000:
            said = "而本系统里这些贷款上次的余额大约是这里的一万倍"
        elif ratios:
            return None   # the same loans had such balances before
    said = said or "一笔农户贷款很少这么小"
    return (f"金额没有注明单位：按元读，贷款余额几乎都不到 {SMALL_YUAN:,} 元（一般是 {format_yuan(typical)} 元），{said}，"
            "像是以万元为单位")
