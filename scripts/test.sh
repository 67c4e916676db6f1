#!/usr/bin/env bash
# Installs what the tests need (scripts/bootstrap.sh) and runs them. Arguments go to pytest:
#   bash scripts/test.sh                   all tests
#   bash scripts/test.sh -q tests/unit     some of them, quietly
# Exits with pytest's exit code; "no tests collected" (5) is a failure too, never a pass.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/bootstrap.sh

# The layers of docs/ARCHITECTURE.md (pyproject.toml [tool.importlinter]): a broken contract fails.
.venv/bin/lint-imports --no-cache >/dev/null || { .venv/bin/lint-imports --no-cache; exit 1; }
# ruff (pyproject.toml [tool.ruff]): unused and undefined names, likely bugs.
.venv/bin/ruff check --quiet app tests bench scripts || exit 1

# Qt runs offscreen in the tests: tests/conftest.py sets QT_QPA_PLATFORM before Qt is imported.
# On every core (pytest-xdist, -n auto): the suite takes half as long on two cores. Tests that
# share a resource (a display, a port) must not assume they run alone.
rc=0
.venv/bin/python -m pytest -n auto "$@" || rc=$?
if [ "$rc" -eq 5 ]; then
    echo "test: pytest ran no tests (none collected, or all deselected); that is a failure" >&2
fi
exit "$rc"
