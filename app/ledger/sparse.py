"""Reading a sheet that calamine cannot be given whole: a few cells far from the table (a
keystroke at GR1048576) are left out and named, the table itself is read with openpyxl
(.xlsx) or xlrd (.xls), which hold only the cells there are.

Used only for such sheets and for sheets on which calamine fails (a date cell beyond
Excel's range), so it may be slower than calamine.  Values come out as calamine gives
them: ``""`` for an empty cell, numbers as ``float``, dates at midnight as ``date``.
"""
from __future__ import annotations

import logging
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from app.domain.errors import InputError
from app.ledger.extent import Cells, column_number, scan_xlsx_cells

log = logging.getLogger(__name__)

# Cells this far below or to the right of the rest (empty rows / columns between) are
# strays when there are only a few of them; more than STRAY_CELLS of them are a table.
ROW_GAP = 1_000
COL_GAP = 30
STRAY_CELLS = 100
# The most cells a sheet may have (rows × columns of its table): 8,000,000 is a ledger of
# 200,000 loans in 40 columns.
MAX_CELLS = 8_000_000


@dataclass
class Block:
    rows: int                 # the table's last row and column (1-based)
    cols: int
    strays: list[str] = field(default_factory=list)   # where the cells left out are (GR1048576)
    stray_count: int = 0


def _last_before_gap(used: list[int], gap: int) -> int:
    last = used[0]
    for n in used[1:]:
        if n - last > gap:
            break
        last = n
    return last


def block_of(cells: Cells) -> Block:
    """The table's block: rows and columns up to the first wide gap, unless what lies past
    the gap is more than a few cells."""
    if not cells.rows:
        return Block(0, 0)
    rows, cols = sorted(cells.rows), sorted(cells.cols)
    last_row, last_col = _last_before_gap(rows, ROW_GAP), _last_before_gap(cols, COL_GAP)
    far = {(r, c) for r in rows if r > last_row for c in cells.rows[r]}
    far |= {(r, c) for c in cols if c > last_col for r in cells.cols[c]}
    if len(far) > STRAY_CELLS:
        return Block(rows[-1], cols[-1])
    where = [f"{column_letters(c)}{r}" for r, c in sorted(far)[:3]]
    return Block(last_row, last_col, strays=where, stray_count=len(far))


def column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def stray_note(sheet: str, block: Block) -> str | None:
    if not block.stray_count:
        return None
    where = "、".join(block.strays) + ("等" if block.stray_count > len(block.strays) else "")
    return (f"工作表“{sheet}”在表格之外很远的地方还有 {block.stray_count} 个单元格有内容（{where}），没有读取："
            "如果那里没有贷款，可以在Excel中选中后删除（常见于误按了键或整列设置了格式）")


def too_big(sheet: str, rows: int, cols: int) -> InputError:
    return InputError(f"工作表“{sheet}”有 {rows:,} 行 × {cols:,} 列，超出程序一次能读的范围（{MAX_CELLS:,} 个单元格）："
                      "请删除表格以外的内容，或把表格分成几个文件再导入")


def _plain(value: object) -> object:
    """A value as calamine gives it."""
    if value is None:
        return ""
    if type(value) is int:
        return float(value) if abs(value) < 2 ** 53 else value
    if type(value) is datetime and value.time() == datetime.min.time():
        return value.date()
    return value


# openpyxl turns a date cell beyond Excel's range into "#VALUE!" and says which one it was.
_BAD_DATE = re.compile(r"Cell \$?([A-Z]{1,3})\$?(\d{1,7}) is marked as a date but the serial value (\S+) is outside")


def read_xlsx(path: Path, sheet: str, member: str) -> tuple[list[list[object]], list, list[str]]:
    """The sheet's rows (from A1), merged ranges and notes, its stray cells left out."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as z:
        cells = scan_xlsx_cells(z, member)
    block = block_of(cells)
    if block.rows * block.cols > MAX_CELLS:
        raise too_big(sheet, block.rows, block.cols)
    rows: list[list[object]] = []
    note = stray_note(sheet, block)
    try:
        with path.open("rb") as fh, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            wb = load_workbook(fh, read_only=True, data_only=True)
            try:
                ws = wb[sheet]
                if block.rows:
                    for values in ws.iter_rows(min_row=1, max_row=block.rows, max_col=block.cols, values_only=True):
                        rows.append([_plain(v) for v in values])
            finally:
                wb.close()
    except Exception as exc:
        if not block.stray_count:
            raise
        log.warning("openpyxl could not read sheet %r of %s", sheet, path.name, exc_info=True)
        raise InputError(f"无法读取文件 {path.name} 的工作表“{sheet}”：表格之外很远的地方有内容"
                         f"（{'、'.join(block.strays)}），使表格的范围大得读不下；请在Excel中选中那些单元格删除，"
                         "保存后再导入") from exc
    for w in caught:
        m = _BAD_DATE.search(str(w.message))
        if m:   # the number that was in the cell, for the row's warning to show
            r, c = int(m.group(2)) - 1, column_number(m.group(1)) - 1
            if r < len(rows) and c < len(rows[r]):
                rows[r][c] = _number(m.group(3))
    while rows and not any(v != "" for v in rows[-1]):
        rows.pop()
    merged = [m for m in cells.merged if m[0][0] < block.rows and m[0][1] < block.cols]
    return rows, merged, [note] if note else []


def _number(text: str) -> object:
    try:
        return float(text)
    except ValueError:
        return text


def read_xls(path: Path, sheet: str) -> tuple[list[list[object]], list, list[str]]:
    """The same for an .xls sheet (with xlrd)."""
    import xlrd

    data = path.read_bytes()
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True,
                                  formatting_info=True, logfile=_Quiet())
    except Exception:   # some files xlrd reads only without their formatting
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True, logfile=_Quiet())
    try:
        sh = book.sheet_by_name(sheet)
        cells = Cells()
        for r in range(sh.nrows):
            for c, ctype in enumerate(sh.row_types(r)):
                if ctype not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    cells.add(r + 1, c + 1)
        block = block_of(cells)
        if block.rows * block.cols > MAX_CELLS:
            raise too_big(sheet, block.rows, block.cols)
        rows = [[_xls_value(book, ctype, value) for ctype, value in
                 zip(sh.row_types(r)[:block.cols], sh.row_values(r)[:block.cols])] for r in range(block.rows)]
        merged = [((r0, c0), (r1 - 1, c1 - 1)) for r0, r1, c0, c1 in getattr(sh, "merged_cells", [])
                  if r0 < block.rows and c0 < block.cols]
    finally:
        book.release_resources()
    note = stray_note(sheet, block)
    return rows, merged, [note] if note else []


def _xls_value(book, ctype: int, value: object) -> object:
    import xlrd

    if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if ctype == xlrd.XL_CELL_DATE:
        try:
            return _plain(xlrd.xldate.xldate_as_datetime(value, book.datemode))
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return value   # beyond Excel's dates: the number, for the row's warning
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERR")
    return value


class _Quiet:
    def write(self, _text) -> None:
        pass
