"""The window's own settings (geometry, recent files, ...): an INI file in the data folder.

Kept next to the database rather than in the registry so each test gets its own (the data
folder is per test) and a user's whole set-up can be copied with one folder.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from app import config

RECENT_KEY = "files/recent"
RECENT_MAX = 8


def settings() -> QSettings:
    return QSettings(str(config.data_dir() / "window.ini"), QSettings.Format.IniFormat)


def recent_files() -> list[Path]:
    value = settings().value(RECENT_KEY, [])
    if isinstance(value, str):  # QSettings gives a bare string for a one-item list
        value = [value]
    return [Path(v) for v in value or []]


def remember_file(path: Path) -> None:
    path = Path(path).resolve()
    items = [p for p in recent_files() if p != path]
    s = settings()
    s.setValue(RECENT_KEY, [str(p) for p in [path, *items][:RECENT_MAX]])
    s.sync()


def forget_file(path: Path) -> None:
    path = Path(path).resolve()
    s = settings()
    s.setValue(RECENT_KEY, [str(p) for p in recent_files() if p != path])
    s.sync()
