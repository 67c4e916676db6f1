"""The main window's menus (文件, 视图, 帮助) and their shortcuts, as a part of ``MainWindow``: the
slots they call (``new_database``, ``open_path``, ``show_page`` …) are the window's."""
from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from app.ui import settings as ui_settings
from app.ui.dialogs.help import build_help_menu


class WindowMenus:
    """Mixed into ``MainWindow`` (a ``QMainWindow`` with ``stack``, ``db`` and the slots)."""

    def _action(self, text: str, slot, shortcut=None, tip: str | None = None) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)
        elif shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = self.file_menu = bar.addMenu("文件(&F)")
        self.new_action = self._action("新建区县数据库(&N)…", self.new_database, QKeySequence.StandardKey.New)
        self.new_action.setProperty("help_key", "Ctrl+N")
        self.new_action.setProperty("help_note", "（借款户、走访页面上是记录走访）")
        self.open_action = self._action("打开(&O)…", self.open_database_dialog, QKeySequence.StandardKey.Open)
        self._page_keys_end = file_menu.addSeparator()
        self._page_keys_end.setVisible(False)
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("最近打开(&R)")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        self.import_action = self._action("导入银行台账(&I)…", self.import_ledger, "Ctrl+I",
                                          tip="读入银行发来的不良贷款任务台账（Excel）")
        self.import_action.setObjectName("importLedger")
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        self.backup_action = self._action("备份(&B)…", self.backup_dialog, tip="把当前数据库复制一份保存")
        self.restore_action = self._action("恢复(&E)…", self.restore_dialog, tip="用备份文件替换当前数据库")
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_action)
        file_menu.addSeparator()
        quit_action = self._action("退出(&X)", self.close, QKeySequence.StandardKey.Quit)
        if not QKeySequence.keyBindings(QKeySequence.StandardKey.Quit):  # Windows has none
            quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        file_menu.addAction(quit_action)
        self.quit_action = quit_action

        view_menu = bar.addMenu("视图(&V)")
        self.page_actions = QActionGroup(self)
        for i, spec in enumerate(self.stack.specs):
            action = self._action(spec.title, lambda i=i: self.show_page(i), f"Ctrl+{i + 1}")
            action.setCheckable(True)
            action.setObjectName(f"show_{spec.key}")
            self.page_actions.addAction(action)
            view_menu.addAction(action)
        view_menu.addSeparator()
        self.refresh_action = self._action("刷新(&R)", self.refresh_current, "F5")
        self.find_action = self._action("查找(&F)", self.focus_search, QKeySequence.StandardKey.Find)
        view_menu.addAction(self.refresh_action)
        view_menu.addAction(self.find_action)

        build_help_menu(self, bar.addMenu("帮助(&H)"))
        self._update_actions()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = [p for p in ui_settings.recent_files() if p.exists()]
        for i, path in enumerate(files, start=1):
            action = self.recent_menu.addAction(f"&{i}  {path.name}    {path.parent}")
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if not files:
            self.recent_menu.addAction("（无）").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("清除列表", self._clear_recent)

    def _clear_recent(self) -> None:
        for path in ui_settings.recent_files():
            ui_settings.forget_file(path)

    def _update_actions(self) -> None:
        has_db = self.db is not None
        self.backup_action.setEnabled(has_db)
        self.restore_action.setEnabled(has_db)
        self.import_action.setEnabled(has_db)

