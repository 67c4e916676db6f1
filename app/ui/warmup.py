"""What the window loads after its first paint, off the GUI thread.

The 工作台 paints from figures read with plain SQL (``app.services.reporting.summary``); the
other pages need SQLAlchemy's ORM, the models and most of the services — about half a second
of imports. Done on the GUI thread right after the first paint, that would freeze the window
just when the user reaches for it; so a worker imports them (``preload``) and the pages
themselves are built afterwards, one per pass of the event loop (``PageStack.build_rest``),
when building one no longer imports anything heavy.

Only modules without Qt are imported here: widgets belong to the GUI thread.
"""
from __future__ import annotations

import importlib
import logging
import pkgutil

log = logging.getLogger(__name__)

# Imported before the services (their common ground), then every module of ``app.services``.
FIRST = ("sqlalchemy.orm", "app.db.models", "app.db.uow")
PACKAGES = ("app.services", "app.sync")
SKIP = frozenset({"app.services.foundation.demo"})   # made on request only, large tables


def modules() -> list[str]:
    """The modules ``preload`` imports, in order."""
    names = list(FIRST)
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=package + "."):
            if info.name not in SKIP:
                names.append(info.name)
    return names


def preload(_ctx=None) -> int:
    """Import what the pages will need; how many modules. A module that fails to import is left
    for its page to report when it is built (logged here)."""
    count = 0
    for name in modules():
        try:
            importlib.import_module(name)
            count += 1
        except Exception:  # noqa: BLE001 - the page that needs it shows the error
            log.warning("preloading %s failed", name, exc_info=True)
    return count
