"""What a search found in a household, and the order it lists households in.

* ``matches``: which person and which field the typed text matched — the household list's 匹配
  column, ``matched`` in ``qingshou households --search … --json``, the note after the name in
  the agreement dialog's household picker.  The same sources as the search text
  (``app.db.search_text``), read from the facts for the rows on screen only.
* ``own_first``: in name order, the households found by their own head of household or loans
  come first, then those found by someone else in them (a guarantor, a spouse …).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text as sql

from app.db.search_index import found_by
from app.db.search_text import TextMatch, matching
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


# Walking the name index for the heads' own matches pays when they are spread over the whole
# order: always for 1–2 character names (their own keys are an index), and for ID numbers,
# phones and loan numbers; a longer name or initials (``lj``: the heads named l… j… sort in
# one stretch, far from the start) only when most households match.  Otherwise the matches
# are sorted (a few thousand at most).
_WALK_OWN = 1 / 5


def walks_own_first(match: TextMatch, matched: int, everyone: int) -> bool:
    """Whether ``own_first`` should answer a query that matches many (``matched``) rows."""
    return (match.kind == "keys" or any(c.isdigit() for c in match.needle)
            or matched >= everyone * _WALK_OWN)


def own_first(conn, match: TextMatch, where: str, params: dict, order: str, limit: int | None,
              offset: int) -> list[str]:
    """Ids in ``order`` when most rows match (the query's params in ``params``, other conditions
    in ``where``, " AND …"): walk the name index for the households found by their own tokens,
    stopping after the page, then (when the page is not full) for the others."""
    if match.kind == "keys":    # the heads' own keys: one range, in name order
        source = ("household_search_keys k CROSS JOIN household_index i ON i.seq = k.seq",
                  f"k.key >= :q_own_lo AND k.key < :q_own_hi{where}",
                  order.replace("i.sort_name", "k.key").replace("i.seq", "k.seq"))
    else:
        source = ("household_index i INDEXED BY ix_household_index_sort_name", f"{match.own_sql()}{where}", order)
    other = ("household_index i INDEXED BY ix_household_index_sort_name",
             f"instr(i.text, :q_needle) > 0 AND NOT {match.own_sql()}{where}", order)

    def walk(part: tuple[str, str, str], lim: int | None, off: int) -> list[str]:
        stmt = f"SELECT i.household_id FROM {part[0]} WHERE {part[1]} ORDER BY {part[2]}"
        if lim is not None:
            stmt += f" LIMIT {int(lim)} OFFSET {max(0, int(off))}"
        return [r[0] for r in conn.execute(sql(stmt), params)]

    first = walk(source, limit, offset)
    if limit is None:
        return first + walk(other, None, 0)
    if len(first) >= limit:
        return first
    skip = 0            # the page starts after the last own match: skip the others before it
    if offset and not first:
        skip = offset - conn.execute(sql(f"SELECT COUNT(*) FROM {source[0]} WHERE {source[1]}"), params).scalar_one()
    return first + walk(other, limit - len(first), skip)
