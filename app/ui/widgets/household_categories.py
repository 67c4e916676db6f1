"""The household page's editor of its special categories (特殊类别) and the judgement of its
capacity to repay (还款能力, with the reason a judgement other than 有能力 needs).

It is filled from a ``HouseholdDetail`` with ``set_detail`` and tells what the user changed with
``changes()`` (only what differs), emitting ``changed`` on each edit.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.categories import BULLETIN_GROUPS, BY_CODE, CATEGORIES
from app.domain.stages import CAPACITY_NAMES, Capacity
from app.services.households.detail import HouseholdDetail
from app.ui.widgets.fields import FieldNote


class CategoryCapacityEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._filling = False
        self._base_codes: tuple[str, ...] = ()
        self._base_capacity = Capacity.UNKNOWN.value
        self._base_reason = ""
        self.checks: dict[str, QCheckBox] = {}
        cats = QGroupBox("特殊类别（可多选）")
        grid = QGridLayout(cats)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        half = (len(BULLETIN_GROUPS) + 1) // 2
        for i, (group, title) in enumerate(BULLETIN_GROUPS):
            members = [c for c in CATEGORIES if c.group == group]
            row = QHBoxLayout()
            row.setSpacing(10)
            if len(members) == 1:
                box = QCheckBox(members[0].name)
                self.checks[members[0].code] = box
                row.addWidget(box)
            else:
                label = QLabel(title.split("（")[0] + "：")
                row.addWidget(label)
                for c in members:
                    box = QCheckBox(c.short)
                    box.setToolTip(c.name)
                    self.checks[c.code] = box
                    row.addWidget(box)
            row.addStretch(1)
            grid.addLayout(row, i % half, i // half)
        for code, box in self.checks.items():
            box.setObjectName(f"category_{code}")
            box.toggled.connect(lambda _on: self._edited())
        self.loan_tags = QLabel("")
        self.loan_tags.setObjectName("muted")
        self.loan_tags.setWordWrap(True)
        grid.addWidget(self.loan_tags, half, 0, 1, 2)

        judge = QGroupBox("还款能力研判")
        self.capacity_group = QButtonGroup(self)
        radios = QHBoxLayout()
        self.radios: dict[str, QRadioButton] = {}
        for cap, label in CAPACITY_NAMES.items():
            radio = QRadioButton(label)
            radio.setObjectName(f"capacity_{cap.value}")
            self.capacity_group.addButton(radio)
            self.radios[cap.value] = radio
            radios.addWidget(radio)
            radio.toggled.connect(lambda _on: self._edited())
        radios.addStretch(1)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("capacityReason")
        self.reason.setPlaceholderText("研判理由：例如 外出务工有稳定收入；家中有房产、车辆……")
        self.reason.setFixedHeight(self.fontMetrics().height() * 3 + 16)
        self.reason.setTabChangesFocus(True)
        self.reason.textChanged.connect(self._edited)
        self.reason_note = FieldNote(object_name="reasonNote")
        jl = QVBoxLayout(judge)
        jl.addLayout(radios)
        jl.addWidget(QLabel("理由（研判为“未研判”以外的结论时必填）："))
        jl.addWidget(self.reason)
        jl.addWidget(self.reason_note)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(cats)
        layout.addWidget(judge)
        layout.addStretch(1)

    def set_detail(self, d: HouseholdDetail) -> None:
        self._filling = True
        self._base_codes = tuple(sorted(d.household_category_codes))
        for code, box in self.checks.items():
            box.setChecked(code in self._base_codes)
        on_loans = [c for c in d.categories if c.loan_id is not None]
        self.loan_tags.setText("贷款上另有类别（不在这里修改）：" + "、".join(
            f"{BY_CODE[c.code].short if c.code in BY_CODE else c.code}（借据 {c.loan_no}）" for c in on_loans)
            if on_loans else "")
        self.loan_tags.setVisible(bool(on_loans))
        self._base_capacity, self._base_reason = d.capacity, d.capacity_reason or ""
        radio = self.radios.get(d.capacity) or self.radios[Capacity.UNKNOWN.value]
        radio.setChecked(True)
        self.reason.setPlainText(self._base_reason)
        self.reason_note.show_message(None)
        self._filling = False

    def _edited(self) -> None:
        if not self._filling:
            self.reason_note.show_message(None)
            self.changed.emit()

    def categories(self) -> tuple[str, ...]:
        return tuple(sorted(code for code, box in self.checks.items() if box.isChecked()))

    def capacity(self) -> str:
        return next((cap for cap, radio in self.radios.items() if radio.isChecked()), Capacity.UNKNOWN.value)

    def check(self) -> str | None:
        """A problem to show next to the reason, or None."""
        cap = self.capacity()
        if cap != Capacity.UNKNOWN.value and not self.reason.toPlainText().strip():
            return f"请填写研判为“{CAPACITY_NAMES[Capacity(cap)]}”的理由"
        return None

    def changes(self) -> dict:
        out: dict = {}
        if self.categories() != self._base_codes:
            out["categories"] = list(self.categories())
        if self.capacity() != self._base_capacity:
            out["capacity"] = self.capacity()
        reason = self.reason.toPlainText().strip()
        if reason != self._base_reason or "capacity" in out:
            out["capacity_reason"] = reason
        return out

    def show_problem(self, text: str | None) -> None:
        self.reason_note.show_message(text)
        if text:
            self.reason.setFocus()
