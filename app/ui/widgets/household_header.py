"""The household page's top bar: 返回列表, who the household is (name, capacity badge, category
chips, where and how to reach them) and the page's actions (记录走访, 登记还款, 新建还款协议, 保存)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.categories import BY_CODE
from app.services.households.detail import HouseholdDetail
from app.ui.widgets.common import clear_layout, scaled_font


def badge(text: str, role: str = "badge", **props) -> QLabel:
    """A rounded label styled by the page's style sheet (``role`` badge or chip)."""
    label = QLabel(text)
    label.setProperty("role", role)
    for k, v in props.items():
        label.setProperty(k, v)
    return label


class HouseholdHeader(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.back_button = QPushButton("← 返回列表")
        self.back_button.setObjectName("backToList")
        self.back_button.setToolTip("回到借款户列表（Alt+←）")
        self.name = QLabel("")
        self.name.setObjectName("householdName")
        self.name.setFont(scaled_font(self, 1.55, bold=True))
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.capacity_badge = badge("")
        self.capacity_badge.setObjectName("capacityBadge")
        self.chips = QHBoxLayout()
        self.chips.setSpacing(6)
        self.subline = QLabel("")
        self.subline.setObjectName("pageSubtitle")
        self.subline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title_row = QHBoxLayout()
        title_row.setSpacing(10)
        title_row.addWidget(self.name)
        title_row.addWidget(self.capacity_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        title_row.addLayout(self.chips)
        title_row.addStretch(1)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addLayout(title_row)
        texts.addWidget(self.subline)

        self.visit_button = QPushButton("记录走访…")
        self.visit_button.setObjectName("recordVisit")
        self.visit_button.setToolTip("记录一次走访（Ctrl+N）")
        self.repay_button = QPushButton("登记还款…")
        self.repay_button.setObjectName("recordRepayment")
        self.repay_button.setToolTip("登记选中贷款（或第一笔尚欠的贷款）的一笔还款")
        self.agreement_button = QPushButton("新建还款协议…")
        self.agreement_button.setObjectName("newAgreement")
        self.agreement_button.setToolTip("为这一户（选中的贷款）起草还款协议")
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveHousehold")
        self.save_button.setToolTip("保存人员、类别、研判和责任人的修改（Ctrl+S）")
        self.unsaved = QLabel("有未保存的修改")
        self.unsaved.setObjectName("unsaved")
        self.unsaved.setVisible(False)
        top = QHBoxLayout(self)
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(10)
        top.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(texts, 1)
        for w in (self.unsaved, self.visit_button, self.repay_button, self.agreement_button, self.save_button):
            top.addWidget(w, 0, Qt.AlignmentFlag.AlignVCenter)

    def show_household(self, d: HouseholdDetail) -> None:
        self.name.setText(d.head_name)
        self.capacity_badge.setText(d.capacity_name)
        self.capacity_badge.setProperty("level", d.capacity)
        self.capacity_badge.setToolTip(f"还款能力研判：{d.capacity_name}" + (f"。理由：{d.capacity_reason}"
                                                                              if d.capacity_reason else ""))
        self.capacity_badge.style().unpolish(self.capacity_badge)
        self.capacity_badge.style().polish(self.capacity_badge)
        clear_layout(self.chips)
        for code in d.category_codes:
            cat = BY_CODE.get(code)
            chip = badge(cat.short if cat else code, "chip")
            chip.setToolTip(cat.name if cat else code)
            self.chips.addWidget(chip)
        if d.promise_broken:
            self.chips.addWidget(badge("承诺未兑现", "chip", alert=True))
        if d.open_followups:
            self.chips.addWidget(badge("台账待核实", "chip", alert=True))
        where = " ".join(p for p in (d.township, d.village, d.group_name or "") if p)
        parts = [where, f"电话 {d.phone}" if d.phone else "无电话", f"身份证 {d.head_id_number}" if d.head_id_number else "",
                 d.address or ""]
        self.subline.setText("  ·  ".join(p for p in parts if p))
        self.repay_button.setEnabled(bool(d.loans))

    def set_dirty(self, dirty: bool) -> None:
        self.save_button.setEnabled(dirty)
        self.unsaved.setVisible(dirty)
