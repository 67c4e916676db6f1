"""The household page: everything about one household, and edits saved as one unit."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from app.domain.errors import InputError, NotFound
from app.services import households as H
from app.services.households import AssignmentSpec, HouseholdChanges, HouseholdFilter, NewPerson, PersonChange
from app.services.households import detail as household_page


def a_household(db, where="1 = 1"):
    with db.engine.connect() as conn:
        return conn.execute(text(f"SELECT h.id FROM households h WHERE {where} ORDER BY h.id LIMIT 1")).scalar_one()


def test_detail_has_people_loans_categories_responsible_history_and_timeline(demo_db):
    hid = a_household(demo_db, "EXISTS (SELECT 1 FROM loans l JOIN repayments r ON r.loan_id = l.id "
                               "WHERE l.household_id = h.id) AND EXISTS (SELECT 1 FROM visits v "
                               "WHERE v.household_id = h.id) AND EXISTS (SELECT 1 FROM category_tags c "
                               "WHERE c.household_id = h.id)")
    d = household_page.detail(demo_db, hid)
    assert d.people and d.people[0].role == "borrower" and d.people[0].role_name == "借款人"
    assert d.loans and all(ln.outstanding_fen == ln.task_fen - ln.recovered_fen for ln in d.loans)
    assert d.recovered_fen > 0 and d.task_fen == sum(ln.task_fen for ln in d.loans)
    assert d.categories and d.categories[0].name
    assert {a.duty for a in d.assignments} >= {"leader", "resident", "village", "loan_officer"}
    kinds = {t.kind for t in d.timeline}
    assert {"visit", "repayment"} <= kinds
    assert [t.on for t in d.timeline] == sorted((t.on for t in d.timeline), reverse=True)
    assert all(t.title for t in d.timeline)


def test_unknown_household(demo_db):
    with pytest.raises(NotFound):
        household_page.detail(demo_db, "no-such-household")


def test_edits_are_saved_together_and_logged(demo_db):
    hid = a_household(demo_db, "capacity = 'unknown' AND NOT EXISTS (SELECT 1 FROM category_tags c "
                               "WHERE c.household_id = h.id)")
    before = household_page.detail(demo_db, hid)
    staff = [r[0] for r in demo_db.engine.connect().execute(text("SELECT id FROM staff LIMIT 2"))]
    borrower = before.people[0]
    d = H.update(demo_db, hid, HouseholdChanges(
        capacity="able", capacity_reason="儿子在外务工，月收入六千元",
        categories=["imprisoned", "public_servant"],
        persons=[PersonChange(borrower.id, is_imprisoned=True, release_date=__import__("datetime").date(2028, 5, 1))],
        new_persons=[NewPerson("张继承", role="heir", phone="13900001111")],
        note="2026年由村干部协助联系",
        assignments=[AssignmentSpec(staff[0], "leader"), AssignmentSpec(staff[1], "resident")],
    ), actor="李干部")
    assert d.capacity == "able" and d.capacity_name == "有偿还能力" and "务工" in d.capacity_reason
    assert set(d.household_category_codes) == {"imprisoned", "public_servant"}
    assert d.people[0].is_imprisoned and d.people[0].release_date.year == 2028
    assert any(p.name == "张继承" and p.role == "heir" for p in d.people)
    assert {(a.staff_id, a.duty) for a in d.assignments} == {(staff[0], "leader"), (staff[1], "resident")}
    with demo_db.engine.connect() as conn:
        entry = conn.execute(text("SELECT actor, summary FROM audit_log WHERE action = 'edit' "
                                  "AND entity = 'households' AND entity_id = :h"), {"h": hid}).one()
        assert entry[0] == "李干部" and "有偿还能力" in entry[1] and "服刑" in entry[1]
        changed = conn.execute(text("SELECT changes FROM audit_log WHERE entity = 'households' "
                                    "AND action = 'update' AND changes IS NOT NULL AND entity_id = :h"),
                               {"h": hid}).scalars().all()
        assert any(json.loads(c).get("capacity") == ["unknown", "able"] for c in changed)
    # The list shows it at once.
    assert hid in H.ids(demo_db, HouseholdFilter(category="imprisoned"))
    assert hid in H.ids(demo_db, HouseholdFilter(capacity="able"))
    assert hid in H.ids(demo_db, HouseholdFilter(text="张继承"))
    assert hid in H.ids(demo_db, HouseholdFilter(staff_id=staff[1]))
    # Removing a category leaves a tombstone, never deletes the row.
    d2 = H.update(demo_db, hid, HouseholdChanges(categories=["public_servant"]), actor="李干部")
    assert d2.household_category_codes == ("public_servant",)
    with demo_db.engine.connect() as conn:
        assert conn.execute(text("SELECT deleted FROM category_tags WHERE household_id = :h AND code = 'imprisoned'"),
                            {"h": hid}).scalar_one() == 1
    assert hid not in H.ids(demo_db, HouseholdFilter(category="imprisoned"))


@pytest.mark.parametrize("changes", [
    HouseholdChanges(capacity="able", categories=["no_such_category"]),
    HouseholdChanges(note="新备注", capacity="rich"),
    HouseholdChanges(capacity="evasive"),                       # a judgement needs its reason
    HouseholdChanges(note="x", persons=[PersonChange("no-such-person", is_deceased=True)]),
    HouseholdChanges(note="x", assignments=[AssignmentSpec("no-such-staff", "leader")]),
    HouseholdChanges(note="x", new_persons=[NewPerson("  ")]),
])
def test_a_refused_edit_changes_nothing(demo_db, changes, fingerprint):
    hid = a_household(demo_db, "capacity = 'unknown' AND capacity_reason IS NULL")
    before = fingerprint(demo_db)
    with pytest.raises((InputError, NotFound)):
        H.update(demo_db, hid, changes, actor="李干部")
    assert fingerprint(demo_db) == before


def test_saving_without_changes_writes_nothing(demo_db, audits):
    hid = a_household(demo_db)
    d = household_page.detail(demo_db, hid)
    before = audits(demo_db)
    H.update(demo_db, hid, HouseholdChanges(capacity=d.capacity, note=d.note or "",
                                            categories=d.household_category_codes), actor="李干部")
    assert audits(demo_db) == before


def test_the_page_shows_how_each_signed_agreement_stands_on_its_date(demo_db):
    """An agreement's status stores its life cycle; the page measures a signed one from the
    payments under it: 已履行 once paid in full, 已违约 on a date with instalments missed."""
    with demo_db.engine.connect() as c:
        paid_in_full = c.execute(text(
            "SELECT a.household_id, a.id FROM agreements a WHERE a.status = 'signed' AND a.deleted = 0 "
            "AND (SELECT coalesce(sum(r.amount_fen), 0) FROM repayments r WHERE r.agreement_id = a.id "
            "AND r.deleted = 0) >= a.total_fen LIMIT 1")).one()
        unpaid = c.execute(text(
            "SELECT a.household_id, a.id, max(i.due_date) FROM agreements a JOIN installments i "
            "ON i.agreement_id = a.id WHERE a.status = 'signed' AND a.deleted = 0 AND NOT EXISTS "
            "(SELECT 1 FROM repayments r WHERE r.agreement_id = a.id AND r.deleted = 0) "
            "GROUP BY a.id LIMIT 1")).one()
    shown = {a.id: a for a in household_page.detail(demo_db, paid_in_full[0]).agreements}
    assert (shown[paid_in_full[1]].status, shown[paid_in_full[1]].status_name) == ("fulfilled", "已履行")
    from datetime import date, timedelta
    long_after = date.fromisoformat(str(unpaid[2])[:10]) + timedelta(days=400)
    shown = {a.id: a for a in household_page.detail(demo_db, unpaid[0], long_after).agreements}
    assert (shown[unpaid[1]].status, shown[unpaid[1]].status_name) == ("broken", "已违约")
