"""What a merge does after the rows, in the same transaction: the clock, the derived figures,
the rules rechecked, the record of the package and of its sender."""
from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.db import bank_recovery
from app.db.base import new_id
from app.domain.schedule import fill_installments
from app.sync import scope


def fold_clock(conn: Connection, brought: str | None = None) -> None:
    """Later local changes sort after every stamp the package brought (``hlc_last`` in meta is
    where the clock resumes from).  ``brought``: the package's newest stamp, when the caller
    has read it already (``merge._check_clock``)."""
    newest = conn.execute(text("SELECT value FROM meta WHERE key = 'hlc_last'")).scalar() or ""
    if brought is not None:
        newest = max(newest, brought)
    else:
        for table in scope.TOWNSHIP_ROWS:
            cols = [r[1] for r in conn.exec_driver_sql(f"PRAGMA pkg.table_info({table})")]
            if "hlc" in cols:
                newest = max(newest, conn.exec_driver_sql(f"SELECT max(hlc) FROM pkg.{table}").scalar() or "")
    if newest:
        conn.execute(text("INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc_last', :v)"), {"v": newest})


def refresh_derived(conn: Connection, touched: dict[str, set[str]]) -> tuple[set[str], set[str]]:
    """The bank's reported recovery and the balances (``app.db.bank_recovery``), stages and
    instalments for what the merge touched, from the facts (``touched["ledger_balances"]``: the
    loans the package brought new ledger readings of).  Returns the households whose list row
    (``app.db.search_index``) this changes — the merge refreshes them once, after every file —
    and those of them whose search text may have changed too (their household row, people or
    loans were written)."""
    loans = _ids(conn, touched, "loans", {"repayments": "loan_id", "stage_events": "loan_id",
                                          "agreement_loans": "loan_id"}) | set(touched.get("ledger_balances", ()))
    if loans:
        ids = json.dumps(sorted(loans))
        bank_recovery.derive(conn, loans, date.today())
        conn.execute(text(
            "UPDATE loans SET (stage, stage_date) = (SELECT e.to_stage, e.on_date FROM stage_events e "
            "WHERE e.loan_id = loans.id AND e.deleted = 0 ORDER BY e.on_date DESC, e.hlc DESC LIMIT 1) "
            "WHERE id IN (SELECT value FROM json_each(:ids)) "
            "AND EXISTS (SELECT 1 FROM stage_events e WHERE e.loan_id = loans.id AND e.deleted = 0)"), {"ids": ids})
    refresh_installments(conn, _ids(conn, touched, "agreements", {"installments": "agreement_id",
                                                                 "repayments": "agreement_id"}))
    households = _ids(conn, touched, "households", {"persons": "household_id", "visits": "household_id",
                                                    "category_tags": "household_id", "assignments": "household_id",
                                                    "agreements": "household_id", "loans": "household_id"})
    if loans:
        households |= {r[0] for r in conn.execute(text(
            "SELECT household_id FROM loans WHERE id IN (SELECT value FROM json_each(:ids))"),
            {"ids": json.dumps(sorted(loans))})}
    named = _ids(conn, touched, "households", {"persons": "household_id", "loans": "household_id"})
    return households, named


# the rows that can move to another household (the bank's correction of who borrowed a loan, or
# who belongs to a family): visits, payments and agreements are facts or stay with theirs, and a
# category tag's id is made from its household
_MOVABLE = ("persons", "loans")


def households_left(conn: Connection) -> set[str]:
    """Before a package's rows are written: the households that rows it moves elsewhere belong to
    here (a loan or a person the district gave another household), whose list rows change as
    much as the new ones' — their search text too (they lose a name or a loan)."""
    present = {r[0] for r in conn.exec_driver_sql("SELECT name FROM pkg.sqlite_master WHERE type = 'table'")}
    left: set[str] = set()
    for table in _MOVABLE:
        if table in present:
            left |= {r[0] for r in conn.exec_driver_sql(     # (the package's rows outside: CROSS JOIN keeps
                f"SELECT m.household_id FROM pkg.{table} p CROSS JOIN main.{table} m ON m.id = p.id "   # that order)
                f"WHERE m.household_id IS NOT p.household_id AND m.household_id IS NOT NULL")}
    return left


def refresh_installments(conn: Connection, agreement_ids: set[str]) -> None:
    """What each instalment of these agreements has been paid (``Installment.paid_fen``), from
    the live repayments made under them, filling the instalments in order — as the laptop that
    took the payment did (``app.services.recovery.agreement_payments``)."""
    if not agreement_ids:
        return
    ids = json.dumps(sorted(agreement_ids))
    paid = dict(conn.execute(text(
        "SELECT agreement_id, sum(amount_fen) FROM repayments WHERE deleted = 0 "
        "AND agreement_id IN (SELECT value FROM json_each(:ids)) GROUP BY agreement_id"), {"ids": ids}).all())
    rows: dict[str, list[tuple[str, int, int]]] = {}
    for row_id, agreement_id, amount, was in conn.execute(text(
            "SELECT id, agreement_id, amount_fen, paid_fen FROM installments WHERE deleted = 0 "
            "AND agreement_id IN (SELECT value FROM json_each(:ids)) ORDER BY agreement_id, no"), {"ids": ids}):
        rows.setdefault(agreement_id, []).append((row_id, amount or 0, was or 0))
    changes = []
    for agreement_id, installments in rows.items():
        filled = fill_installments(paid.get(agreement_id) or 0, [amount for _, amount, _ in installments])
        changes += [{"id": row_id, "p": f} for (row_id, _, was), f in zip(installments, filled) if f != was]
    if changes:
        conn.execute(text("UPDATE installments SET paid_fen = :p WHERE id = :id"), changes)


def check_rules(conn: Connection, touched: dict[str, set[str]], result, placed: set[str] | None = None) -> None:
    """Rules one laptop enforces alone, checked again for what the merge touched
    (``app.sync.rules``): breaches go to the conflict list, fixed ones leave it.  ``placed``:
    ``rules.touched_persons``'."""
    from app.sync import rules

    found = rules.recheck(conn, touched, placed=placed)
    result.rule_breaches += found.listed
    result.rule_breaches_fixed += found.fixed
    result.rules_fixed.extend(found.gone)


def _ids(conn: Connection, touched: dict[str, set[str]], table: str, via: dict[str, str]) -> set[str]:
    out = set(touched.get(table, ()))
    for child, column in via.items():
        ids = touched.get(child)
        if ids:
            out |= {r[0] for r in conn.execute(text(
                f"SELECT {column} FROM {child} WHERE id IN (SELECT value FROM json_each(:ids))"),
                {"ids": json.dumps(sorted(ids))}) if r[0]}
    return out


def record(conn: Connection, incoming, result, actor: str, ident) -> None:
    header = incoming.header
    now = datetime.now().replace(microsecond=0).isoformat(sep=" ")
    conn.execute(text(
        "INSERT INTO sync_packages (package_id, direction, kind, unit_id, device, sequence, sha256, at, file_name) "
        "VALUES (:p, 'in', :k, :u, :d, :s, :h, :at, :f)"),
        {"p": incoming.package_id, "k": header.kind, "u": header["unit_id"], "d": header["device"],
         "s": header.get("seq"), "h": header.get("plain_sha256"), "at": now, "f": incoming.file.name})
    if header.kind == "work":
        _sequence(conn, header["unit_id"], header["device"], int(header.get("seq") or 0), incoming.package_id, now)
        _confirm(conn, header)
    else:
        _confirmed_here(conn, incoming)
    if incoming.enrol:
        meta = incoming.meta
        conn.execute(text(
            "INSERT OR REPLACE INTO sync_peers (unit_id, device, kind, name, verify_key, recipient, enrolled_at) "
            "VALUES (:u, :d, 'device', :n, :v, :r, :at)"),
            {"u": header["unit_id"], "d": header["device"], "n": meta.get("device_name"), "v": meta["verify_key"],
             "r": meta["recipient"], "at": now})
    added = sum(result.inserted.values())
    changed = sum(result.updated.values())
    summary = (f"合并{header.get('unit_name') or ''} {header.get('device_name') or header['device']} "
               f"第 {header.get('seq')} 个数据包：新增 {added} 条，更新 {changed} 条，冲突 {result.conflicts} 处"
               + (f"，规则问题 {result.rule_breaches} 处" if result.rule_breaches else "")
               + (f"，{result.rule_breaches_fixed} 处规则问题已消除" if result.rule_breaches_fixed else ""))
    conn.execute(text(
        "INSERT INTO audit_log (id, at, hlc, actor, unit_id, device, action, entity, entity_id, changes, summary) "
        "VALUES (:id, :at, (SELECT value FROM meta WHERE key = 'hlc_last'), :actor, :unit, :dev, 'merge', "
        "'sync_packages', :p, :changes, :summary)"),
        {"id": new_id(), "at": now, "actor": actor, "unit": ident.unit_id, "dev": ident.device, "p": incoming.package_id,
         "changes": json.dumps({"inserted": result.inserted, "updated": result.updated,
                                "refused": result.refused_changes}
                               | ({"rules_fixed": result.rules_fixed} if result.rules_fixed else {}),
                               ensure_ascii=False),
         "summary": summary})


def _sequence(conn: Connection, unit: str, device: str, seq: int, package_id: str, now: str) -> None:
    """The sender's package sequence: the highest seen, and the numbers still missing below it."""
    row = conn.execute(text("SELECT last_sequence, missing FROM device_sequences WHERE unit_id = :u AND device = :d"),
                       {"u": unit, "d": device}).first()
    last, missing = (row[0], {int(x) for x in (row[1] or "").split(",") if x}) if row else (0, set())
    if seq > last:
        missing |= set(range(last + 1, seq))
        last = seq
    missing.discard(seq)
    conn.execute(text(     # (an upsert: a REPLACE would drop what was confirmed of this laptop)
        "INSERT INTO device_sequences (unit_id, device, last_sequence, missing, last_package_id, seen_at) "
        "VALUES (:u, :d, :l, :m, :p, :at) ON CONFLICT (unit_id, device) DO UPDATE SET "
        "last_sequence = excluded.last_sequence, missing = excluded.missing, "
        "last_package_id = excluded.last_package_id, seen_at = excluded.seen_at"),
        {"u": unit, "d": device, "l": last, "m": ",".join(str(x) for x in sorted(missing)) or None,
         "p": package_id, "at": now})


def _confirm(conn: Connection, header) -> None:
    """(District) a package holding every change of its laptop above ``since`` up to ``upto``,
    built on what this district had confirmed, brings the confirmation up to ``upto``."""
    since, upto = header.get("since"), header.get("upto")
    if upto is None:
        return
    conn.execute(text("UPDATE device_sequences SET last_upto = :t WHERE unit_id = :u AND device = :d"),
                 {"t": upto, "u": header["unit_id"], "d": header["device"]})
    current = conn.execute(text("SELECT confirmed_change FROM device_sequences WHERE unit_id = :u AND device = :d"),
                           {"u": header["unit_id"], "d": header["device"]}).scalar()
    if (since or 0) <= (current or 0) and upto > (current or 0):
        conn.execute(text("UPDATE device_sequences SET confirmed_change = :c WHERE unit_id = :u AND device = :d"),
                     {"c": upto, "u": header["unit_id"], "d": header["device"]})


def _confirmed_here(conn: Connection, incoming) -> None:
    """(Laptop) what the district confirms having received from this laptop: the next work
    package starts above it."""
    confirmed = json.loads(incoming.meta.get("confirmed") or "{}")
    device = conn.execute(text("SELECT value FROM meta WHERE key = 'device'")).scalar()
    mine = confirmed.get(device)
    current = conn.execute(text("SELECT value FROM meta WHERE key = 'confirmed_seq'")).scalar()
    # Taken as the district says, lower too: a district that went back to a backup has less than
    # it confirmed before, and the next package must carry the rest again (sending too much is
    # only bigger; sending too little would lose work).
    if mine is None and current is not None:
        conn.execute(text("DELETE FROM meta WHERE key = 'confirmed_seq'"))
    elif mine is not None and str(mine) != str(current):
        conn.execute(text("INSERT OR REPLACE INTO meta (key, value) VALUES ('confirmed_seq', :v)"), {"v": str(mine)})
    if incoming.meta.get("device_names"):    # the township's other laptops, by name (conflicts, who changed what)
        conn.execute(text("INSERT OR REPLACE INTO meta (key, value) VALUES ('device_names', :v)"),
                     {"v": incoming.meta["device_names"]})
