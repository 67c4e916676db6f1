"""Automatic backups: at most one a day, the newest ten kept."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from app.bootstrap import open_database
from app.services.foundation.backup import auto_backup, auto_backups


def test_first_open_makes_a_backup_that_opens(new_db, tmp_path):
    folder = tmp_path / "backups"
    result = auto_backup(new_db, folder)
    assert result is not None
    copy = open_database(result.path, create=False)
    try:
        assert copy.identity().unit_name == "示范区"
    finally:
        copy.dispose()


def test_no_second_backup_within_a_day(new_db, tmp_path):
    start = datetime(2026, 11, 22, 9, 0)
    assert auto_backup(new_db, tmp_path, now=start) is not None
    assert auto_backup(new_db, tmp_path, now=start + timedelta(hours=23)) is None
    assert auto_backup(new_db, tmp_path, now=start + timedelta(hours=25)) is not None
    assert len(auto_backups(new_db.path, tmp_path)) == 2


def test_keeps_the_newest_ten(new_db, tmp_path):
    start = datetime(2026, 11, 1, 8, 0)
    days = [start + timedelta(days=i) for i in range(13)]
    for day in days:
        auto_backup(new_db, tmp_path, now=day)
    kept = [when for when, _ in auto_backups(new_db.path, tmp_path)]
    assert kept == days[-10:]


def test_other_files_in_the_folder_are_left_alone(new_db, tmp_path):
    mine = tmp_path / "district-手动-20261101-080000.db"
    mine.write_bytes(b"x")
    other = tmp_path / "district-自动-不是时间.db"
    other.write_bytes(b"y")
    for i in range(12):
        auto_backup(new_db, tmp_path, keep=10, now=datetime(2026, 11, 1) + timedelta(days=i))
    assert mine.exists() and other.exists()


def _district(path):
    from app.services.foundation.setup import initialise

    db = open_database(path)
    initialise(db, role="district", unit_name="示范区")
    return db


def test_two_databases_of_the_same_name_keep_their_own_backups(tmp_path):
    """demo.db in two folders, one backup folder: each is backed up, and pruning one's backups
    leaves the other's alone (they were matched by file name and shared, pruned, skipped)."""
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    folder = tmp_path / "backups"
    first, second = _district(tmp_path / "a" / "demo.db"), _district(tmp_path / "b" / "demo.db")
    try:
        start = datetime(2026, 11, 1, 8, 0)
        assert auto_backup(first, folder, now=start) is not None
        assert auto_backup(second, folder, now=start + timedelta(hours=1)) is not None, \
            "the other database's backup was taken for this one's"
        for i in range(1, 12):
            auto_backup(first, folder, keep=3, now=start + timedelta(days=i))
        assert len(auto_backups(first, folder)) == 3
        assert [when for when, _ in auto_backups(second, folder)] == [start + timedelta(hours=1)]
        assert auto_backups(second.path, folder) == auto_backups(second, folder)   # by its file, too
    finally:
        first.dispose(), second.dispose()


def test_backups_named_the_old_way_count_for_their_own_database_only(new_db, tmp_path):
    from app.services.foundation.backup import backup

    (tmp_path / "other").mkdir()
    other = _district(tmp_path / "other" / "district.db")
    folder = tmp_path / "backups"
    folder.mkdir()
    try:
        old_mine = backup(new_db, folder / "district-自动-20261101-080000.db").path
        old_theirs = backup(other, folder / "district-自动-20261102-080000.db").path
        assert [p.name for _, p in auto_backups(new_db, folder)] == ["district-自动-20261101-080000.db"]
        for i in range(3):
            auto_backup(new_db, folder, keep=2, now=datetime(2026, 11, 5) + timedelta(days=i))
        assert len(auto_backups(new_db, folder)) == 2
        assert not Path(old_mine).exists() and Path(old_theirs).exists()
    finally:
        other.dispose()
