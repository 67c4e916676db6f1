"""This database's own keys, and the parties it trusts (all local: none of it travels).

The key pair is made the first time it is needed and kept in ``meta`` (``sync_keys``). A
restore of a backup brings back the same keys, which is right: the district keeps trusting the
laptop.  Peers are kept in ``sync_peers``; enrolment secrets (district) in ``sync_enrolments``.
"""
from __future__ import annotations

import base64
import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Meta, SyncEnrolment, SyncPeer
from app.sync import crypto
from app.sync.crypto import KeyPair

KEYS = "sync_keys"


def own_keys(session: Session) -> KeyPair:
    """This database's key pair, made and kept on first use (within the caller's transaction)."""
    row = session.get(Meta, KEYS)
    if row is not None:
        return KeyPair.from_secret(row.value)
    keys = KeyPair.generate()
    session.add(Meta(key=KEYS, value=keys.secret()))
    session.flush()
    return keys


def peer(session: Session, unit_id: str, device: str) -> SyncPeer | None:
    return session.get(SyncPeer, (unit_id, device))


def district(session: Session) -> SyncPeer | None:
    """(Township laptop) the district it was set up from."""
    return session.scalars(select(SyncPeer).where(SyncPeer.kind == "district")).first()


def trust(session: Session, *, unit_id: str, device: str, kind: str, verify_key: bytes, recipient: str,
          name: str | None = None) -> SyncPeer:
    """Records (or renews) a trusted party."""
    found = session.get(SyncPeer, (unit_id, device))
    if found is None:
        found = SyncPeer(unit_id=unit_id, device=device, kind=kind)
        session.add(found)
    found.verify_key = crypto.b64(verify_key)
    found.recipient = recipient
    found.name = name or found.name
    found.enrolled_at = found.enrolled_at or datetime.now().replace(microsecond=0)
    session.flush()
    return found


def former_devices(meta: dict[str, str]) -> list[str]:
    """The device ids this database had before a restore gave it a new one (``meta``'s
    ``device_history``, oldest first; none when unreadable)."""
    try:
        history = json.loads(meta.get("device_history") or "[]")
    except ValueError:
        return []
    return [d for d in history if isinstance(d, str)]


def devices_of(session: Session, unit_id: str) -> list[SyncPeer]:
    """(District) the enrolled laptops of a township."""
    return list(session.scalars(select(SyncPeer).where(SyncPeer.unit_id == unit_id, SyncPeer.kind == "device")
                                .order_by(SyncPeer.enrolled_at)))


def enrolment(session: Session, unit_id: str) -> SyncEnrolment:
    """(District) the township's enrolment record, made with a new secret on first use."""
    found = session.get(SyncEnrolment, unit_id)
    if found is None:
        found = SyncEnrolment(unit_id=unit_id, secret=crypto.b64(crypto.new_enrol_secret()),
                              made_at=datetime.now().replace(microsecond=0), task_sequence=0)
        session.add(found)
        session.flush()
    return found


def secret_bytes(record: SyncEnrolment) -> bytes:
    return base64.b64decode(record.secret)
