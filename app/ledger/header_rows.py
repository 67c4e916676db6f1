"""Finding a sheet's header: the row among the first ``HEADER_SCAN_ROWS`` that names the most
fields (at least three, two of them among 借款人 / 借据号 / 余额 / 身份证号), or a header spread
over two or three rows (``贷款信息`` merged over ``借据号 / 发放日期 / …``), found by content: the
rows together name more fields than any of them alone.  ``app.ledger.layout`` builds the
sheet's columns from what this finds.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.ledger.headers import BY_CODE, KEY_FIELDS, match_field

HEADER_SCAN_ROWS = 40


def _row_fields(row: list[object]) -> dict[int, str]:
    out = {}
    for i, value in enumerate(row):
        if isinstance(value, str) and value:
            code = match_field(value)
            if code:
                out[i] = code
    return out


def _is_header(codes) -> bool:
    distinct = set(codes)
    return len(distinct) >= 3 and len(distinct & KEY_FIELDS) >= 2


def _combine(top: list[object], sub: list[object]) -> list[tuple[str, str, str | None]]:
    """Column labels of a two-row header as (shown, sub-label or label, group label).

    A group label (贷款信息, merged over several columns) stands over the following columns
    as long as their top cell is empty and their sub cell is not.
    """
    width = max(len(top), len(sub))
    out: list[tuple[str, str, str | None]] = []
    group: str | None = None
    for c in range(width):
        t = cell_text(top[c]) if c < len(top) else ""
        s = cell_text(sub[c]) if c < len(sub) else ""
        if t:
            group = t
            out.append((f"{t}/{s}" if s else t, s or t, t))
        elif s and group:
            out.append((f"{group}/{s}", s, group))
        else:
            group = None
            out.append((s, s, None))
    return out


def _combine3(top: list[object], mid: list[object], sub: list[object]) -> list[tuple[str, str, str | None]]:
    """Column labels of a three-row header (借款人信息 / 贷款信息 over 借据号 / 金额 over 发放金额 /
    余额): the lower two rows as a two-row header, with the top row's groups over them."""
    lower = _combine(mid, sub)
    width = max(len(top), len(lower))
    out: list[tuple[str, str, str | None]] = []
    group: str | None = None
    for c in range(width):
        t = cell_text(top[c]) if c < len(top) else ""
        shown, own, sub_group = lower[c] if c < len(lower) else ("", "", None)
        if t:
            group = t
        elif not own:
            group = None
        if not own:
            out.append((t, t, None))
            continue
        outer = sub_group if sub_group and sub_group != own else group
        out.append((f"{group}/{shown}" if group and group != own else shown, own, outer))
    return out


def header_row(row: list[object]) -> bool:
    """Whether a row can be the lowest of a header: text only, no digits (data rows carry
    loan numbers, amounts and dates)."""
    return all(isinstance(v, str) and not any(ch.isdigit() for ch in v) for v in row if v not in ("", None))


def cell_text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _labels_fields(labels: list[tuple[str, str, str | None]]) -> dict[int, str]:
    out = {}
    for i, (_shown, own, group) in enumerate(labels):
        code = match_field(own)
        if code is None and group and group != own:
            g = match_field(group)
            if g and BY_CODE[g].multi:  # 欠息 over 表内 / 表外
                code = g
        if code:
            out[i] = code
    return out


@dataclass
class _Found:
    first: int   # 0-based row indexes
    last: int
    labels: list[tuple[str, str, str | None]]
    fields: dict[int, str]


def _score(fields: dict[int, str]) -> tuple[int, int]:
    """How much a candidate header names: distinct fields, then recognised columns."""
    return len(set(fields.values())), len(fields)


def find_header(rows: list[list[object]]) -> _Found | None:
    best: _Found | None = None
    limit = min(len(rows), HEADER_SCAN_ROWS)
    singles = [_row_fields(rows[i]) for i in range(limit)]
    for i in range(limit):
        candidates = []
        if singles[i]:
            labels = [(cell_text(v), cell_text(v), None) for v in rows[i]]
            candidates.append(_Found(i, i, labels, singles[i]))
        below = singles[i + 1] if i + 1 < limit else {}
        if i + 1 < len(rows) and (singles[i] or below):
            labels = _combine(rows[i], rows[i + 1])
            combined = _labels_fields(labels)
            if _score(combined) > max(_score(singles[i]), _score(below)):
                candidates.append(_Found(i, i + 1, labels, combined))
            if i + 2 < len(rows) and header_row(rows[i + 1]) and header_row(rows[i + 2]):
                labels3 = _combine3(rows[i], rows[i + 1], rows[i + 2])
                fields3 = _labels_fields(labels3)
                lower = _labels_fields(_combine(rows[i + 1], rows[i + 2]))   # a title row over a two-row header
                if _score(fields3) > max(_score(combined), _score(lower), _score(singles[i]), _score(below)):
                    candidates.append(_Found(i, i + 2, labels3, fields3))
        for cand in candidates:
            if _is_header(cand.fields.values()) and (best is None or _score(cand.fields) > _score(best.fields)):
                best = cand
    return best
