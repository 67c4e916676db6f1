"""The hybrid logical clock: stamps that always sort, a counter that cannot overflow the
ordering, and stamps from a laptop far in the future refused."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.clock import COUNTER_MAX, DAY_MS, ClockDriftError, HybridClock, format_stamp, parse_stamp


def test_past_99999_stamps_in_one_millisecond_the_counter_carries_into_the_wall_time():
    c = HybridClock("dev", wall_ms=5_000, counter=COUNTER_MAX - 1, physical=lambda: 5_000)
    stamps = [c.now() for _ in range(3)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    assert [parse_stamp(s)[:2] for s in stamps] == [(5_000, COUNTER_MAX), (5_001, 0), (5_001, 1)]
    assert all(len(s) == len(format_stamp(0, 0, "dev")) for s in stamps)   # the format stays


def test_observing_a_stamp_at_the_counter_limit_carries_too():
    c = HybridClock("a", physical=lambda: 1_000)
    c.observe(format_stamp(2_000, COUNTER_MAX, "b"))
    assert c.now() > format_stamp(2_000, COUNTER_MAX, "b")


@given(st.lists(st.one_of(st.tuples(st.just("now"), st.integers(0, 3_000)),
                          st.tuples(st.just("seen"), st.integers(0, 3_000), st.integers(0, COUNTER_MAX))),
                max_size=60))
def test_stamps_never_repeat_and_never_go_backwards_whatever_the_wall_clock_does(ops):
    c = HybridClock("me", wall_ms=1_000, counter=COUNTER_MAX - 5)
    issued = []
    for op in ops:
        if op[0] == "now":
            issued.append(c.now(physical_ms=op[1]))
        else:
            seen = format_stamp(op[1], op[2], "other")
            c.observe(seen, physical_ms=op[1])
            assert c.last() > seen
    assert issued == sorted(issued) and len(set(issued)) == len(issued)


def test_a_stamp_more_than_7_days_ahead_is_refused_and_changes_nothing():
    c = HybridClock("a", physical=lambda: 10 * DAY_MS)
    c.now()
    before = c.last()
    ahead = format_stamp(10 * DAY_MS + 400 * DAY_MS, 0, "laptop9")
    with pytest.raises(ClockDriftError, match="比本机时钟晚 400 天") as err:
        c.observe(ahead)
    assert "laptop9" in str(err.value)
    assert c.last() == before


def test_a_stamp_a_few_days_ahead_is_taken():
    c = HybridClock("a", physical=lambda: 10 * DAY_MS)
    ahead = format_stamp(16 * DAY_MS, 3, "b")
    c.observe(ahead)
    assert c.now() > ahead
