from __future__ import annotations

from PySide6.QtWidgets import QStyle

from app.ui.pages.placeholder import PlaceholderPage


class VisitsPage(PlaceholderPage):
    key = "visits"
    title = "走访"
    icon = QStyle.StandardPixmap.SP_DialogYesButton
    subtitle = "入户走访与约定回访"
    coming = "登记每次入户或电话走访的结果和还款承诺，列出到期该回访的户，按包户干部查看走访进度。"
