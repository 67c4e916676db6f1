"""How a feature package's ``__init__`` serves as its face (docs/ARCHITECTURE.md): the names of
``__all__`` loaded from their modules when first asked for (PEP 562), so importing a package
alone imports none of its modules."""
from __future__ import annotations

from importlib import import_module
from typing import Callable


def lazy_face(package: str, where: dict[str, str], names: list[str]) -> tuple[Callable, Callable]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``where`` maps each name to the module
    (relative to the package) that holds it.  A name is not kept on the package, so the face
    always gives what the module holds now (a test may replace it there)."""

    def __getattr__(name: str):
        try:
            module = where[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        return getattr(import_module(module, package), name)

    def __dir__() -> list[str]:
        return sorted({*vars(import_module(package)), *names})

    return __getattr__, __dir__
