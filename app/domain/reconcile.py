"""对账 (reconciliation): loan by loan, the principal the township recorded against the drops of the
bank's balance between its ledgers, as plain data (filled by app.services.reporting.reconcile, written by
app.reports.reconcile_xlsx).

A loan's **readings** are the balances its ledgers gave, one per date (two ledgers of one date: the
later import's, as app.db.bank_recovery takes them), from the day the loan entered the task list
on (an older ledger read late is history from before the task and is not checked).  The task
amount is the balance before the first reading, so a loan with one reading is checked too.  Each
**interval** runs from one reading (or the task amount) to the next, ``(dᵢ₋₁, dᵢ]``:

* the bank's drop is ``balanceᵢ₋₁ − balanceᵢ`` (the first: ``task − balance₁``);
* the township's record is the principal of its own repayments (not the bank's derived rows, not
  voided ones) dated in the interval — the first interval takes every one up to ``d₁``, as the
  bank's reported recovery counts them (a repayment dated on a ledger's date is taken to be in it).

An interval where the two differ is a **difference**, one row per interval (what a person checks is
one ledger period of one loan): ``recorded_not_in_bank`` (recorded, the balance did not drop),
``in_bank_not_recorded`` (it dropped, nothing recorded), ``amounts_differ`` (both, unequal),
``balance_rose`` (the balance went up).  Each row also carries the loan's cumulative difference at
its last reading: 0 means the totals agree and the rows are only a matter of dates (the bank booked
the money in another period than the township dated it).  Repayments dated after a loan's last
reading cannot be checked yet: they are **pending**, per loan, not differences.  Loans with no
reading are counted, not checked.  Amounts are integer fen; a difference is recorded − drop.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable

from app.domain import pinyin
from app.domain.money import format_yuan, yuan_str

RECORDED_NOT_IN_BANK = "recorded_not_in_bank"
IN_BANK_NOT_RECORDED = "in_bank_not_recorded"
AMOUNTS_DIFFER = "amounts_differ"
BALANCE_ROSE = "balance_rose"
KINDS = (RECORDED_NOT_IN_BANK, IN_BANK_NOT_RECORDED, AMOUNTS_DIFFER, BALANCE_ROSE)

KIND_NAMES = {
    RECORDED_NOT_IN_BANK: "乡镇有记录、台账未减少",
    IN_BANK_NOT_RECORDED: "台账减少、乡镇无记录",
    AMOUNTS_DIFFER: "金额不符",
    BALANCE_ROSE: "台账余额上升",
}
CHECKS = {
    RECORDED_NOT_IN_BANK: "乡镇登记了还款，这一期银行台账余额没有减少：核对这笔钱是否已交到银行（收据、转账凭证），"
                          "还款日期、借据号、金额是否登记对了；登记错了的请冲正",
    IN_BANK_NOT_RECORDED: "银行台账余额减少了，乡镇没有登记还款：向银行核实是谁、怎样还的（借款人到银行自还、"
                          "以物抵债、核销、借新还旧），确是还款的补登记；台账有误的请银行更正",
    AMOUNTS_DIFFER: "乡镇登记的本金与银行台账余额的减少不相等：核对还款金额、本金与利息的划分，"
                    "是否漏登、多登或重复登记了一笔",
    BALANCE_ROSE: "银行台账余额比上一期（或任务金额）高：请银行说明（更正了前期台账、利息转入本金、"
                  "借据号对错了贷款）；这一期乡镇登记的还款一并核对",
}
TIMING = "（该笔贷款至最近一期台账 {last} 累计已对上：多半是银行入账与乡镇登记的还款日期不在同一期，核对还款日期即可）"
FROM_TASK = "任务金额"   # what the first interval starts from
SOURCE_NOTE = "差额 = 乡镇登记的本金 − 银行台账余额的减少；第一期从任务金额算起"


@dataclass(frozen=True)
class Reading:
    on: date
    balance_fen: int


@dataclass(frozen=True)
class Paid:
    on: date
    principal_fen: int


@dataclass(frozen=True)
class LoanFacts:
    """What reconciling one loan needs: who it is, its task, its readings and its township's repayments."""

    loan_no: str
    township: str
    village: str
    household: str
    task_fen: int
    task_date: date
    readings: tuple[Reading, ...]      # one per date (latest_per_day), any order
    paid: tuple[Paid, ...] = ()        # the township's own principal, not voided, any order


@dataclass(frozen=True)
class Interval:
    start: date | None                  # None: from the task amount
    end: date
    recorded_fen: int
    drop_fen: int

    @property
    def kind(self) -> str | None:
        if self.drop_fen < 0:
            return BALANCE_ROSE
        if self.recorded_fen == self.drop_fen:
            return None
        if self.drop_fen == 0:
            return RECORDED_NOT_IN_BANK
        return IN_BANK_NOT_RECORDED if self.recorded_fen == 0 else AMOUNTS_DIFFER


@dataclass(frozen=True)
class Difference:
    loan_no: str
    township: str
    village: str
    household: str
    start: date | None
    end: date
    recorded_fen: int
    drop_fen: int
    kind: str
    last_ledger: date                   # the loan's last reading
    loan_difference_fen: int            # recorded − drop over all the loan's intervals

    @property
    def difference_fen(self) -> int:
        return self.recorded_fen - self.drop_fen

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]

    @property
    def check(self) -> str:
        timing = self.loan_difference_fen == 0 and self.kind != BALANCE_ROSE
        return CHECKS[self.kind] + (TIMING.format(last=self.last_ledger.isoformat()) if timing else "")

    def to_json(self) -> dict[str, Any]:
        return {"loan": self.loan_no, "kind": self.kind, "township_recorded": yuan_str(self.recorded_fen),
                "bank_reported": yuan_str(self.drop_fen), "difference": yuan_str(self.difference_fen),
                "from": self.start.isoformat() if self.start else None, "to": self.end.isoformat(),
                "township": self.township, "village": self.village, "household": self.household,
                "loan_difference": yuan_str(self.loan_difference_fen)}


@dataclass(frozen=True)
class Pending:
    """A loan's township repayments dated after its last reading: checked when the next ledger comes."""

    loan_no: str
    township: str
    village: str
    household: str
    last_ledger: date
    repayments: int
    principal_fen: int
    first: date
    last: date

    def to_json(self) -> dict[str, Any]:
        return {"loan": self.loan_no, "township": self.township, "last_ledger": self.last_ledger.isoformat(),
                "repayments": self.repayments, "township_recorded": yuan_str(self.principal_fen),
                "first": self.first.isoformat(), "last": self.last.isoformat()}


@dataclass
class TownshipLine:
    """One township's figures (or the totals): loans, the amounts of every checked interval, and the
    differences of each kind (how many, and recorded − drop added up)."""

    name: str
    loans_checked: int = 0
    loans_differing: int = 0
    loans_without_ledger: int = 0
    recorded_fen: int = 0
    drop_fen: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    amounts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    pending_loans: int = 0
    pending_fen: int = 0

    @property
    def difference_fen(self) -> int:
        return self.recorded_fen - self.drop_fen

    @property
    def differences(self) -> int:
        return sum(self.counts.values())

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "loans_checked": self.loans_checked, "loans_differing": self.loans_differing,
                "loans_without_ledger": self.loans_without_ledger, "township_recorded": yuan_str(self.recorded_fen),
                "bank_reported": yuan_str(self.drop_fen), "difference": yuan_str(self.difference_fen),
                "kinds": {k: {"count": self.counts[k], "difference": yuan_str(self.amounts[k])} for k in KINDS},
                "pending_loans": self.pending_loans, "pending": yuan_str(self.pending_fen)}


@dataclass
class Reconciliation:
    scope: str                           # the database's unit, or the township asked for
    townships: list[TownshipLine]        # pinyin order
    total: TownshipLine
    differences: list[Difference]        # by township, village, household, loan, date
    pending: list[Pending]
    made_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))

    @property
    def title(self) -> str:
        return f"{self.scope}不良贷款对账表"

    @property
    def loans_checked(self) -> int:
        return self.total.loans_checked

    def sentence(self) -> str:
        """What it found, in one line (the command line and the window say the same)."""
        t = self.total
        kinds = "，".join(f"{KIND_NAMES[k]} {t.counts[k]:,} 处" for k in KINDS if t.counts[k])
        found = f"有差异的 {t.loans_differing:,} 笔、共 {t.differences:,} 处（{kinds}）" if t.differences else "没有差异"
        later = (f"；{t.pending_loans:,} 笔贷款有最近一期台账之后登记的还款 {format_yuan(t.pending_fen)} 元，待下期台账核对"
                 if t.pending_loans else "")
        none = f"；{t.loans_without_ledger:,} 笔贷款没有银行台账余额，未核对" if t.loans_without_ledger else ""
        return f"核对贷款 {t.loans_checked:,} 笔，{found}{later}{none}。"

    def to_json(self) -> dict[str, Any]:
        t = self.total
        return {"scope": self.scope, "loans_checked": t.loans_checked, "loans_differing": t.loans_differing,
                "loans_without_ledger": t.loans_without_ledger, "township_recorded": yuan_str(t.recorded_fen),
                "bank_reported": yuan_str(t.drop_fen), "kinds": {k: t.counts[k] for k in KINDS},
                "differences": [d.to_json() for d in self.differences],
                "pending": [p.to_json() for p in self.pending], "pending_total": yuan_str(t.pending_fen),
                "townships": [x.to_json() for x in self.townships]}


def latest_per_day(rows: Iterable[tuple[date, Any, int]]) -> tuple[Reading, ...]:
    """``(date, order key, balance)`` → one reading per date, the greatest key's (the later import), by date."""
    best: dict[date, tuple[Any, int]] = {}
    for on, key, balance in rows:
        if on not in best or key > best[on][0]:
            best[on] = (key, balance)
    return tuple(Reading(on, best[on][1]) for on in sorted(best))


def intervals(loan: LoanFacts) -> tuple[list[Interval], list[Paid]]:
    """The loan's checked intervals, and the repayments after its last reading (all of them when
    it has no reading on or after its task date: nothing is checked)."""
    readings = sorted((r for r in loan.readings if r.on >= loan.task_date), key=lambda r: r.on)
    paid = sorted(loan.paid, key=lambda p: p.on)
    if not readings:
        return [], paid
    out, start, before, k = [], None, loan.task_fen, 0
    for r in readings:
        recorded = 0
        while k < len(paid) and paid[k].on <= r.on:
            recorded += paid[k].principal_fen
            k += 1
        out.append(Interval(start, r.on, recorded, before - r.balance_fen))
        start, before = r.on, r.balance_fen
    return out, paid[k:]


def reconcile(loans: Iterable[LoanFacts], scope: str) -> Reconciliation:
    lines: dict[str, TownshipLine] = {}
    differences: list[Difference] = []
    pending: list[Pending] = []
    for loan in loans:
        line = lines.setdefault(loan.township, TownshipLine(loan.township))
        checked, later = intervals(loan)
        if not checked:
            line.loans_without_ledger += 1
            continue
        line.loans_checked += 1
        line.recorded_fen += sum(i.recorded_fen for i in checked)
        line.drop_fen += sum(i.drop_fen for i in checked)
        last = checked[-1].end
        gap = sum(i.recorded_fen - i.drop_fen for i in checked)
        mine = [Difference(loan.loan_no, loan.township, loan.village, loan.household, i.start, i.end,
                           i.recorded_fen, i.drop_fen, i.kind, last, gap) for i in checked if i.kind]
        for d in mine:
            line.counts[d.kind] += 1
            line.amounts[d.kind] += d.difference_fen
        line.loans_differing += bool(mine)
        differences += mine
        if later:
            pending.append(Pending(loan.loan_no, loan.township, loan.village, loan.household, last, len(later),
                                   sum(p.principal_fen for p in later), later[0].on, later[-1].on))
            line.pending_loans += 1
            line.pending_fen += pending[-1].principal_fen
    townships = sorted(lines.values(), key=lambda x: (pinyin.full(x.name), x.name))
    order = {x.name: n for n, x in enumerate(townships)}

    def where(x: Difference | Pending) -> tuple:
        return (order[x.township], pinyin.full(x.village), x.village, pinyin.full(x.household), x.household,
                x.loan_no)

    differences.sort(key=lambda d: (*where(d), d.end))
    pending.sort(key=where)
    return Reconciliation(scope, townships, add_up(townships), differences, pending)


def add_up(lines: list[TownshipLine], name: str = "合计") -> TownshipLine:
    total = TownshipLine(name)
    for x in lines:
        for attr in ("loans_checked", "loans_differing", "loans_without_ledger", "recorded_fen", "drop_fen",
                     "pending_loans", "pending_fen"):
            setattr(total, attr, getattr(total, attr) + getattr(x, attr))
        for k in KINDS:
            total.counts[k] += x.counts[k]
            total.amounts[k] += x.amounts[k]
    return total
