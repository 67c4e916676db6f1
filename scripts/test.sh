#!/usr/bin/env bash
# Installs what the tests need (scripts/bootstrap.sh) and runs them. Arguments go to pytest:
#   bash scripts/test.sh                   all tests
#   bash scripts/test.sh -q tests/unit     some of them, quietly
# Exits with pytest's exit code; "no tests collected" (5) is a failure too, never a pass.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/bootstrap.sh

# Without a display (CI, SSH) Qt would abort; draw offscreen instead. Tests that need a real
# X server can be run under one: xvfb-run -a bash scripts/test.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ] &&
    [ "$(uname -s)" = Linux ]; then
    export QT_QPA_PLATFORM=offscreen
fi

rc=0
.venv/bin/python -m pytest "$@" || rc=$?
if [ "$rc" -eq 5 ]; then
    echo "test: pytest ran no tests (none collected, or all deselected); that is a failure" >&2
fi
exit "$rc"
