"""The 工作台's two charts (QtCharts): recovery rates as bars, best at the top, with the whole's
rate as a line; and the recovered amount over time (the bulletin's progress points).  Labels in
the window's font (the bundled CJK font where it is loaded); hovering a bar or a point shows its
exact figures."""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from app.domain.bulletin import Point
from app.services.reporting.summary import rate
from app.ui import formatting as fmt

BLUE = QColor("#2f5597")
RED = QColor("#c00000")
GRID = QColor("#e3e6ea")
BAR_HEIGHT = 17           # pixels per bar at least: a name in the window's font and a little air
CHART_MARGIN = 86         # title, value axis and legend
LABELLED_POINTS = 7       # up to this many points each has its date and amount written by it


@dataclass(frozen=True)
class Bar:
    """One bar: a township (or a village) with the figures its tooltip gives."""

    name: str
    rate: Decimal
    recovered_fen: int
    task_fen: int
    households: int = 0


def _percent(value: Decimal) -> float:
    return float((Decimal(value) * 100).quantize(Decimal("0.01")))   # float ok: a bar's length


class _Chart(QChartView):
    def __init__(self, parent: QWidget | None = None):
        self.chart_ = QChart()
        super().__init__(self.chart_, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_.setBackgroundRoundness(0)
        self.chart_.setMargins(QMargins(4, 4, 8, 4))
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_.setAnimationOptions(QChart.AnimationOption.NoAnimation)

    def _fonts(self, *axes) -> None:
        """QtCharts keeps its own default font: the window's (Chinese) one everywhere."""
        font = QFont(self.font())
        title = QFont(font)
        title.setBold(True)
        self.chart_.setTitleFont(title)
        self.chart_.legend().setFont(font)
        small = QFont(font)
        if small.pointSizeF() > 0:
            small.setPointSizeF(small.pointSizeF() * 0.9)
        for axis in axes:
            axis.setLabelsFont(small)
            axis.setTitleFont(small)

    def _clear(self) -> None:
        self.chart_.removeAllSeries()
        for axis in self.chart_.axes():
            self.chart_.removeAxis(axis)

    @staticmethod
    def _tip(text: str) -> None:
        QToolTip.showText(QCursor.pos(), text)


class RateChart(_Chart):
    """Horizontal bars of recovery rates, highest at the top; the whole's rate as a red line."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("rateChart")
        self.bars: list[Bar] = []          # highest rate first (the chart's top)
        self.bar_set: QBarSet | None = None
        self.reference: Decimal = Decimal(0)
        self.reference_name = ""

    def show_rates(self, title: str, bars: list[Bar], reference: Decimal, reference_name: str) -> None:
        """``bars`` in any order: drawn sorted by rate (then amount recovered), best at the top."""
        self._clear()
        self.bars = sorted(bars, key=lambda b: (-b.rate, -b.recovered_fen, b.name))
        self.reference, self.reference_name = reference, reference_name
        self.chart_.setTitle(title)
        drawn = list(reversed(self.bars))       # a horizontal bar chart draws its first category at the bottom
        self.bar_set = QBarSet("清收率（%）")
        self.bar_set.setColor(BLUE)
        self.bar_set.setBorderColor(BLUE)
        self.bar_set.append([_percent(b.rate) for b in drawn])
        self.bar_set.setLabelColor(QColor("#1f2933"))
        self.bar_set.hovered.connect(self._hovered)
        series = QHorizontalBarSeries()
        series.append(self.bar_set)
        series.setBarWidth(0.7)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value%")
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        self.chart_.addSeries(series)

        names = QBarCategoryAxis()
        names.append(_distinct([b.name for b in drawn]) or [""])
        names.setTruncateLabels(False)    # with many bars QtCharts would cut every name to "…"
        values = QValueAxis()
        top = max([_percent(b.rate) for b in self.bars] + [_percent(reference), 5.0])
        step = _nice(top * 1.15 / 5)
        values.setRange(0, min(100.0, step * 5))
        values.setTickCount(6 if step * 5 <= 100 else 11)
        values.setLabelFormat("%.0f%%" if step >= 1 else "%.1f%%")
        values.setGridLineColor(GRID)
        names.setGridLineVisible(False)
        self.chart_.addAxis(names, Qt.AlignmentFlag.AlignLeft)
        self.chart_.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(names)
        series.attachAxis(values)

        # The whole's rate: a vertical line over the bars (its own hidden axis spans the categories).
        line = QLineSeries()
        line.setName(f"{reference_name} {fmt.rate(reference)}")
        pen = QPen(RED)
        pen.setWidthF(1.6)
        pen.setStyle(Qt.PenStyle.DashLine)
        line.setPen(pen)
        n = max(len(drawn), 1)
        line.append(QPointF(_percent(reference), -0.5))
        line.append(QPointF(_percent(reference), n - 0.5))
        self.chart_.addSeries(line)
        span = QValueAxis()
        span.setRange(-0.5, n - 0.5)
        span.setVisible(False)
        self.chart_.addAxis(span, Qt.AlignmentFlag.AlignRight)
        line.attachAxis(values)
        line.attachAxis(span)
        line.hovered.connect(lambda _p, state: self._tip(self.reference_tooltip()) if state else QToolTip.hideText())
        self._fonts(names, values)
        # Each name needs its line's height (QtCharts elides, or leaves out, names that do not fit).
        per = max(BAR_HEIGHT, QFontMetrics(names.labelsFont()).height() + 10)
        self.setMinimumHeight(len(drawn) * per + CHART_MARGIN)

    def tooltip(self, rank: int) -> str:
        """The tooltip of the bar ``rank`` places from the top (0: the highest rate)."""
        b = self.bars[rank]
        return (f"第 {rank + 1} 名  {b.name}\n清收率 {fmt.rate(b.rate)}\n"
                f"已清收 {fmt.money(b.recovered_fen)} 元\n任务金额 {fmt.money(b.task_fen)} 元\n"
                f"剩余 {fmt.money(b.task_fen - b.recovered_fen)} 元" + (f"\n{fmt.count(b.households)} 户"
                                                                   if b.households else ""))

    def reference_tooltip(self) -> str:
        return f"{self.reference_name}：{fmt.rate(self.reference)}"

    def _hovered(self, status: bool, index: int) -> None:
        if status and 0 <= index < len(self.bars):
            self._tip(self.tooltip(len(self.bars) - 1 - index))
        else:
            QToolTip.hideText()


class ProgressChart(_Chart):
    """The recovered amount (万元) on each date of the bulletin's progress chart."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("progressChart")
        self.points: list[Point] = []
        self.chart_.legend().hide()

    def show_points(self, title: str, points: list[Point]) -> None:
        self._clear()
        self.points = list(points)
        self.chart_.setTitle(title)
        line, marks = QLineSeries(), QScatterSeries()
        pen = QPen(BLUE)
        pen.setWidthF(2.0)
        line.setPen(pen)
        marks.setColor(BLUE)
        marks.setBorderColor(BLUE)
        marks.setMarkerSize(8)
        for i, p in enumerate(self.points):      # evenly spaced, one date after another (as the bulletin draws it)
            y = round(p.recovered_fen / 1_000_000, 2)
            line.append(i, y)
            marks.append(i, y)
        marks.setPointLabelsVisible(len(self.points) <= LABELLED_POINTS)
        marks.setPointLabelsFormat("@yPoint")
        marks.setPointLabelsClipping(False)
        for series in (line, marks):
            self.chart_.addSeries(series)
            series.hovered.connect(self._hovered)
        # A label under each point, its date (every other one when there are many; the last always).
        days = QCategoryAxis()
        days.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        n = len(self.points)
        days.setRange(-0.5, max(n, 1) - 0.5)
        days.setStartValue(-0.5)
        every = 1 if n <= LABELLED_POINTS else 2
        for i, p in enumerate(self.points):
            if (n - 1 - i) % every == 0:
                days.append(f"{p.as_of.month}月{p.as_of.day}日", i)
        days.setGridLineColor(GRID)
        amounts = QValueAxis()
        top = max([p.recovered_fen / 1_000_000 for p in self.points] + [1.0])
        step = _nice(top * 1.15 / 4)
        amounts.setRange(0, step * 4)
        amounts.setTickCount(5)
        amounts.setLabelFormat("%.0f" if step >= 1 else "%.1f" if step >= 0.1 else "%.2f")
        amounts.setTitleText("万元")
        amounts.setGridLineColor(GRID)
        self.chart_.addAxis(days, Qt.AlignmentFlag.AlignBottom)
        self.chart_.addAxis(amounts, Qt.AlignmentFlag.AlignLeft)
        for series in (line, marks):
            series.attachAxis(days)
            series.attachAxis(amounts)
        self._fonts(days, amounts)
        marks.setPointLabelsFont(amounts.labelsFont())
        self.line = line

    def tooltip(self, i: int) -> str:
        p = self.points[i]
        issue = f"（第{p.issue_no}期通报）" if p.issue_no else ""
        return (f"截至 {fmt.day(p.as_of)}{issue}\n累计已清收 {fmt.money(p.recovered_fen)} 元\n"
                f"清收率 {fmt.rate(rate(p.recovered_fen, p.task_fen))}")

    def _hovered(self, point: QPointF, state: bool) -> None:
        if not state or not self.points:
            QToolTip.hideText()
            return
        self._tip(self.tooltip(max(0, min(len(self.points) - 1, round(point.x())))))


def _distinct(names: list[str]) -> list[str]:
    """Category names as the axis needs them, each once (it drops a repeated one): a repeat gets
    invisible trailing spaces."""
    seen: set[str] = set()
    out = []
    for name in names:
        while name in seen:
            name += " "
        seen.add(name)
        out.append(name)
    return out


def _nice(value: float) -> float:
    """A round top for an axis: 1, 2 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value)
