"""The bank's reported recovery, derived: what each ledger shows beyond the township's records,
each yuan once."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.db.bank_recovery import _rows

TODAY = date(2026, 12, 31)
TASK = 1_000_000


def _readings(*pairs: tuple[date, int]) -> dict:
    return {d: ((str(d), "i"), balance, f"imp-{d}") for d, balance in pairs}


def _bank(rows: dict, by: date | None = None) -> int:
    return sum(fen for on, fen, *_ in rows.values() if by is None or on <= by)


def test_a_drop_no_one_recorded_is_the_banks():
    rows = _rows("L", TASK, _readings((date(2026, 9, 30), TASK), (date(2026, 10, 31), 800_000)), [], TODAY)
    assert list(rows.values())[0][:2] == (date(2026, 10, 31), 200_000)


def test_money_the_township_recorded_before_the_ledger_is_not_the_banks_too():
    readings = _readings((date(2026, 9, 30), TASK), (date(2026, 10, 31), 800_000))
    assert _bank(_rows("L", TASK, readings, [(date(2026, 10, 20), 150_000)], TODAY)) == 50_000
    assert _bank(_rows("L", TASK, readings, [(date(2026, 10, 20), 250_000)], TODAY)) == 0


def test_money_recorded_after_the_ledgers_date_is_not_matched_with_it():
    readings = _readings((date(2026, 10, 31), 800_000))
    assert _bank(_rows("L", TASK, readings, [(date(2026, 11, 5), 200_000)], TODAY)) == 200_000


def test_a_higher_balance_later_takes_nothing_back_and_an_older_ledger_fills_the_history():
    readings = _readings((date(2026, 9, 30), 900_000), (date(2026, 10, 31), 700_000), (date(2026, 11, 30), 950_000))
    rows = _rows("L", TASK, readings, [], TODAY)
    assert _bank(rows) == 300_000
    assert (_bank(rows, date(2026, 9, 30)), _bank(rows, date(2026, 10, 31))) == (100_000, 300_000)


def test_a_ledger_dated_after_today_is_counted_today():
    rows = _rows("L", TASK, _readings((date(2027, 1, 31), 600_000)), [], TODAY)
    assert [r[:2] for r in rows.values()] == [(TODAY, 400_000)]


def test_the_ids_depend_on_loan_and_date_only():
    one = _rows("L", TASK, _readings((date(2026, 10, 31), 800_000)), [], TODAY)
    two = _rows("L", TASK, _readings((date(2026, 10, 31), 700_000)), [(date(2026, 10, 1), 1)], TODAY)
    assert one.keys() == two.keys()


days = st.integers(min_value=0, max_value=120).map(lambda n: date(2026, 9, 1) + timedelta(days=n))


@settings(max_examples=200, deadline=None)
@given(readings=st.dictionaries(days, st.integers(min_value=0, max_value=TASK), min_size=1, max_size=5),
       paid=st.lists(st.tuples(days, st.integers(min_value=1, max_value=TASK // 4)), max_size=5))
def test_by_every_ledgers_date_recorded_and_reported_cover_what_it_shows_and_no_more_than_any_showed(readings, paid):
    paid = sorted(paid)
    rows = _rows("L", TASK, _readings(*readings.items()), paid, TODAY)
    assert all(fen > 0 for _on, fen, *_ in rows.values())
    shown_before = 0
    for d in sorted(readings):
        township = sum(fen for on, fen in paid if on <= d)
        shown = max(0, TASK - readings[d] - township)
        shown_before = max(shown_before, shown)
        # the bank's part by d is the most any ledger up to d showed beyond the township's records
        assert _bank(rows, d) == shown_before
