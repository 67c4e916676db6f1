"""A settled or written-off household needs no follow-up: no 待跟进 / 承诺未兑现 in the list, the
filters, the worklist, the household page or the command line."""
from __future__ import annotations

from datetime import date

from sqlalchemy import text

from app.cli import main
from app.services import households as H
from app.services.households import HouseholdFilter
from app.services.households import detail as household_page
from app.services.work import worklist
from app.services.work.stages import move_stage

TODAY = date.today()


def _settled_but_due(db) -> list[str]:
    """Households whose loans are all settled and whose last visit's follow-up date has passed."""
    H.prepare(db)
    with db.engine.connect() as conn:
        return [r[0] for r in conn.execute(text(
            "SELECT household_id FROM household_index WHERE stage = 'settled' AND next_date <= :d"),
            {"d": TODAY.isoformat()})]


def _write_off_an_overdue_household(db) -> str:
    """An overdue household whose loans are all moved to 核销."""
    hid = worklist.compute(db, TODAY, limit=1).overdue.items[0].id
    with db.engine.connect() as conn:
        numbers = [r[0] for r in conn.execute(text(
            "SELECT loan_no FROM loans WHERE household_id = :h AND deleted = 0 AND stage != 'settled'"), {"h": hid})]
    for no in numbers:
        move_stage(db, to_stage="written_off", loan_no=no, note="经批准核销")
    return hid


def test_a_settled_household_is_not_due_for_follow_up(demo_db):
    settled = _settled_but_due(demo_db)
    assert settled, "the demo has settled households with a follow-up date in the past"
    for r in H.rows(demo_db, settled):
        assert r.outstanding_fen == 0
        assert not r.followup_due and not r.promise_broken
    assert not set(settled) & set(H.ids(demo_db, HouseholdFilter(followup_due=True)))
    assert not household_page.detail(demo_db, settled[0]).followup_due


def test_a_written_off_household_leaves_the_worklist_and_the_filter(demo_db):
    hid = _write_off_an_overdue_household(demo_db)
    (row,) = H.rows(demo_db, [hid])
    assert row.outstanding_fen > 0 and row.stage == "written_off"
    assert not row.followup_due
    assert hid not in H.ids(demo_db, HouseholdFilter(followup_due=True))
    assert not household_page.detail(demo_db, hid).followup_due
    w = worklist.compute(demo_db, TODAY, limit=1000)
    assert hid not in [r.id for r in w.overdue.items]
    # the filter's count and the worklist's two lists are the same households
    assert H.count(demo_db, HouseholdFilter(followup_due=True)) == w.due_today.total + w.overdue.total
    # and a past date (worked out from the facts) agrees with today's index
    assert hid not in [r.id for r in worklist._lists_from_facts(demo_db, HouseholdFilter(as_of=TODAY), 1000)[1].items]


def test_the_command_line_lists_no_settled_household_as_due(demo_path, capsys):
    from app.bootstrap import open_database

    db = open_database(demo_path)
    try:
        settled = set(_settled_but_due(db))
    finally:
        db.dispose()
    assert main(["households", "--db", str(demo_path), "--followup-due", "--limit", "1000", "--json"]) == 0
    import json

    got = json.loads(capsys.readouterr().out)
    listed = {h["id"] for h in got["households"]}
    assert listed and not listed & settled
    assert all(h["followup_due"] for h in got["households"])
    assert main(["households", "--db", str(demo_path), "--stage", "settled", "--limit", "1000", "--json"]) == 0
    closed = [h for h in json.loads(capsys.readouterr().out)["households"] if h["stage"] == "settled"]
    assert closed and not any(h["followup_due"] or h["promise_broken"] for h in closed)
