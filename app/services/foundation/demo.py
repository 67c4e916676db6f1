"""Realistic demo data: townships, villages, households, loans, visits, agreements, repayments.

The same seed gives the same data: every random choice comes from one ``random.Random(seed)``
and every date from a fixed campaign calendar, never from today's date.  Rows are written
with Core bulk inserts (ORM objects are ~10x slower), stamped like any other write.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from app.bootstrap import open_database
from app.db import ids
from app.db.bulk import insert_rows
from app.db.models import (
    Agreement,
    AgreementLoan,
    Assignment,
    CategoryTag,
    Household,
    Installment,
    Loan,
    Person,
    Repayment,
    Staff,
    StageEvent,
    Unit,
    Village,
    Visit,
)
from app.db.search_index import refresh_search
from app.domain import names
from app.domain.categories import LARGE_MORTGAGE_FEN
from app.domain.dates import add_months
from app.domain.idcard import check_digit
from app.domain.pinyin import initials
from app.services.foundation.setup import initialise

CAMPAIGN_START = date(2026, 3, 1)   # the task list's date
DEMO_TODAY = date(2026, 11, 20)     # the demo's "today": visits and repayments up to here

REGIONS = ("622421", "622423", "622426", "620102", "610523")

# Share of households carrying each category (from township reports' counts).
CATEGORY_SHARES = (
    ("unreachable", 0.10), ("absent", 0.05), ("low_income", 0.07), ("disabled", 0.012),
    ("ex_poverty", 0.01), ("emigrated", 0.005), ("deceased", 0.02), ("imprisoned", 0.006),
    ("public_servant", 0.02), ("impersonated", 0.004), ("bank_staff", 0.004), ("litigation", 0.05),
)


@dataclass(frozen=True)
class DemoOptions:
    """``townships`` … ``agreement_share``: the district's shape, for benchmarks at a given scale
    (None: as the demo always was — up to 12 townships, ~1.4 loans and ~1.5 visits a household,
    agreements for ~5% of households)."""

    unit: str = "示范区"
    households: int = 2000
    seed: int = 1
    townships: int | None = None                        # beyond the 12 names, "<stem>镇/乡"
    loan_weights: tuple[int, ...] | None = None         # [k]: weight of a household having k+1 loans
    visit_weights: tuple[int, ...] | None = None        # [k]: weight of a household visited k times
    agreement_share: float | None = None                # of households not repaying: an agreement


@dataclass(frozen=True)
class DemoResult:
    db_path: str
    townships: int
    villages: int
    households: int
    loans: int
    visits: int
    repayments: int
    agreements: int

    def to_json(self) -> dict:
        return dict(self.__dict__)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _id_number(rng: random.Random, born: date, male: bool) -> str:
    seq = rng.randint(0, 49) * 2 + (1 if male else 0)
    body = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randint(0, 9)}{seq:02d}"
    return body + check_digit(body)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _yuan(rng: random.Random, low: int, high: int) -> int:
    """A round-ish amount in fen, log-uniform between low and high yuan."""
    import math

    value = math.exp(rng.uniform(math.log(low), math.log(high)))
    return int(value // 100 * 100) * 100 if value > 10000 else int(value) * 100


def _township_names(n: int) -> list[str]:
    """The 12 township names, then "<village stem>镇" / "<village stem>乡" not already taken."""
    out = list(names.TOWNSHIPS[:n])
    for suffix in ("镇", "乡"):
        for stem in names.VILLAGE_STEMS:
            if len(out) >= n:
                return out
            if stem + suffix not in out:
                out.append(stem + suffix)
    for i in range(len(out), n):
        out.append(f"第{i + 1}乡")
    return out


def _uniform(model, rows: list[dict]) -> list[dict]:
    """Give every row the same keys so they go in one executemany: a missing key takes the
    column's scalar default, or NULL."""
    keys = list(dict.fromkeys(k for r in rows for k in r))
    fill = {}
    for k in keys:
        default = model.__table__.c[k].default
        fill[k] = default.arg if default is not None and default.is_scalar else None
    return [r if len(r) == len(keys) else {**fill, **r} for r in rows]


def _natural_keys(n: ids.Ids) -> dict:
    """The id of each demo row that has a natural key, as the ledger import and the services
    make it (``app.db.ids``)."""
    return {
        Unit: lambda v: n.township(v["name"]),
        Village: lambda v: n.village(v["township_id"], v["name"]),
        Staff: lambda v: n.staff(v.get("unit_id"), v["name"], v.get("title")),
        Household: lambda v: n.household(v["township_id"], id_number=v.get("head_id_number"),
                                         name=v["head_name"]),
        Person: lambda v: n.person(v["household_id"], id_number=v.get("id_number"), name=v["name"]),
        Loan: lambda v: n.loan(v["loan_no"]),
        CategoryTag: lambda v: n.tag(v["household_id"], v["code"], v.get("loan_id")),
        Assignment: lambda v: n.assignment(v["household_id"], v.get("loan_id"), v["staff_id"], v["duty"]),
    }


def make_demo(path: Path, opts: DemoOptions) -> DemoResult:
    db = open_database(path, create=True)
    try:
        # A fixed device code, so that a seed's agreement numbers are always the same (README).
        initialise(db, role="district", unit_name=opts.unit, device_name="演示",
                   device_code=ids.code_from_device(f"演示-{opts.seed}"))
        with db.uow("演示数据") as uow:
            result = _fill(uow, opts)
            uow.audit("demo", "database", None, summary=f"生成演示数据：{result.households} 户")
            uow.commit()
        return result
    finally:
        db.dispose()


def _fill(uow, opts: DemoOptions) -> DemoResult:  # noqa: C901 - one generator, read top to bottom
    rng = random.Random(opts.seed)
    stamp = uow.stamp()
    s = uow.session
    district_id = uow.db.identity().unit_id
    rows: dict[type, list[dict]] = {m: [] for m in (
        Unit, Village, Staff, Household, Person, Loan, CategoryTag, Assignment, StageEvent,
        Visit, Repayment, Agreement, AgreementLoan, Installment)}

    key_of = _natural_keys(ids.of(s))
    taken: set[str] = set()

    def add(model, **values) -> str:
        drawn = _uuid(rng)   # drawn for every row, so that a seed gives the data it always gave
        key = key_of[model](values) if model in key_of else None
        values["id"] = drawn if key is None else names_.unused(key, taken)
        taken.add(values["id"])
        rows[model].append({**stamp, **values})
        return values["id"]

    names_ = ids.of(s)

    if opts.townships is None:
        n_townships = max(1, min(len(names.TOWNSHIPS), round(opts.households / 400) or 1, 12))
        n_townships = max(n_townships, min(4, opts.households))
    else:
        n_townships = max(1, opts.townships)
    township_names = _township_names(n_townships)
    townships = [add(Unit, name=township_names[i], kind="township", parent_id=district_id)
                 for i in range(n_townships)]
    staff_by_township: dict[str, dict[str, str]] = {}
    villages: list[tuple[str, str]] = []  # (township id, village id)
    village_staff: dict[str, tuple[str, str]] = {}
    staff_pool = list(names.STAFF_NAMES)
    for t_index, t_id in enumerate(townships):
        leader = add(Staff, unit_id=t_id, name=f"{rng.choice(names.SURNAMES)}{rng.choice(names.GIVEN)}",
                     title="包片领导", organisation=township_names[t_index])
        staff_by_township[t_id] = {"leader": leader}
        stems = rng.sample(names.VILLAGE_STEMS, k=rng.randint(5, 9))
        for stem in stems:
            v_id = add(Village, township_id=t_id, name=stem + rng.choice(("村", "村", "社区")))
            villages.append((t_id, v_id))
            resident = add(Staff, unit_id=t_id, name=f"{rng.choice(names.SURNAMES)}{rng.choice(names.GIVEN)}",
                           title="驻村干部")
            cadre = add(Staff, unit_id=t_id, name=f"{rng.choice(names.SURNAMES)}{rng.choice(names.GIVEN)}",
                        title="村社干部")
            village_staff[v_id] = (resident, cadre)
    officers = {name: add(Staff, unit_id=None, name=name, title="信贷员", organisation="农商银行")
                for name in staff_pool[:8]}
    officer_names = list(officers)

    loan_seq = 100000
    loan_rows: dict[str, dict] = {}
    counts = {"loans": 0, "visits": 0, "repayments": 0, "agreements": 0}
    for _h in range(opts.households):
        t_id, v_id = villages[rng.randrange(len(villages))]
        surname = rng.choice(names.SURNAMES)
        head = surname + rng.choice(names.GIVEN)
        male = rng.random() < 0.72
        born = _day(rng, date(1950, 1, 1), date(1995, 12, 31))
        idno = _id_number(rng, born, male)
        phone = f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"
        cats = [code for code, share in CATEGORY_SHARES if rng.random() < share]
        capacity = rng.choices(["unknown", "able", "partial", "unable", "evasive"], [30, 25, 25, 15, 5])[0]
        hh = add(Household, township_id=t_id, village_id=v_id, group_name=f"{rng.randint(1, 12)}组",
                 head_name=head, head_id_number=idno, phone=phone, pinyin_initials=initials(head),
                 capacity=capacity,
                 capacity_reason={"able": "家中有务工收入", "partial": "种植收入，可分期归还",
                                  "unable": "家庭困难，无稳定收入", "evasive": "有能力但拒不还款"}.get(capacity),
                 needs_review=False)
        borrower = add(Person, household_id=hh, name=head, role="borrower", id_number=idno, phone=phone,
                       is_deceased="deceased" in cats, is_imprisoned="imprisoned" in cats,
                       is_unreachable="unreachable" in cats,
                       release_date=_day(rng, date(2027, 1, 1), date(2030, 12, 31)) if "imprisoned" in cats else None)
        if rng.random() < 0.5:
            add(Person, household_id=hh, name=surname + rng.choice(names.GIVEN), role="spouse",
                id_number=_id_number(rng, _day(rng, date(1950, 1, 1), date(1995, 12, 31)), not male))
        if "deceased" in cats:
            add(Person, household_id=hh, name=surname + rng.choice(names.GIVEN), role="heir",
                id_number=_id_number(rng, _day(rng, date(1975, 1, 1), date(2000, 12, 31)), True),
                phone=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}")
        if rng.random() < 0.3:
            add(Person, household_id=hh, name=rng.choice(names.SURNAMES) + rng.choice(names.GIVEN),
                role="guarantor", id_number=_id_number(rng, _day(rng, date(1955, 1, 1), date(1990, 12, 31)), True))
        for code in cats:
            add(CategoryTag, household_id=hh, loan_id=None, code=code, since=CAMPAIGN_START)
        resident, cadre = village_staff[v_id]
        add(Assignment, household_id=hh, loan_id=None, staff_id=staff_by_township[t_id]["leader"],
            duty="leader", since=CAMPAIGN_START)
        add(Assignment, household_id=hh, loan_id=None, staff_id=resident, duty="resident", since=CAMPAIGN_START)
        add(Assignment, household_id=hh, loan_id=None, staff_id=cadre, duty="village", since=CAMPAIGN_START)

        loan_weights = opts.loan_weights or (70, 22, 8)
        n_loans = rng.choices(range(1, len(loan_weights) + 1), loan_weights)[0]
        hh_loans: list[tuple[str, int, int]] = []  # (id, task fen, interest fen)
        for _ in range(n_loans):
            loan_seq += rng.randint(3, 40)
            issue = _day(rng, date(2008, 1, 1), date(2020, 12, 31))
            due = add_months(issue, rng.choice((12, 24, 36)))
            large = rng.random() < 0.012
            guarantee = "抵押" if large else rng.choices(["信用", "保证", "联保", "抵押"], [40, 30, 15, 15])[0]
            principal = _yuan(rng, 1_000_000, 3_000_000) if large else _yuan(rng, 5_000, 300_000)
            balance = max(100, principal * rng.randint(45, 100) // 100 // 100 * 100)
            interest = balance * rng.randint(3, 35) // 100
            officer = rng.choice(officer_names)
            litig = "litigation" in cats
            stage = rng.choice(["suit", "filed", "enforcement"]) if litig else "collection"
            loan_id = add(Loan, loan_no=f"6201001{loan_seq:05d}", household_id=hh, borrower_id=borrower,
                          township_id=t_id, issue_date=issue, due_date=due, principal_fen=principal,
                          task_amount_fen=balance, task_date=CAMPAIGN_START, balance_fen=balance,
                          interest_fen=interest, ledger_date=CAMPAIGN_START - timedelta(days=1),
                          rate_ppm=rng.choice((72000, 86400, 97200, 108000)),
                          five_class=rng.choices(["次级", "可疑", "损失"], [40, 45, 15])[0],
                          guarantee=guarantee, bank_branch=rng.choice(names.BRANCHES), loan_officer=officer,
                          stage=stage, stage_date=CAMPAIGN_START if stage == "collection" else
                          _day(rng, CAMPAIGN_START, DEMO_TODAY - timedelta(days=30)),
                          interest_suspended="imprisoned" in cats, missing_from_ledger=False)
            loan_rows[loan_id] = rows[Loan][-1]
            if guarantee == "抵押" and balance >= LARGE_MORTGAGE_FEN:
                add(CategoryTag, household_id=hh, loan_id=loan_id, code="large_mortgage", since=CAMPAIGN_START)
            add(Assignment, household_id=hh, loan_id=loan_id, staff_id=officers[officer], duty="loan_officer",
                since=CAMPAIGN_START)
            if stage != "collection":
                add(StageEvent, loan_id=loan_id, from_stage="collection", to_stage=stage,
                    on_date=rows[Loan][-1]["stage_date"], note="演示：已起诉")
            hh_loans.append((loan_id, balance, interest))
            counts["loans"] += 1

        # Visits: most households have been visited, some several times.
        visit_days: list[date] = []
        visit_weights = opts.visit_weights or (20, 35, 25, 12, 8)
        n_visits = rng.choices(range(len(visit_weights)), visit_weights)[0]
        for _ in range(n_visits):
            visit_days.append(_day(rng, CAMPAIGN_START + timedelta(days=7), DEMO_TODAY))
        visit_days.sort()
        for i, vd in enumerate(visit_days):
            outcome = ("unreachable" if "unreachable" in cats else
                       rng.choices(["promised", "paid", "partial", "refused", "unable", "other"],
                                   [30, 10, 15, 20, 15, 10])[0])
            promised = outcome == "promised"
            total_task = sum(x[1] for x in hh_loans)
            add(Visit, household_id=hh, loan_id=None, visited_on=vd,
                visitors=f"{rng.choice(names.SURNAMES)}{rng.choice(names.GIVEN)}、村干部",
                method=rng.choices(["home", "phone", "village", "proxy"], [60, 25, 10, 5])[0],
                outcome=outcome,
                promised_fen=(total_task * rng.randint(10, 100) // 100 // 100 * 100) if promised else None,
                promised_date=vd + timedelta(days=rng.randint(10, 60)) if promised else None,
                next_date=vd + timedelta(days=rng.randint(7, 45)) if i == len(visit_days) - 1 else None,
                note=rng.choice(("户主在外务工，家属表示尽快联系", "表示秋收后还款", "家庭困难，申请减免利息",
                                 "态度较好", "拒绝沟通", "已告知减免政策")))
            counts["visits"] += 1

        # Repayments and agreements for a share of households that can pay.
        if capacity in ("able", "partial") and rng.random() < 0.55:
            for loan_id, task, _interest in hh_loans:
                settle = rng.random() < 0.25
                amount = task if settle else task * rng.randint(5, 60) // 100 // 100 * 100
                if amount <= 0:
                    continue
                parts = 1 if settle else rng.randint(1, 3)
                paid = 0
                for p in range(parts):
                    piece = amount - paid if p == parts - 1 else amount // parts // 100 * 100
                    if piece <= 0:
                        continue
                    paid += piece
                    add(Repayment, loan_id=loan_id, paid_on=_day(rng, CAMPAIGN_START + timedelta(days=20), DEMO_TODAY),
                        amount_fen=piece, principal_fen=piece, interest_fen=0, penalty_fen=0, source="township",
                        note="演示：现金还款")
                    counts["repayments"] += 1
                row = loan_rows[loan_id]
                row["balance_fen"] = task - paid
                if settle:
                    add(StageEvent, loan_id=loan_id, from_stage=row["stage"], to_stage="settled",
                        on_date=DEMO_TODAY, note="演示：已还清")
                    row["stage"], row["stage_date"] = "settled", DEMO_TODAY
        elif hh_loans and (capacity in ("partial", "unable") and rng.random() < 0.2 if opts.agreement_share is None
                           else rng.random() < opts.agreement_share):
            loan_id, task, interest = hh_loans[0]
            signed = _day(rng, CAMPAIGN_START + timedelta(days=30), DEMO_TODAY - timedelta(days=10))
            waived = interest * rng.choice((50, 80, 100)) // 100
            total = task + interest - waived
            n = rng.choice((3, 6, 12))
            ag = add(Agreement, household_id=hh, number=f"XY-{signed:%Y}-{counts['agreements'] + 1:05d}",
                     version=1, previous_id=None, status="signed", as_of=signed, signed_on=signed,
                     principal_fen=task, interest_fen=interest, penalty_fen=0, waived_interest_fen=waived,
                     waived_penalty_fen=0, total_fen=total, allocation_order="principal,interest,penalty",
                     frequency="monthly", approval_ref=f"减免审批〔{signed:%Y}〕{rng.randint(1, 99)}号",
                     conditions="连续两期未按时还款的，减免自动失效", grace_days=30, void_after_missed=2)
            add(AgreementLoan, agreement_id=ag, loan_id=loan_id, principal_fen=task, interest_fen=interest,
                penalty_fen=0)
            each = total // n // 100 * 100
            # Most borrowers keep to their plan; some stop paying part-way, a few never start.
            keeps = rng.choices([n, rng.randint(1, max(1, n - 1)), 0], [60, 25, 15])[0]
            principal_left = task
            paid_all = True
            for i in range(n):
                amount = total - each * (n - 1) if i == n - 1 else each
                due = add_months(signed, i + 1)
                pays = i < keeps and due <= DEMO_TODAY
                paid_all = paid_all and pays
                add(Installment, agreement_id=ag, no=i + 1, due_date=due, amount_fen=amount,
                    paid_fen=amount if pays else 0)
                if pays:   # the agreement's order: principal first, then interest
                    principal = min(amount, principal_left)
                    principal_left -= principal
                    add(Repayment, loan_id=loan_id, paid_on=due - timedelta(days=rng.randint(0, 5)),
                        amount_fen=amount, principal_fen=principal, interest_fen=amount - principal,
                        penalty_fen=0, source="township", agreement_id=ag, note=f"演示：协议第{i + 1}期")
                    counts["repayments"] += 1
            loan_rows[loan_id]["balance_fen"] = principal_left
            if paid_all:                  # fulfilled: measured from these payments, the status stays signed
                if principal_left == 0:
                    add(StageEvent, loan_id=loan_id, from_stage=loan_rows[loan_id]["stage"], to_stage="settled",
                        on_date=DEMO_TODAY, note="演示：协议履行完毕")
                    loan_rows[loan_id]["stage"], loan_rows[loan_id]["stage_date"] = "settled", DEMO_TODAY
            counts["agreements"] += 1

    # Write parents before children (foreign keys are enforced).
    for model in (Unit, Village, Staff, Household, Person, Loan, CategoryTag, Assignment, StageEvent,
                  Agreement, AgreementLoan, Installment, Visit, Repayment):
        insert_rows(s, model, _uniform(model, rows[model]))
    refresh_search(s)  # the household list's index and search text
    return DemoResult(
        db_path=str(uow.db.path), townships=len(townships), villages=len(villages),
        households=opts.households, loans=counts["loans"], visits=counts["visits"],
        repayments=counts["repayments"], agreements=counts["agreements"])
