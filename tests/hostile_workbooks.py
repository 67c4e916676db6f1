"""Workbooks that once broke the ledger import, made on purpose: a cell far away from the
table (calamine built the whole rectangle and the process aborted), date cells beyond
Excel's range (calamine panicked), and a seeded generator of such faults for the fuzz
test (``tests/cli/test_cli_ledger_fuzz.py``)."""
from __future__ import annotations

import random
import re
import zipfile
from datetime import date
from pathlib import Path

from app.domain.idcard import check_digit

HEADER = ["借据号", "借款人", "身份证号", "贷款余额", "贷款金额", "发放日期", "到期日期"]


def person_id(n: int, born: str = "19601018") -> str:
    body = f"622421{born}{n % 1000:03d}"
    return body + check_digit(body)


def loan_rows(n: int = 10, *, start: int = 1) -> list[list]:
    """``n`` plain loans in HEADER's order."""
    return [[f"6201001{k:05d}", f"张{k}", person_id(k), 10000.0 + k, 50000.0, date(2015, 3, 5), date(2017, 3, 5)]
            for k in range(start, start + n)]


def write_xlsx(path: Path, rows: list[list], *, sheet: str = "柳林镇", formats: dict[tuple[int, int], str] | None = None,
               title: str | None = None) -> Path:
    """An .xlsx file (openpyxl, which writes a ``<dimension>``); ``formats`` gives number
    formats by (row, column), 1-based."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    for (r, c), fmt in (formats or {}).items():
        ws.cell(row=r, column=c).number_format = fmt
    wb.save(path)
    return path


def patch_sheet(path: Path, *, extra_xml: str = "", dimension: str | None = None, drop_dimension: bool = False,
                member: str = "xl/worksheets/sheet1.xml") -> Path:
    """Rewrite one sheet's XML in place: rows added at the end of ``<sheetData>`` (raw XML),
    its ``<dimension>`` replaced or dropped (as programs that write no dimension leave it)."""
    with zipfile.ZipFile(path) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
    xml = parts[member].decode("utf-8")
    if drop_dimension:
        xml = re.sub(r"<dimension [^>]*/>", "", xml)
    elif dimension:
        xml = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"', xml)
    if extra_xml:
        xml = xml.replace("</sheetData>", extra_xml + "</sheetData>") if "</sheetData>" in xml \
            else xml.replace("<sheetData />", f"<sheetData>{extra_xml}</sheetData>")
    parts[member] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def stray_cell(ref: str, text: str = "x") -> str:
    """A row holding one text cell at ``ref`` (``GR1048576``)."""
    row = re.sub(r"^[A-Z]+", "", ref)
    return f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>'


def write_xls(path: Path, rows: list[list], *, sheet: str = "柳林镇", cells: dict[tuple[int, int], object] | None = None,
              date_cells: dict[tuple[int, int], float] | None = None) -> Path:
    """An .xls file (xlwt); ``cells`` are more values by (row, column), 0-based, and
    ``date_cells`` numbers written with a date format."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(sheet)
    as_date = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for c, h in enumerate(HEADER):
        ws.write(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, date):
                ws.write(r, c, value, as_date)
            elif value not in ("", None):
                ws.write(r, c, value)
    for (r, c), value in (cells or {}).items():
        ws.write(r, c, value)
    for (r, c), value in (date_cells or {}).items():
        ws.write(r, c, value, as_date)
    wb.save(str(path))
    return path


def write_ods(path: Path, extra_rows_xml: str, *, sheet: str = "柳林镇") -> Path:
    """A minimal .ods file: the header, one loan, then ``extra_rows_xml``."""
    def cell(v: object) -> str:
        if isinstance(v, float):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'

    rows = "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>"
                   for r in [HEADER[:4], loan_rows(1)[0][:4]])
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{rows}{extra_rows_xml}'
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return path


# ---------------------------------------------------------------------------- the fuzz generator

_FAR_ROWS = (65_537, 100_000, 500_000, 1_048_576)
_FAR_COLS = ("AD", "BZ", "GR", "IV", "AMJ", "XFD")
_BAD_SERIALS = (-1e15, -9.3e18, -1.0, 0.5, 60.0, 2_958_466.0, 3e6, 1e10, 1e17, 1e300, -693_594.0)
_BAD_NUMBERS = (622421601018092.0, 1e20, -5.0, 1e-9, 99999999999999.99, 6.22421196010181e17, 0.0)
_BAD_TEXT = ("", " ", "#N/A", "=1/0", "１２３４５", "1,2,3", "¥-", "（空）", "x" * 5000, "\u200b", "10万元", "1e5")


def hostile_workbooks(folder: Path, seed: int, count: int) -> list[Path]:
    """``count`` ledgers, each with a few faults drawn with ``random.Random(seed)``: what
    a person, WPS or another program can leave in a file, and worse."""
    rnd = random.Random(seed)
    makers = (_fuzz_xlsx, _fuzz_xlsx, _fuzz_xlsx, _fuzz_xls)
    return [rnd.choice(makers)(folder / f"fuzz-{seed}-{k:03d}", rnd) for k in range(count)]


def _fuzz_rows(rnd: random.Random) -> list[list]:
    rows = loan_rows(rnd.randint(0, 12), start=rnd.randint(1, 500))
    for row in rows:
        if rnd.random() < 0.3:
            col = rnd.randrange(len(HEADER))
            row[col] = rnd.choice(_BAD_NUMBERS + _BAD_TEXT + (True, None))
    return rows


def _fuzz_xlsx(stem: Path, rnd: random.Random) -> Path:
    rows = _fuzz_rows(rnd)
    formats = {}
    for r in range(3, 3 + len(rows)):
        if rnd.random() < 0.25:
            rows[r - 3][5] = rnd.choice(_BAD_SERIALS)
            formats[(r, 6)] = rnd.choice(("yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss", "[h]:mm:ss", "mm:ss", "hh:mm"))
    path = write_xlsx(stem.with_suffix(".xlsx"), rows, formats=formats,
                      title=rnd.choice((None, "XX银行不良贷款清单（单位：万元）", "数据截至：2105年1月1日")))
    extra, kind = "", rnd.random()
    if kind < 0.5:
        extra = "".join(stray_cell(f"{rnd.choice(_FAR_COLS)}{rnd.choice(_FAR_ROWS)}", rnd.choice(("x", "1", "备注")))
                        for _ in range(rnd.randint(1, 3)))
        extra = _sorted_rows(extra)
    elif kind < 0.65:   # a whole far column of values (a fill-down gone too far)
        col = rnd.choice(("H", "Z", "AZ"))
        extra = "".join(f'<row r="{r}"><c r="{col}{r}"><v>0</v></c></row>'
                        for r in range(len(rows) + 3, len(rows) + 3 + rnd.choice((10, 300, 3000))))
    if extra or rnd.random() < 0.3:
        patch_sheet(path, extra_xml=extra, drop_dimension=rnd.random() < 0.5)
    return path


def _sorted_rows(xml: str) -> str:
    rows = re.findall(r'<row r="(\d+)">(.*?)</row>', xml)
    merged: dict[int, str] = {}
    for r, cells in rows:
        merged[int(r)] = merged.get(int(r), "") + cells
    out = []
    for r in sorted(merged):
        cells = re.findall(r'(<c r="([A-Z]+)\d+".*?</c>)', merged[r])
        seen = {}
        for xml_cell, col in cells:
            seen.setdefault(col, xml_cell)
        ordered = sorted(seen.items(), key=lambda kv: (len(kv[0]), kv[0]))
        out.append(f'<row r="{r}">' + "".join(c for _col, c in ordered) + "</row>")
    return "".join(out)


def _fuzz_xls(stem: Path, rnd: random.Random) -> Path:
    rows = _fuzz_rows(rnd)
    rows = [[v if not isinstance(v, str) or len(v) < 1000 else v[:1000] for v in row] for row in rows]
    cells, dates = {}, {}
    if rnd.random() < 0.5:
        cells[(rnd.choice((1000, 30000, 65535)), rnd.choice((30, 100, 255)))] = "x"
    for r in range(1, len(rows) + 1):
        if rnd.random() < 0.25:
            dates[(r, 5)] = rnd.choice(_BAD_SERIALS)
            rows[r - 1][5] = None
    return write_xls(stem.with_suffix(".xls"), rows, cells=cells, date_cells=dates)
