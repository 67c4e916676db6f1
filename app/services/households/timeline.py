"""The household page's timeline: visits, repayments, agreements and stage moves, newest first.

Voided facts (冲正 / 作废, ``app.services.work.corrections``) are listed too, marked ``voided`` with
their reason, so a person sees what was corrected; they count nowhere.  A correction says which
fact it replaced (``corrects_id``).  The entries are built from the household page's plain
records (``household_page.VisitInfo`` …), whatever holds their fields.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from app.domain.money import format_yuan

KIND_ORDER = {"repayment": 0, "visit": 1, "agreement": 2, "stage": 3}


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str          # visit | repayment | agreement | stage
    title: str
    detail: str
    ref_id: str
    amount_fen: int | None = None
    voided: bool = False               # struck through: 已冲正 / 已作废
    void_reason: str | None = None
    corrects_id: str | None = None     # this fact corrects that (voided) one
    voidable: bool = False             # a visit or a township repayment a person may 冲正 / 作废


def build_timeline(visits: Iterable, reps: Iterable, ags: Iterable, events: Iterable,
                   voided: Iterable = ()) -> list[TimelineEntry]:
    """``voided``: visit, repayment and stage records whose ``void_reason`` is set."""
    out: list[TimelineEntry] = []
    for fact in list(visits) + list(reps) + list(events) + list(voided):
        out.append(_entry(fact))
    for a in ags:
        out.append(TimelineEntry(a.signed_on or a.as_of, "agreement", f"还款协议 {a.number}（{a.status_name}）",
                                 f"合计 {format_yuan(a.total_fen)} 元；借据 {'、'.join(a.loan_nos)}", a.id,
                                 a.total_fen))
    out.sort(key=lambda t: (t.on, -KIND_ORDER[t.kind], not t.voided), reverse=True)
    return out


def _entry(fact) -> TimelineEntry:
    reason = getattr(fact, "void_reason", None)
    voided = reason is not None
    corrects = getattr(fact, "corrects_id", None)
    if hasattr(fact, "visited_on"):
        parts = [fact.method_name, fact.visitors or ""]
        if fact.promised_fen or fact.promised_date:
            amount = format_yuan(fact.promised_fen) + " 元" if fact.promised_fen else ""
            parts.append(f"承诺{fact.promised_date or ''}还款{amount}")
        if fact.next_date:
            parts.append(f"下次跟进 {fact.next_date}")
        if fact.note:
            parts.append(fact.note)
        mark = "（已作废）" if voided else "（更正）" if corrects else ""
        return TimelineEntry(fact.visited_on, "visit", f"走访：{fact.outcome_name}{mark}",
                             _detail(reason, "作废原因", parts), fact.id, fact.promised_fen, voided, reason, corrects,
                             voidable=not voided)
    if hasattr(fact, "paid_on"):
        source = "银行台账" if fact.source == "bank" else "乡镇登记"
        split = f"本金 {format_yuan(fact.principal_fen)}"
        if fact.interest_fen:
            split += f"，利息 {format_yuan(fact.interest_fen)}"
        if fact.penalty_fen:
            split += f"，罚息 {format_yuan(fact.penalty_fen)}"
        parts = [f"借据 {fact.loan_no}", split, source,
                 f"凭证 {fact.receipt_no}" if fact.agreement_id and fact.receipt_no else "", fact.note or ""]
        mark = "（已冲正）" if voided else "（更正）" if corrects else ""
        return TimelineEntry(fact.paid_on, "repayment", f"还款 {format_yuan(fact.amount_fen)} 元{mark}",
                             _detail(reason, "冲正原因", parts), fact.id, fact.amount_fen, voided, reason, corrects,
                             voidable=not voided and fact.source == "township")
    mark = "（已作废）" if voided else ""
    return TimelineEntry(fact.on_date, "stage", f"阶段：{fact.text}{mark}",
                         _detail(reason, "作废原因", [f"借据 {fact.loan_no}", fact.note or ""]), fact.id,
                         voided=voided, void_reason=reason)


def _detail(reason: str | None, label: str, parts: list[str]) -> str:
    return "；".join(p for p in ([f"{label}：{reason}"] if reason else []) + parts if p)
