"""Benchmarks for issue 6, as ratios against baselines measured in the same run.

    .venv/bin/python bench/scan_bench.py [--projects N] [--runs N]

1. ``aifp-migrate scan ROOT --json`` (check only) over N generated projects (default 1,000)
   vs a plain sequential Python process that opens each project's three
   databases read-only and reads schema_version. Target: ratio <= 1.0.
   Also shown, for reading that ratio: ``scan --jobs 1``, and the same loop
   doing what the issue requires of walked files (``trusted_schema=OFF`` and
   ``quick_check`` before the version): the least one core can do, which
   worker processes then divide by the number of cores.
2. ``python -c "import aifp_fp"`` vs ``python -c "import returns.result, attrs"``.
   Target: ratio <= 1.2. (Also shown: importing and using ``plan_migration``.)
3. ``aifp_shell.ensure_current()`` on an up-to-date installation, called in a
   running process, vs ``aifp-migrate check`` run as a process. Target: <= 0.5.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from tests.aifp_data import build_installation  # noqa: E402

TOOL = Path(sys.executable).parent / "aifp-migrate"

BASELINE_LOOP = """
import sqlite3, sys
from pathlib import Path
for project in sorted(Path(sys.argv[1]).iterdir()):
    for name in ("project", "user_preferences", "user_directives"):
        path = project / ".aifp-project" / f"{name}.db"
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        conn.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()
        conn.close()
"""

SAFE_LOOP = """
import sqlite3, sys
from pathlib import Path
for project in sorted(Path(sys.argv[1]).iterdir()):
    for name in ("project", "user_preferences", "user_directives"):
        path = project / ".aifp-project" / f"{name}.db"
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA quick_check").fetchall()
        conn.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()
        conn.close()
"""


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def process(*args: str | Path, env: dict[str, str] | None = None) -> Callable[[], object]:
    def run() -> object:
        done = subprocess.run([str(a) for a in args], capture_output=True, env=env, check=False)
        if done.returncode not in (0, 3):
            raise SystemExit(f"{args}: exit {done.returncode}: {done.stderr.decode()[-500:]}")
        return done

    return run


def interleaved(a: Callable[[], object], b: Callable[[], object], runs: int) -> tuple[float, float]:
    """Return the median times of ``a`` and ``b``, run alternately after one warm-up each."""
    a(), b()
    times_a, times_b = [], []
    for index in range(runs):
        first, second = (a, b) if index % 2 == 0 else (b, a)
        t1, t2 = timed(first), timed(second)
        times_a.append(t1 if first is a else t2)
        times_b.append(t2 if first is a else t1)
    return statistics.median(times_a), statistics.median(times_b)


def line(name: str, tool: float, base: float, target: float) -> None:
    ratio = tool / base
    verdict = "ok" if ratio <= target else "MISSED"
    print(
        f"{name:48} {tool * 1000:9.1f} ms {base * 1000:9.1f} ms  ratio {ratio:5.2f}"
        f"  (target <= {target})  {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--import-runs", type=int, default=31)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="aifp-scan-bench-"))
    try:
        template = build_installation(work / "template", rows=5)
        tree = work / "tree"
        tree.mkdir()
        for index in range(options.projects):
            shutil.copytree(
                template.project / ".aifp-project", tree / f"p{index:05}" / ".aifp-project"
            )
        env = {"AIFP_ROOT": str(template.root), "PATH": os.defpath}
        print(f"{'figure':48} {'tool':>12} {'baseline':>12}")
        scan_t, loop_t = interleaved(
            process(TOOL, "scan", tree, "--json", env=env),
            process(sys.executable, "-c", BASELINE_LOOP, tree),
            options.runs,
        )
        line(f"scan over {options.projects} projects / sequential loop", scan_t, loop_t, 1.0)
        one_t, loop1_t = interleaved(
            process(TOOL, "scan", tree, "--json", "--jobs", "1", env=env),
            process(sys.executable, "-c", BASELINE_LOOP, tree),
            options.runs,
        )
        line("  (info) scan --jobs 1 / sequential loop", one_t, loop1_t, 99)
        safe_t, loop2_t = interleaved(
            process(sys.executable, "-c", SAFE_LOOP, tree),
            process(sys.executable, "-c", BASELINE_LOOP, tree),
            options.runs,
        )
        line("  (info) loop + trusted_schema OFF + quick_check / loop", safe_t, loop2_t, 99)
        print(f"  (info) CPUs: {os.cpu_count()}")

        core_t, deps_t = interleaved(
            process(sys.executable, "-c", "import aifp_fp"),
            process(sys.executable, "-c", "import returns.result, attrs"),
            options.import_runs,
        )
        line("import aifp_fp / import returns.result, attrs", core_t, deps_t, 1.2)
        used_t, _ = interleaved(
            process(sys.executable, "-c", "from aifp_fp import plan_migration, describe_plan"),
            process(sys.executable, "-c", "import returns.result, attrs"),
            options.import_runs,
        )
        line("  (info) import + load plan_migration, describe_plan", used_t, deps_t, 99)

        from aifp_shell import ensure_current

        installation = build_installation(work / "current", rows=5)
        first = ensure_current(
            accept_losses=True, project_dir=installation.project, aifp_root=installation.root
        )
        assert first.ok, first
        in_process: list[float] = []
        check_runs: list[float] = []
        check = process(
            TOOL,
            "check",
            "--project-dir",
            installation.project,
            "--aifp-root",
            installation.root,
            env=env,
        )
        check()
        for _ in range(options.import_runs):
            in_process.append(
                timed(
                    lambda: ensure_current(
                        project_dir=installation.project, aifp_root=installation.root
                    )
                )
            )
            check_runs.append(timed(check))
        line(
            "ensure_current in-process / check as a process",
            statistics.median(in_process),
            statistics.median(check_runs),
            0.5,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
