"""记录走访: fast by keyboard.  Date (today), who went (remembered), how and what came of it
(type the number in front of a choice), a promise, the next follow-up date, a note.
Enter saves; Ctrl+Enter saves and clears the form for the next visit.

Opened from the household page (the household is known) or from the 走访 page / the list,
where the first field finds the household as you type (name, pinyin initials, ID, phone).
"""
from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QStringListModel, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db.session import Database
from app.domain.errors import InputError
from app.domain.money import format_yuan
from app.domain.stages import METHOD_NAMES, OUTCOME_NAMES, VisitOutcome
from app.services import households
from app.services.households import HouseholdFilter, HouseholdRow
from app.services.work import visits
from app.ui import settings as ui_settings
from app.ui.actor import actor
from app.ui.dialogs.write_dialog import WriteDialog
from app.ui.widgets.fields import MoneyEdit, date_of, qdate
from app.ui.widgets.local_keys import LocalKeys

FOLLOW_UP_DAYS = 14
PROMISE_OUTCOMES = (VisitOutcome.PROMISED.value, VisitOutcome.PARTIAL.value)
_VISITORS_KEY = "visit/visitors"
_METHOD_KEY = "visit/method"
_RECENT_KEY = "visit/recent_visitors"


def describe(r: HouseholdRow) -> str:
    where = " ".join(p for p in (r.village, r.group_name) if p)
    return f"{r.head_name}  ·  {where}  ·  剩余 {format_yuan(r.outstanding_fen)} 元"


class NumberCombo(QComboBox):
    """A choice list whose items start with a number: pressing the digit picks the item at once."""

    def keyPressEvent(self, event) -> None:
        text = event.text()
        if len(text) == 1 and text.isdigit() and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            index = int(text) - 1
            if 0 <= index < self.count():
                self.setCurrentIndex(index)
                return
        super().keyPressEvent(event)


class HouseholdPicker(QLineEdit):
    """Type a name, pinyin initials, an ID or a phone; pick one of the households offered."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.household_id: str | None = None
        self._found: dict[str, str] = {}
        self.setObjectName("visitHousehold")
        self.setPlaceholderText("输入姓名、拼音首字母、身份证号或电话，再从列表中选择")
        self.setClearButtonEnabled(True)
        self.model = QStringListModel(self)
        self.completer_ = QCompleter(self.model, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setMaxVisibleItems(12)
        self.setCompleter(self.completer_)
        self.completer_.activated.connect(self.choose_text)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.search)
        self.textEdited.connect(self._typed)

    def _typed(self, _text: str) -> None:
        self.household_id = None
        self._timer.start()

    def search(self) -> None:
        text = self.text().strip()
        if not text:
            self.model.setStringList([])
            return
        page = households.page(self.db, HouseholdFilter(text=text), "name", limit=15)
        rows = households.rows(self.db, page.ids)
        self._found = {describe(r): r.id for r in rows}
        self.model.setStringList(list(self._found))
        if rows:
            self.completer_.complete()

    def choose_text(self, text: str) -> None:
        self.household_id = self._found.get(text)
        self.setText(text)

    def choose(self, row: HouseholdRow) -> None:
        self._found = {describe(row): row.id}
        self.choose_text(describe(row))

    def reset(self) -> None:
        self.household_id = None
        self._found = {}
        self.clear()


class VisitDialog(WriteDialog):
    def __init__(self, parent: QWidget | None, db: Database, household_id: str | None = None):
        super().__init__(parent, db, "记录走访")
        self.setObjectName("visitDialog")
        self.fixed_household = household_id
        self.next_touched = False
        today = date.today()
        form = QFormLayout()
        form.setVerticalSpacing(8)

        self.picker: HouseholdPicker | None = None
        self.household_label = QLabel("")
        self.household_label.setObjectName("visitHouseholdLabel")
        if household_id:
            rows = households.rows(db, [household_id])
            self.household_label.setText(describe(rows[0]) if rows else "（找不到这一户）")
            self.household_label.setStyleSheet("font-weight: bold;")
            form.addRow("借款户：", self.household_label)
        else:
            self.picker = HouseholdPicker(db)
            form.addRow("借款户：", self.picker)

        self.visited_on = QDateEdit(qdate(today))
        self.visited_on.setObjectName("visitDate")
        self.visited_on.setCalendarPopup(True)
        self.visited_on.setDisplayFormat("yyyy-MM-dd")
        self.visited_on.setMinimumDate(QDate(2000, 1, 1))
        self.visited_on.setMaximumDate(qdate(today))
        form.addRow("走访日期：", self.visited_on)

        s = ui_settings.settings()
        self.visitors = QLineEdit(str(s.value(_VISITORS_KEY, "") or ""))
        self.visitors.setObjectName("visitors")
        self.visitors.setPlaceholderText("谁去的，例如：王五、村干部李六")
        recent = s.value(_RECENT_KEY, []) or []
        if isinstance(recent, str):
            recent = [recent]
        if recent:
            done = QCompleter(list(recent), self.visitors)
            done.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.visitors.setCompleter(done)
        form.addRow("走访人：", self.visitors)

        self.method = NumberCombo()
        self.method.setObjectName("visitMethod")
        for i, (m, label) in enumerate(METHOD_NAMES.items(), start=1):
            self.method.addItem(f"{i} {label}", m.value)
        remembered = self.method.findData(s.value(_METHOD_KEY, "home"))
        self.method.setCurrentIndex(max(0, remembered))
        self.method.setToolTip("按数字键快速选择")
        form.addRow("方式：", self.method)

        self.outcome = NumberCombo()
        self.outcome.setObjectName("visitOutcome")
        for i, (o, label) in enumerate(OUTCOME_NAMES.items(), start=1):
            self.outcome.addItem(f"{i} {label}", o.value)
        self.outcome.setPlaceholderText("请选择（按数字键 1–7）")
        self.outcome.setCurrentIndex(-1)
        self.outcome.setToolTip("按数字键快速选择")
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        form.addRow("结果：", self.outcome)

        self.promised = MoneyEdit(object_name="promisedAmount", placeholder="承诺金额（元）")
        self.promised_on = QDateEdit(qdate(today + timedelta(days=FOLLOW_UP_DAYS)))
        self.promised_on.setObjectName("promisedDate")
        self.promised_on.setCalendarPopup(True)
        self.promised_on.setDisplayFormat("yyyy-MM-dd")
        self.promised_on.setMinimumDate(qdate(today))
        self.promised_on.dateChanged.connect(self._promise_date_changed)
        promise = QHBoxLayout()
        promise.addWidget(self.promised)
        promise.addWidget(QLabel("元，还款日期"))
        promise.addWidget(self.promised_on)
        promise.addStretch(1)
        self.promise_row = QWidget()
        self.promise_row.setLayout(promise)
        promise.setContentsMargins(0, 0, 0, 0)
        form.addRow("承诺还款：", self.promise_row)

        self.next_date = QDateEdit(qdate(today + timedelta(days=FOLLOW_UP_DAYS)))
        self.next_date.setObjectName("nextDate")
        self.next_date.setCalendarPopup(True)
        self.next_date.setDisplayFormat("yyyy-MM-dd")
        self.next_date.setMinimumDate(qdate(today))
        self.next_date.dateChanged.connect(lambda _d: setattr(self, "next_touched", True))
        self.no_next = QCheckBox("不安排")
        self.no_next.setObjectName("noNextDate")
        self.no_next.toggled.connect(lambda on: self.next_date.setEnabled(not on))
        nxt = QHBoxLayout()
        nxt.setContentsMargins(0, 0, 0, 0)
        nxt.addWidget(self.next_date)
        for days in (7, 14, 30):
            b = QPushButton(f"+{days}天")
            b.setAutoDefault(False)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setToolTip(f"走访日期后 {days} 天")
            b.clicked.connect(lambda _c=False, n=days: self._next_in(n))
            nxt.addWidget(b)
        nxt.addWidget(self.no_next)
        nxt.addStretch(1)
        form.addRow("下次跟进：", nxt)

        self.note = QLineEdit()
        self.note.setObjectName("visitNote")
        self.note.setPlaceholderText("情况说明（可不填）")
        form.addRow("备注：", self.note)

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存（回车）", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveVisit")
        self.save_button.setDefault(True)
        self.next_button = buttons.addButton("保存并记下一条（Ctrl+回车）", QDialogButtonBox.ButtonRole.ActionRole)
        self.next_button.setObjectName("saveVisitNext")
        self.next_button.setAutoDefault(False)
        cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setAutoDefault(False)
        self._buttons = [self.save_button, self.next_button]
        self.save_button.clicked.connect(lambda: self.save(close=True))
        self.next_button.clicked.connect(lambda: self.save(close=False))
        cancel.clicked.connect(self.reject)
        self.keys = LocalKeys(self, {"Ctrl+Return": lambda: self.save(close=False),
                                     "Ctrl+Enter": lambda: self.save(close=False)})

        layout = QVBoxLayout(self)
        layout.addWidget(self.done_note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 34)
        self._outcome_changed()
        self.next_touched = False
        (self.picker or self.outcome).setFocus()

    # -- the form ----------------------------------------------------------------------------
    def _outcome_changed(self, *_args) -> None:
        self.promise_row.setEnabled(self.outcome.currentData() in PROMISE_OUTCOMES)
        self.error.show_message(None)

    def _promise_date_changed(self, d: QDate) -> None:
        if not self.next_touched and not self.no_next.isChecked():
            self.next_date.blockSignals(True)
            self.next_date.setDate(d.addDays(1))
            self.next_date.blockSignals(False)

    def _next_in(self, days: int) -> None:
        self.no_next.setChecked(False)
        self.next_date.setDate(self.visited_on.date().addDays(days))

    def household_id(self) -> str | None:
        return self.fixed_household or (self.picker.household_id if self.picker else None)

    # -- saving ------------------------------------------------------------------------------
    def save(self, close: bool = True) -> None:
        hid = self.household_id()
        if not hid:
            self.refuse("请先选择借款户：输入姓名或拼音首字母，再从弹出的列表中选一户", self.picker)
            return
        outcome = self.outcome.currentData()
        if outcome is None:
            self.refuse("请选择走访结果（可按数字键 1–7）", self.outcome)
            return
        promised_fen, promised_on = None, None
        if outcome in PROMISE_OUTCOMES:
            try:
                promised_fen = self.promised.fen("承诺金额")
            except InputError as exc:
                self.refuse(str(exc), self.promised)
                return
            if promised_fen is not None and promised_fen <= 0:
                self.refuse("承诺金额必须大于 0", self.promised)
                return
            if outcome == VisitOutcome.PROMISED.value or promised_fen is not None:
                promised_on = date_of(self.promised_on)
        db = self.db
        kwargs = dict(household_id=hid, outcome=outcome, method=self.method.currentData(),
                      visited_on=date_of(self.visited_on), visitors=self.visitors.text().strip() or None,
                      promised_fen=promised_fen, promised_date=promised_on,
                      next_date=None if self.no_next.isChecked() else date_of(self.next_date),
                      note=self.note.text().strip() or None, actor=actor())
        self.write(lambda: visits.record_visit(db, **kwargs), lambda r: self._saved(r, close))

    def _saved(self, result: visits.VisitResult, close: bool) -> None:
        self._remember()
        if close:
            self.accept()
            return
        self.done_note.setText(f"已记录：{result.head_name} {result.visited_on} {self.outcome.currentText()[2:]}。"
                               "接着记下一条：")
        self.done_note.setVisible(True)
        self.outcome.setCurrentIndex(-1)
        self.promised.clear()
        self.note.clear()
        self.no_next.setChecked(False)
        if self.picker is not None:
            self.picker.reset()
            self.picker.setFocus()
        else:
            self.outcome.setFocus()

    def _remember(self) -> None:
        s = ui_settings.settings()
        who = self.visitors.text().strip()
        s.setValue(_VISITORS_KEY, who)
        s.setValue(_METHOD_KEY, self.method.currentData())
        if who:
            recent = s.value(_RECENT_KEY, []) or []
            if isinstance(recent, str):
                recent = [recent]
            s.setValue(_RECENT_KEY, [who, *[r for r in recent if r != who]][:20])
        s.sync()


def open_visit_dialog(parent: QWidget, db: Database, household_id: str | None = None) -> VisitDialog:
    """Open the dialog (window-modal, not blocking); it deletes itself when closed."""
    dialog = VisitDialog(parent, db, household_id)
    dialog.open()
    return dialog
