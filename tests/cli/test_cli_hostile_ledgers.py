"""Ledgers that once ended ``import-ledger`` (issue 5): one cell far from the table made
calamine allocate the whole rectangle and abort the process; a date cell beyond Excel's
range made it panic with a Rust backtrace.  Each runs as a capped child process, so that
an abort is a failing test, not a dead test run."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.cli import main
from tests.cli.capped import run_capped
from tests.hostile_workbooks import loan_rows, patch_sheet, stray_cell, write_ods, write_xls, write_xlsx


@pytest.fixture(scope="module")
def _empty_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "district.db"
    assert main(["init", "--db", str(path), "--role", "district", "--unit", "示范区"]) == 0
    return path


@pytest.fixture
def db_path(_empty_db, tmp_path) -> Path:
    path = tmp_path / "district.db"
    shutil.copyfile(_empty_db, path)
    return path


def _import(path: Path, db_path: Path):
    return run_capped("app", "import-ledger", str(path), "--db", str(db_path), "--json")


def _quiet(stderr: str) -> None:
    assert "panicked" not in stderr and "backtrace" not in stderr and "Traceback" not in stderr, stderr[-2000:]


@pytest.mark.parametrize("ref, dimension", [("GR1048576", "A1:GR1048576"), ("GR100000", None),
                                            ("XFD1048576", "A1:XFD1048576"), ("AD1048576", None),
                                            ("GR1048576", "A1:G11")])   # a dimension that does not tell
def test_a_stray_cell_far_from_the_table_is_left_out_and_named(tmp_path, db_path, ref, dimension):
    path = patch_sheet(write_xlsx(tmp_path / "台账.xlsx", loan_rows(10)), extra_xml=stray_cell(ref),
                       dimension=dimension, drop_dimension=dimension is None)
    result = _import(path, db_path)
    assert result.returncode == 0, result.stderr[-2000:]
    _quiet(result.stderr)
    data = json.loads(result.stdout)
    assert data["loans_imported"] == 10 and data["rows_rejected"] == []
    assert any(ref in note and "没有读取" in note for note in data["notes"]), data["notes"]


def test_a_stray_cell_in_an_xls_file_is_left_out_and_named(tmp_path, db_path):
    path = write_xls(tmp_path / "台账.xls", loan_rows(10), cells={(65535, 255): "x"})
    result = _import(path, db_path)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(result.stdout)
    assert data["loans_imported"] == 10
    assert any("IV65536" in note for note in data["notes"]), data["notes"]


def test_cells_with_formatting_only_do_not_count_as_far_away(tmp_path, db_path):
    """Excel's dimension reaches every formatted cell; empty ones hold nothing to read."""
    empty = '<row r="1048576"><c r="XFD1048576" s="0"/></row>'
    path = patch_sheet(write_xlsx(tmp_path / "台账.xlsx", loan_rows(10)), extra_xml=empty, dimension="A1:XFD1048576")
    result = _import(path, db_path)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(result.stdout)
    assert data["loans_imported"] == 10 and not any("没有读取" in n for n in data["notes"])


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
@pytest.mark.parametrize("serial", [-1e15, -9.3e18])
def test_a_date_cell_beyond_excel_range_is_a_warning_not_a_backtrace(tmp_path, db_path, kind, serial):
    rows = loan_rows(5)
    if kind == "xlsx":
        rows[2][5] = serial
        path = write_xlsx(tmp_path / "台账.xlsx", rows, formats={(4, 6): "yyyy-mm-dd"})
    else:
        rows[2][5] = None
        path = write_xls(tmp_path / "台账.xls", rows, date_cells={(3, 5): serial})
    result = _import(path, db_path)
    assert result.returncode == 0, result.stderr[-2000:]
    _quiet(result.stderr)
    data = json.loads(result.stdout)
    assert data["loans_imported"] == 5
    assert [(w["row"], w["code"]) for w in data["warnings"]] == [(4, "bad_date")]
    assert "发放日期" in data["warnings"][0]["message"]


def test_a_duration_too_long_for_python_is_a_warning(tmp_path, db_path):
    rows = loan_rows(3)
    rows[0][5] = 1e10
    path = write_xlsx(tmp_path / "台账.xlsx", rows, formats={(2, 6): "[h]:mm:ss"})
    result = _import(path, db_path)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(result.stdout)
    assert data["loans_imported"] == 3 and [(w["row"], w["code"]) for w in data["warnings"]] == [(2, "bad_date")]


def test_a_sheet_no_reader_can_take_is_refused_in_one_chinese_line(tmp_path, db_path):
    far = ('<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="60"/>'
           '</table:table-row><table:table-row><table:table-cell table:number-columns-repeated="59"/>'
           '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>')
    path = write_ods(tmp_path / "台账.ods", far)
    result = _import(path, db_path)
    assert result.returncode == 1
    message = result.stderr.strip()
    assert "\n" not in message and "工作表“柳林镇”" in message and "超出程序一次能读的范围" in message
