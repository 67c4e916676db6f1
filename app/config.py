"""Where things live: the user's data folder, resources, migrations (source, wheel or bundle)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "qingshou"
APP_TITLE = "清收工作台"

_PKG_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The platform's usual place for the user's data; ``QINGSHOU_HOME`` overrides it."""
    override = os.environ.get("QINGSHOU_HOME")
    if override:
        base = Path(override)
    elif sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / APP_NAME
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support" / APP_NAME
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / APP_NAME
    base.mkdir(parents=True, exist_ok=True)
    return base


def default_db_path() -> Path:
    return data_dir() / "qingshou.db"


def backup_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _bundle_root() -> Path | None:
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if root else None


def resources_dir() -> Path:
    """``resources/`` of the source tree, of an installed wheel (app/resources) or of the bundle."""
    candidates = []
    bundle = _bundle_root()
    if bundle:
        candidates.append(bundle / "resources")
    candidates += [_PKG_DIR / "resources", _PKG_DIR.parent / "resources"]
    for c in candidates:
        if c.is_dir():
            return c
    raise FileNotFoundError("找不到程序资源文件夹 resources/，安装可能不完整")


def migrations_dir() -> Path:
    """Alembic scripts: app/migrations when installed or bundled, db/migrations in the source."""
    candidates = []
    bundle = _bundle_root()
    if bundle:
        candidates.append(bundle / "app" / "migrations")
    candidates += [_PKG_DIR / "migrations", _PKG_DIR.parent / "db" / "migrations"]
    for c in candidates:
        if (c / "env.py").is_file():
            return c
    raise FileNotFoundError("找不到数据库升级脚本（migrations），安装可能不完整")


def font_path() -> Path:
    return resources_dir() / "fonts" / "wqy-microhei.ttc"
