"""Work packages: what a township laptop hands the district on a stick.

Everything of the township this laptop holds that the district has not confirmed receiving
(rows whose local change sequence ``seq`` is above ``meta.confirmed_seq``; all rows while the
schema has no ``seq`` or nothing was confirmed), so a lost stick loses nothing. Every package
also carries the laptop's public keys and its enrolment proof, so the district can learn the
laptop from whichever of its packages arrives first.
"""
from __future__ import annotations

import hashlib
import sqlite3
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

import app
from app.db.models import Meta, SyncPackage
from app.db.session import Database, read_meta
from app.domain.errors import UserError
from app.sync import atomic, container, crypto, payload, trust
from app.sync.tasks import schema_revision


@dataclass(frozen=True)
class WorkPackage:
    package_id: str
    unit: str
    sequence: int
    sha256: str
    path: str
    counts: dict[str, int] = field(default_factory=dict)
    covers: tuple[int, int] | None = None


def write_work_package(db: Database, out: Path) -> WorkPackage:
    """(Township laptop) its work package, written to ``out``; the package sequence is taken
    only once the file is safely on the stick."""
    ident = db.identity()
    with Session(db.engine) as s:
        district = trust.district(s)
        meta = read_meta(s)
        if ident.role == "district":
            raise UserError(f"这是区县的数据库（{ident.unit_name}）：区县不写出数据包，而是给各乡镇写任务包"
                            "（qingshou tasks --township 乡镇 --out 文件）；数据包由乡镇的电脑写出，交到区里合并")
        if ident.role != "township" or district is None or "enrol_secret" not in meta:
            raise UserError("这台电脑不是从任务包建立的，没有可以交回的区县（请先用 init --from-task 建立）")
        keys = trust.own_keys(s)
        sequence = int(meta.get("export_sequence", "0")) + 1
        confirmed = int(meta["confirmed_seq"]) if meta.get("confirmed_seq") else None
        package_id = str(uuid.uuid4())
        with tempfile.TemporaryDirectory(prefix="qingshou-work-") as tmp:
            plain_path = Path(tmp) / "payload.sqlite"
            counts = payload.write(db.path, ident.unit_id, plain_path, since_seq=confirmed)
            covers = _covers(plain_path)
            secret = crypto.unb64(meta["enrol_secret"], "登记密钥")
            payload.add_meta(plain_path, {
                "package_id": package_id, "unit_id": ident.unit_id, "device": ident.device,
                "device_name": ident.device_name, "verify_key": crypto.b64(keys.verify_key),
                "recipient": keys.recipient,
                "enrol_proof": crypto.enrol_proof(secret, keys.verify_key, keys.recipient, ident.device),
                "confirmed_seq": "" if confirmed is None else str(confirmed),
            })
            plain = plain_path.read_bytes()
        fields = {
            "kind": "work", "package_id": package_id, "district": meta.get("district_id", district.unit_id),
            "unit_id": ident.unit_id, "unit_name": ident.unit_name, "device": ident.device,
            "device_name": ident.device_name, "seq": sequence, "covers": list(covers) if covers else None,
            # every change above ``since`` up to ``upto`` is in this package (None: no change sequence)
            "since": confirmed, "upto": int(meta["seq_last"]) if meta.get("seq_last") else None,
            "created": datetime.now().replace(microsecond=0).isoformat(), "counts": counts.rows,
            "schema": schema_revision(s),
            "program": app.__version__, "min_program": app.__version__,
        }
        data = container.seal(plain, fields, signer=keys, encryption="age-x25519",
                              encrypt=lambda d: crypto.encrypt_to([district.recipient], d))
        atomic.write_verified(out, data)
        digest = hashlib.sha256(data).hexdigest()
        for key, value in (("export_sequence", sequence), ("export_upto", fields["upto"])):
            if value is None:
                continue
            row = s.get(Meta, key)       # export_upto: what the last package holds (app.sync.status)
            if row is None:
                s.add(Meta(key=key, value=str(value)))
            else:
                row.value = str(value)
        s.add(SyncPackage(package_id=package_id, direction="out", kind="work", unit_id=ident.unit_id,
                          device=ident.device, sequence=sequence, sha256=digest,
                          at=datetime.now().replace(microsecond=0), file_name=out.name))
        s.commit()
    return WorkPackage(package_id, ident.unit_name, sequence, digest, str(out), counts.rows, covers)


def _covers(path: Path) -> tuple[int, int] | None:
    """The lowest and highest change sequence among the payload's rows (None without ``seq``)."""
    conn = sqlite3.connect(path)
    try:
        lows, highs = [], []
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            if "seq" in [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]:
                lo, hi = conn.execute(f"SELECT min(seq), max(seq) FROM {table}").fetchone()
                if lo is not None:
                    lows.append(lo)
                    highs.append(hi)
        return (min(lows), max(highs)) if lows else None
    finally:
        conn.close()

