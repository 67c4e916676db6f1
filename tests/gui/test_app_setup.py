"""Start-up pieces: the bundled font (or a logged fallback)."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app import config
from app.ui.app import load_font


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
