"""Turning a sheet's data rows into loans: cleaning each value, rejecting rows that cannot be
a loan (with a reason a person can act on), warning about rows that can but look wrong.

Blank rows, subtotal and total rows (小计 / 合计 / 总计) and rows that carry neither a name,
an ID number nor a loan number (notes, signatures under the table) are skipped, not
rejected.  Row numbers are the ones a person sees in Excel.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Callable

from app.domain.dates import DateProblem
from app.domain.errors import InputError
from app.domain.idcard import PROVINCES
from app.domain.money import yuan_str
from app.ledger.headers import BY_CODE, clean_header, match_field
from app.ledger.layout import SheetLayout
from app.ledger.plausible import balance_verdicts, implausible_dates
from app.ledger.records import REJECT_REASONS, WARNING_CODES, LedgerRow, RejectedRow, RowWarning, SheetRows  # noqa: F401 (re-exported)
from app.ledger.titles import township_cell
from app.ledger.values import (
    ID_MESSAGES,
    ID_WARNING_CODES,
    LoanNoError,
    cell_date,
    check_id,
    loan_no,
    money_fen,
    person_name,
    rate_ppm,
    split_name_id,
    split_name_remark,
    text,
)

_MISSING = object()
_TOTAL = re.compile(r"小\s*计|合\s*计|总\s*计|累\s*计|汇\s*总")
_GRAND_TOTAL = re.compile(r"合\s*计|总\s*计|汇\s*总")   # the end of a table (小计 is not)
_LABEL = re.compile(r"[:：]")                           # 制表人： / 审核： under the table
# What a 小计 / 合计 row writes where the loan number goes: how many loans (2笔, 共12笔, 12).
_COUNT_CELL = re.compile(r"^(?:共|计)?\s*\d{1,5}\s*(?:笔|户|人|个|件)?$")


def _problem(exc: Exception) -> ValueError:
    """What was wrong with a date, kept without its traceback (the frames it holds)."""
    return DateProblem(exc.reason) if isinstance(exc, DateProblem) else ValueError(str(exc))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class RowReader:
    """Reads the data rows of one sheet.  ``seen`` (loan number → (sheet, row, balance)) is
    shared by every sheet of a file so that a loan listed twice is caught across sheets."""

    SAMPLE_ROWS = 5

    def __init__(self, layout: SheetLayout, *, seen: dict[str, tuple[str, int, int]],
                 today: date | None = None, known_townships: frozenset[str] = frozenset()):
        self.layout = layout
        self.known_townships = known_townships
        self.seen = seen
        self.today = today or date.today()
        self.as_of = layout.as_of or self.today   # the ledger's date: no loan was issued after it
        idx = layout.index_of
        self.i_loan = idx("loan_no")
        self.i_name = idx("name")
        self.i_balance = idx("balance")
        self.i_id = idx("id_number")
        self.i_township = idx("township")
        self.balance_unit = layout.unit_of(self.i_balance) if self.i_balance is not None else layout.unit
        self.interest_cols = [(i, layout.unit_of(i)) for i in layout.indexes_of("interest")]
        self.i_principal = idx("principal")
        self.principal_unit = layout.unit_of(self.i_principal) if self.i_principal is not None else layout.unit
        self.text_cols = [(code, i) for code in ("village", "group", "phone", "address", "five_class",
                                                  "guarantee", "officer", "branch", "note")
                          if (i := idx(code)) is not None]
        self.date_cols = [(code, i, label) for code, label in (("issue_date", "发放日期"), ("due_date", "到期日期"))
                          if (i := idx(code)) is not None]
        self.i_rate = idx("rate")
        rate_col = next((c for c in layout.columns if c.field == "rate"), None)
        rate_header = rate_col.header if rate_col else ""
        # 利率（‰）: the numbers are per mille, and a rate in ‰ is a monthly one unless it says 年.
        self.rate_permille = "‰" in rate_header
        self.rate_monthly = "月" in rate_header or (self.rate_permille and "年" not in rate_header)
        loan_header = next((c.header for c in layout.columns if c.field == "loan_no"), "")
        self.loan_header = loan_header.split("/")[-1].strip()
        self.width = max(len(layout.columns), 1)
        # Values repeat down a column (villages, officers, dates, one borrower's ID on each of
        # their loans): each distinct text is cleaned once.
        self._texts: dict[int, dict[str, str]] = {i: {} for _c, i in self.text_cols}
        self._text_caches = [(code, i, self._texts[i]) for code, i in self.text_cols]
        self._dates: dict[str, date | None | ValueError] = {}
        self._ids: dict[object, object] = {}
        self._names: dict[str, str] = {}
        self._townships: dict[str, str] = {}
        balance_col = next((c for c in layout.columns if c.field == "balance"), None)
        self.balance_header = balance_col.key if balance_col else ""
        self._after_total = False   # a 合计 / 总计 row was read and no loan since
        self._free_text = frozenset(i for code in ("note", "address") for i in layout.indexes_of(code))
        self._other_table = False   # reading another table below this one (a summary by class)

    def read(self, rows: list[list[object]], *, tick: Callable[[int], None] | None = None) -> SheetRows:
        out = SheetRows()
        start = self.layout.header_last  # 0-based index of the first data row
        for n in range(start, len(rows)):
            cells = rows[n]
            if len(cells) < self.width:
                cells = list(cells) + [""] * (self.width - len(cells))
            self._row(cells, n + 1, out)
            if tick is not None and n % 2000 == 0:
                tick(n)
        if self._check_dates(out) | self._check_balances(rows, out):
            out.warnings.sort(key=lambda w: w.row)   # in row order, as a person reads them
        return out

    # One row.  Kept flat: it runs once per loan of the file.
    def _row(self, cells: list[object], excel_row: int, out: SheetRows) -> None:  # noqa: C901
        sheet = self.layout.sheet
        raw_no = cells[self.i_loan] if self.i_loan is not None else ""
        raw_name = cells[self.i_name] if self.i_name is not None else ""
        raw_id = cells[self.i_id] if self.i_id is not None else ""
        if self._other_table:
            kind = "header" if text(raw_no) == self.loan_header else "note"   # this table goes on
            self._other_table = kind == "note"
            out.skipped[kind] = out.skipped.get(kind, 0) + 1
            return
        if _blank(raw_no) or _blank(raw_name):
            kind = self._not_a_loan(cells, raw_no, raw_name, raw_id)
            if kind:
                out.skipped[kind] = out.skipped.get(kind, 0) + 1
                return

        def reject(reason: str, message: str, number: str | None = None) -> None:
            kind = self._aside(cells, raw_no, raw_name, excel_row, out)
            if kind:
                out.skipped[kind] = out.skipped.get(kind, 0) + 1
                return
            out.rejected.append(RejectedRow(sheet, excel_row, reason, message, number or None, list(cells)))

        try:
            number = loan_no(raw_no)
        except LoanNoError as exc:
            reject("bad_loan_no", f"借据号被Excel存成了数字，后几位已丢失：{exc}")
            return
        if number == self.loan_header:   # the header again (a long table printed over pages)
            out.skipped["header"] = out.skipped.get("header", 0) + 1
            return
        if _COUNT_CELL.match(number) and self._total_row(cells):   # 李家村小计 | 2户 | 2笔
            out.skipped["subtotal"] = out.skipped.get("subtotal", 0) + 1
            return
        if len(out.samples) < self.SAMPLE_ROWS:
            out.samples.append(list(cells))
        id_in_name = None   # an ID number typed after the name in the name cell
        if type(raw_name) is str and len(raw_name) > 15:
            raw_name, id_in_name = split_name_id(raw_name)
            if id_in_name and _blank(raw_id):
                raw_id = id_in_name
        name = self._names.get(raw_name) if type(raw_name) is str else None
        if name is None:
            name = person_name(raw_name)
            if type(raw_name) is str:
                self._names[raw_name] = name
        if not number:
            reject("missing_loan_no", f"缺少借据号（借款人：{name or '空'}）")
            return
        remark = None
        if name.endswith((")", "]", "】")):
            name, remark = split_name_remark(name)
        if not name:
            reject("missing_name", f"缺少借款人姓名（借据号：{number}）", number)
            return
        raw_balance = cells[self.i_balance]
        try:
            balance = money_fen(raw_balance, self.balance_unit)
        except InputError as exc:   # 不是数字 / 过大 / 科学计数法 (digits lost), as money.py says it
            why = str(exc)
            why = why.replace("金额", "贷款余额", 1) if why.startswith("金额") else f"贷款余额不是数字：{text(raw_balance)}"
            reject("bad_balance", why, number)
            return
        if balance is None:
            reject("bad_balance", "贷款余额为空", number)
            return
        if balance < 0:
            reject("bad_balance", f"贷款余额为负数：{text(raw_balance)}", number)
            return
        township = self.layout.township or ""
        if self.i_township is not None:
            raw_tw = cells[self.i_township]
            cell_tw = self._townships.get(raw_tw) if type(raw_tw) is str else None
            if cell_tw is None:
                cell_tw = township_cell(text(raw_tw), self.known_townships)
                if type(raw_tw) is str:
                    self._townships[raw_tw] = cell_tw
            township = cell_tw or township
        if not township and self.layout.township_source is not None:
            reject("missing_township", f"不知道这一行属于哪个乡镇（借据号：{number}），乡镇一栏为空", number)
            return
        first = self.seen.get(number)
        if first is not None:
            differs = "，且两行的余额不同，请与银行核对" if first[2] != balance else ""
            reject("duplicate_loan_no", f"借据号 {number} 与“{first[0]}”第 {first[1]} 行重复{differs}", number)
            return
        self.seen[number] = (sheet, excel_row, balance)

        warn = out.warnings.append
        if self.i_id is not None or id_in_name:
            check = self._ids.get(raw_id) if type(raw_id) is str else None
            if check is None:
                check = check_id(raw_id, today=self.today)
                if type(raw_id) is str:
                    self._ids[raw_id] = check
            if check.ok:
                id_number, id_problem = check.value, None
                if id_number[:2] not in PROVINCES:
                    warn(RowWarning(sheet, excel_row, "id_region",
                                    f"身份证号的前两位 {id_number[:2]} 不是任何省份的代码，可能有数字录错：{id_number}", number))
            else:
                id_problem = check.problem
                id_number = check.value if id_problem not in ("mangled", "empty") else None
                warn(RowWarning(sheet, excel_row, ID_WARNING_CODES[id_problem],
                                ID_MESSAGES[id_problem].format(value=check.value, raw=text(raw_id)), number))
        else:
            id_number, id_problem = None, "empty"
        row = LedgerRow(sheet, excel_row, township, number, name, id_number, id_problem is None, id_problem,
                        balance)
        interest = 0 if self.interest_cols else None   # None: the sheet has no 欠息 column
        for i, unit in self.interest_cols:
            try:
                interest += money_fen(cells[i], unit) or 0
            except InputError:
                warn(RowWarning(sheet, excel_row, "bad_amount", f"欠息不是数字：{text(cells[i])}，按0导入", number))
        if interest is not None and interest < 0:
            warn(RowWarning(sheet, excel_row, "bad_amount", f"欠息为负数：{yuan_str(interest)}，按0导入", number))
            interest = 0
        row.interest_fen = interest
        if self.i_principal is not None:
            try:
                row.principal_fen = money_fen(cells[self.i_principal], self.principal_unit)
            except InputError:
                warn(RowWarning(sheet, excel_row, "bad_amount",
                                f"贷款金额不是数字：{text(cells[self.i_principal])}", number))
        for code, i, cache in self._text_caches:
            raw = cells[i]
            if type(raw) is str:
                value = cache.get(raw)
                if value is None:
                    value = cache[raw] = text(raw)
            else:
                value = text(raw)
            if value:
                setattr(row, code, value)
        if remark:
            row.remark = remark
            row.note = f"{remark}；{row.note}" if row.note else remark
        officer = row.officer
        if officer:
            name = self._names.get(officer)
            if name is None:
                name = self._names[officer] = person_name(officer)
            row.officer = name
        dates = self._dates
        for code, i, label in self.date_cols:
            value = cells[i]
            if type(value) is date:
                setattr(row, code, value)
                continue
            value = dates.get(value, _MISSING) if type(value) is str else _MISSING
            if value is _MISSING:
                value = self._date(cells[i])
            if isinstance(value, DateProblem):
                warn(RowWarning(sheet, excel_row, "bad_date", f"{label}{value.reason}", number))
            elif isinstance(value, ValueError):
                warn(RowWarning(sheet, excel_row, "bad_date", f"{label}无法识别：{text(cells[i])}", number))
            else:
                setattr(row, code, value)
        if self.i_rate is not None:
            try:
                raw_rate = cells[self.i_rate]
                if self.rate_permille and not _blank(raw_rate) and text(raw_rate)[-1:] not in ("%", "‰", "％"):
                    raw_rate = f"{text(raw_rate)}‰"
                row.rate_ppm = rate_ppm(raw_rate, monthly=self.rate_monthly)
            except ValueError:
                warn(RowWarning(sheet, excel_row, "bad_rate", f"利率无法识别：{text(cells[self.i_rate])}", number))
        out.rows.append(row)
        if self._after_total:
            self._after_total = False

    def _check_dates(self, out: SheetRows) -> bool:
        """Dates that cannot be true are not taken, and warned about with what they were."""
        found = implausible_dates(out.rows, as_of=self.as_of)
        for row, code, field_code, why in found:
            label = "发放日期" if field_code == "issue_date" else "到期日期"
            out.warnings.append(RowWarning(row.sheet, row.row, code, f"{label} {getattr(row, field_code).isoformat()} "
                                           f"{why}，不可能是真的：这一日期没有导入，请与银行核对", row.loan_no))
            setattr(row, field_code, None)
        return bool(found)

    def _check_balances(self, rows: list[list[object]], out: SheetRows) -> bool:
        """Balances that cannot be true for their row or their sheet (plausible.py)."""
        verdicts, notes = balance_verdicts(out.rows)
        out.notes += notes
        if not verdicts:
            return False
        sheet = self.layout.sheet
        refused: set[int] = set()
        for r, code, message in verdicts:
            if code == "refuse":
                refused.add(r.row)
                out.rejected.append(RejectedRow(sheet, r.row, "balance_implausible", message, r.loan_no,
                                                list(rows[r.row - 1])))
                if self.seen.get(r.loan_no, ("", 0))[1] == r.row:
                    del self.seen[r.loan_no]
            else:
                out.warnings.append(RowWarning(sheet, r.row, code, message, r.loan_no))
        if refused:
            out.rows = [r for r in out.rows if r.row not in refused]
            out.warnings = [w for w in out.warnings if w.row not in refused]
        out.rejected.sort(key=lambda x: x.row)
        return True

    def _date(self, raw: object) -> date | None | ValueError:
        if type(raw) is date or raw == "":
            return raw or None
        if type(raw) is not str:
            try:
                return cell_date(raw)
            except (ValueError, OverflowError) as exc:
                return _problem(exc)
        try:
            return self._dates[raw]
        except KeyError:
            pass
        try:
            value: date | None | ValueError = cell_date(raw)
        except (ValueError, OverflowError) as exc:
            value = _problem(exc)
        self._dates[raw] = value
        return value

    def _total_row(self, cells: list[object]) -> bool:
        """Whether a row whose loan number is a count (2笔) is a 小计 / 合计 row: a total word
        in any cell but the free-text ones (备注 / 住址), or 笔 / 户 in the count itself."""
        free = self._free_text
        for i, value in enumerate(cells):
            if i not in free and isinstance(value, str) and value and _TOTAL.search(value):
                if _GRAND_TOTAL.search(value):
                    self._after_total = True
                return True
        return not text(cells[self.i_loan]).isdigit()

    def _not_a_loan(self, cells, raw_no, raw_name, raw_id) -> str | None:
        """Why a row without a loan number or a name is no loan at all (None: it may be one)."""
        for value in cells:
            if isinstance(value, str) and value and _TOTAL.search(value):
                if _GRAND_TOTAL.search(value):
                    self._after_total = True
                return "subtotal"
        if _blank(raw_no) and _blank(raw_name) and _blank(raw_id):
            return "blank" if all(_blank(v) for v in cells) else "note"
        return None

    def _aside(self, cells, raw_no, raw_name, excel_row: int, out: SheetRows) -> str | None:
        """Why a row about to be rejected is no row of this table at all (None: it is one).

        Only rows without a digit in the loan number column qualify: the header of another
        table below this one (项目 / 笔数 / 余额 …, every row after it is passed over until this
        table's header comes again), lines such as 制表人： / 审核人：, and, after a 合计 row,
        rows with no loan number (the title of what follows)."""
        no = text(raw_no)
        if any(ch.isdigit() for ch in no):
            return None
        balance = cells[self.i_balance] if self.i_balance is not None else ""
        if isinstance(balance, str) and balance and no != self.loan_header:
            code = match_field(balance)
            if code and BY_CODE[code].money and clean_header(balance) != self.balance_header:
                self._other_table = True
                out.notes.append(f"第 {excel_row} 行起像是另一张表（“{text(balance)}”一列），未读取；"
                                 f"如果下面还有贷款，请把它们移到台账表格里")
                return "note"
        if _LABEL.search(no) or _LABEL.search(text(raw_name)):
            return "note"
        if self._after_total and not no:
            return "note"
        return None
