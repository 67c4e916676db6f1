"""The household page's side: 建议下一步 (what the rules suggest), what a bank ledger said to check
(台账核实), whether the household's details need checking (已核实), and who is responsible."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.households.detail import HouseholdDetail
from app.ui.widgets.common import clear_layout, scaled_font
from app.ui.widgets.followup_panel import FollowupPanel


class HouseholdSide(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("householdSide")
        self.suggest_panel = QFrame()
        self.suggest_panel.setObjectName("suggestPanel")
        suggest_title = QLabel("建议下一步")
        suggest_title.setObjectName("suggestTitle")
        suggest_title.setFont(scaled_font(self, 1.1, bold=True))
        self.suggest_list = QVBoxLayout()
        self.suggest_list.setSpacing(8)
        sp = QVBoxLayout(self.suggest_panel)
        sp.setContentsMargins(12, 10, 12, 12)
        sp.setSpacing(8)
        sp.addWidget(suggest_title)
        sp.addLayout(self.suggest_list)
        self.review_panel = QFrame()
        self.review_panel.setObjectName("sidePanel")
        self.review_text = QLabel("")
        self.review_text.setWordWrap(True)
        self.review_button = QPushButton("已核实")
        self.review_button.setObjectName("reviewDone")
        self.review_button.setToolTip("核实过这一户的信息后点这里，再点“保存”")
        rp = QVBoxLayout(self.review_panel)
        rp.setContentsMargins(12, 10, 12, 10)
        rp.addWidget(self.review_text)
        rp.addWidget(self.review_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.followup_panel = FollowupPanel()
        self.staff_panel = QLabel("")
        self.staff_panel.setObjectName("staffSummary")
        self.staff_panel.setWordWrap(True)
        self.staff_panel.setTextFormat(Qt.TextFormat.RichText)
        staff_frame = QFrame()
        staff_frame.setObjectName("sidePanel")
        sf = QVBoxLayout(staff_frame)
        sf.setContentsMargins(12, 10, 12, 10)
        sf.addWidget(self.staff_panel)
        side = QVBoxLayout(self)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(10)
        side.addWidget(self.suggest_panel)
        side.addWidget(self.followup_panel)
        side.addWidget(self.review_panel)
        side.addWidget(staff_frame)
        side.addStretch(1)

    def show_household(self, d: HouseholdDetail, tips: list[str]) -> None:
        clear_layout(self.suggest_list)
        for i, text in enumerate(tips or ["暂无建议：按计划跟进即可。"]):
            label = QLabel(f"{i + 1}. {text}" if tips else text)
            label.setProperty("role", "suggestion")
            label.setWordWrap(True)
            if i == 0 and tips:
                label.setFont(scaled_font(self, 1.0, bold=True))
            self.suggest_list.addWidget(label)
        self.followup_panel.set_items(d.followups)
        self.review_panel.setVisible(d.needs_review)
        self.review_text.setText("⚠ 这一户的信息需要核实" + (f"：{d.review_note}" if d.review_note else ""))
        self.staff_panel.setText("<b>责任人</b><br>" + ("<br>".join(
            f"{a.staff_name}（{a.duty_name}{'，借据 ' + a.loan_no if a.loan_no else ''}）"
            + (f" {a.staff_phone}" if a.staff_phone else "") for a in d.assignments) or "尚未指定"))

    def mark_reviewed(self) -> None:
        """已核实 pressed: it holds once the page is saved."""
        self.review_button.setEnabled(False)
        self.review_text.setText("已标记为核实（点“保存”后生效）")
