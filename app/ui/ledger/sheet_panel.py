"""One sheet in the preview: where its table starts, its unit and township, its counts, and
the column mapping with a drop-down per column to fix it."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_yuan
from app.services.ledger_import import FIELD_CHOICES, HOW_LABELS, TOWNSHIP_SOURCES
from app.ui.ledger.models import MappingModel

SKIPPED_LABELS = {"blank": "空行", "subtotal": "小计/合计行", "header": "重复的表头行", "note": "说明文字行"}


class FieldDelegate(QStyledItemDelegate):
    """The 导入为 column: a drop-down of the fields in Chinese, always shown."""

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        combo.setObjectName("fieldCombo")
        for code, label in FIELD_CHOICES:
            combo.addItem(label, code or "")
        combo.setMaxVisibleItems(len(FIELD_CHOICES))
        combo.currentIndexChanged.connect(lambda _i, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor, index):
        code = index.data(Qt.ItemDataRole.EditRole) or ""
        i = editor.findData(code)
        editor.blockSignals(True)   # showing the model's value is no choice of the person's
        editor.setCurrentIndex(i if i >= 0 else editor.count() - 1)
        editor.blockSignals(False)

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData() or None, Qt.ItemDataRole.EditRole)

    def eventFilter(self, editor, event):
        """Tab moves on to the next drop-down (or out of the table), as in any form; the
        item view would take it back to the table's cells."""
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            return False
        return super().eventFilter(editor, event)


def unit_text(layout) -> str:
    units = "、".join(layout.units) or layout.unit
    if layout.unit_source == "header":
        return f"{units}（表头注明）"
    if layout.unit_source == "title":
        return f"{layout.unit}（标题行注明）"
    if layout.unit_source == "chosen":
        return f"{layout.unit}（台账没有注明，已指定）"
    if layout.unit_source == "remembered":
        return f"{layout.unit}（台账没有注明，按上次的选择）"
    return "元（台账没有注明，按元计）"


UNITS = ("元", "万元")


def township_text(layout) -> tuple[str, bool]:
    """What the sheet's township is and where it came from; True if it is unknown."""
    source = layout.township_source
    if source is None:
        return "看不出来，请在上方选择或填写", True
    if source == "column":
        return "按每行的“乡镇”列", False
    return f"{layout.township}（{TOWNSHIP_SOURCES.get(source, source)}）", False


def _rows_text(counts: dict[str, int]) -> str:
    return "、".join(f"{SKIPPED_LABELS.get(k, k)} {n}" for k, n in counts.items() if n)


class SheetPanel(QWidget):
    unit_chosen = Signal(str, str)   # sheet, 元 / 万元

    def __init__(self, parent=None):
        super().__init__(parent)
        self.sheet_name = ""
        self.info = QLabel("")
        self.info.setObjectName("sheetInfo")
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        # The money unit of a sheet that states none: asked when its balances look like 万元.
        self.unit_row = QWidget()
        self.unit_row.setObjectName("unitRow")
        self.unit_question = QLabel("")
        self.unit_question.setObjectName("unitQuestion")
        self.unit_question.setWordWrap(True)
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("unitCombo")
        self.unit_combo.addItems(UNITS)
        self.unit_combo.setPlaceholderText("请选择")
        self.unit_combo.setMinimumContentsLength(4)
        self.unit_combo.activated.connect(self._unit_activated)
        unit_label = QLabel("金额单位：")
        unit_label.setBuddy(self.unit_combo)
        row = QHBoxLayout(self.unit_row)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.unit_question, 1)
        row.addWidget(unit_label)
        row.addWidget(self.unit_combo)
        self.unit_row.hide()
        self.model = MappingModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("mappingTable")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(MappingModel.FIELD_COLUMN, FieldDelegate(self.table))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)   # Tab goes from drop-down to drop-down, then on
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.model.modelReset.connect(self._open_editors)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(self.info)
        layout.addWidget(self.unit_row)
        layout.addWidget(self.table, 1)

    def show_sheet(self, sheet) -> None:
        lay = sheet.layout
        header = (f"第 {lay.header_first} 行" if lay.header_first == lay.header_last
                  else f"第 {lay.header_first}–{lay.header_last} 行（两行表头）")
        township, unknown = township_text(lay)
        township_html = f"<span style='color:#b42318'>{township}</span>" if unknown else township
        parts = [f"表头：<b>{header}</b>", f"金额单位：<b>{unit_text(lay)}</b>", f"乡镇：<b>{township_html}</b>"]
        if lay.as_of:
            parts.append(f"数据截至：<b>{lay.as_of.year}年{lay.as_of.month}月{lay.as_of.day}日</b>")
        counts = [f"可导入 <b>{sheet.loans:,}</b> 笔，余额 <b>{format_yuan(sheet.balance_fen)}</b> 元",
                  f"未导入 <b>{sheet.rejected:,}</b> 行", f"需核对 <b>{sheet.warnings:,}</b> 行"]
        skipped = _rows_text(sheet.skipped)
        if skipped:
            counts.append(f"略过 {skipped}")
        self.info.setText("　·　".join(parts) + "<br>" + "　·　".join(counts))
        self._show_unit(sheet)
        self.model.set_sheet(sheet)

    def _show_unit(self, sheet) -> None:
        """A choice of unit for a sheet that states none; a question when it looks like 万元."""
        lay = sheet.layout
        self.sheet_name = sheet.name
        chooses = lay.unit_source in ("default", "chosen", "remembered") and lay.index_of("balance") is not None
        self.unit_row.setVisible(chooses)
        if not chooses:
            return
        asked = bool(sheet.unit_question)
        self.unit_row.setProperty("asking", asked)
        self.unit_question.setText(f"{sheet.unit_question}。请选择这张表的金额单位：" if asked
                                   else "台账没有注明金额单位；如果不是元，请在这里改：")
        self.unit_combo.blockSignals(True)
        self.unit_combo.setCurrentIndex(-1 if asked else UNITS.index(lay.unit))
        self.unit_combo.blockSignals(False)
        self.unit_row.style().unpolish(self.unit_row)
        self.unit_row.style().polish(self.unit_row)

    def _unit_activated(self, index: int) -> None:
        if 0 <= index < len(UNITS):
            self.unit_chosen.emit(self.sheet_name, UNITS[index])

    def _open_editors(self) -> None:
        for row in range(self.model.rowCount()):
            self.table.openPersistentEditor(self.model.index(row, MappingModel.FIELD_COLUMN))
        previous = self.table
        for row in range(self.model.rowCount()):   # Tab goes down the column, top to bottom
            QWidget.setTabOrder(previous, self.combo(row))
            previous = self.combo(row)
        self._fit()

    def _fit(self) -> None:
        """Letter, header, field and status as wide as they need; the samples take the rest."""
        header = self.table.horizontalHeader()
        fm = self.fontMetrics()
        header.resizeSection(0, fm.horizontalAdvance("列") + 28)
        self.table.resizeColumnToContents(1)
        header.resizeSection(1, min(max(header.sectionSize(1) + 16, 120), 260))
        field_width = max(fm.horizontalAdvance(label) for _c, label in FIELD_CHOICES) + 56
        header.resizeSection(MappingModel.FIELD_COLUMN, field_width)
        header.resizeSection(MappingModel.HOW_COLUMN, max(fm.horizontalAdvance(t) for t in HOW_LABELS.values()) + 24)
        used = sum(header.sectionSize(c) for c in range(MappingModel.HOW_COLUMN + 1))
        header.resizeSection(4, max(self.table.viewport().width() - used, 160))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.model.rowCount():
            self._fit()

    def combo(self, row: int) -> QComboBox:
        """The drop-down of a column (for tests and keyboard users)."""
        return self.table.indexWidget(self.model.index(row, MappingModel.FIELD_COLUMN))
