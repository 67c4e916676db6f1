"""The agreement dialog's 欠款测算 box: the date and rates the debt is measured with, and what
the ticked loans owe (each loan, the total, the basis, a warning for a loan without a contract rate)."""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.domain.interest import format_rate
from app.services.agreements.owed import Quote
from app.ui import formatting as fmt
from app.ui.models.agreement_plan import OwedModel
from app.ui.widgets.fields import FieldNote, RateEdit, date_edit, qdate
from app.ui.widgets.tables import make_table_view, rows_height


class OwedBox(QGroupBox):
    def __init__(self, parent: QWidget, today: date):
        super().__init__("欠款测算（金额单位：元）", parent)
        self.as_of = date_edit(today, self, object_name="asOf")
        self.as_of.setMaximumDate(qdate(today))
        self.as_of.setToolTip("欠款计算到这一天（利息、罚息按天计算）")
        self.rate = RateEdit(self, placeholder="合同利率", object_name="rate")
        self.rate.setToolTip("年利率（%）；留空按每笔贷款的合同利率，合同利率不明的按默认利率")
        self.penalty = RateEdit(self, placeholder="上浮50%", object_name="penaltyRate")
        self.penalty.setToolTip("罚息年利率（%）；留空为年利率上浮50%")
        self.rate_note = FieldNote(self, object_name="rateNote")
        rates = QHBoxLayout()
        rates.setSpacing(6)
        rates.addWidget(QLabel("计算日期"))
        rates.addWidget(self.as_of)
        rates.addSpacing(10)
        rates.addWidget(QLabel("年利率"))
        rates.addWidget(self.rate)
        rates.addWidget(QLabel("%"))
        rates.addSpacing(10)
        rates.addWidget(QLabel("罚息年利率"))
        rates.addWidget(self.penalty)
        rates.addWidget(QLabel("%"))
        rates.addStretch(1)
        self.owed = OwedModel(self)
        self.owed_view = make_table_view(self.owed, self)
        self.owed_view.setObjectName("owedTable")
        self.owed_view.setSortingEnabled(False)
        self.owed_view.setMinimumHeight(rows_height(self.owed_view, 2))
        self.owed_total = QLabel("")
        self.owed_total.setObjectName("owedTotal")
        self.owed_total.setWordWrap(True)
        self.basis = QLabel("")
        self.basis.setObjectName("muted")
        self.basis.setWordWrap(True)
        ob = QVBoxLayout(self)
        ob.addLayout(rates)
        ob.addWidget(self.rate_note)
        ob.addWidget(self.owed_view, 1)
        ob.addWidget(self.owed_total)
        ob.addWidget(self.basis)
        self.rate_warning = QLabel("")
        self.rate_warning.setObjectName("rateWarning")
        self.rate_warning.setWordWrap(True)
        self.rate_warning.setStyleSheet("color: #b9770e; font-weight: bold;")
        self.rate_warning.setVisible(False)
        ob.addWidget(self.rate_warning)

    def show_quote(self, quote: Quote | None) -> None:
        self.owed.set_rows(quote.loans if quote else [])
        warnings = quote.warnings if quote else []
        self.rate_warning.setText("注意：" + "；".join(warnings) + "。打印件上写明“按默认利率测算”。" if warnings else "")
        self.rate_warning.setVisible(bool(warnings))
        if quote is None:
            self.owed_total.setText("")
            self.basis.setText("")
            return
        self.owed_total.setText(
            f"<b>欠款合计 {fmt.money(quote.owed_fen)} 元</b>　本金 {fmt.money(quote.principal_fen)}　"
            f"利息 {fmt.money(quote.interest_fen)}　罚息 {fmt.money(quote.penalty_fen)}（计算至 {quote.as_of.isoformat()}）")
        rates = sorted({(ln.rate_ppm, ln.penalty_rate_ppm) for ln in quote.loans if not ln.suspended})
        used = "；".join(f"年利率 {format_rate(r)}，罚息年利率 {format_rate(p)}" for r, p in rates)
        self.basis.setText(f"按{used or '停息挂账，不计息'}。利息含台账欠息和台账日以来新增的利息"
                           f"（鼠标停在数字上看明细）。{quote.basis_text}。")
