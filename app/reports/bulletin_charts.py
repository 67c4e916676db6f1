"""The bulletin's two charts, drawn with reportlab.graphics in the embedded Chinese font:
the district's recovered amount over time (past issues as printed, then this one) and the
townships' recovery rates as bars, with the speech's two thresholds marked."""
from __future__ import annotations

from decimal import Decimal

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors

from app.domain.bulletin import Bulletin
from app.reports.fonts import register

BLUE = colors.HexColor("#2F5597")
RED = colors.HexColor("#C00000")
GREEN = colors.HexColor("#548235")


def progress_chart(b: Bulletin, width: float, height: float = 170) -> Drawing:
    font = register()
    d = Drawing(width, height, initialFontName=font)   # else the drawing names Times-Roman, not embedded
    d.add(String(0, height - 12, "全区累计清收金额（万元）", fontName=font, fontSize=9.5))
    c = HorizontalLineChart()
    c.x, c.y, c.width, c.height = 50, 30, width - 70, height - 60
    values = [p.recovered_fen / 1_000_000 for p in b.history]
    c.data = [values]
    c.categoryAxis.categoryNames = [f"{p.as_of.month}月{p.as_of.day}日" + (f"\n第{p.issue_no}期" if p.issue_no else "")
                                    for p in b.history]
    for axis in (c.categoryAxis, c.valueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = 7.5
    c.valueAxis.valueMin = 0
    top = max(values + [0.01])
    c.valueAxis.valueMax = top * 1.15
    c.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}" if top >= 10 else f"{v:,.2f}"
    c.lines[0].strokeColor = BLUE
    c.lines[0].strokeWidth = 1.6
    c.lines[0].symbol = None
    c.lineLabelFormat = lambda v: f"{v:,.2f}"
    c.lineLabels.fontName = font
    c.lineLabels.fontSize = 7
    c.lineLabels.dy = 6
    c.valueAxis.visibleGrid = True
    c.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    d.add(c)
    return d


def rates_chart(b: Bulletin, width: float) -> Drawing:
    """One bar per township, best first (the top of the chart), with lines at the thresholds."""
    font = register()
    n = max(1, len(b.townships))
    bar = 11 if n > 20 else 16
    height = n * bar + 60
    d = Drawing(width, height, initialFontName=font)   # else the drawing names Times-Roman, not embedded
    d.add(String(0, height - 12, "各乡镇清收率（%）", fontName=font, fontSize=9.5))
    c = HorizontalBarChart()
    c.x, c.y, c.width, c.height = 62, 24, width - 100, n * bar
    ordered = list(reversed(b.townships))   # the chart draws the first category at the bottom
    c.data = [[float(t.rate * 100) for t in ordered] or [0]]
    c.categoryAxis.categoryNames = [t.name for t in ordered] or [""]
    c.categoryAxis.labels.fontName = font
    c.categoryAxis.labels.fontSize = 7.5
    c.categoryAxis.labels.boxAnchor = "e"
    c.valueAxis.labels.fontName = font
    c.valueAxis.labels.fontSize = 7.5
    c.valueAxis.valueMin = 0
    c.valueAxis.valueMax = 100
    c.valueAxis.valueStep = 10
    c.bars[0].fillColor = BLUE
    c.bars[0].strokeColor = None
    for i, t in enumerate(ordered):
        if t.rate > b.high:
            c.bars[(0, i)].fillColor = GREEN
        elif t.rate < b.low:
            c.bars[(0, i)].fillColor = RED
    c.barLabelFormat = lambda v: f"{v:.2f}"
    c.barLabels.fontName = font
    c.barLabels.fontSize = 6.5
    c.barLabels.boxAnchor = "w"
    c.barLabels.dx = 3
    d.add(c)
    for threshold in (b.high, b.low):
        x = c.x + c.width * float(threshold)
        d.add(Line(x, c.y, x, c.y + c.height, strokeColor=colors.HexColor("#7F7F7F"), strokeDashArray=[3, 2],
                   strokeWidth=0.8))
        d.add(String(x, c.y + c.height + 3, f"{_whole(threshold)}%", fontName=font, fontSize=7, textAnchor="middle"))
    d.add(String(c.x, 4, f"绿色：超过{_whole(b.high)}%　红色：不足{_whole(b.low)}%", fontName=font, fontSize=7.5))
    return d


def _whole(rate: Decimal) -> str:
    return f"{rate * 100:.2f}".rstrip("0").rstrip(".")
