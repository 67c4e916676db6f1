"""The agreement dialog's 还款计划 box: how the debt is repaid (lump sum, monthly, quarterly or
on dates of one's own), in how many installments from which day, equal or typed amounts, and
the schedule table that follows the fields (its dates and amounts editable when chosen so)."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from app.domain.dates import add_months
from app.domain.schedule import MAX_INSTALLMENTS, due_dates
from app.services.agreements import plan_form
from app.services.agreements.agreements import PlanRequest
from app.ui import formatting as fmt
from app.ui.models.agreement_plan import PlanModel
from app.ui.widgets.fields import FieldNote, date_edit, date_of, qdate
from app.ui.widgets.tables import make_table_view, rows_height

FREQUENCIES = (("lump", "一次性还清"), ("monthly", "按月分期"), ("quarterly", "按季分期"), ("custom", "自选日期"))
DEFAULT_INSTALLMENTS = 6


class _DateDelegate(QStyledItemDelegate):
    """Dates in the schedule are edited with a calendar, written yyyy-MM-dd."""

    def createEditor(self, parent, option, index):
        return date_edit(date.today(), parent)


class PlanEditor(QGroupBox):
    changed = Signal()  # any of its fields, or an amount or date in the schedule

    def __init__(self, parent: QWidget, today: date):
        super().__init__("还款计划", parent)
        self.preview_fens: list[int] | None = None  # the amounts the last preview gave each installment
        self.frequency = QComboBox()
        self.frequency.setObjectName("frequency")
        for key, label in FREQUENCIES:
            self.frequency.addItem(label, key)
        self.frequency.setCurrentIndex(1)
        self.count = QSpinBox()
        self.count.setObjectName("installments")
        self.count.setRange(1, MAX_INSTALLMENTS)
        self.count.setValue(DEFAULT_INSTALLMENTS)
        self.count.setSuffix(" 期")
        self.first_due = date_edit(add_months(today, 1), self, object_name="firstDue")
        self.first_due_note = FieldNote(self, object_name="firstDueNote")
        self.equal = QRadioButton("平均分配")
        self.equal.setObjectName("equalAmounts")
        self.equal.setToolTip("各期金额相同（整元），余数放在最后一期")
        self.typed = QRadioButton("逐期填写（可留一期空着，取剩余金额）")
        self.typed.setToolTip("在下表黄色格子里填写各期金额；留空的一期取剩余金额")
        self.typed.setObjectName("typedAmounts")
        self.equal.setChecked(True)
        self.amount_mode = QButtonGroup(self)
        self.amount_mode.addButton(self.equal)
        self.amount_mode.addButton(self.typed)
        plan_row = QHBoxLayout()
        plan_row.setSpacing(6)
        plan_row.addWidget(QLabel("方式"))
        plan_row.addWidget(self.frequency)
        plan_row.addSpacing(8)
        plan_row.addWidget(QLabel("期数"))
        plan_row.addWidget(self.count)
        plan_row.addSpacing(8)
        self.first_due_label = QLabel("第一期还款日")
        plan_row.addWidget(self.first_due_label)
        plan_row.addWidget(self.first_due)
        plan_row.addStretch(1)
        mode_row = QHBoxLayout()
        mode_row.addWidget(QLabel("金额"))
        mode_row.addWidget(self.equal)
        mode_row.addWidget(self.typed)
        mode_row.addStretch(1)
        self.schedule = PlanModel(self)
        self.schedule_view = make_table_view(self.schedule, self)  # type: ignore[arg-type]
        self.schedule_view.setObjectName("planTable")
        self.schedule_view.setSortingEnabled(False)
        self.schedule_view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.schedule_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.schedule_view.setItemDelegateForColumn(1, _DateDelegate(self.schedule_view))
        self.schedule_view.setMinimumHeight(rows_height(self.schedule_view, 3))
        self.plan_note = FieldNote(self, object_name="planNote")
        pb = QVBoxLayout(self)
        pb.addLayout(plan_row)
        pb.addWidget(self.first_due_note)
        pb.addLayout(mode_row)
        pb.addWidget(self.schedule_view, 1)
        pb.addWidget(self.plan_note)

        self.first_due.dateChanged.connect(self._changed)
        self.frequency.currentIndexChanged.connect(self._frequency_changed)
        self.count.valueChanged.connect(self._changed)
        self.typed.toggled.connect(self._amount_mode_changed)
        self.schedule.edited.connect(self._changed)

    def _changed(self, *_args) -> None:
        self.changed.emit()

    def fields(self) -> list[QWidget]:
        return [self.frequency, self.count, self.first_due, self.equal, self.typed, self.schedule_view]

    def installments(self) -> int:
        return plan_form.installments(self.frequency.currentData(), self.count.value())

    def typed_texts(self) -> list[str] | None:
        """The amounts typed into the schedule; None when the amounts are equal."""
        return self.schedule.texts() if self.typed.isChecked() else None

    def fill(self, r: PlanRequest, as_of: date) -> None:
        """Show the plan of an agreement being revised (its first day no earlier than ``as_of``)."""
        self.frequency.setCurrentIndex(self.frequency.findData(r.frequency))
        n = len(r.dates) if r.dates else (r.installments or 1)
        self.count.setValue(n)
        first = r.first_due or (r.dates[0] if r.dates else add_months(as_of, 1))
        self.first_due.setDate(qdate(first if first >= as_of else add_months(as_of, 1)))
        if r.amounts_fen is not None:
            self.typed.setChecked(True)
        self.sync(dates=r.dates, texts=[fmt.money(a).replace(",", "") if a is not None else ""
                                        for a in r.amounts_fen] if r.amounts_fen else None)

    def _frequency_changed(self) -> None:
        key = self.frequency.currentData()
        lump = key == "lump"
        self.count.setEnabled(not lump)
        if lump:
            self.count.setValue(1)
        elif self.count.value() == 1:
            self.count.setValue(DEFAULT_INSTALLMENTS if key != "custom" else 2)
        custom = key == "custom"
        self.first_due.setVisible(not custom)
        self.first_due_label.setVisible(not custom)
        if custom:  # start from the dates the plan had, to edit
            self.sync(dates=[d for d in self.schedule.dates() if d] or None)
        self.changed.emit()

    def _amount_mode_changed(self, typed: bool) -> None:
        if typed and not any(t.strip() for t in self.schedule.texts()):
            fens = [r.fen for r in self.schedule.rows]
            if fens and all(f is not None for f in fens):  # start from the equal amounts, the last one "the rest"
                texts = [fmt.money(f).replace(",", "") for f in fens[:-1]] + [""]
                self.sync(texts=texts)
        self.changed.emit()

    def sync(self, *, dates: list[date] | None = None, texts: list[str] | None = None) -> None:
        """Make the schedule table match the plan fields (row count, dates, what is editable)."""
        n = self.installments()
        key = self.frequency.currentData()
        custom = key == "custom"
        first = date_of(self.first_due)
        if custom:
            have = list(dates) if dates is not None else [d for d in self.schedule.dates()]
            if not have:
                have = due_dates(first, 1, "monthly")
            while len(have) < n:
                have.append(add_months(have[-1] or first, 1))
            shown = have[:n]
        else:
            shown = due_dates(first, n, "lump" if key == "lump" else key)
        typed = self.typed.isChecked()
        words = list(texts) if texts is not None else self.schedule.texts()
        words = (words + [""] * n)[:n] if typed else []
        fens = self.preview_fens if self.preview_fens is not None and len(self.preview_fens) == n else None
        self.schedule.set_plan(shown, words, fens, dates_editable=custom, amounts_editable=typed)
