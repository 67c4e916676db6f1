"""Why a household was found: which person and which field the typed text matched.

The household list shows it in its 匹配 column, ``qingshou households --search … --json`` in
``matched``, the agreement dialog's household picker after the name.  The same sources as the
search text (``app.db.search_text``), read from the facts for the rows on screen only.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.db.search_index import found_by
from app.db.search_text import matching
from app.domain.stages import ROLE_NAMES, PersonRole

FIELD_NAMES = {"name": "", "id_number": "身份证号", "phone": "电话", "loan_no": "借据号"}


@dataclass(frozen=True)
class Match:
    """One thing the search text matched in a household."""

    role: str       # head | loan | co_borrower | guarantor | heir | spouse | borrower | other
    name: str       # the person's name ("" for a loan)
    field: str      # name (or its pinyin initials) | id_number | phone | loan_no
    value: str      # the name, ID number, phone or loan number, as recorded

    @property
    def own(self) -> bool:
        """Found by the household's own head of household or loan (listed first)."""
        return self.role in ("head", "loan")

    @property
    def label(self) -> str:
        """Short, for a column: 户主 · 户主 电话 · 借据号 … · 担保人 王建国 · 配偶 李秀英 身份证号."""
        if self.role == "loan":
            return f"借据号 {self.value}"
        who = "户主" if self.role == "head" else f"{_role_name(self.role)} {self.name}"
        what = FIELD_NAMES.get(self.field, "")
        return f"{who} {what}" if what else who

    @property
    def detail(self) -> str:
        """With the value that matched, for a tooltip."""
        if self.field in ("name", "loan_no"):
            return self.label
        return f"{self.label}：{self.value}"

    def to_json(self) -> dict:
        return {"role": self.role, "name": self.name, "field": self.field, "value": self.value,
                "label": self.label}


def _role_name(role: str) -> str:
    try:
        return ROLE_NAMES[PersonRole(role)]
    except ValueError:
        return role


def matches(conn, household_ids: list[str], text: str) -> dict[str, tuple[Match, ...]]:
    """What ``text`` matched in each of these households, the household's own first (empty
    for a household it does not match, or when ``text`` is blank)."""
    if not text or not text.strip():
        return {}
    return {hid: tuple(Match(s.role, s.who, s.field, s.value) for s in matching(found, text))
            for hid, found in found_by(conn, list(household_ids)).items()}


def summary(found: tuple[Match, ...]) -> str:
    """The list's 匹配 cell: every match's short label."""
    return "、".join(dict.fromkeys(m.label for m in found))
