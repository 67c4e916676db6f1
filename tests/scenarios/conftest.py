"""Scenarios: the command line and the services used the way a township clerk and a district
officer use them — daily work, ledgers as banks really make them, USB-stick sync between laptops
and the district — on files built here (not the shared samples)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import cli  # noqa: F401  (the command line, as the cli tests drive it)
from tests.workbooks import write_workbook


@pytest.fixture
def district_path(tmp_path) -> Path:
    """An initialised, empty district database in a folder whose name has spaces and Chinese."""
    from app.bootstrap import open_database
    from app.services.foundation.setup import initialise

    folder = tmp_path / "区县 数据"
    folder.mkdir()
    path = folder / "示范 区.db"
    db = open_database(path)
    initialise(db, role="district", unit_name="示范区")
    db.dispose()
    return path


@pytest.fixture
def write_xlsx(tmp_path):
    """write_xlsx({"柳林镇": rows, ...}, name=...) -> path of a workbook made with openpyxl."""
    def make(sheets: dict[str, list[list]], *, name: str = "台账.xlsx",
             merges: dict[str, list[str]] | None = None) -> Path:
        return write_workbook(tmp_path / name, sheets, merges=merges)

    return make
