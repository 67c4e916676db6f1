"""Without a display, ``qingshou`` and ``qingshou gui`` say so and exit 1 (CLI.md's codes) instead
of letting Qt abort the process (exit 134) with a hint about xcb-cursor0."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="a desktop is always there")


def _run_without_display(tmp_path, *argv, **extra_env):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(QINGSHOU_HOME=str(tmp_path / "home"), **extra_env)
    return subprocess.run([sys.executable, "-m", "app", *argv], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=tmp_path, timeout=120)


@pytest.mark.parametrize("argv", [(), ("gui",), ("gui", "--db", "demo.db")])
def test_without_a_display_the_window_is_refused_in_one_chinese_line(tmp_path, argv):
    p = _run_without_display(tmp_path, *argv)
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert p.stderr.count("\n") == 1 and "没有可用的显示器" in p.stderr and "无法打开窗口" in p.stderr
    assert "xcb" not in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "home" / "qingshou.db").exists() and not (tmp_path / "demo.db").exists()


def test_a_display_nobody_answers_at_is_named(tmp_path):
    p = _run_without_display(tmp_path, "gui", DISPLAY=":187")
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert "连接不上显示器 :187" in p.stderr and "xcb" not in p.stderr


def test_other_commands_need_no_display(tmp_path):
    p = _run_without_display(tmp_path, "init", "--db", "d.db", "--role", "district", "--unit", "示范区")
    assert p.returncode == 0, p.stderr
