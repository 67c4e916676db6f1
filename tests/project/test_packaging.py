"""The developer's commands of the README work on a fresh clone, and packaging logs are clean."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.project.helpers import REPO

BIN = Path(sys.executable).parent


def _fresh_db_folder(tmp_path: Path) -> Path:
    """db/ as a clone has it: alembic.ini and the migrations, and no database of any kind."""
    shutil.copytree(REPO / "db", tmp_path / "db", ignore=shutil.ignore_patterns("__pycache__", "*.db"))
    return tmp_path / "db"


def test_the_readme_autogenerate_command_works_on_a_fresh_clone(tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if "alembic" in x and "--autogenerate" in x)
    assert line.startswith(".venv/bin/alembic -c db/alembic.ini revision --autogenerate"), line
    db = _fresh_db_folder(tmp_path)
    before = {p.name for p in (db / "migrations" / "versions").glob("*.py")}

    p = subprocess.run([str(BIN / "alembic"), "-c", "db/alembic.ini", "revision", "--autogenerate", "-m", "试一下"],
                       cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", timeout=300)

    assert p.returncode == 0, p.stdout + p.stderr
    made = [db / "migrations" / "versions" / n for n in
            {p.name for p in (db / "migrations" / "versions").glob("*.py")} - before]
    assert len(made) == 1, p.stdout
    text = made[0].read_text(encoding="utf-8")
    from app.db.migrate import head_revision
    assert f"down_revision = {head_revision()!r}" in text
    body = text[text.index("def upgrade"):text.index("def downgrade")]
    assert re.sub(r"#.*", "", body).split()[-1] == "pass", f"the models and the migrations differ:\n{body}"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["db"], "it left a database behind"


def test_building_the_wheel_gives_no_packaging_warnings(tmp_path):
    """setuptools warned that resources/fonts, rules and templates were "absent from the packages
    configuration" (a block of 20 lines each in the CI log)."""
    source = tmp_path / "source"   # pip builds in the tree it is given: not in the checkout
    for name in ("app", "db", "resources"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.db"))
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(REPO / name, source / name)
    p = subprocess.run([str(BIN / "python"), "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(source)],
                       capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    log = p.stdout + p.stderr
    assert "Warning" not in log and "absent from the" not in log, log
    wheel = next(tmp_path.glob("qingshou-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"app/resources/{f.relative_to(REPO / 'resources').as_posix()}"
               for f in (REPO / "resources").rglob("*") if f.is_file() and "__pycache__" not in f.parts}
    assert shipped and shipped <= names
    assert "app/migrations/env.py" in names


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="bootstrap.sh is for Debian/Ubuntu")
def test_bootstrap_installs_python_venv_when_ensurepip_is_missing(tmp_path):
    """Debian's python3 has no venv without python3.11-venv (ensurepip is in that package):
    bootstrap adds it to the apt-get line."""
    from tests.project.helpers import clean_env, path_without

    checkout = tmp_path / "clone"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "bootstrap.sh", checkout / "scripts")
    for name in ("pyproject.toml", "setup.py"):
        shutil.copy(REPO / name, checkout)
    bin_dir = tmp_path / "bin"
    path = path_without(bin_dir, "apt-get", "dpkg-query", "python3", "python")
    (bin_dir / "dpkg-query").write_text('#!/bin/sh\nfor p in "$@"; do case "$p" in -*|*t64) ;; *) echo "$p ii ";; esac; done\n')
    (bin_dir / "apt-get").write_text(   # records what it is asked; "install" fails: nothing to wait for
        f'#!/bin/sh\necho "apt-get $*" >> "{tmp_path}/apt.log"\ncase "$*" in *install*) exit 100;; esac\n')
    no_ensurepip = tmp_path / "no-ensurepip"
    no_ensurepip.mkdir()
    (no_ensurepip / "ensurepip.py").write_text("raise ImportError('ensurepip is in python3.11-venv')\n")
    (bin_dir / "python3").write_text(f'#!/bin/sh\nPYTHONPATH="{no_ensurepip}" exec "{sys.base_prefix}/bin/python3" "$@"\n')
    for stub in ("dpkg-query", "apt-get", "python3"):
        (bin_dir / stub).chmod(0o755)

    p = subprocess.run(["bash", "scripts/bootstrap.sh"], cwd=checkout, capture_output=True, text=True,
                       encoding="utf-8", timeout=300, stdin=subprocess.DEVNULL,
                       env=clean_env(PATH=path, HOME=str(tmp_path)))

    installed = (tmp_path / "apt.log").read_text(encoding="utf-8")
    version = "%d.%d" % sys.version_info[:2]
    assert f"python{version}-venv" in installed.split("install", 1)[1], installed
    assert p.returncode == 1 and f"python{version}-venv" in p.stderr, p.stderr   # and says what to install


# long: started first, so the run does not end waiting for it (tests/conftest.py)
pytestmark = pytest.mark.slow
