"""One township seen from the 工作台 (the drill-down): its figures, its villages and its
responsible people (``township_report.of_township``, the figures its 情况汇报 prints); a
village or a person opens the 借款户 list filtered to them.  ‹ 全区 (Alt+←) goes back."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget

from app.db.session import Database
from app.domain.township_report import TownshipReport
from app.services.reporting import township_report
from app.ui import formatting as fmt
from app.ui import settings as ui_settings
from app.ui.models.summary import StaffLineModel, VillageLineModel, ranked_lines
from app.ui.pages.dashboard_parts import section
from app.ui.tasks import run_in_background
from app.ui.widgets.common import PageHeader
from app.ui.widgets.tables import make_table_view, on_open

SPLITTER_KEY = "dashboard/township_splitter"


class TownshipView(QWidget):
    back_requested = Signal()
    loaded = Signal()            # the township's figures are shown

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("townshipView")
        self.db: Database | None = None
        self.unit_id: str | None = None
        self.name = ""
        self.as_of = date.today()
        self.report: TownshipReport | None = None
        self._generation = 0

        self.back_button = QPushButton("‹ 全区")
        self.back_button.setObjectName("townshipBack")
        self.back_button.setToolTip("回到全区各乡镇的排名（Alt+←）")
        self.back_button.clicked.connect(self.back_requested)
        self.crumb = QLabel("")
        self.crumb.setObjectName("muted")
        crumbs = QHBoxLayout()
        crumbs.setSpacing(8)
        crumbs.addWidget(self.back_button)
        crumbs.addWidget(self.crumb, 1)

        self.header = PageHeader("", "")
        self.header.subtitle.setWordWrap(True)    # a big township's amounts make it long
        self.all_button = QPushButton("查看全部借款户")
        self.all_button.setObjectName("townshipHouseholds")
        self.all_button.setToolTip("在借款户列表中查看这个乡镇的全部借款户")
        self.all_button.clicked.connect(lambda: self._open_households())
        self.header.add_right(self.all_button)

        self.villages = VillageLineModel(self)
        self.village_view = make_table_view(self.villages, self, rate_column=VillageLineModel.RATE_COLUMN)
        self.village_view.setObjectName("townshipVillages")
        self.staff = StaffLineModel(self)
        self.staff_view = make_table_view(self.staff, self, rate_column=StaffLineModel.RATE_COLUMN)
        self.staff_view.setObjectName("townshipStaff")
        for view in (self.village_view, self.staff_view):
            view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        on_open(self.village_view, self.open_village)
        on_open(self.staff_view, self.open_person)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("townshipSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(section("各村（社区）清收进度（双击一个村，查看它的借款户）", self.village_view, stretch=1))
        self.splitter.addWidget(section("各责任人清收进度（双击一人，查看他负责的借款户）", self.staff_view, stretch=1))
        state = ui_settings.settings().value(SPLITTER_KEY)
        if not (isinstance(state, QByteArray) and self.splitter.restoreState(state)):
            self.splitter.setSizes([1, 1])
        self.splitter.splitterMoved.connect(lambda *_a: self._save_splitter())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 10, 20, 8)
        layout.setSpacing(8)
        layout.addLayout(crumbs)
        layout.addWidget(self.header)
        layout.addWidget(self.splitter, 1)

    def _save_splitter(self) -> None:
        s = ui_settings.settings()
        s.setValue(SPLITTER_KEY, self.splitter.saveState())
        s.sync()

    # -- data --------------------------------------------------------------------------
    def load(self, db: Database, unit_id: str, name: str, as_of: date, unit_name: str = "全区") -> None:
        """Show the township ``unit_id`` as of ``as_of`` (its figures worked out in the background)."""
        self._generation += 1
        generation = self._generation
        if unit_id != self.unit_id:
            self.villages.set_rows([])
            self.staff.set_rows([])
        self.db, self.unit_id, self.name, self.as_of = db, unit_id, name, as_of
        self.back_button.setText(f"‹ {unit_name}")
        self.crumb.setText(f"›  {name}")
        self.header.title.setText(name)
        self.header.set_subtitle("正在计算……")
        run_in_background(self, lambda ctx: township_report.of_township(db, unit_id, as_of),
                          on_success=lambda report: self._show(generation, report))

    def reload(self, db: Database | None, as_of: date) -> None:
        if db is not None and self.unit_id is not None:
            self.load(db, self.unit_id, self.name, as_of, self.back_button.text().removeprefix("‹ "))

    def _show(self, generation: int, report: TownshipReport) -> None:
        if generation != self._generation:
            return
        self.report = report
        t = report.totals
        self.header.set_subtitle(
            f"截至 {fmt.day(report.as_of)}  ·  {fmt.count(t.loans)} 笔 / {fmt.count(t.households)} 户  ·  "
            f"任务 {fmt.money(t.task_fen)} 元  ·  已清收 {fmt.money(t.recovered_fen)} 元  ·  "
            f"清收率 {fmt.rate(t.rate)}  ·  剩余 {fmt.money(t.outstanding_fen)} 元  ·  "
            f"已走访 {fmt.count(t.visited)} 户，从未走访 {fmt.count(t.never_visited)} 户")
        self.villages.set_rows(ranked_lines(report.villages))
        self.staff.set_rows(ranked_lines(report.staff))
        for view in (self.village_view, self.staff_view):
            view.fit.invalidate()
        self.loaded.emit()

    # -- to the households -----------------------------------------------------------------
    def open_village(self, index) -> None:
        line = self._line(self.village_view, self.villages, index)
        if line is not None:
            self._open_households(village_id=line.id, what=line.name if line.id is None else None)

    def open_person(self, index) -> None:
        line = self._line(self.staff_view, self.staff, index)
        if line is not None:
            self._open_households(staff_id=line.id, what=line.name if line.id is None else None)

    @staticmethod
    def _line(view: QTableView, model, index):
        source = view.model().mapToSource(index) if index.isValid() else index
        return model.record(source.row()).line if source.isValid() else None

    def _open_households(self, village_id: str | None = None, staff_id: str | None = None,
                         what: str | None = None) -> None:
        from app.ui.pages.household_links import show_households

        if self.unit_id is None:
            return
        show_households(self, township_id=self.unit_id, village_id=village_id, staff_id=staff_id)
        if what:   # 未分村 / 未明确责任人: the list cannot pick them out; it shows the township
            window = self.window()
            if hasattr(window, "statusBar"):
                window.statusBar().showMessage(f"“{what}”不能单独筛选，列出的是{self.name}的全部借款户", 8000)
