"""Creating a missing user_preferences.db / user_directives.db: v1.2 initial schema vs v1.0 + steps.

    .venv/bin/python bench/new_user_db_bench.py            # 9 interleaved runs of each
    .venv/bin/python bench/new_user_db_bench.py --runs 5

The tool creates these two databases when a project lacks them, from the newest
initial schema at or below the target, then the steps. Two migration folders
are compared, interleaved (the order alternates every run):

- ``v1.2 initial``: the shipped set (``v1.2_initial_schema.sql`` present): one
  script, the latest shape directly;
- ``v1.0 + steps``: the same set without ``v1.2_initial_schema.sql``: the v1.0
  schema, then 1.0 -> 1.1 -> 1.2 (rebuilds included).

Each run creates the database in a fresh project folder, measured twice:
in-process (``aifp_shell.api.migrate``: the creation itself, no interpreter
start) and as the real ``aifp-migrate up --db NAME --json`` process. Printed:
medians and the ratio ``v1.2 initial / v1.0 + steps`` (below 1: the v1.2
initial schema is faster).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TOOL = Path(sys.executable).parent / "aifp-migrate"
DATABASES = ("user_preferences", "user_directives")


def _folders(base: Path) -> dict[str, Path]:
    shipped = base / "shipped"
    shutil.copytree(
        REPO / "migrations", shipped, ignore=shutil.ignore_patterns("*.py", "__pycache__")
    )
    stepped = base / "stepped"
    shutil.copytree(shipped, stepped)
    for db in DATABASES:
        (stepped / db / "v1.2_initial_schema.sql").unlink()
    return {"v1.2 initial": shipped, "v1.0 + steps": stepped}


def _in_process(db: str, project: Path, migrations: Path) -> float:
    from aifp_shell import api

    started = time.perf_counter()
    report = api.migrate(
        databases=[db], accept_losses=True, project_dir=project, migrations_dir=migrations
    )
    elapsed = time.perf_counter() - started
    assert report.problem is None, report.problem
    return elapsed


def _process(db: str, project: Path, migrations: Path) -> float:
    command = [str(TOOL), "up", "--db", db, "--yes", "--project-dir", str(project)]
    command += ["--migrations-dir", str(migrations), "--json"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    return elapsed


def _measure(
    db: str, runs: int, base: Path, folders: dict[str, Path], how: Callable[..., float]
) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {name: [] for name in folders}
    names = list(folders)
    for run in range(runs + 1):  # run 0 warms both up and is not counted
        for name in names if run % 2 == 0 else reversed(names):
            project = base / f"{db}-{how.__name__}-{name[:4]}-{run}"
            (project / ".aifp-project").mkdir(parents=True)
            elapsed = how(db, project, folders[name])
            if run:
                samples[name].append(elapsed)
            shutil.rmtree(project)
    return samples


def main() -> None:
    """Measure and print the medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = max(5, parser.parse_args().runs)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        folders = _folders(base)
        header = f"{'database':18} {'measured':11} {'v1.2 initial':>13} {'v1.0 + steps':>13}"
        print(header, f"{'ratio':>6}")
        for db in DATABASES:
            for how in (_in_process, _process):
                samples = _measure(db, runs, base, folders, how)
                direct = statistics.median(samples["v1.2 initial"])
                stepped = statistics.median(samples["v1.0 + steps"])
                label = "in-process" if how is _in_process else "CLI process"
                print(
                    f"{db:18} {label:11} {direct * 1000:10.1f} ms {stepped * 1000:10.1f} ms "
                    f"{direct / stepped:6.2f}x"
                )
    print(f"(medians of {runs} interleaved runs each; ratio = v1.2 initial / v1.0 + steps)")


if __name__ == "__main__":
    main()
