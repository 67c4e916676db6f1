"""What the small recording dialogs share (visit, repayment, stage): the write runs in the
background on the write queue; a refusal is shown in red inside the dialog, which stays open;
after a write every page of the window shows the new figures."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QWidget

from app.db.session import Database
from app.domain.errors import UserError
from app.ui import errors
from app.ui.pages.base import notify_written
from app.ui.tasks import run_in_background
from app.ui.widgets.fields import FieldNote


class WriteDialog(QDialog):
    saved = Signal(object)     # the service's result, after the write

    def __init__(self, parent: QWidget | None, db: Database, title: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.db = db
        self.busy = False
        self.error = FieldNote(object_name="dialogError")
        self.done_note = QLabel("")
        self.done_note.setObjectName("doneNote")
        self.done_note.setStyleSheet("color: #1e8449;")
        self.done_note.setWordWrap(True)
        self.done_note.setVisible(False)
        self._buttons: list[QPushButton] = []

    def write(self, fn: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        """Run ``fn`` (a service call) on the write queue; ``on_done(result)`` after it worked."""
        if self.busy:
            return
        self.busy = True
        self.error.show_message(None)
        for b in self._buttons:
            b.setEnabled(False)

        def done(result) -> None:
            self._idle()
            self.saved.emit(result)
            owner = self.parentWidget()
            if owner is not None:
                notify_written(owner)
            on_done(result)

        def failed(exc: BaseException) -> None:
            self._idle()
            if isinstance(exc, UserError):
                self.error.show_message(str(exc))
            else:
                errors.show_error(self, exc)

        run_in_background(self, lambda ctx: fn(), on_success=done, on_failure=failed, write=True)

    def _idle(self) -> None:
        self.busy = False
        for b in self._buttons:
            b.setEnabled(True)
        self.update_buttons()

    def update_buttons(self) -> None:
        """Subclasses disable their save button while the form cannot be saved."""

    def refuse(self, message: str, field: QWidget | None = None) -> None:
        self.error.show_message(message)
        if field is not None:
            field.setFocus()
