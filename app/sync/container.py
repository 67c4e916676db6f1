"""The package file: a clear header, an encrypted payload, a signature.

    MAGIC (8 bytes) | header length (4, big-endian) | header (UTF-8 JSON)
    | payload length (8) | payload (age ciphertext of the zlib-compressed SQLite file)
    | Ed25519 signature (64) of everything before it

The header says what the file is without opening it — format version, the program version it
needs, kind (task / work), district, unit, device, per-device sequence number, time, counts,
checksum of the payload — and holds no borrower's name, ID number, phone or debt: those are
only in the encrypted payload.  Reading checks, in this order and before anything is written
anywhere: the magic, the lengths (a truncated or padded file is refused), the header, the
format version (a newer one says which program version it needs), the signature against the
key this database trusts for the signer, then decrypts, decompresses within the size the header
states (a zip bomb stops there) and compares the checksum.
"""
from __future__ import annotations

import errno
import hashlib
import json
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from app.sync import errors
from app.sync.crypto import SIGNATURE_SIZE, KeyPair, b64, unb64, verify
from app.sync.errors import PackageError

MAGIC = b"QSPKG\r\n\x1a"        # as PNG's: a text-mode copy or a truncated download shows at once
FORMAT = 2                      # the layout of the file and of its header, and what its payload may hold
# (2: the conflict list travels; a program that reads 1 would take the new table for damage. 1 still merges)
MAX_HEADER = 64 * 1024
MAX_PAYLOAD = 2 * 1024 ** 3     # a district's whole database is far smaller
MAX_PLAIN = 4 * 1024 ** 3
_HEAD = struct.Struct(">I")
_LEN = struct.Struct(">Q")
KINDS = ("task", "work")


@dataclass(frozen=True)
class Header:
    """What the outside of a package says (``fields``: the JSON object, as written)."""

    fields: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)

    @property
    def kind(self) -> str:
        return self.fields["kind"]

    @property
    def signer(self) -> bytes:
        return unb64(self.fields["signer"], "签名公钥")


@dataclass(frozen=True)
class Sealed:
    header: Header
    signed: bytes        # the bytes the signature covers
    payload: bytes       # still encrypted
    signature: bytes


def seal(plain: bytes, fields: dict[str, Any], *, signer: KeyPair,
         encrypt: Callable[[bytes], bytes], encryption: str) -> bytes:
    """The package file's bytes for ``plain`` (the payload) and header ``fields``.

    ``encrypt`` is one of ``app.sync.crypto``'s (to recipients, or with a passphrase), named by
    ``encryption`` in the header so a reader knows whether to ask for a passphrase."""
    if fields.get("kind") not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    compressed = zlib.compress(plain, 6)
    payload = encrypt(compressed)
    header = dict(fields, format=FORMAT, signer=b64(signer.verify_key), encryption=encryption,
                  plain_size=len(plain), plain_sha256=hashlib.sha256(plain).hexdigest())
    head = json.dumps(header, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    if len(head) > MAX_HEADER:
        raise ValueError("header too large")
    body = MAGIC + _HEAD.pack(len(head)) + head + _LEN.pack(len(payload)) + payload
    return body + signer.sign(body)


def read_file(path: Path) -> bytes:
    """A package file's bytes, refusing at once what is too large to be one."""
    try:
        size = path.stat().st_size
        if size > MAX_PAYLOAD + MAX_HEADER + 1024:
            raise PackageError("文件太大，不是清收工作台的数据包", code=errors.TOO_LARGE, where=path.name)
        return path.read_bytes()
    except OSError as exc:
        raise PackageError(_unreadable(exc), code=errors.NOT_PACKAGE, where=path.name) from exc


def _unreadable(exc: OSError) -> str:
    """Why a package file could not be read, in Chinese."""
    if isinstance(exc, FileNotFoundError):
        return "文件不存在（请检查文件名和 U 盘是否插好）"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是数据包；请选择文件夹里的 .qspkg 或 .qstask 文件"
    if isinstance(exc, NotADirectoryError):
        return "文件不存在：路径中有一段不是文件夹"
    if isinstance(exc, PermissionError):
        return "没有权限读取这个文件"
    if exc.errno == errno.EIO:
        return "读取磁盘出错（U 盘是否已拔出？）"
    return f"无法读取这个文件（系统错误代码 {exc.errno}）" if exc.errno else "无法读取这个文件"


def parse(data: bytes, *, where: str | None = None) -> Sealed:
    """The parts of a package, checked for shape only (no trust yet)."""
    def refuse(message: str, code: str) -> PackageError:
        return PackageError(message, code=code, where=where)

    if not data.startswith(MAGIC):
        if MAGIC.startswith(data):
            raise refuse("文件不完整（只写了开头），请重新导出", errors.TRUNCATED)
        raise refuse("不是清收工作台的数据包", errors.NOT_PACKAGE)
    at = len(MAGIC)
    if len(data) < at + _HEAD.size:
        raise refuse("文件不完整，请重新导出", errors.TRUNCATED)
    (head_len,) = _HEAD.unpack_from(data, at)
    at += _HEAD.size
    if head_len > MAX_HEADER:
        raise refuse("数据包已损坏（文件头长度不对）", errors.DAMAGED)
    if len(data) < at + head_len + _LEN.size:
        raise refuse("文件不完整，请重新导出", errors.TRUNCATED)
    head = data[at:at + head_len]
    at += head_len
    (payload_len,) = _LEN.unpack_from(data, at)
    at += _LEN.size
    if payload_len > MAX_PAYLOAD:
        raise refuse("数据包已损坏（内容长度不对）", errors.DAMAGED)
    end = at + payload_len
    if len(data) < end + SIGNATURE_SIZE:
        raise refuse("文件不完整（可能在写入时拔出了 U 盘），请重新导出", errors.TRUNCATED)
    if len(data) > end + SIGNATURE_SIZE:
        raise refuse("数据包已损坏（文件末尾多出了内容）", errors.DAMAGED)
    try:
        fields = json.loads(head.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise refuse("数据包已损坏（文件头无法读取）", errors.DAMAGED) from exc
    if not isinstance(fields, dict) or not isinstance(fields.get("format"), int):
        raise refuse("数据包已损坏（文件头无法读取）", errors.DAMAGED)
    if fields["format"] > FORMAT:
        need = fields.get("min_program") or "更新的"
        raise refuse(f"数据包由更新版本的清收工作台写成，需要 {need} 版或更新的程序才能打开",
                     errors.NEWER_FORMAT)
    if fields.get("kind") not in KINDS or not isinstance(fields.get("signer"), str):
        raise refuse("数据包已损坏（文件头缺少必要的内容）", errors.DAMAGED)
    return Sealed(Header(fields), data[:end], data[at:end], data[end:])


def check_signature(sealed: Sealed, trusted: bytes | None, *, where: str | None = None) -> None:
    """Refuses ``sealed`` unless it is signed by ``trusted`` (the key this database knows for
    its signer) and the signature holds for every byte."""
    if trusted is None:
        raise PackageError("数据包来自本机不认识的设备或单位，未合并（该设备需先由本区县的任务包建立）",
                           code=errors.UNKNOWN_SIGNER, where=where)
    if sealed.header.signer != trusted:
        raise PackageError("数据包的签名不是本机认可的那台设备的，可能是伪造的，未合并",
                           code=errors.BAD_SIGNATURE, where=where)
    if not verify(trusted, sealed.signature, sealed.signed):
        raise PackageError("数据包已损坏或被改动过（签名不符），未合并；请重新导出",
                           code=errors.DAMAGED, where=where)


def open_payload(sealed: Sealed, decrypt: Callable[[bytes], bytes], *, where: str | None = None) -> bytes:
    """The payload's plain bytes: decrypted, decompressed within the size the header states,
    and checked against its checksum."""
    header = sealed.header
    try:
        compressed = decrypt(sealed.payload)
    except PackageError as exc:
        exc.where = exc.where or where
        raise
    size = header.get("plain_size")
    if not isinstance(size, int) or not 0 <= size <= MAX_PLAIN:
        raise PackageError("数据包已损坏（内容大小不对）", code=errors.DAMAGED, where=where)
    inflater = zlib.decompressobj()
    try:
        plain = inflater.decompress(compressed, size + 1)
    except zlib.error as exc:
        raise PackageError("数据包已损坏（内容无法解压）", code=errors.DAMAGED, where=where) from exc
    if len(plain) != size or inflater.unconsumed_tail or not inflater.eof:
        raise PackageError("数据包已损坏（内容大小与文件头不符）", code=errors.DAMAGED, where=where)
    if hashlib.sha256(plain).hexdigest() != header.get("plain_sha256"):
        raise PackageError("数据包已损坏（校验和不符）", code=errors.DAMAGED, where=where)
    return plain

