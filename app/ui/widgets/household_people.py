"""The household page's editor of its people (and the household's phone, address and note):
flags such as 已死亡 / 服刑 / 失联 per person, and 添加人员 (``PersonDialog``).

It is filled from a ``HouseholdDetail`` with ``set_detail`` and tells what the user changed with
``changes()`` (only what differs), emitting ``changed`` on each edit.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import InputError
from app.domain.stages import ROLE_NAMES, PersonRole
from app.services.households.changes import NewPerson, PersonChange
from app.services.households.detail import HouseholdDetail, PersonInfo
from app.ui.widgets.edit_tables import EDIT, READ, cell, check_cell, edit_table
from app.ui.widgets.fields import FieldNote


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

        self.table = edit_table(self.COLUMNS)
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
        self.table.setItem(row, 0, cell(name + ("（新增）" if new else "")))
        self.table.setItem(row, 1, cell(role))
        self.table.setItem(row, 2, cell(id_number))
        self.table.setItem(row, self.C_PHONE, cell(phone, READ if new else EDIT))
        self.table.setItem(row, self.C_DEAD, check_cell(dead) if not new else cell(""))
        self.table.setItem(row, self.C_PRISON, check_cell(prison) if not new else cell(""))
        self.table.setItem(row, self.C_RELEASE, cell(release, READ if new else EDIT))
        self.table.setItem(row, self.C_UNREACH, check_cell(unreach) if not new else cell(""))
        self.table.setItem(row, self.C_NOTE, cell(note, READ if new else EDIT))
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
