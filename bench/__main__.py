from __future__ import annotations

import importlib
import json
import platform
import sys
from datetime import datetime
from pathlib import Path


def available() -> list[str]:
    return sorted(p.stem[len("bench_"):] for p in Path(__file__).parent.glob("bench_*.py"))


def main(argv: list[str]) -> int:
    names = argv or available()
    unknown = [n for n in names if n not in available()]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available())}",
              file=sys.stderr)
        return 2
    results = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "machine": platform.machine(), "cpus": __import__("os").cpu_count()},
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "results": {},
    }
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        print(f"running {name} …", file=sys.stderr, flush=True)
        results["results"][name] = module.run()
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
