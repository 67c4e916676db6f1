"""The window's list of agreements and the new-agreement dialog's look-ups, on the demo database."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.errors import InputError
from app.domain.pinyin import initials
from app.services import agreements
from app.services.agreements.agreements import PlanRequest
from app.services.agreements.overview import overview
from app.services.agreements.picker import household_loans, household_of_loans, plan_of, search_households
from app.services.recovery import agreement_payments
from tests.integration.agreements.agreement_helpers import free_households

TODAY = date(2026, 11, 22)


def test_overview_lists_every_agreement_with_what_the_service_measures(demo_db):
    items = overview(demo_db, TODAY)
    listed = agreements.list_agreements(demo_db)
    assert {i.id for i in items} == {r.id for r in listed}
    broken = {d.agreement_id: d for d in agreements.broken_agreements(demo_db, TODAY)}
    assert broken and {i.id for i in items if i.state == "broken"} == set(broken)
    for item in items:
        if item.id in broken:
            assert item.days_overdue == broken[item.id].days_overdue
            assert item.next_left_fen == broken[item.id].left_fen
            assert item.state_name == "已违约"
    for days in (7, 30, 90):
        due = {d.agreement_id for d in agreements.agreements_due(demo_db, TODAY, days)}
        assert {i.id for i in items if i.due_within(TODAY, days)} == due


def test_overview_follows_payments_and_new_versions(demo_db):
    loans = free_households(demo_db)[0]
    view = agreements.create(demo_db, PlanRequest(loans, TODAY, installments=3, first_due=TODAY + timedelta(days=10)))
    item = next(i for i in overview(demo_db, TODAY) if i.id == view.id)
    assert (item.state, item.state_name, item.paid_fen) == ("draft", "草稿", 0)
    assert item.next_no == 1 and item.next_left_fen == view.installments[0].amount_fen
    assert item.matches(loans[0]) and item.matches(view.household) and not item.matches("没有这个人")
    agreements.sign(demo_db, view.id, TODAY)
    first = view.installments[0].amount_fen
    agreement_payments.pay(demo_db, view.id, first + 100, TODAY)
    item = next(i for i in overview(demo_db, TODAY) if i.id == view.id)
    assert item.paid_fen == first + 100 and item.next_no == 2
    assert item.next_left_fen == view.installments[1].amount_fen - 100
    new = agreements.revise(demo_db, view.id, PlanRequest(loans, TODAY, installments=2,
                                                          first_due=TODAY + timedelta(days=10)))
    current = overview(demo_db, TODAY, include_history=False)
    assert new.id in {i.id for i in current} and view.id not in {i.id for i in current}
    old = next(i for i in overview(demo_db, TODAY) if i.id == view.id)
    assert old.state_name == "旧版本"


def test_search_households_by_name_initials_and_loan_number(demo_db):
    loans = free_households(demo_db)[0]
    hh = household_of_loans(demo_db, [])
    assert hh is None
    found = search_households(demo_db, loans[0])
    assert len(found) == 1 and found[0].loans >= 1
    name = found[0].name
    assert found[0].id in {h.id for h in search_households(demo_db, name)}
    assert found[0].id in {h.id for h in search_households(demo_db, initials(name).upper())}
    assert search_households(demo_db, "  ") == []


def test_household_loans_marks_loans_in_another_agreement(demo_db):
    loans = free_households(demo_db, min_loans=2)[0]
    view = agreements.create(demo_db, PlanRequest(loans[:1], TODAY, installments=1, first_due=TODAY, frequency="lump"))
    hh = household_loans(demo_db, view.household_id)
    busy = {ln.loan_no: ln.busy for ln in hh.loans}
    assert busy[loans[0]] and view.number in busy[loans[0]] and busy[loans[1]] is None
    again = household_loans(demo_db, view.household_id, revising=view.id)
    assert all(ln.free for ln in again.loans)
    with pytest.raises(InputError):
        agreements.preview(demo_db, PlanRequest(loans, TODAY, installments=1, first_due=TODAY, frequency="lump"))
    assert agreements.preview(demo_db, PlanRequest(loans, TODAY, installments=1, first_due=TODAY, frequency="lump"),
                              revising=view.id).total_fen > 0


def test_plan_of_gives_back_the_plan_an_agreement_was_made_with(demo_db):
    loans = free_households(demo_db)[0]
    first = TODAY + timedelta(days=5)
    typed = agreements.create(demo_db, PlanRequest(loans, TODAY, installments=3, first_due=first, frequency="quarterly",
                                                   amounts_fen=[10_000, None, 20_000], approval_ref="审批1号",
                                                   waive_all_penalty=True))
    plan = plan_of(demo_db, typed.id).request
    assert (plan.frequency, plan.installments, plan.first_due) == ("quarterly", 3, first)
    assert plan.amounts_fen == [i.amount_fen for i in typed.installments]
    assert plan.approval_ref == "审批1号"
    again = agreements.preview(demo_db, plan, revising=typed.id)
    assert [(i.due, i.amount_fen) for i in again.installments] == [(i.due, i.amount_fen) for i in typed.installments]
    agreements.cancel(demo_db, typed.id)
    custom = agreements.create(demo_db, PlanRequest(loans, TODAY, dates=[first, first + timedelta(days=40)]))
    plan = plan_of(demo_db, custom.id).request
    assert plan.frequency == "custom" and plan.dates == [first, first + timedelta(days=40)] and plan.amounts_fen is None
