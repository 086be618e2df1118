"""Benchmarks for issues 6 and 13, as ratios against baselines measured in the same run.

    .venv/bin/python bench/scan_bench.py [--projects N] [--runs N] [--scan-only]

1. ``aifp-migrate scan ROOT --json`` (check only) over N generated projects (default 1,000)
   vs a plain sequential Python process doing the same untrusted-file checks on each
   project's three databases: read-only, ``trusted_schema=OFF``, ``quick_check``, then
   schema_version (the "safe loop"). Target (issue 13): ratio <= 0.7, peak RSS under 64 MB.
   Also shown, for reading that ratio: the CPU times, ``scan --jobs 1``, and ``scan`` vs
   the loop without the checks (issue 6's old baseline).
2. ``python -c "import aifp_fp"`` vs ``python -c "import returns.result, attrs"``.
   Target: ratio <= 1.2. (Also shown: importing and using ``plan_migration``.)
3. ``aifp_shell.ensure_current()`` on an up-to-date installation, called in a
   running process, vs ``aifp-migrate check`` run as a process. Target: <= 0.5.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import math
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
TIME = shutil.which("time")  # GNU time, for peak RSS (see bench/run.py's run_child)
SCAN_TARGET = 0.7  # issue 13, item 4
RSS_TARGET_MB = 64  # issue 13

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

SCAN_IMPORTS = """
import gc
gc.disable()
import aifp_shell.cli.app, aifp_shell.commands.scan, aifp_shell.output.scan
gc.freeze()
gc.enable()
"""
"""What ``aifp-migrate scan --json`` imports before it reads a file (as ``cli/start.py`` does)."""

FLOOR = (
    SCAN_IMPORTS
    + """
import os, sqlite3, sys
from urllib.parse import quote
root = sys.argv[1]
projects = sorted(os.path.join(root, name) for name in os.listdir(root))
workers = os.cpu_count() or 1

def check(share):
    conn = sqlite3.connect(":memory:", uri=True, isolation_level=None, timeout=0)
    conn.execute("PRAGMA trusted_schema = OFF")
    for project in share:
        for name in ("project", "user_preferences", "user_directives"):
            path = os.path.join(project, ".aifp-project", name + ".db")
            uri = f"file:{quote(os.fsencode(path))}?mode=ro"
            conn.execute("ATTACH DATABASE ? AS scanned", (uri,))
            conn.execute("BEGIN")
            conn.execute("PRAGMA scanned.quick_check").fetchall()
            conn.execute("SELECT type, name, tbl_name, sql FROM scanned.sqlite_master").fetchall()
            conn.execute(
                "SELECT version FROM scanned.schema_version WHERE id = 1 LIMIT 1"
            ).fetchone()
            conn.execute("ROLLBACK")
            conn.execute("DETACH DATABASE scanned")

children = []
for index in range(workers):
    pid = os.fork()
    if pid == 0:
        check(projects[index::workers])
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
"""
)
"""The floor under figure 1: the statements ``scan`` runs on each file that reads as the last
one (``schema/attached_catalog.py``), alone, in as many forked processes as ``scan`` starts,
after ``scan``'s imports: no walk, no classification, no results sent back, no JSON."""


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


@dataclasses.dataclass
class Sample:
    """One run of a child process: wall time, CPU time (its own and its waited children's,
    from ``os.wait4``) and, when asked, its peak RSS in MB (GNU time's ``%M``)."""

    wall: float
    cpu: float
    rss_mb: float = math.nan


def child(*args: str | Path, env: dict[str, str] | None = None, rss: bool = False) -> Sample:
    """Run a process to its end (its output discarded) and return what it cost."""
    cmd = [str(a) for a in args]
    with tempfile.TemporaryDirectory() as scratch:
        rss_file = Path(scratch) / "rss"
        if rss and TIME is not None:
            cmd = [TIME, "-f", "%M", "-o", str(rss_file), *cmd]
        started = time.perf_counter()
        with subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
        ) as running:
            assert running.stderr is not None
            errors = running.stderr.read()
            _, status, usage = os.wait4(running.pid, 0)
            running.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        if running.returncode not in (0, 3):
            raise SystemExit(f"{cmd}: exit {running.returncode}: {errors.decode()[-500:]}")
        text = rss_file.read_text().split() if rss_file.exists() else []
        peak = int(text[-1]) / 1024 if text else math.nan
    return Sample(wall, usage.ru_utime + usage.ru_stime, peak)


def paired(
    a: Callable[[], Sample], b: Callable[[], Sample], runs: int
) -> tuple[list[Sample], list[Sample]]:
    """Run ``a`` and ``b`` alternately (the order flips each round) after one warm-up each."""
    a(), b()
    samples_a, samples_b = [], []
    for index in range(runs):
        if index % 2 == 0:
            samples_a.append(a())
            samples_b.append(b())
        else:
            samples_b.append(b())
            samples_a.append(a())
    return samples_a, samples_b


def scan_line(name: str, tool: list[Sample], base: list[Sample], target: float) -> None:
    """Print medians of wall and CPU time of both sides, their ratios and the tool's peak RSS."""
    tool_wall, base_wall = (statistics.median(s.wall for s in side) for side in (tool, base))
    tool_cpu, base_cpu = (statistics.median(s.cpu for s in side) for side in (tool, base))
    wall = tool_wall / base_wall
    pairs = statistics.median(t.wall / b.wall for t, b in zip(tool, base, strict=True))
    verdict = "" if target >= 99 else "ok" if wall <= target else "MISSED"
    aim = "" if target >= 99 else f"  (target <= {target})"
    print(
        f"{name:48} {tool_wall * 1000:9.1f} ms {base_wall * 1000:9.1f} ms  ratio {wall:5.2f}"
        f"{aim}  {verdict}\n{'':48} paired ratio {pairs:5.2f}, CPU {tool_cpu:.2f} s"
        f" / {base_cpu:.2f} s = {tool_cpu / base_cpu:4.2f}"
    )


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
    parser.add_argument("--scan-only", action="store_true", help="figure 1 only")
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
        scan = functools.partial(child, TOOL, "scan", tree, "--json", env=env, rss=True)
        safe = functools.partial(child, sys.executable, "-c", SAFE_LOOP, tree)
        scan_s, safe_s = paired(scan, safe, options.runs)
        scan_line(f"scan over {options.projects} projects / safe loop", scan_s, safe_s, SCAN_TARGET)
        peak = max(s.rss_mb for s in scan_s)
        print(
            f"{'  scan peak RSS (largest process)':48} {peak:9.1f} MB"
            f"  (target < {RSS_TARGET_MB} MB)  {'ok' if peak < RSS_TARGET_MB else 'MISSED'}"
        )
        one = functools.partial(child, TOOL, "scan", tree, "--json", "--jobs", "1", env=env)
        one_s, safe1_s = paired(one, safe, options.runs)
        scan_line("  (info) scan --jobs 1 / safe loop", one_s, safe1_s, 99)
        floor = functools.partial(child, sys.executable, "-c", FLOOR, tree)
        floor_s, safe2_s = paired(floor, safe, options.runs)
        scan_line("  (info) floor: scan's statements alone / safe loop", floor_s, safe2_s, 99)
        imports = functools.partial(child, sys.executable, "-c", SCAN_IMPORTS)
        imports_s, safe3_s = paired(imports, safe, options.runs)
        scan_line("  (info) scan's imports alone / safe loop", imports_s, safe3_s, 99)
        plain = functools.partial(child, sys.executable, "-c", BASELINE_LOOP, tree)
        scan2_s, plain_s = paired(scan, plain, options.runs)
        scan_line("  (info) scan / loop without the checks", scan2_s, plain_s, 99)
        print(f"  (info) CPUs: {os.cpu_count()}")
        if options.scan_only:
            return

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
