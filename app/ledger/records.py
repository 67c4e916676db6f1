"""What reading a ledger gives: loans (``LedgerRow``), rows not imported (``RejectedRow``)
and rows imported with something to check (``RowWarning``), with the stable codes of both
and what each means to a person (``REJECT_REASONS``, ``WARNING_CODES``; the command line's
JSON carries the codes)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Reasons a row is not imported, and what each means to a person.
REJECT_REASONS: dict[str, str] = {
    "missing_name": "缺少借款人姓名",
    "missing_loan_no": "缺少借据号",
    "bad_loan_no": "借据号不完整",
    "bad_balance": "贷款余额为空、不是数字或为负数",
    "duplicate_loan_no": "借据号重复",
    "balance_implausible": "贷款余额大得不可能（比这张表一般的贷款大上万倍）",
    "missing_township": "不知道属于哪个乡镇",
}
WARNING_CODES: dict[str, str] = {
    "id_checksum": "身份证号校验位不对",
    "id_mangled": "身份证号被Excel存成数字，位数已丢失",
    "id_invalid": "身份证号格式不对",
    "id_missing": "没有身份证号",
    "id_region": "身份证号的前两位不是省份代码",
    "bad_date": "日期无法识别",
    "bad_amount": "金额无法识别",
    "bad_rate": "利率无法识别",
    "date_implausible": "日期不可能是真的（1950年以前，或晚于台账日期），没有导入",
    "date_before_birth": "日期早于借款人出生，没有导入",
    "balance_outlier": "贷款余额比这张表一般的贷款大上千倍",
    "balance_above_lent": "贷款余额是贷款金额的十倍以上",
    "unit_unstated": "台账没有注明金额单位，余额像是万元",
    # what a later ledger says differently from what this computer holds (app/services/ledger_import/writer.py)
    "balance_higher": "台账余额高于本系统的未收回余额",
    "deleted_loan": "贷款已在本系统中删除",
    "other_township": "台账把贷款列在另一个乡镇",
    "loan_no_zeros": "借据号前面的0被去掉",
    "name_differs": "借款人姓名与本系统不同",
    "village_differs": "所属村与本系统不同",
    "id_two_names": "同一身份证号有两个姓名",
}


@dataclass(slots=True)
class LedgerRow:
    """One loan as the ledger gives it, cleaned.  Money in fen."""

    sheet: str
    row: int
    township: str
    loan_no: str
    name: str
    id_number: str | None        # normalised when id_ok, else the cleaned text (None if mangled/empty)
    id_ok: bool
    id_problem: str | None
    balance_fen: int
    interest_fen: int | None = 0   # None when the sheet has no 欠息 column
    remark: str | None = None      # what the bank wrote after the name: 张三（已故）
    principal_fen: int | None = None
    village: str | None = None
    group: str | None = None
    phone: str | None = None
    address: str | None = None
    issue_date: date | None = None
    due_date: date | None = None
    rate_ppm: int | None = None
    five_class: str | None = None
    guarantee: str | None = None
    officer: str | None = None
    branch: str | None = None
    note: str | None = None


@dataclass(slots=True)
class RejectedRow:
    sheet: str
    row: int
    reason: str
    message: str
    loan_no: str | None
    cells: list[object] = field(default_factory=list)   # the row as it was, for the error report

    def to_json(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "reason": self.reason, "message": self.message,
                "loan_no": self.loan_no}


@dataclass(slots=True)
class RowWarning:
    sheet: str
    row: int
    code: str
    message: str
    loan_no: str | None = None
    imported: bool = True   # False: the row was left out (a loan of another township, one deleted here)

    def to_json(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "code": self.code, "message": self.message,
                "loan_no": self.loan_no, "imported": self.imported}


@dataclass
class SheetRows:
    rows: list[LedgerRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)   # blank | subtotal | header | note
    samples: list[list[object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # what a person should know (a second table)
