"""Small dialogs of the 还款协议 page: 标记已签字, 作废, 登记还款 and what a payment did.

Safe defaults: in 标记已签字 and 作废 the default button is 取消 (Enter does not sign or
cancel an agreement); 登记还款 asks once more, repeating the amount in capitals, before the
money is saved; after a payment Enter closes the summary (printing is a click)."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import InputError
from app.services.agreements.views import AgreementView
from app.services.recovery.agreement_payments import PaymentResult
from app.ui import formatting as fmt
from app.ui.dialogs.confirm import capital_line, confirm_payment
from app.ui.widgets.fields import FieldNote, MoneyEdit, date_edit, date_of, qdate


def _buttons(dialog: QDialog, ok_text: str, *, cancel_default: bool = False) -> tuple[QDialogButtonBox, QPushButton]:
    """``cancel_default``: Enter takes 取消 (for what cannot be undone)."""
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
    cancel.setText("取消")
    if cancel_default:
        ok.setAutoDefault(False)
        cancel.setDefault(True)
    else:
        ok.setDefault(True)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box, ok


def _title(view: AgreementView) -> str:
    return f"{view.number}（第{view.version}版） {view.household}"


class SignDialog(QDialog):
    """The agreement was signed by both sides on a date."""

    def __init__(self, view: AgreementView, today: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("signDialog")
        self.setWindowTitle("标记已签字")
        self.date = date_edit(today, self, object_name="signedOn")
        self.date.setMinimumDate(qdate(view.as_of))
        self.date.setMaximumDate(qdate(max(today, view.as_of)))
        text = QLabel(f"<b>{_title(view)}</b><br>借款人和贷款人都已在协议书上签字后，登记签订日期。"
                      "签订后协议开始履行，按期核对是否还款。")
        text.setWordWrap(True)
        form = QFormLayout()
        form.addRow("签订日期", self.date)
        box, self.ok = _buttons(self, "确定", cancel_default=True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(box)
        self.setMinimumWidth(420)

    def signed_on(self) -> date:
        return date_of(self.date)


class CancelDialog(QDialog):
    """Cancel an agreement, with a reason for the record."""

    def __init__(self, view: AgreementView, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("cancelDialog")
        self.setWindowTitle("作废协议")
        text = QLabel(f"<b>{_title(view)}</b><br>作废后这份协议不再有效，也不能恢复；"
                      "其中的贷款可以另立新的协议。已登记的还款记录保留。")
        text.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("cancelReason")
        self.reason.setPlaceholderText("例如：借款人要求重新协商")
        form = QFormLayout()
        form.addRow("作废原因", self.reason)
        box, self.ok = _buttons(self, "作废", cancel_default=True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(box)
        self.setMinimumWidth(460)

    def reason_text(self) -> str | None:
        return self.reason.text().strip() or None


class PaymentDialog(QDialog):
    """Money paid under the agreement: amount, date, note; checked as it is typed."""

    def __init__(self, view: AgreementView, today: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("paymentDialog")
        self.setWindowTitle("登记还款")
        self.view = view
        self.remaining = view.total_fen - view.paid_fen
        head = QLabel(f"<b>{_title(view)}</b>")
        owed = QLabel(f"应还合计 {fmt.money(view.total_fen)} 元，已还 {fmt.money(view.paid_fen)} 元，"
                      f"<b>尚欠 {fmt.money(self.remaining)} 元</b>")
        st = view.standing
        next_text = ""
        if st is not None and st.next_no is not None:
            next_text = f"下一期：第{st.next_no}期，{st.next_due.isoformat()} 前还 {fmt.money(st.next_left_fen)} 元"
            if st.arrears_fen:
                next_text += f"；已到期未还 {fmt.money(st.arrears_fen)} 元"
        following = QLabel(next_text)
        following.setObjectName("muted")
        self.amount = MoneyEdit(self, object_name="payAmount")
        self.capital = QLabel("")
        self.capital.setObjectName("muted")
        self.amount_note = FieldNote(self, object_name="payAmountNote")
        self.date = date_edit(today, self, object_name="payDate")
        self.date.setMaximumDate(qdate(today))
        if view.signed_on:
            self.date.setMinimumDate(qdate(min(view.signed_on, today)))
        self.note = QLineEdit()
        self.note.setObjectName("payNote")
        self.note.setPlaceholderText("例如：现金，村委会代收")
        form = QFormLayout()
        form.addRow("还款金额（元）", self.amount)
        form.addRow("", self.capital)
        form.addRow("", self.amount_note)
        form.addRow("还款日期", self.date)
        form.addRow("备注", self.note)
        box, self.ok = _buttons(self, "登记")
        self.ok.setEnabled(False)
        explain = QLabel("按协议的抵偿顺序分配到各笔贷款，依次冲抵各期。")
        explain.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(owed)
        if next_text:
            layout.addWidget(following)
        layout.addLayout(form)
        layout.addWidget(explain)
        layout.addWidget(box)
        self.setMinimumWidth(480)
        self.amount.textChanged.connect(self.check)

    def check(self) -> bool:
        try:
            fen = self.amount.fen("还款金额")
            if fen is not None and fen == 0:
                raise InputError("还款金额必须大于零")
            if fen is not None and fen > self.remaining:
                raise InputError(f"超过尚欠的 {fmt.money(self.remaining)} 元")
        except InputError as exc:
            self.amount_note.show_message(str(exc))
            self.capital.setText("")
            self.ok.setEnabled(False)
            return False
        self.amount_note.show_message(None)
        self.capital.setText(capital_line(fen))
        self.ok.setEnabled(fen is not None)
        return fen is not None

    def amount_fen(self) -> int:
        return self.amount.fen("还款金额") or 0

    def accept(self) -> None:
        """Only after the question that repeats the amount (its default: 返回修改)."""
        if not self.check():
            return
        if confirm_payment(self, self.amount_fen(), f"{self.paid_on()}，按协议 {_title(self.view)}"):
            super().accept()
        else:
            self.amount.setFocus()

    def paid_on(self) -> date:
        return date_of(self.date)

    def note_text(self) -> str | None:
        return self.note.text().strip() or None


class PaymentDoneDialog(QDialog):
    """What a payment did, with 打印收据."""

    print_requested = Signal()

    def __init__(self, result: PaymentResult, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("paymentDoneDialog")
        self.setWindowTitle("还款已登记")
        a = result.allocation
        lines = [f"已登记还款 <b>{fmt.money(a.amount_fen)} 元</b>（{a.paid_on.isoformat()}，凭证号 {result.receipt_no}）。"]
        if a.installments:
            lines.append("冲抵：" + "；".join(
                f"第{i.no}期 {fmt.money(i.paid_now_fen)} 元" + ("（已还清）" if i.left_fen == 0 else
                                                               f"（还差 {fmt.money(i.left_fen)} 元）")
                for i in a.installments))
        lines.append("协议已全部履行。" if a.remaining_fen == 0 else f"协议尚欠 {fmt.money(a.remaining_fen)} 元。")
        text = QLabel("<br>".join(lines))
        text.setWordWrap(True)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = box.button(QDialogButtonBox.StandardButton.Close)
        close.setText("关闭")
        close.setDefault(True)
        self.print_button = box.addButton("打印收据", QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setObjectName("printReceipt")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self._print)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(box)
        self.setMinimumWidth(460)

    def _print(self) -> None:
        self.accept()
        self.print_requested.emit()
