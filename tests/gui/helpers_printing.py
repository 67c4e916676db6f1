"""Printing through the print preview, as a user does, onto a PDF file instead of paper."""
from __future__ import annotations

import subprocess
from pathlib import Path

from tests.gui.helpers_window import WAIT_MS


def wait_preview(qtbot, owner):
    """The print preview ``owner`` (a page) opened, once its pages are drawn."""
    from app.ui.print_preview import PrintPreview

    qtbot.waitUntil(lambda: isinstance(getattr(owner, "print_dialog", None), PrintPreview)
                    and owner.print_dialog.isVisible(), timeout=WAIT_MS)
    return owner.print_dialog


def print_to_file(qtbot, preview, out: Path) -> None:
    """Press the preview's 打印, accept the system's print dialog, the printer being a PDF file."""
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QApplication

    printer = preview.printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    seen: list = []

    def accept_print_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QPrintDialog):
            seen.append(dialog)
            dialog.accept()
        else:
            QTimer.singleShot(50, accept_print_dialog)

    QTimer.singleShot(50, accept_print_dialog)
    with qtbot.waitSignal(preview.accepted, timeout=WAIT_MS):
        preview.print_action().trigger()
    assert seen, "the system's print dialog was not shown"
    qtbot.waitUntil(lambda: out.is_file() and out.stat().st_size > 0, timeout=WAIT_MS)


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))
