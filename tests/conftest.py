"""Test set-up shared by every test.

* Qt runs offscreen (set here, before anything imports Qt; never by hand).
* Every test gets its own data folder (``QINGSHOU_HOME``): logs, backups, settings.
* ``new_db`` / ``demo_db`` give real SQLite files made the way a user makes them.
"""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

OPERATOR = "测试员"   # the operator of the demo database the tests use


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` (a minute or two each: the README's commands, the merge property
    test, killed merges …) run first: on several workers (pytest-xdist) the run then does not end
    with one worker still busy on them while the others wait."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def data_home(tmp_path_factory, monkeypatch) -> Path:
    home = tmp_path_factory.mktemp("qingshou-home")
    monkeypatch.setenv("QINGSHOU_HOME", str(home))
    return home


@pytest.fixture
def new_db(tmp_path):
    """An initialised, empty district database (open ``Database``)."""
    from app.bootstrap import open_database
    from app.services.foundation.setup import initialise

    db = open_database(tmp_path / "district.db")
    initialise(db, role="district", unit_name="示范区")
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    from app.bootstrap import open_database
    from app.services.foundation.demo import DemoOptions, make_demo
    from app.services.foundation.operators import set_current

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    make_demo(path, DemoOptions(households=300, seed=7))
    db = open_database(path)
    try:
        set_current(db, OPERATOR)  # a laptop in use has its operator (the window asks otherwise)
    finally:
        db.dispose()
    return path


@pytest.fixture
def demo_path(_demo_template, tmp_path) -> Path:
    """A fresh copy of a small demo database (300 households), as a path."""
    path = tmp_path / "demo.db"
    shutil.copyfile(_demo_template, path)
    return path


@pytest.fixture
def demo_db(demo_path):
    from app.bootstrap import open_database

    db = open_database(demo_path)
    yield db
    db.dispose()
