"""The filter bar above the household list: township (when there are several), village,
category, stage, responsible person, capacity to repay, what ledger imports left to check
(when there is any), and three checkboxes."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QPushButton, QWidget

from app.domain.categories import CATEGORIES
from app.domain.stages import CAPACITY_NAMES, STAGE_NAMES
from app.services.work.choices import Choice

_STYLE = """
QComboBox[active="true"] { border: 1px solid #1f6fb2; background: #eaf2fb; border-radius: 3px; padding: 2px 6px; }
QCheckBox[active="true"] { color: #1f6fb2; font-weight: bold; }
"""


class FilterCombo(QComboBox):
    """A combo whose first item means "all" (no filter); marks itself when a filter is on."""

    def __init__(self, all_text: str, tip: str, object_name: str, parent: QWidget | None = None, *,
                 chars: int | None = None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.all_text = all_text
        self.setToolTip(tip)
        self.setMaxVisibleItems(20)
        if chars is None:
            self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        else:   # long item texts: the box stays narrow, its list as wide as they are
            self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            self.setMinimumContentsLength(chars)
        self.addItem(all_text, None)
        self.currentIndexChanged.connect(self._mark)
        self._mark()

    def set_items(self, items: list[tuple[str, str, str]]) -> None:
        """(label, value, tooltip) items; the current value stays chosen if it is still there."""
        keep = self.value()
        self.blockSignals(True)
        self.clear()
        self.addItem(self.all_text, None)
        for label, value, tip in items:
            self.addItem(label, value)
            if tip:
                self.setItemData(self.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        found = self.findData(keep) if keep is not None else 0
        self.setCurrentIndex(max(found, 0))
        if self.sizeAdjustPolicy() != QComboBox.SizeAdjustPolicy.AdjustToContents:
            widest = max((self.fontMetrics().horizontalAdvance(self.itemText(i)) for i in range(self.count())),
                         default=0)
            self.view().setMinimumWidth(widest + 40)
        self.blockSignals(False)
        self._mark()

    def value(self) -> str | None:
        return self.currentData()

    def set_value(self, value: str | None) -> bool:
        index = self.findData(value) if value is not None else 0
        if index < 0:
            return False
        self.setCurrentIndex(index)
        return True

    def _mark(self) -> None:
        self.setProperty("active", self.currentIndex() > 0)
        self.style().unpolish(self)
        self.style().polish(self)


class FilterCheck(QCheckBox):
    def __init__(self, text: str, tip: str, object_name: str, parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setObjectName(object_name)
        self.setToolTip(tip)
        self.toggled.connect(self._mark)

    def _mark(self) -> None:
        self.setProperty("active", self.isChecked())
        self.style().unpolish(self)
        self.style().polish(self)


class HouseholdFilterBar(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("householdFilters")
        self.setStyleSheet(_STYLE)
        self._villages: list[Choice] = []
        self._wanted: dict[str, str] = {}    # values asked for before the choices came (set_values)
        self.township = FilterCombo("全部乡镇", "只看一个乡镇（街道）的借款户", "filterTownship")
        self.village = FilterCombo("全部村社", "只看一个村（社区）的借款户", "filterVillage")
        self.category = FilterCombo("全部类别", "只看某一类特殊贷款", "filterCategory")
        self.category.set_items([(c.short, c.code, c.name) for c in CATEGORIES])
        self.stage = FilterCombo("全部阶段", "只看处于某一清收阶段的借款户（任一笔贷款）", "filterStage")
        self.stage.set_items([(name, st.value, "") for st, name in STAGE_NAMES.items()])
        self.staff = FilterCombo("全部责任人", "只看某位责任人负责的借款户", "filterStaff")
        self.capacity = FilterCombo("全部还款能力", "按还款能力研判筛选", "filterCapacity")
        self.capacity.set_items([(name, c.value, "") for c, name in CAPACITY_NAMES.items()])
        self.followup = FilterCombo("台账核实", "只看银行台账导入后留下待核实提示的借款户：台账中缺少的贷款、"
                                    "姓名或村不符、身份证号有问题、银行报告的还款……（打开一户可逐条标记已核实）",
                                    "filterFollowup", chars=6)
        self.due = FilterCheck("待跟进", "约定的下次跟进日期已到（含今天）", "filterDue")
        self.broken = FilterCheck("承诺未兑现", "承诺的还款日期已过，之后没有还款", "filterBroken")
        self.never = FilterCheck("从未走访", "还没有任何走访记录", "filterNever")
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.setToolTip("显示全部借款户（搜索框也清空）")
        self.township.setVisible(False)
        self.followup.setVisible(False)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for combo in self._combos():
            layout.addWidget(combo)
            combo.currentIndexChanged.connect(self._changed)
        layout.addSpacing(6)
        for check in (self.due, self.broken, self.never):
            layout.addWidget(check)
            check.toggled.connect(self._changed)
        layout.addStretch(1)
        layout.addWidget(self.clear_button)
        self.township.currentIndexChanged.connect(self._fill_villages)

    def _combos(self) -> tuple[FilterCombo, ...]:
        return (self.township, self.village, self.category, self.stage, self.staff, self.capacity, self.followup)

    # -- choices ---------------------------------------------------------------------------
    def set_choices(self, townships: list[Choice], villages: list[Choice], staff: list[Choice],
                    followups: list[Choice] = ()) -> None:
        """``followups``: kinds of open ledger-import items, with their households as ``detail``."""
        self.blockSignals(True)
        self.township.set_items([(t.name, t.id, "") for t in townships])
        self.township.setVisible(len(townships) > 1)
        self._villages = villages
        self._fill_villages()
        self.staff.set_items([(s.name, s.id, s.detail) for s in staff])
        for key, value in list(self._wanted.items()):
            self._combo(key).set_value(value)    # a value no longer there is dropped
            del self._wanted[key]
        kinds = [(f"{k.name}（{k.detail} 户）", k.id, "") for k in followups]
        self.followup.set_items([("全部待核实", "any", "任一种提示还没有核实的借款户")] + kinds if kinds else [])
        self.followup.setVisible(bool(kinds))
        self.blockSignals(False)

    def _fill_villages(self) -> None:
        township = self.township.value()
        several = self.township.isVisibleTo(self) and township is None
        chosen = [v for v in self._villages if township is None or v.parent_id == township]
        self.village.set_items([(v.label if several else v.name, v.id, v.detail) for v in chosen])

    # -- values ----------------------------------------------------------------------------
    def _combo(self, key: str) -> FilterCombo:
        return {"township_id": self.township, "village_id": self.village, "staff_id": self.staff}[key]

    def values(self) -> dict:
        """Keyword arguments for ``HouseholdFilter``."""
        return {"township_id": self._wanted.get("township_id", self.township.value()),
                "village_id": self._wanted.get("village_id", self.village.value()),
                "category": self.category.value(), "stage": self.stage.value(),
                "staff_id": self._wanted.get("staff_id", self.staff.value()),
                "capacity": self.capacity.value(), "followup_due": self.due.isChecked(),
                "promise_broken": self.broken.isChecked(), "never_visited": self.never.isChecked(),
                "import_followup": self.followup.value()}

    def set_values(self, *, township_id: str | None = None, village_id: str | None = None,
                   staff_id: str | None = None) -> None:
        """Only these (the others cleared), without ``changed``; a value whose choice has not
        been read yet filters already and is chosen when the choices come (``set_choices``)."""
        self.blockSignals(True)
        self._wanted = {}
        for combo in self._combos():
            combo.setCurrentIndex(0)
        for check in (self.due, self.broken, self.never):
            check.setChecked(False)
        for key, value in (("township_id", township_id), ("village_id", village_id), ("staff_id", staff_id)):
            if value is not None and not self._combo(key).set_value(value):
                self._wanted[key] = value
        self.blockSignals(False)

    def is_active(self) -> bool:
        return any(bool(v) for v in self.values().values())

    def clear(self) -> None:
        self.blockSignals(True)
        self._wanted = {}
        for combo in self._combos():
            combo.setCurrentIndex(0)
        for check in (self.due, self.broken, self.never):
            check.setChecked(False)
        self.blockSignals(False)
        self.changed.emit()

    def _changed(self, *_args) -> None:
        if not self.signalsBlocked():
            self.changed.emit()
