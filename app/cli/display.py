"""Can the window open here?  Checked before Qt is loaded: without a display Qt aborts the
whole process (exit 134) with a hint about xcb-cursor0 that has nothing to do with the cause."""
from __future__ import annotations

import os
import re
import socket
import sys
from typing import Mapping

_DISPLAY = re.compile(r"^(?P<host>[^:]*):(?P<number>\d+)(?:\.\d+)?$")


def display_problem(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """One Chinese sentence saying why no window can be shown, or None when one can."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform in ("win32", "darwin"):
        return None   # there the desktop is always there
    if environ.get("QT_QPA_PLATFORM") or environ.get("WAYLAND_DISPLAY"):
        return None   # a platform chosen by hand (offscreen, vnc …) or a Wayland session
    display = environ.get("DISPLAY", "")
    if not display:
        return ("没有可用的显示器（没有设置 DISPLAY 或 WAYLAND_DISPLAY），无法打开窗口：请在桌面上运行，"
                "或用 ssh -X 登录；其他命令（summary、import-ledger 等）不需要显示器")
    if not x_display_reachable(display):
        return (f"连接不上显示器 {display}（DISPLAY），无法打开窗口：请确认桌面或虚拟屏幕（Xvfb）正在运行；"
                f"其他命令（summary、import-ledger 等）不需要显示器")
    return None


def x_display_reachable(display: str, timeout: float = 1.0) -> bool:
    """True if an X server answers at ``display`` (``:0``, ``unix:1``, ``localhost:10.0``).
    A form this does not know is given the benefit of the doubt (Qt then says what it finds)."""
    m = _DISPLAY.match(display)
    if not m:
        return True
    host, number = m["host"], int(m["number"])
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        return any(_connects(socket.AF_UNIX, address, timeout) for address in ("\0" + path, path))
    return _connects(socket.AF_INET, (host, 6000 + number), timeout)


def _connects(family: int, address, timeout: float) -> bool:
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(address)
        return True
    except (OSError, ValueError):
        return False
