"""Moving a loan between collection stages (催收 → 诉讼 → 立案 → 执行, 结清, 核销), with the
date and a note.  Which moves are allowed is ``app.domain.stages.ALLOWED_MOVES``."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.db.models import StageEvent
from app.db.search_index import refresh_search
from app.db.session import Database
from app.domain.errors import InputError
from app.domain.money import format_yuan
from app.domain.stages import ALLOWED_MOVES, STAGE_NAMES, Stage, stage_from_text
from app.services.foundation.work_common import check_day, find_loan
from app.services.recovery.repayments import owed


@dataclass(frozen=True)
class StageResult:
    event_id: str
    loan_id: str
    loan_no: str
    household_id: str
    from_stage: str
    to_stage: str
    on_date: date

    def to_json(self) -> dict:
        return {"stage_event_id": self.event_id, "loan": self.loan_no, "from": self.from_stage,
                "to": self.to_stage, "date": self.on_date.isoformat()}


def allowed_moves(stage: str) -> list[str]:
    """The stages a loan in ``stage`` may move to, in the usual order (for a menu)."""
    try:
        targets = ALLOWED_MOVES[Stage(stage)]
    except ValueError:
        return []
    return [s.value for s in Stage if s in targets]


def move_stage(db: Database, *, to_stage: str, loan_no: str | None = None, loan_id: str | None = None,
               on_date: date | None = None, note: str | None = None, actor: str = "system") -> StageResult:
    """Move one loan to another stage.  ``to_stage`` is a code (``suit``) or a name (``诉讼``).

    Refused, with nothing written: a move ALLOWED_MOVES does not list, a date in the future or
    before the current stage began, 结清 while principal is still owed.
    """
    try:
        target = stage_from_text(to_stage or "")
    except ValueError as exc:
        raise InputError(str(exc)) from None
    with db.uow(actor) as uow:
        s = uow.session
        loan = find_loan(s, loan_no=loan_no, loan_id=loan_id)
        day = check_day(on_date, "转阶段日期")
        current = Stage(loan.stage)
        if target == current:
            raise InputError(f"借据号 {loan.loan_no} 已处于“{current.label}”阶段")
        if target not in ALLOWED_MOVES.get(current, frozenset()):
            can = "、".join(STAGE_NAMES[t] for t in Stage if t in ALLOWED_MOVES.get(current, ()))
            raise InputError(f"借据号 {loan.loan_no} 不能从“{current.label}”转到“{target.label}”"
                             f"（可以转到：{can or '无'}）")
        if loan.stage_date is not None and day < loan.stage_date:
            raise InputError(f"转阶段日期（{day}）早于借据号 {loan.loan_no} 进入“{current.label}”的日期"
                             f"（{loan.stage_date}）")
        if loan.task_date is not None and day < loan.task_date:
            raise InputError(f"转阶段日期（{day}）早于借据号 {loan.loan_no} 列入清收任务的日期（{loan.task_date}）")
        if target is Stage.SETTLED:
            left = owed(s, loan).principal_fen
            if left > 0:
                raise InputError(f"借据号 {loan.loan_no} 尚欠本金 {format_yuan(left)} 元，不能标记为结清"
                                 "（请先登记还款）")
        event = StageEvent(loan_id=loan.id, from_stage=current.value, to_stage=target.value, on_date=day,
                           note=(note or "").strip() or None)
        s.add(event)
        loan.stage, loan.stage_date = target.value, day
        s.flush()
        uow.audit("stage", "loans", loan.id,
                  summary=f"{day} 借据号 {loan.loan_no}：{current.label} → {target.label}"
                          + (f"（{event.note}）" if event.note else ""))
        refresh_search(s, [loan.household_id])
        uow.commit()
        return StageResult(event.id, loan.id, loan.loan_no, loan.household_id, current.value, target.value, day)
