#!/usr/bin/env bash
# Opens qingshou on a database of demo data: installs what is needed (scripts/bootstrap.sh),
# makes the demo database on first use, then opens the window.
#   bash scripts/demo.sh
# The demo database is ~/.local/share/qingshou/demo.db; delete it to get a fresh one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "$(uname -s)" = Linux ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] &&
    [ -z "${QT_QPA_PLATFORM:-}" ]; then
    cat >&2 <<'MSG'
demo: there is no display here (DISPLAY is not set), so the window cannot open.
  Run this from a desktop session, or use SSH with X forwarding (ssh -X).
  To run it on a virtual screen anyway (nothing to see, but e.g. for screenshots):
      xvfb-run -a bash scripts/demo.sh
MSG
    exit 1
fi

bash scripts/bootstrap.sh

db="$HOME/.local/share/qingshou/demo.db"
if [ ! -s "$db" ]; then   # missing, or an empty file left by something else
    mkdir -p "$(dirname "$db")"
    rm -f "$db" "$db-journal" "$db-wal" "$db-shm"
    echo "demo: making demo data in $db (2000 households)"
    if ! .venv/bin/qingshou demo --db "$db" --households 2000 --seed 1; then
        # Leave no half-made database behind: the next run would open it as if it were complete.
        rm -f "$db" "$db-journal" "$db-wal" "$db-shm"
        echo "demo: making the demo data failed (see above)" >&2
        exit 1
    fi
fi

echo "demo: opening qingshou on $db"
exec .venv/bin/qingshou gui --db "$db"
