"""The one way the window runs work off the GUI thread (after Anki's CollectionOp/QueryOp and
Picard's thread pools).

    run_in_background(self, lambda ctx: summary.compute(db, day),
                      on_success=self.show_summary)

* ``fn(ctx)`` runs in a worker thread.  It must not touch widgets; it gets a ``TaskContext``
  to report progress (``ctx.progress(done, total, text)``) and to see whether the user pressed
  取消 (``ctx.cancelled()`` / ``ctx.raise_if_cancelled()``).  What it returns should be plain
  data (dataclasses, lists, paths), never live ORM objects: those belong to their thread.
* ``on_success(result)`` / ``on_failure(exc)`` run on the GUI thread (queued signals).  Without
  ``on_failure`` the error is shown: ``UserError`` as a warning, anything else as the crash
  dialog (``app.ui.errors``).  A task stopped by ``Cancelled`` calls ``on_cancelled`` if given.
* ``write=True`` queues the task on a single-thread pool, so writes to the database happen one
  at a time, in order; reads run on the global pool.
* With ``progress_label`` a modal progress dialog appears if the work takes longer than
  ``PROGRESS_DELAY_MS``; with ``cancellable=True`` it has a 取消 button.
* If the widget that started the task is gone when it finishes, the callbacks are skipped.
"""
from __future__ import annotations

import logging
import threading
import time
import traceback
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from app.domain.progress import Cancelled  # noqa: F401  (raised in a task when the user pressed 取消)
from app.ui import errors

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 300
_PROGRESS_INTERVAL_S = 0.05

_running: set["Task"] = set()
_write_pool: QThreadPool | None = None


class TaskContext:
    """Handed to the function running in the background."""

    def __init__(self, cancel_event: threading.Event, signals: "_Signals"):
        self._cancel = cancel_event
        self._signals = signals
        self._last_emit = 0.0

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def raise_if_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, done: int, total: int, text: str = "") -> None:
        """Report progress; cheap to call often (updates are sent at most every 50 ms)."""
        now = time.monotonic()
        if done >= total or now - self._last_emit >= _PROGRESS_INTERVAL_S:
            self._last_emit = now
            self._signals.progress.emit(int(done), int(total), text)


class _Signals(QObject):
    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object, str)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[TaskContext], Any], ctx: TaskContext, signals: _Signals):
        super().__init__()
        self.setAutoDelete(False)  # the Task (GUI thread) owns it and lets it go when done
        self.fn, self.ctx, self.signals = fn, ctx, signals

    def run(self) -> None:
        try:
            result = self.fn(self.ctx)
        except BaseException as exc:  # noqa: BLE001 - every failure is reported on the GUI thread
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.succeeded.emit(result)


def write_pool() -> QThreadPool:
    """One thread: database writes happen one after another."""
    global _write_pool
    if _write_pool is None or not shiboken6.isValid(_write_pool):
        _write_pool = QThreadPool(QApplication.instance())
        _write_pool.setObjectName("qingshou-writes")
        _write_pool.setMaxThreadCount(1)
    return _write_pool


def running() -> int:
    """How many tasks have not yet delivered their result."""
    return len(_running)


def wait_for_all(msecs: int = -1) -> bool:
    """Block until queued work is done (used at exit so a write is never cut off)."""
    ok = write_pool().waitForDone(msecs)
    return QThreadPool.globalInstance().waitForDone(msecs) and ok


class Task(QObject):
    """One background job, as seen from the GUI thread."""

    done = Signal()  # after the callbacks ran (handy for tests)

    def __init__(self, parent: QWidget | None, fn: Callable[[TaskContext], Any], *,
                 on_success: Callable[[Any], None], on_failure: Callable[[BaseException], None] | None,
                 on_cancelled: Callable[[], None] | None, progress_label: str | None,
                 cancellable: bool):
        super().__init__()
        self.parent_widget = parent
        self.on_success, self.on_failure, self.on_cancelled = on_success, on_failure, on_cancelled
        self.progress_label = progress_label
        self.cancellable = cancellable
        self.cancel_event = threading.Event()
        # Parented to the task, so it is deleted with the task on the GUI thread, even if the
        # worker's last Python reference to it goes away later on the worker thread.
        self.signals = _Signals(self)
        self.context = TaskContext(self.cancel_event, self.signals)
        self.runnable = _Runnable(fn, self.context, self.signals)
        self.dialog: QProgressDialog | None = None
        self._last_progress: tuple[int, int, str] | None = None
        self.finished = False
        queued = Qt.ConnectionType.QueuedConnection
        self.signals.succeeded.connect(self._succeeded, queued)
        self.signals.failed.connect(self._failed, queued)
        self.signals.progress.connect(self._progress, queued)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_dialog)

    def start(self, pool: QThreadPool) -> None:
        _running.add(self)
        if self.progress_label is not None:
            self._timer.start(PROGRESS_DELAY_MS)
        pool.start(self.runnable)

    def cancel(self) -> None:
        self.cancel_event.set()
        if self._dialog_alive():
            self.dialog.setLabelText("正在取消……")

    # -- progress dialog ---------------------------------------------------------------
    def _parent_alive(self) -> bool:
        return self.parent_widget is None or shiboken6.isValid(self.parent_widget)

    def _dialog_alive(self) -> bool:
        """The dialog goes with its window, which may close before the task ends."""
        return self.dialog is not None and shiboken6.isValid(self.dialog)

    @Slot()
    def _show_dialog(self) -> None:
        if self.finished or not self._parent_alive():
            return
        owner = self.parent_widget.window() if self.parent_widget is not None else None
        dlg = QProgressDialog(self.progress_label or "", None, 0, 0, owner)
        dlg.setWindowTitle("请稍候")
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(0)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.setMinimumWidth(360)
        if self.cancellable:
            dlg.setCancelButtonText("取消")
            dlg.canceled.connect(self.cancel)
        else:
            dlg.setCancelButton(None)
        self.dialog = dlg
        if self._last_progress:
            self._progress(*self._last_progress)
        dlg.show()

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, text: str) -> None:
        self._last_progress = (done, total, text)
        if not self._dialog_alive():
            return
        dialog = self.dialog
        dialog.setMaximum(max(total, 0))
        # (a modal QProgressDialog's setValue runs the event loop: the task may finish in it,
        # and its dialog go)
        dialog.setValue(min(done, total) if total > 0 else 0)
        if text and not self.cancel_event.is_set() and self._dialog_alive():
            dialog.setLabelText(text)

    # -- results ---------------------------------------------------------------------
    def _finish(self) -> bool:
        self.finished = True
        self._timer.stop()
        if self._dialog_alive():
            self.dialog.hide()
            self.dialog.deleteLater()
        self.dialog = None
        _running.discard(self)
        alive = self._parent_alive()
        if not alive:
            log.info("task finished after its window closed; result dropped")
        return alive

    @Slot(object)
    def _succeeded(self, result: Any) -> None:
        try:
            if self._finish():
                self.on_success(result)
        finally:
            self.done.emit()

    @Slot(object, str)
    def _failed(self, exc: BaseException, tb_text: str) -> None:
        try:
            if not self._finish():
                if not isinstance(exc, Cancelled):
                    log.error("background task failed after its window closed\n%s", tb_text)
                return
            if isinstance(exc, Cancelled):
                log.info("task cancelled")
                if self.on_cancelled is not None:
                    self.on_cancelled()
            elif self.on_failure is not None:
                self.on_failure(exc)
            else:
                errors.show_error(self.parent_widget, exc, tb_text)
        finally:
            self.done.emit()


def run_in_background(parent: QWidget | None, fn: Callable[[TaskContext], Any], *,
                      on_success: Callable[[Any], None],
                      on_failure: Callable[[BaseException], None] | None = None,
                      on_cancelled: Callable[[], None] | None = None,
                      progress_label: str | None = None, cancellable: bool = False,
                      write: bool = False) -> Task:
    """Run ``fn(ctx)`` off the GUI thread; see the module's docstring."""
    task = Task(parent, fn, on_success=on_success, on_failure=on_failure, on_cancelled=on_cancelled,
                progress_label=progress_label, cancellable=cancellable)
    task.start(write_pool() if write else QThreadPool.globalInstance())
    return task
