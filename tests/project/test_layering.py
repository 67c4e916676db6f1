"""Only app/ui may import Qt: the services and the command line must run without it."""
from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
QT_PACKAGES = {"PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2"}


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [f"{path.relative_to(APP.parent)}:{node.lineno} {n}" for n in names
                  if n.split(".")[0] in QT_PACKAGES]
    return found


def test_nothing_outside_app_ui_imports_qt():
    offenders = []
    for path in sorted(APP.rglob("*.py")):
        if (APP / "ui") in path.parents:
            continue
        offenders += qt_imports(path)
    assert offenders == []


def test_the_check_would_see_a_qt_import(tmp_path):
    sample = APP / "ui" / "app.py"  # a module that does import Qt
    assert any("PySide6" in hit for hit in qt_imports(sample))
