"""Tables of the 新建还款协议 dialog: the household's loans to tick, what the ticked loans owe,
and the schedule (dates and amounts the user may type)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from app.domain.errors import InputError
from app.domain.interest import format_rate
from app.domain.money import parse_yuan_or_none
from app.services.agreements.owed import LoanOwed
from app.services.agreements.picker import LoanChoice
from app.ui import formatting as fmt
from app.ui.models.agreements import GREY, RowsModel
from app.ui.models.table import SORT_ROLE, Column

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_EDITABLE = QColor("#fffbe6")
_NO_INDEX = QModelIndex()


class LoanChoiceModel(QAbstractTableModel):
    """The household's loans with a tick box each; a loan in another agreement cannot be ticked."""

    checked_changed = Signal()
    HEADERS = ("借据号", "本金余额", "台账欠息", "到期日", "合同利率", "说明")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.loans: list[LoanChoice] = []
        self.checked: set[str] = set()

    def set_loans(self, loans: list[LoanChoice], checked: set[str]) -> None:
        self.beginResetModel()
        self.loans = list(loans)
        self.checked = {ln.id for ln in loans if ln.id in checked and ln.free}
        self.endResetModel()
        self.checked_changed.emit()

    def checked_loans(self) -> list[LoanChoice]:
        return [ln for ln in self.loans if ln.id in self.checked]

    def set_checked(self, loan_no: str, on: bool) -> None:
        row = next(i for i, ln in enumerate(self.loans) if ln.loan_no == loan_no)
        self.setData(self.index(row, 0), (Qt.CheckState.Checked if on else Qt.CheckState.Unchecked).value,
                     Qt.ItemDataRole.CheckStateRole)

    @staticmethod
    def note(ln: LoanChoice) -> str:
        if ln.busy:
            return ln.busy
        parts = []
        if ln.balance_fen == 0:
            parts.append("本金已还清")
        if ln.suspended:
            parts.append("停息挂账")
        return "，".join(parts)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.loans)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.loans):
            return None
        ln, col = self.loans[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            values = (ln.loan_no, ln.balance_fen, ln.interest_fen, ln.due_date,
                      format_rate(ln.rate_ppm) if ln.rate_ppm else "不明", self.note(ln))
            value = values[col]
            if role == SORT_ROLE:
                return value.isoformat() if isinstance(value, date) else ("" if value is None else value)
            if col in (1, 2):
                return fmt.money(value)
            return value.isoformat() if isinstance(value, date) else (value or "")
        if role == Qt.ItemDataRole.CheckStateRole and col == 0:
            return (Qt.CheckState.Checked if ln.id in self.checked else Qt.CheckState.Unchecked)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col in (1, 2) else _CENTER if col in (3, 4) else None
        if role == Qt.ItemDataRole.ForegroundRole and not ln.free:
            return GREY
        if role == Qt.ItemDataRole.ToolTipRole and ln.busy:
            return f"{ln.busy}；请修改那份协议（生成新版本）或先将其作废"
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        ln = self.loans[index.row()]
        if not ln.free:
            return False
        on = (value.value if isinstance(value, Qt.CheckState) else int(value)) == Qt.CheckState.Checked.value
        if on == (ln.id in self.checked):
            return True
        (self.checked.add if on else self.checked.discard)(ln.id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit()
        return True

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        ln = self.loans[index.row()]
        flags = Qt.ItemFlag.ItemIsSelectable
        if ln.free:
            flags |= Qt.ItemFlag.ItemIsEnabled
            if index.column() == 0:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _CENTER
        return None


def _interest_tip(ln: LoanOwed) -> str:
    tip = (f"台账欠息 {fmt.money(ln.ledger_interest_fen)}（截至 {ln.accrued_from.isoformat()}）"
           f" + 新增利息 {fmt.money(ln.accrued_interest_fen)}（{ln.interest_days} 天）")
    if ln.paid_interest_fen:
        tip += f" − 已还利息 {fmt.money(ln.paid_interest_fen)}"
    return tip


RATE_SOURCES = {"contract": "合同", "default": "默认", "set": "本协议设定的"}


class OwedModel(RowsModel):
    """What each ticked loan owes on the date, part by part."""

    columns = (
        Column("借据号", lambda ln: ln.loan_no),
        Column("本金", lambda ln: ln.principal_fen, "money"),
        Column("利息", lambda ln: ln.interest_fen, "money", "台账欠息 + 台账日以来的新增利息 − 已还利息"),
        Column("罚息", lambda ln: ln.penalty_fen, "money", "到期日以后按罚息利率计算"),
        Column("合计", lambda ln: ln.owed_fen, "money"),
    )

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.row() < self.rowCount():
            ln = self.record(index.row())
            if index.column() == 2:
                return _interest_tip(ln) + f"；年利率 {format_rate(ln.rate_ppm)}（{RATE_SOURCES.get(ln.rate_source, '')}）"
            if ln.suspended:
                return "停息挂账：不再计息"
            if index.column() == 3:
                return (f"罚息 {fmt.money(ln.accrued_penalty_fen)}（{ln.penalty_days} 天，年利率 "
                        f"{format_rate(ln.penalty_rate_ppm)}）"
                        + (f" − 已还罚息 {fmt.money(ln.paid_penalty_fen)}" if ln.paid_penalty_fen else ""))
        return super().data(index, role)


# --------------------------------------------------------------------------- the schedule

@dataclass
class PlanRow:
    due: date | None
    text: str = ""                 # the amount as typed (typed amounts)
    fen: int | None = None         # the amount the preview gave


class PlanModel(QAbstractTableModel):
    """期数 / 还款日期 / 金额: dates editable when the user picks them, amounts when typed.
    A blank typed amount takes the rest."""

    edited = Signal()
    HEADERS = ("期数", "还款日期", "金额（元）")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[PlanRow] = []
        self.dates_editable = False
        self.amounts_editable = False

    def set_plan(self, dates: list[date | None], texts: list[str] | None, fens: list[int | None] | None, *,
                 dates_editable: bool, amounts_editable: bool) -> None:
        rows = [PlanRow(d, (texts[i] if texts and i < len(texts) else ""), (fens[i] if fens and i < len(fens) else None))
                for i, d in enumerate(dates)]
        same_shape = len(rows) == len(self.rows) and (dates_editable, amounts_editable) == (
            self.dates_editable, self.amounts_editable)
        if same_shape:
            self.rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, 2))
            return
        self.beginResetModel()
        self.rows, self.dates_editable, self.amounts_editable = rows, dates_editable, amounts_editable
        self.endResetModel()

    def dates(self) -> list[date | None]:
        return [r.due for r in self.rows]

    def texts(self) -> list[str]:
        return [r.text for r in self.rows]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else 3

    def _editable(self, col: int) -> bool:
        return (col == 1 and self.dates_editable) or (col == 2 and self.amounts_editable)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f"第{index.row() + 1}期"
            if col == 1:
                return row.due.isoformat() if row.due else ""
            if self.amounts_editable and row.text.strip():
                try:
                    typed = parse_yuan_or_none(row.text)
                except InputError:
                    return row.text
                return fmt.money(typed) if typed is not None else row.text
            if row.fen is None:
                return "（剩余）" if self.amounts_editable else "—"
            return f"（剩余）{fmt.money(row.fen)}" if self.amounts_editable else fmt.money(row.fen)
        if role == Qt.ItemDataRole.EditRole:
            if col == 1:
                return QDate(row.due.year, row.due.month, row.due.day) if row.due else QDate()
            if col == 2:
                return row.text
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col == 2 else _CENTER
        if role == Qt.ItemDataRole.BackgroundRole and self._editable(col):
            return _EDITABLE
        if role == Qt.ItemDataRole.ForegroundRole and col == 2 and self.amounts_editable and not row.text.strip():
            return GREY
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or not self._editable(index.column()):
            return False
        row = self.rows[index.row()]
        if index.column() == 1:
            if isinstance(value, QDate):
                if not value.isValid():
                    return False
                value = value.toPython()
            if not isinstance(value, date):
                return False
            row.due = value
        else:
            row.text = str(value or "").strip()
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable(index.column()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < 3:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _CENTER
        return None
