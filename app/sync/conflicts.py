"""The conflict list: fields two laptops changed, the value kept and the one overwritten; and
breaches of the rules one laptop enforces alone (``app.sync.rules``, ``field = "rule:…"``), the
two sides of each.

Settling a field conflict either keeps what won (it is marked resolved) or takes the overwritten
value back, which is an ordinary change of the field through the unit of work: stamped, audited,
and travelling in the next packages like any edit. The field conflicts themselves travel
(``app.sync.conflict_merge``): a conflict a laptop's merge found reaches the district, which can
settle it; how it was settled (``resolution``, by whom, when, under its own clock ``state_hlc``)
reaches every computer of the township. A rule breach has no value to take back: a
person puts it right where it lies (voids an agreement, corrects a repayment, fixes a person) and
marks it settled (``take="kept"``); a later merge that finds it gone takes it off the list.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Integer, select
from sqlalchemy.orm import Session

from app.db.base import Base
from app.db.models import Conflict, SyncPeer
from app.db.session import Database
from app.domain.clock import parse_stamp
from app.domain.errors import InputError, NotFound
from app.sync import rows, trust
from app.sync.rules import AGREEMENT_IN_FORCE, CORRECTED_TWICE, ID_NUMBER, OVERPAID, PREFIX, RULE_NAMES, rule_of


@dataclass(frozen=True)
class Side:
    value: str | None
    device: str | None        # the computer's name (its id when this database does not know it)
    at: str | None
    stamp: str | None
    operator: str | None = None   # who made the change: the actor of its audit entry
    unit: str | None = None       # the computer's township (or district)
    shown: str | None = None      # the value as people read it (名称 for codes; ``value`` is as stored)

    @property
    def text(self) -> str:
        return self.shown if self.shown is not None else (self.value or "")

    @property
    def who(self) -> str:
        """``张三（柳林镇 二号机）``: the person, then the computer; what is not known is left out."""
        where = " ".join(x for x in (self.unit, self.device) if x)
        if self.operator:
            return f"{self.operator}（{where}）" if where else self.operator
        return where


# What a person calls the fields that conflict most (the column name otherwise).
FIELD_NAMES = {"phone": "电话", "address": "地址", "capacity": "还款能力", "note": "备注",
               "group_name": "村民小组", "head_name": "户主", "head_id_number": "身份证号", "village_id": "村社",
               "imprisoned": "服刑", "is_deceased": "已故", "is_unreachable": "失联",
               "name": "姓名", "id_number": "身份证号", "interest_suspended": "停息挂账", "deleted": "删除",
               "review": "待核实", "code": "类别", "staff_id": "责任人", "duty": "职责",
               "lifecycle": "协议状态", "status": "状态", "signed_on": "签订日期",
               "kept": "保留的值", "state": "处理情况",
               **{PREFIX + rule: name for rule, name in RULE_NAMES.items()}}
# What a person does about a rule breach (there is no overwritten value to take back).
RULE_ADVICE = {
    AGREEMENT_IN_FORCE: "请在「协议」中核对这几份协议，作废其中登记错的一份（qingshou agreement cancel）",
    OVERPAID: "请核对这几笔还款，把登记错的一笔「冲正」（qingshou repay void，可同时登记更正后的金额）",
    ID_NUMBER: "请核对这几个人：同一个人登记了两次的，只留一条（归入同一户）；身份证号登记错的，按银行台账改正",
    CORRECTED_TWICE: "两台电脑各把这笔还款更正了一次，两次更正都计入了已清收：请核对哪一次对，把另一次「冲正」"
                     "（qingshou repay void，不填更正金额）",
}
ENTITY_NAMES = {"households": "借款户", "persons": "人员", "loans": "贷款", "category_tags": "类别",
                "assignments": "责任人", "agreements": "协议", "installments": "分期", "staff": "人员名单"}


@dataclass(frozen=True)
class Computer:
    device: str               # its id
    name: str | None          # its name (None when this database does not know it)
    unit: str | None          # its township (or district)

    @property
    def who(self) -> str:
        return " ".join(x for x in (self.unit, self.name or self.device) if x)


@dataclass(frozen=True)
class Resolution:
    took: str                 # kept | lost
    operator: str | None
    at: str | None
    computer: Computer | None  # where it was settled


@dataclass(frozen=True)
class ConflictView:
    id: str
    entity: str
    entity_id: str
    field: str
    kept: Side
    lost: Side
    resolved: bool
    label: str = ""           # 借款户 张三 · 电话
    found_on: tuple[Computer, ...] = ()     # the computers whose merge listed it
    resolution: Resolution | None = None

    @property
    def found_where(self) -> str:
        """``柳林镇 二号机、区农商行清收办``: where it was found."""
        return "、".join(c.who for c in self.found_on)

    @property
    def settled(self) -> str:
        """``王五（区县 …）2026-12-03 10:00:00 取被覆盖的值``; "" while open."""
        r = self.resolution
        if r is None:
            return ""
        how = "标记为已处理" if self.rule else ("改回被覆盖的值" if r.took == "lost" else "保留现在的值")
        where = r.computer.who if r.computer else ""
        who = f"{r.operator}（{where}）" if r.operator and where else (r.operator or where)
        return " ".join(x for x in (who, r.at, how) if x)

    @property
    def field_name(self) -> str:
        return FIELD_NAMES.get(self.field, self.field)

    @property
    def rule(self) -> str | None:
        """The rule a breach row is about (``agreement_in_force`` …); None for a field conflict."""
        return rule_of(self.field)

    @property
    def advice(self) -> str | None:
        """For a rule breach: what a person should do about it."""
        return RULE_ADVICE.get(self.rule) if self.rule else None

    def to_json(self) -> dict:
        def side(s: Side) -> dict:
            return {"value": s.value, "shown": s.text, "device": s.device, "at": s.at, "operator": s.operator,
                    "unit": s.unit}

        def computer(c: Computer | None) -> dict | None:
            return None if c is None else {"device": c.name or c.device, "unit": c.unit, "device_id": c.device}
        r = self.resolution
        return {"id": self.id, "entity": self.entity, "entity_id": self.entity_id, "field": self.field,
                "kept": side(self.kept), "lost": side(self.lost), "resolved": self.resolved, "label": self.label,
                "rule": self.rule, "advice": self.advice, "found_on": [computer(c) for c in self.found_on],
                "resolution": None if r is None else {"took": r.took, "operator": r.operator, "at": r.at,
                                                      "computer": computer(r.computer)}}


def list_conflicts(db: Database, *, include_resolved: bool = False) -> list[ConflictView]:
    with Session(db.engine) as s:
        names = _computers(s)
        query = select(Conflict).where(Conflict.deleted.is_(False)).order_by(Conflict.lost_hlc)
        if not include_resolved:
            query = query.where(Conflict.resolved.is_(False))
        return [_view(s, c, names) for c in s.scalars(query)]


_LABELS = {"households": "SELECT head_name FROM households WHERE id = :id",
           "persons": "SELECT name FROM persons WHERE id = :id",
           "loans": "SELECT loan_no FROM loans WHERE id = :id",
           "agreements": "SELECT number FROM agreements WHERE id = :id",
           "category_tags": "SELECT h.head_name || '户 ' || t.code FROM category_tags t "
                            "JOIN households h ON h.id = t.household_id WHERE t.id = :id",
           "assignments": "SELECT h.head_name || '户 ' || coalesce(s.name, '') FROM assignments a "
                          "JOIN households h ON h.id = a.household_id LEFT JOIN staff s ON s.id = a.staff_id "
                          "WHERE a.id = :id"}


def _computers(s: Session) -> dict[str, tuple[str | None, str | None]]:
    """device id → (its unit's name, its own name): the laptops this database enrolled, the district
    it trusts, and itself."""
    from sqlalchemy import text

    units = dict(s.execute(text("SELECT id, name FROM units")).all())
    out = {p.device: (units.get(p.unit_id), p.name) for p in s.scalars(select(SyncPeer))}
    meta = dict(s.execute(text("SELECT key, value FROM meta WHERE key IN ('device', 'device_name', 'unit_id', "
                               "'unit_name', 'device_names', 'device_history')")).all())
    try:      # (a laptop) the township's other laptops, named by the district's last task package
        siblings = json.loads(meta.get("device_names") or "{}")
    except ValueError:
        siblings = {}
    for device, name in siblings.items():      # a sibling's name, or the district's [unit, name]
        out.setdefault(device, tuple(name) if isinstance(name, list) else (meta.get("unit_name"), name))
    here = (meta.get("unit_name") or units.get(meta.get("unit_id")), meta.get("device_name"))
    for device in trust.former_devices(meta):      # this computer under the ids it had before a restore
        out.setdefault(device, here)
    if meta.get("device"):
        out[meta["device"]] = here
    return out


def _view(s: Session, c: Conflict, names: dict[str, tuple[str | None, str | None]]) -> ConflictView:
    from sqlalchemy import text

    what = ENTITY_NAMES.get(c.entity, c.entity)
    sql = _LABELS.get(c.entity)
    who = s.execute(text(sql), {"id": c.entity_id}).scalar() if sql else None
    if who and c.entity == "category_tags":        # 张三户 litigation → 张三户 涉诉
        from app.domain.categories import BY_CODE as CATEGORY_BY_CODE

        head, _, code = who.rpartition(" ")
        who = f"{head} {CATEGORY_BY_CODE[code].short}" if code in CATEGORY_BY_CODE else who
    label = f"{what} {who} · {FIELD_NAMES.get(c.field, c.field)}" if who else f"{what} · {FIELD_NAMES.get(c.field, c.field)}"
    found = tuple(_computer(d, names) for d in (json.loads(c.found_on) if c.found_on else ()))
    resolution = None
    if c.resolved:
        device = parse_stamp(c.state_hlc)[2] if c.state_hlc else None
        resolution = Resolution(c.resolution or "kept", c.resolved_by,
                                c.resolved_at.replace(microsecond=0).isoformat(sep=" ") if c.resolved_at else None,
                                _computer(device, names) if device else None)
    return ConflictView(c.id, c.entity, c.entity_id, c.field, _side(s, c, c.kept_value, c.kept_hlc, names),
                        _side(s, c, c.lost_value, c.lost_hlc, names), bool(c.resolved), label, found, resolution)


def _computer(device: str, names: dict[str, tuple[str | None, str | None]]) -> Computer:
    unit, name = names.get(device, (None, None))
    return Computer(device, name, unit)


def _side(s: Session, c: Conflict, value: str | None, stamp: str | None,
          names: dict[str, tuple[str | None, str | None]]) -> Side:
    shown = value if rule_of(c.field) else shown_value(c.field, value)
    if not stamp:
        return Side(value, None, None, stamp, shown=shown)
    wall, _, device = parse_stamp(stamp)
    at = datetime.fromtimestamp(wall / 1000).replace(microsecond=0).isoformat(sep=" ")
    unit, name = names.get(device, (None, None))
    return Side(value, name or device, at, stamp, _operator(s, c, stamp), unit, shown)


def shown_value(field: str, value: str | None) -> str:
    """A conflict's stored value as people read it: a field group's values (stored as a JSON
    list: ``["cancelled", "2026-12-02"]``) joined, codes by their names, nothing as （空）."""
    if value is None:
        return "（空）"
    parsed: Any = value
    if value[:1] == "[":
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = value
    parts = [_one(field, v) for v in (parsed if isinstance(parsed, list) else [parsed])]
    return "，".join(p for p in parts if p) or "（空）"


def _one(field: str, v: Any) -> str:
    from app.domain.agreement_status import STATUS_NAMES
    from app.domain.categories import BY_CODE as CATEGORY_BY_CODE
    from app.domain.stages import CAPACITY_NAMES, Capacity

    if v is None or v == "":
        return ""
    if field == "deleted":
        return "已删除" if v in (1, True, "1") else "未删除"
    if isinstance(v, bool) or (field in ("imprisoned", "is_deceased", "is_unreachable", "review") and v in (0, 1)):
        return "是" if v else "否"
    text = str(v)
    if text in STATUS_NAMES and field in ("lifecycle", "status"):
        return STATUS_NAMES[text]
    if field in ("capacity",):
        try:
            return CAPACITY_NAMES[Capacity(text)]
        except ValueError:
            return text
    if field == "code" and text in CATEGORY_BY_CODE:
        return CATEGORY_BY_CODE[text].short
    return text


def _operator(s: Session, c: Conflict, stamp: str) -> str | None:
    """Who made the change stamped ``stamp``: the actor of its audit entry, which travels with the
    change (of the row the conflict is about first; a rule breach's sides are stamps of the
    repayments or agreements behind it).  A merge's own entry is not a change of anyone's."""
    from sqlalchemy import text

    return s.execute(text(
        "SELECT actor FROM audit_log WHERE hlc = :h AND action NOT IN ('merge', 'withdraw', 'keep_up') "
        "ORDER BY (entity = :e AND entity_id = :id) DESC, at LIMIT 1"),
        {"h": stamp, "e": c.entity, "id": c.entity_id}).scalar()


def resolve(db: Database, conflict_id: str, take: str, actor: str) -> ConflictView:
    """Settles a conflict: ``take="kept"`` leaves the field as it is; ``"lost"`` writes the
    overwritten value back as a change of its own. A rule breach is only marked settled
    (``"kept"``); ``"lost"`` is refused with what to do instead."""
    if take not in ("kept", "lost"):
        raise InputError("--take 应为 kept（保留现在的值）或 lost（改回被覆盖的值）")
    with db.uow(actor) as uow:
        s = uow.session
        c = s.get(Conflict, conflict_id)
        if c is None or c.deleted:
            raise NotFound(f"没有编号为 {conflict_id} 的冲突（用 qingshou conflicts --all 查看）")
        if c.resolved:
            raise InputError("这个冲突已经处理过了")
        rule = rule_of(c.field)
        if rule and take == "lost":
            raise InputError(f"这是合并后规则检查发现的问题（{FIELD_NAMES.get(c.field, c.field)}），没有可以改回的值："
                             f"{RULE_ADVICE.get(rule, '请找到出错的记录改正')}；改好后用 --take kept 标记为已处理")
        if take == "lost":
            _write_back(s, c)
        # the state's own clock: a resolution travels, and of two the later stands (app.sync.conflict_merge)
        c.resolved, c.resolution, c.state_hlc = True, take, uow.clock().now()
        c.resolved_by, c.resolved_at = actor, datetime.now().replace(microsecond=0)
        if rule:
            uow.audit("resolve", "conflicts", c.id,
                      summary=f"规则问题标记为已处理：{FIELD_NAMES.get(c.field, c.field)}（{c.entity} {c.entity_id}）")
        else:
            uow.audit("resolve", "conflicts", c.id,
                      summary=f"处理冲突：{c.entity}.{c.field} 取{'被覆盖的值' if take == 'lost' else '现在的值'}")
        uow.commit()
        return _view(s, c, _computers(s))


def _write_back(s: Session, c: Conflict) -> None:
    model = _model(c.entity)
    row = s.get(model, c.entity_id)
    if row is None:
        raise NotFound(f"冲突所指的记录已不存在：{c.entity} {c.entity_id}")
    group = next((g for g in rows.groups(c.entity) if g.name == c.field), None)
    if group is None:
        raise InputError(f"无法改回：{c.entity} 没有 {c.field} 这一项")
    values = _decode(c.lost_value, len(group.columns))
    table = Base.metadata.tables[c.entity]
    for column, value in zip(group.columns, values):
        setattr(row, column, _typed(table.c[column].type, value))


def _model(table: str):
    for mapper in Base.registry.mappers:
        if mapper.local_table is not None and mapper.local_table.name == table:
            return mapper.class_
    raise InputError(f"不认识的表：{table}")


def _decode(text: str | None, n: int) -> list[Any]:
    if n == 1:
        if text is None:
            return [None]
        try:
            value = json.loads(text)
            return value if isinstance(value, list) and len(value) == 1 else [text]
        except ValueError:
            return [text]
    return list(json.loads(text)) if text else [None] * n


def _typed(kind, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(kind, Boolean):
        return bool(int(value)) if not isinstance(value, bool) else value
    if isinstance(kind, (Integer, BigInteger)):
        return int(value)
    if isinstance(kind, DateTime):
        return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if isinstance(kind, Date):
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return value
