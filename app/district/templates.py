"""Texts of the printed forms that a district edits, not the code.

Defaults live in ``resources/templates/``; a file of the same name in the user's data folder
(``config.data_dir()/templates/``) takes precedence.  Texts use ``${placeholder}``
(``string.Template``); lines starting with ``#`` are comments.  Settings (``*.toml``) are
merged key by key, so an override file only needs the keys it changes.
"""
from __future__ import annotations

import string
import tomllib
from pathlib import Path

from app import config
from app.domain.errors import InputError


def template_path(name: str) -> Path:
    """The file used for ``name``: the user's override if there is one, else the default."""
    override = config.data_dir() / "templates" / name
    if override.is_file():
        return override
    return config.resources_dir() / "templates" / name


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"模板文件不是 UTF-8 编码：{path}（请用记事本“另存为 UTF-8”）") from None


def lines(name: str) -> list[str]:
    """The non-comment, non-blank lines of a text template."""
    text = _read(template_path(name))
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def fill(text: str, values: dict[str, object]) -> str:
    """Put ``values`` into ``${placeholders}``; an unknown placeholder stays as written."""
    return string.Template(text).safe_substitute({k: "" if v is None else str(v) for k, v in values.items()})


def render_lines(name: str, values: dict[str, object]) -> list[str]:
    return [fill(ln, values) for ln in lines(name)]


def settings(name: str) -> dict:
    """A ``.toml`` settings file: the defaults, overridden key by key by the user's file."""
    default = config.resources_dir() / "templates" / name
    merged: dict = {}
    for path in (default, config.data_dir() / "templates" / name):
        if not path.is_file():
            continue
        try:
            merged.update(tomllib.loads(_read(path)))
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"设置文件格式有误：{path}（{exc}）") from None
    return merged
