"""First run: no database yet.  Make the district's, open the demo, or open a file."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import config
from app.ui import dbfiles
from app.ui.tasks import run_in_background
from app.ui.widgets.common import STYLE_SHEET, scaled_font

DB_FILTER = "清收工作台数据库 (*.db);;所有文件 (*)"


class WelcomeDialog(QDialog):
    """``chosen_path`` holds the set-up database to open once the dialog is accepted."""

    def __init__(self, new_db_path: Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("welcomeDialog")
        self.setWindowTitle("欢迎使用清收工作台")
        self.new_db_path = Path(new_db_path or config.default_db_path())
        self.chosen_path: Path | None = None

        title = QLabel("欢迎使用清收工作台")
        title.setFont(scaled_font(self, 1.6, bold=True))
        intro = QLabel("本机还没有清收数据库。请选择从哪里开始：")
        intro.setObjectName("muted")

        self.new_button = QCommandLinkButton(
            "新建区县数据库", "区县清收办第一次使用：建立本区县的数据库，之后导入银行台账、给各乡镇下发任务。")
        self.new_button.setObjectName("newDistrict")
        self.new_button.clicked.connect(self.create_district)
        self.demo_button = QCommandLinkButton(
            "打开演示数据", "用一份虚构的示范数据（约 2000 户）熟悉程序，不影响正式数据。")
        self.demo_button.setObjectName("openDemo")
        self.demo_button.clicked.connect(self.open_demo)
        self.open_button = QCommandLinkButton(
            "打开已有数据库…", "打开以前建立的、或从别的电脑拷来的数据库文件（.db）。")
        self.open_button.setObjectName("openExisting")
        self.open_button.clicked.connect(self.open_existing)

        hint = QLabel("乡镇的电脑：请用区里下发的任务包建立数据库（此功能即将推出）。")
        hint.setObjectName("muted")
        hint.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(8)
        for button in (self.new_button, self.demo_button, self.open_button):
            layout.addWidget(button)
        layout.addSpacing(8)
        layout.addWidget(hint)
        self.setMinimumWidth(640)
        self.setStyleSheet(STYLE_SHEET)

    # -- questions (tests replace these) -------------------------------------------------
    def ask_unit_name(self) -> str | None:
        name, ok = QInputDialog.getText(self, "新建区县数据库", "本单位名称（例如：某某区清收办）：",
                                        QLineEdit.EchoMode.Normal, "")
        return name.strip() if ok and name.strip() else None

    def ask_open_path(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, "打开数据库", str(config.data_dir()), DB_FILTER)
        return Path(name) if name else None

    # -- actions -------------------------------------------------------------------------
    def _busy(self, busy: bool) -> None:
        for button in (self.new_button, self.demo_button, self.open_button):
            button.setEnabled(not busy)

    def _chosen(self, path: Path) -> None:
        self._busy(False)
        self.chosen_path = Path(path)
        self.accept()

    def _run(self, fn, label: str) -> None:
        from app.ui import errors

        def failed(exc: BaseException) -> None:
            self._busy(False)
            errors.show_error(self, exc)

        self._busy(True)
        run_in_background(self, fn, on_success=self._chosen, on_failure=failed,
                          progress_label=label, write=True)

    def create_district(self) -> None:
        name = self.ask_unit_name()
        if not name:
            return
        target = self.new_db_path
        self._run(lambda ctx: dbfiles.create_district(target, name), "正在新建数据库……")

    def open_demo(self) -> None:
        target = config.data_dir() / dbfiles.DEMO_FILE
        self._run(lambda ctx: dbfiles.ensure_demo(target), "正在生成演示数据，大约需要十几秒……")

    def open_existing(self) -> None:
        path = self.ask_open_path()
        if path is None:
            return

        def check(ctx) -> Path:
            dbfiles.open_existing(path).dispose()
            return path

        self._run(check, "正在打开数据库……")
