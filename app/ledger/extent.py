"""How far a worksheet reaches, found before any reader builds it in memory.

calamine builds a sheet as one rectangle up to its last used row and column: one cell typed
at GR1048576 (Ctrl+End and a keystroke) makes it allocate 1,048,576 × 200 cells (6.7 GB)
and the process aborts.  So the extent is read first, cheaply:

* .xlsx / .xlsm: a sheet of up to ``SCAN_ALWAYS`` bytes of XML (some 10,000 loans) is
  scanned for the rows and columns it uses (:func:`scan_xlsx_extent`, ~0.5 s per 100 MB
  of XML).  A larger one gives its ``<dimension ref="A1:Q100012"/>``, which Excel and WPS
  always write; when that is missing (files written by programs), says a lone ``A1`` over
  a big sheet, or is large, the sheet is scanned too.
* .xls: the DIMENSIONS record of the sheet's BIFF stream.
* .xlsb: the BrtWsDim record of the sheet's binary part.
* .ods: a pass over ``content.xml`` that adds up its repeated rows and cells (.ods files
  are rare and small; nothing cheaper tells).

:func:`scan_xlsx_cells` then tells, for a sheet too large to read whole, which rows and
columns hold values, so that a few cells far away from the table can be left out.
"""
from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_HEAD = 1 << 16            # bytes of a sheet's XML read for its <dimension>
SCAN_ALWAYS = 8 << 20      # a sheet's XML up to this size is scanned even with a <dimension> (~0.05 s)
_CHUNK = 1 << 22


@dataclass(frozen=True)
class Extent:
    """The rows and columns a sheet may use, counted from A1 (as the reader pads them)."""

    rows: int
    cols: int
    how: str = "dimension"   # dimension | scan

    @property
    def cells(self) -> int:
        return self.rows * self.cols


def file_kind(path: Path) -> str:
    """``xlsx`` / ``xlsb`` / ``ods`` (a zip), ``xls`` (an OLE file) or ``other``, by content:
    a workbook saved under the wrong suffix is what it is."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        return "xls"
    if not head.startswith(ZIP_MAGIC):
        return "other"
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "content.xml" in names and "mimetype" in names:
                return "ods"
            return "xlsb" if any(n.endswith(".bin") and "worksheets/" in n for n in names) else "xlsx"
    except (zipfile.BadZipFile, OSError, ValueError):
        return "other"


# ---------------------------------------------------------------------------- xlsx / xlsb parts

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id → target part (a path inside the zip) of ``part``."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    out = {}
    root = ElementTree.fromstring(z.read(rels_name))
    for rel in root:
        target, rid = rel.get("Target"), rel.get("Id")
        if not target or not rid or rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rid] = path
    return out


def sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip member holding the sheet (.xlsx: XML, .xlsb: binary)."""
    book = next((t for t in _rels(z, "").values() if t.endswith(("workbook.xml", "workbook.bin"))), None)
    book = book or ("xl/workbook.bin" if "xl/workbook.bin" in z.namelist() else "xl/workbook.xml")
    targets = _rels(z, book)
    if book.endswith(".bin"):
        return {name: targets[rid] for name, rid in _xlsb_sheets(z.read(book)) if rid in targets}
    out = {}
    for el in ElementTree.fromstring(z.read(book)).iter():
        if _local(el.tag) == "sheet":
            name, rid = el.get("name"), _attr(el, "id")
            if name is not None and rid in targets:
                out[name] = targets[rid]
    return out


# ---------------------------------------------------------------------------- xlsx

_DIMENSION = re.compile(rb'<(?:\w{1,16}:)?dimension\s+ref="\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?"')
_ROOT_PREFIX = re.compile(rb'<(\w{1,16}:)?worksheet[\s>]')
# A cell with something inside (a value, an inline string or a formula), for the full scan.
_FULL_CELL = re.compile(rb'<(?:\w{1,16}:)?c\s[^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*(?<!/)>(?!</(?:\w{1,16}:)?c>)')


def column_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


def xlsx_extent(z: zipfile.ZipFile, member: str, *, trust_up_to: int) -> Extent:
    """The sheet's extent: its ``<dimension>`` when that is present, believable and at most
    ``trust_up_to`` cells; otherwise what a scan of its XML finds."""
    info = z.getinfo(member)
    if info.file_size <= SCAN_ALWAYS:   # cheap to be sure of: no writer's word is taken
        return scan_xlsx_extent(z, member)
    with z.open(member) as fh:
        head = fh.read(_HEAD)
    m = _DIMENSION.search(head[: head.find(b"<sheetData") if b"<sheetData" in head else None])
    if m:
        last_col, last_row = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
        dim = Extent(int(last_row), column_number(last_col))
        # A dimension of a few cells over megabytes of XML is not the sheet's (some writers
        # always say A1); one that is large may count formatted empty cells: scan those.
        if dim.cells <= trust_up_to and info.file_size <= _HEAD + dim.cells * 2048:
            return dim
    return scan_xlsx_extent(z, member)


def _chunks(z: zipfile.ZipFile, member: str):
    """The member's bytes in pieces that end just before a ``<`` (no tag is cut in two)."""
    with z.open(member) as fh:
        tail = b""
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                if tail:
                    yield tail
                return
            buf = tail + chunk
            cut = buf.rfind(b"<")
            if cut <= 0:
                tail = buf
                continue
            yield buf[:cut]
            tail = buf[cut:]


def scan_xlsx_extent(z: zipfile.ZipFile, member: str) -> Extent:
    """The last row and the widest column of the sheet, by a quick scan of its XML.

    Rows and the cells of a row come in ascending order (ECMA-376 requires it; Excel
    refuses a file otherwise), so the last row is the last one with cells; what is looked for
    cell by cell is only a column of two or three letters (AA and beyond) — up to Z,
    26 columns are counted for every sheet.  Empty formatted cells count too: the extent
    is never under-estimated for a file that keeps to the standard."""
    prefix = b""
    row_re = wide_re = None
    last_row, last_col = 0, 26
    for n, part in enumerate(_chunks(z, member)):
        if n == 0:
            m = _ROOT_PREFIX.search(part)
            prefix = (m.group(1) or b"") if m else b""
            row_re = re.compile(b"<" + re.escape(prefix) + rb'row\s[^>]*?\br="(\d{1,7})"')
            wide_re = re.compile(b"<" + re.escape(prefix) + rb'c r="([A-Z]{2,3})\d')
        at = part.rfind(b"<" + prefix + b"row ")
        while at >= 0:   # the last row element that is not empty (<row r="9" ht="20"/> holds nothing)
            m = row_re.match(part, at)
            if m and part[part.index(b">", at) - 1] != 0x2F:   # not "/>"
                last_row = max(last_row, int(m.group(1)))
                break
            at = part.rfind(b"<" + prefix + b"row ", 0, at)
        if wide_re.search(part):
            last_col = max(last_col, max(column_number(c) for c in set(wide_re.findall(part))))
    return Extent(last_row, last_col, how="scan")


@dataclass
class Cells:
    """Where a sheet holds values: for each row its columns, for each column its rows
    (1-based), each list kept to its first ``KEEP`` entries, and the merged ranges."""

    rows: dict[int, list[int]] = field(default_factory=dict)
    cols: dict[int, list[int]] = field(default_factory=dict)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    KEEP = 128

    def add(self, row: int, col: int) -> None:
        cols = self.rows.get(row)
        if cols is None:
            self.rows[row] = [col]
        elif len(cols) < self.KEEP:
            cols.append(col)
        rows = self.cols.get(col)
        if rows is None:
            self.cols[col] = [row]
        elif len(rows) < self.KEEP:
            rows.append(row)


_MERGE = re.compile(rb'<(?:\w{1,16}:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')


def scan_xlsx_cells(z: zipfile.ZipFile, member: str) -> Cells:
    """Every cell with something in it, and the merged ranges (0-based, as calamine gives them)."""
    out = Cells()
    add = out.add
    letters: dict[bytes, int] = {}
    for part in _chunks(z, member):
        for col_text, row_text in _FULL_CELL.findall(part):
            col = letters.get(col_text)
            if col is None:
                col = letters[col_text] = column_number(col_text)
            add(int(row_text), col)
        for c0, r0, c1, r1 in _MERGE.findall(part):
            out.merged.append(((int(r0) - 1, column_number(c0) - 1), (int(r1) - 1, column_number(c1) - 1)))
    return out


# ---------------------------------------------------------------------------- xlsb

def _varint(data: bytes, pos: int, limit: int) -> tuple[int, int]:
    value = shift = 0
    for _ in range(limit):
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value, pos


def _xlsb_records(data: bytes):
    pos = 0
    while pos + 2 <= len(data):
        rtype, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4)
        yield rtype, data[pos:pos + size]
        pos += size


def _wide_string(data: bytes, pos: int) -> tuple[str, int]:
    (n,) = struct.unpack_from("<I", data, pos)
    pos += 4
    return data[pos:pos + 2 * n].decode("utf-16-le", "replace"), pos + 2 * n


def _xlsb_sheets(book: bytes):
    for rtype, body in _xlsb_records(book):
        if rtype == 0x9C:     # BrtBundleSh: state, tab id, relationship id, name
            rid, pos = _wide_string(body, 8)
            name, _ = _wide_string(body, pos)
            yield name, rid


def xlsb_extent(z: zipfile.ZipFile, member: str) -> Extent | None:
    with z.open(member) as fh:
        head = fh.read(_HEAD)
    for rtype, body in _xlsb_records(head):
        if rtype == 0x94 and len(body) >= 16:   # BrtWsDim: first row, last row, first col, last col
            _r0, r1, _c0, c1 = struct.unpack_from("<IIII", body)
            return Extent(r1 + 1, c1 + 1)
        if rtype == 0x91:   # BrtBeginSheetData: no dimension before the cells
            break
    return None


# ---------------------------------------------------------------------------- xls

def xls_extents(path: Path) -> dict[str, Extent]:
    """Sheet name → the extent its DIMENSIONS record gives (BIFF8 and BIFF5)."""
    from xlrd.compdoc import CompDoc

    mem = path.read_bytes()
    doc = CompDoc(mem, logfile=_Quiet())
    stream = doc.get_named_stream("Workbook") or doc.get_named_stream("Book")
    if not stream:
        return {}
    sheets: list[tuple[str, int]] = []
    biff8 = True
    for rtype, body in _biff_records(stream, 0):
        if rtype == 0x0809 and len(body) >= 2:      # BOF
            biff8 = struct.unpack_from("<H", body)[0] == 0x0600
        elif rtype == 0x0085 and len(body) >= 8:    # BOUNDSHEET: offset, state, type, name
            offset = struct.unpack_from("<I", body)[0]
            sheets.append((_biff_name(body[6:], biff8), offset))
        elif rtype == 0x000A:                       # EOF of the workbook globals
            break
    out = {}
    for name, offset in sheets:
        for rtype, body in _biff_records(stream, offset):
            if rtype == 0x0200:                     # DIMENSIONS
                if len(body) >= 14:
                    _r0, r1, _c0, c1 = struct.unpack_from("<IIHH", body)
                else:
                    _r0, r1, _c0, c1 = struct.unpack_from("<HHHH", body)
                out[name] = Extent(r1, c1)
                break
            if rtype in (0x000A, 0x0208, 0x0203, 0x0204, 0x00FD, 0x027E, 0x0006):   # cells began
                break
    return out


class _Quiet:
    def write(self, _text) -> None:
        pass


def _biff_records(stream: bytes, pos: int):
    n = len(stream)
    while pos + 4 <= n:
        rtype, size = struct.unpack_from("<HH", stream, pos)
        yield rtype, stream[pos + 4:pos + 4 + size]
        pos += 4 + size


def _biff_name(body: bytes, biff8: bool) -> str:
    if not body:
        return ""
    count = body[0]
    if not biff8:
        return body[1:1 + count].decode("cp936", "replace")
    wide = len(body) > 1 and body[1] & 1
    raw = body[2:2 + count * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace")


# ---------------------------------------------------------------------------- ods

_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def ods_extents(path: Path) -> dict[str, Extent]:
    """Sheet name → the last row and column holding a value, repeats added up."""
    t, o = "{%s}" % _ODS_TABLE, "{%s}" % _ODS_OFFICE
    out: dict[str, Extent] = {}
    name, row, last_row, last_col, col, row_has = None, 0, 0, 0, 0, False
    with zipfile.ZipFile(path) as z, z.open("content.xml") as fh:
        for event, el in ElementTree.iterparse(fh, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == t + "table":
                    name, row, last_row, last_col = el.get(t + "name", ""), 0, 0, 0
                elif tag == t + "table-row":
                    col, row_has = 0, False
                continue
            if tag in (t + "table-cell", t + "covered-table-cell"):
                repeat = int(el.get(t + "number-columns-repeated", "1") or 1)
                if el.get(o + "value-type") or len(el):
                    last_col = max(last_col, col + repeat)
                    row_has = True
                col += repeat
                el.clear()
            elif tag == t + "table-row":
                repeat = int(el.get(t + "number-rows-repeated", "1") or 1)
                if row_has:
                    last_row = row + repeat
                row += repeat
                el.clear()
            elif tag == t + "table":
                out[name or ""] = Extent(last_row, last_col)
                el.clear()
    return out
