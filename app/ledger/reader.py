"""Reading workbooks (.xlsx, .xlsm, .xls, .xlsb, .ods) with python-calamine, one sheet at a time.

calamine is ~12× faster than openpyxl and reads the old .xls too.  It hands out whole
numbers as floats (``24.0``), Excel dates as ``date`` and empty cells as ``""``; merged
cells keep their value in the top-left cell only, which is all header detection needs.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from app.domain.errors import InputError

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


@dataclass
class RawSheet:
    """One worksheet's cells: ``rows[n - 1]`` is Excel row ``n``, each row starts at column A."""

    name: str
    rows: list[list[object]]
    visible: bool = True
    # Merged ranges as ((first row, first column), (last row, last column)), 0-based from A1.
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

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

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def sheets(self) -> Iterator[RawSheet]:
        for name in self.sheet_names:
            yield self._read(name)   # not kept in a local: the caller frees each sheet when done

    def _read(self, name: str) -> RawSheet:
        try:
            sheet = self._wb.get_sheet_by_name(name)
            rows = _rows_from_a1(sheet)
        except Exception as exc:
            raise InputError(f"无法读取文件 {self.path.name} 的工作表“{name}”：文件可能已损坏") from exc
        try:
            merged = list(getattr(sheet, "merged_cell_ranges", None) or [])
        except Exception:   # merges only help; a sheet whose merges cannot be read is still read
            merged = []
        return RawSheet(name=name, rows=rows, visible=self._visible.get(name, True), merged=merged)

    def close(self) -> None:
        close = getattr(self._wb, "close", None)
        if close:
            close()


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
