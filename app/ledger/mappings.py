"""Column choices a person made in the import preview, remembered for the next file of the
same layout (the same header texts give the same layout signature) — or, when none was seen,
of a close one: the bank adds or drops a column now and then (a month without 欠息), and the
columns a person named by their header text keep their meaning.

Kept in ``ledger_mappings.json`` in the user's data folder (``app.config.data_dir()``): it
belongs to the person at this laptop, not to a database, and the preview can use it
before any database is open.  Shape::

    {"version": 1, "layouts": {"<signature>": {"columns": {"客户号": "loan_no", "备用": null},
                                               "headers": ["序号", "客户号", …], "saved": "2026-11-22",
                                               "unit": "万元"}}}   # unit: chosen for a sheet stating none
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Mapping, Sequence

from app import config
from app.ledger.headers import clean_header, field_code

log = logging.getLogger(__name__)

FILE_NAME = "ledger_mappings.json"
# A remembered layout stands for another when this share of the two header lists is common.
CLOSE_LAYOUT = 0.75


class MappingStore:
    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else config.data_dir() / FILE_NAME

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"version": 1, "layouts": {}}
        except (OSError, ValueError):  # a damaged file costs only the remembered choices
            log.warning("ignoring unreadable %s", self.path, exc_info=True)
            return {"version": 1, "layouts": {}}
        if not isinstance(data, dict) or not isinstance(data.get("layouts"), dict):
            return {"version": 1, "layouts": {}}
        return data

    def get(self, signature: str, headers: Sequence[str] | None = None) -> dict[str, str | None] | None:
        """The remembered choices for a layout, or None.  Given the layout's ``headers``, a
        layout not seen before takes the choices made by header text for the closest one
        remembered (most headers in common, at least ``CLOSE_LAYOUT`` of them)."""
        layouts = self._load()["layouts"]
        entry = layouts.get(signature)
        by_text_only = False
        if not _usable(entry) and headers:
            entry, by_text_only = _closest(layouts, [clean_header(h) for h in headers]), True
        if not _usable(entry):
            return None
        present = {clean_header(h) for h in headers or ()}
        out: dict[str, str | None] = {}
        for key, value in entry["columns"].items():
            if by_text_only and (key.startswith("#") or key not in present):
                continue   # a column letter means another column in another layout
            try:
                out[key] = field_code(value)
            except KeyError:
                continue  # a field this version does not know
        return out

    def unit(self, signature: str) -> str | None:
        """The money unit a person chose for this layout (a sheet that states none), or None."""
        entry = self._load()["layouts"].get(signature)
        unit = entry.get("unit") if isinstance(entry, dict) else None
        return unit if unit in ("元", "万元") else None

    def remember(self, signature: str, choices: Mapping[str, str | None],
                 headers: Sequence[str] | None = None, unit: str | None = None) -> None:
        """Keep ``choices`` (header text or ``#C`` → field code or None) for this layout, with
        its ``headers`` so that a close layout can use them too, and the money ``unit`` a
        person chose for it (kept from before when not given)."""
        columns = {(k if k.startswith("#") else clean_header(k)): field_code(v) for k, v in choices.items()}
        data = self._load()
        before = data["layouts"].get(signature)
        unit = unit or (before.get("unit") if isinstance(before, dict) else None)
        data["layouts"][signature] = {"columns": columns, "saved": date.today().isoformat()}
        if unit in ("元", "万元"):
            data["layouts"][signature]["unit"] = unit
        if headers:
            data["layouts"][signature]["headers"] = [clean_header(h) for h in headers]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".mappings-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=1)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def forget(self, signature: str) -> None:
        data = self._load()
        if data["layouts"].pop(signature, None) is not None:
            self.path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _usable(entry) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("columns"), dict)


def _closest(layouts: dict, headers: list[str]) -> dict | None:
    """The remembered layout sharing the most headers with ``headers``, if close enough."""
    mine = set(headers)
    best, best_share = None, CLOSE_LAYOUT
    for entry in layouts.values():
        theirs = entry.get("headers") if isinstance(entry, dict) else None
        if not isinstance(theirs, list) or not theirs:
            continue
        share = len(mine & set(theirs)) / max(len(mine), len(set(theirs)))
        if share >= best_share:
            best, best_share = entry, share
    return best
