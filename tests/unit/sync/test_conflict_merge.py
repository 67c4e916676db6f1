"""Two copies of one conflict settle the same whichever meets the other first: the state a lattice
(resolved beats withdrawn beats open, then the later stamp), the kept side the field's latest while
open and the settler's once resolved, where it was found a union."""
from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from app.sync.conflict_merge import settle

_COLUMNS = ("resolved", "deleted", "resolution", "resolved_by", "resolved_at", "state_hlc", "kept_value",
            "kept_hlc", "found_on", "hlc")


def _copy(kind: int, state: int, kept: int, found: frozenset[str]) -> dict:
    """One computer's copy: what a stamp says is the same everywhere (a change's value, a
    resolution's decision and what it saw kept)."""
    row = {"resolved": 0, "deleted": 0, "resolution": None, "resolved_by": None, "resolved_at": None,
           "state_hlc": None, "kept_value": f"1390000{kept:04d}", "kept_hlc": f"{kept:04d}",
           "found_on": json.dumps(sorted(found)) if found else None, "updated_at": None, "updated_by": None}
    if kind == 1:
        row.update(deleted=1, resolution="withdrawn", state_hlc=f"{state:04d}")
    elif kind == 2:
        row.update(resolved=1, resolution=("kept", "lost")[state % 2], resolved_by=f"人{state}",
                   resolved_at=f"2026-12-0{state % 9 + 1}", state_hlc=f"{state:04d}",
                   kept_value=f"1390000{state:04d}", kept_hlc=f"{state:04d}")
    row["hlc"] = max(row["kept_hlc"], row["state_hlc"] or "")
    return row


copies = st.builds(_copy, st.integers(0, 2), st.integers(0, 20), st.integers(0, 20),
                   st.frozensets(st.sampled_from(["district", "laptop-1", "laptop-2"]), max_size=3))


def _meet(local: dict, remote: dict) -> dict:
    return {**local, **settle(local, remote)}


def _seen(row: dict) -> tuple:
    return tuple(row[c] for c in _COLUMNS)


@given(copies, copies)
def test_either_order_gives_the_same_row(a, b):
    assert _seen(_meet(a, b)) == _seen(_meet(b, a))


@given(copies, copies, copies)
def test_three_copies_in_any_grouping_give_the_same_row(a, b, c):
    assert _seen(_meet(_meet(a, b), c)) == _seen(_meet(a, _meet(b, c)))


@given(copies)
def test_meeting_itself_changes_nothing(a):
    assert settle(a, a) == {}


def test_a_resolution_beats_a_later_withdrawal_and_brings_what_it_saw_kept():
    open_ = _copy(0, 0, 9, frozenset({"laptop-1"}))
    withdrawn = _copy(1, 12, 9, frozenset({"district"}))
    resolved = _copy(2, 5, 3, frozenset({"district"}))
    got = _meet(_meet(open_, withdrawn), resolved)
    assert (got["resolved"], got["deleted"], got["resolution"], got["state_hlc"]) == (1, 0, "lost", "0005")
    assert (got["kept_value"], got["kept_hlc"]) == ("13900000005", "0005")
    assert json.loads(got["found_on"]) == ["district", "laptop-1"]
    # of two resolutions the later stands
    assert _meet(resolved, _copy(2, 8, 3, frozenset()))["resolution"] == "kept"
