"""Writing test workbooks (.xlsx, openpyxl): one sheet per entry, rows as given."""
from __future__ import annotations

from pathlib import Path


def write_workbook(path: Path, sheets: dict[str, list[list]], *, merges: dict[str, list[str]] | None = None,
                   hidden: tuple[str, ...] = ()) -> Path:
    """Save ``sheets`` ({title: rows}) to ``path``; ``merges`` gives ranges to merge per sheet,
    ``hidden`` the sheets to hide."""
    from openpyxl import Workbook

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
    wb.save(path)
    return path
