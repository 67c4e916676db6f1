"""The agreement dialog's 减免 box: interest and penalty waived (an amount, or 全部), the
approval's reference and the conditions of the reduction."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app.services.agreements.agreements import PlanRequest
from app.services.agreements.owed import Quote
from app.ui import formatting as fmt
from app.ui.widgets.fields import FieldNote, MoneyEdit


class Reductions(QGroupBox):
    changed = Signal()  # any of its fields

    def __init__(self, parent: QWidget):
        super().__init__("减免", parent)
        self.waive_interest = MoneyEdit(self, placeholder="0", object_name="waiveInterest")
        self.waive_interest_all = QCheckBox("全部")
        self.waive_interest_all.setObjectName("waiveInterestAll")
        self.waive_penalty = MoneyEdit(self, placeholder="0", object_name="waivePenalty")
        self.waive_penalty_all = QCheckBox("全部")
        self.waive_penalty_all.setObjectName("waivePenaltyAll")
        self.interest_owed = QLabel("")
        self.interest_owed.setObjectName("muted")
        self.penalty_owed = QLabel("")
        self.penalty_owed.setObjectName("muted")
        self.waive_interest_note = FieldNote(self, object_name="waiveInterestNote")
        self.waive_penalty_note = FieldNote(self, object_name="waivePenaltyNote")
        self.approval = QLineEdit()
        self.approval.setObjectName("approvalRef")
        self.approval.setPlaceholderText("例如：减免审批〔2026〕12号（有减免的，签订前必须填写）")
        self.approval.setToolTip("减免的审批文号。没有审批文号也可以先保存草稿、打印（每页标“草稿”），但不能签订")
        self.condition = QPlainTextEdit()
        self.condition.setObjectName("condition")
        self.condition.setTabChangesFocus(True)
        self.condition.setFixedHeight(self.fontMetrics().height() * 3 + 14)
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        grid.addWidget(QLabel("减免利息（元）"), 0, 0)
        grid.addWidget(self.waive_interest, 0, 1)
        grid.addWidget(self.waive_interest_all, 0, 2)
        grid.addWidget(self.interest_owed, 0, 3)
        grid.addWidget(self.waive_interest_note, 1, 1, 1, 3)
        grid.addWidget(QLabel("减免罚息（元）"), 2, 0)
        grid.addWidget(self.waive_penalty, 2, 1)
        grid.addWidget(self.waive_penalty_all, 2, 2)
        grid.addWidget(self.penalty_owed, 2, 3)
        grid.addWidget(self.waive_penalty_note, 3, 1, 1, 3)
        grid.addWidget(QLabel("审批文号"), 4, 0)
        grid.addWidget(self.approval, 4, 1, 1, 3)
        grid.addWidget(QLabel("减免条件"), 5, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.condition, 5, 1, 1, 3)
        grid.setColumnStretch(3, 1)

        for edit in (self.waive_interest, self.waive_penalty, self.approval):
            edit.textChanged.connect(self._changed)
        self.condition.textChanged.connect(self._changed)
        for box, edit in ((self.waive_interest_all, self.waive_interest), (self.waive_penalty_all, self.waive_penalty)):
            box.toggled.connect(lambda on, e=edit: e.clear() if on else e.setPlaceholderText("0"))
            box.toggled.connect(self._changed)

    def _changed(self, *_args) -> None:
        self.changed.emit()

    def fields(self) -> list[QWidget]:
        return [self.waive_interest, self.waive_interest_all, self.waive_penalty, self.waive_penalty_all,
                self.approval, self.condition]

    def fill(self, r: PlanRequest) -> None:
        """Show the reductions of a plan being revised."""
        self.waive_interest_all.setChecked(r.waive_all_interest)
        self.waive_penalty_all.setChecked(r.waive_all_penalty)
        self.waive_interest.set_fen(None if r.waive_all_interest or not r.waive_interest_fen else r.waive_interest_fen)
        self.waive_penalty.set_fen(None if r.waive_all_penalty or not r.waive_penalty_fen else r.waive_penalty_fen)
        self.approval.setText(r.approval_ref or "")
        self.condition.setPlainText(r.condition or "")

    def show_quote(self, quote: Quote | None) -> None:
        """What there is to waive."""
        if quote is None:
            self.interest_owed.setText("")
            self.penalty_owed.setText("")
            return
        self.interest_owed.setText(f"应还利息 {fmt.money(quote.interest_fen)} 元")
        self.penalty_owed.setText(f"应还罚息 {fmt.money(quote.penalty_fen)} 元")
        self.waive_interest.setPlaceholderText(fmt.money(quote.interest_fen) if self.waive_interest_all.isChecked() else "0")
        self.waive_penalty.setPlaceholderText(fmt.money(quote.penalty_fen) if self.waive_penalty_all.isChecked() else "0")

    def show_errors(self, errs: dict[str, str], *, household_chosen: bool) -> None:
        """The amounts are typed only when there is a household and 全部 is not ticked."""
        self.waive_interest.setEnabled(household_chosen and not self.waive_interest_all.isChecked())
        self.waive_penalty.setEnabled(household_chosen and not self.waive_penalty_all.isChecked())
        self.waive_interest_note.show_message(errs.get("waive_interest"))
        self.waive_penalty_note.show_message(errs.get("waive_penalty"))
