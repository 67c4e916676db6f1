"""Running the command line as a child process whose memory is capped, so that a reader
that tries to allocate gigabytes aborts the child (caught as a failure) instead of taking
the machine's memory."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEMORY_CAP = 3 << 30   # address space: far more than an import needs, far less than 6.7 GB


def _cap() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_capped(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m …`` in the repository with the memory cap, and RUST_BACKTRACE=1 (a Rust
    panic then prints its whole backtrace, as it did on the fuzzing machine)."""
    env = dict(os.environ, RUST_BACKTRACE="1")
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=timeout, env=env,
                          preexec_fn=_cap if sys.platform.startswith("linux") else None)
