"""The package file: what it shows outside, what it refuses, and that nothing inside can be read
without the key."""
from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.sync import container, crypto, errors
from app.sync.container import parse
from app.sync.errors import PackageError

DISTRICT = crypto.KeyPair.generate()
LAPTOP = crypto.KeyPair.generate()
HEADER = {"kind": "work", "district": "d-1", "unit_id": "u-1", "unit_name": "柳林镇", "device": "dev-2",
          "seq": 5, "created": "2026-12-02T10:00:00", "counts": {"visits": 3}, "min_program": "0.1.0"}


def payload(tmp_path) -> bytes:
    """An SQLite file holding a borrower, as an export's payload will."""
    path = tmp_path / "p.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("create table persons (name text, id_number text, phone text)")
        conn.execute("insert into persons values ('颉海燕', '62242119800101123X', '13909390001')")
    return path.read_bytes()


def seal_work(plain: bytes) -> bytes:
    return container.seal(plain, HEADER, signer=LAPTOP, encryption="age-x25519",
                          encrypt=lambda data: crypto.encrypt_to([DISTRICT.recipient], data))


def open_work(data: bytes) -> bytes:
    sealed = parse(data, where="p.qspkg")
    container.check_signature(sealed, LAPTOP.verify_key, where="p.qspkg")
    return container.open_payload(sealed, DISTRICT.decrypt, where="p.qspkg")


def test_a_package_opens_for_its_recipient_and_says_what_it_is_outside(tmp_path):
    plain = payload(tmp_path)
    data = seal_work(plain)
    sealed = parse(data)
    assert sealed.header["unit_name"] == "柳林镇" and sealed.header["seq"] == 5
    assert sealed.header["format"] == container.FORMAT and sealed.header.kind == "work"
    assert sealed.header["plain_size"] == len(plain)
    assert open_work(data) == plain


def test_no_borrower_name_id_number_or_phone_can_be_found_in_the_file(tmp_path):
    data = seal_work(payload(tmp_path))
    for secret in ("颉海燕", "62242119800101123X", "13909390001"):
        for encoding in ("utf-8", "utf-16-le", "gb18030"):
            assert secret.encode(encoding) not in data
    import zlib
    with pytest.raises(zlib.error):     # nor by inflating it: the compressed payload is encrypted
        zlib.decompress(parse(data).payload)


def test_a_passphrase_package_needs_the_passphrase(tmp_path):
    plain = payload(tmp_path)
    data = container.seal(plain, dict(HEADER, kind="task"), signer=DISTRICT, encryption="age-scrypt",
                          encrypt=lambda d: crypto.encrypt_with_passphrase("柳林-2026", d))
    sealed = parse(data)
    assert sealed.header["encryption"] == "age-scrypt"
    container.check_signature(sealed, DISTRICT.verify_key)
    with pytest.raises(PackageError) as wrong:
        container.open_payload(sealed, lambda d: crypto.decrypt_with_passphrase("柳林-2025", d), where="t")
    assert wrong.value.code == errors.WRONG_KEY and "口令不对" in str(wrong.value) and str(wrong.value).startswith("t：")
    assert container.open_payload(sealed, lambda d: crypto.decrypt_with_passphrase("柳林-2026", d)) == plain


@pytest.mark.parametrize("trusted, code", [(None, errors.UNKNOWN_SIGNER), ("other", errors.BAD_SIGNATURE)])
def test_a_package_from_a_key_not_trusted_is_refused(tmp_path, trusted, code):
    sealed = parse(seal_work(payload(tmp_path)))
    key = crypto.KeyPair.generate().verify_key if trusted == "other" else None
    with pytest.raises(PackageError) as refused:
        container.check_signature(sealed, key)
    assert refused.value.code == code


def test_a_forged_package_signed_by_a_stranger_claiming_the_laptops_key_is_refused(tmp_path):
    stranger = crypto.KeyPair.generate()
    forged = container.seal(payload(tmp_path), HEADER, signer=stranger, encryption="age-x25519",
                            encrypt=lambda d: crypto.encrypt_to([DISTRICT.recipient], d))
    # the stranger writes the laptop's public key into the header: the signature then fails
    sealed = parse(forged)
    fields = dict(sealed.header.fields, signer=crypto.b64(LAPTOP.verify_key))
    import json
    import struct
    head = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    body = container.MAGIC + struct.pack(">I", len(head)) + head + struct.pack(">Q", len(sealed.payload)) + sealed.payload
    with pytest.raises(PackageError) as refused:
        open_work(body + stranger.sign(body))
    assert refused.value.code == errors.DAMAGED


def test_a_package_not_for_this_database_says_so(tmp_path):
    sealed = parse(seal_work(payload(tmp_path)))
    container.check_signature(sealed, LAPTOP.verify_key)
    with pytest.raises(PackageError) as refused:
        container.open_payload(sealed, crypto.KeyPair.generate().decrypt)
    assert refused.value.code == errors.WRONG_KEY


def test_a_newer_format_says_which_program_it_needs(tmp_path):
    data = seal_work(payload(tmp_path))
    sealed = parse(data)
    import json
    import struct
    fields = dict(sealed.header.fields, format=container.FORMAT + 1, min_program="0.9.0")
    head = json.dumps(fields).encode()
    body = container.MAGIC + struct.pack(">I", len(head)) + head + struct.pack(">Q", len(sealed.payload)) + sealed.payload
    with pytest.raises(PackageError) as refused:
        parse(body + LAPTOP.sign(body))
    assert refused.value.code == errors.NEWER_FORMAT and "0.9.0" in str(refused.value)


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04" + b"\0" * 100, "不是数据包".encode(), b"QSPK"])
def test_a_file_that_is_not_a_package_is_refused(data):
    with pytest.raises(PackageError) as refused:
        parse(data, where="x.qspkg")
    assert refused.value.code in (errors.NOT_PACKAGE, errors.TRUNCATED)
    assert str(refused.value).startswith("x.qspkg：")


@pytest.fixture(scope="module")
def sealed_bytes(tmp_path_factory) -> tuple[bytes, bytes]:
    plain = payload(tmp_path_factory.mktemp("p"))
    return plain, seal_work(plain)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_flipped_byte_is_refused(sealed_bytes, data):
    _, good = sealed_bytes
    at = data.draw(st.integers(0, len(good) - 1))
    bit = data.draw(st.integers(0, 7))
    bad = bytearray(good)
    bad[at] ^= 1 << bit
    with pytest.raises(PackageError):
        open_work(bytes(bad))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_truncation_or_padding_is_refused(sealed_bytes, data):
    _, good = sealed_bytes
    cut = data.draw(st.integers(0, len(good) - 1))
    with pytest.raises(PackageError) as refused:
        open_work(good[:cut])
    assert refused.value.code in (errors.TRUNCATED, errors.NOT_PACKAGE, errors.DAMAGED)
    with pytest.raises(PackageError):
        open_work(good + data.draw(st.binary(min_size=1, max_size=64)))


def test_a_payload_that_inflates_beyond_its_stated_size_is_refused():
    bomb = b"\0" * (50 * 1024 * 1024)
    data = container.seal(b"x", HEADER, signer=LAPTOP, encryption="age-x25519",
                          encrypt=lambda _d: crypto.encrypt_to([DISTRICT.recipient], __import__("zlib").compress(bomb, 9)))
    with pytest.raises(PackageError) as refused:
        open_work(data)
    assert refused.value.code == errors.DAMAGED


def test_enrolment_proof_is_bound_to_the_secret_and_the_keys():
    secret = crypto.new_enrol_secret()
    proof = crypto.enrol_proof(secret, LAPTOP.verify_key, LAPTOP.recipient, "dev-2")
    assert crypto.check_enrol_proof(secret, proof, LAPTOP.verify_key, LAPTOP.recipient, "dev-2")
    assert not crypto.check_enrol_proof(crypto.new_enrol_secret(), proof, LAPTOP.verify_key, LAPTOP.recipient, "dev-2")
    assert not crypto.check_enrol_proof(secret, proof, DISTRICT.verify_key, LAPTOP.recipient, "dev-2")
    assert not crypto.check_enrol_proof(secret, "zz", LAPTOP.verify_key)


def test_keys_survive_being_kept_as_text():
    again = crypto.KeyPair.from_secret(LAPTOP.secret())
    assert again.verify_key == LAPTOP.verify_key and again.recipient == LAPTOP.recipient
    assert crypto.verify(LAPTOP.verify_key, again.sign(b"abc"), b"abc")
