"""Building ledger workbooks for the import tests: the faults real ledgers have, made on purpose."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from tests.workbooks import write_workbook

# A copy of the product's shared sample (shared/samples/ledger-sample), kept with the tests.
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "ledger-sample"

@pytest.fixture
def write_xlsx(tmp_path) -> Callable[..., Path]:
    """write_xlsx({"柳林镇": rows, ...}, merges={"柳林镇": ["A1:P1"]}, name="x.xlsx") -> path."""
    def make(sheets: dict[str, list[list]], *, merges: dict[str, list[str]] | None = None,
             name: str = "ledger.xlsx", hidden: tuple[str, ...] = ()) -> Path:
        return write_workbook(tmp_path / name, sheets, merges=merges, hidden=hidden)

    return make


@pytest.fixture
def write_xls(tmp_path) -> Callable[..., Path]:
    """The same for the old .xls format (xlwt, a test-only dependency)."""
    xlwt = pytest.importorskip("xlwt")
    from datetime import date

    def make(sheets: dict[str, list[list]], *, merges: dict[str, list[tuple[int, int, int, int]]] | None = None,
             name: str = "ledger.xls") -> Path:
        wb = xlwt.Workbook(encoding="utf-8")
        date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
        for title, rows in sheets.items():
            ws = wb.add_sheet(title)
            merged = {(r0, c0) for r0, _r1, c0, _c1 in (merges or {}).get(title, [])}
            for r0, r1, c0, c1 in (merges or {}).get(title, []):
                ws.write_merge(r0, r1, c0, c1, rows[r0][c0])
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if (r, c) in merged or value in ("", None):
                        continue
                    if isinstance(value, date):
                        ws.write(r, c, value, date_style)
                    else:
                        ws.write(r, c, value)
        path = tmp_path / name
        wb.save(str(path))
        return path

    return make


@pytest.fixture
def sample_dir() -> Path:
    return SAMPLE_DIR
