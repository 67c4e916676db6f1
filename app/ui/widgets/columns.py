"""Table columns that fit the table's width, and a header menu to show or hide columns.

``ColumnFit`` gives each column its natural width when they all fit (the spare width shared out
so figures do not huddle at one side). When they do not, every column first gives up the air
around its text, then the text columns give way down to their minimum (the text is elided; its
tooltip has all of it), so a 1366x768 screen shows no horizontal scroll bar.

``ColumnChooser``: right-click a header to tick the columns shown; remembered per table in
``window.ini``. Columns a model marks as hidden start hidden.
"""
from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from app.ui import settings as ui_settings

Widths = tuple[int, int, int]   # natural, tight (without the air), minimum
STRETCH_RESERVE_CHARS = 8       # what a stretching column (notes, details) keeps at least


def share(widths: Sequence[Widths], available: int, spread: bool = True) -> list[int]:
    """Each column's width: natural if all fit (the spare shared out evenly if ``spread``), else
    columns give way in proportion to what they can give, first their air (natural → tight), then
    down to their minimum. Never below the minimum (then the table scrolls)."""
    widths = [(n, min(t, n), min(m, t, n)) for n, t, m in widths]
    result = [w[0] for w in widths]
    spare = available - sum(result)
    if spare >= 0:
        return _add(result, _portions([1] * len(result), spare)) if spread else result
    for stage in (1, 2):
        deficit = sum(result) - available
        give = [r - w[stage] for r, w in zip(result, widths)]
        if deficit <= 0 or sum(give) <= 0:
            continue
        result = _add(result, [-c for c in _portions(give, min(deficit, sum(give)))])
    return result


def _portions(weights: Sequence[int], amount: int) -> list[int]:
    """``amount`` split in proportion to ``weights`` (whole pixels, never more than a weight when the
    amount is at most their sum; the remainder to the heaviest)."""
    total = sum(weights)
    if total <= 0:
        return [0] * len(weights)
    parts = [w * amount // total for w in weights]
    rest = amount - sum(parts)
    for i in sorted(range(len(weights)), key=lambda i: -weights[i]):
        if rest <= 0:
            break
        parts[i] += 1
        rest -= 1
    return parts


def _add(values: Sequence[int], deltas: Sequence[int]) -> list[int]:
    return [v + d for v, d in zip(values, deltas)]


class ColumnFit(QObject):
    """Keeps ``view``'s shown columns within its width; ``widths(column)`` gives (natural, tight,
    minimum). Refits when the table is resized, its rows are replaced, or a column is shown or
    hidden; ``invalidate()`` when the natural widths change otherwise."""

    def __init__(self, view: QTableView, widths: Callable[[int], Widths]):
        super().__init__(view)
        self.view = view
        self.widths = widths
        self._cache: dict[int, Widths] = {}
        self._fitting = False
        view.viewport().installEventFilter(self)
        model = view.model()
        model.modelReset.connect(self.invalidate)
        model.layoutChanged.connect(self.invalidate)
        model.rowsInserted.connect(self.invalidate)
        view.horizontalHeader().sectionCountChanged.connect(self.invalidate)

    def invalidate(self) -> None:
        self._cache.clear()
        self.fit()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.view.viewport():
            self.fit()
        return False

    def fit(self) -> None:
        if self._fitting:
            return
        self._fitting = True
        try:
            header = self.view.horizontalHeader()
            shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
            # a stretching column takes what is left: it asks only for room for a few characters
            stretch = [c for c in shown if header.sectionResizeMode(c) == QHeaderView.ResizeMode.Stretch]
            sized = [c for c in shown if c not in stretch]
            for column in sized:
                if column not in self._cache:
                    self._cache[column] = self.widths(column)
            available = self.view.viewport().width() - len(stretch) * STRETCH_RESERVE_CHARS * self._em()
            widths = share([self._cache[c] for c in sized], available, spread=not stretch)
            for column, width in zip(sized, widths):
                header.resizeSection(column, width)
        finally:
            self._fitting = False

    def _em(self) -> int:
        return self.view.fontMetrics().horizontalAdvance("中")


class ColumnChooser(QObject):
    """Right-click on ``view``'s header: a menu of its columns to show or hide (and 恢复默认),
    remembered under ``key``; ``default_hidden``: the titles hidden until the user shows them;
    ``managed``: columns the page itself shows and hides (not in the menu, never remembered)."""

    def __init__(self, view: QTableView, key: str, default_hidden: Sequence[str] = (),
                 on_change: Callable[[], None] | None = None, managed: Sequence[str] = ()):
        super().__init__(view)
        self.view = view
        self.key = key
        self.default_hidden = set(default_hidden)
        self.managed = set(managed)
        self.on_change = on_change
        header = view.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._menu)
        header.setToolTip("右键点击表头，选择显示哪些列")
        self.apply(ui_settings.hidden_columns(key))

    def titles(self) -> list[str]:
        """The titles of the columns the user chooses (a managed column's title is "")."""
        model = self.view.model()
        titles = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]
        return ["" if t in self.managed else t for t in titles]

    def hidden(self) -> set[str]:
        return {t for c, t in enumerate(self.titles()) if t and self.view.isColumnHidden(c)}

    def apply(self, hidden: set[str] | None) -> None:
        hidden = self.default_hidden if hidden is None else hidden
        titles = self.titles()
        chosen = [t for t in titles if t]
        if len(hidden & set(chosen)) >= len(chosen):
            hidden = set()
        for column, title in enumerate(titles):
            if title:
                self.view.setColumnHidden(column, title in hidden)
        if self.on_change is not None:
            self.on_change()

    def set_shown(self, title: str, shown: bool) -> None:
        hidden = self.hidden() - {title} if shown else self.hidden() | {title}
        self.apply(hidden)
        ui_settings.set_hidden_columns(self.key, hidden)

    def reset(self) -> None:
        ui_settings.set_hidden_columns(self.key, None)
        self.apply(None)

    def menu(self) -> QMenu:
        menu = QMenu(self.view)
        menu.setObjectName("columnMenu")
        menu.addSection("显示的列")
        hidden = self.hidden()
        titles = [t for t in self.titles() if t]
        for title in titles:
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(title not in hidden)
            action.setEnabled(title in hidden or len(hidden) < len(titles) - 1)   # keep one column
            action.toggled.connect(lambda on, t=title: self.set_shown(t, on))
        menu.addSeparator()
        menu.addAction("恢复默认的列", self.reset)
        return menu

    def _menu(self, pos) -> None:
        menu = self.menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.view.horizontalHeader().mapToGlobal(pos))
