"""Collection stages a loan moves through, and the five-level loan classes."""
from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    COLLECTION = "collection"   # 催收
    SUIT = "suit"               # 诉讼
    FILED = "filed"             # 立案
    ENFORCEMENT = "enforcement" # 执行
    SETTLED = "settled"         # 结清
    WRITTEN_OFF = "written_off" # 核销

    @property
    def label(self) -> str:
        return STAGE_NAMES[self]

    @property
    def is_final(self) -> bool:
        return self in (Stage.SETTLED, Stage.WRITTEN_OFF)


STAGE_NAMES: dict[Stage, str] = {
    Stage.COLLECTION: "催收",
    Stage.SUIT: "诉讼",
    Stage.FILED: "立案",
    Stage.ENFORCEMENT: "执行",
    Stage.SETTLED: "结清",
    Stage.WRITTEN_OFF: "核销",
}

STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)

# Which moves make sense.  Going back (e.g. a suit withdrawn after an agreement) is allowed
# to the collection stage; a final stage can only be reopened to collection.
ALLOWED_MOVES: dict[Stage, frozenset[Stage]] = {
    Stage.COLLECTION: frozenset({Stage.SUIT, Stage.SETTLED, Stage.WRITTEN_OFF}),
    Stage.SUIT: frozenset({Stage.COLLECTION, Stage.FILED, Stage.SETTLED, Stage.WRITTEN_OFF}),
    Stage.FILED: frozenset({Stage.COLLECTION, Stage.ENFORCEMENT, Stage.SETTLED, Stage.WRITTEN_OFF}),
    Stage.ENFORCEMENT: frozenset({Stage.COLLECTION, Stage.SETTLED, Stage.WRITTEN_OFF}),
    Stage.SETTLED: frozenset({Stage.COLLECTION}),
    Stage.WRITTEN_OFF: frozenset({Stage.COLLECTION}),
}


def stage_from_text(text: str) -> Stage:
    """Accept a code (``suit``) or a Chinese name (``诉讼``)."""
    t = text.strip()
    for st, name in STAGE_NAMES.items():
        if t == st.value or t == name:
            return st
    choices = "、".join(f"{st.value}（{name}）" for st, name in STAGE_NAMES.items())
    raise ValueError(f"未知的清收阶段：{text}（可用：{choices}）")


FIVE_CLASSES: tuple[str, ...] = ("正常", "关注", "次级", "可疑", "损失")


class Capacity(StrEnum):
    UNKNOWN = "unknown"
    ABLE = "able"            # 有偿还能力
    PARTIAL = "partial"      # 部分能力
    UNABLE = "unable"        # 无能力
    EVASIVE = "evasive"      # 恶意逃废债

    @property
    def label(self) -> str:
        return CAPACITY_NAMES[self]


CAPACITY_NAMES: dict[Capacity, str] = {
    Capacity.UNKNOWN: "未研判",
    Capacity.ABLE: "有偿还能力",
    Capacity.PARTIAL: "部分能力",
    Capacity.UNABLE: "无能力",
    Capacity.EVASIVE: "恶意逃废债",
}


class PersonRole(StrEnum):
    BORROWER = "borrower"
    CO_BORROWER = "co_borrower"
    GUARANTOR = "guarantor"
    HEIR = "heir"
    SPOUSE = "spouse"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ROLE_NAMES[self]


ROLE_NAMES: dict[PersonRole, str] = {
    PersonRole.BORROWER: "借款人",
    PersonRole.CO_BORROWER: "共同借款人",
    PersonRole.GUARANTOR: "担保人",
    PersonRole.HEIR: "继承人",
    PersonRole.SPOUSE: "配偶",
    PersonRole.OTHER: "其他",
}


class DutyRole(StrEnum):
    """Named responsibility for a loan (责任人)."""

    LEADER = "leader"            # 包片领导
    RESIDENT = "resident"        # 驻村干部
    VILLAGE = "village"          # 村社干部
    LOAN_OFFICER = "loan_officer"  # 信贷员

    @property
    def label(self) -> str:
        return DUTY_NAMES[self]


DUTY_NAMES: dict[DutyRole, str] = {
    DutyRole.LEADER: "包片领导",
    DutyRole.RESIDENT: "驻村干部",
    DutyRole.VILLAGE: "村社干部",
    DutyRole.LOAN_OFFICER: "信贷员",
}


class VisitOutcome(StrEnum):
    PROMISED = "promised"
    PAID = "paid"
    PARTIAL = "partial"
    REFUSED = "refused"
    UNREACHABLE = "unreachable"
    UNABLE = "unable"
    OTHER = "other"

    @property
    def label(self) -> str:
        return OUTCOME_NAMES[self]


OUTCOME_NAMES: dict[VisitOutcome, str] = {
    VisitOutcome.PROMISED: "承诺还款",
    VisitOutcome.PAID: "当场还款",
    VisitOutcome.PARTIAL: "部分还款",
    VisitOutcome.REFUSED: "拒绝",
    VisitOutcome.UNREACHABLE: "失联",
    VisitOutcome.UNABLE: "无还款能力",
    VisitOutcome.OTHER: "其他",
}


class VisitMethod(StrEnum):
    HOME = "home"
    PHONE = "phone"
    PROXY = "proxy"
    VILLAGE = "village"
    OTHER = "other"

    @property
    def label(self) -> str:
        return METHOD_NAMES[self]


METHOD_NAMES: dict[VisitMethod, str] = {
    VisitMethod.HOME: "上门",
    VisitMethod.PHONE: "电话",
    VisitMethod.PROXY: "委托",
    VisitMethod.VILLAGE: "村委协助",
    VisitMethod.OTHER: "其他",
}
