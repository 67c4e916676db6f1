"""冲正 a repayment, 作废 a visit, from the household page's timeline: a reason (required) and,
if wanted, the corrected fact, saved together (``app.services.work.corrections``).

The default button is 取消: Enter never voids anything.  The destructive button asks once
more, repeating what will be voided (money in capitals)."""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.db.session import Database
from app.domain.errors import InputError
from app.domain.money import format_yuan
from app.domain.stages import OUTCOME_NAMES
from app.services.households.detail import RepaymentInfo, VisitInfo
from app.services.work import corrections
from app.ui.actor import actor
from app.ui.dialogs.confirm import capital_line, confirm, money_words
from app.ui.dialogs.visit_dialog import PROMISE_OUTCOMES, NumberCombo
from app.ui.dialogs.write_dialog import WriteDialog
from app.ui.widgets.fields import FieldNote, MoneyEdit, date_edit, date_of, qdate


class _VoidDialog(WriteDialog):
    """What both share: the reason, the corrected fact in a box ticked on demand, 取消 by default."""

    verb = "作废"

    def __init__(self, parent: QWidget | None, db: Database, title: str, head: str, explain: str, fix_title: str):
        super().__init__(parent, db, title)
        self.result_sentence = ""
        head_label = QLabel(head)
        head_label.setWordWrap(True)
        note = QLabel(explain)
        note.setObjectName("muted")
        note.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("voidReason")
        self.reason.setPlaceholderText("必填，例如：金额录错，应为 2,000 元")
        self.reason.setMaxLength(corrections.REASON_MAX)
        self.reason.textChanged.connect(lambda _t: self.update_buttons())
        reason_form = QFormLayout()
        reason_form.addRow(f"{self.verb}原因：", self.reason)
        self.fix = QGroupBox(fix_title)
        self.fix.setObjectName("voidCorrection")
        self.fix.setCheckable(True)
        self.fix.setChecked(False)
        self.fix.toggled.connect(lambda _on: self.update_buttons())
        self.fix_form = QFormLayout(self.fix)
        box = QDialogButtonBox()
        self.void_button = box.addButton(self.verb, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.void_button.setObjectName("voidConfirm")
        self.void_button.setAutoDefault(False)
        self.cancel_button = box.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setObjectName("voidCancel")
        self.cancel_button.setDefault(True)
        self.cancel_button.clicked.connect(self.reject)
        self.void_button.clicked.connect(self.save)
        self._buttons = [self.void_button]
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(head_label)
        self.layout_.addWidget(note)
        self.layout_.addLayout(reason_form)
        self.layout_.addWidget(self.fix)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(box)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 34)

    def finish(self) -> None:
        self.update_buttons()
        self.reason.setFocus()

    def reason_text(self) -> str:
        return self.reason.text().strip()

    def fix_problem(self) -> str | None:
        """What is wrong with the corrected fact as typed (None when it can be saved)."""
        return None

    def update_buttons(self) -> None:
        problem = self.fix_problem() if self.fix.isChecked() else None
        self.void_button.setEnabled(bool(self.reason_text()) and problem is None and not self.busy)

    def _done(self, result: corrections.Correction) -> None:
        self.result_sentence = result.sentence()
        window = self.parentWidget().window() if self.parentWidget() else None
        if window is not None and hasattr(window, "statusBar"):
            window.statusBar().showMessage(self.result_sentence, 8000)
        self.accept()


class VoidRepaymentDialog(_VoidDialog):
    """冲正 a repayment the township recorded; optionally the corrected amount and date."""

    verb = "冲正"

    def __init__(self, parent: QWidget | None, db: Database, rep: RepaymentInfo, borrower: str = ""):
        self.rep = rep
        under = (f"这是按还款协议收的款（凭证 {rep.receipt_no}）：同一凭证在各笔贷款上的还款一并冲正，协议的各期重新核算；"
                 "更正后的还款按协议重新入账。" if rep.agreement_id else "")
        super().__init__(
            parent, db, "冲正还款",
            f"<b>冲正 {rep.paid_on} 借据 {rep.loan_no}{'（' + borrower + '）' if borrower else ''}"
            f"的还款 {format_yuan(rep.amount_fen)} 元</b><br>大写：{money_words(rep.amount_fen)}",
            under + "冲正后这笔还款不再计入已清收、余额、协议和工作台；原记录保留，在时间线上标为“已冲正”，不能恢复。",
            "同时登记更正后的还款")
        self.setObjectName("voidRepaymentDialog")
        self.amount = MoneyEdit(object_name="fixAmount", placeholder="金额（元）")
        self.capital = QLabel("")
        self.capital.setObjectName("fixCapital")
        self.capital.setStyleSheet("color: #1f4e79;")
        self.amount_note = FieldNote(object_name="fixAmountNote")
        self.paid_on = date_edit(rep.paid_on, object_name="fixDate")
        self.paid_on.setMaximumDate(qdate(date.today()))
        self.amount.textChanged.connect(lambda _t: self.update_buttons())
        self.fix_form.addRow("还款金额：", self.amount)
        self.fix_form.addRow("", self.capital)
        self.fix_form.addRow("", self.amount_note)
        self.fix_form.addRow("还款日期：", self.paid_on)
        self.finish()

    def fix_problem(self) -> str | None:
        try:
            fen = self.amount.fen("还款金额")
        except InputError as exc:
            return str(exc)
        if fen is None:
            return ""
        return "还款金额必须大于 0" if fen <= 0 else None

    def update_buttons(self) -> None:
        problem = self.fix_problem()
        shown = problem if self.fix.isChecked() and problem else None
        self.amount_note.show_message(shown)
        self.capital.setText(capital_line(self.amount.fen("还款金额")) if problem is None else "")
        super().update_buttons()

    def save(self) -> None:
        if not self.void_button.isEnabled():
            return
        fen = self.amount.fen("还款金额") if self.fix.isChecked() else None
        day = date_of(self.paid_on) if self.fix.isChecked() else None
        detail = (f"更正为 {day} 还款 {money_words(fen)}。" if fen else "不登记更正后的还款。") + f"原因：{self.reason_text()}"
        if not confirm(self, "确认冲正", f"冲正 {self.rep.paid_on} 的还款 {money_words(self.rep.amount_fen)}？",
                       "确认冲正(&Y)", detail=detail, object_name="confirmVoid", warning=True):
            return
        db, rep_id, reason = self.db, self.rep.id, self.reason_text()
        self.write(lambda: corrections.void_repayment(db, rep_id, reason=reason, amount_fen=fen, paid_on=day,
                                                      actor=actor()), self._done)


class VoidVisitDialog(_VoidDialog):
    """作废 a visit; optionally the corrected visit (what was right is kept: who went, how)."""

    def __init__(self, parent: QWidget | None, db: Database, visit: VisitInfo):
        self.visit = visit
        super().__init__(
            parent, db, "作废走访",
            f"<b>作废 {visit.visited_on} 的走访</b>：{visit.method_name}，{visit.outcome_name}"
            + (f"；{visit.visitors}" if visit.visitors else ""),
            "作废后这次走访不再计入最近走访、跟进日期和承诺还款；原记录保留，在时间线上标为“已作废”，不能恢复。",
            "同时记录更正后的走访（走访人和方式不变）")
        self.setObjectName("voidVisitDialog")
        today = date.today()
        self.visited_on = date_edit(visit.visited_on, object_name="fixVisitDate")
        self.visited_on.setMaximumDate(qdate(today))
        self.outcome = NumberCombo()
        self.outcome.setObjectName("fixOutcome")
        for i, (o, label) in enumerate(OUTCOME_NAMES.items(), start=1):
            self.outcome.addItem(f"{i} {label}", o.value)
        self.outcome.setCurrentIndex(max(0, self.outcome.findData(visit.outcome)))
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self.promised = MoneyEdit(object_name="fixPromised", placeholder="承诺金额（元）")
        if visit.promised_fen:
            self.promised.set_fen(visit.promised_fen)
        self.promised_on = date_edit(visit.promised_date or today, object_name="fixPromisedDate")
        promise = QHBoxLayout()
        promise.setContentsMargins(0, 0, 0, 0)
        promise.addWidget(self.promised)
        promise.addWidget(QLabel("元，还款日期"))
        promise.addWidget(self.promised_on)
        promise.addStretch(1)
        self.promise_row = QWidget()
        self.promise_row.setLayout(promise)
        self.next_date = date_edit(visit.next_date or today, object_name="fixNextDate")
        self.no_next = QCheckBox("不安排")
        self.no_next.setObjectName("fixNoNext")
        self.no_next.toggled.connect(lambda on: self.next_date.setEnabled(not on))
        self.no_next.setChecked(visit.next_date is None)
        nxt = QHBoxLayout()
        nxt.setContentsMargins(0, 0, 0, 0)
        nxt.addWidget(self.next_date)
        nxt.addWidget(self.no_next)
        nxt.addStretch(1)
        self.note = QLineEdit(visit.note or "")
        self.note.setObjectName("fixVisitNote")
        self.fix_form.addRow("走访日期：", self.visited_on)
        self.fix_form.addRow("结果：", self.outcome)
        self.fix_form.addRow("承诺还款：", self.promise_row)
        self.fix_form.addRow("下次跟进：", nxt)
        self.fix_form.addRow("备注：", self.note)
        self.promised.textChanged.connect(lambda _t: self.update_buttons())
        self._outcome_changed()
        self.finish()

    def _outcome_changed(self, *_args) -> None:
        self.promise_row.setEnabled(self.outcome.currentData() in PROMISE_OUTCOMES)
        self.update_buttons()

    def fix_problem(self) -> str | None:
        if self.outcome.currentData() not in PROMISE_OUTCOMES:
            return None
        try:
            fen = self.promised.fen("承诺金额")
        except InputError as exc:
            return str(exc)
        return "承诺金额必须大于 0" if fen is not None and fen <= 0 else None

    def correction(self) -> dict | None:
        if not self.fix.isChecked():
            return None
        outcome = self.outcome.currentData()
        promising = outcome in PROMISE_OUTCOMES
        fen = self.promised.fen("承诺金额") if promising else None
        return {"visited_on": date_of(self.visited_on), "outcome": outcome, "promised_fen": fen,
                "promised_date": date_of(self.promised_on) if promising and (fen or outcome == "promised") else None,
                "next_date": None if self.no_next.isChecked() else date_of(self.next_date),
                "note": self.note.text().strip() or None}

    def save(self) -> None:
        if not self.void_button.isEnabled():
            return
        fix = self.correction()
        detail = ("同时记录更正后的走访（" + OUTCOME_NAMES.get(fix["outcome"], fix["outcome"]) + "）。" if fix
                  else "不记录更正后的走访。") + f"原因：{self.reason_text()}"
        if not confirm(self, "确认作废", f"作废 {self.visit.visited_on} 的这次走访？", "确认作废(&Y)",
                       detail=detail, object_name="confirmVoid", warning=True):
            return
        db, visit_id, reason = self.db, self.visit.id, self.reason_text()
        self.write(lambda: corrections.void_visit(db, visit_id, reason=reason, correction=fix, actor=actor()),
                   self._done)
