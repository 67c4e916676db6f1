"""The district's settings for agreements (``resources/templates/agreement.toml``, overridden by
the user's ``templates/agreement.toml``): default rate, penalty markup, grace, wording."""
from __future__ import annotations

from dataclasses import dataclass

from app.district import templates
from app.domain.errors import InputError
from app.domain.interest import parse_rate
from app.domain.schedule import parse_order

SETTINGS_FILE = "agreement.toml"


@dataclass(frozen=True)
class AgreementSettings:
    default_rate_ppm: int
    penalty_markup_ppm: int
    allocation_order: tuple[str, ...]
    grace_days: int
    void_after_missed: int
    round_to: int
    copies: int
    lender: str               # template: ${district} ${township} ${branch}
    witness: str
    witness_for_street: str
    waiver_condition: str     # template: ${grace_days} ${void_after_missed}
    contact: str
    drafts_without_approval: bool = True   # a reduction may be saved and printed (as a 草稿) before its 审批文号


def load() -> AgreementSettings:
    raw = templates.settings(SETTINGS_FILE)
    try:
        return _settings(raw)
    except InputError as exc:  # say which file to mend
        raise InputError(exc.message, where=str(templates.template_path(SETTINGS_FILE))) from None


def _int(raw: dict, key: str, default: int, low: int, high: int) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(f"设置 {key} 应为 {low} 到 {high} 之间的整数：{value}")
    return value


def _settings(raw: dict) -> AgreementSettings:
    return AgreementSettings(
        default_rate_ppm=parse_rate(raw.get("default_rate", "8.64%"), what="默认年利率"),
        penalty_markup_ppm=parse_rate(raw.get("penalty_markup", "50%"), what="罚息加收比例"),
        allocation_order=parse_order(raw.get("allocation_order", "principal,interest,penalty")),
        grace_days=_int(raw, "grace_days", 30, 0, 365),
        void_after_missed=_int(raw, "void_after_missed", 2, 1, 120),
        round_to=_int(raw, "round_to_fen", 100, 1, 100_000),
        copies=_int(raw, "copies", 3, 1, 9),
        lender=str(raw.get("lender", "${district}农村商业银行${branch}")),
        witness=str(raw.get("witness", "${township}人民政府")),
        witness_for_street=str(raw.get("witness_for_street", "${township}办事处")),
        waiver_condition=str(raw.get("waiver_condition", "")),
        contact=str(raw.get("contact", "")),
        drafts_without_approval=_bool(raw, "drafts_without_approval", True),
    )


def _bool(raw: dict, key: str, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise InputError(f"设置 {key} 应为 true 或 false：{value}")
    return value
