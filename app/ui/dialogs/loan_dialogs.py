"""The household page's loan actions: 变更阶段 (move a loan to another collection stage) and
登记还款 (record a repayment, checked against what the loan still owes as you type).

Nothing is chosen for a person: the stage to move to starts empty (Enter alone files no
lawsuit), and money is saved only after the question that repeats the amount in capitals
(its safe answer 返回修改 is the default)."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.db.session import Database
from app.domain.errors import InputError
from app.domain.money import format_yuan
from app.domain.stages import STAGE_NAMES
from app.services.households.detail import LoanInfo
from app.services.recovery import repayments
from app.services.work import choices, stages
from app.ui.actor import actor
from app.ui.dialogs.confirm import capital_line, confirm_payment
from app.ui.dialogs.write_dialog import WriteDialog
from app.ui.widgets.fields import FieldNote, MoneyEdit, date_edit, date_of, qdate


def _buttons(dialog: WriteDialog, save_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox()
    dialog.save_button = box.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
    dialog.save_button.setDefault(True)
    cancel = box.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
    cancel.setAutoDefault(False)
    cancel.clicked.connect(dialog.reject)
    dialog._buttons = [dialog.save_button]
    return box


def _loan_text(ln: LoanInfo) -> str:
    return f"借据 {ln.loan_no}（{ln.borrower}，{ln.stage_name}，剩余本金 {format_yuan(ln.outstanding_fen)} 元）"


class StageDialog(WriteDialog):
    """Move one loan to another stage, with the date and a note."""

    def __init__(self, parent: QWidget | None, db: Database, loan: LoanInfo):
        super().__init__(parent, db, "变更阶段")
        self.setObjectName("stageDialog")
        self.loan = loan
        self.target = QComboBox()
        self.target.setObjectName("stageTarget")
        for code in stages.allowed_moves(loan.stage):
            self.target.addItem(STAGE_NAMES.get(code, code), code)
        self.target.setPlaceholderText("请选择")
        self.target.setCurrentIndex(-1)            # never a lawsuit by default
        self.target.currentIndexChanged.connect(lambda _i: self.update_buttons())
        self.on_date = date_edit(date.today(), object_name="stageDate")
        self.on_date.setMaximumDate(qdate(date.today()))
        if loan.stage_date:
            self.on_date.setMinimumDate(qdate(loan.stage_date))
        self.note = QLineEdit()
        self.note.setObjectName("stageNote")
        self.note.setPlaceholderText("例如：已向法院起诉，案号……")
        form = QFormLayout()
        form.addRow("贷款：", QLabel(f"借据 {loan.loan_no}（{loan.borrower}）"))
        since = f"（自 {loan.stage_date} 起）" if loan.stage_date else ""
        form.addRow("当前阶段：", QLabel(f"{loan.stage_name}{since}"))
        form.addRow("转到：", self.target)
        form.addRow("日期：", self.on_date)
        form.addRow("说明：", self.note)
        buttons = _buttons(self, "确定变更")
        self.save_button.clicked.connect(self.save)
        if not self.target.count():
            self.error.show_message("这笔贷款当前不能变更阶段")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 28)
        self.update_buttons()
        self.target.setFocus()

    def update_buttons(self) -> None:
        self.save_button.setEnabled(self.target.currentData() is not None and not self.busy)

    def save(self) -> None:
        target = self.target.currentData()
        if not target:
            return
        db, loan_id, day, note = self.db, self.loan.id, date_of(self.on_date), self.note.text().strip() or None
        self.write(lambda: stages.move_stage(db, loan_id=loan_id, to_stage=target, on_date=day, note=note,
                                             actor=actor()), lambda _r: self.accept())


class RepaymentDialog(WriteDialog):
    """Record money that came back on one of the household's loans."""

    def __init__(self, parent: QWidget | None, db: Database, loans: list[LoanInfo], loan_id: str | None = None):
        super().__init__(parent, db, "登记还款")
        self.setObjectName("repaymentDialog")
        self.loans = loans
        self.owed = choices.owed_by_loan(db, [ln.id for ln in loans])
        self.loan = QComboBox()
        self.loan.setObjectName("repayLoan")
        for ln in loans:
            self.loan.addItem(_loan_text(ln), ln.id)
        if loan_id is not None and self.loan.findData(loan_id) >= 0:
            self.loan.setCurrentIndex(self.loan.findData(loan_id))
        else:   # the first loan that still owes something
            self.loan.setCurrentIndex(next((i for i, ln in enumerate(loans)
                                            if self.owed.get(ln.id) and self.owed[ln.id].total_fen > 0), 0))
        self.owed_label = QLabel("")
        self.owed_label.setObjectName("owedLabel")
        self.paid_on = date_edit(date.today(), object_name="repayDate")
        self.paid_on.setMaximumDate(qdate(date.today()))
        self.paid_on.setMinimumDate(QDate(2000, 1, 1))
        self.amount = MoneyEdit(object_name="repayAmount", placeholder="金额（元）")
        self.capital = QLabel("")
        self.capital.setObjectName("repayCapital")
        self.capital.setStyleSheet("color: #1f4e79;")
        self.amount_note = FieldNote(object_name="amountNote")
        self.receipt = QLineEdit()
        self.receipt.setObjectName("receiptNo")
        self.receipt.setPlaceholderText("收据号（可不填）")
        self.note = QLineEdit()
        self.note.setObjectName("repayNote")
        form = QFormLayout()
        form.addRow("贷款：", self.loan)
        form.addRow("尚欠：", self.owed_label)
        form.addRow("还款日期：", self.paid_on)
        form.addRow("还款金额：", self.amount)
        form.addRow("", self.capital)
        form.addRow("", self.amount_note)
        form.addRow("收据号：", self.receipt)
        form.addRow("备注：", self.note)
        hint = QLabel("先还本金，再还利息；签有还款协议的贷款按协议的顺序入账。登记前会再问一次金额。")
        hint.setObjectName("muted")
        buttons = _buttons(self, "登记")
        self.save_button.clicked.connect(self.save)
        self.loan.currentIndexChanged.connect(self._loan_changed)
        self.amount.textChanged.connect(lambda _t: self.update_buttons())
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 36)
        self._loan_changed()
        self.amount.setFocus()

    def _current_owed(self) -> repayments.Owed | None:
        return self.owed.get(self.loan.currentData())

    def _loan_changed(self, *_args) -> None:
        owed = self._current_owed()
        if owed is None:
            self.owed_label.setText("—")
        else:
            self.owed_label.setText(f"本金 {format_yuan(owed.principal_fen)} 元，利息 {format_yuan(owed.interest_fen)} 元，"
                                    f"合计 {format_yuan(owed.total_fen)} 元")
        self.update_buttons()

    def amount_problem(self) -> str | None:
        """What is wrong with the amount as typed (None when it can be saved; "" when blank)."""
        try:
            fen = self.amount.fen("还款金额")
        except InputError as exc:
            return str(exc)
        if fen is None:
            return ""
        if fen <= 0:
            return "还款金额必须大于 0"
        owed = self._current_owed()
        if owed is not None and fen > owed.total_fen + owed.bank_reported_fen:
            if owed.bank_reported_fen:   # the service checks it exactly, by the date paid
                return (f"超过这笔贷款尚欠的本息 {format_yuan(owed.total_fen)} 元和银行台账已报告收回的 "
                        f"{format_yuan(owed.bank_reported_fen)} 元")
            return f"超过这笔贷款尚欠的本息 {format_yuan(owed.total_fen)} 元"
        return None

    def update_buttons(self) -> None:
        problem = self.amount_problem()
        self.amount_note.show_message(problem or None)
        self.capital.setText(capital_line(self.amount.fen("还款金额")) if problem is None else "")
        self.save_button.setEnabled(problem is None and not self.busy)

    def save(self) -> None:
        if self.amount_problem() is not None:
            self.update_buttons()
            return
        db, loan_id, fen = self.db, self.loan.currentData(), self.amount.fen("还款金额")
        day, receipt, note = date_of(self.paid_on), self.receipt.text().strip() or None, self.note.text().strip() or None
        loan = next((ln for ln in self.loans if ln.id == loan_id), None)
        if not confirm_payment(self, fen, f"{day}，借据 {loan.loan_no if loan else ''}"
                                          f"{'（' + loan.borrower + '）' if loan else ''}"):
            self.amount.setFocus()
            return
        self.write(lambda: repayments.record_repayment(db, loan_id=loan_id, amount_fen=fen, paid_on=day,
                                                       receipt_no=receipt, note=note, actor=actor()),
                   lambda _r: self.accept())
