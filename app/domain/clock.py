"""Hybrid logical clock (HLC) stamps for rows that travel between laptops.

A stamp is a string that sorts in causal order: ``"<wall ms, 13 digits>-<counter, 5 digits>-<device>"``.
When two laptops changed the same field, the later stamp wins during a merge and the other
value is kept for a person to review.  ``HybridClock.observe`` folds in a stamp seen in a
merged package so that later local changes sort after it even if this laptop's wall clock is
behind.

The clock only ever moves forward.  When the counter would pass 99,999 within one
millisecond it carries into the wall part (the stamp keeps its format, so every stamp ever
issued still sorts).  A stamp from outside whose wall time is more than ``MAX_DRIFT_MS``
ahead of this laptop's own clock is refused (``ClockDriftError``) and changes nothing: one
laptop whose date is set years ahead must not drag every clock there for good.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from app.domain.errors import UserError

COUNTER_MAX = 99_999
MAX_DRIFT_MS = 7 * 24 * 3600 * 1000
DAY_MS = 24 * 3600 * 1000


class ClockDriftError(UserError):
    """A stamp from another laptop lies too far in the future of this laptop's clock."""

    code = "clock_drift"


def format_stamp(wall_ms: int, counter: int, device: str) -> str:
    return f"{wall_ms:013d}-{counter:05d}-{device}"


def parse_stamp(stamp: str) -> tuple[int, int, str]:
    wall, counter, device = stamp.split("-", 2)
    return int(wall), int(counter), device


def system_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class HybridClock:
    device: str
    wall_ms: int = 0
    counter: int = 0
    physical: Callable[[], int] = field(default=system_ms, repr=False, compare=False)

    def _pt(self, physical_ms: int | None) -> int:
        return self.physical() if physical_ms is None else physical_ms

    def _set(self, wall_ms: int, counter: int) -> None:
        if counter > COUNTER_MAX:      # carry: the next millisecond, still after every earlier stamp
            wall_ms, counter = wall_ms + 1, 0
        self.wall_ms, self.counter = wall_ms, counter

    def now(self, physical_ms: int | None = None) -> str:
        pt = self._pt(physical_ms)
        if pt > self.wall_ms:
            self._set(pt, 0)
        else:
            self._set(self.wall_ms, self.counter + 1)
        return format_stamp(self.wall_ms, self.counter, self.device)

    def check_drift(self, stamp: str, physical_ms: int | None = None) -> None:
        """Refuse ``stamp`` if it lies more than ``MAX_DRIFT_MS`` after this laptop's clock."""
        wall, _, device = parse_stamp(stamp)
        pt = self._pt(physical_ms)
        if wall - pt > MAX_DRIFT_MS:
            days = -(-(wall - pt) // DAY_MS)
            raise ClockDriftError(
                f"数据包的时间比本机时钟晚 {days} 天（设备 {device}），超过了允许的 7 天；"
                "请核对本机和那台电脑的日期时间后再合并，本机数据没有改动")

    def observe(self, stamp: str, physical_ms: int | None = None) -> None:
        pt = self._pt(physical_ms)
        self.check_drift(stamp, pt)
        wall, counter, _ = parse_stamp(stamp)
        new_wall = max(self.wall_ms, wall, pt)
        if new_wall == self.wall_ms == wall:
            self._set(new_wall, max(self.counter, counter) + 1)
        elif new_wall == self.wall_ms:
            self._set(new_wall, self.counter + 1)
        elif new_wall == wall:
            self._set(new_wall, counter + 1)
        else:
            self._set(new_wall, 0)

    def advance_to(self, stamp: str | None) -> None:
        """Never issue a stamp at or before ``stamp`` (one this device issued before)."""
        if not stamp:
            return
        wall, counter, _ = parse_stamp(stamp)
        if (wall, counter) > (self.wall_ms, self.counter):
            self.wall_ms, self.counter = wall, counter

    def last(self) -> str:
        return format_stamp(self.wall_ms, self.counter, self.device)

    @classmethod
    def resume(cls, device: str, last_stamp: str | None,
               physical: Callable[[], int] = system_ms) -> "HybridClock":
        clock = cls(device, physical=physical)
        clock.advance_to(last_stamp)
        return clock
