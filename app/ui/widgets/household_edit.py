"""The editable parts of the household page: people (and the household's phone, address, note),
categories with the judgement of capacity to repay, and the responsible people.

Each editor is filled from a ``HouseholdDetail`` with ``set_detail`` and tells what the user
changed with ``changes()`` (only what differs), emitting ``changed`` on each edit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.categories import BULLETIN_GROUPS, BY_CODE, CATEGORIES
from app.domain.errors import InputError
from app.domain.stages import CAPACITY_NAMES, DUTY_NAMES, ROLE_NAMES, Capacity, PersonRole
from app.services.households.changes import AssignmentSpec, NewPerson, PersonChange
from app.services.households.detail import HouseholdDetail, PersonInfo
from app.services.work.choices import Choice
from app.ui.widgets.fields import FieldNote

_CHECK = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
_EDIT = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsSelectable
_READ = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _table(columns: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                          | QAbstractItemView.EditTrigger.AnyKeyPressed)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    return table


def _item(text: str, flags=_READ) -> QTableWidgetItem:
    item = QTableWidgetItem(text or "")
    item.setFlags(flags)
    return item


def _check(on: bool) -> QTableWidgetItem:
    item = QTableWidgetItem("")
    item.setFlags(_CHECK)
    item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
    return item


# -- people ------------------------------------------------------------------------------------
class PersonDialog(QDialog):
    """添加人员: name, role, ID number, phone."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("添加人员")
        self.name = QLineEdit()
        self.name.setObjectName("personName")
        self.role = QComboBox()
        self.role.setObjectName("personRole")
        for role, label in ROLE_NAMES.items():
            self.role.addItem(label, role.value)
        self.role.setCurrentIndex(self.role.findData(PersonRole.GUARANTOR.value))
        self.id_number = QLineEdit()
        self.phone = QLineEdit()
        self.note = FieldNote()
        form = QFormLayout()
        form.addRow("姓名：", self.name)
        form.addRow("身份：", self.role)
        form.addRow("身份证号：", self.id_number)
        form.addRow("电话：", self.phone)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("添加")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not self.name.text().strip():
            self.note.show_message("请填写姓名")
            self.name.setFocus()
            return
        self.accept()

    def person(self) -> NewPerson:
        return NewPerson(name=self.name.text().strip(), role=self.role.currentData(),
                         id_number=self.id_number.text().strip() or None, phone=self.phone.text().strip() or None)


class PeopleEditor(QWidget):
    """The household's phone, address and note; its people with their flags."""

    changed = Signal()
    COLUMNS = ["姓名", "身份", "身份证号", "电话", "已死亡", "服刑", "刑满释放日期", "失联", "备注"]
    C_PHONE, C_DEAD, C_PRISON, C_RELEASE, C_UNREACH, C_NOTE = 3, 4, 5, 6, 7, 8

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._people: list[PersonInfo] = []
        self._new: list[NewPerson] = []
        self._filling = False
        self._base = ("", "", "")
        self.phone = QLineEdit()
        self.phone.setObjectName("householdPhone")
        self.address = QLineEdit()
        self.address.setObjectName("householdAddress")
        self.note = QLineEdit()
        self.note.setObjectName("householdNote")
        for field in (self.phone, self.address, self.note):
            field.textEdited.connect(lambda _t: self._edited())
        top = QHBoxLayout()
        top.addWidget(QLabel("户主电话"))
        top.addWidget(self.phone, 2)
        top.addWidget(QLabel("住址"))
        top.addWidget(self.address, 4)
        top.addWidget(QLabel("备注"))
        top.addWidget(self.note, 4)

        self.table = _table(self.COLUMNS)
        self.table.setObjectName("peopleTable")
        self.table.itemChanged.connect(lambda _i: self._edited())
        em = self.fontMetrics().horizontalAdvance("中")
        for column, chars in enumerate((4, 5, 11, 7, 3.5, 3.5, 7, 3.5)):
            self.table.horizontalHeader().resizeSection(column, round(chars * em) + 16)
        self.add_button = QPushButton("添加人员…")
        self.add_button.setObjectName("addPerson")
        self.add_button.setToolTip("添加担保人、继承人、配偶等")
        self.add_button.clicked.connect(self.add_person)
        hint = QLabel("勾选“已死亡 / 服刑 / 失联”，双击电话、释放日期或备注可修改；改完点“保存”。")
        hint.setObjectName("muted")
        bottom = QHBoxLayout()
        bottom.addWidget(hint, 1)
        bottom.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def set_detail(self, d: HouseholdDetail) -> None:
        self._filling = True
        self._people, self._new = list(d.people), []
        self._base = (d.phone or "", d.address or "", d.note or "")
        self.phone.setText(self._base[0])
        self.address.setText(self._base[1])
        self.note.setText(self._base[2])
        self.table.setRowCount(0)
        for p in self._people:
            self._append(p.name, p.role_name, p.id_number or "", p.phone or "", p.is_deceased, p.is_imprisoned,
                         p.release_date.isoformat() if p.release_date else "", p.is_unreachable, p.note or "")
        self._filling = False

    def _append(self, name, role, id_number, phone, dead, prison, release, unreach, note, new=False) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, _item(name + ("（新增）" if new else "")))
        self.table.setItem(row, 1, _item(role))
        self.table.setItem(row, 2, _item(id_number))
        self.table.setItem(row, self.C_PHONE, _item(phone, _READ if new else _EDIT))
        self.table.setItem(row, self.C_DEAD, _check(dead) if not new else _item(""))
        self.table.setItem(row, self.C_PRISON, _check(prison) if not new else _item(""))
        self.table.setItem(row, self.C_RELEASE, _item(release, _READ if new else _EDIT))
        self.table.setItem(row, self.C_UNREACH, _check(unreach) if not new else _item(""))
        self.table.setItem(row, self.C_NOTE, _item(note, _READ if new else _EDIT))
        self.table.item(row, self.C_RELEASE).setToolTip("服刑人员的刑满释放日期，例如 2028-05-01")

    def add_person(self) -> None:
        dialog = PersonDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._added(dialog.person()))
        dialog.open()

    def _added(self, person: NewPerson) -> None:
        self._new.append(person)
        self._filling = True
        self._append(person.name, ROLE_NAMES.get(PersonRole(person.role), person.role), person.id_number or "",
                     person.phone or "", False, False, "", False, "", new=True)
        self._filling = False
        self._edited()

    def _edited(self) -> None:
        if not self._filling:
            self.changed.emit()

    def _checked(self, row: int, column: int) -> bool:
        return self.table.item(row, column).checkState() == Qt.CheckState.Checked

    def _text(self, row: int, column: int) -> str:
        return self.table.item(row, column).text().strip()

    def changes(self) -> tuple[list[PersonChange], list[NewPerson], dict]:
        """Changed people, new people, and the household's changed text fields.  ``InputError``
        for a release date that is not a date."""
        out: list[PersonChange] = []
        for row, p in enumerate(self._people):
            change = PersonChange(p.id)
            any_change = False
            for column, attr in ((self.C_DEAD, "is_deceased"), (self.C_PRISON, "is_imprisoned"),
                                 (self.C_UNREACH, "is_unreachable")):
                value = self._checked(row, column)
                if value != getattr(p, attr):
                    setattr(change, attr, value)
                    any_change = True
            for column, attr in ((self.C_PHONE, "phone"), (self.C_NOTE, "note")):
                value = self._text(row, column)
                if value != (getattr(p, attr) or ""):
                    setattr(change, attr, value)
                    any_change = True
            release = self._text(row, self.C_RELEASE)
            if release != (p.release_date.isoformat() if p.release_date else ""):
                if release:
                    try:
                        change.release_date = date.fromisoformat(release.replace("/", "-").replace(".", "-"))
                    except ValueError:
                        raise InputError(f"{p.name}的刑满释放日期“{release}”不是日期，请写成 2028-05-01 这样") from None
                    any_change = True
            if any_change:
                out.append(change)
        fields = {}
        for attr, widget, base in zip(("phone", "address", "note"), (self.phone, self.address, self.note), self._base):
            if widget.text().strip() != base:
                fields[attr] = widget.text().strip()
        return out, list(self._new), fields


# -- categories and the judgement of capacity ----------------------------------------------------
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


# -- responsible people --------------------------------------------------------------------------
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
        self.table = _table(["姓名", "职务", "责任", "负责范围", "电话"])
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
                self.table.setItem(row, column, _item(text))
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
