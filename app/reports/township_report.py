"""The township report (情况汇报) to a file of any of its three kinds, chosen by the suffix:
``.docx`` (the form a township edits), ``.pdf`` (to print as it is), ``.xlsx`` (the figures)."""
from __future__ import annotations

from pathlib import Path

from app.domain.township_report import TownshipReport

KINDS = {".docx": "Word", ".pdf": "PDF", ".xlsx": "Excel"}


def write(r: TownshipReport, out: Path, kind: str | None = None) -> Path:
    """Write ``r`` to ``out`` as ``kind`` (a suffix such as ``.docx``; default: ``out``'s own)."""
    kind = (kind or Path(out).suffix).lower()
    if kind == ".docx":
        from app.reports.township_report_docx import write_township_report_docx as writer
    elif kind == ".pdf":
        from app.reports.township_report_pdf import write_township_report_pdf as writer
    elif kind == ".xlsx":
        from app.reports.township_report_xlsx import write_township_report_xlsx as writer
    else:
        raise ValueError(f"no township report of kind {kind!r}; one of {list(KINDS)}")
    return writer(r, Path(out))
