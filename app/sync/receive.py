"""Opening a package someone handed this database: who sent it, may they, is it whole.

Everything here happens before a single row is written. A package is taken only when:
it is a package (shape, format), it is of this district, it is the kind this database merges
(work packages at the district, task packages on a township laptop), it is signed by the key
this database trusts for its sender — or, for a laptop the district has not met yet, it carries
a valid enrolment proof made with the secret of that township's task package — and its
payload opens and checks.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.db.models import SyncEnrolment
from app.db.session import Database, read_meta
from app.sync import container, crypto, errors, payload, trust
from app.sync.errors import PackageError


@dataclass
class Incoming:
    file: Path
    header: container.Header
    meta: dict[str, str]
    enrol: bool              # a laptop the district learns from this package

    @property
    def package_id(self) -> str:
        return self.header["package_id"]


@dataclass
class ReadAhead:
    """What a file holds, read before its turn (``read_ahead``): nothing here depends on what
    the files before it write, and nothing of it is trusted until ``open_package`` has checked
    the file in its turn, in the same order as without it (so a file refused gets the same
    reason)."""
    sealed: container.Sealed | None = None
    plain: bytes | None = None            # the payload, when encrypted to this database's keys
    read_error: BaseException | None = None     # reading or parsing the file
    payload_error: BaseException | None = None  # decrypting, decompressing, checking it


def read_ahead(file: Path, decrypt: Callable[[bytes], bytes]) -> ReadAhead:
    """The file read, parsed, and its payload decrypted with this database's keys (``decrypt``)
    and decompressed — the slow part of opening a package, done for the next file while this one
    merges (``merge_files``; zlib, hashing and SQLite let go of the interpreter meanwhile).  A
    package protected by a passphrase is left for its turn (the passphrase is asked for then)."""
    out = ReadAhead()
    try:
        out.sealed = container.parse(container.read_file(file), where=file.name)
    except BaseException as exc:       # noqa: BLE001 - raised again in the file's turn
        out.read_error = exc
        return out
    if out.sealed.header.get("encryption") != "age-scrypt":
        try:
            out.plain = container.open_payload(out.sealed, decrypt, where=file.name)
        except BaseException as exc:   # noqa: BLE001 - raised again in the file's turn
            out.payload_error = exc
    return out


def own_decrypt(conn: Connection) -> Callable[[bytes], bytes]:
    """This database's key for opening packages (made now if it has none, in ``conn``'s transaction)."""
    with Session(bind=conn) as s:
        keys = trust.own_keys(s)
        s.commit()
    return keys.decrypt


def open_package(db: Database, file: Path, conn: Connection, *,
                 passphrase: Callable[[], str | None] | None = None, ahead: ReadAhead | None = None) -> Incoming:
    """``file`` checked and opened for merging into ``db``; a ``PackageError`` says why not.

    ``conn``: the merge's connection, in its transaction, with an in-memory database attached
    as ``pkg``: who is trusted is read there (a laptop enrolled by an earlier file of the same
    merge is known), and the payload is loaded into ``pkg`` (``payload.load``).  ``ahead``: the
    file as ``read_ahead`` read it (else it is read now)."""
    where = file.name
    if ahead is not None and ahead.read_error is not None:
        raise ahead.read_error
    sealed = ahead.sealed if ahead is not None else container.parse(container.read_file(file), where=where)
    header = sealed.header
    ident = db.identity()
    # (joins conn's transaction: its commit() does not commit it, own_keys' new keys go with it)
    with Session(bind=conn) as s:
        meta = read_meta(s)
        keys = trust.own_keys(s)
        district_id = ident.unit_id if ident.role == "district" else meta.get("district_id")
        if header.get("district") != district_id:
            raise PackageError("数据包不是本区县的（来自别的区县，或发给别的区县）", code=errors.FOREIGN, where=where)
        if ident.role == "district":
            if header.kind != "work":
                raise PackageError("这是区里下发的任务包，区县数据库不合并任务包", code=errors.NOT_PACKAGE, where=where)
            known = trust.peer(s, header["unit_id"], header["device"])
            record = s.get(SyncEnrolment, header["unit_id"])
            enrol_secret = trust.secret_bytes(record) if record is not None else None
        else:
            if header.kind != "task":
                raise PackageError("这是乡镇上报的数据包：乡镇的电脑只合并区里下发的任务包", code=errors.NOT_PACKAGE,
                                   where=where)
            if header["unit_id"] != ident.unit_id:
                raise PackageError(f"任务包是发给{header.get('unit_name') or '别的乡镇'}的，不是本乡镇（{ident.unit_name}）的",
                                   code=errors.FOREIGN, where=where)
            known = trust.district(s)
            enrol_secret = None
        trusted = crypto.unb64(known.verify_key) if known is not None else None
        s.commit()    # own_keys may have made this database's keys
    enrol = False
    if trusted is None and enrol_secret is not None:
        trusted, enrol = header.signer, True      # proven below, from inside the payload
    container.check_signature(sealed, trusted, where=where)
    if header.get("encryption") == "age-scrypt":
        secret = passphrase() if passphrase else None
        if not secret:
            raise PackageError("任务包有口令保护：请设置环境变量 QINGSHOU_PASSPHRASE，或在终端中运行以输入口令",
                               code=errors.WRONG_KEY, where=where)
        decrypt = lambda d: crypto.decrypt_with_passphrase(secret, d)  # noqa: E731
    else:
        decrypt = keys.decrypt
    if ahead is not None and ahead.payload_error is not None:
        raise ahead.payload_error
    if ahead is not None and ahead.plain is not None:
        plain, ahead.plain = ahead.plain, None
    else:
        plain = container.open_payload(sealed, decrypt, where=where)
    del sealed
    inner = payload.load(conn.connection.driver_connection, plain, "pkg")
    del plain
    if inner.get("package_id") != header["package_id"]:
        raise PackageError("数据包的内容与文件头不符，可能被改动过", code=errors.DAMAGED, where=where)
    if enrol and not _enrolment_holds(inner, header, enrol_secret):
        raise PackageError("数据包来自一台没有登记的电脑，它也不能证明是用本乡镇的任务包建立的，未合并",
                           code=errors.UNKNOWN_SIGNER, where=where)
    return Incoming(file, header, inner, enrol)


def _enrolment_holds(inner: dict[str, str], header: container.Header, secret: bytes) -> bool:
    verify_key = crypto.unb64(inner.get("verify_key", ""), "签名公钥")
    if verify_key != header.signer or inner.get("device") != header["device"]:
        return False
    return crypto.check_enrol_proof(secret, inner.get("enrol_proof", ""), verify_key, inner.get("recipient", ""),
                                    header["device"])
