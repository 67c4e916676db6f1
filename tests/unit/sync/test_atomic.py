"""Writing a package to a stick: complete and verified, or not there under its name."""
from __future__ import annotations

import errno
import os

import pytest

from app.sync import atomic
from app.sync.atomic import WriteFailed, write_verified


def test_a_file_is_written_whole_and_read_back(tmp_path):
    target = tmp_path / "柳林镇-二号机-0005.qspkg"
    write_verified(target, b"abc" * 1000)
    assert target.read_bytes() == b"abc" * 1000
    assert not atomic.part_name(target).exists()


def test_an_existing_package_is_replaced_only_when_the_new_one_is_complete(tmp_path, monkeypatch):
    target = tmp_path / "p.qspkg"
    target.write_bytes(b"old complete package")
    real_fsync = os.fsync

    def full(fd):                       # the stick fills up while the new file is written
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(WriteFailed) as failed:
        write_verified(target, b"new package")
    monkeypatch.setattr(atomic.os, "fsync", real_fsync)
    assert "已满" in str(failed.value) and str(failed.value).startswith(str(target))
    assert target.read_bytes() == b"old complete package"
    assert not atomic.part_name(target).exists()


def test_a_write_to_a_missing_folder_says_so(tmp_path):
    with pytest.raises(WriteFailed) as failed:
        write_verified(tmp_path / "gone" / "p.qspkg", b"x")
    assert "U 盘" in str(failed.value)
