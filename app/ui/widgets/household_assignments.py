"""The household page's editor of the people responsible for it (责任人): who, with which duty,
for the whole household or one loan; added from the staff this database knows.

It is filled from a ``HouseholdDetail`` with ``set_detail`` and tells what the user changed with
``changes()`` (only what differs), emitting ``changed`` on each edit.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.stages import DUTY_NAMES
from app.services.households.changes import AssignmentSpec
from app.services.households.detail import HouseholdDetail
from app.services.work.choices import Choice
from app.ui.widgets.edit_tables import cell, edit_table


@dataclass(frozen=True)
class _Duty:
    spec: AssignmentSpec
    name: str
    title: str
    phone: str
    loan_no: str


class AssignmentEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._base: set[AssignmentSpec] = set()
        self._duties: list[_Duty] = []
        self._staff: dict[str, Choice] = {}
        self._loans: list[tuple[str, str]] = []
        self.table = edit_table(["姓名", "职务", "责任", "负责范围", "电话"])
        self.table.setObjectName("assignmentTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        em = self.fontMetrics().horizontalAdvance("中")
        for column, chars in enumerate((5, 6, 6, 10)):
            self.table.horizontalHeader().resizeSection(column, round(chars * em) + 16)
        self.remove_button = QPushButton("移除选中的责任人")
        self.remove_button.setObjectName("removeAssignment")
        self.remove_button.clicked.connect(self.remove_current)
        self.staff = QComboBox()
        self.staff.setObjectName("assignStaff")
        self.staff.setMinimumContentsLength(10)
        self.duty = QComboBox()
        self.duty.setObjectName("assignDuty")
        for duty, label in DUTY_NAMES.items():
            self.duty.addItem(label, duty.value)
        self.scope = QComboBox()
        self.scope.setObjectName("assignScope")
        self.add_button = QPushButton("添加")
        self.add_button.setObjectName("addAssignment")
        self.add_button.clicked.connect(self.add_current)
        add = QHBoxLayout()
        add.addWidget(QLabel("添加责任人："))
        add.addWidget(self.staff, 2)
        add.addWidget(self.duty, 1)
        add.addWidget(self.scope, 1)
        add.addWidget(self.add_button)
        add.addStretch(1)
        add.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.table, 1)
        layout.addLayout(add)

    def set_staff(self, staff: list[Choice]) -> None:
        self._staff = {s.id: s for s in staff}
        self.staff.clear()
        for s in staff:
            self.staff.addItem(s.label, s.id)

    def set_detail(self, d: HouseholdDetail) -> None:
        self._loans = [(ln.id, ln.loan_no) for ln in d.loans]
        self.scope.clear()
        self.scope.addItem("整户", None)
        for loan_id, loan_no in self._loans:
            self.scope.addItem(f"借据 {loan_no}", loan_id)
        self._duties = [_Duty(AssignmentSpec(a.staff_id, a.duty, a.loan_id), a.staff_name, a.staff_title or "",
                              a.staff_phone or "", a.loan_no or "") for a in d.assignments]
        self._base = {x.spec for x in self._duties}
        self._show()

    def _show(self) -> None:
        self.table.setRowCount(0)
        for x in self._duties:
            row = self.table.rowCount()
            self.table.insertRow(row)
            duty = DUTY_NAMES.get(x.spec.duty, x.spec.duty)
            for column, text in enumerate((x.name, x.title, duty, f"借据 {x.loan_no}" if x.loan_no else "整户",
                                           x.phone)):
                self.table.setItem(row, column, cell(text))
        self.remove_button.setEnabled(bool(self._duties))

    def add_current(self) -> None:
        staff_id = self.staff.currentData()
        if staff_id is None:
            return
        spec = AssignmentSpec(staff_id, self.duty.currentData(), self.scope.currentData())
        if any(x.spec == spec for x in self._duties):
            return
        s = self._staff[staff_id]
        loan_no = next((no for lid, no in self._loans if lid == spec.loan_id), "")
        self._duties.append(_Duty(spec, s.name, s.detail, "", loan_no))
        self._show()
        self.changed.emit()

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._duties):
            del self._duties[row]
            self._show()
            self.changed.emit()

    def changes(self) -> list[AssignmentSpec] | None:
        wanted = [x.spec for x in self._duties]
        return None if set(wanted) == self._base else wanted
