"""Read-only tables of the household page: its loans and its timeline."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app.domain.categories import BY_CODE
from app.services.households.detail import LoanInfo, TimelineEntry
from app.ui.models.table import Column, RecordTableModel


def _day(d) -> str:
    return d.isoformat() if d else ""


class LoanTableModel(RecordTableModel[LoanInfo]):
    # Amounts in yuan (the tab says so). Hidden at first, so the table fits a 1366x768 screen
    # (right-click the header to show them): 发放日期, 五级分类, 担保方式; the loan number's tooltip has them.
    columns = (
        Column("借据号", lambda ln: ln.loan_no, "code"),
        Column("借款人", lambda ln: ln.borrower),
        Column("发放日期", lambda ln: ln.issue_date, "date", hidden=True),
        Column("到期日期", lambda ln: ln.due_date, "date"),
        Column("任务金额", lambda ln: ln.task_fen, "money", "列入清收任务时的贷款余额（元）"),
        Column("已清收", lambda ln: ln.recovered_fen, "money", "已收回的本金（元）"),
        Column("剩余本金", lambda ln: ln.outstanding_fen, "money", "任务金额 − 已清收（元）"),
        Column("欠息", lambda ln: ln.interest_fen, "money", "最近一期银行台账的欠息（元）"),
        Column("阶段", lambda ln: ln.stage_name),
        Column("阶段日期", lambda ln: ln.stage_date, "date", "进入当前阶段的日期"),
        Column("五级分类", lambda ln: ln.five_class or "", hidden=True),
        Column("担保方式", lambda ln: ln.guarantee or "", hidden=True),
        Column("类别", lambda ln: "、".join(BY_CODE[c].short if c in BY_CODE else c for c in ln.categories),
               tooltip="标在这笔贷款上的特殊类别"),
    )

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            loan = self.record(index.row())
            if loan.stage in ("settled", "written_off"):
                return QColor("#7b8794")
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            return loan_tip(self.record(index.row()))
        return super().data(index, role)


def loan_tip(ln: LoanInfo) -> str:
    """Everything about a loan in a line or two, also what the hidden columns hold."""
    parts = [f"借据 {ln.loan_no}（{ln.borrower}）", f"发放 {_day(ln.issue_date) or '—'}",
             f"到期 {_day(ln.due_date) or '—'}", f"五级分类 {ln.five_class or '—'}", f"担保 {ln.guarantee or '—'}",
             f"{ln.stage_name}" + (f"（自 {_day(ln.stage_date)}）" if ln.stage_date else "")]
    return " · ".join(parts)


_KIND_NAMES = {"visit": "走访", "repayment": "还款", "agreement": "协议", "stage": "阶段"}
_KIND_COLOURS = {"visit": QColor("#1f6fb2"), "repayment": QColor("#1e8449"), "agreement": QColor("#7d3c98"),
                 "stage": QColor("#52606d")}
_VOIDED = QColor("#9aa5b1")


class TimelineModel(RecordTableModel[TimelineEntry]):
    columns = (
        Column("日期", lambda t: _day(t.on)),
        Column("类型", lambda t: _KIND_NAMES.get(t.kind, t.kind)),
        Column("事项", lambda t: t.title),
        Column("详情", lambda t: t.detail),
    )

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        entry = self.record(index.row())
        if entry.voided:     # 已冲正 / 已作废: struck through and grey, the reason in the tooltip
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setStrikeOut(True)
                return font
            if role == Qt.ItemDataRole.ForegroundRole:
                return _VOIDED
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{entry.title}：{entry.void_reason}"
        if role == Qt.ItemDataRole.ForegroundRole and index.column() in (1, 2):
            return _KIND_COLOURS.get(entry.kind)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            return entry.detail or None
        return super().data(index, role)
