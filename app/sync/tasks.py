"""Task packages: the district writes one per township; a township laptop is set up from it.

A task package is a full snapshot of the township (``app.sync.scope``) plus, in the payload's
``package_meta`` table, what a laptop needs to trust the district and be trusted by it: the
district's public keys, the id namespace, the township's enrolment secret. It is signed by the
district and protected by a passphrase (the laptop has no key yet) or, once laptops of the
township are enrolled, encrypted to them.
"""
from __future__ import annotations

import hashlib
import json
import platform
import sqlite3
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import app
from app.db import ids
from app.db.models import DeviceSequence, Meta, SyncPackage, Unit
from app.db.session import Database, new_device_id, read_meta
from app.domain.errors import InputError, NotFound, UserError
from app.sync import atomic, container, crypto, errors, payload, scope, trust
from app.sync.errors import PackageError


@dataclass(frozen=True)
class TaskPackage:
    package_id: str
    township: str
    sequence: int
    sha256: str
    path: str
    counts: dict[str, int] = field(default_factory=dict)
    encryption: str = "age-scrypt"


def check_task_request(db: Database, township: str) -> str:
    """(District) the name of the township a task package may be written for; refused before
    anything else is asked (a passphrase): ``UserError`` on a database that is not the district's,
    ``NotFound`` naming the near names (or all of them) for a township the district does not have."""
    ident = db.identity()
    if ident.role != "district":
        raise UserError(f"只有区县数据库才能下发任务包：这是乡镇的数据库（{ident.unit_name}）")
    with Session(db.engine) as s:
        return _township(s, township).name


def _township(s: Session, township: str) -> Unit:
    wanted = (township or "").strip()
    unit = s.scalars(select(Unit).where(Unit.name == wanted, Unit.kind == "township",
                                        Unit.deleted.is_(False))).first()
    if unit is None:
        names = sorted(s.scalars(select(Unit.name).where(Unit.kind == "township", Unit.deleted.is_(False))))
        near = [n for n in names if wanted and (wanted in n or n in wanted)]
        hint = f"（是不是：{'、'.join(near)}？）" if near else f"；本区县的乡镇：{'、'.join(names) or '（还没有）'}"
        raise NotFound(f"没有名为“{wanted}”的乡镇{hint}")
    return unit


def write_task_package(db: Database, township: str, out: Path, *, passphrase: str | None) -> TaskPackage:
    """(District) the task package for ``township`` written to ``out``."""
    ident = db.identity()
    check_task_request(db, township)
    with Session(db.engine) as s:
        unit = _township(s, township)
        keys = trust.own_keys(s)
        enrol = trust.enrolment(s, unit.id)
        recipients = [p.recipient for p in trust.devices_of(s, unit.id)]
        sequence = enrol.task_sequence + 1
        meta = read_meta(s)
        if not passphrase and not recipients:
            raise InputError("该乡镇还没有已登记的电脑：第一次下发的任务包需要口令"
                             "（设置环境变量 QINGSHOU_PASSPHRASE，或在终端中输入）")
        package_id = str(uuid.uuid4())
        with tempfile.TemporaryDirectory(prefix="qingshou-task-") as tmp:
            plain_path = Path(tmp) / "payload.sqlite"
            counts = payload.write(db.path, unit.id, plain_path)
            payload.add_meta(plain_path, {
                "package_id": package_id, "district_id": ident.unit_id, "district_name": ident.unit_name,
                "district_verify_key": crypto.b64(keys.verify_key), "district_recipient": keys.recipient,
                "id_namespace": meta.get(ids.META_KEY, ""), "enrol_secret": enrol.secret,
                "township_id": unit.id, "township_name": unit.name, "task_sequence": str(sequence),
                "confirmed": json.dumps(_confirmed(s, unit.id)),
                # the township's enrolled laptops by name, so each names the others (ids only, no keys)
                # (and the district's own computer, under each id it had: [its unit, its name])
                "device_names": json.dumps({**{d: [ident.unit_name, "区县"] for d in (*trust.former_devices(meta), ident.device)},
                                            **{p.device: p.name for p in trust.devices_of(s, unit.id)}},
                                           ensure_ascii=False),
            })
            plain = plain_path.read_bytes()
        if passphrase:
            encrypt, encryption = (lambda d: crypto.encrypt_with_passphrase(passphrase, d)), "age-scrypt"
        else:
            encrypt, encryption = (lambda d: crypto.encrypt_to(recipients, d)), "age-x25519"
        fields = {
            "kind": "task", "package_id": package_id, "district": ident.unit_id, "unit_id": unit.id,
            "unit_name": unit.name, "device": "district", "seq": sequence,
            "created": datetime.now().replace(microsecond=0).isoformat(), "counts": counts.rows,
            "schema": schema_revision(s), "program": app.__version__, "min_program": app.__version__,
        }
        data = container.seal(plain, fields, signer=keys, encrypt=encrypt, encryption=encryption)
        atomic.write_verified(out, data)
        digest = hashlib.sha256(data).hexdigest()
        enrol.task_sequence = sequence
        s.add(SyncPackage(package_id=package_id, direction="out", kind="task", unit_id=unit.id, device="district",
                          sequence=sequence, sha256=digest, at=datetime.now().replace(microsecond=0),
                          file_name=out.name))
        name = unit.name
        s.commit()
    return TaskPackage(package_id, name, sequence, digest, str(out), counts.rows, encryption)


def schema_revision(session: Session) -> str:
    return session.connection().exec_driver_sql("SELECT version_num FROM alembic_version").scalar() or ""


def _confirmed(s: Session, unit_id: str) -> dict[str, int]:
    """What this district has received of each laptop of the township (its change sequence)."""
    rows = s.scalars(select(DeviceSequence).where(DeviceSequence.unit_id == unit_id))
    return {r.device: r.confirmed_change for r in rows if r.confirmed_change is not None}


def enrolled_devices(db: Database, township: str) -> int:
    """(District) how many laptops of ``township`` are enrolled (0 for an unknown township)."""
    with Session(db.engine) as s:
        unit = s.scalars(select(Unit.id).where(Unit.name == township.strip(), Unit.kind == "township")).first()
        return len(trust.devices_of(s, unit)) if unit else 0


@dataclass(frozen=True)
class SetUp:
    db_path: str
    township: str
    district: str
    device: str
    counts: dict[str, int]


def read_task_package(file: Path, passphrase: str | None) -> tuple[container.Header, Path, dict[str, str]]:
    """A task package opened on its own signature (a new laptop trusts no one yet): its header,
    its payload as a file (the caller removes it) and its ``package_meta``."""
    where = file.name
    sealed = container.parse(container.read_file(file), where=where)
    if sealed.header.kind != "task":
        raise PackageError("这是乡镇上报的数据包，不是区里下发的任务包", code=errors.NOT_PACKAGE, where=where)
    container.check_signature(sealed, sealed.header.signer, where=where)
    if sealed.header["encryption"] == "age-scrypt":
        if not passphrase:
            raise PackageError("任务包有口令保护：请设置环境变量 QINGSHOU_PASSPHRASE，或在终端中运行以输入口令",
                               code=errors.WRONG_KEY, where=where)
        plain = container.open_payload(sealed, lambda d: crypto.decrypt_with_passphrase(passphrase, d), where=where)
    else:
        raise PackageError("这个任务包是发给已登记的电脑的，不能用来新建数据库；请区里重新下发带口令的任务包",
                           code=errors.WRONG_KEY, where=where)
    path = payload.to_file(plain)
    try:
        meta = payload.read_meta(path)
    except PackageError as exc:
        path.unlink(missing_ok=True)
        exc.where = where
        raise
    if meta.get("district_verify_key") != sealed.header["signer"] or meta.get("township_id") != sealed.header["unit_id"]:
        path.unlink(missing_ok=True)
        raise PackageError("任务包的内容与文件头不符，可能被改动过", code=errors.DAMAGED, where=where)
    return sealed.header, path, meta


def set_up_from_task(db: Database, file: Path, *, passphrase: str | None, device_name: str | None) -> SetUp:
    """Fills the new, empty database ``db`` from a task package and makes it that township's
    laptop: its own device id and keys, trusting the district that signed the package."""
    if db.is_initialised():
        raise UserError(f"数据库已经初始化过（{db.identity().unit_name}），不能再从任务包建立：{db.path}")
    header, plain_path, meta = read_task_package(file, passphrase)
    try:
        counts = _copy_snapshot(db, plain_path, meta, header, device_name)
    finally:
        plain_path.unlink(missing_ok=True)
    db.forget_identity()
    _refresh_derived(db)
    return SetUp(str(db.path), meta["township_name"], meta["district_name"], db.identity().device, counts)


def _copy_snapshot(db: Database, plain_path: Path, meta: dict[str, str], header, device_name: str | None) -> dict:
    keys = crypto.KeyPair.generate()
    raw = db.engine.raw_connection()
    try:
        conn: sqlite3.Connection = raw.driver_connection
        # a plain path: this connection does not take URIs on every platform (the file is our own temporary copy)
        conn.execute("ATTACH DATABASE ? AS pkg", (str(plain_path),))
        try:
            conn.execute("BEGIN IMMEDIATE")
            counts = {}
            for table in scope.TOWNSHIP_ROWS:
                cols = _common_columns(conn, table)
                if cols is None:
                    continue
                names = ", ".join(cols)
                cur = conn.execute(f"INSERT INTO main.{table} ({names}) SELECT {names} FROM pkg.{table}")
                counts[table] = cur.rowcount
                if "seq" in cols:      # the district's numbers mean nothing here: the district has
                    conn.execute(f"UPDATE main.{table} SET seq = 0")   # these rows (sent once, never again)
            last = max((conn.execute(f"SELECT max(hlc) FROM main.{t}").fetchone()[0] or "")
                       for t in scope.TOWNSHIP_ROWS if "hlc" in _columns(conn, "main", t))
            taken = ids.codes_in(r[0] for r in conn.execute("SELECT number FROM main.agreements"))
            values = {
                ids.CODE_KEY: ids.choose_device_code(taken),
                "db_id": str(uuid.uuid4()), "role": "township", "unit_id": meta["township_id"],
                "unit_name": meta["township_name"], "device": new_device_id(),
                "device_name": device_name or platform.node() or "本机",
                ids.META_KEY: meta.get("id_namespace", ""), "district_id": meta["district_id"],
                "enrol_secret": meta["enrol_secret"], trust.KEYS: keys.secret(),
            }
            if last:
                values["hlc_last"] = last
            conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                             [(k, v) for k, v in values.items() if v])
            now = datetime.now().replace(microsecond=0).isoformat(sep=" ")
            conn.execute("INSERT INTO sync_peers (unit_id, device, kind, name, verify_key, recipient, enrolled_at) "
                         "VALUES (?, 'district', 'district', ?, ?, ?, ?)",
                         (meta["district_id"], meta["district_name"], meta["district_verify_key"],
                          meta["district_recipient"], now))
            conn.execute("INSERT INTO sync_packages (package_id, direction, kind, unit_id, device, sequence, sha256, "
                         "at, file_name) VALUES (?, 'in', 'task', ?, 'district', ?, ?, ?, NULL)",
                         (meta["package_id"], meta["township_id"], int(meta["task_sequence"]),
                          header["plain_sha256"], now))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.execute("DETACH DATABASE pkg")
    finally:
        raw.close()
    return counts


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA {schema}.table_info({table})")]


def _common_columns(conn: sqlite3.Connection, table: str) -> list[str] | None:
    theirs = _columns(conn, "pkg", table)
    if not theirs:
        return None
    mine = _columns(conn, "main", table)
    return [c for c in mine if c in theirs]


def _refresh_derived(db: Database) -> None:
    """What a laptop derives from its rows: the bank's reported recovery and the balances (the
    package carries readings, not the district's derived rows), the household search index."""
    from app.db import bank_recovery
    from app.db.search_index import refresh_search

    with Session(db.engine) as s:
        bank_recovery.derive(s.connection(), None, date.today())
        refresh_search(s)
        s.commit()


def has_district(db: Database) -> bool:
    with Session(db.engine) as s:
        return s.get(Meta, "district_id") is not None or trust.district(s) is not None

