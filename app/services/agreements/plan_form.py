"""The new-agreement form's rules, without the window: what the fields of 新建 / 修改还款协议
say (a :class:`PlanRequest`) and, for each field that is wrong, the message shown under it.

The dialog hands over the fields as the user left them (:class:`PlanForm`: text as typed,
dates, the 期数), and, once known, what the chosen loans owe (a :class:`Quote`); nothing here
asks the database.  The messages name the field's place in the form:

* ``loans``: 贷款 (no household / no loan ticked)
* ``rate``: 年利率 or 罚息年利率
* ``waive_interest`` / ``waive_penalty``: 减免利息 / 减免罚息
* ``first_due``: 第一期还款日
* ``schedule``: the schedule table (custom dates, typed amounts)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.domain.errors import InputError
from app.domain.interest import parse_field_rate
from app.domain.money import format_yuan, parse_field_fen, parse_yuan_or_none
from app.services.agreements.agreements import PlanRequest
from app.services.agreements.owed import Quote

FIELDS = ("loans", "rate", "waive_interest", "waive_penalty", "first_due", "schedule")


@dataclass
class PlanForm:
    """The form's fields as they stand."""

    loan_nos: list[str] | None           # the ticked loans; None: no household chosen yet
    as_of: date                          # 计算日期
    first_due: date                      # 第一期还款日 (not used for 自选日期)
    frequency: str = "monthly"           # lump | monthly | quarterly | custom
    count: int = 1                       # 期数 as set (a lump sum is one installment whatever it says)
    dates: list[date | None] = field(default_factory=list)  # the schedule's dates (自选日期)
    amounts: list[str] | None = None     # the schedule's amounts as typed (逐期填写); None: 平均分配
    rate: str = ""                       # 年利率 in percent, blank: the contract rate
    penalty_rate: str = ""               # 罚息年利率 in percent, blank: the rate marked up
    waive_interest: str = ""             # 减免利息 in yuan
    waive_penalty: str = ""              # 减免罚息 in yuan
    waive_all_interest: bool = False     # 全部
    waive_all_penalty: bool = False
    approval_ref: str = ""               # 审批文号
    condition: str = ""                  # 减免条件

    @property
    def installments(self) -> int:
        return installments(self.frequency, self.count)


def installments(frequency: str, count: int) -> int:
    """How many installments the plan has: one for a lump sum, else the 期数."""
    return 1 if frequency == "lump" else count


def rates(form: PlanForm) -> tuple[int | None, int | None]:
    """年利率 and 罚息年利率 in ppm (None when blank); ``InputError`` for the first one that is wrong."""
    return parse_field_rate(form.rate, "年利率"), parse_field_rate(form.penalty_rate, "罚息年利率")


def read(form: PlanForm, quote: Quote | None = None,
         keep: PlanRequest | None = None) -> tuple[PlanRequest | None, dict[str, str]]:
    """The plan the fields say, or None with a message per field that is wrong.

    ``quote``: what the ticked loans owe on ``as_of`` at the typed rates, if known (reductions
    are checked against it and typed amounts must add up to what remains); ``keep``: the plan
    being revised, whose terms the form does not show (allocation order, grace days, …)."""
    errs: dict[str, str] = {}
    if form.loan_nos is None:
        errs["loans"] = "请先选择借款户"
    elif not form.loan_nos:
        errs["loans"] = "请至少勾选一笔贷款"
    rate = penalty = None
    try:
        rate, penalty = rates(form)
    except InputError as exc:
        errs["rate"] = str(exc)
    waived: dict[str, int | None] = {}
    for key, text, everything, what, owed in (
            ("waive_interest", form.waive_interest, form.waive_all_interest, "减免利息",
             quote.interest_fen if quote else None),
            ("waive_penalty", form.waive_penalty, form.waive_all_penalty, "减免罚息",
             quote.penalty_fen if quote else None)):
        if everything:
            waived[key] = owed
            continue
        try:
            fen = parse_field_fen(text, what) or 0
        except InputError as exc:
            errs[key] = str(exc)
            continue
        if owed is not None and fen > owed:
            errs[key] = f"超过应还{what[2:]} {format_yuan(owed)} 元"
            continue
        waived[key] = fen
    n = form.installments
    custom = form.frequency == "custom"
    dates = None
    if custom:
        dates = [d for d in form.dates if d]
        if len(dates) != n:
            errs["schedule"] = "请给每一期填上还款日期"
        elif dates[0] < form.as_of:
            errs["schedule"] = f"第1期还款日期 {dates[0]} 早于计算日期 {form.as_of}"
    elif form.first_due < form.as_of:
        errs["first_due"] = "第一期还款日不能早于计算日期"
    amounts = None
    if form.amounts is not None:
        reduced = [v for v in waived.values() if v is not None]
        total = quote.owed_fen - sum(reduced) if quote is not None and len(reduced) == 2 else None
        amounts, message = typed_amounts(form.amounts, total)
        if message:
            errs.setdefault("schedule", message)
    if errs:
        return None, errs
    return PlanRequest(
        loan_nos=list(form.loan_nos or []), as_of=form.as_of, installments=n,
        first_due=None if custom else form.first_due, frequency=form.frequency, dates=dates, amounts_fen=amounts,
        waive_interest_fen=0 if form.waive_all_interest else waived.get("waive_interest") or 0,
        waive_penalty_fen=0 if form.waive_all_penalty else waived.get("waive_penalty") or 0,
        waive_all_interest=form.waive_all_interest, waive_all_penalty=form.waive_all_penalty,
        approval_ref=form.approval_ref.strip() or None, condition=form.condition.strip() or None,
        rate_ppm=rate, penalty_rate_ppm=penalty,
        allocation_order=keep.allocation_order if keep else None, grace_days=keep.grace_days if keep else None,
        void_after_missed=keep.void_after_missed if keep else None, note=keep.note if keep else None), {}


def typed_amounts(texts: list[str], total_fen: int | None) -> tuple[list[int | None] | None, str | None]:
    """The installments' amounts as typed (blank: None, "the rest"), or None and what is wrong.

    ``total_fen``: what the plan must add up to (owed less the reductions), None while unknown."""
    amounts: list[int | None] = []
    for i, text in enumerate(texts):
        try:
            fen = parse_yuan_or_none(text)
        except InputError:
            return None, f"第{i + 1}期金额不是金额：{text}"
        if fen is not None and fen <= 0:
            return None, f"第{i + 1}期金额必须大于零"
        amounts.append(fen)
    blanks = amounts.count(None)
    if blanks > 1:
        return None, "只能有一期金额留空（取剩余金额），其余各期请填写金额"
    if total_fen is None:
        return amounts, None
    typed = sum(a for a in amounts if a is not None)
    if blanks and typed >= total_fen:
        return None, (f"已填各期合计 {format_yuan(typed)} 元，已达到应还合计 {format_yuan(total_fen)} 元，"
                      "留空的一期没有剩余金额")
    if not blanks and typed != total_fen:
        diff = typed - total_fen
        return None, (f"各期合计 {format_yuan(typed)} 元，比应还合计 {format_yuan(total_fen)} 元"
                      f"{'多' if diff > 0 else '少'} {format_yuan(abs(diff))} 元")
    return amounts, None
