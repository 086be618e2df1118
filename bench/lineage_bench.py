"""Benchmarks for issue 11 (AIFP's real lineage), as ratios against baselines in the same run.

    .venv/bin/python bench/lineage_bench.py            # ~300 MB project.db (1M functions)
    .venv/bin/python bench/lineage_bench.py --quick    # ~30 MB (100k functions)

Figures (see bench/README.md):

1. ``up --db project`` of a big 1.0 project.db to the latest version, full-text
   indexes included, over AIMFP's own way on the same file: a plain file copy as
   backup, a new database from the latest schema (its FTS triggers fill the
   indexes row by row), ATTACH, ``INSERT OR IGNORE`` of the shared columns of
   every table, the new file renamed over the old. Target: ratio <= 0.5, with
   the tool losing no row; how many rows AIMFP's way loses is reported. The
   tool's peak RSS must stay under 128 MB.
   (info) The floor: the FTS5 builds of the 1.7 -> 1.8 step on their own (the
   step's statements from its CREATE VIRTUAL TABLE to its first CREATE TRIGGER,
   in one transaction on a fresh copy of the same 1.0 file), timed in the same
   loop, over AIMFP's way: how much of the 0.5x budget they take by themselves.
2. A warm ``check`` of an installation whose project.db is at an earlier
   published shape (1.6, first shape) over a warm ``check`` of one at the
   latest. Target: ratio <= 1.1.

Medians of interleaved runs; prints a table and writes bench/out/lineage.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from run import (  # noqa: E402
    MIGRATIONS,
    TOOL,
    big_project,
    checked,
    copy_at_rest,
    median,
    run_child,
)

from tests.facts_sql import schema_script  # noqa: E402

UP_TARGET = 0.5
RSS_TARGET_MB = 128
CHECK_TARGET = 1.1
HISTORY = REPO / "tests" / "facts" / "history"
OLD_NOTES = 20_000
"""Notes written with values AIFP 1.0 allowed and 1.9's CHECK lists no longer name."""
FTS_STEP = MIGRATIONS / "project" / "v1.7_to_v1.8_full_text_search.sql"


def _latest_shape(db: str) -> tuple[str, str]:
    """Return (version, schema script) of the latest published shape of ``db``."""
    rows = [
        line.split("\t")
        for line in (HISTORY / "MANIFEST.tsv").read_text().splitlines()[1:]
        if line.startswith(db + "\t")
    ]
    _, file, _, version, *_ = rows[-1]
    return version, schema_script(json.loads((HISTORY / db / file).read_text()))


def _add_old_notes(path: Path) -> None:
    """Add notes whose values predate 1.9's lists (AIFP 1.0 had no CHECK on notes)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(
            f"""WITH RECURSIVE n(i) AS
            (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {OLD_NOTES})
            INSERT INTO notes (content, note_type, reference_table, reference_id, source, severity)
            SELECT printf('old note %d', i),
                   CASE i % 3 WHEN 0 THEN 'Clarification' WHEN 1 THEN 'decision' ELSE 'info' END,
                   'functions', 1 + i, CASE i % 2 WHEN 0 THEN 'AI' ELSE 'user' END,
                   CASE i % 2 WHEN 0 THEN 'Info' ELSE 'warning' END
            FROM n"""
        )
    finally:
        conn.close()


def _counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND sql NOT LIKE 'CREATE VIRTUAL%'"
                " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%'"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def aimfp_way(database: Path) -> None:
    """AIMFP's upgrade: file copy, new database from the latest schema, INSERT OR IGNORE."""
    version, script = _latest_shape("project")
    shutil.copy2(database, database.with_name(database.name + ".bak"))
    new = database.with_name("project.new.db")
    conn = sqlite3.connect(new, isolation_level=None)
    try:
        conn.executescript(script)
        conn.execute("ATTACH DATABASE ? AS old", (str(database),))
        conn.execute("BEGIN")
        new_tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM main.sqlite_master WHERE type = 'table'"
                " AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE '%_fts_%'"
                " AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in new_tables:
            old_cols = {r[1] for r in conn.execute(f'PRAGMA old.table_info("{table}")')}
            cols = [r[1] for r in conn.execute(f'PRAGMA main.table_info("{table}")')]
            shared = ", ".join(f'"{c}"' for c in cols if c in old_cols)
            if shared and table != "schema_version":
                conn.execute(
                    f'INSERT OR IGNORE INTO main."{table}" ({shared})'
                    f' SELECT {shared} FROM old."{table}"'
                )
        conn.execute(
            "INSERT OR REPLACE INTO schema_version (id, version) VALUES (1, ?)", (version,)
        )
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE old")
    finally:
        conn.close()
    os.replace(new, database)


def fts_build_statements() -> list[str]:
    """The 1.7 -> 1.8 step's FTS5 builds, as the migration file has them.

    Its lines from the first ``CREATE VIRTUAL TABLE`` up to (not including) the
    first ``CREATE TRIGGER``: the three indexes' CREATE VIRTUAL TABLE, automerge 0 /
    crisismerge 2000, 'rebuild', 'optimize', automerge 4 / crisismerge 16.
    """
    from aifp_fp.sqltext import split_statements

    lines = FTS_STEP.read_text().splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith("CREATE VIRTUAL TABLE"))
    last = next(i for i, line in enumerate(lines) if line.startswith("CREATE TRIGGER"))
    split = split_statements("".join(lines[first:last]))
    if split.unterminated is not None:
        sys.exit(f"{FTS_STEP.name}: unterminated statement at line {split.unterminated.line}")
    return [statement.text for statement in split.statements]


def fts_build_alone(pristine: Path) -> float:
    """Seconds from BEGIN to COMMIT (included) of the FTS5 builds on a copy of ``pristine``."""
    statements = fts_build_statements()
    scratch = copy_at_rest(pristine, OUT / "lineage-fts-floor.db")
    try:
        conn = sqlite3.connect(scratch, isolation_level=None)
        try:
            started = time.perf_counter()
            conn.execute("BEGIN")
            for statement in statements:
                conn.execute(statement)
            conn.execute("COMMIT")
            elapsed = time.perf_counter() - started
        finally:
            conn.close()
    finally:
        for leftover in (scratch, scratch.with_name(scratch.name + "-journal")):
            leftover.unlink(missing_ok=True)
    return elapsed


def _installation(work: Path, project_db: Path) -> tuple[Path, Path]:
    root, project = work / "root", work / "project"
    (project / ".aifp-project").mkdir(parents=True)
    root.mkdir()
    copy_at_rest(project_db, project / ".aifp-project" / "project.db")
    return root, project


def bench_up(pristine: Path, runs: int) -> dict[str, Any]:
    """Time the tool's up against AIMFP's way, interleaved, on fresh copies of ``pristine``.

    The FTS5 builds alone (``fts_build_alone``) are timed in the same loop.
    """
    ours: list[float] = []
    theirs: list[float] = []
    floor: list[float] = []
    rss: list[float] = []
    lost_theirs = lost_ours = 0
    before = _counts(pristine)
    for run in range(runs):
        sides = ("ours", "theirs", "floor")
        for side in sides if run % 2 == 0 else sides[::-1]:
            if side == "floor":
                floor.append(fts_build_alone(pristine))
                continue
            work = OUT / f"lineage-{side}"
            shutil.rmtree(work, ignore_errors=True)
            root, project = _installation(work, pristine)
            db = project / ".aifp-project" / "project.db"
            if side == "ours":
                command = [str(TOOL), "up", "--db", "project", "--json", "--yes"]
                command += ["--project-dir", str(project), "--aifp-root", str(root)]
                result = checked(run_child(command, measure_rss=True), "aifp-migrate up")
                ours.append(result["wall"])
                rss.append(result["max_rss_mb"])
                after = _counts(db)
                lost_ours = sum(max(before[t] - after.get(t, 0), 0) for t in before if t in after)
            else:
                started = time.perf_counter()
                aimfp_way(db)
                theirs.append(time.perf_counter() - started)
                after = _counts(db)
                lost_theirs = sum(max(before[t] - after.get(t, 0), 0) for t in before if t in after)
            shutil.rmtree(work, ignore_errors=True)
    return {
        "ours_s": ours,
        "aimfp_s": theirs,
        "ratio": median(ours) / median(theirs),
        "fts_build_alone_s": floor,
        "fts_floor_ratio": median(floor) / median(theirs),
        "max_rss_mb": max(rss),
        "rows_lost_by_tool": lost_ours,
        "rows_lost_by_aimfp_way": lost_theirs,
        "rows": sum(before.values()),
    }


def _check_installation(work: Path, project_shape: str | None) -> tuple[Path, Path]:
    """An installation at the latest shapes, with project.db at ``project_shape`` if given."""
    root, project = work / "root", work / "project"
    (project / ".aifp-project").mkdir(parents=True)
    root.mkdir()
    manifest = [
        line.split("\t") for line in (HISTORY / "MANIFEST.tsv").read_text().splitlines()[1:]
    ]
    for db in ("aifp_core", "project", "user_preferences", "user_directives"):
        rows = [r for r in manifest if r[0] == db]
        row = rows[-1]
        if db == "project" and project_shape is not None:
            row = next(r for r in rows if r[1] == project_shape)
        path = (
            root / "aifp_core.db" if db == "aifp_core" else project / ".aifp-project" / f"{db}.db"
        )
        conn = sqlite3.connect(path)
        conn.executescript(schema_script(json.loads((HISTORY / db / row[1]).read_text()), row[3]))
        conn.close()
    return root, project


def bench_check(runs: int) -> dict[str, Any]:
    """Warm check at an earlier published shape vs at the latest, interleaved."""
    cache = OUT / "lineage-cache"
    shutil.rmtree(cache, ignore_errors=True)
    os.environ["AIFP_MIGRATE_CACHE_DIR"] = str(cache)
    places = {
        "earlier": _check_installation(OUT / "check-earlier", "11_2026-02-08_3aceaf5_v1.6.json"),
        "latest": _check_installation(OUT / "check-latest", None),
    }
    times: dict[str, list[float]] = {"earlier": [], "latest": []}
    for run in range(runs + 2):
        for side in ("earlier", "latest") if run % 2 == 0 else ("latest", "earlier"):
            root, project = places[side]
            result = run_child(
                [str(TOOL), "check", "--project-dir", str(project), "--aifp-root", str(root)]
            )
            if result["code"] != 0:
                sys.exit(
                    f"check ({side}) exited {result['code']}: {result['stdout']}{result['stderr']}"
                )
            if run >= 2:  # two warm-up rounds fill the drift cache
                times[side].append(result["wall"])
    for folder in ("check-earlier", "check-latest", "lineage-cache"):
        shutil.rmtree(OUT / folder, ignore_errors=True)
    return {
        "earlier_s": times["earlier"],
        "latest_s": times["latest"],
        "ratio": median(times["earlier"]) / median(times["latest"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--up-runs", type=int, default=None)
    parser.add_argument("--check-runs", type=int, default=15)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    functions = 100_000 if args.quick else 1_000_000
    runs = args.up_runs or (1 if args.quick else 3)
    pristine = OUT / f"lineage-v1.0-{functions}fn.db"
    if not pristine.exists():
        shutil.copy2(big_project(functions), pristine)
        _add_old_notes(pristine)
    results = {"check": bench_check(args.check_runs), "up": bench_up(pristine, runs)}
    (OUT / "lineage.json").write_text(json.dumps(results, indent=2))
    up, check = results["up"], results["check"]
    size = pristine.stat().st_size / 2**20
    print(f"up --db project 1.0 -> latest on {size:.0f} MB ({up['rows']} rows), {runs} runs each")
    print(f"  tool {median(up['ours_s']):.2f} s, AIMFP's way {median(up['aimfp_s']):.2f} s")
    print(f"  ratio tool / AIMFP's way  {up['ratio']:.2f}x  (target <= {UP_TARGET})")
    print(
        f"  (info) FTS5 builds alone / AIMFP's way  {up['fts_floor_ratio']:.2f}x"
        f"  ({median(up['fts_build_alone_s']):.2f} s)"
    )
    print(
        f"  rows lost: tool {up['rows_lost_by_tool']}, AIMFP's way {up['rows_lost_by_aimfp_way']}"
    )
    print(f"  tool peak RSS {up['max_rss_mb']:.0f} MB  (target < {RSS_TARGET_MB})")
    print(f"warm check, project.db at 1.6 (first shape) vs at the latest, {args.check_runs} runs")
    earlier, latest = median(check["earlier_s"]) * 1000, median(check["latest_s"]) * 1000
    print(
        f"  {earlier:.0f} ms vs {latest:.0f} ms:"
        f" ratio {check['ratio']:.2f}x  (target <= {CHECK_TARGET})"
    )


if __name__ == "__main__":
    main()
