"""GUI fixtures: a main window on a demo database, and dialogs caught instead of shown."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.gui.helpers_window import WAIT_MS, open_window

# Qt warnings fail tests, except this one: the offscreen platform plugin the tests run on
# cannot pass size hints to a window system it does not have.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread(qapp):
    """As the program does (``app.ui.gc_guard``): no garbage collection in a worker thread while
    a GUI test runs; the other tests get Python's own collection back."""
    import gc

    from app.ui import gc_guard

    gc_guard.install(qapp)
    yield
    gc.collect()
    gc.enable()


@pytest.fixture
def shown_dialogs(monkeypatch) -> list:
    """Dialogs the program would have shown modally (errors, information), in order."""
    from app.ui import errors

    shown: list = []
    monkeypatch.setattr(errors, "DIALOG_HOOK", shown.append)
    return shown


@pytest.fixture
def idle(qtbot):
    """Call to wait until no background task is left (also done after each test)."""
    from app.ui import tasks

    def wait() -> None:
        qtbot.waitUntil(lambda: tasks.running() == 0, timeout=WAIT_MS)

    yield wait
    wait()


@pytest.fixture
def window(qtbot, demo_path, shown_dialogs, idle):
    """The main window, shown, with the demo database open and the dashboard filled."""
    return open_window(qtbot, idle, demo_path)


LEDGER = Path(__file__).resolve().parents[1] / "data" / "ledger-sample" / "ledger.xlsx"


@pytest.fixture(scope="session")
def _township_template(tmp_path_factory) -> Path:
    from app.bootstrap import open_database
    from app.services.foundation.setup import initialise
    from app.services.ledger_import import import_ledger

    path = tmp_path_factory.mktemp("township") / "柳林镇.db"
    db = open_database(path)
    try:
        initialise(db, role="township", unit_name="柳林镇")
        import_ledger(db, LEDGER)
    finally:
        db.dispose()
    return path


@pytest.fixture
def township_path(_township_template, tmp_path) -> Path:
    """A township laptop's database (柳林镇) with the bank's sample ledger imported."""
    path = tmp_path / "柳林镇.db"
    shutil.copyfile(_township_template, path)
    return path
