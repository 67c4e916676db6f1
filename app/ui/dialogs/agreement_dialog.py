"""新建还款协议 (and 修改): pick the household, tick its loans, see what they owe on a date (rates
editable), enter reductions, lay out the plan, and watch the schedule and the totals (in
figures and in Chinese capitals) follow as you type; then 保存草稿 or 保存并打印.

Other pages open it with :func:`open_new_agreement`.  Every database call runs in the
background: the owed figures and the schedule come from ``agreements.preview`` (the very
function ``create`` checks with), asked again a moment after each change.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QCheckBox, QComboBox, QDialog, QFrame,
                               QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QPushButton, QRadioButton, QSpinBox,
                               QStyledItemDelegate, QVBoxLayout, QWidget)

from app.db.session import Database
from app.domain.dates import add_months
from app.domain.errors import InputError, UserError
from app.domain.interest import format_rate
from app.domain.money import parse_yuan_or_none, to_chinese_capital
from app.domain.schedule import MAX_INSTALLMENTS, due_dates
from app.services.agreements import owed as agreement_owed
from app.services.agreements import agreements
from app.services.agreements.owed import Quote
from app.services.agreements.picker import (AgreementPlan, HouseholdHit, HouseholdLoans, household_loans,
                                           household_of_loans, plan_of, search_households)
from app.district.agreement_settings import AgreementSettings, load as load_settings
from app.services.agreements.agreements import PlanRequest, Preview
from app.ui import errors
from app.ui import formatting as fmt
from app.ui.actor import actor
from app.ui.models.agreement_plan import LoanChoiceModel, OwedModel, PlanModel
from app.ui.printing import make_form
from app.ui.tasks import run_in_background
from app.ui.widgets.common import scaled_font
from app.ui.widgets.fields import FieldNote, MoneyEdit, RateEdit, date_edit, date_of, qdate
from app.ui.widgets.tables import make_table_view, rows_height

FREQUENCIES = (("lump", "一次性还清"), ("monthly", "按月分期"), ("quarterly", "按季分期"), ("custom", "自选日期"))
PREVIEW_DELAY_MS = 250
SEARCH_DELAY_MS = 200
DEFAULT_INSTALLMENTS = 6


def open_new_agreement(parent: QWidget | None, db: Database, household_id: str | None = None,
                       loan_ids: list[str] | None = None) -> str | None:
    """Show the dialog (modal) for a household and, if given, those of its loans ticked;
    the new agreement's id once saved, else None."""
    dialog = AgreementDialog(parent, db, household_id=household_id, loan_ids=loan_ids)
    try:
        return dialog.saved_id if dialog.exec() else None
    finally:
        dialog.deleteLater()


@dataclass
class _Outcome:
    request: PlanRequest | None
    key: tuple
    preview: Preview | None = None
    quote: Quote | None = None
    error: str | None = None


class _DateDelegate(QStyledItemDelegate):
    """Dates in the schedule are edited with a calendar, written yyyy-MM-dd."""

    def createEditor(self, parent, option, index):
        return date_edit(date.today(), parent)


class AgreementDialog(QDialog):
    hits_ready = Signal()       # search results listed
    loans_ready = Signal()      # a household's loans listed
    preview_ready = Signal()    # the owed figures / schedule (or why not) shown
    saved = Signal(str)         # the agreement's id

    def __init__(self, parent: QWidget | None, db: Database, *, household_id: str | None = None,
                 loan_ids: list[str] | None = None, revise_id: str | None = None, today: date | None = None):
        super().__init__(parent)
        self.setObjectName("agreementDialog")
        self.db = db
        self.today = today or date.today()
        self.revise_id = revise_id
        self.plan: AgreementPlan | None = None
        self.settings: AgreementSettings | None = None
        self.household: HouseholdLoans | None = None
        self.quote: Quote | None = None
        self.quote_key: tuple | None = None
        self.preview: Preview | None = None
        self.previewed: PlanRequest | None = None
        self.preview_error: str | None = None
        self.saved_id: str | None = None
        self.saved_view = None
        self.loading = True
        self._saving = False
        self._generation = 0
        self._search_generation = 0
        self._initial_loans = set(loan_ids or [])
        self.setWindowTitle("修改还款协议" if revise_id else "新建还款协议")

        self._build()
        self._wire()
        self._fit_screen()
        self._set_enabled(False)
        self._load(household_id, loan_ids)

    # ================================================================== layout
    def _build(self) -> None:
        # -- 借款户 ----------------------------------------------------------------
        self.search = QLineEdit()
        self.search.setObjectName("householdSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText("输入姓名、拼音首字母、身份证号、借据号或电话查找")
        self.hits = QListWidget()
        self.hits.setObjectName("householdHits")
        self.hits.setFixedHeight(self.fontMetrics().height() * 4 + 16)
        self.picker = QWidget()
        picker = QVBoxLayout(self.picker)
        picker.setContentsMargins(0, 0, 0, 0)
        picker.setSpacing(4)
        picker.addWidget(self.search)
        picker.addWidget(self.hits)
        self.who = QLabel("尚未选择借款户")
        self.who.setObjectName("chosenHousehold")
        self.who.setFont(scaled_font(self, 1.1, bold=True))
        self.where = QLabel("")
        self.where.setObjectName("muted")
        self.change = QPushButton("更换借款户")
        self.change.setObjectName("changeHousehold")
        self.change.setAutoDefault(False)
        chosen = QHBoxLayout()
        chosen.addWidget(self.who)
        chosen.addWidget(self.where, 1)
        chosen.addWidget(self.change)
        household_box = QGroupBox("借款户")
        hb = QVBoxLayout(household_box)
        hb.addLayout(chosen)
        hb.addWidget(self.picker)

        # -- 贷款 --------------------------------------------------------------------
        self.loans = LoanChoiceModel(self)
        self.loans_view = make_table_view(self.loans, self)  # type: ignore[arg-type]
        self.loans_view.setObjectName("loanChoices")
        self.loans_view.setSortingEnabled(False)
        self.loans_view.setFixedHeight(rows_height(self.loans_view, 3))
        self.loans_note = FieldNote(self, object_name="loansNote")
        loans_box = QGroupBox("贷款（勾选纳入协议的贷款；金额单位：元）")
        lb = QVBoxLayout(loans_box)
        lb.addWidget(self.loans_view)
        lb.addWidget(self.loans_note)

        # -- 欠款测算 ----------------------------------------------------------------
        self.as_of = date_edit(self.today, self, object_name="asOf")
        self.as_of.setMaximumDate(qdate(self.today))
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
        owed_box = QGroupBox("欠款测算（金额单位：元）")
        ob = QVBoxLayout(owed_box)
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

        # -- 减免 --------------------------------------------------------------------
        self.waive_interest = MoneyEdit(self, placeholder="0", object_name="waiveInterest")
        self.waive_interest_all = QCheckBox("全部")
        self.waive_interest_all.setObjectName("waiveInterestAll")
        self.waive_penalty = MoneyEdit(self, placeholder="0", object_name="waivePenalty")
        self.waive_penalty_all = QCheckBox("全部")
        self.waive_penalty_all.setObjectName("waivePenaltyAll")
        self.interest_owed = QLabel("")
        self.interest_owed.setObjectName("muted")
        self.penalty_owed = QLabel("")
        self.penalty_owed.setObjectName("muted")
        self.waive_interest_note = FieldNote(self, object_name="waiveInterestNote")
        self.waive_penalty_note = FieldNote(self, object_name="waivePenaltyNote")
        self.approval = QLineEdit()
        self.approval.setObjectName("approvalRef")
        self.approval.setPlaceholderText("例如：减免审批〔2026〕12号（有减免的，签订前必须填写）")
        self.approval.setToolTip("减免的审批文号。没有审批文号也可以先保存草稿、打印（每页标“草稿”），但不能签订")
        self.condition = QPlainTextEdit()
        self.condition.setObjectName("condition")
        self.condition.setTabChangesFocus(True)
        self.condition.setFixedHeight(self.fontMetrics().height() * 3 + 14)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        grid.addWidget(QLabel("减免利息（元）"), 0, 0)
        grid.addWidget(self.waive_interest, 0, 1)
        grid.addWidget(self.waive_interest_all, 0, 2)
        grid.addWidget(self.interest_owed, 0, 3)
        grid.addWidget(self.waive_interest_note, 1, 1, 1, 3)
        grid.addWidget(QLabel("减免罚息（元）"), 2, 0)
        grid.addWidget(self.waive_penalty, 2, 1)
        grid.addWidget(self.waive_penalty_all, 2, 2)
        grid.addWidget(self.penalty_owed, 2, 3)
        grid.addWidget(self.waive_penalty_note, 3, 1, 1, 3)
        grid.addWidget(QLabel("审批文号"), 4, 0)
        grid.addWidget(self.approval, 4, 1, 1, 3)
        grid.addWidget(QLabel("减免条件"), 5, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.condition, 5, 1, 1, 3)
        grid.setColumnStretch(3, 1)
        waive_box = QGroupBox("减免")
        waive_box.setLayout(grid)

        # -- 还款计划 ----------------------------------------------------------------
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
        self.first_due = date_edit(add_months(self.today, 1), self, object_name="firstDue")
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
        plan_box = QGroupBox("还款计划")
        pb = QVBoxLayout(plan_box)
        pb.addLayout(plan_row)
        pb.addWidget(self.first_due_note)
        pb.addLayout(mode_row)
        pb.addWidget(self.schedule_view, 1)
        pb.addWidget(self.plan_note)

        # -- 合计 --------------------------------------------------------------------
        self.totals = QFrame()
        self.totals.setObjectName("totalsBox")
        self.totals.setStyleSheet("QFrame#totalsBox { background: #f2f6fb; border: 1px solid #c9d6e5; "
                                  "border-radius: 6px; }")
        self.total_figures = QLabel("")
        self.total_figures.setObjectName("totalFigures")
        self.total_amount = QLabel("应还合计 —")
        self.total_amount.setObjectName("totalAmount")
        self.total_amount.setFont(scaled_font(self, 1.3, bold=True))
        self.total_capital = QLabel("")
        self.total_capital.setObjectName("totalCapital")
        self.total_capital.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        tb = QGridLayout(self.totals)
        tb.setContentsMargins(12, 8, 12, 8)
        tb.setVerticalSpacing(2)
        tb.addWidget(self.total_amount, 0, 0)
        tb.addWidget(self.total_figures, 1, 0)
        tb.addWidget(self.total_capital, 2, 0)

        # -- buttons -----------------------------------------------------------------
        self.status = QLabel("Enter 保存草稿，Esc 取消")
        self.status.setObjectName("muted")
        self.save_button = QPushButton("保存草稿")
        self.save_button.setObjectName("saveDraft")
        self.save_button.setDefault(True)
        self.print_button = QPushButton("保存并打印")
        self.print_button.setObjectName("saveAndPrint")
        self.print_button.setAutoDefault(False)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.cancel_button)

        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(household_box)
        left.addWidget(loans_box)
        left.addWidget(owed_box, 1)
        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(waive_box)
        right.addWidget(plan_box, 1)
        right.addWidget(self.totals)
        left_box, right_box = QWidget(), QWidget()
        left.setContentsMargins(0, 0, 0, 0)
        right.setContentsMargins(0, 0, 0, 0)
        left_box.setLayout(left)
        right_box.setLayout(right)
        left_box.setMinimumWidth(640)  # the loan tables need the room; the plan fits in less
        right_box.setMinimumWidth(520)
        columns = QHBoxLayout()
        columns.setSpacing(14)
        columns.addWidget(left_box, 1)
        columns.addWidget(right_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(8)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)

        order = [self.search, self.hits, self.change, self.loans_view, self.as_of, self.rate, self.penalty,
                 self.owed_view, self.waive_interest, self.waive_interest_all, self.waive_penalty,
                 self.waive_penalty_all, self.approval, self.condition, self.frequency, self.count, self.first_due,
                 self.equal, self.typed, self.schedule_view, self.save_button, self.print_button, self.cancel_button]
        for a, b in zip(order, order[1:]):
            QWidget.setTabOrder(a, b)

    def _fit_screen(self) -> None:
        screen = (self.parentWidget() or self).screen()
        avail = screen.availableGeometry() if screen is not None else None
        width, height = 1240, 700
        if avail is not None:
            width, height = min(width, avail.width() - 24), min(height, avail.height() - 40)
        self.resize(width, height)

    def _wire(self) -> None:
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._run_preview)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.installEventFilter(self)
        self.hits.itemClicked.connect(self._hit_chosen)
        self.hits.itemActivated.connect(self._hit_chosen)
        self.change.clicked.connect(self._show_picker)
        self.loans.checked_changed.connect(self.changed)
        for edit in (self.rate, self.penalty, self.waive_interest, self.waive_penalty, self.approval):
            edit.textChanged.connect(self.changed)
        self.condition.textChanged.connect(self.changed)
        for box, edit in ((self.waive_interest_all, self.waive_interest), (self.waive_penalty_all, self.waive_penalty)):
            box.toggled.connect(lambda on, e=edit: e.clear() if on else e.setPlaceholderText("0"))
            box.toggled.connect(self.changed)
        self.as_of.dateChanged.connect(self.changed)
        self.first_due.dateChanged.connect(self.changed)
        self.frequency.currentIndexChanged.connect(self._frequency_changed)
        self.count.valueChanged.connect(self.changed)
        self.typed.toggled.connect(self._amount_mode_changed)
        self.schedule.edited.connect(self.changed)
        self.save_button.clicked.connect(lambda: self.save(print_after=False))
        self.print_button.clicked.connect(lambda: self.save(print_after=True))
        self.cancel_button.clicked.connect(self.reject)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the search box picks the first household found (it does not save)."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._search_timer.stop()
                if self.hits.count():
                    self._hit_chosen(self.hits.currentItem() or self.hits.item(0))
                else:
                    self._run_search(choose_first=True)
                return True
            if event.key() == Qt.Key.Key_Down and self.hits.count():
                self.hits.setFocus()
                self.hits.setCurrentRow(0)
                return True
        return super().eventFilter(watched, event)

    # ================================================================== loading
    def _set_enabled(self, on: bool) -> None:
        for w in (self.loans_view, self.as_of, self.rate, self.penalty, self.waive_interest, self.waive_interest_all,
                  self.waive_penalty, self.waive_penalty_all, self.approval, self.condition, self.frequency,
                  self.count, self.first_due, self.equal, self.typed, self.schedule_view):
            w.setEnabled(on)
        if not on:
            self._update_buttons(None)

    def _load(self, household_id: str | None, loan_ids: list[str] | None) -> None:
        db, revise_id = self.db, self.revise_id

        def work(ctx):
            plan = plan_of(db, revise_id) if revise_id else None
            hh_id = plan.household_id if plan else household_id
            if hh_id is None and loan_ids:
                hh_id = household_of_loans(db, loan_ids)
            return plan, (household_loans(db, hh_id, revising=revise_id) if hh_id else None), load_settings()

        run_in_background(self, work, on_success=self._loaded, on_failure=self._load_failed)

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = False
        errors.show_error(self, exc)
        self.reject()

    def _loaded(self, result) -> None:
        plan, household, settings = result
        self.loading = False
        self.settings = settings
        self.penalty.setPlaceholderText(f"上浮{settings.penalty_markup_ppm // 10_000}%")
        from app.district import templates

        self.condition.setPlaceholderText(
            "留空使用默认条件：" + templates.fill(settings.waiver_condition, {
                "grace_days": settings.grace_days, "void_after_missed": settings.void_after_missed}))
        if plan is not None:
            self.plan = plan
            self._fill_from_plan(plan)
        if household is None:
            self._show_picker()
            self.changed()
            return
        checked = ({ln.id for ln in household.loans if ln.loan_no in plan.request.loan_nos} if plan else
                   self._initial_loans or None)
        self._household_loaded(household, checked)
        if plan is not None:
            self.change.setVisible(False)

    def _fill_from_plan(self, plan: AgreementPlan) -> None:
        r = plan.request
        version = plan.version + (0 if plan.status == "draft" else 1)
        self.setWindowTitle(f"修改还款协议 {plan.number}" + ("（草稿）" if plan.status == "draft"
                                                          else f"（保存后生成第{version}版）"))
        as_of = r.as_of if plan.status == "draft" else self.today
        self.as_of.setDate(qdate(as_of))
        self.rate.set_ppm(r.rate_ppm)
        self.penalty.set_ppm(r.penalty_rate_ppm)
        self.waive_interest_all.setChecked(r.waive_all_interest)
        self.waive_penalty_all.setChecked(r.waive_all_penalty)
        self.waive_interest.set_fen(None if r.waive_all_interest or not r.waive_interest_fen else r.waive_interest_fen)
        self.waive_penalty.set_fen(None if r.waive_all_penalty or not r.waive_penalty_fen else r.waive_penalty_fen)
        self.approval.setText(r.approval_ref or "")
        self.condition.setPlainText(r.condition or "")
        self.frequency.setCurrentIndex(self.frequency.findData(r.frequency))
        n = len(r.dates) if r.dates else (r.installments or 1)
        self.count.setValue(n)
        first = r.first_due or (r.dates[0] if r.dates else add_months(as_of, 1))
        self.first_due.setDate(qdate(first if first >= as_of else add_months(as_of, 1)))
        if r.amounts_fen is not None:
            self.typed.setChecked(True)
        self._sync_schedule(dates=r.dates, texts=[fmt.money(a).replace(",", "") if a is not None else ""
                                                  for a in r.amounts_fen] if r.amounts_fen else None)

    def _show_picker(self) -> None:
        self.picker.setVisible(True)
        self.change.setVisible(False)
        self.search.setFocus()

    # ================================================================== household search
    def _run_search(self, choose_first: bool = False) -> None:
        self._search_generation += 1
        generation = self._search_generation
        db, text = self.db, self.search.text()

        def done(hits: list[HouseholdHit]) -> None:
            if generation != self._search_generation:
                return
            self.hits.clear()
            for h in hits:
                item = QListWidgetItem(f"{h.name}" + (f"（{h.why}）" if h.why else "")
                                       + f"    {h.place}    {h.loans} 笔，余额 {fmt.money(h.balance_fen)} 元"
                                       + (f"    {h.phone}" if h.phone else ""))
                item.setData(Qt.ItemDataRole.UserRole, h.id)
                if h.matched:
                    item.setToolTip("查到的是：" + "；".join(m.detail for m in h.matched))
                self.hits.addItem(item)
            if not hits and text.strip():
                item = QListWidgetItem("没有找到。可以输入户名的一部分、拼音首字母（如 zs）或借据号。")
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                self.hits.addItem(item)
            elif hits:
                self.hits.setCurrentRow(0)
                if choose_first:
                    self._hit_chosen(self.hits.item(0))
            self.hits_ready.emit()

        run_in_background(self, lambda ctx: search_households(db, text), on_success=done)

    def _hit_chosen(self, item: QListWidgetItem | None) -> None:
        household_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not household_id:
            return
        db, revise_id = self.db, self.revise_id
        run_in_background(self, lambda ctx: household_loans(db, household_id, revising=revise_id),
                          on_success=lambda hh: self._household_loaded(hh, None))

    def _household_loaded(self, household: HouseholdLoans, checked: set[str] | None) -> None:
        self.household = household
        self.who.setText(household.name)
        self.where.setText("  ".join(p for p in (household.place, household.phone or "") if p))
        self.picker.setVisible(False)
        self.change.setVisible(self.revise_id is None)
        if checked is None:
            checked = {ln.id for ln in household.loans if ln.free and ln.balance_fen > 0}
        self.quote = self.quote_key = self.preview = self.previewed = None
        self.loans.set_loans(household.loans, checked)
        self.loans_view.setFixedHeight(rows_height(self.loans_view, min(max(len(household.loans), 2), 4)))
        self._set_enabled(True)
        if not any(ln.free for ln in household.loans):
            self.loans_note.show_message("这一户的贷款都已在其他协议中；请修改那份协议（生成新版本）或先将其作废。")
        self.loans_view.setFocus()
        self.loans_ready.emit()
        self.changed()

    # ================================================================== the plan
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
            self._sync_schedule(dates=[d for d in self.schedule.dates() if d] or None)
        self.changed()

    def _amount_mode_changed(self, typed: bool) -> None:
        if typed and not any(t.strip() for t in self.schedule.texts()):
            fens = [r.fen for r in self.schedule.rows]
            if fens and all(f is not None for f in fens):  # start from the equal amounts, the last one "the rest"
                texts = [fmt.money(f).replace(",", "") for f in fens[:-1]] + [""]
                self._sync_schedule(texts=texts)
        self.changed()

    def _installments(self) -> int:
        return 1 if self.frequency.currentData() == "lump" else self.count.value()

    def _sync_schedule(self, *, dates: list[date] | None = None, texts: list[str] | None = None) -> None:
        """Make the schedule table match the plan fields (row count, dates, what is editable)."""
        n = self._installments()
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
        fens = None
        if self.preview is not None and len(self.preview.installments) == n:
            fens = [i.amount_fen for i in self.preview.installments]
        self.schedule.set_plan(shown, words, fens, dates_editable=custom, amounts_editable=typed)

    # ================================================================== checking
    def quote_args(self) -> tuple:
        return (tuple(ln.loan_no for ln in self.loans.checked_loans()), date_of(self.as_of),
                self.rate.text().strip(), self.penalty.text().strip())

    def request(self) -> tuple[PlanRequest | None, dict[str, str]]:
        """The plan as the fields say, or None with a message per field that is wrong."""
        errs: dict[str, str] = {}
        loans = self.loans.checked_loans()
        if self.household is None:
            errs["loans"] = "请先选择借款户"
        elif not loans:
            errs["loans"] = "请至少勾选一笔贷款"
        rate = penalty = None
        try:
            rate = self.rate.ppm("年利率")
            penalty = self.penalty.ppm("罚息年利率")
        except InputError as exc:
            errs["rate"] = str(exc)
        as_of = date_of(self.as_of)
        quote = self.quote if self.quote_key == self.quote_args() else None
        waived = {}
        for key, edit, all_box, what, owed in (
                ("waive_interest", self.waive_interest, self.waive_interest_all, "减免利息",
                 quote.interest_fen if quote else None),
                ("waive_penalty", self.waive_penalty, self.waive_penalty_all, "减免罚息",
                 quote.penalty_fen if quote else None)):
            if all_box.isChecked():
                waived[key] = owed
                continue
            try:
                fen = edit.fen(what) or 0
            except InputError as exc:
                errs[key] = str(exc)
                continue
            if owed is not None and fen > owed:
                errs[key] = f"超过应还{what[2:]} {fmt.money(owed)} 元"
                continue
            waived[key] = fen
        frequency = self.frequency.currentData()
        n = self._installments()
        first = date_of(self.first_due)
        dates = None
        if frequency == "custom":
            dates = [d for d in self.schedule.dates() if d]
            if len(dates) != n:
                errs["schedule"] = "请给每一期填上还款日期"
            elif dates[0] < as_of:
                errs["schedule"] = f"第1期还款日期 {dates[0]} 早于计算日期 {as_of}"
        elif first < as_of:
            errs["first_due"] = "第一期还款日不能早于计算日期"
        amounts = None
        if self.typed.isChecked():
            amounts, message = self._typed_amounts(quote, waived)
            if message:
                errs.setdefault("schedule", message)
        if errs:
            return None, errs
        keep = self.plan.request if self.plan else None
        return PlanRequest(
            loan_nos=[ln.loan_no for ln in loans], as_of=as_of, installments=n,
            first_due=None if frequency == "custom" else first, frequency=frequency, dates=dates, amounts_fen=amounts,
            waive_interest_fen=0 if self.waive_interest_all.isChecked() else waived.get("waive_interest") or 0,
            waive_penalty_fen=0 if self.waive_penalty_all.isChecked() else waived.get("waive_penalty") or 0,
            waive_all_interest=self.waive_interest_all.isChecked(), waive_all_penalty=self.waive_penalty_all.isChecked(),
            approval_ref=self.approval.text().strip() or None, condition=self.condition.toPlainText().strip() or None,
            rate_ppm=rate, penalty_rate_ppm=penalty,
            allocation_order=keep.allocation_order if keep else None, grace_days=keep.grace_days if keep else None,
            void_after_missed=keep.void_after_missed if keep else None, note=keep.note if keep else None), {}

    def _typed_amounts(self, quote: Quote | None, waived: dict) -> tuple[list[int | None] | None, str | None]:
        amounts: list[int | None] = []
        for i, text in enumerate(self.schedule.texts()):
            try:
                fen = parse_yuan_or_none(text)
            except InputError:
                return None, f"第{i + 1}期金额不是金额：{text}"
            if fen is not None and fen <= 0:
                return None, f"第{i + 1}期金额必须大于零"
            amounts.append(fen)
        blanks = amounts.count(None)
        if blanks > 1:
            return None, "只能有一期金额留空（取剩余金额），其余各期请填写金额"
        if quote is None or len(waived) < 2 or any(v is None for v in waived.values()):
            return amounts, None  # the total is not known yet
        total = quote.owed_fen - sum(waived.values())
        typed = sum(a for a in amounts if a is not None)
        if blanks and typed >= total:
            return None, f"已填各期合计 {fmt.money(typed)} 元，已达到应还合计 {fmt.money(total)} 元，留空的一期没有剩余金额"
        if not blanks and typed != total:
            diff = typed - total
            return None, (f"各期合计 {fmt.money(typed)} 元，比应还合计 {fmt.money(total)} 元"
                          f"{'多' if diff > 0 else '少'} {fmt.money(abs(diff))} 元")
        return amounts, None

    def changed(self, *_args) -> None:
        """A field changed: check it now, ask for the preview a moment later."""
        if self.loading:
            return
        self._sync_schedule()
        request, errs = self._check()
        if request is not None and request == self.previewed:
            return
        if self.household is not None and self.loans.checked_loans() and "rate" not in errs:
            self._preview_timer.start()

    def _check(self) -> tuple[PlanRequest | None, dict[str, str]]:
        """Check the fields, show what is wrong next to them, enable the buttons."""
        self.waive_interest.setEnabled(self.household is not None and not self.waive_interest_all.isChecked())
        self.waive_penalty.setEnabled(self.household is not None and not self.waive_penalty_all.isChecked())
        request, errs = self.request() if self.household is not None else (None, {})
        self.loans_note.show_message(errs.get("loans"))
        self.rate_note.show_message(errs.get("rate"))
        self.waive_interest_note.show_message(errs.get("waive_interest"))
        self.waive_penalty_note.show_message(errs.get("waive_penalty"))
        self.first_due_note.show_message(errs.get("first_due"))
        service_error = self.preview_error if request is not None and request == self.previewed else None
        self.plan_note.show_message(errs.get("schedule") or service_error)
        self._update_buttons(request)
        return request, errs

    def _update_buttons(self, request: PlanRequest | None) -> None:
        ok = request is not None and not self._saving and not (request == self.previewed and self.preview is None)
        self.save_button.setEnabled(ok)
        self.print_button.setEnabled(ok)

    # ================================================================== preview
    def _run_preview(self) -> None:
        if self.household is None or not self.loans.checked_loans():
            return
        self._generation += 1
        generation = self._generation
        request, _errs = self.request()
        key = self.quote_args()
        loan_nos, as_of = list(key[0]), key[1]
        try:
            rate, penalty = self.rate.ppm("年利率"), self.penalty.ppm("罚息年利率")
        except InputError:
            return
        db, revise_id = self.db, self.revise_id

        def work(ctx) -> _Outcome:
            out = _Outcome(request, key)
            if request is not None:
                try:
                    out.preview = agreements.preview(db, request, revising=revise_id)
                    out.quote = out.preview.quote
                    return out
                except UserError as exc:
                    out.error = str(exc)
            try:
                out.quote = agreement_owed.quote(db, loan_nos, as_of, rate_ppm=rate, penalty_rate_ppm=penalty)
            except UserError as exc:
                out.error = out.error or str(exc)
            return out

        run_in_background(self, work, on_success=lambda out: self._previewed(generation, out))

    def _previewed(self, generation: int, out: _Outcome) -> None:
        if generation != self._generation:
            return
        self.quote, self.quote_key = out.quote, out.key if out.quote is not None else None
        self.preview, self.previewed, self.preview_error = out.preview, out.request, out.error
        self._show_quote(out.quote)
        self._show_totals(out.preview)
        self._sync_schedule()
        request, _errs = self._check()
        if request is not None and request != self.previewed:
            self._preview_timer.start()  # the quote made a local check pass: ask again
        self.preview_ready.emit()

    def _show_quote(self, quote: Quote | None) -> None:
        self.owed.set_rows(quote.loans if quote else [])
        warnings = quote.warnings if quote else []
        self.rate_warning.setText("注意：" + "；".join(warnings) + "。打印件上写明“按默认利率测算”。" if warnings else "")
        self.rate_warning.setVisible(bool(warnings))
        if quote is None:
            self.owed_total.setText("")
            self.basis.setText("")
            self.interest_owed.setText("")
            self.penalty_owed.setText("")
            return
        self.owed_total.setText(
            f"<b>欠款合计 {fmt.money(quote.owed_fen)} 元</b>　本金 {fmt.money(quote.principal_fen)}　"
            f"利息 {fmt.money(quote.interest_fen)}　罚息 {fmt.money(quote.penalty_fen)}（计算至 {quote.as_of.isoformat()}）")
        rates = sorted({(ln.rate_ppm, ln.penalty_rate_ppm) for ln in quote.loans if not ln.suspended})
        used = "；".join(f"年利率 {format_rate(r)}，罚息年利率 {format_rate(p)}" for r, p in rates)
        self.basis.setText(f"按{used or '停息挂账，不计息'}。利息含台账欠息和台账日以来新增的利息"
                           f"（鼠标停在数字上看明细）。{quote.basis_text}。")
        self.interest_owed.setText(f"应还利息 {fmt.money(quote.interest_fen)} 元")
        self.penalty_owed.setText(f"应还罚息 {fmt.money(quote.penalty_fen)} 元")
        self.waive_interest.setPlaceholderText(fmt.money(quote.interest_fen) if self.waive_interest_all.isChecked() else "0")
        self.waive_penalty.setPlaceholderText(fmt.money(quote.penalty_fen) if self.waive_penalty_all.isChecked() else "0")

    def _show_totals(self, preview: Preview | None) -> None:
        if preview is None:
            self.total_amount.setText("应还合计 —")
            self.total_figures.setText(f"欠款 {fmt.money(self.quote.owed_fen)} 元" if self.quote else "")
            self.total_capital.setText("改正标红的地方后显示还款计划和应还合计" if self.quote else "")
            return
        n = len(preview.installments)
        self.total_amount.setText(f"应还合计 {fmt.money(preview.total_fen)} 元")
        self.total_figures.setText(f"= 欠款 {fmt.money(preview.owed_fen)} − 减免 {fmt.money(preview.waived_fen)}"
                                   f"；共 {n} 期，各期合计 {fmt.money(sum(i.amount_fen for i in preview.installments))} 元")
        self.total_capital.setText(f"大写：人民币{to_chinese_capital(preview.total_fen)}")

    # ================================================================== saving
    def save(self, print_after: bool = False) -> None:
        request, errs = self._check()
        if request is None:
            if errs:
                errors.warn_user(self, "；".join(dict.fromkeys(errs.values())), "还不能保存")
            return
        self._saving = True
        self._update_buttons(None)
        self.status.setText("正在保存……")
        db, revise_id, who = self.db, self.revise_id, actor()

        def work(ctx):
            if revise_id:
                return agreements.revise(db, revise_id, request, who)
            return agreements.create(db, request, who)

        run_in_background(self, work, write=True, progress_label="正在保存还款协议……",
                          on_success=lambda view: self._saved(view, print_after), on_failure=self._save_failed)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.status.setText("没有保存")
        self._check()
        errors.show_error(self, exc)

    def _saved(self, view, print_after: bool) -> None:
        self._saving = False
        self.saved_id, self.saved_view = view.id, view
        self.saved.emit(view.id)
        parent, db = self.parentWidget(), self.db
        self.accept()
        if print_after:
            make_form(parent, db, view.id, "agreement", number=view.number, version=view.version,
                      household=view.household)
