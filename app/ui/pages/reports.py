from __future__ import annotations

from PySide6.QtWidgets import QStyle

from app.ui.pages.placeholder import PlaceholderPage


class ReportsPage(PlaceholderPage):
    key = "reports"
    title = "报表"
    icon = QStyle.StandardPixmap.SP_FileDialogContentsView
    subtitle = "通报、乡镇报表与导出"
    coming = "生成区县十日通报（PDF、Excel），按清收率和金额给乡镇排名并显示与上期相比的变化，导出乡镇自己的报表。"
