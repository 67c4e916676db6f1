"""Previewing a bank's task ledger before it is imported: what an import of a file would read,
without writing anything (``app.services.ledger_import.importer`` imports it).

:func:`preview` says, per sheet, which row is the header, the unit, which column became which
field (and which were not recognised), the township, sample rows and the counts.  A person's
corrections to the column mapping are passed back as ``overrides`` ({header text or "#C": field
code or None}).  Also here: what the wizard offers for a column (``FIELD_CHOICES``,
``HOW_LABELS``, :func:`column_samples`, :func:`override_key`), the townships to choose from, and
what a parse depends on besides the file's bytes (so the import can reuse the preview's reading).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Mapping

from sqlalchemy import select, text

from app.db.models import Unit
from app.db.session import Database
from app.domain.money import yuan_str
from app.domain.progress import CancelFn, Progress, Steps
from app.ledger.headers import FIELDS
from app.ledger.layout import Column
from app.ledger.mappings import MappingStore
from app.ledger.parse import ParsedLedger, SheetReport, parse_ledger
from app.ledger.reader import file_sha256
from app.ledger.rows import RejectedRow, RowWarning
from app.ledger.values import text as cell_text

# What the preview offers for a column: (code, label); None means "do not import".
FIELD_CHOICES: tuple[tuple[str | None, str], ...] = tuple((f.code, f.label) for f in FIELDS) + ((None, "（不导入）"),)


@dataclass
class LedgerPreview:
    file: str
    sha256: str
    as_of: date | None
    sheets: list[SheetReport]
    loans: int
    balance_fen: int
    rejected: list[RejectedRow]
    warnings: list[RowWarning]
    problems: list[str]            # what must be fixed before importing
    already_imported: bool = False
    notes: list[str] = field(default_factory=list)  # sheets passed over, which of two columns was used
    # What was read, so that importing right after the preview need not read the file again.
    parsed: ParsedLedger | None = field(default=None, repr=False, compare=False)
    read_with: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def ready(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {"file": self.file, "sha256": self.sha256,
                "as_of": self.as_of.isoformat() if self.as_of else None,
                "loans": self.loans, "balance_total": yuan_str(self.balance_fen),
                "rows_rejected": [r.to_json() for r in self.rejected],
                "warnings": [w.to_json() for w in self.warnings],
                "problems": self.problems, "notes": self.notes, "already_imported": self.already_imported,
                "sheets": [s.to_json() for s in self.sheets]}


def preview(path: Path | str, overrides: Mapping[str, str | None] | None = None, *,
            township: str | None = None, db: Database | None = None, store: MappingStore | None = None,
            progress: Progress | None = None, cancel: CancelFn | None = None,
            today: date | None = None, units: Mapping[str, str] | None = None) -> LedgerPreview:
    """What an import of ``path`` would read (nothing is written).  ``InputError`` if the file
    cannot be read or has no ledger table at all.  Passing the preview to
    :func:`import_ledger` (same file, township, overrides and units) saves reading the file
    again.  ``units``: sheet name (or ``"*"``) → 元 / 万元, for sheets that state no unit."""
    store = store or MappingStore()
    today = today or date.today()
    known, township = townships_context(db, township)
    own = own_township(db)
    with gc_paused():
        parsed = parse_ledger(path, township=township, overrides=overrides, recall=store.get,
                              known_townships=known, steps=Steps(progress, cancel, cancelled="已取消读取台账"),
                              today=today,
                              only_township=own, units=units, recall_unit=store.unit, history=balance_history(db))
    already = False
    if db is not None:
        with db.engine.connect() as conn:
            already = conn.execute(text("SELECT 1 FROM ledger_imports WHERE sha256 = :h AND deleted = 0"),
                                   {"h": parsed.sha256}).first() is not None
    return LedgerPreview(file=parsed.file_name, sha256=parsed.sha256, as_of=parsed.as_of, sheets=parsed.sheets,
                         loans=len(parsed.rows), balance_fen=parsed.balance_fen, rejected=parsed.rejected,
                         warnings=parsed.warnings, problems=parsed.problems, already_imported=already,
                         notes=parsed.notes, parsed=parsed,
                         read_with=reading_settings(path, township, known, overrides, store, today, own, units))


def reading_settings(path, township, known, overrides, store: MappingStore, today: date, own: str | None,
               units: Mapping[str, str] | None = None) -> tuple:
    """Everything a parse depends on besides the file's bytes."""
    chosen = tuple(sorted((overrides or {}).items(), key=lambda kv: kv[0]))
    return (str(Path(path).resolve()), township, known, chosen, str(store.path), today, own,
            tuple(sorted((units or {}).items())))


def balance_history(db: Database | None):
    """loan numbers → the balance this database holds for them (for telling a ledger in 万元)."""
    if db is None:
        return None

    def balances(numbers) -> dict[str, int]:
        out: dict[str, int] = {}
        numbers = list(numbers)
        with db.engine.connect() as conn:
            for k in range(0, len(numbers), 500):
                chunk = numbers[k:k + 500]
                marks = ",".join("?" * len(chunk))
                out.update(conn.exec_driver_sql(
                    f"SELECT loan_no, balance_fen FROM loans WHERE deleted = 0 AND loan_no IN ({marks})",
                    tuple(chunk)).all())
        return out

    return balances


def parsed_from(earlier: LedgerPreview | None, path, read_with: tuple) -> ParsedLedger | None:
    """The preview's reading of the file if it still stands: same settings, same bytes."""
    if earlier is None or earlier.parsed is None or earlier.read_with != read_with:
        return None
    try:
        same = file_sha256(Path(path)) == earlier.sha256
    except OSError:
        return None
    return earlier.parsed if same else None


# How a column got its field, in the preview's words.
HOW_LABELS = {"auto": "自动识别", "remembered": "按上次的选择", "override": "已手动指定",
              "duplicate": "与其他列重复，不导入", "unknown": "未识别"}


def known_townships(db: Database | None) -> list[str]:
    """Names of the townships this database holds, for a person to choose from."""
    return sorted(townships_context(db, None)[0]) if db is not None else []


def needs_township(p: LedgerPreview) -> bool:
    """Whether a sheet's township can only come from the person importing (no township in
    the sheet name, no 乡镇 column, none in the title)."""
    return any(s.layout.township_source in (None, "given") for s in p.sheets if s.layout is not None)


def override_key(column: Column) -> str:
    """How a person's choice for ``column`` is passed back (and remembered): its header
    text, or ``#C`` for a column without one."""
    return column.header if column.key else f"#{column.letter}"


def column_samples(sheet: SheetReport, index: int, limit: int = 3) -> list[str]:
    """The first few non-empty values of a column in the sheet's sample rows, as text."""
    out = []
    for row in sheet.samples:
        value = cell_text(row[index]) if index < len(row) else ""
        if value:
            out.append(value)
            if len(out) == limit:
                break
    return out


def townships_context(db: Database | None, township: str | None) -> tuple[frozenset[str], str | None]:
    """Township names this database knows, and the township a township database implies."""
    if db is None:
        return frozenset(), township
    ident = db.identity()
    with db.engine.connect() as conn:
        names = frozenset(n for (n,) in conn.execute(
            select(Unit.name).where(Unit.kind == "township", Unit.deleted.is_(False))))
    if ident.role == "township" and not township:
        township = ident.unit_name
    return names, township


def own_township(db: Database | None) -> str | None:
    """On a township's laptop, its township: the only one whose loans it takes."""
    if db is None:
        return None
    ident = db.identity()
    return ident.unit_name if ident.role == "township" else None


@contextmanager
def gc_paused():
    """No cyclic garbage collection while a ledger is read and written: the import builds
    millions of objects that live until it ends, and every collection would walk them all
    (measured: ~1 s of a 100,000-row import); what it leaves is collected afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
