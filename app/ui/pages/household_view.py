"""The household page (一户一策), shown inside the 借款户 page: who the household is, its figures,
the next steps the rules suggest, and tabs for loans, people, categories and the judgement,
responsible people and the timeline.  Edits are saved together with 保存 (Ctrl+S)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QFrame,
    QHBoxLayout,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db.session import Database
from app.domain.errors import InputError, UserError
from app.services import households
from app.services.households import detail as household_page
from app.services.households.changes import HouseholdChanges
from app.services.households.detail import HouseholdDetail
from app.services.ledger_import import followup as import_followup
from app.services.work import choices, suggestions
from app.ui import errors
from app.ui.actor import actor
from app.ui.models.household_detail import TimelineModel
from app.ui.pages.base import notify_written
from app.ui.tasks import run_in_background
from app.ui.widgets.household_assignments import AssignmentEditor
from app.ui.widgets.household_categories import CategoryCapacityEditor
from app.ui.widgets.household_figures import HouseholdFigures
from app.ui.widgets.household_header import HouseholdHeader
from app.ui.widgets.household_loans import LoanTab
from app.ui.widgets.household_people import PeopleEditor
from app.ui.widgets.household_side import HouseholdSide
from app.ui.widgets.timeline_panel import TimelinePanel

_STYLE = """
QLabel#householdName { color: #1f2933; }
QLabel[role="badge"] { border-radius: 9px; padding: 1px 9px; color: white; background: #7b8794; }
QLabel[role="badge"][level="able"] { background: #1e8449; }
QLabel[role="badge"][level="partial"] { background: #b9770e; }
QLabel[role="badge"][level="unable"] { background: #52606d; }
QLabel[role="badge"][level="evasive"] { background: #c0392b; }
QLabel[role="badge"][level="unknown"] { background: #ffffff; color: #52606d; border: 1px solid #9aa5b1; }
QLabel[role="chip"] { border-radius: 9px; padding: 1px 8px; color: #1f4e79; background: #e3eefa;
                      border: 1px solid #b8d0ea; }
QLabel[role="chip"][alert="true"] { color: #8a2a1d; background: #fdecea; border: 1px solid #f1b5ae; }
QFrame#suggestPanel { background: #fff8e6; border: 1px solid #f0d9a8; border-radius: 6px; }
QLabel#suggestTitle { color: #7a5200; font-weight: bold; }
QLabel[role="suggestion"] { color: #1f2933; }
QFrame#sidePanel { background: white; border: 1px solid #d9dde3; border-radius: 6px; }
QLabel#unsaved { color: #b9770e; font-weight: bold; }
"""


def _scrolled(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area: the page still fits a small window."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    area.setStyleSheet("QScrollArea { background: transparent; }")
    widget.setAutoFillBackground(False)
    return area


class HouseholdView(QWidget):
    back_requested = Signal()
    loaded = Signal()            # a household is shown (after each load)
    saved = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("householdView")
        self.setStyleSheet(_STYLE)
        self.db: Database | None = None
        self.household_id: str | None = None
        self.detail: HouseholdDetail | None = None
        self.dirty = False
        self._generation = 0
        self._filling = False
        self._review_done = False

        self.header = HouseholdHeader()
        self.header.back_button.clicked.connect(self.back_requested)
        self.header.visit_button.clicked.connect(self.record_visit)
        self.header.repay_button.clicked.connect(lambda: self.record_repayment())
        self.header.agreement_button.clicked.connect(self.new_agreement)
        self.header.save_button.clicked.connect(lambda: self.save())
        self.figures = HouseholdFigures()

        self.tabs = QTabWidget()
        self.tabs.setObjectName("householdTabs")
        self.loan_tab = LoanTab()
        self.loan_tab.loan_view.doubleClicked.connect(lambda _i: self.record_repayment())
        self.loan_tab.stage_button.clicked.connect(self.change_stage)
        self.loan_tab.repay_loan_button.clicked.connect(lambda: self.record_repayment())
        self.people = PeopleEditor()
        self.categories = CategoryCapacityEditor()
        self.assignments = AssignmentEditor()
        self.timeline = TimelineModel(self)
        self.timeline_panel = TimelinePanel(self.timeline, self)
        self.timeline_panel.void_requested.connect(self.void_fact)
        self.timeline_view = self.timeline_panel.view
        self.tabs.addTab(self.loan_tab, "贷款")
        self.tabs.addTab(self.people, "人员")
        self.tabs.addTab(_scrolled(self.categories), "类别与研判")
        self.tabs.addTab(self.assignments, "责任人")
        self.tabs.addTab(self.timeline_panel, "时间线")
        for editor in (self.people, self.categories, self.assignments):
            editor.changed.connect(self._edited)

        self.side = HouseholdSide()      # suggestions first
        self.side.review_button.clicked.connect(self._review_done_clicked)
        self.side.followup_panel.check_requested.connect(self.check_followups)
        side_box = _scrolled(self.side)
        side_box.setFixedWidth(self.fontMetrics().horizontalAdvance("中") * 21)
        side_box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)

        left = QVBoxLayout()
        left.setSpacing(10)
        left.addWidget(self.figures)
        left.addWidget(self.tabs, 1)
        body = QHBoxLayout()
        body.setSpacing(12)
        body.addLayout(left, 1)
        body.addWidget(side_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)

        self._set_dirty(False)

    # -- loading --------------------------------------------------------------------------
    def load(self, db: Database, household_id: str) -> None:
        """Show a household (read in the background)."""
        if household_id != self.household_id:
            self.discard()
            self.tabs.setCurrentIndex(0)
            self._scroll_to_start()
        self.db, self.household_id = db, household_id
        self._fetch(keep_edits=False)

    def _scroll_to_start(self) -> None:
        """Another household starts at the top and left of every table and scrolled tab."""
        for area in self.findChildren(QAbstractScrollArea):
            area.horizontalScrollBar().setValue(0)
            area.verticalScrollBar().setValue(0)

    def reload(self) -> None:
        """The same household again (after a write); edits not yet saved are kept."""
        if self.db is not None and self.household_id is not None:
            self._fetch(keep_edits=self.dirty)

    def _fetch(self, keep_edits: bool) -> None:
        self._generation += 1
        generation, db, hid = self._generation, self.db, self.household_id

        def work(ctx):
            d = household_page.detail(db, hid)
            try:
                tips = [s.text for s in suggestions.for_detail(d)]
            except UserError as exc:   # a broken rules file: say so where the suggestions go
                tips = [f"（建议规则有误：{exc}）"]
            return d, tips, choices.all_staff(db)

        run_in_background(self, work, on_success=lambda r: self._show(generation, *r, keep_edits=keep_edits))

    def discard(self) -> None:
        """Forget the household and any unsaved edits."""
        self._generation += 1
        self.household_id, self.detail = None, None
        self._review_done = False
        self._set_dirty(False)

    def _show(self, generation: int, d: HouseholdDetail, tips: list[str], staff, *, keep_edits: bool) -> None:
        if generation != self._generation:
            return
        self.detail = d
        self.header.show_household(d)
        self.figures.show_household(d)
        self.loan_tab.set_loans(d.loans)
        self.timeline.set_rows(d.timeline)
        self.tabs.setTabText(4, f"时间线（{len(d.timeline)}）")
        self.tabs.setTabText(0, f"贷款（{len(d.loans)}）")
        self.tabs.setTabText(1, f"人员（{len(d.people)}）")
        self.side.show_household(d, tips)

        if not keep_edits:
            self._filling = True
            self.assignments.set_staff(staff)
            self.people.set_detail(d)
            self.categories.set_detail(d)
            self.assignments.set_detail(d)
            self._review_done = False
            self._filling = False
            self._set_dirty(False)
        self.loaded.emit()

    # -- edits ----------------------------------------------------------------------------
    def _edited(self) -> None:
        if not self._filling and self.detail is not None:
            self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        self.header.set_dirty(dirty)

    def _review_done_clicked(self) -> None:
        self._review_done = True
        self.side.mark_reviewed()
        self._set_dirty(True)

    def changes(self) -> HouseholdChanges:
        """What the user changed, as one set of changes; ``InputError`` if something is not right."""
        problem = self.categories.check()
        if problem:
            self.tabs.setCurrentIndex(2)
            self.categories.show_problem(problem)
            raise InputError(problem)
        persons, new_persons, fields = self.people.changes()
        cat = self.categories.changes()
        return HouseholdChanges(capacity=cat.get("capacity"), capacity_reason=cat.get("capacity_reason"),
                                categories=cat.get("categories"), persons=persons, new_persons=new_persons,
                                phone=fields.get("phone"), address=fields.get("address"), note=fields.get("note"),
                                assignments=self.assignments.changes(), review_done=self._review_done)

    def save(self, then=None) -> bool:
        """Save the edits as one unit (in the background); ``then()`` after it worked.
        False if the edits cannot be saved as they are (the problem is shown)."""
        if not self.dirty or self.db is None or self.household_id is None:
            if then is not None:
                then()
            return True
        try:
            changes = self.changes()
        except InputError as exc:
            if not self.categories.reason_note.isVisible():
                errors.warn_user(self, str(exc), "不能保存")
            return False
        db, hid, generation = self.db, self.household_id, self._generation
        self.header.save_button.setEnabled(False)

        def done(d: HouseholdDetail) -> None:
            if generation == self._generation:
                self._set_dirty(False)
            window = self.window()
            if hasattr(window, "statusBar"):
                window.statusBar().showMessage(f"已保存 {d.head_name} 的修改", 5000)
            self.saved.emit()
            notify_written(self)
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            self.header.save_button.setEnabled(self.dirty)
            errors.show_error(self, exc)

        run_in_background(self, lambda ctx: households.update(db, hid, changes, actor()), on_success=done,
                          on_failure=failed, write=True, progress_label="正在保存……")
        return True

    def can_leave(self) -> bool:
        """True if there are no unsaved edits, or the user chose to save or drop them."""
        if not self.dirty or self.detail is None:
            return True
        box = QMessageBox(QMessageBox.Icon.Question, "未保存的修改",
                          f"{self.detail.head_name} 的修改还没有保存。",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("unsavedQuestion")
        box.button(QMessageBox.StandardButton.Save).setText("保存")
        box.button(QMessageBox.StandardButton.Discard).setText("不保存")
        box.button(QMessageBox.StandardButton.Cancel).setText("取消")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        errors.present(box)
        clicked = box.standardButton(box.clickedButton()) if box.clickedButton() else QMessageBox.StandardButton.Cancel
        if clicked == QMessageBox.StandardButton.Discard:
            self._set_dirty(False)
            return True
        if clicked == QMessageBox.StandardButton.Save:
            return self.save()
        return False

    # -- actions --------------------------------------------------------------------------
    def check_followups(self, item_ids: list, undo: bool = False) -> None:
        """Mark what a bank ledger said as checked (or take the mark back): saved at once,
        on its own (the page's other edits wait for 保存)."""
        if self.db is None or not item_ids:
            return
        db = self.db

        def done(found) -> None:
            window = self.window()
            if hasattr(window, "statusBar"):
                window.statusBar().showMessage(
                    f"{'已撤销核实' if undo else '已标记为已核实'}：{len(found)} 条台账提示", 5000)
            notify_written(self)     # the list, its 台账核实 filter and this page read again

        def failed(exc: BaseException) -> None:
            errors.show_error(self, exc)
            self.reload()

        run_in_background(self, lambda ctx: import_followup.mark_checked(db, item_ids, actor(), undo=undo),
                          on_success=done, on_failure=failed, write=True, progress_label="正在保存……")

    def selected_loan_id(self) -> str | None:
        return self.loan_tab.selected_loan_id()

    def selected_loan(self):
        lid = self.selected_loan_id()
        return next((ln for ln in self.detail.loans if ln.id == lid), None) if self.detail else None

    def record_visit(self):
        if self.db is None or self.household_id is None:
            return None
        from app.ui.dialogs.visit_dialog import open_visit_dialog

        return open_visit_dialog(self, self.db, self.household_id)

    def record_repayment(self):
        if self.detail is None or not self.detail.loans:
            return None
        from app.ui.dialogs.loan_dialogs import RepaymentDialog

        dialog = RepaymentDialog(self, self.db, self.detail.loans, self.selected_loan_id())
        dialog.open()
        return dialog

    def change_stage(self):
        loan = self.selected_loan()
        if loan is None:
            errors.warn_user(self, "请先在“贷款”中选中一笔贷款。", "变更阶段")
            return None
        from app.ui.dialogs.loan_dialogs import StageDialog

        dialog = StageDialog(self, self.db, loan)
        dialog.open()
        return dialog

    def void_fact(self, entry):
        """冲正 a repayment, 作废 a visit of the timeline (a reason; optionally the corrected one)."""
        if self.detail is None or not entry.voidable:
            return None
        from app.ui.dialogs.void_dialog import VoidRepaymentDialog, VoidVisitDialog

        if entry.kind == "repayment":
            rep = next((r for r in self.detail.repayments if r.id == entry.ref_id), None)
            loan = next((ln for ln in self.detail.loans if rep and ln.id == rep.loan_id), None)
            dialog = VoidRepaymentDialog(self, self.db, rep, loan.borrower if loan else "") if rep else None
        else:
            visit = next((v for v in self.detail.visits if v.id == entry.ref_id), None)
            dialog = VoidVisitDialog(self, self.db, visit) if visit else None
        if dialog is not None:
            dialog.open()
        return dialog

    def new_agreement(self) -> None:
        if self.db is None or self.household_id is None:
            return
        from app.ui.dialogs.agreement import open_new_agreement

        loan = self.selected_loan_id()
        made = open_new_agreement(self, self.db, household_id=self.household_id,
                                         loan_ids=[loan] if loan else None)
        if made:
            notify_written(self)
