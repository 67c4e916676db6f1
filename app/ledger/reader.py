"""Reading workbooks (.xlsx, .xlsm, .xls, .xlsb, .ods) with python-calamine, one sheet at a time.

calamine is ~12× faster than openpyxl and reads the old .xls too.  It hands out whole
numbers as floats (``24.0``), Excel dates as ``date`` and empty cells as ``""``; merged
cells keep their value in the top-left cell only, which is all header detection needs.

calamine is never handed a sheet larger than ``MAX_CELLS`` (it would build the whole
rectangle and abort the process): each sheet's extent is read first (``extent.py``).  A
sheet too large, or one calamine fails on (a date cell beyond Excel's range makes it panic),
is read by ``sparse.py`` instead, which leaves out a few cells far from the table and names
them; what no reader can take is refused with a Chinese reason.  Nothing calamine does can
end the program, and its panic messages go to the log, not to the terminal.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from app.domain.errors import InputError
from app.ledger import sparse
from app.ledger.extent import Extent, file_kind, ods_extents, sheet_parts, xls_extents, xlsb_extent, xlsx_extent
from app.ledger.sparse import MAX_CELLS

log = logging.getLogger(__name__)

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


@dataclass
class RawSheet:
    """One worksheet's cells: ``rows[n - 1]`` is Excel row ``n``, each row starts at column A."""

    name: str
    rows: list[list[object]]
    visible: bool = True
    # Merged ranges as ((first row, first column), (last row, last column)), 0-based from A1.
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # cells left out (far from the table)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def open_workbook(path: Path):
    """The calamine workbook, or ``InputError`` saying in plain words why it cannot be read."""
    from python_calamine import CalamineWorkbook

    if not path.exists():
        raise InputError(f"找不到文件：{path}")
    if path.is_dir():
        raise InputError(f"这是一个文件夹，不是Excel文件：{path}")
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        error = exc
    head = _head(path)
    if head.startswith((_ZIP, _OLE)):   # a workbook under the other suffix (.xlsx saved as .xls)
        try:
            with path.open("rb") as fh:
                return CalamineWorkbook.from_filelike(fh)
        except Exception:
            pass
    raise InputError(f"无法读取文件 {path.name}：{_why_unreadable(path, head)}") from error


_ZIP = b"PK\x03\x04"
_OLE = bytes.fromhex("D0CF11E0A1B11AE1")   # .xls, and also .xlsx files with a password


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(4096)


def _why_unreadable(path: Path, head: bytes) -> str:
    """Why a file calamine cannot open is no ledger, in words a clerk can act on."""
    hint = "" if path.suffix.lower() in EXCEL_SUFFIXES else "（台账应为 .xlsx 或 .xls 文件）"
    if not head:
        return "文件是空的（0 字节），请向银行重新要一份"
    if head.startswith(_OLE) and "EncryptionInfo".encode("utf-16-le") in path.read_bytes():
        return "文件设置了打开密码：请在Excel中打开，取消密码后另存，再导入"
    if head.startswith(_OLE):
        return "文件已损坏，或设置了打开密码：请在Excel中试着打开它；有密码的取消密码后另存，再导入"
    if head.startswith(_ZIP):
        return f"文件已损坏或不完整（可能没有下载或复制完），请向银行重新要一份{hint}"
    sample = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sample.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta")):
        return "这是网页格式的文件，只是扩展名像Excel：请用Excel打开它，“另存为”Excel工作簿（.xlsx）后再导入"
    if b"\0" not in head and (b"," in head or b"\t" in head):
        return "这是文本（CSV）文件，不是Excel文件：请用Excel打开它，“另存为”Excel工作簿（.xlsx）后再导入"
    return f"不是Excel文件，或文件已损坏{hint}"


class Workbook:
    """An open workbook: its sheet names, and its sheets one at a time (so that only one
    sheet's cells are in memory at once)."""

    def __init__(self, path: Path):
        self.path = path
        self._wb = open_workbook(path)
        self.sheet_names: list[str] = list(self._wb.sheet_names)
        self._visible = {m.name: str(getattr(m, "visible", "Visible")).endswith("Visible")
                         for m in getattr(self._wb, "sheets_metadata", [])}
        self._kind = file_kind(path)
        self._extents: dict[str, Extent] | None = None   # .xls / .ods: all sheets at once
        self._parts: dict[str, str] | None = None        # .xlsx / .xlsb: sheet → zip member

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def sheets(self) -> Iterator[RawSheet]:
        for name in self.sheet_names:
            yield self._read(name)   # not kept in a local: the caller frees each sheet when done

    def _read(self, name: str) -> RawSheet:
        visible = self._visible.get(name, True)
        try:
            extent = self.extent(name)
        except Exception:   # a part the probe cannot make out: read the careful way
            log.warning("extent of sheet %r of %s unknown", name, self.path.name, exc_info=True)
            extent = None
        if extent is not None and extent.cells <= MAX_CELLS:
            try:
                rows, merged = self._calamine(name)
                return RawSheet(name=name, rows=rows, visible=visible, merged=merged)
            except _CalamineFailed as exc:
                log.warning("calamine failed on sheet %r of %s; reading it with %s", name, self.path.name,
                            "openpyxl/xlrd", exc_info=exc.__cause__)
        try:
            rows, merged, notes = self._careful(name, extent)
        except InputError:
            if not (self._kind == "xls" and extent is None):
                raise
            # An .xls sheet whose extent could not be read and that xlrd cannot read either:
            # calamine may, and the format bounds it (65,536 × 256 cells at most).
            try:
                rows, merged = self._calamine(name)
            except _CalamineFailed as exc:
                raise InputError(f"无法读取文件 {self.path.name} 的工作表“{name}”：文件可能已损坏") from exc.__cause__
            notes = []
        return RawSheet(name=name, rows=rows, visible=visible, merged=merged, notes=notes)

    def extent(self, name: str) -> Extent | None:
        """How far the sheet reaches (None: unknown)."""
        kind = self._kind
        if kind in ("xlsx", "xlsb"):
            with zipfile.ZipFile(self.path) as z:
                if self._parts is None:
                    self._parts = sheet_parts(z)
                member = self._parts.get(name)
                if member is None:
                    return None
                if kind == "xlsb":
                    return xlsb_extent(z, member)
                return xlsx_extent(z, member, trust_up_to=MAX_CELLS)
        if kind in ("xls", "ods"):
            if self._extents is None:
                self._extents = xls_extents(self.path) if kind == "xls" else ods_extents(self.path)
            return self._extents.get(name)
        return None

    def _calamine(self, name: str):
        try:
            sheet = self._wb.get_sheet_by_name(name)
            # Converting cells to Python is where calamine panics (a date beyond chrono's
            # range); an allocation that fails aborts before, and says so on stderr.
            with _rust_messages_logged():
                rows = _rows_from_a1(sheet)
                try:
                    merged = list(getattr(sheet, "merged_cell_ranges", None) or [])
                except Exception:   # merges only help; a sheet whose merges cannot be read is still read
                    merged = []
        except BaseException as exc:   # a Rust panic is a BaseException
            if isinstance(exc, Exception) or type(exc).__name__ == "PanicException":
                raise _CalamineFailed() from exc
            raise
        return rows, merged

    def _careful(self, name: str, extent: Extent | None):
        """The sheet read without calamine, or ``InputError`` saying why it cannot be."""
        where = f"文件 {self.path.name} 的工作表“{name}”"
        try:
            if self._kind == "xlsx":
                if self._parts is None:
                    with zipfile.ZipFile(self.path) as z:
                        self._parts = sheet_parts(z)
                if name in self._parts:
                    return sparse.read_xlsx(self.path, name, self._parts[name])
            if self._kind == "xls":
                return sparse.read_xls(self.path, name)
        except InputError:
            raise
        except Exception as exc:
            log.warning("could not read sheet %r of %s carefully", name, self.path.name, exc_info=True)
            raise InputError(f"无法读取{where}：文件可能已损坏") from exc
        if extent is not None and extent.cells > MAX_CELLS:
            raise InputError(f"无法读取{where}：表格的范围有 {extent.rows:,} 行 × {extent.cols:,} 列，超出程序一次能读的范围"
                             f"（{MAX_CELLS:,} 个单元格）；请删除表格以外的内容，另存为 .xlsx 后再导入")
        raise InputError(f"无法读取{where}：文件可能已损坏，或有程序读不了的单元格（如超出Excel范围的日期）；"
                         "请在Excel中打开检查，另存为 .xlsx 后再导入")

    def close(self) -> None:
        close = getattr(self._wb, "close", None)
        if close:
            close()


class _CalamineFailed(Exception):
    """calamine could not give a sheet (its exception is the cause)."""


# One redirection of file descriptor 2 at a time, however many threads read workbooks.
_stderr_lock = threading.Lock()
_stderr_state: dict = {"users": 0}


@contextmanager
def _rust_messages_logged():
    """Rust writes a panic's message (and, with RUST_BACKTRACE set, a backtrace of ~60
    lines) straight to file descriptor 2.  While calamine works, that descriptor goes to a
    temporary file; what came meanwhile is then put in the log if it was a panic, and
    passed on to the real stderr otherwise.  Where there is no descriptor 2 (the windowed
    program on Windows), nothing is done."""
    with _stderr_lock:
        state = _stderr_state
        if state["users"] == 0:
            try:
                saved = os.dup(2)
            except OSError:
                saved = None
            if saved is not None:
                tmp = tempfile.TemporaryFile()
                os.dup2(tmp.fileno(), 2)
                state.update(saved=saved, tmp=tmp)
            else:
                state.update(saved=None, tmp=None)
        state["users"] += 1
    try:
        yield
    finally:
        with _stderr_lock:
            state["users"] -= 1
            if state["users"] == 0 and state.get("saved") is not None:
                saved, tmp = state.pop("saved"), state.pop("tmp")
                os.dup2(saved, 2)
                os.close(saved)
                tmp.seek(0)
                said = tmp.read()
                tmp.close()
                if b"panicked at" in said:
                    log.warning("calamine: %s", said.decode("utf-8", "replace").strip())
                elif said:
                    os.write(2, said)


def _rows_from_a1(sheet) -> list[list[object]]:
    """All rows of a calamine sheet, aligned so that index 0 is row 1 and column A."""
    rows = [r if isinstance(r, list) else list(r) for r in sheet.iter_rows()]
    if not rows:
        return rows
    start = getattr(sheet, "start", None) or (0, 0)
    end = getattr(sheet, "end", None)
    # Some calamine versions start at the first used row/column rather than at A1.
    if end is not None and len(rows) < end[0] + 1 and start[0] > 0:
        rows[:0] = [[] for _ in range(start[0])]
    if end is not None and max(len(r) for r in rows) < end[1] + 1 and start[1] > 0:
        pad = [""] * start[1]
        rows = [pad + r for r in rows]
    return rows
