"""The dialog itself: its parts side by side (借款户 and 贷款, 欠款测算 on the left; 减免, 还款计划
and the totals on the right), the buttons, and what runs in the background: loading the
household (and the plan being revised), the preview a moment after each change, saving.

What the fields mean and what is wrong with them is ``services.agreements.plan_form``."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.db.session import Database
from app.district.agreement_settings import AgreementSettings
from app.district.agreement_settings import load as load_settings
from app.domain.errors import InputError
from app.services.agreements import agreements, plan_form
from app.services.agreements.agreements import PlanRequest, Preview
from app.services.agreements.owed import Quote
from app.services.agreements.picker import (
    AgreementPlan,
    HouseholdLoans,
    Measured,
    household_loans,
    household_of_loans,
    measure,
    plan_of,
)
from app.ui import errors
from app.ui.actor import actor
from app.ui.dialogs.agreement.owed import OwedBox
from app.ui.dialogs.agreement.picker import HouseholdPicker
from app.ui.dialogs.agreement.plan_editor import PlanEditor
from app.ui.dialogs.agreement.reductions import Reductions
from app.ui.dialogs.agreement.totals import Totals
from app.ui.printing import make_form
from app.ui.tasks import run_in_background
from app.ui.widgets.fields import date_of, qdate

PREVIEW_DELAY_MS = 250


def open_new_agreement(parent: QWidget | None, db: Database, household_id: str | None = None,
                       loan_ids: list[str] | None = None) -> str | None:
    """Show the dialog (modal) for a household and, if given, those of its loans ticked;
    the new agreement's id once saved, else None."""
    dialog = AgreementDialog(parent, db, household_id=household_id, loan_ids=loan_ids)
    try:
        return dialog.saved_id if dialog.exec() else None
    finally:
        dialog.deleteLater()


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
        self._initial_loans = set(loan_ids or [])
        self.setWindowTitle("修改还款协议" if revise_id else "新建还款协议")

        self._build()
        self._wire()
        self._fit_screen()
        self._set_enabled(False)
        self._load(household_id, loan_ids)

    # ================================================================== layout
    def _build(self) -> None:
        self.picker = HouseholdPicker(self, self.db)
        self.owed_box = OwedBox(self, self.today)
        self.reductions = Reductions(self)
        self.plan_editor = PlanEditor(self, self.today)
        self.totals = Totals(self)

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
        left.addWidget(self.picker)
        left.addWidget(self.owed_box, 1)
        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(self.reductions)
        right.addWidget(self.plan_editor, 1)
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

        p, o = self.picker, self.owed_box
        order = [p.search, p.hits, p.change, p.loans_view, o.as_of, o.rate, o.penalty, o.owed_view,
                 *self.reductions.fields(), *self.plan_editor.fields(),
                 self.save_button, self.print_button, self.cancel_button]
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
        self.picker.hits_ready.connect(self.hits_ready)
        self.picker.chosen.connect(self._household_chosen)
        self.picker.loans.checked_changed.connect(self.changed)
        self.owed_box.rate.textChanged.connect(self.changed)
        self.owed_box.penalty.textChanged.connect(self.changed)
        self.reductions.changed.connect(self.changed)
        self.owed_box.as_of.dateChanged.connect(self.changed)
        self.plan_editor.changed.connect(self.changed)
        self.save_button.clicked.connect(lambda: self.save(print_after=False))
        self.print_button.clicked.connect(lambda: self.save(print_after=True))
        self.cancel_button.clicked.connect(self.reject)

    # ================================================================== loading
    def _set_enabled(self, on: bool) -> None:
        o = self.owed_box
        for w in (self.picker.loans_view, o.as_of, o.rate, o.penalty, *self.reductions.fields(),
                  *self.plan_editor.fields()):
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
        self.owed_box.penalty.setPlaceholderText(f"上浮{settings.penalty_markup_ppm // 10_000}%")
        from app.district import templates

        self.reductions.condition.setPlaceholderText(
            "留空使用默认条件：" + templates.fill(settings.waiver_condition, {
                "grace_days": settings.grace_days, "void_after_missed": settings.void_after_missed}))
        if plan is not None:
            self.plan = plan
            self._fill_from_plan(plan)
        if household is None:
            self.picker.show_search()
            self.changed()
            return
        checked = ({ln.id for ln in household.loans if ln.loan_no in plan.request.loan_nos} if plan else
                   self._initial_loans or None)
        self._household_loaded(household, checked)
        if plan is not None:
            self.picker.change.setVisible(False)

    def _fill_from_plan(self, plan: AgreementPlan) -> None:
        r = plan.request
        version = plan.version + (0 if plan.status == "draft" else 1)
        self.setWindowTitle(f"修改还款协议 {plan.number}" + ("（草稿）" if plan.status == "draft"
                                                          else f"（保存后生成第{version}版）"))
        as_of = r.as_of if plan.status == "draft" else self.today
        self.owed_box.as_of.setDate(qdate(as_of))
        self.owed_box.rate.set_ppm(r.rate_ppm)
        self.owed_box.penalty.set_ppm(r.penalty_rate_ppm)
        self.reductions.fill(r)
        self.plan_editor.fill(r, as_of)

    def _household_chosen(self, household_id: str) -> None:
        db, revise_id = self.db, self.revise_id
        run_in_background(self, lambda ctx: household_loans(db, household_id, revising=revise_id),
                          on_success=lambda hh: self._household_loaded(hh, None))

    def _household_loaded(self, household: HouseholdLoans, checked: set[str] | None) -> None:
        self.household = household
        self.quote = self.quote_key = self.preview = self.previewed = None
        self.plan_editor.preview_fens = None
        self.picker.show_household(household, checked, can_change=self.revise_id is None)
        self._set_enabled(True)
        if not any(ln.free for ln in household.loans):
            self.picker.loans_note.show_message("这一户的贷款都已在其他协议中；请修改那份协议（生成新版本）或先将其作废。")
        self.picker.loans_view.setFocus()
        self.loans_ready.emit()
        self.changed()

    # ================================================================== checking
    def form(self) -> plan_form.PlanForm:
        """The fields as they stand."""
        o, r, p = self.owed_box, self.reductions, self.plan_editor
        return plan_form.PlanForm(
            loan_nos=self.picker.loan_nos() if self.household is not None else None,
            as_of=date_of(o.as_of), first_due=date_of(p.first_due), frequency=p.frequency.currentData(),
            count=p.count.value(), dates=p.schedule.dates(), amounts=p.typed_texts(),
            rate=o.rate.text(), penalty_rate=o.penalty.text(),
            waive_interest=r.waive_interest.text(), waive_penalty=r.waive_penalty.text(),
            waive_all_interest=r.waive_interest_all.isChecked(), waive_all_penalty=r.waive_penalty_all.isChecked(),
            approval_ref=r.approval.text(), condition=r.condition.toPlainText())

    def quote_args(self) -> tuple:
        o = self.owed_box
        return (tuple(self.picker.loan_nos()), date_of(o.as_of), o.rate.text().strip(), o.penalty.text().strip())

    def request(self) -> tuple[PlanRequest | None, dict[str, str]]:
        """The plan as the fields say, or None with a message per field that is wrong."""
        quote = self.quote if self.quote_key == self.quote_args() else None
        return plan_form.read(self.form(), quote, self.plan.request if self.plan else None)

    def changed(self, *_args) -> None:
        """A field changed: check it now, ask for the preview a moment later."""
        if self.loading:
            return
        self.plan_editor.sync()
        request, errs = self._check()
        if request is not None and request == self.previewed:
            return
        if self.household is not None and self.picker.loans.checked_loans() and "rate" not in errs:
            self._preview_timer.start()

    def _check(self) -> tuple[PlanRequest | None, dict[str, str]]:
        """Check the fields, show what is wrong next to them, enable the buttons."""
        request, errs = self.request() if self.household is not None else (None, {})
        self.reductions.show_errors(errs, household_chosen=self.household is not None)
        self.picker.loans_note.show_message(errs.get("loans"))
        self.owed_box.rate_note.show_message(errs.get("rate"))
        self.plan_editor.first_due_note.show_message(errs.get("first_due"))
        service_error = self.preview_error if request is not None and request == self.previewed else None
        self.plan_editor.plan_note.show_message(errs.get("schedule") or service_error)
        self._update_buttons(request)
        return request, errs

    def _update_buttons(self, request: PlanRequest | None) -> None:
        ok = request is not None and not self._saving and not (request == self.previewed and self.preview is None)
        self.save_button.setEnabled(ok)
        self.print_button.setEnabled(ok)

    # ================================================================== preview
    def _run_preview(self) -> None:
        if self.household is None or not self.picker.loans.checked_loans():
            return
        self._generation += 1
        generation = self._generation
        request, _errs = self.request()
        key = self.quote_args()
        loan_nos, as_of = list(key[0]), key[1]
        try:
            rate, penalty = plan_form.rates(self.form())
        except InputError:
            return
        db, revise_id = self.db, self.revise_id
        run_in_background(self, lambda ctx: measure(db, request, loan_nos, as_of, rate_ppm=rate, penalty_rate_ppm=penalty,
                                                    revising=revise_id),
                          on_success=lambda out: self._previewed(generation, request, key, out))

    def _previewed(self, generation: int, request: PlanRequest | None, key: tuple, out: Measured) -> None:
        if generation != self._generation:
            return
        self.quote, self.quote_key = out.quote, key if out.quote is not None else None
        self.preview, self.previewed, self.preview_error = out.preview, request, out.error
        self.plan_editor.preview_fens = [i.amount_fen for i in out.preview.installments] if out.preview else None
        self.owed_box.show_quote(out.quote)
        self.reductions.show_quote(out.quote)
        self.totals.show_totals(out.preview, self.quote)
        self.plan_editor.sync()
        request, _errs = self._check()
        if request is not None and request != self.previewed:
            self._preview_timer.start()  # the quote made a local check pass: ask again
        self.preview_ready.emit()

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
