"""Rules one laptop enforces alone, checked again after every merge.

A laptop refuses a second agreement on a loan that is already in one, a payment beyond what a
loan still owes, and (where it can) a second person with an ID number it already has. Two
laptops that never saw each other's work can each keep the rule and still, together, break it:
each signs an agreement for the same loan, each records a payment that alone fits. A merge
cannot know which side is right, so it drops neither: it lists the breach in the conflict list
(``conflicts``, ``field = "rule:…"``) for a person to settle.

* ``rule:agreement_in_force``: a loan in more than one live agreement in force (``IN_FORCE``;
  an agreement a later version replaces is not in force, whatever its status says);
* ``rule:overpaid``: a loan whose township-recorded principal exceeds its task amount;
* ``rule:id_number``: two live persons of one township with the same ID number;
* ``rule:corrected_twice``: one voided repayment with more than one live correction (two laptops
  each 冲正'd the same repayment with a corrected amount: both corrections count as money).

A breach's id is a uuid5 of the rule, the loan (or the township and ID number) and the ids of
the rows in breach, so the same breach found again, by any later merge in any order, is the same
row. A listed breach that a later merge finds gone (one agreement voided, a repayment 冲正, a
person removed) leaves the list — the row goes, the merge's audit entry names it — so the list is
what is wrong now, the same whatever order the packages came in (a breach put right before its
second half arrived is never seen in one order and seen then fixed in another). One a person
marked settled stays, settled, while its rows stay the same; a breach with other rows (a third
agreement, one more repayment) is a new one.
"""
from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.db.ids import norm_id_number
from app.db.models.agreements import IN_FORCE
from app.domain.agreement_status import STATUS_NAMES
from app.domain.money import format_yuan
from app.domain.stages import ROLE_NAMES, PersonRole

AGREEMENT_IN_FORCE, OVERPAID, ID_NUMBER = "agreement_in_force", "overpaid", "id_number"
CORRECTED_TWICE = "corrected_twice"
RULES = (AGREEMENT_IN_FORCE, OVERPAID, ID_NUMBER, CORRECTED_TWICE)
PREFIX = "rule:"
RULE_NAMES = {AGREEMENT_IN_FORCE: "规则：一笔贷款两份生效协议", OVERPAID: "规则：还款超过应还本金",
              ID_NUMBER: "规则：身份证号重复", CORRECTED_TWICE: "规则：一笔还款更正了两次"}

# The statuses of IN_FORCE as people read them (the one table: app.domain.agreement_status).
_STATUS = {s: STATUS_NAMES[s] for s in ("signed", "broken", "fulfilled")}
_SHOWN = 5                # repayments named in an overpaid breach's description


@dataclass(frozen=True)
class Breach:
    rule: str
    entity: str              # loans | persons
    entity_id: str
    key: str                 # what the rows in breach share: the loan, or township + ID number
    parties: tuple[str, ...]  # ids of the rows in breach, sorted
    kept: str                # one side, for people
    kept_hlc: str | None
    lost: str                # the other side(s)
    lost_hlc: str | None

    @property
    def field(self) -> str:
        return PREFIX + self.rule

    @property
    def id(self) -> str:
        return breach_id(self.rule, self.key, self.parties)


@dataclass(frozen=True)
class RuleCheck:
    listed: int = 0          # breaches this check listed (new to the list)
    fixed: int = 0           # listed breaches it found gone (taken off the list)
    gone: tuple[str, ...] = field(default=(), compare=False)   # what those were, for the audit log


def breach_id(rule: str, key: str, parties) -> str:
    """The same breach (rule, what it is about, the rows in breach) has the same id everywhere."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"qingshou:rule:{rule}:{key}:{','.join(sorted(parties))}"))


def rule_of(field: str | None) -> str | None:
    """``"agreement_in_force"`` for a rule row's ``field``; None for a field conflict."""
    return field[len(PREFIX):] if field and field.startswith(PREFIX) else None


# --------------------------------------------------------------------------- after a merge

def recheck(conn: Connection, touched: dict[str, set[str]], *, placed: set[str] | None = None) -> RuleCheck:
    """Checks the rules for what a merge touched (and for every breach still listed); lists new
    breaches and takes fixed ones off the list. Runs in the caller's transaction.  ``placed``:
    see ``touched_persons``."""
    open_rows = {r[0]: r for r in conn.execute(text(
        "SELECT id, field, entity, entity_id, kept_value, lost_value FROM conflicts "
        "WHERE field LIKE 'rule:%' AND resolved = 0 AND deleted = 0"))}
    loans = touched_loans(conn, touched) | {r.entity_id for r in open_rows.values() if r.entity == "loans"}
    persons = touched_persons(conn, touched, placed) | {r.entity_id for r in open_rows.values()
                                                         if r.entity == "persons"}
    found = [*agreements_in_force(conn, loans), *overpaid(conn, loans), *corrected_twice(conn, loans),
             *id_numbers(conn, persons)]
    listed = _list(conn, found)
    gone = sorted(set(open_rows) - {b.id for b in found})
    if gone:
        conn.execute(text("DELETE FROM conflicts WHERE id IN (SELECT value FROM json_each(:ids))"),
                     {"ids": json.dumps(gone)})
    said = tuple(f"{RULE_NAMES.get(rule_of(r.field) or '', r.field)}（{r.entity} {r.entity_id}）："
                 f"{r.kept_value}；{r.lost_value}" for r in (open_rows[i] for i in gone))
    return RuleCheck(listed, len(gone), said)


def recheck_listed(db) -> RuleCheck:
    """The breaches still listed, checked again against the facts now (before the list is shown):
    one put right here since the last merge (an agreement cancelled, a repayment 冲正) leaves the
    list, and the others' descriptions are brought up to date. Rule rows never travel, so this
    changes nothing another computer holds."""
    with db.engine.begin() as conn:
        if conn.execute(text("SELECT 1 FROM conflicts WHERE field LIKE 'rule:%' AND resolved = 0 "
                             "AND deleted = 0 LIMIT 1")).first() is None:
            return RuleCheck()
        return recheck(conn, {})


def touched_loans(conn: Connection, touched: dict[str, set[str]]) -> set[str]:
    """Loans whose agreements, agreement links, repayments or own row the merge wrote."""
    out = set(touched.get("loans", ()))
    for table, sql in (
            ("repayments", "SELECT loan_id FROM repayments WHERE id IN (SELECT value FROM json_each(:ids))"),
            ("agreement_loans", "SELECT loan_id FROM agreement_loans WHERE id IN (SELECT value FROM json_each(:ids))"),
            ("agreements", "SELECT al.loan_id FROM agreement_loans al "
                           "WHERE al.agreement_id IN (SELECT value FROM json_each(:ids))")):
        ids = touched.get(table)
        if ids:
            out |= {r[0] for r in conn.execute(text(sql), {"ids": json.dumps(sorted(ids))}) if r[0]}
    return out


def touched_persons(conn: Connection, touched: dict[str, set[str]], placed: set[str] | None = None) -> set[str]:
    """Persons the merge wrote, and the persons of households it wrote.  ``placed``: of those
    households, the ones whose place the rule reads was written — made, or their township or
    ``deleted`` changed (the merge knows which columns it wrote); a household given a new
    phone number changes no one's ID number (the township's every person read and normalised
    again: ~12 ms a package of a delta's edits)."""
    out = set(touched.get("persons", ()))
    ids = touched.get("households") if placed is None else placed & set(touched.get("households", ()))
    if ids:
        out |= {r[0] for r in conn.execute(text(
            "SELECT id FROM persons WHERE household_id IN (SELECT value FROM json_each(:ids))"),
            {"ids": json.dumps(sorted(ids))})}
    return out


def _list(conn: Connection, found: list[Breach]) -> int:
    """New breaches inserted; the description of one still open brought up to date. Returns how
    many were new."""
    listed = 0
    now = _now()
    for b in found:
        params = {"id": b.id, "e": b.entity, "eid": b.entity_id, "f": b.field, "kv": b.kept, "kh": b.kept_hlc,
                  "lv": b.lost, "lh": b.lost_hlc, "now": now}
        listed += conn.execute(text(
            "INSERT OR IGNORE INTO conflicts (id, entity, entity_id, field, kept_value, kept_hlc, lost_value, "
            "lost_hlc, resolved, deleted, hlc, created_at, updated_at, updated_by) VALUES (:id, :e, :eid, :f, :kv, "
            ":kh, :lv, :lh, 0, 0, :lh, :now, :now, 'merge')"), params).rowcount
        conn.execute(text(
            "UPDATE conflicts SET kept_value = :kv, kept_hlc = :kh, lost_value = :lv, lost_hlc = :lh, hlc = :lh "
            "WHERE id = :id AND resolved = 0 AND (kept_value IS NOT :kv OR lost_value IS NOT :lv "
            "OR kept_hlc IS NOT :kh OR lost_hlc IS NOT :lh)"), params)
    return listed


# --------------------------------------------------------------------------- the rules

def agreements_in_force(conn: Connection, loans: set[str]) -> list[Breach]:
    """Loans (of ``loans``) in more than one live agreement in force."""
    if not loans:
        return []
    statuses = ", ".join(f"'{s}'" for s in IN_FORCE)
    rows = conn.execute(text(
        "SELECT al.loan_id, l.loan_no, a.id, a.number, a.version, a.status, a.signed_on, "
        "coalesce(json_extract(a.field_hlc, '$.\"*\"'), a.hlc) AS made "
        "FROM agreement_loans al JOIN agreements a ON a.id = al.agreement_id JOIN loans l ON l.id = al.loan_id "
        f"WHERE al.loan_id IN (SELECT value FROM json_each(:ids)) AND al.deleted = 0 AND a.deleted = 0 "
        f"AND a.status IN ({statuses}) "
        # not superseded by a live later version (agreements.previous_id has no index: the set
        # of superseded ones is read once, not once per row)
        "AND a.id NOT IN (SELECT n.previous_id FROM agreements n WHERE n.previous_id IS NOT NULL AND n.deleted = 0) "
        "ORDER BY al.loan_id, a.signed_on, made, a.id"), {"ids": json.dumps(sorted(loans))}).all()
    by_loan: dict[str, dict[str, tuple]] = defaultdict(dict)
    for row in rows:
        by_loan[row[0]].setdefault(row[2], row)
    out = []
    for loan_id, agreements in by_loan.items():
        if len(agreements) < 2:
            continue
        first, *others = agreements.values()
        out.append(Breach(AGREEMENT_IN_FORCE, "loans", loan_id, loan_id, tuple(sorted(agreements)),
                          _agreement(first),
                          first[7], "；".join(_agreement(r) for r in others), others[-1][7]))
    return sorted(out, key=lambda b: b.id)


def _agreement(row) -> str:
    number, version, status, signed_on = row[3], row[4], row[5], row[6]
    name = f"协议 {number}" + (f"（第{version}版）" if version and version > 1 else "")
    when = f"，{str(signed_on)[:10]} 签订" if signed_on else ""
    return f"{name}（{_STATUS.get(status, status)}{when}）"


def overpaid(conn: Connection, loans: set[str]) -> list[Breach]:
    """Loans (of ``loans``) whose live township repayments' principal is more than the task."""
    if not loans:
        return []
    rows = conn.execute(text(
        "SELECT l.id, l.loan_no, l.task_amount_fen, r.id, r.paid_on, r.principal_fen, "
        "coalesce(json_extract(r.field_hlc, '$.\"*\"'), r.hlc) AS made "
        "FROM loans l JOIN repayments r ON r.loan_id = l.id AND r.deleted = 0 AND r.source = 'township' "
        "WHERE l.id IN (SELECT value FROM json_each(:ids)) AND l.task_amount_fen < (SELECT sum(x.principal_fen) "
        "FROM repayments x WHERE x.loan_id = l.id AND x.deleted = 0 AND x.source = 'township') "
        "ORDER BY l.id, r.paid_on, made, r.id"), {"ids": json.dumps(sorted(loans))}).all()
    out = []
    for loan_id, paid in _grouped(rows, 0).items():
        task = paid[0][2]
        total = sum(r[5] for r in paid)
        shown = "、".join(f"{str(r[4])[:10]} {format_yuan(r[5])} 元" for r in paid[:_SHOWN])
        more = f" 等 {len(paid)} 笔" if len(paid) > _SHOWN else f"，共 {len(paid)} 笔"
        out.append(Breach(OVERPAID, "loans", loan_id, loan_id, tuple(sorted(r[3] for r in paid)),
                          f"清收任务应还本金 {format_yuan(task)} 元", None,
                          f"乡镇登记的还款本金合计 {format_yuan(total)} 元，超出 {format_yuan(total - task)} 元"
                          f"（{shown}{more}）", max(r[6] or "" for r in paid) or None))
    return sorted(out, key=lambda b: b.id)


def corrected_twice(conn: Connection, loans: set[str]) -> list[Breach]:
    """Repayments of ``loans`` that were voided and corrected more than once (each live
    correction names the voided one in ``corrects_id``)."""
    if not loans:
        return []
    rows = conn.execute(text(
        "SELECT r.loan_id, r.corrects_id, r.id, r.paid_on, r.amount_fen, "
        "coalesce(json_extract(r.field_hlc, '$.\"*\"'), r.hlc) AS made, o.paid_on, o.amount_fen "
        "FROM repayments r LEFT JOIN repayments o ON o.id = r.corrects_id "
        "WHERE r.loan_id IN (SELECT value FROM json_each(:ids)) AND r.deleted = 0 AND r.corrects_id IS NOT NULL "
        "ORDER BY r.corrects_id, made, r.id"), {"ids": json.dumps(sorted(loans))}).all()
    out = []
    for original, corrections in _grouped(rows, 1).items():
        if len(corrections) < 2:
            continue
        first, *others = corrections
        was = (f"原登记 {str(first[6])[:10]} {format_yuan(first[7])} 元已冲正；" if first[7] is not None else "")
        out.append(Breach(CORRECTED_TWICE, "loans", first[0], original, tuple(sorted(r[2] for r in corrections)),
                          f"{was}更正为 {_repayment(first)}", first[5],
                          "；".join(f"又更正为 {_repayment(r)}" for r in others), others[-1][5]))
    return sorted(out, key=lambda b: b.id)


def _grouped(rows, column: int) -> dict[str, list]:
    """The rows by the value of one column, in their order."""
    out: dict[str, list] = defaultdict(list)
    for row in rows:
        out[row[column]].append(row)
    return out


def _repayment(row) -> str:
    return f"{str(row[3])[:10]} {format_yuan(row[4])} 元"


def id_numbers(conn: Connection, persons: set[str]) -> list[Breach]:
    """Live persons of one township sharing an ID number with one of ``persons`` (live or not:
    a removed person's number is checked too, so what it leaves behind is seen)."""
    if not persons:
        return []
    wanted: dict[str, set[str]] = defaultdict(set)
    for township, number in conn.execute(text(
            "SELECT h.township_id, p.id_number FROM persons p JOIN households h ON h.id = p.household_id "
            "WHERE p.id IN (SELECT value FROM json_each(:ids)) AND coalesce(p.id_number, '') != ''"),
            {"ids": json.dumps(sorted(persons))}):
        key = norm_id_number(number)
        if key:
            wanted[township].add(key)
    if not wanted:
        return []
    groups: dict[tuple[str, str], list] = defaultdict(list)
    # A clean number (18 ASCII letters and digits) is its own key upper-cased (``norm_id_number``),
    # so only those among the wanted keys are read; any other is read and normalised here.  (Every
    # person of the township read and normalised: ~12 ms a package, most of the rules' time.)
    for row in conn.execute(text(
            "SELECT h.township_id, p.id_number, p.id, p.name, p.role, h.head_name, "
            "coalesce(json_extract(p.field_hlc, '$.\"*\"'), p.hlc) AS made "
            "FROM persons p JOIN households h ON h.id = p.household_id "
            "WHERE h.township_id IN (SELECT value FROM json_each(:townships)) AND p.deleted = 0 AND h.deleted = 0 "
            "AND coalesce(p.id_number, '') != '' "
            "AND (upper(p.id_number) IN (SELECT value FROM json_each(:keys)) OR typeof(p.id_number) <> 'text' "
            "OR length(p.id_number) <> 18 OR p.id_number GLOB '*[^0-9A-Za-z]*')"),
            {"townships": json.dumps(sorted(wanted)), "keys": json.dumps(sorted(set().union(*wanted.values())))}):
        key = norm_id_number(row[1])
        if key in wanted[row[0]]:
            groups[(row[0], key)].append(row)
    out = []
    for (township, number), people in groups.items():
        if len(people) < 2:
            continue
        people.sort(key=lambda r: (r[6] or "", r[2]))
        first, *others = people
        out.append(Breach(ID_NUMBER, "persons", first[2], f"{township}:{number}", tuple(sorted(r[2] for r in people)),
                          f"身份证号 {number}：{_person(first)}", first[6],
                          "；".join(_person(r) for r in others), others[-1][6]))
    return sorted(out, key=lambda b: b.id)


def _person(row) -> str:
    name, role, head = row[3], row[4], row[5]
    try:
        role_name = ROLE_NAMES[PersonRole(role)]
    except ValueError:
        role_name = role or ""
    return f"{name}（{head}户{'，' + role_name if role_name else ''}）"


def _now() -> str:
    return datetime.now().replace(microsecond=0).isoformat(sep=" ")
