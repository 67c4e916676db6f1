"""A small rule engine for suggested next steps (清收建议).

The rules live in one TOML file (``resources/rules/suggestions.toml``; the district may put
its own copy in the data folder) whose own comments document the format.  A rule is a set
of conditions (all must hold) and a suggestion with a priority; every rule that matches a
case is suggested, highest priority first, and a matching rule with ``stop = true`` hides
the lower-priority ones.
"""
from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain.categories import BY_CODE as CATEGORY_BY_CODE
from app.domain.errors import InputError
from app.domain.stages import Capacity, PersonRole, Stage, VisitOutcome

FLAGS = ("deceased", "imprisoned", "unreachable")

# condition key -> (kind, allowed values or None)
_LIST_CONDITIONS: dict[str, tuple[str, frozenset[str] | None]] = {
    "categories_any": ("categories", frozenset(CATEGORY_BY_CODE)),
    "categories_all": ("categories", frozenset(CATEGORY_BY_CODE)),
    "categories_none": ("categories", frozenset(CATEGORY_BY_CODE)),
    "flags_any": ("flags", frozenset(FLAGS)),
    "flags_none": ("flags", frozenset(FLAGS)),
    "roles_any": ("roles", frozenset(r.value for r in PersonRole)),
    "roles_none": ("roles", frozenset(r.value for r in PersonRole)),
    "capacity": ("capacity", frozenset(c.value for c in Capacity)),
    "stage_any": ("stages", frozenset(s.value for s in Stage)),
    "stage_none": ("stages", frozenset(s.value for s in Stage)),
    "last_outcome": ("last_outcome", frozenset(o.value for o in VisitOutcome)),
}
_BOOL_CONDITIONS = ("promise_broken", "followup_due", "never_visited", "interest_suspended",
                    "has_agreement", "all_settled")
_INT_CONDITIONS = ("days_since_last_visit_min", "days_since_last_visit_max",
                   "outstanding_min", "outstanding_max")
_RULE_KEYS = {"id", "priority", "suggestion", "when", "stop", "note"}
PLACEHOLDERS = ("head_name", "release_date", "promise_date", "promised_amount", "next_date",
                "days_since_last_visit", "outstanding", "last_visit_on")
# What a placeholder stands for, said when the household has no value for it (see ``fill``).
PLACEHOLDER_NAMES = {"head_name": "户主", "release_date": "刑满日期", "promise_date": "承诺还款日期",
                     "promised_amount": "承诺金额", "next_date": "下次跟进日期",
                     "days_since_last_visit": "距最近走访天数", "outstanding": "尚欠本金",
                     "last_visit_on": "最近走访日期"}


@dataclass(frozen=True)
class CaseFacts:
    """What the rules can see of one household (built by ``app.services.work.suggestions``)."""

    categories: frozenset[str] = frozenset()
    flags: frozenset[str] = frozenset()          # of borrowers and co-borrowers
    roles: frozenset[str] = frozenset()          # roles of the people recorded
    capacity: str = "unknown"
    stages: frozenset[str] = frozenset()         # stages of the household's loans
    last_outcome: str | None = None
    promise_broken: bool = False
    followup_due: bool = False
    never_visited: bool = True
    days_since_last_visit: int | None = None
    outstanding_fen: int = 0
    interest_suspended: bool = False             # every unsettled loan has interest suspended
    has_agreement: bool = False                  # a signed repayment agreement is running
    all_settled: bool = False
    values: dict[str, str] = field(default_factory=dict)  # for placeholders in the text


@dataclass(frozen=True)
class Rule:
    id: str
    priority: int
    suggestion: str
    when: dict[str, Any]
    stop: bool = False


@dataclass(frozen=True)
class Suggestion:
    rule_id: str
    text: str
    priority: int


def _err(source: str, where: str, message: str) -> InputError:
    return InputError(f"建议规则文件有误（{source}，{where}）：{message}")


def parse_rules(text: str, source: str = "规则文件") -> list[Rule]:
    """Read and check a rules file; ``InputError`` says which rule and what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _err(source, "格式", str(exc)) from None
    unknown = set(data) - {"version", "rule"}
    if unknown:
        raise _err(source, "文件开头", f"不认识的设置 {', '.join(sorted(unknown))}")
    raw = data.get("rule", [])
    if not isinstance(raw, list):
        raise _err(source, "rule", "规则应写成 [[rule]]")
    rules, seen = [], set()
    for n, item in enumerate(raw, start=1):
        rid = str(item.get("id") or f"第{n}条")
        where = f"规则 {rid}"
        if not isinstance(item, dict):
            raise _err(source, where, "规则应写成 [[rule]]")
        extra = set(item) - _RULE_KEYS
        if extra:
            raise _err(source, where, f"不认识的设置 {', '.join(sorted(extra))}")
        if "id" not in item or not str(item["id"]).strip():
            raise _err(source, where, "缺少 id")
        if rid in seen:
            raise _err(source, where, "id 重复")
        seen.add(rid)
        suggestion = item.get("suggestion")
        if not isinstance(suggestion, str) or not suggestion.strip():
            raise _err(source, where, "缺少 suggestion（建议内容）")
        try:
            names = [f for _t, f, _s, _c in string.Formatter().parse(suggestion) if f is not None]
        except ValueError as exc:
            raise _err(source, where, f"建议内容中的花括号有误：{exc}") from None
        bad = [f for f in names if f not in PLACEHOLDERS]
        if bad:
            raise _err(source, where, f"不认识的占位符 {{{bad[0]}}}（可用：{'、'.join(PLACEHOLDERS)}）")
        priority = item.get("priority", 50)
        if not isinstance(priority, int) or isinstance(priority, bool):
            raise _err(source, where, "priority 应为整数")
        stop = item.get("stop", False)
        if not isinstance(stop, bool):
            raise _err(source, where, "stop 应为 true 或 false")
        when = item.get("when", {})
        if not isinstance(when, dict):
            raise _err(source, where, "when 应写成 [rule.when] 或 when = { ... }")
        _check_when(when, source, where)
        rules.append(Rule(rid, priority, suggestion.strip(), dict(when), stop))
    return rules


def _check_when(when: dict, source: str, where: str) -> None:
    for key, value in when.items():
        if key in _LIST_CONDITIONS:
            _kind, allowed = _LIST_CONDITIONS[key]
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _err(source, where, f"{key} 应为代码列表，例如 [\"imprisoned\"]")
            wrong = [v for v in value if allowed is not None and v not in allowed]
            if wrong:
                raise _err(source, where, f"{key} 中不认识的代码 {wrong[0]}（可用：{', '.join(sorted(allowed))}）")
            when[key] = value
        elif key in _BOOL_CONDITIONS:
            if not isinstance(value, bool):
                raise _err(source, where, f"{key} 应为 true 或 false")
        elif key in _INT_CONDITIONS:
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise _err(source, where, f"{key} 应为数字")
        else:
            raise _err(source, where, f"不认识的条件 {key}")


def matches(rule: Rule, f: CaseFacts) -> bool:
    w = rule.when
    sets = {"categories": f.categories, "flags": f.flags, "roles": f.roles, "stages": f.stages}
    for key, value in w.items():
        wanted = set(value) if isinstance(value, list) else value
        if key.endswith("_any") and key[:-4] in ("categories", "flags", "roles"):
            if not sets[key[:-4]] & wanted:
                return False
        elif key in ("categories_all",):
            if not wanted <= f.categories:
                return False
        elif key.endswith("_none") and key[:-5] in ("categories", "flags", "roles"):
            if sets[key[:-5]] & wanted:
                return False
        elif key == "capacity":
            if f.capacity not in wanted:
                return False
        elif key == "stage_any":
            if not f.stages & wanted:
                return False
        elif key == "stage_none":
            if f.stages & wanted:
                return False
        elif key == "last_outcome":
            if f.last_outcome not in wanted:
                return False
        elif key in _BOOL_CONDITIONS:
            if getattr(f, key) != value:
                return False
        elif key == "days_since_last_visit_min":
            if f.days_since_last_visit is None or f.days_since_last_visit < value:
                return False
        elif key == "days_since_last_visit_max":
            if f.days_since_last_visit is None or f.days_since_last_visit > value:
                return False
        elif key == "outstanding_min":   # yuan
            if f.outstanding_fen < round(value * 100):
                return False
        elif key == "outstanding_max":
            if f.outstanding_fen > round(value * 100):
                return False
    return True


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "（未知）"


_WRAPPED = re.compile(r"（\{(\w+)\}）")     # a placeholder in brackets: 刑满释放（{release_date}）后……
_CLAUSE_END = re.compile(r"[；。，：;,:！？!?]")


def fill(template: str, values: dict[str, str]) -> str:
    """A rule's text with the household's values in its placeholders.  A placeholder in brackets
    with no value loses its brackets, and its clause ends by saying what is not known:
    "刑满释放（{release_date}）后再行清收；……" reads "刑满释放（2027年5月1日）后再行清收；……" or
    "刑满释放后再行清收（刑满日期未知，请核实）；……".  Any other placeholder with no value reads
    "（未知）"."""
    known = {k: v for k, v in values.items() if v not in (None, "")}
    while True:
        m = next((m for m in _WRAPPED.finditer(template) if m.group(1) not in known), None)
        if m is None:
            break
        rest = template[m.end():]
        end = _CLAUSE_END.search(rest)
        cut = end.start() if end else len(rest)
        note = f"（{PLACEHOLDER_NAMES.get(m.group(1), m.group(1))}未知，请核实）"
        template = template[:m.start()] + rest[:cut] + note + rest[cut:]
    return template.format_map(_Blank(known))


def evaluate(rules: list[Rule], facts: CaseFacts, *, limit: int | None = None) -> list[Suggestion]:
    """The suggestions for one case, highest priority first (file order on ties)."""
    hits = [(r, i) for i, r in enumerate(rules) if matches(r, facts)]
    hits.sort(key=lambda t: (-t[0].priority, t[1]))
    out: list[Suggestion] = []
    for rule, _i in hits:
        out.append(Suggestion(rule.id, fill(rule.suggestion, facts.values), rule.priority))
        if rule.stop:
            break
    return out[:limit] if limit else out


def date_text(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""
