"""The household page's 贷款 tab: its loans (the service's order; the user's choice of columns
remembered), 变更阶段 and 登记还款 for the loan selected."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.models.household_detail import LoanTableModel
from app.ui.widgets.tables import make_table_view


class LoanTab(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.loans = LoanTableModel(self)
        self.loan_view = make_table_view(self.loans, self, columns_key="householdLoans")
        self.loan_view.setObjectName("loanTable")
        self.loan_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)     # the service's order
        self.loan_view.setSortingEnabled(False)
        self.stage_button = QPushButton("变更阶段…")
        self.stage_button.setObjectName("changeStage")
        self.stage_button.setToolTip("把选中的贷款转到诉讼、立案、执行、结清或核销")
        self.repay_loan_button = QPushButton("登记还款…")
        self.repay_loan_button.setObjectName("repayLoan")
        lt = QVBoxLayout(self)
        lt.setContentsMargins(8, 8, 8, 8)
        lt.addWidget(self.loan_view, 1)
        loan_buttons = QHBoxLayout()
        hint = QLabel("金额单位：元 · 先选中一笔贷款，再变更阶段或登记还款 · 右键点击表头可显示更多列")
        hint.setObjectName("muted")
        loan_buttons.addWidget(hint, 1)
        loan_buttons.addWidget(self.stage_button)
        loan_buttons.addWidget(self.repay_loan_button)
        lt.addLayout(loan_buttons)

    def set_loans(self, loans: list) -> None:
        """Show the loans, the one selected before still selected (else the first)."""
        selected = self.selected_loan_id()
        self.loans.set_rows(loans)
        row = next((i for i, ln in enumerate(loans) if ln.id == selected), 0 if loans else -1)
        if row >= 0:
            self.loan_view.selectRow(self.loan_view.model().mapFromSource(self.loans.index(row, 0)).row())
        self.stage_button.setEnabled(bool(loans))
        self.repay_loan_button.setEnabled(bool(loans))

    def selected_loan_id(self) -> str | None:
        index = self.loan_view.currentIndex()
        if not index.isValid():
            return None
        source = self.loan_view.model().mapToSource(index)
        return self.loans.record(source.row()).id if source.isValid() else None
