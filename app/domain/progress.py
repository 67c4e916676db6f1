"""Progress and cancelling for long work, one kind for every use case (an import, a
reconciliation, a merge run off the window's thread).

``progress(done, total, text)`` is called now and then: ``done`` of ``total`` steps and a Chinese
phrase (an import reports percent: ``total`` 100).  ``cancel`` is a ``threading.Event`` or any
callable returning True once the user has pressed 取消.  Cancelling raises :class:`Cancelled`;
the unit of work around the job then rolls everything back.
"""
from __future__ import annotations

from typing import Callable, Protocol, Union

from app.domain.errors import UserError

Progress = Callable[[int, int, str], None]


class _EventLike(Protocol):
    def is_set(self) -> bool: ...


CancelFn = Union[Callable[[], bool], _EventLike]


class Cancelled(UserError):
    """The user pressed 取消: whatever the job was doing is rolled back."""
    code = "cancelled"

    def __init__(self, message: str = "已取消，数据库没有任何改动"):
        super().__init__(message)


class Steps:
    """Maps the parts of a job onto one 0-100 bar and checks for cancelling."""

    def __init__(self, progress: Progress | None = None, cancel: CancelFn | None = None, *,
                 cancelled: str = "已取消，数据库没有任何改动"):
        self._progress = progress
        if cancel is None:
            self._cancelled: Callable[[], bool] = lambda: False
        elif hasattr(cancel, "is_set"):
            self._cancelled = cancel.is_set  # type: ignore[union-attr]
        else:
            self._cancelled = cancel  # type: ignore[assignment]
        self._message = cancelled
        self._last = -1

    def check(self) -> None:
        if self._cancelled():
            raise Cancelled(self._message)

    def report(self, percent: float, message: str) -> None:
        self.check()
        p = max(0, min(100, int(percent)))
        if self._progress is not None and p != self._last:
            self._last = p
            self._progress(p, 100, message)
