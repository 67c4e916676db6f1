"""A later ledger updates balances: each yuan recovered is counted once; loans it no longer
lists are flagged, never deleted; the task amount never changes."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.db.models import Household, LedgerBalance, Loan, Repayment
from app.services.ledger_import import import_ledger
from app.services.reporting.summary import compute
from tests.integration.ledger_import.ledger_files import HEADER, loan_row, make_id

TODAY = date(2026, 12, 20)


def _ledger(write_xlsx, as_of: str, rows: list[list], name: str):
    return write_xlsx({"柳林镇": [["清收任务清单（柳林镇）"], [f"单位：元  数据截至：{as_of}"], HEADER, *rows]}, name=name)


def _loan(db, loan_no: str) -> Loan:
    with db.uow() as uow:
        loan = uow.session.scalars(select(Loan).where(Loan.loan_no == loan_no)).one()
        uow.session.expunge(loan)
        return loan


def _repayments(db, loan_no: str) -> list[tuple[str, int, date]]:
    with db.uow() as uow:
        return [(r.source, r.principal_fen, r.paid_on) for r in uow.session.scalars(
            select(Repayment).join(Loan, Loan.id == Repayment.loan_id).where(Loan.loan_no == loan_no)
            .order_by(Repayment.paid_on, Repayment.source))]


def _record_township_repayment(db, loan_no: str, fen: int, on: date) -> None:
    """What the repayment service does (kept here so this test stands alone)."""
    with db.uow("乡镇") as uow:
        loan = uow.session.scalars(select(Loan).where(Loan.loan_no == loan_no)).one()
        uow.session.add(Repayment(loan_id=loan.id, paid_on=on, amount_fen=fen, principal_fen=fen, source="township"))
        loan.balance_fen -= fen
        uow.commit()


def test_a_lower_balance_counts_once_and_a_township_repayment_is_matched(new_db, write_xlsx):
    first = _ledger(write_xlsx, "2026年10月31日", [loan_row(1, balance=10000), loan_row(2, balance=8000),
                                                loan_row(3, balance=5000)], "oct.xlsx")
    import_ledger(new_db, first, today=TODAY)
    _record_township_repayment(new_db, "620100100002", 3000_00, date(2026, 11, 10))

    later = _ledger(write_xlsx, "2026年11月30日", [loan_row(1, balance=6000), loan_row(2, balance=4000),
                                                loan_row(3, balance=5000)], "nov.xlsx")
    r = import_ledger(new_db, later, today=TODAY)

    # loan 1: the bank reports 4000 back; loan 2: 3000 of the 4000 the township recorded already
    assert _repayments(new_db, "620100100001") == [("bank", 4000_00, date(2026, 11, 30))]
    assert _repayments(new_db, "620100100002") == [("township", 3000_00, date(2026, 11, 10)),
                                                    ("bank", 1000_00, date(2026, 11, 30))]
    assert _repayments(new_db, "620100100003") == []
    assert r.bank_recovered_fen == 5000_00
    assert (r.loans_updated, r.loans_unchanged) == (2, 1)
    for no, task, balance in (("620100100001", 10000_00, 6000_00), ("620100100002", 8000_00, 4000_00)):
        loan = _loan(new_db, no)
        assert (loan.task_amount_fen, loan.balance_fen, loan.ledger_date) == (task, balance, date(2026, 11, 30))
    totals = compute(new_db, TODAY).totals
    assert totals.recovered_fen == 8000_00 and totals.outstanding_fen == 15000_00

    # the same balances again in a re-saved copy: nothing more is counted
    again = _ledger(write_xlsx, "2026年11月30日", [loan_row(1, balance=6000), loan_row(2, balance=4000),
                                                loan_row(3, balance=5000), [""]], "nov-copy.xlsx")
    r2 = import_ledger(new_db, again, today=TODAY)
    assert not r2.already_imported
    assert (r2.loans_updated, r2.loans_unchanged, r2.bank_recovered_fen) == (0, 3, 0)
    assert compute(new_db, TODAY).totals.recovered_fen == 8000_00


def test_a_paid_off_loan_is_settled(new_db, write_xlsx):
    import_ledger(new_db, _ledger(write_xlsx, "2026年10月31日", [loan_row(1, balance=10000)], "a.xlsx"), today=TODAY)
    r = import_ledger(new_db, _ledger(write_xlsx, "2026年11月30日", [loan_row(1, balance=0)], "b.xlsx"), today=TODAY)
    assert r.loans_settled == 1
    loan = _loan(new_db, "620100100001")
    assert (loan.balance_fen, loan.stage) == (0, "settled")
    assert compute(new_db, TODAY).totals.settled == 1


def test_a_higher_balance_is_flagged_not_counted(new_db, write_xlsx):
    import_ledger(new_db, _ledger(write_xlsx, "2026年10月31日", [loan_row(1, balance=10000)], "a.xlsx"), today=TODAY)
    _record_township_repayment(new_db, "620100100001", 2000_00, date(2026, 11, 5))
    r = import_ledger(new_db, _ledger(write_xlsx, "2026年11月30日", [loan_row(1, balance=10000)], "b.xlsx"),
                      today=TODAY)
    assert [w.code for w in r.warnings] == ["balance_higher"]
    assert r.bank_recovered_fen == 0
    assert _loan(new_db, "620100100001").balance_fen == 8000_00


def test_a_loan_missing_from_a_later_ledger_is_listed_never_deleted(new_db, write_xlsx):
    import_ledger(new_db, _ledger(write_xlsx, "2026年10月31日", [loan_row(1), loan_row(2), loan_row(3)], "a.xlsx"),
                  today=TODAY)
    r = import_ledger(new_db, _ledger(write_xlsx, "2026年11月30日", [loan_row(1), loan_row(3)], "b.xlsx"), today=TODAY)
    assert [(m.loan_no, m.name, m.township) for m in r.loans_missing] == [("620100100002", "张三", "柳林镇")]
    missing = _loan(new_db, "620100100002")
    assert missing.missing_from_ledger and not missing.deleted and missing.balance_fen == 10000_00
    assert not _loan(new_db, "620100100001").missing_from_ledger
    # back in the next ledger: no longer flagged
    import_ledger(new_db, _ledger(write_xlsx, "2026年12月15日", [loan_row(1), loan_row(2), loan_row(3)], "c.xlsx"),
                  today=TODAY)
    assert not _loan(new_db, "620100100002").missing_from_ledger


def test_a_new_loan_in_a_later_ledger_joins_its_household(new_db, write_xlsx):
    idno = make_id("62242619800613171")
    import_ledger(new_db, _ledger(write_xlsx, "2026年10月31日", [loan_row(1, name="马有兰", idno=idno)], "a.xlsx"),
                  today=TODAY)
    r = import_ledger(new_db, _ledger(write_xlsx, "2026年11月30日", [loan_row(1, name="马有兰", idno=idno),
                                                                   loan_row(9, name="马有兰", idno=idno, balance=300)],
                                      "b.xlsx"), today=TODAY)
    assert (r.loans_imported, r.households_new) == (1, 0)
    new = _loan(new_db, "620100100009")
    assert new.household_id == _loan(new_db, "620100100001").household_id
    assert (new.task_amount_fen, new.task_date) == (300_00, date(2026, 11, 30))
    with new_db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Household)) == 1


def test_an_older_ledger_read_late_changes_no_balance(new_db, write_xlsx):
    import_ledger(new_db, _ledger(write_xlsx, "2026年11月30日", [loan_row(1, balance=6000)], "nov.xlsx"), today=TODAY)
    r = import_ledger(new_db, _ledger(write_xlsx, "2026年10月31日", [loan_row(1, balance=10000)], "oct.xlsx"),
                      today=TODAY)
    assert (r.loans_updated, r.loans_unchanged) == (0, 1)
    loan = _loan(new_db, "620100100001")
    assert (loan.balance_fen, loan.ledger_date) == (6000_00, date(2026, 11, 30))
    with new_db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(LedgerBalance)) == 2   # history kept


def test_a_new_loan_officer_takes_over_the_loan(new_db, write_xlsx):
    from app.db.models import Assignment, Staff

    import_ledger(new_db, _ledger(write_xlsx, "2026年10月31日", [loan_row(1, officer="钱明")], "a.xlsx"), today=TODAY)
    r = import_ledger(new_db, _ledger(write_xlsx, "2026年11月30日", [loan_row(1, officer="孙立新", **{"五级分类": "损失"})],
                                      "b.xlsx"), today=TODAY)
    assert r.loans_updated == 1 and r.bank_recovered_fen == 0
    loan = _loan(new_db, "620100100001")
    assert (loan.loan_officer, loan.five_class) == ("孙立新", "损失")
    with new_db.uow() as uow:
        s = uow.session
        current = s.scalars(select(Staff.name).join(Assignment, Assignment.staff_id == Staff.id)
                            .where(Assignment.loan_id == loan.id, Assignment.deleted.is_(False))).all()
        retired = s.scalars(select(Staff.name).join(Assignment, Assignment.staff_id == Staff.id)
                            .where(Assignment.loan_id == loan.id, Assignment.deleted.is_(True))).all()
    assert (current, retired) == (["孙立新"], ["钱明"])


def test_the_household_list_shows_each_ledgers_figures(new_db, write_xlsx):
    """After an import the list (once prepared, as the window and the CLI do) shows the new
    households and the balances of the latest ledger, never the old figures."""
    from app.services import households
    from app.services.households import HouseholdFilter

    import_ledger(new_db, _ledger(write_xlsx, "2026年10月31日", [loan_row(1, balance=10000)], "a.xlsx"),
                  today=TODAY)
    households.prepare(new_db)
    found = households.page(new_db, HouseholdFilter(text="620"), "name", limit=10)
    assert found.total == 1
    [before] = households.rows(new_db, found.ids)
    import_ledger(new_db, _ledger(write_xlsx, "2026年11月30日", [loan_row(1, balance=4000)], "b.xlsx"),
                  today=TODAY)
    households.prepare(new_db)
    [after] = households.rows(new_db, found.ids)
    assert before.outstanding_fen == 1_000_000
    assert (after.outstanding_fen, after.recovered_fen) == (400_000, 600_000)


def test_the_household_list_after_a_ledger_with_old_and_new_households(new_db, write_xlsx):
    """A later ledger that adds a loan to a listed household and brings a new household: the
    list (its index built before) shows the listed household's new total and the newcomer."""
    from app.services import households
    from app.services.households import HouseholdFilter

    zhang = make_id("62242119601018001")
    import_ledger(new_db, _ledger(write_xlsx, "2026年10月31日", [loan_row(1, idno=zhang, balance=10000)], "a.xlsx"),
                  today=TODAY)
    households.prepare(new_db)
    assert households.page(new_db, HouseholdFilter(), "name", limit=10).total == 1
    later = [loan_row(1, idno=zhang, balance=8000), loan_row(2, idno=zhang, balance=5000),
             loan_row(3, name="李四", idno=make_id("62242119700101002"), balance=3000)]
    import_ledger(new_db, _ledger(write_xlsx, "2026年11月30日", later, "b.xlsx"), today=TODAY)
    households.prepare(new_db)
    found = households.page(new_db, HouseholdFilter(), "name", limit=10)
    shown = {r.head_name: (r.outstanding_fen, r.recovered_fen) for r in households.rows(new_db, found.ids)}
    assert shown == {"张三": (1_300_000, 200_000), "李四": (300_000, 0)}
