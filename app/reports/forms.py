"""The plain data the printed forms are made from (the services fill these; the PDF
modules only lay them out).  Money is integer fen; every text is ready to print."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

DRAFT = "草稿"


class LoanTotals:
    """Principal, interest, penalty and what is owed, added up over ``self.loans`` (anything
    with ``principal_fen``, ``interest_fen`` and ``penalty_fen``)."""

    loans: list

    @property
    def principal_fen(self) -> int:
        return sum(ln.principal_fen for ln in self.loans)

    @property
    def interest_fen(self) -> int:
        return sum(ln.interest_fen for ln in self.loans)

    @property
    def penalty_fen(self) -> int:
        return sum(ln.penalty_fen for ln in self.loans)

    @property
    def owed_fen(self) -> int:
        return self.principal_fen + self.interest_fen + self.penalty_fen


@dataclass
class Party:
    """Someone named on a form: 借款人, 共同借款人, 担保人, 继承人 …"""

    role: str                 # printed label, e.g. "借款人"
    name: str
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    note: str | None = None   # e.g. "已故"
    signs: bool = True        # gets a signature and fingerprint box


@dataclass
class LoanLine:
    loan_no: str
    issue_date: date | None
    due_date: date | None
    amount_fen: int | None          # 贷款金额 (original)
    principal_fen: int              # 本金余额 on the agreement date
    interest_fen: int               # interest owed (after interest paid since the ledger)
    penalty_fen: int
    ledger_interest_fen: int | None = None   # 台账欠息 (None: no breakdown)
    accrued_interest_fen: int | None = None  # interest since accrued_from
    accrued_penalty_fen: int | None = None
    accrued_from: date | None = None
    rate_ppm: int | None = None
    penalty_rate_ppm: int | None = None
    suspended: bool = False
    waived_interest_fen: int = 0
    waived_penalty_fen: int = 0
    rate_default: bool = False      # no contract rate known: computed at the district's default

    @property
    def owed_fen(self) -> int:
        return self.principal_fen + self.interest_fen + self.penalty_fen

    @property
    def paid_since_fen(self) -> int:
        """Interest and penalty repaid since ``accrued_from`` (deducted from what is owed)."""
        if self.ledger_interest_fen is None:
            return 0
        return ((self.ledger_interest_fen + (self.accrued_interest_fen or 0) - self.interest_fen)
                + ((self.accrued_penalty_fen or 0) - self.penalty_fen))


@dataclass
class ScheduleLine:
    no: int
    due: date
    amount_fen: int
    paid_fen: int = 0


@dataclass
class AgreementForm(LoanTotals):
    number: str
    version: int
    status: str
    as_of: date
    lender: str
    witness: str
    household: str                    # head's name, e.g. "张三"
    address: str | None
    parties: list[Party]
    loans: list[LoanLine]
    waived_interest_fen: int
    waived_penalty_fen: int
    total_fen: int
    order_text: str                   # "先本金、再利息、后罚息"
    plan_text: str                    # "按月分期，共12期"
    schedule: list[ScheduleLine]
    terms: list[str]                  # numbered by the form (五、六、…)
    condition: str | None
    approval_ref: str | None
    basis_text: str
    copies: int = 3
    signed_on: date | None = None
    previous_note: str | None = None  # "本协议替代2026年3月5日签订的第1版"
    watermark: str | None = None      # "已作废" on a cancelled or superseded one, "草稿" on a draft
    banner: str | None = None         # the line at the top of every page saying why
    operator: str = ""                # 经办人 (blank: written by hand)

    @property
    def draft(self) -> bool:
        return self.watermark == DRAFT

    @property
    def waived_fen(self) -> int:
        return self.waived_interest_fen + self.waived_penalty_fen


@dataclass
class Projection:
    """What the debt is on a date: now, on the plan, or if nothing is paid."""

    label: str
    on: date | None
    principal_fen: int
    interest_fen: int
    penalty_fen: int
    total_fen: int


@dataclass
class SheetForm:
    """减免明白纸: one page for the household, in plain words and one table."""

    household: str
    lender: str
    witness: str
    as_of: date
    number: str | None
    paragraphs: list[str]
    rows: list[Projection]            # now (no reduction), on the plan, in 6 and 12 months
    plan_total_fen: int
    loans: list[LoanLine]
    schedule: list[ScheduleLine]
    basis_text: str
    contact: str | None = None
    watermark: str | None = None      # "草稿" while the reduction waits for its approval
    banner: str | None = None
    operator: str = ""


@dataclass
class ReceiptLine:
    loan_no: str
    principal_fen: int
    interest_fen: int
    penalty_fen: int

    @property
    def amount_fen(self) -> int:
        return self.principal_fen + self.interest_fen + self.penalty_fen


@dataclass
class ReceiptForm:
    """还款凭证: printed twice on one A4 page (交款人留存 / 存根)."""

    receipt_no: str
    paid_on: date
    payer: str
    household: str
    address: str | None
    lender: str
    collector: str                    # the township office that took the money
    operator: str                     # who recorded it
    agreement_number: str | None
    lines: list[ReceiptLine]
    installments: list[tuple[int, date, int, int]] = field(default_factory=list)  # no, due, paid now, left
    remaining_fen: int | None = None  # left to pay under the agreement after this
    note: str | None = None

    @property
    def amount_fen(self) -> int:
        return sum(ln.amount_fen for ln in self.lines)
