"""The 工作台's parts that hold no figures of their own: the 图表 tab, the hint shown while the
database has no loans, a titled table section (the township drill-down's too)."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ui import settings as ui_settings
from app.ui.widgets.charts import ProgressChart, RateChart

CHARTS_KEY = "dashboard/charts_splitter"


def remember(key: str, value) -> None:
    s = ui_settings.settings()
    s.setValue(key, value)
    s.sync()


def section(title: str, view: QTableView, button: QPushButton | None = None, *, stretch: int = 0) -> QWidget:
    """``view`` under its title (and ``button`` at the title's right)."""
    box = QWidget()
    label = QLabel(title)
    label.setObjectName("sectionTitle")
    row = QHBoxLayout()
    row.addWidget(label, 1)
    if button is not None:
        row.addWidget(button)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 4, 0, 0)
    layout.setSpacing(6)
    layout.addLayout(row)
    layout.addWidget(view, stretch)
    return box


class ChartsTab(QWidget):
    """The 图表 tab: the rates (scrolling when there are many townships) beside the progress."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("dashboardCharts")
        self.rate_chart = RateChart()
        self.progress_chart = ProgressChart()
        rates = QScrollArea()
        rates.setObjectName("rateChartScroll")
        rates.setWidgetResizable(True)
        rates.setFrameShape(QFrame.Shape.NoFrame)
        rates.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rates.setWidget(self.rate_chart)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("chartSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(rates)
        self.splitter.addWidget(self.progress_chart)
        state = ui_settings.settings().value(CHARTS_KEY)
        if not (isinstance(state, QByteArray) and self.splitter.restoreState(state)):
            self.splitter.setSizes([560, 440])
        self.splitter.splitterMoved.connect(lambda *_a: remember(CHARTS_KEY, self.splitter.saveState()))
        note = QLabel("鼠标停在柱子或圆点上，显示准确的数字。")
        note.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(note)
        layout.addWidget(self.splitter, 1)


class FirstRunHint(QFrame):
    """Shown while the database has no loans: what to do first."""

    import_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("hint")
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
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.addWidget(text, 1)
        row.addWidget(go)
        row.addWidget(guide)
        self.hide()
