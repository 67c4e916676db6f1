"""Who is working at the window, for the audit log (until local users sign in)."""
from __future__ import annotations

import os


def actor() -> str:
    return os.environ.get("USERNAME") or os.environ.get("USER") or "工作台"
