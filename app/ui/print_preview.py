"""Printing a form from the window: a print preview of our PDF's pages, the system's print dialog
(printer, copies, pages), and 另存为PDF… beside it.

The PDF (reportlab, ``app.reports``) is what the command line writes too; QtPdf (from PySide6-Addons)
turns its pages into images at printing resolution, in the background, and the preview
draws them onto the ``QPrinter``.  The paper is A4 with the PDF's own margins (``fullPage``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QAction, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QToolBar, QWidget

PRINT_DPI = 300          # sharp on office laser printers; a page is 2480 × 3508 pixels
_MAX_DPI = 600


def available() -> bool:
    """Whether QtPdf is installed (PySide6-Addons); without it the window offers the PDF file."""
    try:
        from PySide6.QtPdf import QPdfDocument  # noqa: F401
    except ImportError:
        return False
    return True


def render_pages(path: Path, dpi: int = PRINT_DPI) -> list[QImage]:
    """The PDF's pages as images (runs in a worker: a few hundred milliseconds a page)."""
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    try:
        error = document.load(str(path))
        if error != QPdfDocument.Error.None_:
            raise OSError(f"无法读取生成的PDF：{path}（{error.name}）")
        images = []
        for i in range(document.pageCount()):
            points = document.pagePointSize(i)
            size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
            image = document.render(i, size)
            if image.isNull():
                raise OSError(f"无法绘制PDF的第 {i + 1} 页：{path}")
            images.append(image)
        return images
    finally:
        document.close()


def paint_pages(printer: QPrinter, images: list[QImage]) -> None:
    """Draw each page image onto a page of ``printer``, filling the paper (aspect kept)."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("打印机无法开始打印")
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)   # the preview scales the pages down
    try:
        for n, image in enumerate(images):
            if n:
                printer.newPage()
            paper = printer.paperRect(QPrinter.Unit.DevicePixel)
            target = QSizeF(image.size()).scaled(paper.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = (paper.width() - target.width()) / 2
            y = (paper.height() - target.height()) / 2
            painter.drawImage(QRectF(x, y, target.width(), target.height()), image)
    finally:
        painter.end()


def a4_printer(title: str) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                      QMarginsF(0, 0, 0, 0)))
    if printer.resolution() > _MAX_DPI:
        printer.setResolution(_MAX_DPI)
    return printer


class PrintPreview(QPrintPreviewDialog):
    """The form as it will print.  ``accepted`` once it was sent to the printer; the extra tool
    buttons save a copy as PDF (``saved``) or open the file in the computer's PDF reader."""

    def __init__(self, title: str, images: list[QImage], parent: QWidget | None = None, *,
                 on_save: Callable[[], None] | None = None, on_open: Callable[[], None] | None = None):
        self.images = images
        self._printer = a4_printer(title)     # the dialog does not own it: kept alive here
        super().__init__(self._printer, parent)
        self.setObjectName("printPreview")
        self.setWindowTitle(f"打印预览 — {title}")
        self.paintRequested.connect(lambda printer: paint_pages(printer, self.images))
        bar = self.findChild(QToolBar)
        self.save_action = QAction("另存为PDF…", self)
        self.save_action.setObjectName("savePdf")
        self.save_action.setToolTip("把这份打印件保存为PDF文件（例如拷到别的电脑上打印）")
        self.open_action = QAction("用PDF阅读器打开", self)
        self.open_action.setObjectName("openPdf")
        self.open_action.setToolTip("用电脑上的PDF阅读器（如WPS）打开这份打印件")
        if on_save is not None:
            self.save_action.triggered.connect(lambda _c=False: on_save())
        if on_open is not None:
            self.open_action.triggered.connect(lambda _c=False: on_open())
        if bar is not None:
            bar.addSeparator()
            for action in (self.save_action, self.open_action):
                bar.addAction(action)
                button = bar.widgetForAction(action)
                if hasattr(button, "setToolButtonStyle"):
                    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.resize(900, 700)

    def print_action(self) -> QAction | None:
        """The preview's own 打印 button (Qt names none of its actions)."""
        bar = self.findChild(QToolBar)
        for action in bar.actions() if bar is not None else []:
            if action.text() in ("Print", "打印"):
                return action
        return None
