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


def hidden_columns(table: str) -> set[str] | None:
    """The column titles the user hid in a table, or None if the user never chose."""
    value = settings().value(f"columns/{table}")
    if value is None:
        return None
    if isinstance(value, str):  # a one-item list comes back as a bare string; "" is an empty list
        value = [value] if value else []
    return {str(v) for v in value}


def set_hidden_columns(table: str, titles: set[str] | None) -> None:
    """Remember the hidden columns of a table (None: back to the table's defaults)."""
    s = settings()
    if titles is None:
        s.remove(f"columns/{table}")
    else:
        s.setValue(f"columns/{table}", sorted(titles) if titles else "")
    s.sync()
