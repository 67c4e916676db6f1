"""The keys and the cryptography of packages, all from well-kept libraries.

* Encryption: age (``pyrage``) — to X25519 recipients (a work package is readable only by its
  district; a later task package only by the township's enrolled laptops), or with a
  passphrase (scrypt) for the first task package of a laptop that has no key yet.
* Signatures: Ed25519 (``cryptography``) — every package is signed by the device or district
  that wrote it.
* Enrolment: a laptop proves it was set up from a real task package with an HMAC-SHA256
  (``cryptography``) of its public keys under a secret that only that task package carried.

Nothing here is home-made: this module only names the calls and turns their errors into
Chinese sentences.
"""
from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from pyrage import passphrase as age_passphrase
from pyrage import x25519

from app.sync import errors
from app.sync.errors import PackageError

SIGNATURE_SIZE = 64
ENROL_SECRET_SIZE = 32


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, what: str = "密钥") -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise PackageError(f"{what}的格式不对", code=errors.DAMAGED) from exc


@dataclass(frozen=True)
class KeyPair:
    """One party's keys: an Ed25519 signing key and an age (X25519) identity.

    ``secret()`` gives the text kept in this database's local ``meta`` (never in a package);
    ``public()`` what others may know: the signing key and the age recipient.
    """

    signing: bytes          # raw Ed25519 private key, 32 bytes
    age_identity: str       # "AGE-SECRET-KEY-1…"

    @classmethod
    def generate(cls) -> "KeyPair":
        key = Ed25519PrivateKey.generate()
        raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return cls(raw, str(x25519.Identity.generate()))

    @classmethod
    def from_secret(cls, text: str) -> "KeyPair":
        sign, _, age = text.partition(" ")
        return cls(unb64(sign), age)

    def secret(self) -> str:
        return f"{b64(self.signing)} {self.age_identity}"

    @property
    def verify_key(self) -> bytes:
        key = Ed25519PrivateKey.from_private_bytes(self.signing)
        return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def recipient(self) -> str:
        return str(x25519.Identity.from_str(self.age_identity).to_public())

    def sign(self, data: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.signing).sign(data)

    def decrypt(self, data: bytes) -> bytes:
        try:
            return pyrage.decrypt(data, [x25519.Identity.from_str(self.age_identity)])
        except pyrage.DecryptError as exc:
            raise PackageError("数据包不是为本机加密的，无法打开（是否拿错了 U 盘上的文件？）",
                               code=errors.WRONG_KEY) from exc


def verify(public_key: bytes, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is ``public_key``'s Ed25519 signature of ``data``."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def encrypt_to(recipients: list[str], data: bytes) -> bytes:
    """``data`` encrypted with age so that any one of ``recipients`` ("age1…") can read it."""
    if not recipients:
        raise ValueError("no recipients")
    try:
        keys = [x25519.Recipient.from_str(r) for r in recipients]
    except pyrage.RecipientError as exc:
        raise PackageError("接收方的公钥格式不对", code=errors.DAMAGED) from exc
    return pyrage.encrypt(data, keys)


def encrypt_with_passphrase(passphrase: str, data: bytes) -> bytes:
    if not passphrase:
        raise PackageError("口令不能为空", code=errors.WRONG_KEY)
    return age_passphrase.encrypt(data, passphrase)


def decrypt_with_passphrase(passphrase: str, data: bytes) -> bytes:
    try:
        return age_passphrase.decrypt(data, passphrase)
    except pyrage.DecryptError as exc:
        raise PackageError("口令不对，无法打开数据包（口令区分大小写）", code=errors.WRONG_KEY) from exc


def new_enrol_secret() -> bytes:
    return secrets.token_bytes(ENROL_SECRET_SIZE)


def enrol_proof(secret: bytes, *parts: bytes | str) -> str:
    """HMAC-SHA256 under ``secret`` of ``parts`` (length-prefixed, so no two lists collide)."""
    return _mac(secret, parts).finalize().hex()


def check_enrol_proof(secret: bytes, proof: str, *parts: bytes | str) -> bool:
    """Whether ``proof`` is ``enrol_proof(secret, *parts)``, compared in constant time."""
    try:
        given = bytes.fromhex(proof)
    except ValueError:
        return False
    try:
        _mac(secret, parts).verify(given)
    except InvalidSignature:
        return False
    return True


def _mac(secret: bytes, parts: tuple[bytes | str, ...]) -> hmac.HMAC:
    mac = hmac.HMAC(secret, hashes.SHA256())
    for part in parts:
        raw = part.encode("utf-8") if isinstance(part, str) else part
        mac.update(len(raw).to_bytes(4, "big") + raw)
    return mac
