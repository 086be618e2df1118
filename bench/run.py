"""Benchmarks for issue 3's speed targets, measured as ratios against baselines in the same run.

    .venv/bin/python bench/run.py           # full: ~330 MB project.db, 3 runs of `up`
    .venv/bin/python bench/run.py --quick   # ~30 MB project.db, 1 run of `up`

Figures (see bench/README.md):

1. ``check``: median wall time of ``aifp-migrate check`` on a filled v1.0
   installation, over the median of bench/baseline_check_app.py (a one-command
   Typer app reading the same four versions). Target: ratio <= 1.5.
2. ``up --db project`` of a big v1.0 project.db to the latest version, over the
   same safe job done by hand in the sqlite3 shell (``.backup``, quick_check,
   the steps in one transaction, foreign_key_check, quick_check, COMMIT).
   Target: ratio <= 1.2, and the tool's peak RSS < 256 MB.
3. Where the tool's time goes in (2): the service's phases timed in-process.

Prints a table and writes bench/out/results.json. Timings are wall-clock medians;
only the ratios are meant to be compared across machines.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
MIGRATIONS = REPO / "migrations"
sys.path.insert(0, str(REPO / "tests"))

from aifp_data import build_installation  # noqa: E402

TOOL = Path(sys.executable).parent / "aifp-migrate"
SQLITE3 = shutil.which("sqlite3") or "sqlite3"
TIME = shutil.which("time")  # GNU time, for peak RSS (the shell builtin is not on PATH)

BIG_DB_VERSION = "1"
"""Bump when the big project.db's recipe changes: the cached file is keyed by it."""

CHECK_TARGET = 1.25  # issue 13
UP_TARGET = 0.5  # issue 13
RSS_TARGET_MB = 64  # issue 13


# --- measuring a child process ---------------------------------------------------------------


CHILD_ENV = {
    **{name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"},
    "AIFP_MIGRATE_CACHE_DIR": str(OUT / "drift-cache"),
}
"""The children's environment: this one, free to write ``.pyc`` files, its own drift cache.

An installed tool has its bytecode (pip compiles it); with
``PYTHONDONTWRITEBYTECODE`` set and no ``__pycache__`` yet, every run of the
tool would compile all its modules again (~30 ms of CPU), and the warm-up runs
would not fix that. The user's drift cache is shared with every other run of
the tool on the machine and keeps 256 answers: other runs could push out the
bench's, and a ``check`` that misses replays the schema (~50 ms more).
"""


def run_child(
    cmd: list[str], *, stdin: Path | None = None, measure_rss: bool = False
) -> dict[str, Any]:
    """Run ``cmd``; return its wall time, CPU time, exit code, output and (if asked) peak RSS.

    The CPU time (user + system) comes from ``os.wait4``: the child's own,
    which other processes on a shared machine disturb less than wall time.

    The peak RSS is the child's own maximum resident set size, read from GNU
    ``time -f %M`` (GNU time), which forks the command from its own small
    process. (``os.wait4`` or ``getrusage(RUSAGE_CHILDREN)`` from this script
    would report at least this script's own size: Linux carries the parent's
    high-water mark across fork/vfork + exec.) The wrapper costs ~1 ms and
    wraps both sides of a comparison alike.
    """
    out_file = OUT / ".child-stdout"
    err_file = OUT / ".child-stderr"
    rss_file = OUT / ".child-rss"
    rss_file.unlink(missing_ok=True)
    if measure_rss and TIME is not None:
        cmd = [TIME, "-f", "%M", "-o", str(rss_file), *cmd]
    with contextlib.ExitStack() as stack:
        stdin_handle = stack.enter_context(stdin.open("rb")) if stdin else subprocess.DEVNULL
        stdout = stack.enter_context(out_file.open("wb"))
        stderr = stack.enter_context(err_file.open("wb"))
        started = time.perf_counter()
        process = subprocess.Popen(
            cmd, stdin=stdin_handle, stdout=stdout, stderr=stderr, env=CHILD_ENV
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    result: dict[str, Any] = {
        "wall": wall,
        "code": process.returncode,
        "cpu": usage.ru_utime + usage.ru_stime,
        "stdout": out_file.read_text(errors="replace"),
        "stderr": err_file.read_text(errors="replace"),
    }
    if measure_rss:
        text = rss_file.read_text().split() if rss_file.exists() else []
        result["max_rss_mb"] = int(text[-1]) / 1024 if text else float("nan")
    return result


def checked(result: dict[str, Any], what: str) -> dict[str, Any]:
    """Return ``result`` if the child exited 0, else stop with its output."""
    if result["code"] != 0:
        sys.exit(
            f"bench: {what} exited {result['code']}\n"
            f"stdout: {result['stdout'][-2000:]}\nstderr: {result['stderr'][-2000:]}"
        )
    return result


def copy_at_rest(source: Path, target: Path) -> Path:
    """Copy a database file, flush it to disk and read it back as from disk; return ``target``.

    A user's database has long been on disk, and what reads it (AIMFP's server,
    the tool's own checks) brings it into the page cache through readahead.
    So every untimed copy is first flushed: a fresh copy of a 330 MB file is
    330 MB of dirty page cache, and the first fsync (the COMMIT of whichever
    side runs on it) would pay for writing it all back, 0.15 s charged to a
    job that changed a few pages. Then its cached pages are dropped and it is
    read once, sequentially: the page cache of a file just written holds it in
    whatever pieces its writer made (here, after the hand job freed its
    4 KiB-page files, small ones), and the kernel copies a file cached in small
    pieces 5-7x slower (``copy_file_range`` of the 331 MB file: 0.73-1.0 s
    against 0.13-0.18 s read back from disk, on this machine's 6.x kernel).
    Both sides start from the same state; ``os.sync`` settles the previous
    run's deletions (this file system discards freed blocks) before timing.
    """
    shutil.copyfile(source, target)
    handle = os.open(target, os.O_RDONLY)
    try:
        os.fsync(handle)
        os.posix_fadvise(handle, 0, 0, os.POSIX_FADV_DONTNEED)
        while os.read(handle, 1 << 20):
            pass
    finally:
        os.close(handle)
    os.sync()
    return target


def median(values: list[float]) -> float:
    return statistics.median(values)


# --- 1. check ----------------------------------------------------------------------------------


def bench_check(runs: int, rows: int) -> dict[str, Any]:
    """Time ``aifp-migrate check`` and the baseline app on the same four v1.0 databases."""
    base = OUT / "check-installation"
    shutil.rmtree(base, ignore_errors=True)
    installation = build_installation(base, rows=rows, seed=0)
    places = ["--aifp-root", str(installation.root), "--project-dir", str(installation.project)]
    commands = {
        "tool": [str(TOOL), "check", *places],
        "tool_json": [str(TOOL), "check", "--json", *places],
        "baseline": [sys.executable, str(BENCH / "baseline_check_app.py"), *places],
    }
    # check exits 0 when every database is readable (pending steps are not a problem).
    for name, cmd in commands.items():  # warm-up: page cache, .pyc files
        for _ in range(2):
            checked(run_child(cmd), f"check warm-up ({name})")
    samples: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    order = list(commands)
    for index in range(runs):
        # interleaved, and the order rotates so no command always runs first
        shift = index % len(order)
        for name in order[shift:] + order[:shift]:
            result = checked(run_child(commands[name]), f"check ({name})")
            samples[name].append(result["wall"])
            cpu[name].append(result["cpu"])
    shutil.rmtree(base, ignore_errors=True)
    medians = {name: median(values) for name, values in samples.items()}
    cpu_medians = {name: median(values) for name, values in cpu.items()}
    paired = [t / b for t, b in zip(samples["tool"], samples["baseline"], strict=True)]
    return {
        "runs": runs,
        "rows_per_table": rows,
        "median_s": medians,
        "median_cpu_s": cpu_medians,
        "ratio_cpu": cpu_medians["tool"] / cpu_medians["baseline"],
        "ratio_paired_median": median(paired),
        "samples_s": samples,
        "ratio": medians["tool"] / medians["baseline"],
        "ratio_json": medians["tool_json"] / medians["baseline"],
        "target": CHECK_TARGET,
        "commands": {name: " ".join(cmd) for name, cmd in commands.items()},
    }


# --- 2. up on a big project.db -----------------------------------------------------------------

PAD = "replace(hex(zeroblob(75)), '00', 'pf')"
"""150 bytes of text, built by SQLite itself (so the build does no per-row Python)."""


def build_big_project(path: Path, functions: int) -> None:
    """Build a v1.0 project.db with ``functions`` rows in ``functions``, by bulk SQL.

    Parents first (project, files), then functions padded with ~200-250 bytes
    of text, a few related rows elsewhere, all in one transaction. Written to
    a hidden name and renamed, so an interrupted build is never cached.
    """
    files = max(functions // 100, 10)
    side = max(functions // 20, 10)
    temp = path.with_name(f".{path.name}.building")
    temp.unlink(missing_ok=True)
    conn = sqlite3.connect(temp, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -200000")
        schema = (MIGRATIONS / "project" / "v1.0_initial_schema.sql").read_text()
        conn.executescript(
            "BEGIN;\n"
            + schema
            + f"""
            INSERT INTO project (id, name, purpose, goals_json, status)
            VALUES (1, 'bench', 'benchmark project', '["fast"]', 'active');
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {files})
            INSERT INTO files (id, path, language, checksum, project_id)
            SELECT i, printf('src/module_%07d.py', i), 'python', hex(i * 7919), 1 FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {functions})
            INSERT INTO functions (id, name, file_id, purpose, parameters)
            SELECT i, printf('fn_%08d', i), 1 + (i % {files}),
                   printf('Function %d of the benchmark: ', i) || {PAD},
                   printf('{{"args": ["a%d", "b"], "returns": "Result"}}', i % 97)
            FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {side})
            INSERT INTO interactions (source_function_id, target_function_id,
                                      interaction_type, description)
            SELECT 1 + (i * 13 % {functions}), 1 + (i * 31 % {functions}), 'call',
                   printf('call %d', i) FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {side})
            INSERT INTO notes (content, note_type, reference_table, reference_id, source,
                               severity)
            SELECT printf('note %d: ', i) || {PAD}, 'clarification', 'functions',
                   1 + (i % {functions}), 'ai', 'info' FROM n;
            COMMIT;
            """
        )
    finally:
        conn.close()
    temp.rename(path)


def big_project(functions: int) -> Path:
    """Return the cached pristine v1.0 project.db with ``functions`` rows, building it once."""
    path = OUT / f"pristine-project-v{BIG_DB_VERSION}-{functions}fn.db"
    if not path.exists():
        for stale in OUT.glob(f"pristine-project-*-{functions}fn.db"):
            stale.unlink()
        started = time.perf_counter()
        print(f"building {path.name} ({functions} functions) ...", flush=True)
        build_big_project(path, functions)
        print(
            f"  built in {time.perf_counter() - started:.1f} s, "
            f"{path.stat().st_size / 2**20:.0f} MB",
            flush=True,
        )
    return path


PLAN_TARGET = "1.2"
"""The plan's two project steps (git integration, notes enhancement): the figure's job."""
PLAN_STEPS = ("v1.0_to_v1.1_git_integration.sql", "v1.1_to_v1.2_notes_enhancement.sql")


def statements_the_tool_runs(step: str, database: Path) -> str:
    """A plan step's statements minus the ADD COLUMNs of columns the database already has.

    The tool skips those (real v1.0 data already has the notes columns and the
    project columns the step adds for older shapes); the sqlite3 shell has no
    skip logic, so the hand-made baseline leaves them out, as the tool does.
    """
    sys.path.insert(0, str(REPO))
    from aifp_fp.sqltext import split_statements
    from aifp_fp.statement import AddColumn, classify

    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        kept = []
        for statement in split_statements((MIGRATIONS / "project" / step).read_text()).statements:
            kind = classify(statement)
            if isinstance(kind, AddColumn):
                columns = {r[1].lower() for r in conn.execute(f'PRAGMA table_info("{kind.table}")')}
                if kind.column.lower() in columns:
                    continue
            kept.append(statement.text)
    finally:
        conn.close()
    return "\n".join(kept)


def hand_script(database: Path, backup: Path) -> str:
    """The sqlite3-shell script that does the tool's safe job by hand."""
    git_step = statements_the_tool_runs(PLAN_STEPS[0], database)
    notes_step = statements_the_tool_runs(PLAN_STEPS[1], database)
    return "\n".join(
        [
            f".backup '{backup}'",
            "PRAGMA quick_check;",
            "PRAGMA foreign_keys=OFF;",
            "BEGIN IMMEDIATE;",
            git_step,
            notes_step,
            "UPDATE schema_version SET version = '1.2', updated_at = CURRENT_TIMESTAMP"
            " WHERE id = 1;",
            "PRAGMA foreign_key_check;",
            "PRAGMA quick_check;",
            "COMMIT;",
            "",
        ]
    )


def version_of(path: Path) -> str:
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return str(conn.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()[0])
    finally:
        conn.close()


def _clean_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


def run_tool_up(pristine: Path, work: Path, fixed_runs: int = 0) -> dict[str, Any]:
    """Copy the pristine db (untimed), then time ``aifp-migrate up --db project`` on it.

    With ``fixed_runs``, also time that many runs of the same command on the
    now up-to-date database (no check, no backup, no step: the tool's fixed
    cost of process start, imports, planning and output), as ``fixed_s``.
    """
    project = work / "tool-project"
    root = work / "tool-root"
    _clean_folder(project / ".aifp-project")
    _clean_folder(root)
    database = project / ".aifp-project" / "project.db"
    copy_at_rest(pristine, database)
    cmd = [
        str(TOOL),
        *("up", "--db", "project", "--target", PLAN_TARGET, "--json", "--yes"),
        *("--project-dir", str(project), "--aifp-root", str(root)),
    ]
    result = checked(run_child(cmd, measure_rss=True), "aifp-migrate up --db project")
    report = json.loads(result["stdout"])["databases"][0]
    if report["status"] != "migrated" or version_of(database) != PLAN_TARGET:
        sys.exit(f"bench: the tool did not migrate project.db: {report}")
    result["fixed_s"] = [
        checked(run_child(cmd), "aifp-migrate up (up to date)")["wall"] for _ in range(fixed_runs)
    ]
    shutil.rmtree(project)
    shutil.rmtree(root)
    return result


def run_hand_up(pristine: Path, work: Path) -> dict[str, Any]:
    """Copy the pristine db (untimed), then time ``sqlite3 -bail db < script``."""
    folder = work / "hand"
    _clean_folder(folder)
    database = folder / "project.db"
    copy_at_rest(pristine, database)
    script = folder / "migrate.sql"
    script.write_text(hand_script(database, folder / "project.db.backup"))
    result = checked(
        run_child([SQLITE3, "-bail", str(database)], stdin=script, measure_rss=True), "sqlite3"
    )
    if result["stdout"].split() != ["ok", "ok"] or version_of(database) != PLAN_TARGET:
        sys.exit(f"bench: the hand migration did not end at 1.2 with two ok checks: {result}")
    shutil.rmtree(folder)
    return result


def bench_up(pristine: Path, runs: int) -> dict[str, Any]:
    """Time the tool and the hand job on copies of ``pristine``, interleaved."""
    work = OUT / "up-work"
    samples: dict[str, list[dict[str, Any]]] = {"tool": [], "hand": []}
    runners: dict[str, Callable[[Path, Path], dict[str, Any]]] = {
        "tool": lambda pristine, work: run_tool_up(pristine, work, fixed_runs=5),
        "hand": run_hand_up,
    }
    for index in range(runs):
        order = ["tool", "hand"] if index % 2 == 0 else ["hand", "tool"]
        for name in order:
            result = runners[name](pristine, work)
            print(f"  up run {index + 1}/{runs} {name}: {result['wall']:.2f} s", flush=True)
            samples[name].append(result)
    shutil.rmtree(work, ignore_errors=True)
    medians = {name: median([r["wall"] for r in rs]) for name, rs in samples.items()}
    peak = {name: max(r["max_rss_mb"] for r in rs) for name, rs in samples.items()}
    return {
        "runs": runs,
        "database_mb": pristine.stat().st_size / 2**20,
        "median_s": medians,
        "samples_s": {name: [r["wall"] for r in rs] for name, rs in samples.items()},
        "median_cpu_s": {name: median([r["cpu"] for r in rs]) for name, rs in samples.items()},
        "max_rss_mb": peak,
        "fixed_cost_median_s": median([f for r in samples["tool"] for f in r["fixed_s"]]),
        "ratio": medians["tool"] / medians["hand"],
        "ratio_paired_median": median(
            [t["wall"] / h["wall"] for t, h in zip(samples["tool"], samples["hand"], strict=True)]
        ),
        "target": UP_TARGET,
        "rss_target_mb": RSS_TARGET_MB,
        "hand_script": hand_script(pristine, Path("DB.backup")),
    }


# --- 3. where the tool's time goes ---------------------------------------------------------------


PHASES = (
    "back up (under the lock)",
    "steps",
    "foreign_key_check (per step)",
    "quick_check (touched)",
    "wait for whole check, copy",
    "commit",
)
"""The phases on the main thread, in order; they and "other" add up to the total."""
OVERLAPPED = ("quick_check (whole, thread)", "copy, synced (thread)", "name the copy (thread)")
"""The whole-database quick_check, the backup's copy (both begun in the preview) and the naming of
the copy, each in a thread beside the preview and the steps (not part of the sum: the main thread
waits for what is left of them in "wait for whole check, copy").
"""


@contextlib.contextmanager
def timed_phases(times: dict[str, float]) -> Iterator[None]:
    """Wrap the service's phases with perf_counter for the duration of the block."""
    from aifp_shell.commands import backing
    from aifp_shell.commands import migrate as service
    from aifp_shell.files import backup as files_backup
    from aifp_shell.sqlite import executor, transaction, whole_check
    from aifp_shell.sqlite.step_checks import StepChecks

    # The writers' modules are imported by the service when it writes: patch where they live.
    # (A WAL database's quick_check runs on the locked connection beside the backup API's copy,
    # before the steps: counted in "back up (under the lock)"; "wait" and the threads are then
    # zero.)
    targets: dict[str, tuple[Any, str]] = {
        "back up (under the lock)": (service, "back_up"),
        OVERLAPPED[0]: (whole_check, "check_committed"),
        OVERLAPPED[1]: (files_backup, "_copied_in_kernel"),
        OVERLAPPED[2]: (files_backup, "publish_copy"),
        "steps": (executor, "run_plan"),
        "foreign_key_check (per step)": (StepChecks, "finish"),
        "quick_check (touched)": (transaction, "final_checks"),
        "wait for whole check, copy": (backing.CheckingCopy, "settle"),
        "commit": (service, "_commit"),
    }
    originals = {label: getattr(owner, name) for label, (owner, name) in targets.items()}

    def wrap(label: str) -> Callable[..., Any]:
        inner = originals[label]

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                times[label] = times.get(label, 0.0) + time.perf_counter() - started

        return wrapper

    for label, (owner, name) in targets.items():
        setattr(owner, name, wrap(label))
    try:
        yield
    finally:
        for label, (owner, name) in targets.items():
            setattr(owner, name, originals[label])
        # the per-step checks run inside run_plan: count them once
        times["steps"] = times.get("steps", 0.0) - times.get("foreign_key_check (per step)", 0.0)


def bench_phases(pristine: Path, runs: int) -> dict[str, Any]:
    """Time ``service.up`` for the project db in-process, split into its phases."""
    from aifp_shell.commands import migrate as service
    from aifp_shell.commands.runtime import Runtime
    from aifp_shell.files.locate import find_places

    work = OUT / "phase-work"
    per_run: list[dict[str, float]] = []
    for _ in range(runs):
        project = work / "project"
        _clean_folder(project / ".aifp-project")
        _clean_folder(work / "root")
        database = project / ".aifp-project" / "project.db"
        copy_at_rest(pristine, database)
        times: dict[str, float] = {}
        runtime = Runtime(find_places(project, work / "root", None))
        with timed_phases(times):
            started = time.perf_counter()
            report = service.up(runtime, ("project",), PLAN_TARGET, explicit=True)
            times["total"] = time.perf_counter() - started
        if report.problem is not None or version_of(database) != PLAN_TARGET:
            sys.exit(f"bench: in-process up failed: {report}")
        times["other"] = times["total"] - sum(times.get(k, 0.0) for k in PHASES)
        per_run.append(times)
        shutil.rmtree(work)
    names = [*PHASES, *OVERLAPPED, "other", "total"]
    medians = {name: median([t.get(name, 0.0) for t in per_run]) for name in names}
    return {
        "runs": runs,
        "median_s": medians,
        "share_of_total": {
            name: medians[name] / medians["total"] for name in names if name != "total"
        },
        "samples_s": per_run,
    }


# --- reporting ----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cli = subprocess.run([SQLITE3, "--version"], capture_output=True, text=True, check=False)
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite_library": sqlite3.sqlite_version,
        "sqlite_cli": cli.stdout.split()[0] if cli.stdout else None,
    }


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def print_check(check: dict[str, Any], cpus: int | None, mode: str) -> None:
    """Print figure 1 (``check`` against the baseline app), framed by rules."""
    line = "-" * 78
    print(line)
    print(f"aifp-migrate benchmarks ({mode}), {cpus} cores")
    print(line)
    print(f"1. check on four v1.0 databases, median of {check['runs']} runs each (interleaved)")
    print(f"   aifp-migrate check          {check['median_s']['tool'] * 1000:8.0f} ms")
    print(f"   aifp-migrate check --json   {check['median_s']['tool_json'] * 1000:8.0f} ms")
    print(f"   baseline Typer app          {check['median_s']['baseline'] * 1000:8.0f} ms")
    print(
        f"   ratio check / baseline      {check['ratio']:8.2f} x   (target <= {CHECK_TARGET}: "
        f"{verdict(check['ratio'] <= CHECK_TARGET)})"
    )
    print(f"   ratio check --json / base   {check['ratio_json']:8.2f} x")
    print(f"   median of paired ratios     {check['ratio_paired_median']:8.2f} x   (run i / run i)")
    print(
        f"   CPU time ratio              {check['ratio_cpu']:8.2f} x   "
        f"({check['median_cpu_s']['tool'] * 1000:.0f} / "
        f"{check['median_cpu_s']['baseline'] * 1000:.0f} ms user+sys)"
    )
    print(line)


def print_table(results: dict[str, Any]) -> None:
    up = results["up"]
    phases = results["phases"]
    line = "-" * 78
    print_check(results["check"], results["machine"]["cpus"], results["mode"])
    print(
        f"2. up --db project, {up['database_mb']:.0f} MB v1.0 -> 1.2, "
        f"median of {up['runs']} run(s) each"
    )
    print(
        f"   aifp-migrate up             {up['median_s']['tool']:8.2f} s    "
        f"peak RSS {up['max_rss_mb']['tool']:6.1f} MB"
    )
    print(
        f"   sqlite3 shell by hand       {up['median_s']['hand']:8.2f} s    "
        f"peak RSS {up['max_rss_mb']['hand']:6.1f} MB"
    )
    print(
        f"   ratio tool / hand           {up['ratio']:8.2f} x   (target <= {UP_TARGET}: "
        f"{verdict(up['ratio'] <= UP_TARGET)})"
    )
    print(f"   median of paired ratios     {up['ratio_paired_median']:8.2f} x")
    print(
        f"   CPU time (user+sys)         {up['median_cpu_s']['tool']:8.2f} s tool, "
        f"{up['median_cpu_s']['hand']:.2f} s by hand"
    )
    print(
        f"   tool peak RSS               {up['max_rss_mb']['tool']:8.1f} MB  "
        f"(target < {RSS_TARGET_MB}: {verdict(up['max_rss_mb']['tool'] < RSS_TARGET_MB)})"
    )
    print(line)
    print(f"3. where up's time goes (in-process, median of {phases['runs']} run(s))")
    for name, seconds in phases["median_s"].items():
        share = phases["share_of_total"].get(name)
        tail = f"{share * 100:5.1f} %" if share is not None else ""
        print(f"   {name:28} {seconds:8.2f} s  {tail}")
    print(
        f"   {'+ fixed cost per process':28} {up['fixed_cost_median_s']:8.2f} s  "
        "(start, imports, plan, output:"
    )
    print("   " + " " * 28 + "          `up` on the up-to-date db, as a process)")
    print(line)
    print(f"results: {OUT / 'results.json'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="~30 MB database, fewer runs")
    parser.add_argument("--check-runs", type=int, help="runs of each check command")
    parser.add_argument("--up-runs", type=int, help="runs of each up job")
    parser.add_argument(
        "--check-only", action="store_true", help="figure 1 only (no big database, no up)"
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    check_runs = args.check_runs or (15 if args.quick else 25)
    up_runs = args.up_runs or (1 if args.quick else 3)
    functions = 100_000 if args.quick else 1_000_000
    if not TOOL.exists():
        sys.exit(f"bench: {TOOL} not found; run with the venv's python that has the tool")

    print(f"1. check: {check_runs} runs each ...", flush=True)
    check = bench_check(check_runs, rows=200)
    if args.check_only:
        (OUT / "results-check-only.json").write_text(
            json.dumps({"mode": "check-only", "machine": machine(), "check": check}, indent=2)
            + "\n"
        )
        print_check(check, os.cpu_count(), "check-only")
        print(f"results: {OUT / 'results-check-only.json'}")
        return
    pristine = big_project(functions)
    print(f"2. up: {up_runs} run(s) each on {pristine.name} ...", flush=True)
    up = bench_up(pristine, up_runs)
    print(f"3. phases: {up_runs} run(s) in-process ...", flush=True)
    phases = bench_phases(pristine, up_runs)
    results = {
        "mode": "quick" if args.quick else "full",
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": machine(),
        "functions_rows": functions,
        "check": check,
        "up": up,
        "phases": phases,
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    for leftover in (OUT / ".child-stdout", OUT / ".child-stderr", OUT / ".child-rss"):
        leftover.unlink(missing_ok=True)
    print_table(results)


if __name__ == "__main__":
    main()
