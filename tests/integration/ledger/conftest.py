"""Building ledger workbooks for the import tests: the faults real ledgers have, made on purpose."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from app.domain.idcard import check_digit

# A copy of the product's shared sample (shared/samples/ledger-sample), kept with the tests.
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "ledger-sample"

HEADER = ["序号", "村(社区)", "组", "借款人姓名", "身份证号码", "联系电话", "借据号", "发放日期", "到期日期",
          "贷款金额(元)", "贷款余额(元)", "欠息(元)", "五级分类", "担保方式", "管户信贷员", "备注"]


def make_id(body17: str) -> str:
    """A valid 18-digit ID number from its first 17 digits."""
    return body17 + check_digit(body17)


def loan_row(n: int, name: str = "张三", idno: str | None = None, loan_no: str | None = None,
             balance: object = 10000, village: str = "李家村", officer: str = "钱明", **extra) -> list:
    """A row in HEADER's order; ``extra`` overrides any column by its header text."""
    idno = idno if idno is not None else make_id(f"62242119601018{n % 1000:03d}")
    row = {"序号": n, "村(社区)": village, "组": "3组", "借款人姓名": name, "身份证号码": idno,
           "联系电话": "13913909960", "借据号": loan_no if loan_no is not None else f"62010010{n:04d}",
           "发放日期": "2015.03.05", "到期日期": "2017-3-5", "贷款金额(元)": 50000, "贷款余额(元)": balance,
           "欠息(元)": 815.15, "五级分类": "可疑", "担保方式": "信用", "管户信贷员": officer, "备注": ""}
    row.update(extra)
    return [row[h] for h in HEADER]


@pytest.fixture
def write_xlsx(tmp_path) -> Callable[..., Path]:
    """write_xlsx({"柳林镇": rows, ...}, merges={"柳林镇": ["A1:P1"]}, name="x.xlsx") -> path."""
    from openpyxl import Workbook

    def make(sheets: dict[str, list[list]], *, merges: dict[str, list[str]] | None = None,
             name: str = "ledger.xlsx", hidden: tuple[str, ...] = ()) -> Path:
        wb = Workbook()
        wb.remove(wb.active)
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
            for rng in (merges or {}).get(title, []):
                ws.merge_cells(rng)
            if title in hidden:
                ws.sheet_state = "hidden"
        path = tmp_path / name
        wb.save(path)
        return path

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
