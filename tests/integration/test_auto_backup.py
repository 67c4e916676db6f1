"""Automatic backups: at most one a day, the newest ten kept."""
from __future__ import annotations

from datetime import datetime, timedelta

from app.bootstrap import open_database
from app.services.backup import auto_backup, auto_backups


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
