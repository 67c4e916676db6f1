"""What a household can be found by, and how a typed query is matched against it.

A household's search text (``household_index.text``) is its tokens joined by ``|``: every
name with its pinyin initials (``^zs``, every reading in ``pinyin.initials_variants``), ID
numbers, phones (runs of 3+ digits) and IOU numbers.  The household's own tokens come first
— the head of household's name, initials, ID number and phone, the household's phone and its
loan numbers — then ``||``, then those of the other people in it (co-borrowers, guarantors,
heirs, spouses …).  ``instr(text, needle) < instr(text, '||')`` therefore says a row was found
by its own tokens, which is how the list puts head-of-household matches first, and
``sources`` says which person and which field a match came from (the list's 匹配 column).
The short-query keys (``household_search_keys``) also hold, for every 1–2 character query
that finds the head of household by name, ``OWN_KEY`` + the query + ``OWN_SEP`` + the
household's sort name: the heads a short query finds are then one index range, already in
name order (``TextMatch.own_sql``, ``household_search.own_first``) — walking the name index
for the heads named z… would read nine households in ten before the first one.

``INDEX_VERSION`` names this layout: a database whose index was built another way is rebuilt
when the list opens (``search_index.ensure_index``).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from app.domain import pinyin

SEP = "|"             # between tokens of the search text; never part of a query
MARK = "^"            # starts a set of pinyin initials: letters match from the start of a name
OWN_END = SEP + SEP   # ends the household's own tokens
OWN_KEY = "\x01"      # starts a head of household's own short-query key (sorts before the others)
OWN_SEP = "\x02"      # between the query and the sort name in such a key
# Bump when tokens, keys or sort names are built differently: existing indexes get rebuilt.
INDEX_VERSION = "2"   # 2: own tokens first, heads' own short keys; 颉 乜 重 尉 readings, compound splits
_TOP = "\U0010ffff"
_DIGITS = re.compile(r"\d{3,}")
_PHONE_JOINERS = re.compile(r"[\s\-–—()（）]")


# -- queries -----------------------------------------------------------------------------
def normalise_query(raw: str | None) -> str:
    """What a person typed, as the index spells it: half-width, lower case, no spaces."""
    t = unicodedata.normalize("NFKC", raw or "").lower()
    return "".join(c for c in t if c.isprintable() and not c.isspace() and c not in (SEP, MARK))


def _is_letters(q: str) -> bool:
    return q.isascii() and q.isalpha()


@dataclass(frozen=True)
class TextMatch:
    """How one query is answered.  ``needle``: ``instr(text, needle) > 0`` finds the same rows."""

    kind: str                 # fts | keys | scan
    needle: str
    fts: str | None = None    # the MATCH expression
    lo: str | None = None     # key range [lo, hi)
    hi: str | None = None

    def seq_sql(self) -> str | None:
        """A query returning the matching ``seq`` values (None for ``scan``)."""
        if self.kind == "fts":
            return "SELECT rowid AS seq FROM household_search_fts WHERE household_search_fts MATCH :q_fts"
        if self.kind == "keys":
            return "SELECT DISTINCT seq FROM household_search_keys WHERE key >= :q_lo AND key < :q_hi"
        return None

    def match_sql(self) -> str:
        """A condition on household_index ``i``: the row matches (for walking the name index)."""
        if self.kind == "keys":
            return "i.seq IN (SELECT seq FROM household_search_keys WHERE key >= :q_lo AND key < :q_hi)"
        return "instr(i.text, :q_needle) > 0"

    def own_sql(self) -> str:
        """A condition on household_index ``i``: the row matches by the household's own tokens
        (its head of household, its loans); rows that match and fail it were found by someone
        else in the household."""
        if self.kind == "keys":
            return "i.seq IN (SELECT seq FROM household_search_keys WHERE key >= :q_own_lo AND key < :q_own_hi)"
        return f"(instr(i.text, :q_needle) BETWEEN 1 AND instr(i.text, '{OWN_END}'))"

    def params(self) -> dict:
        own = OWN_KEY + self.needle + OWN_SEP
        return {"q_fts": self.fts, "q_lo": self.lo, "q_hi": self.hi, "q_needle": self.needle,
                "q_own_lo": own, "q_own_hi": own + _TOP}


def plan_query(raw: str | None) -> TextMatch | None:
    """The plan for a search text, or None when it is empty.

    Letters only are pinyin initials, matched from the start of a name (``zs`` finds 张三 and
    张树森, not 王振山); anything else is matched anywhere in a name, ID number, phone or IOU
    number.
    """
    q = normalise_query(raw)
    if not q:
        return None
    needle = MARK + q if _is_letters(q) else q
    if len(needle) >= 3:
        return TextMatch("fts", needle, fts='"' + needle.replace('"', '""') + '"')
    if not any(c.isdigit() for c in needle):
        return TextMatch("keys", needle, lo=needle, hi=needle + _TOP)
    return TextMatch("scan", needle)


# -- what a household is found by ----------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """One thing a household can be found by."""

    role: str                 # head | loan | a person's role (co_borrower, guarantor, heir …)
    who: str                  # the person's name ("" for a loan)
    field: str                # name | id_number | phone | loan_no
    value: str                # as stored
    tokens: tuple[str, ...]

    @property
    def own(self) -> bool:
        """The household's own: its head of household or one of its loans."""
        return self.role in ("head", "loan")

    def matches(self, needle: str) -> bool:
        return any(needle in t for t in self.tokens)


def _clean_name(name: str | None) -> str:
    return "".join((name or "").split()).lower()


def name_tokens(name: str | None) -> list[str]:
    """A name and every set of its initials (``^zgf``, ``^cgf``)."""
    name = _clean_name(name)
    if not name:
        return []
    return [name] + [MARK + v for v in pinyin.initials_variants(name) if v]


def _id_tokens(value: str | None) -> list[str]:
    v = unicodedata.normalize("NFKC", value or "").strip().lower()
    return [v] if v else []


def _digits_tokens(value: str | None) -> list[str]:
    return _DIGITS.findall(_PHONE_JOINERS.sub("", unicodedata.normalize("NFKC", value or "")))


def _head_person(head: str, persons: list[dict]) -> dict | None:
    named = [p for p in persons if p.get("name") == head]
    return next((p for p in named if p.get("role", "borrower") == "borrower"), named[0] if named else None)


def sources(hh: dict, persons: list[dict], loan_nos: Iterable[str]) -> list[Source]:
    """What household ``hh`` (head_name, head_id_number, phone) can be found by, its own first:
    its head of household, its loans, then the other people in it (dicts with name, role,
    id_number, phone), in their order."""
    out: list[Source] = []
    seen: set[tuple] = set()

    def add(role: str, who: str, field: str, value: str | None, tokens: list[str]) -> None:
        if tokens and (role, who, field, value) not in seen:
            seen.add((role, who, field, value))
            out.append(Source(role, who, field, value or "", tuple(tokens)))

    head = hh["head_name"]
    me = _head_person(head, persons)
    add("head", head, "name", head, name_tokens(head))
    for value in (hh.get("head_id_number"), me and me.get("id_number")):
        add("head", head, "id_number", value, _id_tokens(value))
    for value in (hh.get("phone"), me and me.get("phone")):
        add("head", head, "phone", value, _digits_tokens(value))
    for no in loan_nos:
        add("loan", "", "loan_no", no, _id_tokens(no))
    for p in persons:
        if p is me:
            continue
        role, who = p.get("role") or "other", p.get("name") or ""
        add(role, who, "name", who, name_tokens(who))
        add(role, who, "id_number", p.get("id_number"), _id_tokens(p.get("id_number")))
        add(role, who, "phone", p.get("phone"), _digits_tokens(p.get("phone")))
    return out


def search_text(found_by: list[Source]) -> str:
    """The household's search text: its own tokens, ``||``, the other people's."""
    own = list(dict.fromkeys(t for s in found_by if s.own for t in s.tokens))
    seen = set(own)
    other = list(dict.fromkeys(t for s in found_by if not s.own for t in s.tokens if t not in seen))
    return SEP.join(own) + OWN_END + SEP.join(other)


def _short_queries(name: str) -> set[str]:
    """The 1–2 character queries (as ``plan_query`` spells them) that find ``name`` through the
    keys: the first letter of each set of initials, every 1–2 character piece of the name."""
    out = {MARK + v[0] for v in pinyin.initials_variants(name) if v}
    clean = _clean_name(name)
    for size in (1, 2):
        for i in range(len(clean) - size + 1):
            piece = clean[i:i + size]
            if not _is_letters(piece) and not any(c.isdigit() for c in piece):
                out.add(piece)
    return out


def name_keys(head: str, names: Iterable[str], sort_name: str) -> list[str]:
    """Keys for 1–2 character queries: every suffix of every name, every set of initials; and
    the head of household's own keys (``OWN_KEY`` query ``OWN_SEP`` sort name)."""
    keys: set[str] = set()
    for name in [head, *names]:
        for token in name_tokens(name):
            if token.startswith(MARK):
                keys.add(token[:32])
            else:
                keys.update(token[i:][:32] for i in range(len(token)))
    keys.update(OWN_KEY + q + OWN_SEP + sort_name for q in _short_queries(head))
    return sorted(keys)


def matching(found_by: list[Source], raw_query: str | None) -> list[Source]:
    """The sources that ``raw_query`` finds (as the index would), the household's own first."""
    plan = plan_query(raw_query)
    if plan is None:
        return []
    return [s for s in found_by if s.matches(plan.needle)]
