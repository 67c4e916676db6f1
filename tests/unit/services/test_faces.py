"""The services packages' faces (``app/services/<package>/__init__.py``): every name a face lists
is the object its module holds, what type checkers are told agrees with what is loaded, and
importing a package alone loads none of its modules (start-up stays as cheap as before)."""
from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGES = ("foundation", "ledger_import", "households", "work", "recovery", "agreements", "reporting")


def _face(package: str):
    return importlib.import_module(f"app.services.{package}")


def _where(face, name: str) -> str:
    """The absolute name of the module that holds ``name``."""
    return importlib.util.resolve_name(face._WHERE[name], face.__name__)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_name_of_a_face_is_the_object_its_module_holds(package):
    face = _face(package)
    assert sorted(face.__all__) == sorted(face._WHERE) and len(set(face.__all__)) == len(face.__all__)
    for name in face.__all__:
        assert getattr(face, name) is getattr(importlib.import_module(_where(face, name)), name), name


@pytest.mark.parametrize("package", PACKAGES)
def test_no_name_of_a_face_is_one_of_its_modules(package):
    """``households.detail`` would be the function or the module depending on what was imported
    before: a face leaves out a name its package also has as a module."""
    face = _face(package)
    modules = {m.name for m in pkgutil.iter_modules(face.__path__)}
    assert not modules & set(face.__all__)
    with pytest.raises(AttributeError):
        face.no_such_name   # noqa: B018


@pytest.mark.parametrize("package", PACKAGES)
def test_what_type_checkers_see_is_what_the_face_loads(package):
    face = _face(package)
    tree = ast.parse(Path(face.__file__).read_text(encoding="utf-8"))
    seen: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.level == 0
                seen.update({a.name: imp.module for a in imp.names if a.asname is None})
    assert seen == {name: _where(face, name) for name in face.__all__}


def test_importing_a_package_alone_loads_none_of_its_modules():
    probe = ("import json, sys\n"
             f"for p in {PACKAGES!r}:\n"
             "    __import__('app.services.' + p)\n"
             "print(json.dumps(sorted(m for m in sys.modules if m.startswith('app.services.')"
             " and m.count('.') > 2)))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
