"""The household page's figures: 任务金额, 已清收, 剩余, 最近走访, 下次跟进 (with a promise made)."""
from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QWidget

from app.domain.money import format_yuan
from app.services.households.detail import HouseholdDetail
from app.services.reporting.summary import rate
from app.ui import formatting as fmt
from app.ui.widgets.common import FigureCard, scaled_font


class HouseholdFigures(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.cards = {key: FigureCard(key, caption) for key, caption in (
            ("task", "任务金额（元）"), ("recovered", "已清收（元）"), ("outstanding", "剩余（元）"),
            ("last_visit", "最近走访"), ("next", "下次跟进"))}
        self.cards["outstanding"].setProperty("accent", True)
        figures = QGridLayout(self)
        figures.setContentsMargins(0, 0, 0, 0)
        figures.setHorizontalSpacing(8)
        for i, card in enumerate(self.cards.values()):
            card.value.setFont(scaled_font(self, 1.3, bold=True))
            figures.addWidget(card, 0, i)
            figures.setColumnStretch(i, 1)

    def show_household(self, d: HouseholdDetail) -> None:
        self.cards["task"].set(fmt.money(d.task_fen), f"{len(d.loans)} 笔贷款")
        self.cards["recovered"].set(fmt.money(d.recovered_fen),
                                    f"清收率 {fmt.rate(rate(d.recovered_fen, d.task_fen)) if d.task_fen else '—'}")
        self.cards["outstanding"].set(fmt.money(d.outstanding_fen), "任务金额 − 已清收")
        last = next((v for v in d.visits), None)
        self.cards["last_visit"].set(d.last_visit_on.isoformat() if d.last_visit_on else "从未走访",
                                     f"{last.method_name}：{last.outcome_name}" if last else "请尽快走访")
        if d.next_date:
            note = "已到期，请跟进" if d.followup_due else "约定的跟进日期"
        else:
            note = "未安排"
        if d.promise_date:
            amount = f" {format_yuan(d.promise_fen)} 元" if d.promise_fen else ""
            note = f"承诺 {d.promise_date} 还{amount}" + ("（未兑现）" if d.promise_broken else "")
        self.cards["next"].set(d.next_date.isoformat() if d.next_date else "—", note)
        self.cards["next"].value.setStyleSheet("color: #b9770e;" if d.followup_due else "")
        self.cards["next"].note.setStyleSheet("color: #c0392b;" if d.promise_broken else "")
