"""Tables of the 还款协议 page: the list of agreements (sorted and filtered by a proxy), and an
agreement's schedule, loans and versions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from app.domain.interest import format_rate
from app.services.agreements.overview import STATE_NAMES, WAITING, AgreementListItem
from app.services.agreements.views import AgreementLoanView, AgreementRow
from app.ui.models.colours import AMBER, BLUE, GREEN, GREY, RED  # noqa: F401  (the detail imports them here)
from app.ui.models.table import SORT_ROLE, Column, RecordTableModel

ORANGE = AMBER

STATE_COLORS = {"broken": RED, "fulfilled": GREEN, "cancelled": GREY, "superseded": GREY, "draft": BLUE,
                "printed": BLUE}


class RowsModel(RecordTableModel):
    """``RecordTableModel`` with dates (``yyyy-mm-dd``), blank cells for missing values (sorted
    first) and a colour per cell (``color(record, column)``)."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount() or index.column() >= len(self.columns):
            return None
        column = self.columns[index.column()]
        record = self.record(index.row())
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            raw = column.value(record)
            if raw is None:
                return "" if role == Qt.ItemDataRole.DisplayRole else _blank(column.kind)
            if column.kind == "date":
                return raw.isoformat()
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.color(record, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind == "date":
            return Qt.AlignmentFlag.AlignCenter
        return super().data(index, role)

    def color(self, record: Any, column: int) -> QColor | None:
        return None


def _blank(kind: str) -> Any:
    return "" if kind in ("text", "date") else -1


# --------------------------------------------------------------------------- the list

class AgreementListModel(RowsModel):
    columns = (
        Column("协议编号", lambda a: a.label),
        Column("借款户", lambda a: a.household),
        Column("乡镇 / 村", lambda a: a.place),
        Column("状态", lambda a: a.state_name),
        Column("应还合计（元）", lambda a: a.total_fen, "money", "欠款合计减去减免"),
        Column("已还（元）", lambda a: a.paid_fen, "money", "按协议已收的还款"),
        Column("下期应还日", lambda a: a.next_due, "date", "第一笔还未还清的分期"),
        Column("下期金额（元）", lambda a: a.next_left_fen if a.next_due else None, "money", "该期还需还的金额"),
        Column("逾期天数", lambda a: a.days_overdue or None, "int", "下期应还日已过去的天数"),
    )
    STATE_COLUMN = 3
    OVERDUE_COLUMN = 8

    def color(self, record: AgreementListItem, column: int) -> QColor | None:
        if column == self.STATE_COLUMN:
            return STATE_COLORS.get(record.state)
        if column == self.OVERDUE_COLUMN and record.days_overdue:
            return RED if record.state == "broken" else ORANGE
        return None

    def row_of(self, agreement_id: str) -> int:
        return next((i for i in range(self.rowCount()) if self.record(i).id == agreement_id), -1)


# Filter: (key, label).  ``due`` uses the page's "N 天内".
FILTERS = (
    ("current", "全部"),
    ("waiting", "待签字"),
    ("signed", "履行中"),
    ("broken", "已违约"),
    ("due", "近期到期"),
    ("fulfilled", "已履行"),
    ("cancelled", "已作废"),
    ("history", "全部（含旧版本）"),
)


class AgreementFilterProxy(QSortFilterProxyModel):
    """Sorts by the raw values; keeps the rows of the chosen state that match the search text."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortLocaleAware(True)
        self.mode = "current"
        self.days = 7
        self.text = ""
        self.as_of = date.today()

    def set_filter(self, *, mode: str | None = None, days: int | None = None, text: str | None = None,
                   as_of: date | None = None) -> None:
        new_api = hasattr(self, "endFilterChange")  # Qt 6.10; earlier: invalidateRowsFilter
        if new_api:
            self.beginFilterChange()
        if mode is not None:
            self.mode = mode
        if days is not None:
            self.days = days
        if text is not None:
            self.text = text
        if as_of is not None:
            self.as_of = as_of
        if new_api:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def accepts(self, item: AgreementListItem) -> bool:
        mode = self.mode
        if mode == "history":
            ok = True
        elif mode == "current":
            ok = item.state != "superseded"
        elif mode == "waiting":
            ok = item.state in WAITING
        elif mode == "due":
            ok = item.due_within(self.as_of, self.days)
        else:
            ok = item.state == mode
        return ok and item.matches(self.text)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        if source_parent.isValid() or not isinstance(model, AgreementListModel) or source_row >= model.rowCount():
            return False
        return self.accepts(model.record(source_row))


# --------------------------------------------------------------------------- one agreement

@dataclass
class ScheduleLine:
    no: int
    due: date
    amount_fen: int
    paid_fen: int
    state: str            # 已还清 / 部分还款 / 逾期N天 / 未到期 / 今天到期
    late: bool = False

    @property
    def left_fen(self) -> int:
        return self.amount_fen - self.paid_fen


class InstallmentModel(RowsModel):
    columns = (
        Column("期数", lambda i: i.no, "rank"),
        Column("应还日期", lambda i: i.due, "date"),
        Column("应还（元）", lambda i: i.amount_fen, "money"),
        Column("已还（元）", lambda i: i.paid_fen, "money"),
        Column("未还（元）", lambda i: i.left_fen, "money"),
        Column("情况", lambda i: i.state),
    )

    def color(self, record: ScheduleLine, column: int) -> QColor | None:
        if column == 5:
            return RED if record.late else GREEN if record.left_fen == 0 else None
        return None


def schedule_lines(installments, paid_fen: int, as_of: date, in_force: bool) -> list[ScheduleLine]:
    """The schedule with what the payments made cover of each installment, in order."""
    from app.domain.schedule import fill_installments

    filled = fill_installments(paid_fen, [i.amount_fen for i in installments])
    out = []
    for inst, got in zip(installments, filled):
        late = False
        if got >= inst.amount_fen:
            state = "已还清"
        elif in_force and inst.due < as_of:
            state, late = f"逾期{(as_of - inst.due).days}天", True
        elif in_force and inst.due == as_of:
            state = "今天到期"
        else:
            state = "部分还款" if got else ("未到期" if in_force else "")
        out.append(ScheduleLine(inst.no, inst.due, inst.amount_fen, got, state, late))
    return out


class LoanPartsModel(RowsModel):
    columns = (
        Column("借据号", lambda ln: ln.loan_no, "code"),
        Column("本金（元）", lambda ln: ln.principal_fen, "money"),
        Column("利息（元）", lambda ln: ln.interest_fen, "money", "台账欠息加计算日前新增的利息"),
        Column("罚息（元）", lambda ln: ln.penalty_fen, "money"),
        Column("减免利息", lambda ln: ln.waived_interest_fen, "money"),
        Column("减免罚息", lambda ln: ln.waived_penalty_fen, "money"),
        Column("应还（元）", lambda ln: _loan_due(ln), "money", "本金 + 利息 + 罚息 − 减免"),
        Column("年利率", lambda ln: format_rate(ln.rate_ppm) if ln.rate_ppm else "合同利率"),
    )


def _loan_due(ln: AgreementLoanView) -> int:
    return ln.principal_fen + ln.interest_fen + ln.penalty_fen - ln.waived_interest_fen - ln.waived_penalty_fen


class VersionModel(RowsModel):
    columns = (
        Column("版本", lambda r: f"第{r.version}版"),
        Column("状态", lambda r: STATE_NAMES.get(r.status, r.status)),
        Column("计算日期", lambda r: r.as_of, "date"),
        Column("签订日期", lambda r: r.signed_on, "date"),
        Column("应还合计（元）", lambda r: r.total_fen, "money"),
        Column("期数", lambda r: r.installments, "int"),
    )

    def color(self, record: AgreementRow, column: int) -> QColor | None:
        return STATE_COLORS.get(record.status) if column == 1 else None
