"""还款协议: the list of agreements (filter by state, 近期到期 within N days, search), one
agreement in detail below it, and what can be done with it: print its forms, mark it signed,
record a payment, revise it (a new version once printed), cancel it; and 新建还款协议."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.services import agreements
from app.services.agreements.overview import AgreementListItem, overview
from app.services.recovery import agreement_payments
from app.ui import errors
from app.ui.actor import actor
from app.ui.dialogs.agreement_actions import CancelDialog, PaymentDialog, PaymentDoneDialog, SignDialog
from app.ui.models.agreements import FILTERS, AgreementFilterProxy, AgreementListModel
from app.ui.pages.base import Page
from app.ui.printing import make_form
from app.ui.tasks import run_in_background
from app.ui.widgets.agreement_detail import AgreementDetail
from app.ui.widgets.common import PageHeader
from app.ui.widgets.tables import make_table_view

FORM_KINDS = {"print_agreement": "agreement", "print_sheet": "sheet", "print_receipt": "receipt"}


class AgreementsPage(Page):
    key = "agreements"

    loaded = Signal()          # the list is filled (after each refresh)
    detail_loaded = Signal()   # the selected agreement is shown
    changed = Signal(str)      # an agreement was written (its id)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.as_of = date.today()
        self.items: list[AgreementListItem] = []
        self._generation = 0
        self._detail_generation = 0
        self._select_after_load: str | None = None
        self._selecting = False
        self.dialog = None         # the dialog open on the page (tests reach it here)

        self.header = PageHeader(self.title, "")
        self.new_button = QPushButton("新建还款协议")
        self.new_button.setObjectName("newAgreement")
        self.new_button.setToolTip("为一户拟定还款协议：选贷款、算欠款、定减免和还款计划")
        self.new_button.clicked.connect(self.new_agreement)
        refresh = QPushButton("刷新")
        refresh.setToolTip("重新读取（F5）")
        refresh.clicked.connect(self.refresh)
        self.header.add_right(self.new_button)
        self.header.add_right(refresh)

        self.filter = QComboBox()
        self.filter.setObjectName("stateFilter")
        for key, label in FILTERS:
            self.filter.addItem(label, key)
        self.days = QSpinBox()
        self.days.setObjectName("dueDays")
        self.days.setRange(1, 365)
        self.days.setValue(7)
        self.days.setSuffix(" 天内")
        self.days.setToolTip("近期到期：下一期在这么多天内到期（含已逾期但未超过宽限期的）")
        self.search = QLineEdit()
        self.search.setObjectName("agreementSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText("搜索：协议编号、户名、拼音首字母、借据号、村、电话")
        self.count = QLabel("")
        self.count.setObjectName("muted")
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(QLabel("显示"))
        bar.addWidget(self.filter)
        bar.addWidget(self.days)
        bar.addSpacing(12)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count)

        self.model = AgreementListModel(self)
        self.proxy = AgreementFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table_view(self.model, self, proxy=self.proxy)
        self.table.setObjectName("agreementTable")
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # newest first, as loaded
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(lambda _i: self.detail.tabs.setCurrentIndex(0))

        self.detail = AgreementDetail(self)
        self.detail.action.connect(self.run_action)
        self.detail.version_chosen.connect(self.show_agreement)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("agreementSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 5)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 12)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        self.setStyleSheet("QFrame#agreementDetail { background: white; border: 1px solid #d9dde3; "
                           "border-radius: 6px; }")

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.filter.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.days.valueChanged.connect(lambda _v: self._apply_filter())
        self._apply_filter()

    # -- the list ------------------------------------------------------------------------
    def focus_search(self) -> bool:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
        return True

    def set_filter(self, key: str) -> None:
        self.filter.setCurrentIndex(self.filter.findData(key))

    def _apply_filter(self) -> None:
        self._search_timer.stop()
        mode = self.filter.currentData()
        self.days.setVisible(mode == "due")
        self.proxy.set_filter(mode=mode, days=self.days.value(), text=self.search.text(), as_of=self.as_of)
        self._update_count()
        if not self.table.selectionModel().hasSelection() and self.proxy.rowCount():
            self.table.selectRow(0)
        elif not self.proxy.rowCount():
            self.detail.clear("没有符合条件的协议。" if self.items else "还没有还款协议。点右上角“新建还款协议”。")

    def _update_count(self) -> None:
        self.count.setText(f"{self.proxy.rowCount()} / {sum(1 for i in self.items if i.state != 'superseded')} 份")

    def shown_items(self) -> list[AgreementListItem]:
        return [self.model.record(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
                for r in range(self.proxy.rowCount())]

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        db = self.db
        self.as_of = as_of = date.today()
        self.new_button.setEnabled(db is not None)
        if db is None:
            self._show(generation, [])
            return
        self.header.set_subtitle("正在读取……")
        run_in_background(self, lambda ctx: overview(db, as_of), on_success=lambda rows: self._show(generation, rows),
                          on_failure=lambda exc: self._failed(generation, exc))

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.header.set_subtitle("读取失败")
        errors.show_error(self, exc)

    def _show(self, generation: int, rows: list[AgreementListItem]) -> None:
        if generation != self._generation:
            return
        keep = self._select_after_load or self.current_id()
        self._select_after_load = None
        self.items = rows
        self.model.set_rows(rows)
        self.proxy.set_filter(as_of=self.as_of)
        current = [i for i in rows if i.state != "superseded"]
        if self.db is None:
            self.header.set_subtitle("未打开数据库")
        else:
            due = sum(1 for i in current if i.due_within(self.as_of, 7))
            self.header.set_subtitle(
                f"共 {len(current)} 份  ·  履行中 {sum(i.state == 'signed' for i in current)}  ·  "
                f"已违约 {sum(i.state == 'broken' for i in current)}  ·  7 天内到期 {due}  ·  "
                f"待签字 {sum(i.state in ('draft', 'printed') for i in current)}  ·  截至 {self.as_of.isoformat()}")
        self._update_count()
        if keep and self.select(keep):
            pass
        elif self.proxy.rowCount():
            self.table.selectRow(0)
        else:
            self.detail.clear("还没有还款协议。点右上角“新建还款协议”。" if not rows else "没有符合条件的协议。")
        self.loaded.emit()

    def select(self, agreement_id: str) -> bool:
        """Select the agreement in the list (showing every state if the filter hides it)."""
        row = self.model.row_of(agreement_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            self.set_filter("history")
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self._selecting = True
        try:
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        finally:
            self._selecting = False
        self.table.scrollTo(index)
        self.show_agreement(agreement_id)
        return True

    def current_id(self) -> str | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        source = self.proxy.mapToSource(index)
        return self.model.record(source.row()).id if source.isValid() else None

    def _current_changed(self, current, _previous) -> None:
        if self._selecting:
            return
        source = self.proxy.mapToSource(current)
        if source.isValid():
            self.show_agreement(self.model.record(source.row()).id)

    # -- the detail ----------------------------------------------------------------------
    def show_agreement(self, agreement_id: str) -> None:
        self._detail_generation += 1
        generation = self._detail_generation
        db, as_of = self.db, self.as_of
        if db is None:
            return

        def work(ctx):
            return agreements.get(db, agreement_id, as_of), agreements.history(db, agreement_id)

        def done(result) -> None:
            if generation == self._detail_generation:
                self.detail.show_agreement(*result, as_of)
                self.detail_loaded.emit()

        run_in_background(self, work, on_success=done)

    # -- actions -------------------------------------------------------------------------
    def run_action(self, key: str) -> None:
        view = self.detail.view
        if view is None or self.db is None:
            return
        if key in FORM_KINDS:
            make_form(self, self.db, view.id, FORM_KINDS[key], number=view.number, version=view.version,
                      household=view.household, on_done=lambda _f: self._after_write(view.id))
        elif key == "sign":
            self._open(SignDialog(view, self.as_of, self), lambda d: self._sign(view.id, d.signed_on()))
        elif key == "cancel":
            self._open(CancelDialog(view, self), lambda d: self._cancel(view.id, d.reason_text()))
        elif key == "pay":
            self._open(PaymentDialog(view, self.as_of, self), lambda d: self._pay(view, d))
        elif key == "revise":
            from app.ui.dialogs.agreement import AgreementDialog

            self._open(AgreementDialog(self, self.db, revise_id=view.id),
                       lambda d: self._after_write(d.saved_id, select=d.saved_id))

    def _open(self, dialog, on_accept) -> None:
        """Open a dialog window-modally without blocking; ``on_accept(dialog)`` when accepted."""
        self.dialog = dialog
        dialog.accepted.connect(lambda: on_accept(dialog))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    # The dialogs' values are read here, on the GUI thread; the workers get plain values.
    def _sign(self, agreement_id: str, signed_on: date) -> None:
        db, who = self.db, actor()
        run_in_background(self, lambda ctx: agreements.sign(db, agreement_id, signed_on, who), write=True,
                          on_success=lambda view: self._after_write(view.id, message="已标记为已签订"))

    def _cancel(self, agreement_id: str, reason: str | None) -> None:
        db, who = self.db, actor()
        run_in_background(self, lambda ctx: agreements.cancel(db, agreement_id, reason, who), write=True,
                          on_success=lambda view: self._after_write(view.id, message="协议已作废"))

    def _pay(self, view, dialog: PaymentDialog) -> None:
        db = self.db
        amount, paid_on, note = dialog.amount_fen(), dialog.paid_on(), dialog.note_text()

        def done(result) -> None:
            self._after_write(view.id)
            done_dialog = PaymentDoneDialog(result, self)
            self.dialog = done_dialog
            done_dialog.print_requested.connect(lambda: make_form(
                self, db, view.id, "receipt", number=view.number, version=view.version, household=view.household,
                receipt_no=result.receipt_no))
            errors.present(done_dialog)

        who = actor()
        run_in_background(self, lambda ctx: agreement_payments.pay(db, view.id, amount, paid_on, who, note=note),
                          on_success=done, write=True, progress_label="正在登记还款……")

    def _after_write(self, agreement_id: str | None, *, select: str | None = None, message: str | None = None) -> None:
        win = self.window()
        if message and hasattr(win, "statusBar"):
            win.statusBar().showMessage(message, 5000)
        self._select_after_load = select or agreement_id
        if agreement_id:
            self.changed.emit(agreement_id)
        self._mark_other_pages_stale()
        self.refresh()

    def _mark_other_pages_stale(self) -> None:
        """Payments change the figures other pages show: they reload when next shown."""
        for page in getattr(self.window(), "pages", []):
            if page is not self and isinstance(page, Page):
                page._stale = True

    def new_agreement(self) -> None:
        if self.db is None:
            return
        from app.ui.dialogs.agreement import AgreementDialog

        self._open(AgreementDialog(self, self.db), lambda d: self._after_write(d.saved_id, select=d.saved_id))
