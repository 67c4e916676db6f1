from __future__ import annotations

from PySide6.QtWidgets import QStyle

from app.ui.pages.placeholder import PlaceholderPage


class SyncPage(PlaceholderPage):
    key = "sync"
    title = "数据同步"
    icon = QStyle.StandardPixmap.SP_BrowserReload
    subtitle = "用U盘在区县与乡镇之间传递数据"
    coming = "区县给各乡镇生成任务包，乡镇导出工作数据包，区县合并各乡镇的数据；数据包经过签名和加密，重复合并不会出错。"
