"""The 帮助 menu: 使用说明 (F1, ``resources/help/guide.md``), 快捷键 (read from the window's menus
and the pages' own keys, plus the keys inside lists and dialogs), the folders, 关于."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import __version__, config
from app.ui import errors
from app.ui.dialogs.file_saved import open_in_system
from app.ui.models.table import Column, RecordTableModel
from app.ui.widgets.tables import make_table_view


@dataclass(frozen=True)
class Key:
    where: str
    key: str
    what: str


# Keys that work inside one list or dialog (not in any menu).
INSIDE = (
    Key("借款户列表", "↓", "从查找框进入列表"),
    Key("借款户列表", "回车 / 双击", "打开选中的一户"),
    Key("借款户列表", "Esc", "清空查找框"),
    Key("工作台乡镇排名", "回车 / 双击", "查看选中乡镇的各村和责任人"),
    Key("工作台某乡镇", "回车 / 双击", "在借款户列表中查看这个村或这位责任人的借款户"),
    Key("记录走访", "1…7", "在“方式”“结果”里按数字选择"),
    Key("记录走访", "回车", "保存"),
    Key("记录走访", "Ctrl+回车", "保存后接着记下一条"),
    Key("对话框", "Esc", "取消，不保存"),
    Key("日期框", "↑ / ↓", "改日、月或年（光标所在的那一段）"),
    Key("表格", "右键点表头", "选择显示哪些列（能选的表格）"),
)


def key_text(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def plain(text: str) -> str:
    """A menu text without its mnemonic and dots: 导入银行台账(&I)… → 导入银行台账."""
    cut = text.split("(&")[0] if "(&" in text else text.replace("&", "")
    return cut.rstrip("…").rstrip(".").strip()


def menu_keys(window: QMainWindow) -> list[Key]:
    """Every menu item of the window that has a key, under its menu's name."""
    found: list[Key] = []

    def walk(menu: QMenu, where: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), where)
            elif action.isSeparator() or action.objectName() == "pageKey":
                continue
            elif action.property("help_key"):      # a key the action gives up where a page claims it
                found.append(Key(where, action.property("help_key"), plain(action.text()) + action.property("help_note")))
            elif not action.shortcut().isEmpty():
                found.append(Key(where, key_text(action.shortcut()), plain(action.text())))

    for action in window.menuBar().actions():
        if action.menu() is not None:
            walk(action.menu(), f"{plain(action.text())}菜单")
    return found


def page_keys(window: QMainWindow) -> list[Key]:
    """The pages' own keys (``Page.all_page_keys``: each state a page can be in)."""
    found = []
    for page in getattr(window, "pages", ()):
        for where, keys in page.all_page_keys().items():
            for key, (text, _slot) in keys.items():
                found.append(Key(where, key_text(QKeySequence(key)), plain(text)))
    return found


def all_keys(window: QMainWindow) -> list[Key]:
    return page_keys(window) + menu_keys(window) + list(INSIDE)


class KeyModel(RecordTableModel[Key]):
    columns = (Column("在哪里", lambda k: k.where), Column("按键", lambda k: k.key, "code"),
               Column("作用", lambda k: k.what))


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("快捷键")
        self.model = KeyModel(self)
        self.model.set_rows(all_keys(window))
        self.table = make_table_view(self.model, self)
        self.table.setObjectName("shortcutsTable")
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("菜单里的命令在菜单项右边也写着它的快捷键。"))
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().horizontalAdvance("中") * 44, min(620, window.height() - 40))


class GuideDialog(QDialog):
    """使用说明: stays open beside the window while the user works."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("guideDialog")
        self.setWindowTitle("使用说明 - 清收工作台")
        self.setModal(False)
        self.browser = QTextBrowser()
        self.browser.setObjectName("guideText")
        self.browser.setOpenExternalLinks(False)
        try:
            self.browser.setMarkdown((config.resources_dir() / "help" / "guide.md").read_text(encoding="utf-8"))
        except (FileNotFoundError, OSError) as exc:
            self.browser.setPlainText(f"找不到使用说明文件（{exc}），安装可能不完整。")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        em = self.fontMetrics().horizontalAdvance("中")
        self.resize(min(em * 52, window.width() - 40), min(em * 44, window.height() - 40))


def build_help_menu(window: QMainWindow, menu: QMenu) -> None:
    guide = QAction("使用说明(&H)", window)
    guide.setObjectName("showGuide")
    guide.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.HelpContents) or [QKeySequence("F1")])
    guide.triggered.connect(lambda _c=False: show_guide(window))
    keys = QAction("快捷键(&K)", window)
    keys.setObjectName("showShortcuts")
    keys.triggered.connect(lambda _c=False: errors.present(ShortcutsDialog(window)))
    menu.addAction(guide)
    menu.addAction(keys)
    menu.addSeparator()
    menu.addAction("打开数据文件夹", lambda: open_in_system(config.data_dir()))
    menu.addAction("打开日志文件夹", lambda: open_in_system(config.log_dir()))
    menu.addSeparator()
    menu.addAction("关于清收工作台(&A)", lambda: show_about(window))


def show_guide(window: QWidget) -> GuideDialog:
    """Show (or bring back) the one 使用说明 window."""
    dialog = window.findChild(GuideDialog, "guideDialog")
    if dialog is None:
        dialog = GuideDialog(window)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def show_about(parent: QWidget) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, "关于清收工作台",
                      f"<h3>清收工作台 {__version__}</h3>"
                      "<p>乡镇不良贷款清收的离线工作程序。按 F1 看使用说明。</p>"
                      f"<p>数据文件夹：{config.data_dir()}<br>日志：{errors.log_path()}</p>",
                      QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    errors.present(box)
