#!/usr/bin/env bash
# Prepares this checkout to run and test qingshou:
#   1. on Debian/Ubuntu, installs the system libraries Qt needs (and Xvfb, poppler) when missing;
#   2. creates .venv with Python 3.11+ and installs the package into it, editable, with the
#      `test` extra (and `build`, for PyInstaller, with --build).
# Safe to run again: a second run only checks, and skips apt and pip when nothing changed.
#
# Usage: bash scripts/bootstrap.sh [--build] [--no-system]
#   --build      also install the `build` extra (PyInstaller)
#   --no-system  do not install system packages, only report what is missing
# Environment: PYTHON=/path/to/python3.11 picks the interpreter for a new .venv.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

extras="test"
system=1
for arg in "$@"; do
    case "$arg" in
        --build) extras="test,build" ;;
        --no-system) system=0 ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "bootstrap: unknown option: $arg (try --help)" >&2; exit 2 ;;
    esac
done

trap 'printf "bootstrap: ERROR: line %s failed: %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: ERROR: %s\n' "$*" >&2; exit 1; }

# Runs a command with its output kept in a log; shows the log only when the command fails.
quietly() {
    local log
    log=$(mktemp)
    if "$@" >"$log" 2>&1; then
        rm -f "$log"
    else
        local rc=$?
        cat "$log" >&2
        rm -f "$log"
        printf 'bootstrap: ERROR: this failed (exit %s): %s\n' "$rc" "$*" >&2
        return "$rc"
    fi
}

# ---------------------------------------------------------------------------------------------
# 1. System packages
# ---------------------------------------------------------------------------------------------
# Qt (PySide6 wheels) loads these at run time; the wheels do not carry them.
wanted=(libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libx11-6 libxkbcommon0 libdbus-1-3)
# A real window under X11, or a virtual one under Xvfb (screenshots, GUI tests).
wanted+=(xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
    libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1)
# pdftotext and pdftoppm, used by the tests to read and look at the PDFs the program prints.
wanted+=(poppler-utils poppler-data)

is_debian_like() {
    [ -r /etc/os-release ] || return 1
    local ids
    # shellcheck disable=SC1091
    ids=$(. /etc/os-release && echo " ${ID:-} ${ID_LIKE:-} ")
    case "$ids" in *" debian "*|*" ubuntu "*) return 0 ;; esac
    return 1
}

# Sets the array `missing` to those of "$@" that are not installed. Ubuntu 24.04 renamed some
# libraries with a t64 suffix (libglib2.0-0t64); either name counts as installed.
find_missing() {
    local installed pkg
    # dpkg-query exits 1 when any name is unknown, as some always are here.
    installed=$({ dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "$@" "${@/%/t64}" 2>/dev/null ||
        true; } | awk '$2 == "ii" { print $1 }')
    missing=()
    for pkg in "$@"; do
        grep -qxF -e "$pkg" -e "${pkg}t64" <<<"$installed" || missing+=("$pkg")
    done
}

system_packages() {
    if ! is_debian_like || ! command -v dpkg-query >/dev/null 2>&1; then
        say "not Debian/Ubuntu: make sure the equivalents of these are installed:"
        say "  ${wanted[*]}"
        return 0
    fi
    if [[ "$extras" == *build* ]]; then
        # PyInstaller needs objdump, and Python's shared library, which Debian ships apart from
        # the interpreter (libpython3.11).
        wanted+=(binutils)
        local libpython
        libpython=$("$python" -c 'import sys; print("libpython%d.%d" % sys.version_info[:2])')
        if [ "$("$python" -c 'import sys; print(sys.base_prefix)')" = /usr ]; then
            wanted+=("$libpython")
        fi
    fi
    find_missing "${wanted[@]}"
    # `python3 -m venv` needs ensurepip, which Debian ships separately (python3.11-venv).
    if [ ! -x .venv/bin/python ] && ! "$python" -c 'import ensurepip' >/dev/null 2>&1; then
        missing+=("$("$python" -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])')")
    fi
    [ "${#missing[@]}" -gt 0 ] || return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then
            sudo=(sudo)
        else
            system=0
        fi
    fi
    if [ "$system" -eq 0 ]; then
        say "these system packages are missing; install them (as root) with:"
        say "  apt-get install ${missing[*]}"
        return 0
    fi
    say "installing system packages: ${missing[*]}"
    quietly "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
        die "apt-get update failed; fix apt, or rerun with --no-system and install: ${missing[*]}"
    quietly "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}" ||
        die "apt-get install failed; rerun with --no-system to skip, and install: ${missing[*]}"
}

# ---------------------------------------------------------------------------------------------
# 2. Python and .venv
# ---------------------------------------------------------------------------------------------
py_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }

find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3 python3.13 python3.12 python3.11; do
        if command -v "$candidate" >/dev/null 2>&1 && py_ok "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

python=""
if [ -x .venv/bin/python ] && py_ok .venv/bin/python; then
    python=.venv/bin/python
else
    python=$(find_python) || {
        found=$(python3 --version 2>&1 || echo "no python3")
        die "qingshou needs Python 3.11 or newer (found: $found).
  Debian 12: apt-get install python3 python3-venv; Ubuntu 22.04: apt-get install python3.11 python3.11-venv;
  elsewhere install Python 3.11+ and rerun with PYTHON=/path/to/python3.11"
    }
fi

system_packages

if [ ! -x .venv/bin/python ] || ! py_ok .venv/bin/python; then
    if [ -e .venv ]; then
        say "replacing .venv (its Python is missing, broken or older than 3.11)"
        rm -rf .venv
    fi
    say "creating .venv with $("$python" --version 2>&1) ($python)"
    quietly "$python" -m venv .venv ||
        die "could not create .venv; on Debian/Ubuntu install python3-venv"
    quietly .venv/bin/python -m pip install --upgrade pip
fi

# The editable install follows code changes by itself; pip only needs to run again when the
# packaging (dependencies, entry points) changed. One stamp per extra records what was installed.
stamp=$(cat pyproject.toml setup.py | cksum)
stale=0
for extra in ${extras//,/ }; do
    [ "$(cat ".venv/.qingshou-$extra" 2>/dev/null)" = "$stamp" ] || stale=1
done
[ -x .venv/bin/qingshou ] || stale=1
if [ "$stale" -eq 1 ]; then
    say "installing qingshou into .venv (pip install -e \".[$extras]\")"
    quietly .venv/bin/python -m pip install -e ".[$extras]"
    for extra in ${extras//,/ }; do
        echo "$stamp" >".venv/.qingshou-$extra"
    done
fi
say "ready: .venv ($(.venv/bin/python --version 2>&1), extras: $extras)"
