"""Background work and how errors reach the user: a warning for what the user can fix,
the crash dialog (and the log) for a bug; never a bare traceback."""
from __future__ import annotations

import sys
import threading
import time

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from app.domain.errors import InputError
from app.ui import errors, tasks
from app.ui.errors import CrashDialog

WAIT_MS = 30_000


def _widget(qtbot) -> QWidget:
    w = QWidget()
    qtbot.addWidget(w)
    w.show()
    return w


def test_result_arrives_on_the_gui_thread(qtbot, idle):
    w = _widget(qtbot)
    got = []
    worker_thread = []

    def work(ctx):
        worker_thread.append(threading.current_thread())
        return {"answer": 42}

    tasks.run_in_background(w, work, on_success=lambda r: got.append((r, threading.current_thread())))
    qtbot.waitUntil(lambda: len(got) > 0, timeout=WAIT_MS)
    assert got[0][0] == {"answer": 42}
    assert got[0][1] is threading.main_thread()
    assert worker_thread[0] is not threading.main_thread()


def test_a_bug_in_a_task_shows_the_crash_dialog_and_is_logged(qtbot, shown_dialogs, idle):
    w = _widget(qtbot)

    def broken(ctx):
        raise RuntimeError("计算出错了")

    tasks.run_in_background(w, broken, on_success=lambda r: None)
    qtbot.waitUntil(lambda: len(shown_dialogs) > 0, timeout=WAIT_MS)
    dialog = shown_dialogs[0]
    assert isinstance(dialog, CrashDialog)
    assert "RuntimeError: 计算出错了" in dialog.report
    log_text = errors.log_path().read_text(encoding="utf-8")
    assert "RuntimeError: 计算出错了" in log_text and "Traceback" in log_text


def test_crash_dialog_names_the_log_and_copies_details(qtbot, shown_dialogs):
    errors.report_crash(None, ValueError("坏数据"))
    dialog = shown_dialogs[-1]
    qtbot.addWidget(dialog)
    from PySide6.QtWidgets import QLabel

    assert str(errors.log_path()) in dialog.findChild(QLabel, "logPath").text()
    dialog.findChild(QPushButton, "copyDetails").click()
    assert "ValueError: 坏数据" in QGuiApplication.clipboard().text()


def test_a_user_error_in_a_task_is_a_plain_warning(qtbot, shown_dialogs, idle):
    w = _widget(qtbot)

    def refused(ctx):
        raise InputError("贷款余额不是数字：待核实", where="柳林镇 第 12 行")

    tasks.run_in_background(w, refused, on_success=lambda r: None)
    qtbot.waitUntil(lambda: len(shown_dialogs) > 0, timeout=WAIT_MS)
    box = shown_dialogs[0]
    assert isinstance(box, QMessageBox)
    assert box.icon() == QMessageBox.Icon.Warning
    assert box.text() == "柳林镇 第 12 行：贷款余额不是数字：待核实"


def test_on_failure_replaces_the_dialog(qtbot, shown_dialogs, idle):
    w = _widget(qtbot)
    failures = []
    tasks.run_in_background(w, lambda ctx: 1 / 0, on_success=lambda r: None, on_failure=failures.append)
    qtbot.waitUntil(lambda: len(failures) > 0, timeout=WAIT_MS)
    assert isinstance(failures[0], ZeroDivisionError)
    assert shown_dialogs == []


def test_progress_dialog_cancel_stops_the_task(qtbot, shown_dialogs, idle):
    w = _widget(qtbot)
    outcome = []

    def long_work(ctx):
        for i in range(100_000):
            ctx.raise_if_cancelled()
            ctx.progress(i, 100_000, f"正在处理第 {i} 户")
            time.sleep(0.001)
        return "finished"

    task = tasks.run_in_background(w, long_work, on_success=outcome.append,
                                   on_cancelled=lambda: outcome.append("cancelled"),
                                   progress_label="正在处理……", cancellable=True)
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible(), timeout=WAIT_MS)
    assert task.dialog.labelText().startswith("正在处理")
    cancel = task.dialog.findChild(QPushButton)
    assert cancel.text() == "取消"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(outcome) > 0, timeout=WAIT_MS)
    assert outcome == ["cancelled"]
    assert task.dialog is None and shown_dialogs == []


def test_writes_run_one_at_a_time(qtbot, idle):
    w = _widget(qtbot)
    active, peak, done = [0], [0], []
    lock = threading.Lock()

    def write(ctx):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.02)
        with lock:
            active[0] -= 1
        return True

    for _ in range(4):
        tasks.run_in_background(w, write, on_success=done.append, write=True)
    qtbot.waitUntil(lambda: len(done) == 4, timeout=WAIT_MS)
    assert peak[0] == 1
    assert tasks.write_pool().maxThreadCount() == 1


def test_result_for_a_closed_window_is_dropped(qtbot, idle):
    w = QWidget()
    release = threading.Event()
    got = []
    task = tasks.run_in_background(w, lambda ctx: release.wait(WAIT_MS / 1000), on_success=got.append)
    w.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(w), timeout=WAIT_MS)
    release.set()
    with qtbot.waitSignal(task.done, timeout=WAIT_MS):
        pass
    assert got == []


def test_uncaught_exception_becomes_one_crash_dialog(qtbot, shown_dialogs, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    errors.install_excepthook()
    hook = sys.excepthook
    for message in ("第一个", "第二个"):
        try:
            raise KeyError(message)
        except KeyError:
            hook(*sys.exc_info())
    qtbot.waitUntil(lambda: len(shown_dialogs) > 0, timeout=WAIT_MS)
    assert len(shown_dialogs) == 1
    assert "第一个" in shown_dialogs[0].report and "第二个" in shown_dialogs[0].report
    assert "KeyError" in errors.log_path().read_text(encoding="utf-8")
