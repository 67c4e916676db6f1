"""Progress reports and cancelling for long work (an import runs in the background).

``progress(percent, message)`` is called now and then with 0-100 and a Chinese phrase;
``cancel`` is a ``threading.Event`` or any callable returning True once the user has
pressed 取消.  Cancelling raises :class:`Cancelled`; the unit of work around the import
then rolls everything back.
"""
from __future__ import annotations

from typing import Callable, Protocol, Union

from app.domain.errors import UserError

ProgressFn = Callable[[int, str], None]


class _EventLike(Protocol):
    def is_set(self) -> bool: ...


CancelFn = Union[Callable[[], bool], _EventLike]


class Cancelled(UserError):
    code = "cancelled"

    def __init__(self, message: str = "已取消导入，数据库没有任何改动"):
        super().__init__(message)


class Steps:
    """Maps the parts of a job onto one 0-100 bar and checks for cancelling."""

    def __init__(self, progress: ProgressFn | None = None, cancel: CancelFn | None = None):
        self._progress = progress
        if cancel is None:
            self._cancelled: Callable[[], bool] = lambda: False
        elif hasattr(cancel, "is_set"):
            self._cancelled = cancel.is_set  # type: ignore[union-attr]
        else:
            self._cancelled = cancel  # type: ignore[assignment]
        self._last = -1

    def check(self) -> None:
        if self._cancelled():
            raise Cancelled()

    def report(self, percent: float, message: str) -> None:
        self.check()
        p = max(0, min(100, int(percent)))
        if self._progress is not None and p != self._last:
            self._last = p
            self._progress(p, message)
