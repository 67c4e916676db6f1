"""借款户: the household list (search as you type, filters, sortable columns, export) and, in
the same place, the household page (返回列表 / Alt+Left goes back)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import config
from app.services import households
from app.services.households import HouseholdFilter
from app.services.work import choices
from app.ui import errors
from app.ui import formatting as fmt
from app.ui.dialogs.file_saved import show_file_saved
from app.ui.models.households import COLUMNS, MATCH_COLUMN, TOWNSHIP_COLUMN, HouseholdTableModel
from app.ui.pages.base import Page
from app.ui.pages.household_view import HouseholdView
from app.ui.tasks import run_in_background
from app.ui.widgets.common import PageHeader, scaled_font
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.household_filters import HouseholdFilterBar
from app.ui.widgets.household_table import HouseholdTable, SearchBox

SEARCH_DELAY_MS = 150
MIN_DIGITS = 3
CHOICES_DELAY_MS = 300


class HouseholdsPage(Page):
    key = "households"

    list_loaded = Signal()        # the list shows the result of the latest query
    choices_loaded = Signal()     # the filter bar has its villages and people

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._db_seen = None
        self._ready = False             # the index is checked and the list has loaded
        self._pending_open: str | None = None
        self._choices_generation = 0
        self.model = HouseholdTableModel(self)
        self.model.totalChanged.connect(self._show_total)
        self.model.queryChanged.connect(self.list_loaded)

        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_list())
        self._view: HouseholdView | None = None      # made when a household is first opened
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.stack.currentChanged.connect(lambda _i: self.keys_changed.emit())

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.filters.changed.connect(self.apply_filter)
        self.filters.clear_button.clicked.connect(self.clear_filters)

    # -- building ------------------------------------------------------------------------
    def _build_list(self) -> QWidget:
        box = QWidget()
        box.setObjectName("householdList")
        self.header = PageHeader("借款户", "")
        self.visit_button = QPushButton("记录走访…")
        self.visit_button.setObjectName("listVisit")
        self.visit_button.setToolTip("为选中的借款户记录一次走访（Ctrl+N）")
        self.visit_button.clicked.connect(self.visit_current)
        self.export_button = QPushButton("导出Excel…")
        self.export_button.setObjectName("exportExcel")
        self.export_button.setToolTip("把当前筛选出的借款户（按当前顺序）导出为 Excel 文件")
        self.export_button.clicked.connect(self.export_dialog)
        self.header.add_right(self.visit_button)
        self.header.add_right(self.export_button)

        self.search = SearchBox()
        self.search.setObjectName("householdSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText("查找：姓名、拼音首字母（如 zs 找张三）、身份证号、借据号或电话")
        self.search.setToolTip("边输入边查找（Ctrl+F）。按 ↓ 进入列表，按回车打开。")
        self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 30)
        self.search.down.connect(self._focus_table)
        self.search.enter.connect(self._search_enter)
        self.count_label = QLabel("")
        self.count_label.setObjectName("householdCount")
        self.count_label.setFont(scaled_font(self, 1.15, bold=True))
        hint = QLabel("金额单位：元　·　双击一户（或选中后按回车）打开")
        hint.setObjectName("muted")
        search_row = QHBoxLayout()
        search_row.setSpacing(12)
        search_row.addWidget(self.search, 3)
        search_row.addWidget(self.count_label)
        search_row.addStretch(1)
        search_row.addWidget(hint)

        self.filters = HouseholdFilterBar()

        self.table = HouseholdTable(self.model)
        self.table.open_requested.connect(self.open_household)
        self.empty = EmptyState(self.table, "emptyList")
        head = self.table.horizontalHeader()
        head.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        head.sortIndicatorChanged.connect(self._sort_indicator_changed)

        layout = QVBoxLayout(box)
        layout.setContentsMargins(20, 14, 20, 12)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addLayout(search_row)
        layout.addWidget(self.filters)
        layout.addWidget(self.table, 1)
        return box

    @property
    def view(self) -> HouseholdView:
        """The household page (made on first use: the list opens faster without it)."""
        if self._view is None:
            self._view = HouseholdView(self)
            self._view.back_requested.connect(self.show_list)
            self.stack.addWidget(self._view)
        return self._view

    # -- the database --------------------------------------------------------------------
    def refresh(self) -> None:
        if self.db is not self._db_seen:
            self._db_seen = self.db
            self._ready = False
            if self._view is not None:
                self._view.discard()
            self.stack.setCurrentIndex(0)
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.filters.blockSignals(True)
            self.filters.clear()
            self.filters.blockSignals(False)
            self.filters.set_choices([], [], [])
            # A district database lists several townships' households: it shows their 乡镇.
            district = self.db is not None and self.db.identity().role == "district"
            self.table.setColumnHidden(TOWNSHIP_COLUMN, not district)
        db = self.db
        if db is None:
            self.model.set_database(None)
            self.header.set_subtitle("未打开数据库")
            return
        if not self._ready:
            self.header.set_subtitle("正在读取……")
            run_in_background(self, lambda ctx: households.prepare(db), on_success=lambda _n: self._prepared(db))
            return
        self._reload_keeping_place()
        if self.stack.currentIndex() == 1:
            self.view.reload()
        # An import or a merge leaves the households it made without an index row (they are
        # built when the list is next read), and it, or an edit, may have added a township, a
        # village or a responsible person: fill the index in, then read the choices again.
        run_in_background(self, lambda ctx: households.prepare(db), on_success=lambda n: self._refreshed(db, n),
                          write=True)

    def _refreshed(self, db, written: int) -> None:
        if db is not self.db:
            return
        if written:
            self._reload_keeping_place()
        self._load_choices(db)

    def _prepared(self, db) -> None:
        if db is not self.db:
            return
        self._ready = True
        self.model.db = db
        self.apply_filter()
        # The filter bar's choices a moment later: sorting names by pinyin may load its tables
        # (a quarter of a second), which should not hold up the first rows.
        QTimer.singleShot(CHOICES_DELAY_MS, lambda: self._load_choices(db))
        if self._pending_open:
            hid, self._pending_open = self._pending_open, None
            self.open_household(hid)

    def _load_choices(self, db) -> None:
        if db is self.db:
            self._choices_generation += 1
            generation = self._choices_generation
            run_in_background(self, lambda ctx: (choices.townships(db), choices.villages(db), choices.staff(db),
                                                 choices.followup_kinds(db)),
                              on_success=lambda found: self._set_choices(db, generation, found))

    def _set_choices(self, db, generation: int, found) -> None:
        if db is not self.db or generation != self._choices_generation:
            return   # another database, or a newer reading is on its way
        before = self.filters.values()
        self.filters.set_choices(*found)
        if self.filters.values() != before:   # a chosen village or person has no household any more
            self.apply_filter()
        self.choices_loaded.emit()

    def _reload_keeping_place(self) -> None:
        current = self.current_household()
        top = self.table.verticalScrollBar().value()
        self.model.reload()
        if current:
            self.select_household(current)
        self.table.verticalScrollBar().setValue(top)

    # -- the list ------------------------------------------------------------------------
    def search_text(self) -> str:
        """The text searched for.  One or two digits would match nearly every ID number and phone
        (and no index can answer them quickly): digits count from the third one typed."""
        text = self.search.text().strip()
        return "" if text.isdigit() and len(text) < MIN_DIGITS else text

    def current_filter(self) -> HouseholdFilter:
        return HouseholdFilter(text=self.search_text(), as_of=date.today(), **self.filters.values())

    def apply_filter(self) -> None:
        self._search_timer.stop()
        if self.db is None or not self._ready:
            return
        f = self.current_filter()
        if f == self.model.filter and self.model.db is self.db:
            self._show_total(self.model.total)     # e.g. a second digit typed: nothing to ask
            self.list_loaded.emit()
            return
        self.model.set_query(f)
        self.table.setColumnHidden(MATCH_COLUMN, not f.text)
        if self.model.rowCount():
            self.table.scrollToTop()

    def clear_filters(self) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.filters.clear()          # emits changed → apply_filter

    def show_only(self, check: str) -> None:
        """Clear the search and filters, then tick one checkbox (see ``show_filtered``)."""
        boxes = {"followup_due": self.filters.due, "promise_broken": self.filters.broken,
                 "never_visited": self.filters.never}
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.filters.blockSignals(True)
        self.filters.clear()
        boxes[check].setChecked(True)
        self.filters.blockSignals(False)
        self.apply_filter()

    def show_filtered_to(self, *, township_id: str | None = None, village_id: str | None = None,
                         staff_id: str | None = None) -> None:
        """Clear the search and filters, then show one township, village and/or responsible
        person's households (see ``show_households``)."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.filters.set_values(township_id=township_id, village_id=village_id, staff_id=staff_id)
        self.apply_filter()

    def _show_total(self, total: int) -> None:
        typed = self.search.text().strip()
        short = bool(typed) and not self.search_text()
        self.count_label.setText(f"共 {fmt.count(total)} 户" + ("（数字请至少输入 3 位）" if short else ""))
        filtered = bool(self.search_text()) or self.filters.is_active()
        if total or self.db is None:
            self.empty.clear()
        elif filtered:
            self.empty.show_message("没有找到符合条件的借款户", "换个查找的字，或者清除筛选再看。", "清除筛选",
                                    self.clear_filters)
        else:
            window = self.window()
            self.empty.show_message("还没有借款户，请先导入银行台账",
                                    "把银行下发的不良贷款任务清单（Excel）导入进来，这里就列出每一户。",
                                    "导入银行台账…", getattr(window, "import_ledger", None))
        order = COLUMNS[self.model.sort_column()].title
        way = "从大到小" if self.model.descending else "从小到大"
        if self.model.sort_key == "name":
            way = "倒序" if self.model.descending else "拼音顺序"
        self.header.set_subtitle(("筛选结果" if filtered else "全部借款户") + f" · 按{order}{way}排列")
        self.export_button.setEnabled(total > 0)

    def _sort_indicator_changed(self, column: int, _order) -> None:
        if COLUMNS[column].sort_key is None:   # this column cannot be sorted: put the arrow back
            head = self.table.horizontalHeader()
            head.blockSignals(True)
            head.setSortIndicator(self.model.sort_column(), Qt.SortOrder.DescendingOrder if self.model.descending
                                  else Qt.SortOrder.AscendingOrder)
            head.blockSignals(False)
            window = self.window()
            if hasattr(window, "statusBar"):
                window.statusBar().showMessage(f"“{COLUMNS[column].title}”一列不能排序", 3000)

    def _focus_table(self) -> None:
        if self.model.rowCount():
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.table.selectRow(0)

    def _search_enter(self) -> None:
        if self._search_timer.isActive():
            self.apply_filter()
        if self.model.total == 1:
            self.open_household(self.model.household_id(0))
        else:
            self._focus_table()

    def current_household(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.household_id(index.row()) if index.isValid() else None

    def select_household(self, household_id: str) -> bool:
        row = self.model.row_of(household_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    def focus_search(self) -> bool:
        if self.stack.currentIndex() == 1 and not self.show_list():
            return True
        self.search.setFocus()
        self.search.selectAll()
        return True

    # -- the household page ----------------------------------------------------------------
    def open_household(self, household_id: str) -> None:
        """Show one household's page (from the list, the worklist, the visits page …)."""
        if self.db is None:
            return
        if not self._ready:
            self._pending_open = household_id
            return
        view = self.view
        if self.stack.currentIndex() == 1 and view.household_id != household_id and not view.can_leave():
            return
        self.stack.setCurrentWidget(view)
        view.load(self.db, household_id)

    def show_list(self) -> bool:
        if not self.view.can_leave():
            return False
        shown = self.view.household_id
        self.view.discard()
        self.stack.setCurrentIndex(0)
        if shown:
            self.select_household(shown)
        self.table.setFocus()
        return True

    def page_keys(self):
        return self._household_keys() if self.stack.currentIndex() == 1 else self._list_keys()

    def all_page_keys(self):
        return {"借款户列表": self._list_keys(), "一户一策": self._household_keys()}

    def _list_keys(self):
        return {"Ctrl+N": ("为选中的一户记录走访(&V)…", self.visit_current)}

    def _household_keys(self):
        view = self.view
        return {"Ctrl+N": ("记录走访(&V)…", view.record_visit), "Ctrl+S": ("保存这一户的修改(&S)", view.save),
                "Alt+Left": ("返回列表(&B)", view.back_requested.emit)}

    def can_leave(self) -> bool:
        return self.stack.currentIndex() == 0 or self._view is None or self._view.can_leave()

    def visit_current(self) -> None:
        hid = self.current_household()
        if hid is None:
            errors.warn_user(self, "请先在列表中选中一户，再记录走访。", "记录走访")
            return
        from app.ui.dialogs.visit_dialog import open_visit_dialog

        open_visit_dialog(self, self.db, hid)

    # -- export ----------------------------------------------------------------------------
    def export_dialog(self) -> None:
        if self.db is None or not self.model.total:
            return
        default = config.data_dir() / f"借款户-{date.today():%Y%m%d}.xlsx"
        name, _ = QFileDialog.getSaveFileName(self, "导出借款户到 Excel", str(default), "Excel 工作簿 (*.xlsx)")
        if not name:
            return
        path = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
        db, f, key, desc = self.db, self.current_filter(), self.model.sort_key, self.model.descending
        from app.services.households import export as household_export  # openpyxl: only when a list is exported

        run_in_background(self, lambda ctx: household_export.export_xlsx(db, f, path, key, desc),
                          on_success=lambda r: show_file_saved(self, r.path, "导出完成",
                                                               f"已导出 {fmt.count(r.rows)} 户到 Excel 文件。"),
                          progress_label="正在导出 Excel……")
