"""The monthly assessment (月考核) to a file of either kind, chosen by the suffix: ``.pdf`` (to print)
or ``.xlsx`` (the figures)."""
from __future__ import annotations

from pathlib import Path

from app.domain.assessment import Assessment

KINDS = {".pdf": "PDF", ".xlsx": "Excel"}


def write(a: Assessment, out: Path, kind: str | None = None) -> Path:
    """Write ``a`` to ``out`` as ``kind`` (``.pdf`` or ``.xlsx``; default: ``out``'s own suffix)."""
    kind = (kind or Path(out).suffix).lower()
    if kind == ".pdf":
        from app.reports.assessment_pdf import write_assessment_pdf as writer
    elif kind == ".xlsx":
        from app.reports.assessment_xlsx import write_assessment_xlsx as writer
    else:
        raise ValueError(f"no assessment of kind {kind!r}; one of {list(KINDS)}")
    return writer(a, Path(out))
