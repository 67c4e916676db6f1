"""工作台: the progress figures as of a date — totals, townships ranked by rate, categories."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (QDateEdit, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QSizePolicy, QStyle, QTableView, QTabWidget, QVBoxLayout, QWidget)

from app.services.summary import Summary, compute, rate
from app.ui import formatting as fmt
from app.ui.models.summary import CategoryTableModel, TownshipTableModel
from app.ui.pages.base import Page
from app.ui.tasks import run_in_background
from app.ui.widgets.common import FigureCard, PageHeader
from app.ui.widgets.tables import make_table_view, rows_height
from app.ui.widgets.worklist_panel import WorklistPanel

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
    title = "工作台"
    icon = QStyle.StandardPixmap.SP_ComputerIcon

    loaded = Signal()  # figures shown (after each refresh)
    import_requested = Signal()  # 导入台账 pressed (the main window opens the wizard)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary: Summary | None = None
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

        self.first_run = self._first_run_hint()

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

        # Below the header everything scrolls as one page: each table shows all its rows,
        # so there is never a small scrolled box inside the page.
        body = QWidget()
        body.setObjectName("dashboardBody")
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 6, 0, 12)
        column.setSpacing(12)
        column.addWidget(self._section("各乡镇清收进度（按清收率排名）", self.township_view))
        column.addWidget(self._section("九类特殊贷款清收情况", self.category_view))
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
        self.worklist = WorklistPanel(self.tabs, self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 8)
        layout.setSpacing(12)
        layout.addWidget(self.header)
        layout.addWidget(self.first_run)
        layout.addLayout(cards)
        layout.addWidget(self.tabs, 1)

    def _first_run_hint(self) -> QFrame:
        """Shown while the database has no loans: what to do first."""
        box = QFrame()
        box.setObjectName("hint")
        text = QLabel("<b>第一步：导入银行台账。</b>这个数据库里还没有贷款。点“导入银行台账…”（Ctrl+I），"
                      "选银行下发的不良贷款任务清单（Excel）；导入后在“借款户”里查找、记录走访、登记还款，"
                      "这里显示清收进度和待跟进的户。不清楚怎么做，按 F1 看使用说明。")
        text.setObjectName("firstRunText")
        text.setWordWrap(True)
        go = QPushButton("导入银行台账…")
        go.setObjectName("firstRunImport")
        go.clicked.connect(self.import_requested)
        guide = QPushButton("使用说明（F1）")
        guide.setObjectName("firstRunGuide")
        guide.clicked.connect(lambda: getattr(self.window(), "show_guide", lambda: None)())
        row = QHBoxLayout(box)
        row.setContentsMargins(12, 8, 12, 8)
        row.addWidget(text, 1)
        row.addWidget(go)
        row.addWidget(guide)
        box.hide()
        return box

    @staticmethod
    def _section(title: str, view: QTableView) -> QWidget:
        box = QWidget()
        label = QLabel(title)
        label.setObjectName("sectionTitle")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(label)
        layout.addWidget(view)
        return box

    def _fit_heights(self) -> None:
        for view, model in ((self.township_view, self.townships), (self.category_view, self.categories)):
            view.setFixedHeight(rows_height(view, max(model.rowCount(), 3)))

    # -- data --------------------------------------------------------------------------
    def selected_date(self) -> date:
        return self.as_of.date().toPython()

    def show_today(self) -> None:
        self.as_of.setMaximumDate(QDate.currentDate())
        if self.as_of.date() == QDate.currentDate():
            self.refresh()
        else:
            self.as_of.setDate(QDate.currentDate())

    def refresh(self) -> None:
        self._date_timer.stop()
        self._generation += 1
        generation = self._generation
        db, as_of = self.db, self.selected_date()
        self.worklist.refresh(db, as_of)
        if db is None:
            self._show(generation, None)
            return
        self.loading = True
        self.header.set_subtitle("正在计算……")
        run_in_background(self, lambda ctx: compute(db, as_of),
                          on_success=lambda summary: self._show(generation, summary),
                          on_failure=lambda exc: self._failed(generation, exc))

    def _failed(self, generation: int, exc: BaseException) -> None:
        from app.ui import errors

        if generation == self._generation:
            self.loading = False
            self.header.set_subtitle("计算失败")
        errors.show_error(self, exc)

    def _show(self, generation: int, summary: Summary | None) -> None:
        if generation != self._generation:
            return  # an older request finished after a newer one was made
        self.loading = False
        self.summary = summary
        if summary is None:
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
        self.loaded.emit()
