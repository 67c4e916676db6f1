"""Reading a whole ledger file into loans, rejected rows and warnings (no database here).

The preview and the import both start from :func:`parse_ledger`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Mapping

from app.domain.errors import InputError
from app.domain.money import yuan_str
from app.ledger.headers import FIELD_LABELS
from app.ledger.layout import SheetLayout, find_layout
from app.ledger.progress import Steps
from app.ledger.reader import Workbook, file_sha256
from app.ledger.rows import LedgerRow, RejectedRow, RowReader, RowWarning

Recall = Callable[[str], Mapping[str, str | None] | None]

# Where a sheet's unit and township were read from, in the preview's words.
UNIT_SOURCES = {"header": "表头", "title": "标题行", "default": "未注明，按元"}
TOWNSHIP_SOURCES = {"sheet": "工作表名", "column": "乡镇列", "title": "标题", "given": "指定"}


@dataclass
class SheetReport:
    """What was found in one sheet: enough for the preview, the result page and the report."""

    name: str
    layout: SheetLayout | None
    passed_over: str | None = None      # why the sheet was not read (no table, hidden)
    loans: int = 0
    rejected: int = 0
    warnings: int = 0
    balance_fen: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    samples: list[list[object]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what stops the import until fixed

    def to_json(self) -> dict:
        lay = self.layout
        out: dict = {"name": self.name, "table": lay is not None}
        if lay is None:
            out["passed_over"] = self.passed_over
            return out
        out.update({
            "header_rows": [lay.header_first, lay.header_last],
            "unit": lay.units[0] if len(lay.units) == 1 else lay.unit,
            "units": lay.units,
            "unit_source": lay.unit_source,
            "unit_source_label": UNIT_SOURCES[lay.unit_source],
            "township": lay.township,
            "township_source": lay.township_source,
            "township_source_label": TOWNSHIP_SOURCES.get(lay.township_source or "", "未知"),
            "as_of": lay.as_of.isoformat() if lay.as_of else None,
            "signature": lay.signature,
            "columns": [{"column": c.letter, "header": c.header, "field": c.field,
                         "field_label": c.field_label, "unit": c.unit, "how": c.how} for c in lay.columns],
            "missing": [FIELD_LABELS[m] for m in lay.missing],
            "loans": self.loans, "rejected": self.rejected, "warnings": self.warnings,
            "balance_total": yuan_str(self.balance_fen), "skipped": self.skipped,
            "problems": self.problems,
        })
        return out


@dataclass
class ParsedLedger:
    path: str
    file_name: str
    sha256: str
    sheets: list[SheetReport]
    rows: list[LedgerRow]
    rejected: list[RejectedRow]
    warnings: list[RowWarning]
    as_of: date | None

    @property
    def tables(self) -> list[SheetReport]:
        return [s for s in self.sheets if s.layout is not None]

    @property
    def problems(self) -> list[str]:
        return [p for s in self.sheets for p in s.problems]

    @property
    def balance_fen(self) -> int:
        return sum(r.balance_fen for r in self.rows)


def parse_ledger(path: Path | str, *, township: str | None = None,
                 overrides: Mapping[str, str | None] | None = None, recall: Recall | None = None,
                 known_townships: frozenset[str] = frozenset(), steps: Steps | None = None,
                 share: tuple[float, float] = (0, 100), today: date | None = None) -> ParsedLedger:
    """Read every sheet of ``path``.  ``InputError`` if the file cannot be read or holds no
    table at all; problems a person can fix in the preview (a required column not found, no
    township) are reported per sheet instead.  ``share`` is the part of the progress bar
    this takes."""
    path = Path(path)
    steps = steps or Steps()
    lo, hi = share
    steps.report(lo, "正在读取文件")
    with Workbook(path) as wb:
        return _parse(wb, township=township, overrides=overrides, recall=recall,
                      known_townships=known_townships, steps=steps, share=share, today=today)


def _parse(wb: Workbook, *, township, overrides, recall, known_townships, steps: Steps, share,
           today) -> ParsedLedger:
    path = wb.path
    lo, hi = share
    names_count = max(1, len(wb.sheet_names))
    seen: dict[str, tuple[str, int, int]] = {}
    sheets: list[SheetReport] = []
    rows: list[LedgerRow] = []
    rejected: list[RejectedRow] = []
    warnings: list[RowWarning] = []
    for k, raw in enumerate(wb.sheets()):
        base = lo + (hi - lo) * k / names_count
        steps.report(base, f"正在读取工作表“{raw.name}”")
        if not raw.visible:
            sheets.append(SheetReport(raw.name, None, passed_over="隐藏的工作表，未读取"))
            continue
        layout = find_layout(raw.name, raw.rows, overrides=overrides, recall=recall, township=township,
                             known_townships=known_townships)
        if layout is None:
            sheets.append(SheetReport(raw.name, None, passed_over="没有找到台账表格（如说明页），未读取"))
            continue
        report = SheetReport(raw.name, layout)
        sheets.append(report)
        if layout.missing:
            labels = "、".join(FIELD_LABELS[m] for m in layout.missing)
            report.problems.append(f"工作表“{raw.name}”找不到“{labels}”这一列：请在预览中指定哪一列是{labels}")
            report.samples = _first_rows(raw.rows, layout.header_last, RowReader.SAMPLE_ROWS)  # to choose by
            continue
        if layout.township_source is None:
            report.problems.append(f"看不出工作表“{raw.name}”属于哪个乡镇：请指定乡镇（命令行用 --township）")
        total_rows = max(1, len(raw.rows))
        step = (hi - lo) / names_count
        tick = lambda n: steps.report(base + step * n / total_rows, f"正在检查工作表“{raw.name}”")  # noqa: E731
        got = RowReader(layout, seen=seen, today=today).read(raw.rows, tick=tick)
        del raw
        report.loans, report.rejected, report.warnings = len(got.rows), len(got.rejected), len(got.warnings)
        report.balance_fen = sum(r.balance_fen for r in got.rows)
        report.skipped, report.samples = got.skipped, got.samples
        rows += got.rows
        rejected += got.rejected
        warnings += got.warnings
    if not any(s.layout is not None for s in sheets):
        raise InputError(f"文件 {path.name} 里没有找到贷款台账表格：需要有“借款人”“借据号”“贷款余额”等列标题")
    dates = [s.layout.as_of for s in sheets if s.layout is not None and s.layout.as_of]
    steps.report(hi, "文件已读完")
    return ParsedLedger(path=str(path), file_name=path.name, sha256=file_sha256(path), sheets=sheets,
                        rows=rows, rejected=rejected, warnings=warnings, as_of=max(dates) if dates else None)


def _first_rows(rows: list[list[object]], start: int, n: int) -> list[list[object]]:
    """The first ``n`` non-blank rows from index ``start``: samples of a sheet not read."""
    out = []
    for cells in rows[start:]:
        if any(not (v is None or (isinstance(v, str) and not v.strip())) for v in cells):
            out.append(list(cells))
            if len(out) == n:
                break
    return out
