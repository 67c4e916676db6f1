from __future__ import annotations

from PySide6.QtWidgets import QStyle

from app.ui.pages.placeholder import PlaceholderPage


class HouseholdsPage(PlaceholderPage):
    key = "households"
    title = "借款户"
    icon = QStyle.StandardPixmap.SP_DirHomeIcon
    subtitle = "借款户、贷款与担保人"
    coming = ("按乡镇、村、特殊类别或姓名拼音查找借款户，查看每户的贷款、担保人、包户干部和走访记录，"
              "并在这里登记还款。")
