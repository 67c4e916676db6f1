"""The agreement dialog's 借款户 and 贷款 boxes: find the household (search as you type, Enter
takes the first one found), then tick the loans the agreement covers."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db.session import Database
from app.services.agreements.picker import HouseholdHit, HouseholdLoans, search_households
from app.ui import formatting as fmt
from app.ui.models.agreement_plan import LoanChoiceModel
from app.ui.tasks import run_in_background
from app.ui.widgets.common import scaled_font
from app.ui.widgets.fields import FieldNote
from app.ui.widgets.tables import make_table_view, rows_height

SEARCH_DELAY_MS = 200


class HouseholdPicker(QWidget):
    """借款户 (the search field and its hits, or the household chosen) above 贷款 (its loans)."""

    hits_ready = Signal()       # search results listed
    chosen = Signal(str)        # a household picked from the hits: its id

    def __init__(self, parent: QWidget, db: Database):
        super().__init__(parent)
        self.db = db
        self._search_generation = 0
        self._build()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.installEventFilter(self)
        self.hits.itemClicked.connect(self._hit_chosen)
        self.hits.itemActivated.connect(self._hit_chosen)
        self.change.clicked.connect(self.show_search)

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("householdSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText("输入姓名、拼音首字母、身份证号、借据号或电话查找")
        self.hits = QListWidget()
        self.hits.setObjectName("householdHits")
        self.hits.setFixedHeight(self.fontMetrics().height() * 4 + 16)
        self.finder = QWidget()
        finder = QVBoxLayout(self.finder)
        finder.setContentsMargins(0, 0, 0, 0)
        finder.setSpacing(4)
        finder.addWidget(self.search)
        finder.addWidget(self.hits)
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
        hb.addWidget(self.finder)

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

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(household_box)
        layout.addWidget(loans_box)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the search box picks the first household found (it does not save)."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._search_timer.stop()
                if self.hits.count():
                    self._hit_chosen(self.hits.currentItem() or self.hits.item(0))
                else:
                    self.run_search(choose_first=True)
                return True
            if event.key() == Qt.Key.Key_Down and self.hits.count():
                self.hits.setFocus()
                self.hits.setCurrentRow(0)
                return True
        return super().eventFilter(watched, event)

    def show_search(self) -> None:
        self.finder.setVisible(True)
        self.change.setVisible(False)
        self.search.setFocus()

    def run_search(self, choose_first: bool = False) -> None:
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
        if household_id:
            self.chosen.emit(household_id)

    def show_household(self, household: HouseholdLoans, checked: set[str] | None, *, can_change: bool) -> None:
        """The household chosen and its loans; ``checked``: the loans ticked (None: every free
        loan with a balance)."""
        self.who.setText(household.name)
        self.where.setText("  ".join(p for p in (household.place, household.phone or "") if p))
        self.finder.setVisible(False)
        self.change.setVisible(can_change)
        if checked is None:
            checked = {ln.id for ln in household.loans if ln.free and ln.balance_fen > 0}
        self.loans.set_loans(household.loans, checked)
        self.loans_view.setFixedHeight(rows_height(self.loans_view, min(max(len(household.loans), 2), 4)))

    def loan_nos(self) -> list[str]:
        return [ln.loan_no for ln in self.loans.checked_loans()]
