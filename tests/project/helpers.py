"""Running the repository's scripts the way a person does, in a made-up machine: a PATH without
some programs, stand-ins for apt-get and dpkg-query, a home folder of its own."""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SYSTEM_BIN = ("/usr/local/bin", "/usr/bin", "/usr/sbin", "/bin", "/sbin")


def path_without(folder: Path, *absent: str) -> str:
    """A folder of links to every program of the system's PATH except ``absent``: a PATH on
    which those programs are simply not installed."""
    folder.mkdir(parents=True, exist_ok=True)
    for d in SYSTEM_BIN:
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            link = folder / name
            if name in absent or link.exists() or link.is_symlink():
                continue
            target = Path(d, name)
            if os.access(target, os.X_OK) and not target.is_dir():
                link.symlink_to(target)
    return str(folder)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a person's shell: no display, no Qt platform chosen, no test settings."""
    keep = ("LANG", "LC_ALL", "TERM", "TMPDIR", "USER", "LOGNAME")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(extra)
    return env
