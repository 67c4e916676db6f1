"""Start-up pieces: the bundled font (or a logged fallback)."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app import config
from app.ui.app import load_font, load_translations


@pytest.fixture
def restore_font(qapp):
    font = qapp.font()
    yield
    qapp.setFont(font)


def test_missing_font_keeps_the_system_font_and_logs(qapp, restore_font, monkeypatch, caplog):
    before = qapp.font().family()
    monkeypatch.setattr(config, "font_path", lambda: Path("/nonexistent/wqy-microhei.ttc"))
    with caplog.at_level(logging.WARNING):
        assert load_font(qapp) is None
    assert qapp.font().family() == before
    assert "bundled font not loaded" in caplog.text


def _bundled_font() -> Path | None:
    try:
        path = config.font_path()
    except FileNotFoundError:
        return None
    return path if path.is_file() else None


@pytest.mark.skipif(_bundled_font() is None, reason="resources/fonts/wqy-microhei.ttc not present")
def test_bundled_font_becomes_the_application_font(qapp, restore_font):
    family = load_font(qapp)
    assert family and "WenQuanYi" in family
    assert qapp.font().families()[0] == family
    assert qapp.font().pointSizeF() >= 10


@pytest.fixture
def chinese_qt(qapp):
    """Qt's own texts in Chinese, as ``setup_application`` makes them; undone afterwards."""
    from PySide6.QtCore import QLocale

    translator = load_translations(qapp)
    yield translator
    if translator is not None:
        qapp.removeTranslator(translator)
    QLocale.setDefault(QLocale.system())


def test_qt_own_texts_are_in_chinese(chinese_qt, qtbot):
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLineEdit, QMessageBox

    assert chinese_qt is not None
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    message = QMessageBox(QMessageBox.Icon.Question, "标题", "文字",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(message)
    assert message.button(QMessageBox.StandardButton.Yes).text().startswith("是")
    edit = QLineEdit("一段文字")
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    texts = [a.text().split("\t")[0] for a in menu.actions() if a.text()]
    assert {"复制(&C)", "粘贴(&P)", "全选"} <= set(texts) and any(t.startswith("撤") for t in texts)
    menu.deleteLater()
    dialog = QFileDialog(None, "打开")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    assert dialog.labelText(QFileDialog.DialogLabel.FileName).startswith("文件名")
    assert QLocale().monthName(11) == "十一月"


def test_missing_translations_are_logged(qapp, monkeypatch, caplog, tmp_path):
    from PySide6.QtCore import QLocale

    from app.ui import app as ui_app

    monkeypatch.setattr(ui_app, "translation_dirs", lambda: [tmp_path])
    with caplog.at_level(logging.WARNING):
        assert load_translations(qapp) is None
    QLocale.setDefault(QLocale.system())
    assert "qtbase_zh_CN" in caplog.text


def test_garbage_is_collected_on_the_gui_thread_only(qapp, qtbot):
    """A cycle holding a Qt object must never be freed in a worker thread (Qt crashes there):
    automatic collection is off and the GUI thread's timer collects (``app.ui.gc_guard``)."""
    import gc
    import weakref

    from PySide6.QtCore import QObject

    from app.ui import gc_guard

    collector = gc_guard.install(qapp)
    assert gc_guard.install(qapp) is collector and not gc.isenabled()

    class Holder:
        pass

    holder = Holder()
    holder.me, holder.qt = holder, QObject()          # a cycle with a Qt object in it
    gone = weakref.ref(holder)
    del holder
    junk = [[] for _ in range(5_000)]                    # enough new objects to pass the thresholds
    assert gone() is not None                            # nothing collected it by itself
    qtbot.waitUntil(lambda: gone() is None, timeout=5000)    # the timer did, on this thread
    assert len(junk) == 5_000
