"""The bank's reported recovery: derived from the ledgers' readings and the township's records,
never minted as facts (issue [6]).

Each ledger says a loan's balance on its date (``ledger_balances``, one reading per import and
loan, dated by its sheet or its file).  What it shows recovered by then, ``task − balance``,
beyond the principal the township recorded up to that date, is the bank's reported recovery.
It is kept as ``repayments`` rows with ``source = 'bank'`` so every reader (summary, bulletin,
timeline) adds money one way, but those rows are a projection: recomputed here, for the loans
given, from the facts, on every computer the same, and never sent in a package (each side
derives them).  So the bank's money is counted once whatever the order of imports and merges,
and a township repayment that explains a drop replaces it, and its void brings it back.

For a loan with readings on dates ``d₁ < … < dₙ``: ``Cᵢ = max(0, task − balanceᵢ − T(dᵢ))``
(``T(d)`` the township principal paid on or before ``d``); the bank's cumulative recovery by
``dᵢ`` is ``Mᵢ = max(C₁ … Cᵢ)`` and the row dated ``dᵢ`` (or the day it was derived, if ``dᵢ``
is later) holds ``Mᵢ − Mᵢ₋₁``.  A later ledger with a higher balance takes nothing back (the
import warns about it for a person to check, ``balance_higher``); an older ledger read late
fills in the history.  Two readings of one date (two files of one day): the later import's.
"""
from __future__ import annotations

import json
import uuid
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.domain.money import yuan_str

_NS = uuid.UUID("6f1f6c1e-5d0b-4bd3-9a53-9c3b8e0d2b71")   # ids of the derived rows
_CHUNK = 20_000


@dataclass
class BankChange:
    """What a derivation changed: the bank's reported principal before and after, per loan."""
    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)

    @property
    def added_fen(self) -> int:
        return sum(self.after.values()) - sum(self.before.values())

    def explained_fen(self, loan_id: str | None = None) -> int:
        """Bank-reported principal that township records now explain (what went away)."""
        ids = [loan_id] if loan_id else list(self.before)
        return sum(max(0, self.before.get(i, 0) - self.after.get(i, 0)) for i in ids)


def reading_order(imported_at, stamp: str | None, import_id: str) -> tuple[str, str, str]:
    """Of two readings of one date, the later import's wins: by its time (to the second), then
    its clock stamp (two files imported within one second: the second one), then its id."""
    return str(imported_at or ""), stamp or "", import_id


def row_id(loan_id: str, on: date) -> str:
    return str(uuid.uuid5(_NS, f"{loan_id}|{on.isoformat()}"))


def derive(conn: Connection, loan_ids: Iterable[str] | None, today: date) -> BankChange:
    """Recompute the bank's rows, then balance (task − principal recovered), for ``loan_ids``
    (``None``: every loan).  Runs in the caller's transaction; a session's loaded ``Loan`` and
    ``Repayment`` objects must be flushed before and expired after."""
    change = BankChange()
    if loan_ids is None:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM loans"))]
    else:
        ids = sorted(set(loan_ids))
    for k in range(0, len(ids), _CHUNK):
        _derive_chunk(conn, ids[k:k + _CHUNK], today, change)
    return change


def _derive_chunk(conn: Connection, ids: list[str], today: date, change: BankChange) -> None:
    p = {"ids": json.dumps(ids)}
    in_ids = "(SELECT value FROM json_each(:ids))"
    tasks = dict(conn.execute(text(f"SELECT id, task_amount_fen FROM loans WHERE id IN {in_ids}"), p).all())
    readings: dict[str, dict[date, tuple[tuple, int, str]]] = {}
    for loan_id, on, balance, import_id, imported_at, stamp in conn.execute(text(
            "SELECT b.loan_id, coalesce(b.as_of, i.as_of), b.balance_fen, i.id, i.imported_at, i.hlc "
            "FROM ledger_balances b JOIN ledger_imports i ON i.id = b.import_id "
            f"WHERE i.deleted = 0 AND coalesce(b.as_of, i.as_of) IS NOT NULL AND b.loan_id IN {in_ids}"), p):
        day = _day(on)
        key = reading_order(imported_at, stamp, import_id)
        mine = readings.setdefault(loan_id, {})
        if day not in mine or key > mine[day][0]:
            mine[day] = (key, balance, import_id)
    paid: dict[str, list[tuple[date, int]]] = {}
    for loan_id, on, principal in conn.execute(text(
            "SELECT loan_id, paid_on, principal_fen FROM repayments "
            f"WHERE source <> 'bank' AND deleted = 0 AND loan_id IN {in_ids} ORDER BY loan_id, paid_on"), p):
        paid.setdefault(loan_id, []).append((_day(on), principal or 0))
    existing: dict[str, dict[str, tuple]] = {}
    for rid, loan_id, on, principal, deleted in conn.execute(text(
            "SELECT id, loan_id, paid_on, principal_fen, deleted FROM repayments "
            f"WHERE source = 'bank' AND loan_id IN {in_ids}"), p):
        existing.setdefault(loan_id, {})[rid] = (_day(on), principal, deleted)
        if not deleted:
            change.before[loan_id] = change.before.get(loan_id, 0) + principal
    wanted: dict[str, dict[str, tuple]] = {}
    for loan_id, task in tasks.items():
        rows = _rows(loan_id, task or 0, readings.get(loan_id, {}), paid.get(loan_id, []), today)
        wanted[loan_id] = rows
        change.after[loan_id] = sum(r[1] for r in rows.values())
    gone, new = [], []
    for loan_id in tasks:
        have, want = existing.get(loan_id, {}), wanted[loan_id]
        for rid, (on, principal, deleted) in have.items():
            w = want.get(rid)
            if deleted or w is None or w[0] != on or w[1] != principal:
                gone.append(rid)
        for rid, (on, principal, import_id, balance, reading_day) in want.items():
            h = have.get(rid)
            if h is None or h[2] or h[0] != on or h[1] != principal:
                new.append({"id": rid, "loan": loan_id, "on": on, "fen": principal, "imp": import_id,
                            "note": f"银行台账（{reading_day.isoformat()}）余额 {yuan_str(balance)} 元"})
    if gone:
        for k in range(0, len(gone), _CHUNK):
            conn.execute(text("DELETE FROM repayments WHERE id IN (SELECT value FROM json_each(:g))"),
                         {"g": json.dumps(gone[k:k + _CHUNK])})
    if new:
        now = datetime.now().replace(microsecond=0)
        conn.execute(text(
            "INSERT INTO repayments (id, loan_id, paid_on, amount_fen, principal_fen, interest_fen, penalty_fen, "
            "source, ledger_import_id, note, deleted, created_at, updated_at, updated_by) "
            "VALUES (:id, :loan, :on, :fen, :fen, 0, 0, 'bank', :imp, :note, 0, :now, :now, '银行台账')"),
            [{**r, "now": now} for r in new])
    conn.execute(text(
        "UPDATE loans SET balance_fen = max(0, task_amount_fen - (SELECT coalesce(sum(r.principal_fen), 0) "
        "FROM repayments r WHERE r.loan_id = loans.id AND r.deleted = 0)) "
        f"WHERE id IN {in_ids} AND balance_fen IS NOT max(0, task_amount_fen - (SELECT coalesce(sum(r.principal_fen), 0) "
        "FROM repayments r WHERE r.loan_id = loans.id AND r.deleted = 0))"), p)


def _rows(loan_id: str, task: int, readings: dict[date, tuple], paid: list[tuple[date, int]],
          today: date) -> dict[str, tuple]:
    """The derived rows of one loan: id → (paid_on, principal, import id, balance, reading's date)."""
    if not readings:
        return {}
    days = sorted(readings)
    paid_days = [d for d, _ in paid]
    cumulative, total = [], 0
    for _d, fen in paid:
        total += fen
        cumulative.append(total)
    shown = []
    for d in days:
        k = bisect_right(paid_days, d)
        township = cumulative[k - 1] if k else 0
        shown.append(max(0, task - readings[d][1] - township))
    out, before = {}, 0
    for i, d in enumerate(days):
        step = shown[i] - before
        if step > 0:
            before = shown[i]
            on = min(d, today)
            out[row_id(loan_id, d)] = (on, step, readings[d][2], readings[d][1], d)
    return out


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
