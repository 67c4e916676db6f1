"""``bash scripts/demo.sh`` is the one command on every machine (issue 5b): on a machine without a
display and without xvfb-run it installs what it needs (Xvfb, through bootstrap's apt step) and
opens the window on a virtual screen of its own, saying so, instead of failing with
``xvfb-run: command not found``."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project.helpers import REPO, clean_env, path_without

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("Xvfb") is None,
                                reason="Linux with Xvfb installed (bootstrap installs it)")

DPKG_QUERY = """#!/bin/sh
# dpkg-query -W -f=... PKG...: every package installed, except xvfb until apt-get installed it.
for pkg in "$@"; do
    case "$pkg" in -*|*t64) continue ;; esac   # options; Ubuntu's t64 names do not exist here
    if [ "$pkg" = xvfb ] && [ ! -e "{bin}/Xvfb" ]; then continue; fi
    echo "$pkg ii "
done
"""

APT_GET = """#!/bin/sh
# Records what it was asked; "installs" xvfb by putting the real Xvfb on the PATH.
echo "apt-get $*" >> "{log}"
case " $* " in *" install "*" xvfb "*) ln -s "{xvfb}" "{bin}/Xvfb" ;; esac
exit 0
"""


def _stub(path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)


def test_demo_opens_the_window_on_a_virtual_screen_it_starts_itself(tmp_path, demo_path):
    bin_dir = tmp_path / "bin"
    path = path_without(bin_dir, "xvfb-run", "Xvfb", "apt-get", "dpkg-query", "python3", "python")
    apt_log = tmp_path / "apt.log"
    _stub(bin_dir / "dpkg-query", DPKG_QUERY.format(bin=bin_dir))
    _stub(bin_dir / "apt-get", APT_GET.format(log=apt_log, bin=bin_dir, xvfb=shutil.which("Xvfb")))
    home = tmp_path / "home"
    (home / ".local/share/qingshou").mkdir(parents=True)
    shutil.copyfile(demo_path, home / ".local/share/qingshou/demo.db")   # made already: skip the 2000

    p = subprocess.run(["bash", str(REPO / "scripts" / "demo.sh")], capture_output=True, text=True,
                       encoding="utf-8", timeout=300, stdin=subprocess.DEVNULL,
                       env=clean_env(PATH=path, HOME=str(home), QINGSHOU_EXIT_AFTER_SHOWN="1"))

    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    assert "command not found" not in out
    assert "apt-get install" in apt_log.read_text(encoding="utf-8") and " xvfb" in apt_log.read_text(encoding="utf-8")
    started = re.search(r"virtual screen \(Xvfb, DISPLAY=(:\d+)\)", p.stdout)
    assert started, out
    shown = re.search(r"窗口已打开：.*（平台 (\w+)，显示器 (:\d+)）", p.stdout)
    assert shown, out
    assert shown.group(1) == "xcb" and shown.group(2) == started.group(1), "not shown on the virtual screen"
    assert not _xvfb_of(home), "the virtual screen was left running"


def _xvfb_of(home) -> list[int]:
    """Xvfb processes started with this HOME (the script's own; the display number may be taken
    again at once by another program's virtual screen, so it proves nothing)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if not proc.name.isdigit() or not (proc / "cmdline").read_bytes().startswith(b"Xvfb"):
                continue
            if f"HOME={home}".encode() in (proc / "environ").read_bytes().split(b"\0"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_without_a_display_and_without_xvfb_it_says_what_to_install(tmp_path, demo_path):
    """Not root and no sudo: nothing can be installed; both scripts say what to install."""
    bin_dir = tmp_path / "bin"
    path = path_without(bin_dir, "xvfb-run", "Xvfb", "apt-get", "dpkg-query", "python3", "python", "sudo", "id")
    _stub(bin_dir / "dpkg-query", DPKG_QUERY.format(bin=bin_dir))
    _stub(bin_dir / "id", "#!/bin/sh\necho 1000\n")
    home = tmp_path / "home"
    (home / ".local/share/qingshou").mkdir(parents=True)
    shutil.copyfile(demo_path, home / ".local/share/qingshou/demo.db")

    p = subprocess.run(["bash", str(REPO / "scripts" / "demo.sh")], capture_output=True, text=True,
                       encoding="utf-8", timeout=300, stdin=subprocess.DEVNULL,
                       env=clean_env(PATH=path, HOME=str(home), QINGSHOU_EXIT_AFTER_SHOWN="1"))

    assert p.returncode == 1, p.stdout + p.stderr
    assert "install them (as root) with:" in p.stdout and "apt-get install xvfb" in p.stdout
    assert "no Xvfb to make a virtual one" in p.stderr and "apt-get install xvfb" in p.stderr
    assert "窗口已打开" not in p.stdout and "Traceback" not in p.stderr
