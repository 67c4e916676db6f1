"""Finding a sheet's table: the header row(s), which column is which field, the unit, the
township and the data date.

A header is the row among the first 40 that names the most fields (at least three, two of
them among 借款人 / 借据号 / 余额 / 身份证号).  A header spread over two rows (``贷款信息``
merged over ``借据号 / 发放日期 / …``) is found by content: the pair of rows that names more
fields than either row alone.  Title rows above the header may give the unit (单位：万元),
the township (…清单（柳林镇）) and the data date (数据截至：2026年10月31日).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable, Mapping

from app.domain.errors import InputError
from app.ledger.headers import (
    BY_CODE,
    FIELD_LABELS,
    KEY_FIELDS,
    REQUIRED,
    clean_header,
    field_code,
    header_preference,
    header_unit,
    layout_signature,
    match_field,
    sheet_unit,
)
from app.ledger.values import cell_date

HEADER_SCAN_ROWS = 40
DEFAULT_UNIT = "元"

_TOWNSHIP_NAME = re.compile(r"^[\u4e00-\u9fa5]{1,12}?(?:街道办事处|街道办|街道|办事处|镇|乡|苏木)$")
_NOT_TOWNSHIP = ("说明", "汇总", "合计", "目录", "附表", "封面", "统计", "全区", "全县", "各乡镇", "乡镇")
# Around a township's name in a sheet name: numbering before it (1. / 一、 / （一）), a copy
# mark after it ((2) / （2）) and words saying what the sheet holds (台账 / 清单 / …).
_LEADING_NUMBER = re.compile(r"^(?:[(\[]\s*(?:\d+|[一二三四五六七八九十]+)\s*[)\]]|\d+\s*[.、,)\-_]?"
                             r"|[一二三四五六七八九十]+\s*[、.,)\-_])\s*")
_TRAILING_COPY = re.compile(r"[(\[]\s*(?:\d+|[一二三四五六七八九十]+)\s*[)\]]$|[-_]\d+$")
# A month or a version said before or after it (10月柳林镇, 柳林镇（2026年10月）, 柳林镇最终版).
_LEADING_DATE = re.compile(r"^(?:\d{2,4}\s*[年.\-/_]?\s*)?\d{1,2}\s*月份?\s*[-_、]?\s*|^\d{4}\s*[.\-/_]\s*\d{1,2}\s*[-_]?\s*")
_TRAILING_DATE = re.compile(r"[-_]?\s*[(\[]?\s*(?:\d{2,4}\s*[年.\-/_]?\s*)?\d{1,2}\s*月份?(?:末|底)?\s*[)\]]?$"
                            r"|[(\[]?\s*\d{4}\s*年?\s*[)\]]?$"
                            r"|[(\[]?\s*(?:新|最新|修改后|修改|修订版?|最终版|终版|定稿|核对后|已核对|更新)\s*[)\]]?$")
_TRAILING_WORDS = re.compile(r"(?:台账|台帐|清单|明细表?|名单|不良贷款|不良|贷款|清收任务|清收|任务|数据|表)$")
_TITLE_TOWNSHIP = (re.compile(r"[（(]([\u4e00-\u9fa5]{1,12}?(?:街道办事处|街道|镇|乡))[）)]"),
                   re.compile(r"^([\u4e00-\u9fa5]{1,8}?(?:街道办事处|街道|镇|乡))(?:不良|清收|贷款|任务|台账|清单)"))
_AS_OF = re.compile(
    r"(?:数据截至|数据截止|截至日期|截止日期|截至|截止|数据日期|统计日期|统计时点|数据时点|基准日)\s*(?:日期)?\s*"
    r"(?:到|至)?\s*[:：]?\s*(\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?|\d{8})")
# The day a township filled in the table (填报单位：… 填报日期：2026年11月20日): its data date
# when the title gives no other.
_FILLED_ON = re.compile(r"(?:填报日期|填表日期|制表日期|报送日期|报表日期)\s*[:：]?\s*"
                        r"(\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?|\d{8})")
# 2026年10月末 / 截至2026年10月底: the month's last day.
_MONTH_END = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:末|底)")


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


def township_from_sheet_name(name: str, known: frozenset[str] = frozenset()) -> str | None:
    """The sheet name if it names a township (柳林镇, 东关街道, or a township already known)."""
    s = "".join(unicodedata.normalize("NFKC", name).split())
    if s in known:
        return s
    if any(word in s for word in _NOT_TOWNSHIP) or s.startswith(("各", "全")):
        return None
    core = _core_name(s)
    if core in known:
        return core
    if core and _TOWNSHIP_NAME.match(core):
        return core
    return _full_name(core, known) if core else None


_TOWNSHIP_SUFFIXES = ("镇", "乡", "街道", "街道办事处", "街道办", "办事处")
_GOVERNMENT = re.compile(r"(?:党委政府|人民政府|政府|党委)$")


def _full_name(short: str, names) -> str | None:
    """The one township in ``names`` that is ``short`` with 镇 / 乡 / 街道 after it, or None."""
    full = [n for n in names if n.startswith(short) and n[len(short):] in _TOWNSHIP_SUFFIXES]
    return full[0] if len(full) == 1 else None


def township_cell(value: str, names) -> str:
    """A township as a 乡镇 column writes it, named as ``names`` (the townships known and
    the others of the file) name it: 柳林 and 柳林镇人民政府 are 柳林镇 when 柳林镇 is one of
    them; a name that is none of them stays as it is."""
    s = value.replace(" ", "")
    if not s or s in names:
        return s
    plain = _GOVERNMENT.sub("", s) or s
    if plain in names or _TOWNSHIP_NAME.match(plain) and plain != s:
        return plain
    return _full_name(plain, names) or s


def _core_name(s: str) -> str:
    """A sheet name without its numbering, copy mark and words such as 台账 / 清单."""
    s = _LEADING_NUMBER.sub("", _LEADING_DATE.sub("", s, count=1), count=1)
    while True:
        shorter = _TRAILING_WORDS.sub("", _TRAILING_COPY.sub("", _TRAILING_DATE.sub("", s)))
        if shorter == s or not shorter:
            return shorter
        s = shorter


def township_from_title(title: str) -> str | None:
    s = "".join(unicodedata.normalize("NFKC", title).split())
    for pattern in _TITLE_TOWNSHIP:
        m = pattern.search(s)
        if m and township_from_sheet_name(m.group(1)):
            return m.group(1)
    return None


def as_of_from_title(title: str) -> date | None:
    title = unicodedata.normalize("NFKC", title)
    m = _AS_OF.search(title)
    if not m:
        end = _MONTH_END.search(title)
        if end and 1 <= int(end.group(2)) <= 12:
            year, month = int(end.group(1)), int(end.group(2))
            return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        m = _FILLED_ON.search(title)
        if not m:
            return None
    try:
        return cell_date("".join(m.group(1).split()))
    except ValueError:
        return None


# ---------------------------------------------------------------------------- header search

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
        t = _cell_text(top[c]) if c < len(top) else ""
        s = _cell_text(sub[c]) if c < len(sub) else ""
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
        t = _cell_text(top[c]) if c < len(top) else ""
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


def _header_row(row: list[object]) -> bool:
    """Whether a row can be the lowest of a header: text only, no digits (data rows carry
    loan numbers, amounts and dates)."""
    return all(isinstance(v, str) and not any(ch.isdigit() for ch in v) for v in row if v not in ("", None))


def _cell_text(value: object) -> str:
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
            labels = [(_cell_text(v), _cell_text(v), None) for v in rows[i]]
            candidates.append(_Found(i, i, labels, singles[i]))
        below = singles[i + 1] if i + 1 < limit else {}
        if i + 1 < len(rows) and (singles[i] or below):
            labels = _combine(rows[i], rows[i + 1])
            combined = _labels_fields(labels)
            if _score(combined) > max(_score(singles[i]), _score(below)):
                candidates.append(_Found(i, i + 1, labels, combined))
            if i + 2 < len(rows) and _header_row(rows[i + 1]) and _header_row(rows[i + 2]):
                labels3 = _combine3(rows[i], rows[i + 1], rows[i + 2])
                fields3 = _labels_fields(labels3)
                lower = _labels_fields(_combine(rows[i + 1], rows[i + 2]))   # a title row over a two-row header
                if _score(fields3) > max(_score(combined), _score(lower), _score(singles[i]), _score(below)):
                    candidates.append(_Found(i, i + 2, labels3, fields3))
        for cand in candidates:
            if _is_header(cand.fields.values()) and (best is None or _score(cand.fields) > _score(best.fields)):
                best = cand
    return best


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
    title = " ".join(_cell_text(v) for r in title_rows for v in r if _cell_text(v))
    # A row of units right under the header ((元) / (万元) under each column, or 单位：万元).
    below = rows[found.last + 1] if found.last + 1 < len(rows) else []
    units_below = [header_unit(v) for v in below] if _header_row(below) else []
    title_unit = sheet_unit(title) or (sheet_unit(" ".join(_cell_text(v) for v in below))
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
