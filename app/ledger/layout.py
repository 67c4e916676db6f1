"""A sheet's table (``SheetLayout``): which column is which field, the unit, the township and
the data date, built on the header that ``app.ledger.header_rows`` finds.

A person's choices and those remembered for the layout override what was recognised; of several
columns of one field one is used (and a note says which).  Title rows above the header may give
the unit (单位：万元), the township (…清单（柳林镇）) and the data date (数据截至：2026年10月31日):
``app.ledger.titles`` reads those, and a township from the sheet's name.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Mapping

from app.domain.errors import InputError
from app.ledger.header_rows import cell_text, find_header, header_row
from app.ledger.headers import (
    BY_CODE,
    FIELD_LABELS,
    REQUIRED,
    clean_header,
    field_code,
    header_preference,
    header_unit,
    layout_signature,
    sheet_unit,
)
from app.ledger.titles import as_of_from_title, township_from_sheet_name, township_from_title

DEFAULT_UNIT = "元"


@dataclass
class Column:
    index: int                 # 0-based column index
    header: str                # as shown to people ("贷款信息/借据号" for a two-row header)
    key: str                   # cleaned header text: what mapping overrides name
    field: str | None          # the field it holds, None when not imported
    unit: str | None = None    # money columns: 元 / 万元
    how: str = "auto"          # auto | remembered | override | duplicate | unknown

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def field_label(self) -> str:
        return FIELD_LABELS.get(self.field, "（不导入）") if self.field else "（不导入）"


@dataclass
class SheetLayout:
    sheet: str
    header_first: int          # Excel row numbers of the header (equal for a one-row header)
    header_last: int
    columns: list[Column]
    unit: str                  # the unit of money columns that do not say their own
    unit_source: str           # header | title | default | chosen (by the person) | remembered
    title: str                 # text of the rows above the header
    as_of: date | None
    township: str | None       # the sheet's township when the whole sheet is one township
    township_source: str | None  # sheet | column | title | given
    signature: str
    header_cells: list[object] = field(default_factory=list)  # for the error report
    notes: list[str] = field(default_factory=list)  # what a person should know (which of two columns)

    def index_of(self, code: str) -> int | None:
        for c in self.columns:
            if c.field == code:
                return c.index
        return None

    def indexes_of(self, code: str) -> list[int]:
        return [c.index for c in self.columns if c.field == code]

    def unit_of(self, index: int) -> str:
        for c in self.columns:
            if c.index == index:
                return c.unit or self.unit
        return self.unit

    @property
    def missing(self) -> list[str]:
        """Required fields no column holds."""
        have = {c.field for c in self.columns}
        return [code for code in REQUIRED if code not in have]

    @property
    def unit_stated(self) -> bool:
        """Whether the balance's unit comes from the file (its header or title) or a person."""
        i = self.index_of("balance")
        own = next((c.unit for c in self.columns if c.index == i), None) if i is not None else None
        return own is not None or self.unit_source != "default"

    @property
    def units(self) -> list[str]:
        return sorted({c.unit or self.unit for c in self.columns if c.field and BY_CODE[c.field].money})


def column_letter(index: int) -> str:
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---------------------------------------------------------------------------- the layout

def find_layout(sheet_name: str, rows: list[list[object]], *,
                overrides: Mapping[str, str | None] | None = None,
                recall: Callable[..., Mapping[str, str | None] | None] | None = None,
                township: str | None = None,
                known_townships: frozenset[str] = frozenset(), unit: str | None = None,
                recall_unit: Callable[[str], str | None] | None = None) -> SheetLayout | None:
    """The table of a sheet, or None if it has none (an explanation sheet).

    ``overrides`` (a person's choices) and what ``recall(signature)`` gives (choices kept
    from an earlier file of the same layout) map a column's header text (or ``#C`` for
    column C) to a field code, or to None for a column not to import.  ``unit`` (a
    person's choice) or what ``recall_unit(signature)`` gives is the unit of the money
    columns when the sheet states none (neither in a header nor in the title).
    """
    chosen_unit = unit
    found = find_header(rows)
    if found is None:
        return None
    title_rows = rows[: found.first]
    title = " ".join(cell_text(v) for r in title_rows for v in r if cell_text(v))
    # A row of units right under the header ((元) / (万元) under each column, or 单位：万元).
    below = rows[found.last + 1] if found.last + 1 < len(rows) else []
    units_below = [header_unit(v) for v in below] if header_row(below) else []
    title_unit = sheet_unit(title) or (sheet_unit(" ".join(cell_text(v) for v in below))
                                       if any(units_below) else None)
    columns: list[Column] = []
    for i, (shown, own, group) in enumerate(found.labels):
        unit = header_unit(own) or (header_unit(group) if group else None) \
            or (units_below[i] if i < len(units_below) else None)
        columns.append(Column(index=i, header=shown, key=clean_header(shown), field=found.fields.get(i),
                              unit=unit, how="auto" if i in found.fields else "unknown"))
    signature = layout_signature([c.header for c in columns])
    remembered = recall(signature, [c.header for c in columns]) if recall else None
    for choices, how in ((remembered, "remembered"), (overrides, "override")):
        if choices:
            _apply(columns, choices, how)
    own_labels = {i: own for i, (_shown, own, _group) in enumerate(found.labels)}
    notes = _drop_duplicates(columns, own_labels)
    notes += _name_with_id(columns)
    notes += _left_out_on_purpose(columns)
    money = [c for c in columns if c.field and BY_CODE[c.field].money]
    unit = title_unit or DEFAULT_UNIT
    if money and all(c.unit for c in money):
        unit_source = "header"
    else:
        unit_source = "title" if title_unit else "default"
    if unit_source == "default":
        given, how = (chosen_unit, "chosen") if chosen_unit else \
            ((recall_unit(signature), "remembered") if recall_unit else (None, ""))
        if given in ("元", "万元"):
            unit, unit_source = given, how
        elif given is not None and how == "chosen":
            raise InputError(f"不认识的金额单位：{given}（应为“元”或“万元”）")
        else:
            unit = title_unit or DEFAULT_UNIT
    name_township = township_from_sheet_name(sheet_name, known_townships)
    has_column = any(c.field == "township" for c in columns)
    title_township = township_from_title(title)
    if name_township:
        tw, source = name_township, "sheet"
    elif has_column:
        tw, source = title_township or township, "column"
    elif title_township:
        tw, source = title_township, "title"
    elif township:
        tw, source = township, "given"
    else:
        tw, source = None, None
    if found.first == found.last:   # the bank's own cells; a two-row header as "贷款信息/借据号"
        header_cells = [rows[found.last][i] if i < len(rows[found.last]) else "" for i in range(len(columns))]
    else:
        header_cells = [c.header for c in columns]
    return SheetLayout(
        sheet=sheet_name, header_first=found.first + 1, header_last=found.last + 1, columns=columns,
        unit=unit, unit_source=unit_source, title=title, as_of=as_of_from_title(title),
        township=tw, township_source=source, signature=signature, header_cells=header_cells, notes=notes)


def _apply(columns: list[Column], choices: Mapping[str, str | None], how: str) -> None:
    by_key = {clean_header(k): v for k, v in choices.items() if not k.startswith("#")}
    by_letter = {k[1:].upper(): v for k, v in choices.items() if k.startswith("#")}
    for c in columns:
        if c.letter in by_letter:
            value = by_letter[c.letter]
        elif c.key and c.key in by_key:
            value = by_key[c.key]
        else:
            continue
        try:
            c.field = field_code(value)
        except KeyError:
            raise InputError(f"不认识的字段：{value}（第 {c.letter} 列“{c.header}”）") from None
        c.how = how


_HOW_RANK = {"override": 2, "remembered": 1}
# 借款人⏎身份证号, 借款人及身份证号, 姓名/身份证号码 — but not 借款人身份证号, the borrower's ID number.
_NAME_AND_ID = re.compile(r"(?:借款人|姓名|户名|客户名称?)\s*(?:[\s/、,及和与+&(]\s*)+(?:身份|证件)"
                          r"|(?:姓名|户名|客户名称?)(?:身份|证件)")


def _name_with_id(columns: list[Column]) -> list[str]:
    """A column 借款人⏎身份证号 / 姓名及身份证号 on a sheet with no other name column holds
    both (张三 6224…): it is read as the name column, and each cell's ID number is split off."""
    if any(c.field == "name" for c in columns):
        return []
    both = [c for c in columns if c.field == "id_number" and c.how == "auto"
            and _NAME_AND_ID.search(unicodedata.normalize("NFKC", c.header))]
    if len(both) != 1:
        return []
    both[0].field = "name"
    shown = " ".join(both[0].header.split())
    return [f"{both[0].letter}列“{shown}”里借款人和身份证号写在一起：分开导入"]


# Columns a person may expect to be read, but that the program works out or asks for itself.
_RECOVERED_COLUMN = re.compile(r"已收回|已清收|清收金额|收回金额|累计收回|已还款|还款金额")
_CATEGORY_COLUMN = re.compile(r"特殊类别|特殊户|人员类别|户类别|公职人员|低保|残疾|脱贫|移民|死亡|已故|服刑|失联|空挂|涉诉")


def _left_out_on_purpose(columns: list[Column]) -> list[str]:
    """Notes for columns not imported that hold money already recovered or special categories:
    the figures would otherwise silently differ from the township's own table."""
    notes = []
    for c in columns:
        if c.field is not None:
            continue
        header = unicodedata.normalize("NFKC", c.header or "")
        shown = " ".join(c.header.split())
        if _RECOVERED_COLUMN.search(header):
            notes.append(f"{c.letter}列“{shown}”不导入：已清收的钱由银行后来台账的余额和本系统登记的还款算出，"
                         "导入前已收回的钱请登记为还款")
        elif _CATEGORY_COLUMN.search(header):
            notes.append(f"{c.letter}列“{shown}”不导入：特殊类别请在借款户页面标记（姓名后注明的“已故”“服刑”等会自动标出）")
    return notes


def _drop_duplicates(columns: list[Column], own_labels: Mapping[int, str]) -> list[str]:
    """One column per field; 欠息 columns add up.  Of several columns of one field the one a
    person chose wins, then the current one over one of an earlier time (本月余额 over
    上月余额, 贷款余额 over 原贷款余额), then a known name over a match by meaning, then the
    first.  Says, for each field with several columns, which one was used."""
    groups: dict[str, list[Column]] = {}
    for c in columns:
        if c.field is None or BY_CODE[c.field].multi:
            continue
        groups.setdefault(c.field, []).append(c)
    notes = []
    for code, group in groups.items():
        if len(group) < 2:
            continue
        best = max(group, key=lambda c: (_HOW_RANK.get(c.how, 0),
                                         header_preference(own_labels.get(c.index, c.header)), -c.index))
        for c in group:
            if c is not best:
                c.field, c.how = None, "duplicate"
        others = "、".join(f"{c.letter}列“{c.header}”" for c in group if c is not best)
        notes.append(f"有几列都像“{FIELD_LABELS[code]}”：用的是{best.letter}列“{best.header}”，"
                     f"没有用{others}")
    return notes
