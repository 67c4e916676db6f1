"""Hybrid logical clock (HLC) stamps for rows that travel between laptops.

A stamp is a string that sorts in causal order: ``"<wall ms, 13 digits>-<counter, 5 digits>-<device>"``.
When two laptops changed the same field, the later stamp wins during a merge and the other
value is kept for a person to review.  ``HybridClock.observe`` folds in a stamp seen in a
merged package so that later local changes sort after it even if this laptop's wall clock is
behind.
"""
from __future__ import annotations

import time
from dataclasses import dataclass


def format_stamp(wall_ms: int, counter: int, device: str) -> str:
    return f"{wall_ms:013d}-{counter:05d}-{device}"


def parse_stamp(stamp: str) -> tuple[int, int, str]:
    wall, counter, device = stamp.split("-", 2)
    return int(wall), int(counter), device


@dataclass
class HybridClock:
    device: str
    wall_ms: int = 0
    counter: int = 0

    def now(self, physical_ms: int | None = None) -> str:
        pt = int(time.time() * 1000) if physical_ms is None else physical_ms
        if pt > self.wall_ms:
            self.wall_ms, self.counter = pt, 0
        else:
            self.counter += 1
        return format_stamp(self.wall_ms, self.counter, self.device)

    def observe(self, stamp: str, physical_ms: int | None = None) -> None:
        wall, counter, _ = parse_stamp(stamp)
        pt = int(time.time() * 1000) if physical_ms is None else physical_ms
        new_wall = max(self.wall_ms, wall, pt)
        if new_wall == self.wall_ms == wall:
            self.counter = max(self.counter, counter) + 1
        elif new_wall == self.wall_ms:
            self.counter += 1
        elif new_wall == wall:
            self.counter = counter + 1
        else:
            self.counter = 0
        self.wall_ms = new_wall

    def last(self) -> str:
        return format_stamp(self.wall_ms, self.counter, self.device)

    @classmethod
    def resume(cls, device: str, last_stamp: str | None) -> "HybridClock":
        if not last_stamp:
            return cls(device)
        wall, counter, _ = parse_stamp(last_stamp)
        return cls(device, wall, counter)
