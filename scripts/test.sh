#!/usr/bin/env bash
# Installs what the tests need (scripts/bootstrap.sh) and runs them. Arguments go to pytest:
#   bash scripts/test.sh                   all tests
#   bash scripts/test.sh -q tests/unit     some of them, quietly
# Exits with pytest's exit code; "no tests collected" (5) is a failure too, never a pass.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/bootstrap.sh

# Without a display (CI, SSH) Qt would abort. Run the tests on a virtual X screen (Xvfb, installed
# by bootstrap), so they use the same platform plugin as a desktop; without Xvfb, draw offscreen.
run=()
if [ "$(uname -s)" = Linux ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] &&
    [ -z "${QT_QPA_PLATFORM:-}" ]; then
    if command -v xvfb-run >/dev/null 2>&1; then
        run=(xvfb-run -a -s "-screen 0 1920x1080x24")
    else
        export QT_QPA_PLATFORM=offscreen
    fi
fi

rc=0
"${run[@]}" .venv/bin/python -m pytest "$@" || rc=$?
if [ "$rc" -eq 5 ]; then
    echo "test: pytest ran no tests (none collected, or all deselected); that is a failure" >&2
fi
exit "$rc"
