"""The shared ledger sample imports exactly as its truth.json says, and next month's ledger
gives the after-update figures."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.db.models import (
    Assignment,
    AuditEntry,
    CategoryTag,
    Household,
    LedgerBalance,
    LedgerImport,
    Loan,
    Person,
    Repayment,
    Staff,
)
from app.domain.errors import InputError
from app.services.ledger_import import import_ledger
from app.services.reporting.summary import compute

TODAY = date(2026, 12, 5)   # a day after both ledgers' data dates


@pytest.fixture
def truth(sample_dir) -> dict:
    return json.loads((sample_dir / "truth.json").read_text(encoding="utf-8"))


def _fen(yuan: str) -> int:
    return int(Decimal(yuan) * 100)


def test_sample_imports_as_truth_says(new_db, sample_dir, truth):
    r = import_ledger(new_db, sample_dir / "ledger.xlsx", today=TODAY)

    assert r.loans_imported == truth["loans_valid"]
    assert r.balance_fen == _fen(truth["balance_total"])
    assert {(x.sheet, x.row, x.reason) for x in r.rows_rejected} == \
        {(x["sheet"], x["row"], x["reason"]) for x in truth["rejected"]}
    assert len(r.rows_rejected) == truth["rows_rejected"]
    assert {(x.sheet, x.row, x.loan_no) for x in r.rows_rejected} == \
        {(x["sheet"], x["row"], x["loan_no"]) for x in truth["rejected"]}
    assert {(w.sheet, w.row, w.code, w.loan_no) for w in r.warnings} == \
        {(w["sheet"], w["row"], w["code"], w["loan_no"]) for w in truth["warned"]}
    assert Counter(w.code for w in r.warnings) == Counter(truth["warnings"])
    assert r.as_of == date(2026, 10, 31)
    assert r.households == truth["borrower_ids"]

    summary = compute(new_db, TODAY)
    by_name = {t.name: t for t in summary.townships}
    for name, expected in truth["by_township"].items():
        assert by_name[name].loans == expected["loans"]
        assert by_name[name].task_fen == _fen(expected["balance"])
    assert summary.totals.task_fen == _fen(truth["balance_total"])
    assert summary.totals.recovered_fen == 0
    with new_db.uow() as uow:
        s = uow.session
        assert s.scalar(select(func.sum(Loan.interest_fen))) == _fen(truth["interest_total"])
        assert s.scalar(select(func.count()).select_from(Household)) == truth["borrower_ids"]


def test_sample_loans_have_their_borrower_and_balance(new_db, sample_dir, truth):
    import_ledger(new_db, sample_dir / "ledger.xlsx", today=TODAY)
    with new_db.uow() as uow:
        s = uow.session
        for expected in truth["some_loans"]:
            loan = s.scalars(select(Loan).where(Loan.loan_no == expected["loan_no"])).one()
            person = s.get(Person, loan.borrower_id)
            household = s.get(Household, loan.household_id)
            township = loan.township_id
            assert person.name == expected["name"]
            assert household.head_name == expected["name"]
            assert loan.balance_fen == loan.task_amount_fen == _fen(expected["balance"])
            names = {t.unit_id: t.name for t in compute(new_db, TODAY).townships}
            assert names[township] == expected["township"]


def test_next_months_ledger_gives_the_after_update_figures(new_db, sample_dir, truth):
    import_ledger(new_db, sample_dir / "ledger.xlsx", today=TODAY)
    r = import_ledger(new_db, sample_dir / "update.xlsx", today=TODAY)
    after = truth["after_update"]

    assert r.bank_recovered_fen == _fen(after["bank_reported_recovered"])
    assert r.loans_imported == 0
    assert r.loans_updated + r.loans_unchanged == truth["loans_valid"]
    assert r.loans_missing == []
    totals = compute(new_db, TODAY).totals
    assert totals.outstanding_fen == _fen(after["balance_total"])
    assert totals.recovered_fen == _fen(after["bank_reported_recovered"])
    assert totals.settled == after["loans_paid_off"]
    assert totals.task_fen == _fen(truth["balance_total"])   # the task amount never changes
    with new_db.uow() as uow:
        s = uow.session
        # balance_fen stays task − recovered for every loan
        for loan in s.scalars(select(Loan)):
            recovered = s.scalar(select(func.coalesce(func.sum(Repayment.principal_fen), 0))
                                 .where(Repayment.loan_id == loan.id))
            assert loan.balance_fen == loan.task_amount_fen - recovered
        assert s.scalar(select(func.count()).select_from(LedgerBalance)) == 2 * truth["loans_valid"]
        sources = set(s.scalars(select(Repayment.source)))
        assert sources == {"bank"}
        settled = s.scalars(select(Loan).where(Loan.balance_fen == 0)).all()
        assert len(settled) == after["loans_paid_off"]
        assert {loan.stage for loan in settled} == {"settled"}


def test_reimporting_the_same_file_changes_nothing(new_db, sample_dir, truth):
    import_ledger(new_db, sample_dir / "ledger.xlsx", today=TODAY)
    import_ledger(new_db, sample_dir / "update.xlsx", today=TODAY)
    counts_before = _counts(new_db)

    again = import_ledger(new_db, sample_dir / "update.xlsx", today=TODAY)
    first_again = import_ledger(new_db, sample_dir / "ledger.xlsx", today=TODAY)

    assert again.already_imported and first_again.already_imported
    assert again.loans_unchanged == truth["loans_valid"]
    assert again.loans_imported == again.loans_updated == 0
    assert again.bank_recovered_fen == 0
    assert _counts(new_db) == counts_before
    totals = compute(new_db, TODAY).totals
    assert totals.outstanding_fen == _fen(truth["after_update"]["balance_total"])


def test_import_writes_officers_tags_and_one_audit_entry(new_db, sample_dir):
    r = import_ledger(new_db, sample_dir / "ledger.xlsx", actor="李会计", today=TODAY)
    with new_db.uow() as uow:
        s = uow.session
        officers = set(s.scalars(select(Staff.name).where(Staff.title == "信贷员")))
        assert officers == {"吴海燕", "孙立新", "赵信贷", "钱明", "李秀云", "周志刚"}
        duties = s.scalars(select(Assignment.duty)).all()
        assert len(duties) == r.loans_imported and set(duties) == {"loan_officer"}
        tagged = s.scalars(select(Loan.loan_no).join(CategoryTag, CategoryTag.loan_id == Loan.id)
                           .where(CategoryTag.code == "large_mortgage")).all()
        expected = s.scalars(select(Loan.loan_no).where(Loan.guarantee.contains("抵押"),
                                                        Loan.task_amount_fen >= 100_000_000)).all()
        assert sorted(tagged) == sorted(expected) and tagged
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "ledger_imports")).all()
        assert len(entries) == 1 and entries[0].actor == "李会计" and "ledger.xlsx" in entries[0].summary
        imp = s.scalars(select(LedgerImport)).one()
        assert imp.as_of == date(2026, 10, 31) and imp.summary_json
        loan = s.scalars(select(Loan).where(Loan.loan_no == "620100100021")).one()
        assert loan.task_date == date(2026, 10, 31) and loan.hlc and loan.origin_unit
        assert loan.issue_date == date(2010, 9, 17) and loan.due_date == date(2012, 9, 16)
        assert s.get(Household, loan.household_id).pinyin_initials == "dhg"   # 戴华贵


def test_unusable_ids_group_by_name_and_village_for_review(new_db, sample_dir):
    import_ledger(new_db, sample_dir / "ledger.xlsx", today=TODAY)
    with new_db.uow() as uow:
        s = uow.session
        # 谢丽红's second loan has an ID with a wrong check digit: same household, flagged.
        a = s.scalars(select(Loan).where(Loan.loan_no == "620100101322")).one()
        b = s.scalars(select(Loan).where(Loan.loan_no == "620100101334")).one()
        assert a.household_id == b.household_id
        household = s.get(Household, a.household_id)
        assert household.needs_review and household.head_id_number == "622423195702210595"
        # 薛英珍's ID was cut by Excel and she has no other loan: her own household, flagged.
        c = s.scalars(select(Loan).where(Loan.loan_no == "620100102143")).one()
        alone = s.get(Household, c.household_id)
        assert alone.needs_review and alone.head_id_number is None
        person = s.get(Person, c.borrower_id)
        assert person.id_problem == "mangled" and person.id_number is None
        ok = s.scalars(select(Loan).where(Loan.loan_no == "620100100021")).one()
        assert not s.get(Household, ok.household_id).needs_review


def _counts(db) -> dict:
    with db.uow() as uow:
        s = uow.session
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                for m in (Loan, Household, Person, Repayment, LedgerBalance, LedgerImport, Assignment, AuditEntry)}


def test_an_agreement_can_be_drawn_up_on_a_ledger_dated_after_todays_date(new_db, sample_dir, monkeypatch):
    """The bank's next ledger says 数据截至 2026-11-30 but the computer's date is 2026-11-22:
    what is owed today is the ledger's own figures, with nothing accrued on top."""
    from app.services import agreements
    from app.services.agreements.owed import quote
    from app.services.foundation import work_common

    today = date(2026, 11, 22)
    monkeypatch.setattr(work_common, "current_day", lambda: today)
    import_ledger(new_db, sample_dir / "ledger.xlsx", today=today)
    import_ledger(new_db, sample_dir / "update.xlsx", today=today)
    q = quote(new_db, ["620100100040"], today)
    [loan] = q.loans
    assert (loan.accrued_interest_fen, loan.accrued_penalty_fen) == (0, 0)
    assert loan.accrued_from == today and loan.ledger_interest_fen > 0
    view = agreements.create(new_db, agreements.PlanRequest(
        loan_nos=["620100100040"], as_of=today, installments=6, first_due=date(2027, 1, 15)))
    assert sum(i.amount_fen for i in view.installments) == view.total_fen == q.owed_fen
    # a date before a ledger already dated in the past is still refused
    monkeypatch.setattr(work_common, "current_day", lambda: date(2026, 12, 31))
    with pytest.raises(InputError, match="早于贷款"):
        quote(new_db, ["620100100040"], today)
