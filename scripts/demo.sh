#!/usr/bin/env bash
# Opens qingshou on a database of demo data, on any machine, with this one command:
#   bash scripts/demo.sh
# 1. installs what is needed (scripts/bootstrap.sh: Qt's system libraries and Xvfb, then .venv);
# 2. makes the demo database on first use: ~/.local/share/qingshou/demo.db, 2000 households,
#    seed 1 (delete it to get a fresh one);
# 3. opens the window: on the desktop, or, where there is no display (a server, SSH without -X),
#    on a virtual screen (Xvfb) that it starts itself, says so, and stops when the window closes.
# Environment: QINGSHOU_EXIT_AFTER_SHOWN=1 closes the window again as soon as it shows the
# database (the tests use it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'demo: %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

bash scripts/bootstrap.sh

db="$HOME/.local/share/qingshou/demo.db"
if [ ! -s "$db" ]; then   # missing, or an empty file left by something else
    mkdir -p "$(dirname "$db")"
    rm -f "$db" "$db-journal" "$db-wal" "$db-shm"
    say "making demo data in $db (2000 households)"
    if ! .venv/bin/qingshou demo --db "$db" --households 2000 --seed 1; then
        # Leave no half-made database behind: the next run would open it as if it were complete.
        rm -f "$db" "$db-journal" "$db-wal" "$db-shm"
        die "making the demo data failed (see above)"
    fi
fi

# No display: start a virtual one (Xvfb picks a free display number and writes it to fd 3).
xvfb_pid=""
if [ "$(uname -s)" = Linux ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] &&
    [ -z "${QT_QPA_PLATFORM:-}" ]; then
    command -v Xvfb >/dev/null 2>&1 ||
        die "there is no display here, and no Xvfb to make a virtual one: install it (as root:
  apt-get install xvfb xauth), or run this from a desktop session or over ssh -X"
    number_file=$(mktemp)
    Xvfb -displayfd 3 -screen 0 1366x768x24 -nolisten tcp 3>"$number_file" >/dev/null 2>&1 &
    xvfb_pid=$!
    # stop the virtual screen and wait for it to be gone, so nothing of it outlives this script
    trap 'kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null; rm -f "$number_file"' EXIT
    for _ in $(seq 100); do
        [ -s "$number_file" ] && break
        kill -0 "$xvfb_pid" 2>/dev/null || die "the virtual screen (Xvfb) did not start"
        sleep 0.1
    done
    [ -s "$number_file" ] || die "the virtual screen (Xvfb) did not start within 10 seconds"
    export DISPLAY=":$(head -n 1 "$number_file")"
    say "there is no display here: the window opens on a virtual screen (Xvfb, DISPLAY=$DISPLAY)."
    say "  Nothing shows on this screen; from a desktop session or over ssh -X you see the window."
fi

say "opening qingshou on $db"
rc=0
.venv/bin/qingshou gui --db "$db" || rc=$?
exit "$rc"
