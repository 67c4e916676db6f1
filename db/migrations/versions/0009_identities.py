"""identities: the database's id namespace and device code in meta; one village of a name per
township

Rows with a natural key now take ids made from it (``app/db/ids.py``) in the district's id
namespace.  A database made before has none: it is derived here from the district unit's
name (a township database: from its own unit's name, all it was told), exactly as
``ids.district_namespace`` derives it.  Rows already here keep their ids.  The device code
of agreement numbers (柳林-2026-KMX-0001) is derived from the device id.

A unique index on villages (township_id, name): the program has only ever made a village after
looking for it by township and name, and never deleted one, so existing data satisfies it;
a database that holds two of one name anyway (made by hand) is left without the index (the
services still look before they make one) rather than refused.  Not on category tags or
assignments: removing a category or a responsible person and adding it again made a second
row until now, and rows are never removed (tombstones travel); the services now bring the
removed one back instead.  Not on staff: namesakes of one title in one township are real.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
from __future__ import annotations

import logging
import re
import unicodedata
import uuid
from hashlib import sha1

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

# Frozen copies of app.db.ids (ROOT, norm_text, district_namespace, code_from_device): what
# this migration wrote must not change when that module does.
_ROOT = uuid.UUID("5d0c7f3e-8f0b-5c39-9a43-6a2b1f0e7c11")
_SEP = "\x1f"
_ZERO_WIDTH = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff\u00ad")
_DOTS = re.compile(r"[.•‧・∙⋅·]")
_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"


def _norm_text(value: str) -> str:
    s = value or ""
    if not s.isascii():
        s = _DOTS.sub("·", unicodedata.normalize("NFKC", s.translate(_ZERO_WIDTH)))
    return "".join(s.split()).casefold()


def _district_namespace(name: str) -> str:
    return str(uuid.uuid5(_ROOT, "district" + _SEP + _norm_text(name)))


def _code_from_device(device: str) -> str:
    n = int(sha1(("device" + _SEP + device).encode("utf-8")).hexdigest()[:8], 16)
    out = ""
    for _ in range(3):
        n, k = divmod(n, len(_LETTERS))
        out += _LETTERS[k]
    return out


def upgrade() -> None:
    conn = op.get_bind()
    meta = dict(conn.execute(sa.text("SELECT key, value FROM meta")).all())
    if meta.get("unit_id"):
        if "id_namespace" not in meta:
            district = conn.execute(sa.text(
                "SELECT name FROM units WHERE kind = 'district' AND deleted = 0 ORDER BY (id = :own) DESC LIMIT 1"),
                {"own": meta["unit_id"]}).scalar()
            conn.execute(sa.text("INSERT INTO meta(key, value) VALUES ('id_namespace', :v)"),
                         {"v": _district_namespace(district or meta.get("unit_name", ""))})
        if "device_code" not in meta and meta.get("device"):
            conn.execute(sa.text("INSERT INTO meta(key, value) VALUES ('device_code', :v)"),
                         {"v": _code_from_device(meta["device"])})
    if conn.execute(sa.text("SELECT 1 FROM sqlite_master WHERE type = 'index' "
                            "AND name = 'uq_villages_township_name'")).first():
        return   # a database made at a later revision and set back by hand (tests do)
    twice = conn.execute(sa.text(
        "SELECT township_id, name FROM villages GROUP BY township_id, name HAVING count(*) > 1 LIMIT 1")).first()
    if twice is None:
        op.create_index('uq_villages_township_name', 'villages', ['township_id', 'name'], unique=True)
    else:
        log.warning("villages: two of one name (%s), no unique index", twice[1])


def downgrade() -> None:
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT 1 FROM sqlite_master WHERE type = 'index' "
                            "AND name = 'uq_villages_township_name'")).first():
        op.drop_index('uq_villages_township_name', table_name='villages')
    # meta's id_namespace and device_code stay: an older program ignores them, and going up
    # again must not give this database another namespace or code.
