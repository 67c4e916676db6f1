"""Tables of the dashboard: townships ranked by recovery rate, and the bulletin's categories."""
from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt

from app.services.summary import CategoryFigures, TownshipFigures, rate
from app.ui.models.table import SORT_ROLE, Column, RecordTableModel


class TownshipTableModel(RecordTableModel[TownshipFigures]):
    columns = (
        Column("排名", lambda t: t.rank, "rank", "按清收率从高到低"),
        Column("乡镇", lambda t: t.name),
        Column("笔数", lambda t: t.loans, "int"),
        Column("户数", lambda t: t.households, "int"),
        Column("任务金额（元）", lambda t: t.task_fen, "money", "列入清收任务时的贷款余额"),
        Column("已清收（元）", lambda t: t.recovered_fen, "money", "截至所选日期收回的本金"),
        Column("剩余（元）", lambda t: t.outstanding_fen, "money"),
        Column("清收率", lambda t: t.rate, "rate", "已清收 ÷ 任务金额"),
        Column("已结清", lambda t: t.settled, "int", "已全部收回的贷款笔数"),
    )
    RATE_COLUMN = 7


class CategoryTableModel(RecordTableModel[CategoryFigures]):
    columns = (
        Column("类别", lambda c: c.name),
        Column("笔数", lambda c: c.loans, "int"),
        Column("户数", lambda c: c.households, "int"),
        Column("任务金额（元）", lambda c: c.task_fen, "money"),
        Column("已清收（元）", lambda c: c.recovered_fen, "money"),
        Column("剩余（元）", lambda c: c.task_fen - c.recovered_fen, "money"),
        Column("清收率", lambda c: rate(c.recovered_fen, c.task_fen), "rate", "已清收 ÷ 任务金额"),
    )
    RATE_COLUMN = 6


def sorted_view(model: RecordTableModel, parent=None) -> QSortFilterProxyModel:
    """A proxy that sorts by the raw values (numbers as numbers), not by the display text."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setSortLocaleAware(True)
    return proxy
