"""Benchmarks: ``python -m bench [NAME ...]`` prints one JSON object of results.

Each ``bench/bench_<name>.py`` has ``run() -> dict``.  Times are measured here, never asserted
in tests; record results in bench/RESULTS.md with the machine and date.
"""
