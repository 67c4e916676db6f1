"""Writing a file to a USB stick so that it is either complete and verified, or not there.

The bytes go to a temporary name beside the target (``.名字.part``), are flushed and fsynced,
renamed over the target in one step, the folder is fsynced, and the file is read back and
compared.  A full stick, a write error or a stick pulled out mid-write leaves at most the
``.part`` file — which no one takes for a package (its name, and its length, which a reader
checks against the header) — and the error says what happened in Chinese.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from app.domain.errors import UserError


class WriteFailed(UserError):
    code = "write_failed"


def part_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.part")


def write_verified(target: Path, data: bytes) -> Path:
    """Writes ``data`` to ``target`` atomically, then reads it back; returns ``target``."""
    target = Path(target)
    tmp = part_name(target)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
        _fsync_folder(target.parent)
    except OSError as exc:
        _remove(tmp)
        raise WriteFailed(_why(exc), where=str(target)) from exc
    try:
        back = target.read_bytes()
    except OSError as exc:
        raise WriteFailed(f"写入后无法读回：{exc.strerror or exc}", where=str(target)) from exc
    if hashlib.sha256(back).digest() != hashlib.sha256(data).digest():
        _remove(target)
        raise WriteFailed("写入后读回的内容不一致（U 盘可能已损坏），文件已删除，请换一个 U 盘重试",
                          where=str(target))
    return target


def _why(exc: OSError) -> str:
    import errno

    if exc.errno == errno.ENOSPC:
        return "U 盘或磁盘已满，文件没有写成；请腾出空间后重试"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "没有写入权限（U 盘可能处于只读状态）"
    if exc.errno in (errno.ENOENT, errno.ENODEV, errno.EIO):
        return "写入时出错（U 盘可能被拔出），文件没有写成；请重新插入后重试"
    return f"写入失败：{exc.strerror or exc}"


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":          # Windows has no directory handle to fsync; the rename is durable
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
