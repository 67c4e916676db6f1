"""Column choices a person made in the import preview, remembered for the next file of the
same layout (the same header texts give the same layout signature).

Kept in ``ledger_mappings.json`` in the user's data folder (``app.config.data_dir()``): it
belongs to the person at this laptop, not to a database, and the preview can use it
before any database is open.  Shape::

    {"version": 1, "layouts": {"<signature>": {"columns": {"客户号": "loan_no", "备用": null},
                                               "saved": "2026-11-22"}}}
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Mapping

from app import config
from app.ledger.headers import clean_header, field_code

log = logging.getLogger(__name__)

FILE_NAME = "ledger_mappings.json"


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

    def get(self, signature: str) -> dict[str, str | None] | None:
        """The remembered choices for a layout, or None."""
        entry = self._load()["layouts"].get(signature)
        if not isinstance(entry, dict) or not isinstance(entry.get("columns"), dict):
            return None
        out: dict[str, str | None] = {}
        for key, value in entry["columns"].items():
            try:
                out[key] = field_code(value)
            except KeyError:
                continue  # a field this version does not know
        return out

    def remember(self, signature: str, choices: Mapping[str, str | None]) -> None:
        """Keep ``choices`` (header text or ``#C`` → field code or None) for this layout."""
        columns = {(k if k.startswith("#") else clean_header(k)): field_code(v) for k, v in choices.items()}
        data = self._load()
        data["layouts"][signature] = {"columns": columns, "saved": date.today().isoformat()}
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
