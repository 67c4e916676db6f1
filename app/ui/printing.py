"""Printed forms from the window: the PDF is written in the background into the data folder's
``forms/`` and its pages drawn at printing resolution, then the print preview opens
(``app.ui.print_preview``: 打印 → the system's print dialog; 另存为PDF…; 用PDF阅读器打开).

An agreement becomes 已打印 only once it was sent to the printer or saved as PDF, never by the
preview alone (``agreement_forms.record_printed``; a 草稿 stays a draft).  Without QtPdf (the
PySide6-Addons missing from an installation) the small :class:`PdfReadyDialog` offers the file
for the computer's PDF reader instead.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app import config
from app.db.session import Database
from app.domain.errors import UserError
from app.services.agreements import forms as agreement_forms
from app.services.agreements.forms import KINDS, PdfResult
from app.ui import errors, print_preview
from app.ui.actor import actor
from app.ui.tasks import Task, run_in_background

FORMS_FOLDER = "forms"
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def forms_dir() -> Path:
    path = config.data_dir() / FORMS_FOLDER
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class FormFile:
    """A form written for an agreement: where, and what it is (for the dialog's words)."""

    result: PdfResult
    path: Path
    title: str          # 还款协议书 …
    label: str          # XY-2026-00001（第1版）许春梅
    pages: list = field(default_factory=list)   # QImage per page, for the print preview
    printed: bool = False                       # sent to the printer or saved (this time)


def form_name(kind: str, number: str, version: int, household: str, receipt_no: str | None = None) -> str:
    what = f"{receipt_no}" if kind == "receipt" and receipt_no else f"{number}-第{version}版"
    return _UNSAFE.sub("_", f"{KINDS[kind]}-{what}-{household}") + ".pdf"


def _free_path(path: Path) -> Path:
    """``path``, or ``name (2).pdf`` … when the old file cannot be replaced (open in a reader)."""
    candidate, n = path, 1
    while candidate.exists():
        try:
            candidate.unlink()
            return candidate
        except OSError:
            n += 1
            candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
    return candidate


def write_form(db: Database, agreement_id: str, kind: str, *, number: str, version: int, household: str,
               receipt_no: str | None = None, folder: Path | None = None, who: str | None = None,
               pages: bool = False) -> FormFile:
    """Write the form (runs in a worker), and with ``pages`` draw its pages for the preview.
    Nothing is marked printed here (:func:`record_printed`)."""
    if kind == "receipt" and receipt_no is None:
        receipt_no = agreement_forms.latest_receipt_no(db, agreement_id)
    path = _free_path((folder or forms_dir()) / form_name(kind, number, version, household, receipt_no))
    result = agreement_forms.write_pdf(db, agreement_id, path, kind, receipt_no=receipt_no,
                                       actor=who or actor(), mark=False)
    label = f"{number}（第{version}版）{household}" if kind != "receipt" else f"凭证号 {receipt_no}，{household}"
    return FormFile(result, path, KINDS[kind], label, print_preview.render_pages(path) if pages else [])


def record_printed(parent: QWidget, db: Database, form: FormFile, on_done: Callable[[FormFile], None] | None) -> None:
    """The form was printed or saved: an agreement drafted for signing becomes 已打印."""
    form.printed = True
    if form.result.kind != "agreement":
        if on_done is not None:
            on_done(form)
        return
    who = actor()
    run_in_background(parent, lambda ctx: agreement_forms.record_printed(db, form.result.agreement_id, who),
                      on_success=lambda _changed: on_done(form) if on_done is not None else None, write=True)


def make_form(parent: QWidget, db: Database, agreement_id: str, kind: str, *, number: str, version: int,
              household: str, receipt_no: str | None = None,
              on_done: Callable[[FormFile], None] | None = None) -> Task:
    """Write the form in the background, then show its print preview (:func:`show_preview`).
    ``on_done(form)`` after it was printed or saved."""
    preview = print_preview.available()
    who = actor()

    def done(form: FormFile) -> None:
        if preview:
            show_preview(parent, db, form, on_done)
        else:
            record_printed(parent, db, form, on_done)
            errors.present(PdfReadyDialog(form, parent))

    return run_in_background(
        parent, lambda ctx: write_form(db, agreement_id, kind, number=number, version=version, household=household,
                                       receipt_no=receipt_no, who=who, pages=preview),
        on_success=done, progress_label=f"正在生成{KINDS[kind]}……")


def show_preview(parent: QWidget, db: Database, form: FormFile,
                 on_done: Callable[[FormFile], None] | None = None) -> print_preview.PrintPreview:
    """The print preview of ``form`` (window-modal, not blocking); kept as ``parent.print_dialog``."""
    dialog: print_preview.PrintPreview

    def save() -> None:
        target = ask_save_path(dialog, form.path)
        if target is None:
            return

        def saved(path: Path) -> None:
            PdfReadyDialog.last_folder = path.parent
            dialog.setWindowTitle(f"打印预览 — {form.title}（已另存为 {path.name}）")
            record_printed(parent, db, form, on_done)

        run_in_background(dialog, lambda ctx: copy_file(form.path, target), on_success=saved,
                          on_failure=lambda exc: errors.show_error(dialog, exc))

    def open_in_reader() -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(form.path))):
            errors.warn_user(dialog, "这台电脑上没有找到能打开PDF的程序。请直接点“打印”，或“另存为PDF…”。")

    dialog = print_preview.PrintPreview(f"{form.title} {form.label}", form.pages, parent,
                                        on_save=save, on_open=open_in_reader)
    dialog.accepted.connect(lambda: record_printed(parent, db, form, on_done))
    dialog.finished.connect(lambda _r: dialog.deleteLater())
    parent.print_dialog = dialog
    dialog.open()
    return dialog


def ask_save_path(parent: QWidget, source: Path) -> Path | None:
    """Where to save a copy of the PDF (the folder used last time, else the home folder)."""
    start = (PdfReadyDialog.last_folder or Path.home()) / source.name
    name, _ = QFileDialog.getSaveFileName(parent, "另存为PDF", str(start), "PDF 文件 (*.pdf)")
    if not name:
        return None
    return Path(name) if name.lower().endswith(".pdf") else Path(name + ".pdf")


class PdfReadyDialog(QDialog):
    """Without QtPdf: the form is ready; open it to print, save a copy, or show the folder."""

    last_folder: Path | None = None   # where the user last saved a copy (this session)

    def __init__(self, form: FormFile, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pdfReadyDialog")
        self.setWindowTitle(f"{form.title}已生成")
        self.form = form
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon).pixmap(36, 36))
        head = QLabel(f"<b>{form.title}</b>（{form.label}）已生成。<br>"
                      "点“打开PDF”，用电脑上的PDF阅读器打开，在阅读器里按 Ctrl+P 打印。")
        head.setWordWrap(True)
        self.where = QLabel(f"文件：{form.path}")
        self.where.setObjectName("muted")
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.open_button = QPushButton("打开PDF")
        self.open_button.setObjectName("openPdf")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_pdf)
        self.save_button = QPushButton("另存为…")
        self.save_button.setObjectName("savePdf")
        self.save_button.clicked.connect(self.save_as)
        folder = QPushButton("打开所在文件夹")
        folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(form.path.parent))))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        for b in (self.open_button, self.save_button, folder):
            buttons.addButton(b, QDialogButtonBox.ButtonRole.ActionRole)

        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(head, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.where)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def open_pdf(self) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.form.path))):
            errors.warn_user(self, "这台电脑上没有找到能打开PDF的程序。请点“另存为…”把文件复制出来，"
                                   "在装有PDF阅读器（如WPS）的电脑上打印。")
            return
        self.accept()

    def save_as(self) -> None:
        target = ask_save_path(self, self.form.path)
        if target is None:
            return
        source = self.form.path
        self.save_button.setEnabled(False)

        def saved(path: Path) -> None:
            type(self).last_folder = path.parent
            self.save_button.setEnabled(True)
            self.where.setText(f"文件：{source}\n已另存为：{path}")

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            errors.show_error(self, exc)

        run_in_background(self, lambda ctx: copy_file(source, target), on_success=saved, on_failure=failed)


def copy_file(source: Path, target: Path) -> Path:
    try:
        return Path(shutil.copyfile(source, target))
    except OSError as exc:
        raise UserError(f"无法保存到 {target}：{exc.strerror or exc}（文件可能正被打开，或没有写入权限）") from exc
