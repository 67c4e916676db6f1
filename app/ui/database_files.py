"""The 文件 menu's work on database files: make a new district database, open one, back it up,
restore it from a backup (``MainWindow`` has these as its own; each runs its file work in the
background through ``app.ui.tasks``)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox

from app import config
from app.db.session import Database
from app.services.foundation.backup import after_restore_note, backup, restore
from app.ui import dbfiles, errors
from app.ui.dialogs.welcome import DB_FILTER
from app.ui.tasks import run_in_background


class DatabaseFileActions:
    """Mixed into the main window: ``self.db``, ``open_path`` and ``set_database`` are its."""
    def confirm(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Yes).setText("确定")
        box.button(QMessageBox.StandardButton.Cancel).setText("取消")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def new_database(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "新建区县数据库", str(config.data_dir() / "新数据库.db"),
                                              DB_FILTER)
        if not name:
            return
        path = Path(name) if name.lower().endswith(".db") else Path(name + ".db")
        unit, ok = QInputDialog.getText(self, "新建区县数据库", "本单位名称（例如：某某区清收办）：",
                                        QLineEdit.EchoMode.Normal, "")
        if not ok or not unit.strip():
            return
        run_in_background(self, lambda ctx: dbfiles.create_district(path, unit.strip()),
                          on_success=self.open_path, progress_label="正在新建数据库……", write=True)

    def open_database_dialog(self) -> None:
        start = str(Path(self.db.path).parent) if self.db is not None else str(config.data_dir())
        name, _ = QFileDialog.getOpenFileName(self, "打开数据库", start, DB_FILTER)
        if name:
            self.open_path(Path(name))

    def backup_dialog(self) -> None:
        if self.db is None:
            return
        db = self.db
        default = config.backup_dir() / f"{Path(db.path).stem}-备份-{datetime.now():%Y%m%d-%H%M}.db"
        name, _ = QFileDialog.getSaveFileName(self, "备份数据库", str(default), DB_FILTER)
        if not name:
            return
        run_in_background(self, lambda ctx: backup(db, Path(name)),
                          on_success=lambda r: errors.inform(self, f"已备份到：\n{r.path}", "备份完成"),
                          progress_label="正在备份数据库……", write=True)

    def restore_dialog(self) -> None:
        if self.db is None:
            return
        name, _ = QFileDialog.getOpenFileName(self, "从备份恢复", str(config.backup_dir()), DB_FILTER)
        if not name:
            return
        target = Path(self.db.path)
        if not self.confirm("从备份恢复",
                            f"将用备份文件\n{name}\n替换当前数据库\n{target}\n\n"
                            "当前数据库会先自动复制一份到备份文件夹。确定要恢复吗？"):
            return
        self.set_database(None)  # let go of every connection before the file is replaced

        def work(ctx) -> tuple[Database, str | None]:
            restore(target, Path(name))
            return dbfiles.open_existing(target), after_restore_note(target)

        def done(result: tuple[Database, str | None]) -> None:
            db, note = result
            self.set_database(db)
            errors.inform(self, f"已从备份恢复：\n{name}" + (f"\n\n{note}" if note else ""), "恢复完成")

        def failed(exc: BaseException) -> None:
            errors.show_error(self, exc)
            self.open_path(target)

        run_in_background(self, work, on_success=done, on_failure=failed,
                          progress_label="正在从备份恢复……", write=True)
