"""Tables of the dashboard: townships ranked by recovery rate, and the bulletin's categories."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSortFilterProxyModel, Qt

from app.domain.township_report import Line
from app.services.reporting.summary import CategoryFigures, TownshipFigures, rate
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


@dataclass(frozen=True)
class RankedLine:
    rank: int
    line: Line


def ranked_lines(lines: list[Line]) -> list[RankedLine]:
    """``township_report``'s lines (already by rate) with their places."""
    return [RankedLine(i, line) for i, line in enumerate(lines, start=1)]


def _line_figures() -> tuple[Column, ...]:
    return (
        Column("户数", lambda x: x.line.households, "int"),
        Column("笔数", lambda x: x.line.loans, "int"),
        Column("任务金额（元）", lambda x: x.line.task_fen, "money", "列入清收任务时的贷款余额"),
        Column("已清收（元）", lambda x: x.line.recovered_fen, "money", "截至所选日期收回的本金"),
        Column("剩余（元）", lambda x: x.line.outstanding_fen, "money"),
        Column("清收率", lambda x: x.line.rate, "rate", "已清收 ÷ 任务金额"),
        Column("已走访", lambda x: x.line.visited, "int", "截至所选日期有走访记录的借款户"),
        Column("从未走访", lambda x: x.line.never_visited, "int", "截至所选日期还没有任何走访记录的借款户"),
    )


class VillageLineModel(RecordTableModel[RankedLine]):
    """A township's villages (``township_report.of_township``), by rate."""

    columns = (Column("排名", lambda x: x.rank, "rank", "按清收率从高到低"),
               Column("村（社区）", lambda x: x.line.name)) + _line_figures()
    RATE_COLUMN = 7


class StaffLineModel(RecordTableModel[RankedLine]):
    """A township's responsible people (``township_report.of_township``), by rate; nobody's loans last."""

    columns = (Column("排名", lambda x: x.rank, "rank", "按清收率从高到低"),
               Column("责任人", lambda x: x.line.name),
               Column("职务与责任", lambda x: x.line.detail)) + _line_figures()
    RATE_COLUMN = 8
