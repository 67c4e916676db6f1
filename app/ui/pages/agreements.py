from __future__ import annotations

from PySide6.QtWidgets import QStyle

from app.ui.pages.placeholder import PlaceholderPage


class AgreementsPage(PlaceholderPage):
    key = "agreements"
    title = "还款协议"
    icon = QStyle.StandardPixmap.SP_FileDialogDetailedView
    subtitle = "分期还款协议与还款计划"
    coming = "为借款户拟定分期还款协议（可减免利息、罚息），生成还款计划并打印协议书，跟踪每期是否按时归还。"
