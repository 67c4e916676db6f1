"""The error report: the rows that were not imported, as they were, with the reason, in a
workbook a township can send back to the bank.  Warnings go on a sheet of their own."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from app.domain.errors import InputError
from app.ledger.rows import REJECT_REASONS, WARNING_CODES, RejectedRow, RowWarning

_BOLD = Font(bold=True)
_REASON_FILL = PatternFill("solid", fgColor="FFF2CC")
_MAX_SHEET_TITLE = 31


def write_error_report(out_path: Path | str, rejected: Sequence[RejectedRow],
                       warnings: Sequence[RowWarning] = (),
                       headers: dict[str, list[object]] | None = None) -> Path:
    """Write the report to ``out_path`` (.xlsx).  ``headers`` gives each sheet's header cells,
    so the returned rows line up with the bank's own columns."""
    out = Path(out_path)
    if out.suffix.lower() != ".xlsx":
        out = out.with_suffix(".xlsx")
    if not out.parent.exists():
        raise InputError(f"文件夹不存在：{out.parent}")
    headers = headers or {}
    wb = Workbook()
    wb.remove(wb.active)
    by_sheet: dict[str, list[RejectedRow]] = {}
    for r in rejected:
        by_sheet.setdefault(r.sheet, []).append(r)
    used: set[str] = set()
    for sheet, rows in by_sheet.items():
        ws = wb.create_sheet(_title(f"未导入-{sheet}", used))
        head = list(headers.get(sheet) or [])
        width = max([len(head)] + [len(_trim(r.cells)) for r in rows])
        ws.append(["原表行号", "未导入原因", "说明"] + [_value(v) for v in head] + [""] * (width - len(head)))
        for cell in ws[1]:
            cell.font = _BOLD
        for r in rows:
            ws.append([r.row, REJECT_REASONS.get(r.reason, r.reason), r.message]
                      + [_value(v) for v in _trim(r.cells)])
            for cell in ws[ws.max_row][:3]:
                cell.fill = _REASON_FILL
        ws.freeze_panes = "D2"
        ws.column_dimensions["B"].width = 18
        ws.column_dimensions["C"].width = 40
    if warnings:
        ws = wb.create_sheet(_title("需核对的行", used))
        ws.append(["工作表", "原表行号", "借据号", "问题", "说明"])
        for cell in ws[1]:
            cell.font = _BOLD
        for w in warnings:
            ws.append([w.sheet, w.row, w.loan_no, WARNING_CODES.get(w.code, w.code), w.message])
        ws.column_dimensions["E"].width = 60
    if not wb.sheetnames:
        ws = wb.create_sheet("未导入的行")
        ws.append(["所有行都已导入，没有需要退回银行的行。"])
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=1, max_row=1):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    try:
        wb.save(out)
    except OSError as exc:
        raise InputError(f"无法保存错误报告 {out}：{exc.strerror or exc}（文件是否在Excel中打开？）") from exc
    return out


def _trim(cells: Iterable[object]) -> list[object]:
    cells = list(cells)
    while cells and (cells[-1] is None or cells[-1] == ""):
        cells.pop()
    return cells


def _value(v: object) -> object:
    return None if v == "" else v


def _title(name: str, used: set[str]) -> str:
    bad = '[]:*?/\\'
    base = "".join("_" if ch in bad else ch for ch in name)[:_MAX_SHEET_TITLE]
    title, n = base, 1
    while title in used:
        n += 1
        suffix = f"({n})"
        title = base[: _MAX_SHEET_TITLE - len(suffix)] + suffix
    used.add(title)
    return title
