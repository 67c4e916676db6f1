"""工作台: the progress figures as of a date — totals, townships ranked by rate, categories, the
charts (rates, progress over time); a township opens its villages and people (``TownshipView``)."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QGridLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.reporting import dashboard_cache
from app.services.reporting.dashboard import Dashboard, progress
from app.services.reporting.summary import Summary, rate
from app.ui import formatting as fmt
from app.ui import settings as ui_settings
from app.ui.models.summary import CategoryTableModel, TownshipTableModel
from app.ui.pages.base import Page
from app.ui.pages.dashboard_parts import ChartsTab, FirstRunHint, remember, section
from app.ui.pages.figures_keeper import FiguresKeeper
from app.ui.tasks import run_in_background
from app.ui.widgets.charts import Bar
from app.ui.widgets.common import FigureCard, PageHeader
from app.ui.widgets.tables import make_table_view, on_open, rows_height
from app.ui.widgets.worklist_panel import WorklistPanel

TAB_KEY = "dashboard/tab"

CARDS = (
    ("task", "任务金额（元）"),
    ("recovered", "已清收（元）"),
    ("outstanding", "剩余（元）"),
    ("rate", "清收率"),
    ("count", "笔数 / 户数"),
    ("settled", "已结清笔数"),
)


class DashboardPage(Page):
    key = "dashboard"

    loaded = Signal()  # figures shown (after each refresh)
    progress_loaded = Signal()  # the progress chart shown (after the figures)
    import_requested = Signal()  # 导入台账 pressed (the main window opens the wizard)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary: Summary | None = None
        self.figures: Dashboard | None = None
        self._unit = ""
        self._generation = 0
        self.loading = False

        self.header = PageHeader("清收进度", "")
        self.as_of = QDateEdit(QDate.currentDate())
        self.as_of.setObjectName("asOf")
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setMinimumDate(QDate(2000, 1, 1))
        self.as_of.setMaximumDate(QDate.currentDate())
        self.as_of.setToolTip("查看截至过去某一天的清收进度")
        self._date_timer = QTimer(self)
        self._date_timer.setSingleShot(True)
        self._date_timer.setInterval(400)
        self._date_timer.timeout.connect(self.refresh)
        self.as_of.dateChanged.connect(lambda _d: self._date_timer.start())
        today = QPushButton("今天")
        today.setToolTip("回到今天的数字")
        today.clicked.connect(self.show_today)
        refresh = QPushButton("刷新")
        refresh.setToolTip("重新计算（F5）")
        refresh.clicked.connect(self.refresh)
        self.header.add_right(QLabel("截至日期"))
        self.header.add_right(self.as_of)
        self.header.add_right(today)
        self.header.add_right(refresh)
        self.import_button = QPushButton("导入银行台账…")
        self.import_button.setObjectName("importLedgerButton")
        self.import_button.setToolTip("读入银行发来的不良贷款任务台账（Ctrl+I）")
        self.import_button.clicked.connect(self.import_requested)
        self.header.add_right(self.import_button)

        self.first_run = FirstRunHint()
        self.first_run.import_requested.connect(self.import_requested)

        self.cards = {key: FigureCard(key, caption) for key, caption in CARDS}
        self.cards["rate"].setProperty("accent", True)
        cards = QGridLayout()
        cards.setHorizontalSpacing(10)
        for i, card in enumerate(self.cards.values()):
            cards.addWidget(card, 0, i)
            cards.setColumnStretch(i, 1)

        self.townships = TownshipTableModel(self)
        self.township_view = make_table_view(self.townships, self,
                                             rate_column=TownshipTableModel.RATE_COLUMN)
        self.township_view.setObjectName("townshipTable")
        self.categories = CategoryTableModel(self)
        self.category_view = make_table_view(self.categories, self,
                                             rate_column=CategoryTableModel.RATE_COLUMN)
        self.category_view.setObjectName("categoryTable")
        self.township_view.sortByColumn(TownshipTableModel.RATE_COLUMN, Qt.SortOrder.DescendingOrder)
        self.category_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the bulletin's order

        for view in (self.township_view, self.category_view):
            view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fit_heights()
        # A township opens its villages and people: double-click, Enter, 查看 (right-click or button).
        on_open(self.township_view, self.open_township_index)
        self.township_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.township_view.customContextMenuRequested.connect(self._township_menu)
        self.open_button = QPushButton("查看")
        self.open_button.setObjectName("openTownship")
        self.open_button.setToolTip("查看选中乡镇的各村、各责任人和借款户（双击或回车也可以）")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(lambda: self.open_township_index(self.township_view.currentIndex()))
        self.township_view.selectionModel().currentRowChanged.connect(
            lambda current, _old: self.open_button.setEnabled(current.isValid()))

        # Below the header everything scrolls as one page: each table shows all its rows,
        # so there is never a small scrolled box inside the page.
        body = QWidget()
        body.setObjectName("dashboardBody")
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 6, 0, 12)
        column.setSpacing(12)
        column.addWidget(section("各乡镇清收进度（按清收率排名；双击一个乡镇，查看它的各村和责任人）",
                                       self.township_view, self.open_button))
        column.addWidget(section("九类特殊贷款清收情况", self.category_view))
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("dashboardScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(body)

        # The worklist sits in tabs next to the progress tables, so the page fits 1366x768.
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboardTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.scroll, "清收进度")
        charts = ChartsTab()
        self.rate_chart, self.progress_chart, self.chart_splitter = charts.rate_chart, charts.progress_chart, charts.splitter
        self.tabs.addTab(charts, "图表")
        self.worklist = WorklistPanel(self.tabs, self)
        tab = ui_settings.settings().value(TAB_KEY)
        if tab is not None and str(tab).isdigit() and int(tab) < self.tabs.count():
            self.tabs.setCurrentIndex(int(tab))
        self.tabs.currentChanged.connect(lambda i: remember(TAB_KEY, i))

        self.main = QWidget()
        self.main.setObjectName("dashboardMain")
        layout = QVBoxLayout(self.main)
        layout.setContentsMargins(20, 14, 20, 8)
        layout.setSpacing(12)
        layout.addWidget(self.header)
        layout.addWidget(self.first_run)
        layout.addLayout(cards)
        layout.addWidget(self.tabs, 1)

        self.keeper = FiguresKeeper(self, lambda: self.db)   # today's figures kept for the next start
        self._township = None     # the drill-down, made when a township is first opened
        self._ready: tuple | None = None   # (db, figures) read before the page was shown (take_figures)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.main)
        self.stack.currentChanged.connect(lambda _i: self.keys_changed.emit())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

    # -- the drill-down ------------------------------------------------------------------
    @property
    def township(self):
        """One township's villages and people (``TownshipView``), made on first use: its module
        and the township report's are not needed to paint the figures."""
        if self._township is None:
            from app.ui.pages.township_view import TownshipView

            self._township = TownshipView()
            self._township.back_requested.connect(self.show_district)
            self.stack.addWidget(self._township)
        return self._township

    def _township_menu(self, pos) -> None:
        index = self.township_view.indexAt(pos)
        if not index.isValid():
            return
        menu = QMenu(self)
        menu.addAction("查看各村和责任人", lambda: self.open_township_index(index))
        menu.popup(self.township_view.viewport().mapToGlobal(pos))

    def open_township_index(self, index) -> None:
        source = self.township_view.model().mapToSource(index) if index.isValid() else index
        if source.isValid():
            t = self.townships.record(source.row())
            self.open_township(t.unit_id, t.name)

    def open_township(self, unit_id: str, name: str) -> None:
        """Show one township's villages and people as of the page's date."""
        if self.db is None:
            return
        self.stack.setCurrentWidget(self.township)
        self.township.load(self.db, unit_id, name, self.selected_date(), self._whole_name())
        self.township.village_view.setFocus()

    def show_district(self) -> None:
        self.stack.setCurrentWidget(self.main)
        self.township_view.setFocus()

    def page_keys(self):
        if self.stack.currentIndex() == 1:
            return {"Alt+Left": ("返回全区(&B)", self.show_district)}
        return {}

    def all_page_keys(self):
        return {"工作台 › 乡镇": {"Alt+Left": ("返回全区(&B)", self.show_district)}}

    def _whole_name(self) -> str:
        return "全区"

    def _fit_heights(self) -> None:
        for view, model in ((self.township_view, self.townships), (self.category_view, self.categories)):
            view.setFixedHeight(rows_height(view, max(model.rowCount(), 3)))

    # -- data --------------------------------------------------------------------------
    def set_database(self, db) -> None:
        if db is not self.db:     # another database: its townships are not this one's
            self.stack.setCurrentWidget(self.main)
            if self._township is not None:
                self._township.unit_id = None
        super().set_database(db)

    def mark_stale(self) -> None:
        super().mark_stale()
        if self._stale:          # not shown: today's figures are kept for the next start anyway
            self.keeper.written()

    def selected_date(self) -> date:
        return self.as_of.date().toPython()

    def show_today(self) -> None:
        self.as_of.setMaximumDate(QDate.currentDate())
        if self.as_of.date() == QDate.currentDate():
            self.refresh()
        else:
            self.as_of.setDate(QDate.currentDate())

    def take_figures(self, db, found: Dashboard) -> None:
        """Figures of ``db`` already read (``app.ui.opening``): the next refresh shows them
        instead of reading them again, if it is for that database and their date."""
        self._ready = (db, found)

    def refresh(self) -> None:
        self._date_timer.stop()
        self._generation += 1
        generation = self._generation
        db, as_of = self.db, self.selected_date()
        ready, self._ready = self._ready, None
        if db is None:
            self.worklist.refresh(db, as_of)
            self._show(generation, None)
            return
        if ready is not None and ready[0] is db and ready[1].summary.as_of == as_of:
            self._then(generation, db, as_of, self._show, ready[1])
            return
        self.loading = True
        self.header.set_subtitle("正在计算……")
        if self.stack.currentIndex() == 1:
            self.township.reload(db, as_of)
        # The progress chart's points, then the worklist, are asked for once the figures are
        # shown: run side by side, they would share one interpreter and the figures come later.
        run_in_background(self, lambda ctx: dashboard_cache.compute(db, as_of),
                          on_success=lambda found: self._then(generation, db, as_of, self._show, found),
                          on_failure=lambda exc: self._then(generation, db, as_of, self._failed, exc))

    def _then(self, generation: int, db, as_of: date, show, result) -> None:
        show(generation, result)
        if generation != self._generation:
            return
        if isinstance(result, Dashboard):
            s = result.summary
            run_in_background(self, lambda ctx: progress(db, s),
                              on_success=lambda points: self._show_progress(generation, db, as_of, points),
                              on_failure=lambda exc: self._show_progress(generation, db, as_of, [], exc))
        else:
            self.worklist.refresh(db, as_of)

    def _show_progress(self, generation: int, db, as_of: date, points, exc: BaseException | None = None) -> None:
        if generation != self._generation:
            return
        if exc is not None:
            from app.ui import errors

            errors.show_error(self, exc)
        found = self.figures
        township = found.summary.townships[0].name if found is not None and found.one_township else None
        whole = township or self._unit or "全区"
        self.progress_chart.show_points(f"{whole}累计清收金额（万元）", points)
        self.progress_loaded.emit()
        self.worklist.refresh(db, as_of)
        if found is not None and as_of == date.today():
            self.keeper.painted(db, found, self._fresh)

    def _fresh(self, found: Dashboard) -> None:
        """The figures recalled from the last start were not the database's: show the new ones."""
        self.take_figures(self.db, found)
        self.refresh()

    def _failed(self, generation: int, exc: BaseException) -> None:
        from app.ui import errors

        if generation == self._generation:
            self.loading = False
            self.header.set_subtitle("计算失败")
        errors.show_error(self, exc)

    def _show(self, generation: int, found: Dashboard | None) -> None:
        if generation != self._generation:
            return  # an older request finished after a newer one was made
        self.loading = False
        self.figures = found
        self.summary = summary = found.summary if found is not None else None
        if found is None:
            self.stack.setCurrentWidget(self.main)
            self.rate_chart.show_rates("各乡镇（街道）清收率", [], rate(0, 0), "全区清收率")
            self.progress_chart.show_points("累计清收金额（万元）", [])
            for card in self.cards.values():
                card.set("—")
            self.townships.set_rows([])
            self.categories.set_rows([])
            self.header.set_subtitle("未打开数据库")
            self.first_run.hide()
            self.loaded.emit()
            return
        t = summary.totals
        self.first_run.setVisible(t.loans == 0)
        self.cards["task"].set(fmt.money(t.task_fen), "列入清收任务时的贷款余额")
        self.cards["recovered"].set(fmt.money(t.recovered_fen), "截至所选日期收回的本金")
        self.cards["outstanding"].set(fmt.money(t.outstanding_fen), "任务金额 − 已清收")
        self.cards["rate"].set(fmt.rate(t.rate), "已清收 ÷ 任务金额")
        self.cards["count"].set(f"{fmt.count(t.loans)} / {fmt.count(t.households)}", "贷款笔数 / 借款户数")
        share = fmt.rate(rate(t.settled, t.loans)) if t.loans else "—"
        self.cards["settled"].set(fmt.count(t.settled), f"占全部笔数 {share}")
        self.townships.set_rows(summary.townships)
        self.categories.set_rows(summary.groups)
        unit = ""
        try:
            unit = self.db.identity().unit_name if self.db is not None else ""
        except Exception:  # noqa: BLE001 - the subtitle is cosmetic
            unit = ""
        self.header.set_subtitle(f"{unit}  ·  截至 {fmt.day(summary.as_of)}  ·  "
                                 f"{len(summary.townships)} 个乡镇（街道）")
        self._fit_heights()
        self._unit = unit
        self._show_charts(found)
        self.loaded.emit()

    def _show_charts(self, found: Dashboard) -> None:
        t = found.summary.totals
        if found.one_township:    # a township laptop: its villages
            township = found.summary.townships[0].name
            bars = [Bar(v.name, v.rate, v.recovered_fen, v.task_fen, v.households) for v in found.villages]
            self.rate_chart.show_rates(f"{township}各村（社区）清收率", bars, t.rate, _whole_of(township))
        else:
            bars = [Bar(x.name, x.rate, x.recovered_fen, x.task_fen, x.households) for x in found.summary.townships]
            self.rate_chart.show_rates("各乡镇（街道）清收率", bars, t.rate, "全区清收率")


def _whole_of(township: str) -> str:
    """The reference line's name on a township laptop: 全镇清收率, 全乡清收率, else the name's."""
    return f"全{township[-1]}清收率" if township[-1:] in ("乡", "镇") else f"{township}清收率"
