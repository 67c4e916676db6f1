"""The main window: menus, the navigation on the left, one page at a time on the right."""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from app import config
from app.db.session import Database
from app.services.foundation.backup import auto_backup
from app.ui import actor as ui_actor
from app.ui import dbfiles, errors, opening, warmup
from app.ui import settings as ui_settings
from app.ui.database_files import DatabaseFileActions
from app.ui.dialogs.help import show_guide
from app.ui.dialogs.operator_dialog import OperatorDialog, save_operator
from app.ui.dialogs.welcome import WelcomeDialog
from app.ui.opening import Opened
from app.ui.page_stack import PageStack
from app.ui.pages.base import Page
from app.ui.tasks import run_in_background
from app.ui.widgets.common import STYLE_SHEET
from app.ui.widgets.icons import nav_icon
from app.ui.window_menus import WindowMenus

log = logging.getLogger(__name__)

AUTO_BACKUP_KEEP = 10
AUTO_BACKUP_HOURS = 24
WARMUP_DELAY_MS = 200


class MainWindow(WindowMenus, DatabaseFileActions, QMainWindow):
    database_changed = Signal()
    operator_changed = Signal(str)      # the operator's name, once stored

    ask_operator_on_open = True         # a database without an operator asks for one

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.db: Database | None = None
        self._warmed = False          # the rest of the program loaded after the first figures
        self.setWindowTitle(config.APP_TITLE)
        self.setStyleSheet(STYLE_SHEET)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setIconSize(QSize(18, 18))
        self.nav.setFixedWidth(max(150, self.fontMetrics().horizontalAdvance("数据同步") + 90))
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = PageStack(on_built=self._page_built)
        for spec in self.stack.specs:
            item = QListWidgetItem(nav_icon(spec.key) or self.style().standardIcon(spec.icon), spec.title)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._row_changed)

        self.nav_footer = QLabel("")
        self.nav_footer.setObjectName("navFooter")
        self.nav_footer.setWordWrap(True)
        panel = QFrame()
        panel.setObjectName("navPanel")
        panel.setFixedWidth(self.nav.width())
        side = QVBoxLayout(panel)
        side.setContentsMargins(0, 0, 0, 10)
        side.setSpacing(0)
        side.addWidget(self.nav, 1)
        side.addWidget(self.nav_footer)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(panel)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.db_label = QLabel("未打开数据库")
        self.db_label.setObjectName("dbLabel")
        self.operator_label = QLabel("")
        self.operator_label.setObjectName("operatorLabel")
        self.operator_label.setToolTip("本机操作员：印在还款凭证、协议书上，记入操作日志（设置里可以更改）")
        self.statusBar().addPermanentWidget(self.operator_label)
        self.statusBar().addPermanentWidget(self.db_label)
        self.operator_dialog: OperatorDialog | None = None
        self.statusBar().setSizeGripEnabled(False)

        self._page_key_actions: list[QAction] = []
        self._build_menus()
        self._start_maximized = not self._restore_settings()
        self.nav.setCurrentRow(0)

    # -- pages ---------------------------------------------------------------------------
    @property
    def pages(self) -> list[Page]:
        """Every page in navigation order (those not made yet are built: for the help's key list)."""
        return self.stack.all()

    def page(self, key: str) -> Page:
        return self.stack.page(key)

    def current_page(self) -> Page:
        return self.stack.current_page()

    def show_page(self, which: int | str) -> None:
        index = which if isinstance(which, int) else self.stack.index_of(which)
        self.nav.setCurrentRow(index)

    def _page_built(self, page: Page) -> None:
        """A page just made: it shows the open database and its keys follow it."""
        page.keys_changed.connect(lambda p=page: self._follow_page() if p is self.current_page() else None)
        if page.key == "dashboard":
            page.import_requested.connect(lambda: self.import_ledger())
            page.loaded.connect(self._after_first_figures)
        if self.db is not None:
            page.set_database(self.db)

    def _after_first_figures(self) -> None:
        """Once the 工作台 shows its figures: the rest of the program is loaded in a worker, then
        the other pages are built one by one (``app.ui.warmup``)."""
        if self._warmed or self.db is None:
            return
        self._warmed = True

        def start() -> None:
            run_in_background(self, warmup.preload, on_success=lambda _n: self.stack.build_rest(),
                              on_failure=lambda exc: self.stack.build_rest())

        # after the figures' paint: a worker importing beside it would share the interpreter with it
        QTimer.singleShot(WARMUP_DELAY_MS, self, start)

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.stack.specs):
            self.stack.show_index(row)
            self.page_actions.actions()[row].setChecked(True)
            self._follow_page()

    def _follow_page(self) -> None:
        """The shown page's own keys work wherever the cursor is, and head the 文件 menu; where the
        page claims Ctrl+N, 新建区县数据库 gives it up."""
        for action in self._page_key_actions:
            self.file_menu.removeAction(action)
            action.deleteLater()
        keys = self.current_page().page_keys()
        self._page_key_actions = []
        for key, (text, slot) in keys.items():
            action = self._action(text, slot, key)
            action.setObjectName("pageKey")
            self.file_menu.insertAction(self._page_keys_end, action)
            self._page_key_actions.append(action)
        self._page_keys_end.setVisible(bool(keys))
        taken = {QKeySequence(k).toString() for k in keys}
        self.new_action.setShortcuts([k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.New)
                                      if k.toString() not in taken])

    def data_written(self) -> None:
        """Something was written: every page reloads (the visible one now, the others when shown)."""
        for page in self.stack.built():
            page.mark_stale()

    def refresh_current(self) -> None:
        self.current_page().refresh()

    def focus_search(self) -> None:
        if not self.current_page().focus_search():
            self.statusBar().showMessage("这一页没有搜索框", 2000)

    # -- the database --------------------------------------------------------------------
    def set_database(self, db: Database | None) -> None:
        old, self.db = self.db, db
        if old is not None and old is not db:
            old.dispose()
        for page in self.stack.built():
            page.set_database(db)
        if db is None:
            self.setWindowTitle(config.APP_TITLE)
            self.db_label.setText("未打开数据库")
            self.nav_footer.setText("")
        else:
            ident = db.identity()
            role = "区县" if ident.role == "district" else "乡镇"
            self.setWindowTitle(f"{ident.unit_name}（{Path(db.path).name}）- {config.APP_TITLE}")
            self.db_label.setText(f"{role}数据库：{db.path}")
            self.nav_footer.setText(f"{ident.unit_name}\n{role}数据库")
            self.nav_footer.setToolTip(str(db.path))
            ui_settings.remember_file(Path(db.path))
            self._auto_backup(db)
        operator = ui_actor.load(db)
        self._show_operator()
        if db is not None and operator is None and self.ask_operator_on_open:
            QTimer.singleShot(0, lambda: self.ask_operator(first=True))
        self._update_actions()
        self.database_changed.emit()

    # -- the operator --------------------------------------------------------------------
    def _show_operator(self) -> None:
        name = ui_actor.operator_name()
        self.operator_label.setText(f"操作员：{name}" if name else ("操作员：未设置" if self.db is not None else ""))

    def ask_operator(self, first: bool = False) -> None:
        """Ask who works at this laptop (window-modal, not blocking) and store the name."""
        if self.db is None or (self.operator_dialog is not None and self.operator_dialog.isVisible()):
            return
        db = self.db
        dialog = OperatorDialog(ui_actor.operator_name(), self, first=first)
        self.operator_dialog = dialog

        def saved(op) -> None:
            self._show_operator()
            self.statusBar().showMessage(f"本机操作员：{op.name}", 5000)
            self.operator_changed.emit(op.name)

        dialog.accepted.connect(lambda: save_operator(self, db, dialog.chosen_name(), on_done=saved))
        dialog.open()

    def open_path(self, path: Path, on_failure=None) -> None:
        """Open a set-up database (in the background) and show it."""
        path = Path(path)

        def failed(exc: BaseException) -> None:
            errors.show_error(self, exc)
            if on_failure is not None:
                on_failure()

        run_in_background(self, lambda ctx: dbfiles.open_existing(path), on_success=self.set_database,
                          on_failure=failed, progress_label="正在打开数据库……", write=True)

    def open_early(self, path: Path, on_failure=None) -> None:
        """Open the database the window starts on and show it with the 工作台's figures, read in
        the same task (``app.ui.opening``)."""
        def opened(result: Opened) -> None:
            if result.figures is not None:
                self.page("dashboard").take_figures(result.db, result.figures)
            self.set_database(result.db)

        def failed(exc: BaseException) -> None:
            errors.show_error(self, exc)
            if on_failure is not None:
                on_failure()

        run_in_background(self, lambda ctx: opening.open_with_figures(Path(path)), on_success=opened,
                          on_failure=failed, progress_label="正在打开数据库……", write=True)

    def _auto_backup(self, db: Database) -> None:
        folder = config.backup_dir()

        def done(result) -> None:
            if result is not None:
                self.statusBar().showMessage(f"已自动备份：{Path(result.path).name}", 8000)
                if self.current_page().key == "settings":
                    self.current_page().refresh()

        def failed(exc: BaseException) -> None:
            log.warning("automatic backup failed: %s", exc, exc_info=exc)
            self.statusBar().showMessage(f"自动备份失败：{exc}", 15000)

        run_in_background(self, lambda ctx: auto_backup(db, folder, keep=AUTO_BACKUP_KEEP,
                                                        min_age_hours=AUTO_BACKUP_HOURS),
                          on_success=done, on_failure=failed, write=True)

    def show_welcome(self) -> None:
        dialog = WelcomeDialog(None, self)
        if dialog.exec() and dialog.chosen_path is not None:
            self.open_path(dialog.chosen_path)

    def import_ledger(self) -> None:
        """The bank-ledger import wizard; the pages reload afterwards if it wrote anything."""
        if self.db is None:
            return
        from app.ui import ledger

        result = ledger.open_ledger_wizard(self, self.db)
        if result is not None and not result.already_imported:
            self.data_changed()
            followups = getattr(result, "followups", 0)
            waiting = f"；{followups:,} 条提示待核实（借款户 → 台账核实）" if followups else ""
            self.statusBar().showMessage(f"已导入 {result.file}：新增 {result.loans_imported:,} 笔，"
                                         f"更新 {result.loans_updated:,} 笔{waiting}", 10000)

    def data_changed(self) -> None:
        """The database changed behind the pages' backs: each reloads (the visible one now)."""
        for page in self.stack.built():
            page.set_database(self.db)

    def show_guide(self) -> None:
        show_guide(self)

    # -- window state --------------------------------------------------------------------
    def _restore_settings(self) -> bool:
        s = ui_settings.settings()
        geometry = s.value("window/geometry")
        restored = isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)
        state = s.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        if not restored:
            self.resize(1280, 720)
        return restored

    def save_settings(self) -> None:
        s = ui_settings.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.sync()

    def show_for_start(self) -> None:
        """First start: maximised on a small screen; later starts: where it was left."""
        screen = self.screen().availableGeometry() if self.screen() else None
        if self._start_maximized and screen is not None and (screen.width() <= 1440 or screen.height() <= 800):
            self.showMaximized()
        else:
            self.show()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not all(page.can_leave() for page in self.stack.built()):
            event.ignore()
            return
        self.save_settings()
        from app.ui.tasks import wait_for_all

        wait_for_all(30_000)  # a write in progress is allowed to finish
        super().closeEvent(event)
        if self.db is not None:
            self.db.dispose()
