"""A township's own progress report (情况汇报) as of a date: its task and progress, the nine
kinds of special loans, and the progress of each village and of each responsible person.

Every amount comes from ``summary``: the loans of the township as of the date are
``summary.read``'s lines, the totals and the categories ``summary.of_scope`` of them (the
township's line of ``summary --as-of`` to the fen), and each village's and each person's figures
``summary.add_up`` of their loans.  Responsibility is read as the worklist reads it (工作台的
责任人进度): a household's duty covers all its loans, a loan's duty that loan, each loan counted
once per person.  A household counts as visited when a visit (of any kind: 上门、电话 …) is
recorded for it on or before the date and not voided.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import text

from app.db.session import Database
from app.domain import pinyin
from app.domain.errors import InputError, NotFound
from app.domain.stages import DUTY_NAMES, DutyRole
from app.domain.township_report import NO_STAFF, NO_VILLAGE, CategoryLine, Line, TownshipReport
from app.services.reporting import summary
from app.services.reporting.summary import CategoryFigures, Figures, LoanLine

_TOWNSHIP = "SELECT id, name FROM units WHERE kind = 'township' AND deleted = 0"
_HOUSEHOLDS = "SELECT DISTINCT household_id FROM loans WHERE deleted = 0 AND township_id = :t"
_VILLAGES = (f"SELECT h.id, h.village_id, v.name FROM households h LEFT JOIN villages v ON v.id = h.village_id "
             f"WHERE h.id IN ({_HOUSEHOLDS})")
_ASSIGNMENTS = (f"SELECT a.household_id, a.loan_id, a.staff_id, a.duty, s.name, s.title FROM assignments a "
                f"LEFT JOIN staff s ON s.id = a.staff_id WHERE a.deleted = 0 AND a.household_id IN ({_HOUSEHOLDS})")
_VISITED = (f"SELECT DISTINCT household_id FROM visits WHERE deleted = 0 AND visited_on <= :as_of "
            f"AND household_id IN ({_HOUSEHOLDS})")
_DUTY_ORDER = {d.value: i for i, d in enumerate(DutyRole)}


def townships(db: Database) -> list[str]:
    """The names of the townships a report can be made for, in pinyin order (as the window's lists)."""
    with db.engine.connect() as conn:
        return sorted((r[1] for r in conn.execute(text(_TOWNSHIP))), key=lambda n: (pinyin.full(n), n))


def prepare(db: Database, township: str, as_of: date | None = None) -> TownshipReport:
    """The report of ``township`` (its name) as of ``as_of`` (default today)."""
    as_of = as_of or date.today()
    if as_of > date.today():
        raise InputError(f"情况汇报的截至日期（{as_of}）在今天之后；请选今天或以前的日期")
    unit_id, name = find_township(db, township)
    report = of_township(db, unit_id, as_of)
    if not report.villages:
        raise InputError(f"截至 {as_of}，{name}还没有清收任务（没有贷款），没有可汇报的数字")
    return report


def of_township(db: Database, unit_id: str, as_of: date | None = None) -> TownshipReport:
    """The figures of the township with id ``unit_id`` as of ``as_of`` (default today), with each
    village's and person's id (the dashboard's drill-down); a township without loans by then has
    zero totals and no villages or people."""
    as_of = as_of or date.today()
    scope = summary.read(db, as_of, township_id=unit_id)
    name = scope.names.get(unit_id)
    if name is None:
        raise NotFound(f"没有这个乡镇（{unit_id}）")
    s = summary.of_scope(scope)
    params = {"t": unit_id, "as_of": as_of.isoformat()}
    with db.engine.connect() as conn:
        village_of = {r[0]: (r[1], r[2]) for r in conn.execute(text(_VILLAGES), params)}
        assignments = conn.execute(text(_ASSIGNMENTS), params).all()
        visited = {r[0] for r in conn.execute(text(_VISITED), params)}
    return TownshipReport(
        township=name, as_of=as_of,
        totals=_line(name, "", s.totals, scope.loans, visited),
        groups=[_category(c) for c in s.groups], categories=[_category(c) for c in s.categories],
        villages=_villages(scope.loans, village_of, visited),
        staff=_staff(scope.loans, assignments, visited))


def find_township(db: Database, township: str) -> tuple[str, str]:
    """The id and name of the township named ``township``; ``NotFound`` with the near names."""
    wanted = (township or "").strip()
    with db.engine.connect() as conn:
        rows = conn.execute(text(_TOWNSHIP)).all()
    found = [(r[0], r[1]) for r in rows if r[1] == wanted]
    if not found:
        near = sorted(r[1] for r in rows if wanted and (wanted in r[1] or r[1] in wanted))
        known = "、".join(sorted(r[1] for r in rows)) or "（还没有）"
        hint = f"（是不是：{'、'.join(near)}？）" if near else f"；本数据库的乡镇：{known}"
        raise NotFound(f"没有名为“{wanted}”的乡镇{hint}")
    if len(found) > 1:
        raise InputError(f"有 {len(found)} 个名为“{wanted}”的乡镇，无法确定是哪一个")
    return found[0]


def _line(name: str, detail: str, f: Figures, loans: list[LoanLine], visited: set[str],
          line_id: str | None = None) -> Line:
    households = {ln.household_id for ln in loans}
    return Line(name=name, detail=detail, loans=f.loans, households=f.households, task_fen=f.task_fen,
                recovered_fen=f.recovered_fen, settled=f.settled, repaid=f.repaid,
                visited=len(households & visited), rate=f.rate, id=line_id)


def _group(name: str, detail: str, loans: list[LoanLine], visited: set[str], line_id: str | None = None) -> Line:
    return _line(name, detail, summary.add_up(loans), loans, visited, line_id)


def _category(c: CategoryFigures) -> CategoryLine:
    return CategoryLine(code=c.code, name=c.name, loans=c.loans, households=c.households, task_fen=c.task_fen,
                        recovered_fen=c.recovered_fen, rate=summary.rate(c.recovered_fen, c.task_fen))


def _ranked(lines: list[Line]) -> list[Line]:
    return sorted(lines, key=lambda x: (-x.rate, -x.recovered_fen, x.name, x.detail))


def by_village(loans: list[LoanLine], village_of: dict) -> tuple[dict, dict]:
    """The loans per village id (``None``: households without a village) and the villages' names
    (``None`` → 未分村); ``village_of``: household id → (village id, village name)."""
    per: dict[str | None, list[LoanLine]] = defaultdict(list)
    names: dict[str | None, str] = {None: NO_VILLAGE}
    for ln in loans:
        village_id, village_name = village_of.get(ln.household_id, (None, None))
        key = village_id if village_name else None
        if key is not None:
            names[key] = village_name
        per[key].append(ln)
    return per, names


def _villages(loans: list[LoanLine], village_of: dict, visited: set[str]) -> list[Line]:
    per, names = by_village(loans, village_of)
    return _ranked([_group(names[key], "", mine, visited, key) for key, mine in per.items()])


def _staff(loans: list[LoanLine], assignments, visited: set[str]) -> list[Line]:
    people, nobody = _responsibility(loans, assignments)
    lines = [_group(name, detail, mine, visited, sid) for sid, name, detail, mine in people]
    return _ranked(lines) + ([_group(NO_STAFF, "", nobody, visited)] if nobody else [])


def responsibility(loans: list[LoanLine], assignments) -> tuple[list[tuple[str, str, list[LoanLine]]], list[LoanLine]]:
    """Who answers for which of ``loans``: (name, title and duties, their loans) per person with
    at least one of them — a household's duty covers all its loans, a loan's duty that loan,
    each loan once per person — and the loans nobody answers for.  ``assignments``: rows of
    (household id, loan id or None, staff id, duty, name, title)."""
    people, nobody = _responsibility(loans, assignments)
    return [(name, detail, mine) for _sid, name, detail, mine in people], nobody


def _responsibility(loans: list[LoanLine], assignments):
    """``responsibility`` with each person's staff id first."""
    of_household: dict[str, list[LoanLine]] = defaultdict(list)
    by_id = {}
    for ln in loans:
        of_household[ln.household_id].append(ln)
        by_id[ln.id] = ln
    covered: dict[str, dict[str, LoanLine]] = defaultdict(dict)   # staff id -> loan id -> line
    who: dict[str, tuple[str, str | None, list[str]]] = {}
    for household_id, loan_id, staff_id, duty, name, title in assignments:
        mine = of_household.get(household_id, []) if loan_id is None else [by_id[loan_id]] if loan_id in by_id else []
        covered[staff_id].update((ln.id, ln) for ln in mine)
        _name, _title, duties = who.setdefault(staff_id, (name or "（已删除）", title, []))
        if duty not in duties:
            duties.append(duty)
    people = [(sid, who[sid][0], _detail(who[sid][1], who[sid][2]), list(mine.values()))
              for sid, mine in covered.items() if mine]
    answered = {loan_id for mine in covered.values() for loan_id in mine}
    return people, [ln for ln in loans if ln.id not in answered]


def _detail(title: str | None, duties: list[str]) -> str:
    names = [title or ""] + [DUTY_NAMES.get(d, d) for d in sorted(duties, key=lambda d: _DUTY_ORDER.get(d, 9))]
    return "、".join(x for x in dict.fromkeys(names) if x)
