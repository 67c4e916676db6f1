"""A worklist's list sorted by a column is the whole list sorted, then its first rows (not the
first rows of the list's own order, sorted)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.cli import main
from app.domain.errors import InputError
from app.services.households import HouseholdFilter
from app.services.work import worklist

TODAY = date.today()


def ids(lst):
    return [r.id for r in lst.items]


def test_the_largest_amounts_come_first_from_the_whole_list(demo_db):
    whole = worklist.work_list(demo_db, "overdue", TODAY, limit=10_000)
    assert whole.total > 5
    top = worklist.work_list(demo_db, "overdue", TODAY, sort="outstanding", descending=True, limit=5)
    assert top.total == whole.total
    largest = sorted((r.outstanding_fen for r in whole.items), reverse=True)[:5]
    assert [r.outstanding_fen for r in top.items] == largest
    # the list's own order (longest overdue first) would not have given them
    first_five = [r.outstanding_fen for r in whole.items[:5]]
    assert sorted(first_five, reverse=True) != largest


@pytest.mark.parametrize("sort", sorted(worklist.SORTS))
@pytest.mark.parametrize("descending", [False, True])
def test_the_index_and_the_facts_sort_alike(demo_db, sort, descending):
    orders = worklist._check_sorts({k: (sort, descending) for k in worklist._LISTS})
    scope = HouseholdFilter(as_of=TODAY)
    fast = worklist._lists_from_index(demo_db, scope, 1000, orders)
    slow = worklist._lists_from_facts(demo_db, scope, 1000, None, orders)
    for got, want in zip(fast, slow):
        assert ids(got) == ids(want)


def test_sorted_values_are_in_order(demo_db):
    w = worklist.compute(demo_db, TODAY, limit=1000, sorts={"never_visited": ("name", False),
                                                            "broken_promises": ("promise_date", True),
                                                            "overdue": ("days_overdue", True)})
    from app.domain.pinyin import full

    names = [full(r.head_name) for r in w.never_visited.items]
    assert names == sorted(names)
    promised = [r.promise_date for r in w.broken_promises.items]
    assert promised == sorted(promised, reverse=True)
    overdue = [r.next_date for r in w.overdue.items]        # most days overdue first
    assert overdue == sorted(overdue)


def test_an_unknown_order_is_refused(demo_db):
    with pytest.raises(InputError, match="不能按"):
        worklist.work_list(demo_db, "overdue", sort="phone")
    with pytest.raises(InputError, match="清单"):
        worklist.work_list(demo_db, "everything")


def test_the_command_line_sorts_before_it_cuts(demo_path, capsys):
    import json

    assert main(["worklist", "--db", str(demo_path), "--limit", "1000", "--json"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert main(["worklist", "--db", str(demo_path), "--limit", "3", "--sort", "outstanding", "--desc",
                 "--json"]) == 0
    top = json.loads(capsys.readouterr().out)
    for key in ("overdue", "never_visited", "broken_promises"):
        want = sorted((h["outstanding"] for h in whole[key]["households"]), key=Decimal, reverse=True)[:3]
        assert [h["outstanding"] for h in top[key]["households"]] == want
        assert top[key]["total"] == whole[key]["total"]
    assert main(["worklist", "--db", str(demo_path), "--sort", "phone"]) == 1
    assert "不能按" in capsys.readouterr().err
