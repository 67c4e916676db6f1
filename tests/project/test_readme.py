"""Every command block of the README works as written, in order, in the repository folder of a
fresh clone (issue 5: its examples used a loan the demo database does not have, a sample ledger
nobody had, and ``[--as-of …]`` placeholders)."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project.helpers import REPO, clean_env

README = REPO / "README.md"
# Blocks run by a test of their own: the scripts (tests/project/test_demo_script.py, and CI runs
# scripts/test.sh), the developer's migration command (tests/project/test_packaging.py).
ELSEWHERE = ("scripts/demo.sh", "alembic ")


def _blocks() -> list[str]:
    return re.findall(r"^```bash\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)


def _commands(block: str) -> list[str]:
    joined = re.sub(r"\\\n\s*", " ", block)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_every_block_is_run_by_a_test():
    for block in _blocks():
        if any(x in block for x in ELSEWHERE):
            continue
        for command in _commands(block):
            assert command.startswith(("qingshou ", "QINGSHOU_PASSPHRASE=", "source .venv/bin/activate")), \
                f"a README command no test runs: {command}"


def test_the_sample_ledgers_the_readme_imports_are_in_the_repository():
    text = README.read_text(encoding="utf-8")
    named = set(re.findall(r"samples/[^\s`）)]+\.xlsx", text))
    assert named == {"samples/台账示例.xlsx", "samples/台账示例-一个月后.xlsx"}
    same = {"samples/台账示例.xlsx": "ledger.xlsx", "samples/台账示例-一个月后.xlsx": "update.xlsx"}
    for shipped, original in same.items():   # the same files the tests check the import against
        digest = hashlib.sha256((REPO / shipped).read_bytes()).hexdigest()
        assert digest == hashlib.sha256((REPO / "tests/data/ledger-sample" / original).read_bytes()).hexdigest()


def test_the_readme_commands_work_as_written(tmp_path):
    venv = Path(sys.executable).resolve().parent.parent
    if not (venv / "bin" / "activate").is_file():
        venv = REPO / ".venv"
    (tmp_path / ".venv").symlink_to(venv)
    (tmp_path / "samples").symlink_to(REPO / "samples")
    script = ["set -euo pipefail", "trap 'echo \"README command failed: $BASH_COMMAND\" >&2' ERR"]
    for block in _blocks():
        if not any(x in block for x in ELSEWHERE):
            script += _commands(block)
    system_path = os.pathsep.join(d for d in os.environ.get("PATH", "").split(os.pathsep)
                                  if not Path(d, "qingshou").exists())
    env = clean_env(PATH=system_path, HOME=str(tmp_path / "home"), QINGSHOU_HOME=str(tmp_path / "data"),
                    QT_QPA_PLATFORM="offscreen", QINGSHOU_EXIT_AFTER_SHOWN="1")

    p = subprocess.run(["bash", "-c", "\n".join(script)], cwd=tmp_path, capture_output=True, text=True,
                       encoding="utf-8", env=env, timeout=900, stdin=subprocess.DEVNULL)

    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    assert "窗口已打开" in p.stdout, "qingshou gui did not open the window"
    for made in ("demo.db", "备份.db", "区县.db", "柳林镇.qstask", "柳林镇.db", "柳林镇-一号机-0001.qspkg", "柳林镇-第2次.qstask", "退回银行.xlsx", "柳林镇从未走访.xlsx", "协议书.pdf", "减免明白纸.pdf", "对账表.xlsx", "柳林镇对账表.xlsx"):
        assert (tmp_path / made).is_file() and (tmp_path / made).stat().st_size > 0, made
    # What the README says the examples show.
    assert "钟存良" in p.stdout and "柳林-2026-ZMV-0001" in p.stdout
    assert re.search(r"新增 223 笔", p.stdout) and re.search(r"未导入 21 行", p.stdout), p.stdout
    assert "核对贷款 223 笔，有差异的 64 笔、共 64 处（台账减少、乡镇无记录 64 处）。" in p.stdout


# long: started first, so the run does not end waiting for it (tests/conftest.py)
pytestmark = pytest.mark.slow
