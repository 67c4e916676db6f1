"""The household page (一户一策), shown inside the 借款户 page: who the household is, its figures,
the next steps the rules suggest, and tabs for loans, people, categories and the judgement,
responsible people and the timeline.  Edits are saved together with 保存 (Ctrl+S)."""
from __future__ import annotations


from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractScrollArea, QFrame, QGridLayout, QHBoxLayout, QLabel,
                               QMessageBox, QPushButton, QScrollArea, QSizePolicy, QTabWidget, QVBoxLayout, QWidget)

from app.db.session import Database
from app.domain.categories import BY_CODE
from app.domain.errors import InputError, UserError
from app.domain.money import format_yuan
from app.services.work import choices
from app.services.households import listing as households
from app.services.ledger_import import followup as import_followup
from app.services.work import suggestions
from app.services.households.detail import HouseholdChanges, HouseholdDetail
from app.services.reporting.summary import rate
from app.ui import errors
from app.ui import formatting as fmt
from app.ui.actor import actor
from app.ui.models.household_detail import LoanTableModel, TimelineModel
from app.ui.pages.base import notify_written
from app.ui.tasks import run_in_background
from app.ui.widgets.common import FigureCard, scaled_font
from app.ui.widgets.followup_panel import FollowupPanel
from app.ui.widgets.household_edit import AssignmentEditor, CategoryCapacityEditor, PeopleEditor
from app.ui.widgets.tables import make_table_view
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


def _badge(text: str, role: str = "badge", **props) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    for k, v in props.items():
        label.setProperty(k, v)
    return label


def _clear(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()


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

        # -- top bar ------------------------------------------------------------------------
        self.back_button = QPushButton("← 返回列表")
        self.back_button.setObjectName("backToList")
        self.back_button.setToolTip("回到借款户列表（Alt+←）")
        self.back_button.clicked.connect(self.back_requested)
        self.name = QLabel("")
        self.name.setObjectName("householdName")
        self.name.setFont(scaled_font(self, 1.55, bold=True))
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.capacity_badge = _badge("")
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
        self.visit_button.clicked.connect(self.record_visit)
        self.repay_button = QPushButton("登记还款…")
        self.repay_button.setObjectName("recordRepayment")
        self.repay_button.setToolTip("登记选中贷款（或第一笔尚欠的贷款）的一笔还款")
        self.repay_button.clicked.connect(lambda: self.record_repayment())
        self.agreement_button = QPushButton("新建还款协议…")
        self.agreement_button.setObjectName("newAgreement")
        self.agreement_button.setToolTip("为这一户（选中的贷款）起草还款协议")
        self.agreement_button.clicked.connect(self.new_agreement)
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveHousehold")
        self.save_button.setToolTip("保存人员、类别、研判和责任人的修改（Ctrl+S）")
        self.save_button.clicked.connect(lambda: self.save())
        self.unsaved = QLabel("有未保存的修改")
        self.unsaved.setObjectName("unsaved")
        self.unsaved.setVisible(False)
        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(texts, 1)
        for w in (self.unsaved, self.visit_button, self.repay_button, self.agreement_button, self.save_button):
            top.addWidget(w, 0, Qt.AlignmentFlag.AlignVCenter)

        # -- figures ------------------------------------------------------------------------
        self.cards = {key: FigureCard(key, caption) for key, caption in (
            ("task", "任务金额（元）"), ("recovered", "已清收（元）"), ("outstanding", "剩余（元）"),
            ("last_visit", "最近走访"), ("next", "下次跟进"))}
        self.cards["outstanding"].setProperty("accent", True)
        figures = QGridLayout()
        figures.setHorizontalSpacing(8)
        for i, card in enumerate(self.cards.values()):
            card.value.setFont(scaled_font(self, 1.3, bold=True))
            figures.addWidget(card, 0, i)
            figures.setColumnStretch(i, 1)

        # -- tabs -----------------------------------------------------------------------------
        self.tabs = QTabWidget()
        self.tabs.setObjectName("householdTabs")
        self.loans = LoanTableModel(self)
        self.loan_view = make_table_view(self.loans, self, columns_key="householdLoans")
        self.loan_view.setObjectName("loanTable")
        self.loan_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)     # the service's order
        self.loan_view.setSortingEnabled(False)
        self.loan_view.doubleClicked.connect(lambda _i: self.record_repayment())
        self.stage_button = QPushButton("变更阶段…")
        self.stage_button.setObjectName("changeStage")
        self.stage_button.setToolTip("把选中的贷款转到诉讼、立案、执行、结清或核销")
        self.stage_button.clicked.connect(self.change_stage)
        self.repay_loan_button = QPushButton("登记还款…")
        self.repay_loan_button.setObjectName("repayLoan")
        self.repay_loan_button.clicked.connect(lambda: self.record_repayment())
        loan_tab = QWidget()
        lt = QVBoxLayout(loan_tab)
        lt.setContentsMargins(8, 8, 8, 8)
        lt.addWidget(self.loan_view, 1)
        loan_buttons = QHBoxLayout()
        hint = QLabel("金额单位：元 · 先选中一笔贷款，再变更阶段或登记还款 · 右键点击表头可显示更多列")
        hint.setObjectName("muted")
        loan_buttons.addWidget(hint, 1)
        loan_buttons.addWidget(self.stage_button)
        loan_buttons.addWidget(self.repay_loan_button)
        lt.addLayout(loan_buttons)
        self.people = PeopleEditor()
        self.categories = CategoryCapacityEditor()
        self.assignments = AssignmentEditor()
        self.timeline = TimelineModel(self)
        self.timeline_panel = TimelinePanel(self.timeline, self)
        self.timeline_panel.void_requested.connect(self.void_fact)
        self.timeline_view = self.timeline_panel.view
        self.tabs.addTab(loan_tab, "贷款")
        self.tabs.addTab(self.people, "人员")
        self.tabs.addTab(_scrolled(self.categories), "类别与研判")
        self.tabs.addTab(self.assignments, "责任人")
        self.tabs.addTab(self.timeline_panel, "时间线")
        for editor in (self.people, self.categories, self.assignments):
            editor.changed.connect(self._edited)

        # -- the side: suggestions first ------------------------------------------------------
        self.suggest_panel = QFrame()
        self.suggest_panel.setObjectName("suggestPanel")
        suggest_title = QLabel("建议下一步")
        suggest_title.setObjectName("suggestTitle")
        suggest_title.setFont(scaled_font(self, 1.1, bold=True))
        self.suggest_list = QVBoxLayout()
        self.suggest_list.setSpacing(8)
        sp = QVBoxLayout(self.suggest_panel)
        sp.setContentsMargins(12, 10, 12, 12)
        sp.setSpacing(8)
        sp.addWidget(suggest_title)
        sp.addLayout(self.suggest_list)
        self.review_panel = QFrame()
        self.review_panel.setObjectName("sidePanel")
        self.review_text = QLabel("")
        self.review_text.setWordWrap(True)
        self.review_button = QPushButton("已核实")
        self.review_button.setObjectName("reviewDone")
        self.review_button.setToolTip("核实过这一户的信息后点这里，再点“保存”")
        self.review_button.clicked.connect(self._review_done_clicked)
        rp = QVBoxLayout(self.review_panel)
        rp.setContentsMargins(12, 10, 12, 10)
        rp.addWidget(self.review_text)
        rp.addWidget(self.review_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.followup_panel = FollowupPanel()
        self.followup_panel.check_requested.connect(self.check_followups)
        self.staff_panel = QLabel("")
        self.staff_panel.setObjectName("staffSummary")
        self.staff_panel.setWordWrap(True)
        self.staff_panel.setTextFormat(Qt.TextFormat.RichText)
        staff_frame = QFrame()
        staff_frame.setObjectName("sidePanel")
        sf = QVBoxLayout(staff_frame)
        sf.setContentsMargins(12, 10, 12, 10)
        sf.addWidget(self.staff_panel)
        side = QVBoxLayout()
        side.setSpacing(10)
        side.addWidget(self.suggest_panel)
        side.addWidget(self.followup_panel)
        side.addWidget(self.review_panel)
        side.addWidget(staff_frame)
        side.addStretch(1)
        side_inner = QWidget()
        side_inner.setObjectName("householdSide")
        side_inner.setLayout(side)
        side.setContentsMargins(0, 0, 0, 0)
        side_box = _scrolled(side_inner)
        side_box.setFixedWidth(self.fontMetrics().horizontalAdvance("中") * 21)
        side_box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)

        left = QVBoxLayout()
        left.setSpacing(10)
        left.addLayout(figures)
        left.addWidget(self.tabs, 1)
        body = QHBoxLayout()
        body.setSpacing(12)
        body.addLayout(left, 1)
        body.addWidget(side_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
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
            d = households.detail(db, hid)
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
        self.name.setText(d.head_name)
        self.capacity_badge.setText(d.capacity_name)
        self.capacity_badge.setProperty("level", d.capacity)
        self.capacity_badge.setToolTip(f"还款能力研判：{d.capacity_name}" + (f"。理由：{d.capacity_reason}"
                                                                              if d.capacity_reason else ""))
        self.capacity_badge.style().unpolish(self.capacity_badge)
        self.capacity_badge.style().polish(self.capacity_badge)
        _clear(self.chips)
        for code in d.category_codes:
            cat = BY_CODE.get(code)
            chip = _badge(cat.short if cat else code, "chip")
            chip.setToolTip(cat.name if cat else code)
            self.chips.addWidget(chip)
        if d.promise_broken:
            self.chips.addWidget(_badge("承诺未兑现", "chip", alert=True))
        where = " ".join(p for p in (d.township, d.village, d.group_name or "") if p)
        parts = [where, f"电话 {d.phone}" if d.phone else "无电话", f"身份证 {d.head_id_number}" if d.head_id_number else "",
                 d.address or ""]
        self.subline.setText("  ·  ".join(p for p in parts if p))

        self.cards["task"].set(fmt.money(d.task_fen), f"{len(d.loans)} 笔贷款")
        self.cards["recovered"].set(fmt.money(d.recovered_fen),
                                    f"清收率 {fmt.rate(rate(d.recovered_fen, d.task_fen)) if d.task_fen else '—'}")
        self.cards["outstanding"].set(fmt.money(d.outstanding_fen), "任务金额 − 已清收")
        last = next((v for v in d.visits), None)
        self.cards["last_visit"].set(d.last_visit_on.isoformat() if d.last_visit_on else "从未走访",
                                     f"{last.method_name}：{last.outcome_name}" if last else "请尽快走访")
        if d.next_date:
            note = "已到期，请跟进" if d.followup_due else "约定的跟进日期"
        else:
            note = "未安排"
        if d.promise_date:
            amount = f" {format_yuan(d.promise_fen)} 元" if d.promise_fen else ""
            note = f"承诺 {d.promise_date} 还{amount}" + ("（未兑现）" if d.promise_broken else "")
        self.cards["next"].set(d.next_date.isoformat() if d.next_date else "—", note)
        self.cards["next"].value.setStyleSheet("color: #b9770e;" if d.followup_due else "")
        self.cards["next"].note.setStyleSheet("color: #c0392b;" if d.promise_broken else "")

        selected = self.selected_loan_id()
        self.loans.set_rows(d.loans)
        row = next((i for i, ln in enumerate(d.loans) if ln.id == selected), 0 if d.loans else -1)
        if row >= 0:
            self.loan_view.selectRow(self.loan_view.model().mapFromSource(self.loans.index(row, 0)).row())
        self.timeline.set_rows(d.timeline)
        self.tabs.setTabText(4, f"时间线（{len(d.timeline)}）")
        self.tabs.setTabText(0, f"贷款（{len(d.loans)}）")
        self.tabs.setTabText(1, f"人员（{len(d.people)}）")

        _clear(self.suggest_list)
        for i, text in enumerate(tips or ["暂无建议：按计划跟进即可。"]):
            label = QLabel(f"{i + 1}. {text}" if tips else text)
            label.setProperty("role", "suggestion")
            label.setWordWrap(True)
            if i == 0 and tips:
                label.setFont(scaled_font(self, 1.0, bold=True))
            self.suggest_list.addWidget(label)
        self.followup_panel.set_items(d.followups)
        if d.open_followups:
            self.chips.addWidget(_badge("台账待核实", "chip", alert=True))
        self.review_panel.setVisible(d.needs_review)
        self.review_text.setText("⚠ 这一户的信息需要核实" + (f"：{d.review_note}" if d.review_note else ""))
        self.staff_panel.setText("<b>责任人</b><br>" + ("<br>".join(
            f"{a.staff_name}（{a.duty_name}{'，借据 ' + a.loan_no if a.loan_no else ''}）"
            + (f" {a.staff_phone}" if a.staff_phone else "") for a in d.assignments) or "尚未指定"))

        if not keep_edits:
            self._filling = True
            self.assignments.set_staff(staff)
            self.people.set_detail(d)
            self.categories.set_detail(d)
            self.assignments.set_detail(d)
            self._review_done = False
            self._filling = False
            self._set_dirty(False)
        self.repay_button.setEnabled(bool(d.loans))
        self.repay_loan_button.setEnabled(bool(d.loans))
        self.stage_button.setEnabled(bool(d.loans))
        self.loaded.emit()

    # -- edits ----------------------------------------------------------------------------
    def _edited(self) -> None:
        if not self._filling and self.detail is not None:
            self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        self.save_button.setEnabled(dirty)
        self.unsaved.setVisible(dirty)

    def _review_done_clicked(self) -> None:
        self._review_done = True
        self.review_button.setEnabled(False)
        self.review_text.setText("已标记为核实（点“保存”后生效）")
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
        self.save_button.setEnabled(False)

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
            self.save_button.setEnabled(self.dirty)
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
        index = self.loan_view.currentIndex()
        if not index.isValid():
            return None
        source = self.loan_view.model().mapToSource(index)
        return self.loans.record(source.row()).id if source.isValid() else None

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
