"""The agreement dialog's totals: 应还合计 in figures, how it comes about, and in Chinese capitals."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from app.domain.money import to_chinese_capital
from app.services.agreements.agreements import Preview
from app.services.agreements.owed import Quote
from app.ui import formatting as fmt
from app.ui.widgets.common import scaled_font


class Totals(QFrame):
    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("totalsBox")
        self.setStyleSheet("QFrame#totalsBox { background: #f2f6fb; border: 1px solid #c9d6e5; "
                           "border-radius: 6px; }")
        self.total_figures = QLabel("")
        self.total_figures.setObjectName("totalFigures")
        self.total_amount = QLabel("应还合计 —")
        self.total_amount.setObjectName("totalAmount")
        self.total_amount.setFont(scaled_font(self, 1.3, bold=True))
        self.total_capital = QLabel("")
        self.total_capital.setObjectName("totalCapital")
        self.total_capital.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        tb = QGridLayout(self)
        tb.setContentsMargins(12, 8, 12, 8)
        tb.setVerticalSpacing(2)
        tb.addWidget(self.total_amount, 0, 0)
        tb.addWidget(self.total_figures, 1, 0)
        tb.addWidget(self.total_capital, 2, 0)

    def show_totals(self, preview: Preview | None, quote: Quote | None) -> None:
        """The agreement's total; without a preview (a field is wrong), what is owed."""
        if preview is None:
            self.total_amount.setText("应还合计 —")
            self.total_figures.setText(f"欠款 {fmt.money(quote.owed_fen)} 元" if quote else "")
            self.total_capital.setText("改正标红的地方后显示还款计划和应还合计" if quote else "")
            return
        n = len(preview.installments)
        self.total_amount.setText(f"应还合计 {fmt.money(preview.total_fen)} 元")
        self.total_figures.setText(f"= 欠款 {fmt.money(preview.owed_fen)} − 减免 {fmt.money(preview.waived_fen)}"
                                   f"；共 {n} 期，各期合计 {fmt.money(sum(i.amount_fen for i in preview.installments))} 元")
        self.total_capital.setText(f"大写：人民币{to_chinese_capital(preview.total_fen)}")
