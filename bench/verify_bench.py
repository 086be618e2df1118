"""Benchmarks for issue 5: ``verify`` of the shipped set, and ``check`` with drift detection.

    .venv/bin/python bench/verify_bench.py            # 15 check runs, 5 verify runs
    .venv/bin/python bench/verify_bench.py --quick    # 7 and 3

1. ``verify`` (target: under 10 s on this machine): median wall time of
   ``aifp-migrate verify`` on the shipped migrations folder, printed beside a
   no-op Typer command's process start (the floor any Typer CLI pays).
2. ``check`` with drift detection (target: at most 1.5x): ``aifp-migrate check``
   on a filled v1.0 installation against bench/baseline_check_app.py (a
   one-command Typer app reading the four versions), interleaved runs. Shown
   with the drift cache warm (what a user sees from the second run on) and
   turned off (``AIFP_MIGRATE_CACHE_DIR=``: every run replays and parses).

Timings are wall-clock medians, CPU from ``os.wait4``; only ratios compare
across machines. Writes bench/out/verify_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "tests"))

from aifp_data import build_installation  # noqa: E402

TOOL = Path(sys.executable).parent / "aifp-migrate"
NOOP_TYPER = (
    "import typer\n"
    "app = typer.Typer(add_completion=False)\n"
    "@app.command()\n"
    "def noop() -> None:\n"
    "    pass\n"
    "app()\n"
)
VERIFY_TARGET_S = 10.0
CHECK_TARGET = 1.5


def _run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Return wall seconds, CPU seconds (user+system) and exit code of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def _median(samples: list[tuple[float, float, int]], index: int) -> float:
    return statistics.median(sample[index] for sample in samples)


def bench_verify(runs: int) -> dict[str, object]:
    """Time ``verify`` of the shipped set against a no-op Typer command."""
    noop = [sys.executable, "-c", NOOP_TYPER]
    verify = [str(TOOL), "verify"]
    _run(noop)
    first = _run(verify)
    assert first[2] == 0, "verify is not green on the shipped set"
    tool: list[tuple[float, float, int]] = []
    floor: list[tuple[float, float, int]] = []
    for _ in range(runs):
        tool.append(_run(verify))
        floor.append(_run(noop))
    median = _median(tool, 0)
    return {
        "runs": runs,
        "median_s": {"verify": median, "noop_typer": _median(floor, 0)},
        "median_cpu_s": {"verify": _median(tool, 1), "noop_typer": _median(floor, 1)},
        "ratio_to_noop": median / _median(floor, 0),
        "target_s": VERIFY_TARGET_S,
        "meets_target": median < VERIFY_TARGET_S,
    }


def bench_check(runs: int, base: Path) -> dict[str, object]:
    """Time ``check`` (drift cache warm and off) against the minimal Typer app."""
    inst = build_installation(base, rows=200)
    where = ["--aifp-root", str(inst.root), "--project-dir", str(inst.project)]
    cache = base / "cache"
    commands = {
        "baseline": ([sys.executable, str(BENCH / "baseline_check_app.py"), *where], {}),
        "check_warm": ([str(TOOL), "check", *where], {"AIFP_MIGRATE_CACHE_DIR": str(cache)}),
        "check_no_cache": ([str(TOOL), "check", *where], {"AIFP_MIGRATE_CACHE_DIR": ""}),
    }
    samples: dict[str, list[tuple[float, float, int]]] = {name: [] for name in commands}
    for command, env in commands.values():  # warm-up (and fill the cache)
        _run(command, env)
        _run(command, env)
    names = list(commands)
    for index in range(runs):
        for name in names[index % 3 :] + names[: index % 3]:  # rotate the order
            command, env = commands[name]
            samples[name].append(_run(command, env))
    assert all(s[2] == 0 for s in samples["check_warm"]), "check found a problem"
    drift_ms = _drift_share(inst.root, inst.project, cache)
    result: dict[str, object] = {
        "runs": runs,
        "median_s": {name: _median(s, 0) for name, s in samples.items()},
        "median_cpu_s": {name: _median(s, 1) for name, s in samples.items()},
        "target": CHECK_TARGET,
        "drift_in_process_ms": drift_ms,
    }
    for name in ("check_warm", "check_no_cache"):
        result[f"ratio_{name}"] = _median(samples[name], 0) / _median(samples["baseline"], 0)
        result[f"ratio_cpu_{name}"] = _median(samples[name], 1) / _median(samples["baseline"], 1)
    return result


def _drift_share(root: Path, project: Path, cache: Path) -> dict[str, float]:
    """Return what drift costs inside one ``check`` (ms): its import, and its four look-ups warm.

    Measured in a fresh interpreter that has already imported everything else of
    the CLI, so only drift's own share is timed.
    """
    code = f"""
import json, os, statistics, sys, time
os.environ["AIFP_MIGRATE_CACHE_DIR"] = {str(cache)!r}
import importlib, aifp_shell.sqlite.executor, aifp_shell.files.locate
import aifp_shell.files.sources, aifp_shell.problems
start = time.perf_counter()
from aifp_shell.schema import drift
imported = time.perf_counter() - start
from pathlib import Path
from aifp_shell.files.locate import DATABASES, find_places, locate
from aifp_shell.files.sources import load_migration_set
places = find_places(Path({str(project)!r}), Path({str(root)!r}), None)
work = []
for name in DATABASES:
    path = locate(name, places).path
    work.append((name, path, load_migration_set(name, places.migrations_dir).unwrap()))
samples = []
for _ in range(20):
    start = time.perf_counter()
    for name, path, migration_set in work:
        drift.drift_at(name, path, migration_set, migration_set.versions()[0])
    samples.append(time.perf_counter() - start)
lookups = statistics.median(samples) * 1000
print(json.dumps({{"import_ms": imported * 1000, "four_lookups_ms": lookups}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    found: dict[str, float] = json.loads(done.stdout)
    return found


def main() -> None:
    """Run both benchmarks, print a table and write bench/out/verify_bench.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aifp-verify-bench-") as tmp:
        check = bench_check(7 if args.quick else 15, Path(tmp))
    verify = bench_verify(3 if args.quick else 5)
    out = BENCH / "out"
    out.mkdir(exist_ok=True)
    (out / "verify_bench.json").write_text(json.dumps({"verify": verify, "check": check}, indent=2))
    v, c = verify["median_s"], check["median_s"]
    assert isinstance(v, dict) and isinstance(c, dict)
    print(f"verify (shipped set):        {v['verify']:.2f} s  (target < {VERIFY_TARGET_S:.0f} s)")
    print(
        f"  no-op Typer process start: {v['noop_typer']:.2f} s  "
        f"ratio {verify['ratio_to_noop']:.1f}x"
    )
    print(f"check, drift cache warm:     {c['check_warm']:.3f} s")
    print(f"check, drift cache off:      {c['check_no_cache']:.3f} s")
    print(f"baseline_check_app:          {c['baseline']:.3f} s")
    share = check["drift_in_process_ms"]
    assert isinstance(share, dict)
    print(
        f"drift's own share of a warm check: import {share['import_ms']:.1f} ms + "
        f"four look-ups {share['four_lookups_ms']:.1f} ms"
    )
    print(
        f"ratio check/baseline: warm {check['ratio_check_warm']:.2f} "
        f"(CPU {check['ratio_cpu_check_warm']:.2f}), cache off {check['ratio_check_no_cache']:.2f} "
        f"(CPU {check['ratio_cpu_check_no_cache']:.2f}); target <= {CHECK_TARGET}"
    )


if __name__ == "__main__":
    main()
