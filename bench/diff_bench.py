"""Benchmarks for issue 4: the differ's migrations against the rebuild-everything baselines.

Run with the dev venv's Python: ``.venv/bin/python bench/diff_bench.py [--quick]``.

1. Applying diff(project v1.0, v1.1) to a ~330 MB project.db (bench/run.py's
   cached database) against a script that rebuilds every table from the
   target schema and copies the rows back (what AIFP does today). Both run the
   same way: one connection, foreign keys off, one transaction, COMMIT; the
   time of the statements, their foreign-key guard (the diff's scoped to the tables its
   operations can break) and the COMMIT is measured. Target: ratio <= 0.02.
2. Rebuilding a 1M-row table to add a CHECK constraint: the diff's wrapped
   script vs a hand-written 12-step script, both run by ``sqlite3 -bail``.
   Target: ratio <= 1.2.
3. ``diff`` of two 30-table schemas, in process: median time (target < 50 ms),
   shown next to the median time of ``read_schema`` of the same schema.

Every ratio is against a baseline measured in the same run. Results go to
``bench/out/diff_results.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
MIGRATIONS = REPO / "migrations"
SQLITE3 = shutil.which("sqlite3")
sys.path.insert(0, str(BENCH))

from run import big_project, copy_at_rest  # noqa: E402  (bench/run.py builds and caches the big database)

from aifp_fp.diff import diff  # noqa: E402
from aifp_fp.render import (  # noqa: E402
    FOREIGN_KEY_GUARD,
    foreign_key_guard,
    quote,
    render_script,
)
from aifp_fp.schema import Schema  # noqa: E402
from aifp_fp.sqltext import split_statements  # noqa: E402
from aifp_shell.sqlite.introspect import apply_script, read_schema, schema_of_script  # noqa: E402

APPLY_TARGET = 0.02  # issue 13 (with both sides' foreign-key guards)
CHECK_TARGET = 1.2
DIFF_TARGET_MS = 50.0


def median(values: list[float]) -> float:
    """Return the median of the measurements."""
    return statistics.median(values)


def copy_db(source: Path, target: Path) -> Path:
    """Copy a database file, flushed to disk (no WAL: the cached databases are closed, journal
    mode DELETE)."""
    target.unlink(missing_ok=True)
    return copy_at_rest(source, target)


def run_statements(path: Path, statements: list[str]) -> float:
    """Return seconds to run ``statements`` in one transaction (foreign keys off) and COMMIT."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for statement in statements:
            conn.execute(statement)
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        conn.close()


# --- 1. diff v1.0 -> v1.1 on a big project.db vs rebuilding every table ------------------------


def project_script(*names: str) -> str:
    """Return the project's initial schema followed by the named steps, as one script."""
    parts = [(MIGRATIONS / "project" / "v1.0_initial_schema.sql").read_text()]
    parts += [(MIGRATIONS / "project" / name).read_text() for name in names]
    return "\n".join(parts)


def project_schema_at(version: str) -> Schema:
    """Return the structure the shipped set gives project.db at ``version`` (replayed by the
    executor, which skips a step's ADD COLUMN of a column real v1.0 data already has)."""
    from aifp_fp.version import parse_version
    from aifp_shell.files.locate import shipped_migrations_dir
    from aifp_shell.files.sources import load_migration_set
    from aifp_shell.schema.expected import schema_at

    migration_set = load_migration_set("project", shipped_migrations_dir()).unwrap()
    return schema_at(migration_set, parse_version(version).unwrap()).unwrap()


def live_schema(path: Path) -> Schema:
    """Return the schema of a database file."""
    conn = sqlite3.connect(path)
    try:
        return read_schema(conn)
    finally:
        conn.close()


def rebuild_everything(source: Schema, target: Schema) -> list[str]:
    """Return the baseline: every table recreated from the target schema and its rows copied.

    Views and triggers go first (they name the tables), then for every table:
    create ``new_X``, copy the shared columns, drop ``X``, rename; new tables
    are created; then every index, view and trigger of the target.
    """
    statements = [f"DROP VIEW {quote(v.name)}" for v in source.views]
    statements += [f"DROP TRIGGER {quote(t.name)}" for t in source.triggers]
    old = {t.name.lower(): t for t in source.tables}
    for table in target.tables:
        before = old.get(table.name.lower())
        if before is None:
            statements.append(table.sql)
            continue
        temporary = f"new_{table.name}"
        create = schema_create_renamed(table.sql, table.name, temporary)
        shared = [c.name for c in table.columns if before.column(c.name) is not None]
        names = ", ".join(quote(c) for c in shared)
        statements += [
            create,
            f"INSERT INTO {quote(temporary)} ({names}) SELECT {names} FROM {quote(table.name)}",
            f"DROP TABLE {quote(table.name)}",
            f"ALTER TABLE {quote(temporary)} RENAME TO {quote(table.name)}",
        ]
    statements += [i.sql for i in target.indexes]
    statements += [v.sql for v in target.views]
    statements += [t.sql for t in target.triggers]
    return statements


def schema_create_renamed(sql: str, name: str, new_name: str) -> str:
    """Return a CREATE TABLE with its table renamed (the differ's own helper)."""
    from aifp_fp.render import renamed_create

    renamed = renamed_create(sql, new_name)
    assert renamed is not None, name
    return renamed


def bench_apply(pristine: Path, runs: int) -> dict[str, Any]:
    """Time the diff's migration and the rebuild-everything baseline on copies of ``pristine``."""
    source = live_schema(pristine)
    target = project_schema_at("1.1")
    migration = diff(source, target).unwrap()
    # Both end with their foreign-key guard, as the self-contained script does: the diff's
    # checks only the tables its operations can break, the baseline's (every table rebuilt) all.
    ours = [s.text for s in split_statements(render_script(migration, wrapped=False)).statements]
    ours += list(foreign_key_guard(migration.checked_tables))
    baseline = rebuild_everything(source, target) + list(FOREIGN_KEY_GUARD)
    work = OUT / "diff-bench-work.db"
    ours_times: list[float] = []
    base_times: list[float] = []
    for _ in range(runs):
        copy_db(pristine, work)
        ours_times.append(run_statements(work, ours))
        assert live_schema(work) == target, "the diff did not land on v1.1"
        copy_db(pristine, work)
        base_times.append(run_statements(work, baseline))
        assert live_schema(work) == target, "the baseline did not land on v1.1"
    work.unlink(missing_ok=True)
    ratio = median(ours_times) / median(base_times)
    return {
        "database_mb": round(pristine.stat().st_size / 2**20),
        "operations": [type(op).__name__ for op in migration.operations],
        "foreign_key_checked_tables": list(migration.checked_tables or ()),
        "diff_s": median(ours_times),
        "rebuild_everything_s": median(base_times),
        "ratio": ratio,
        "target": APPLY_TARGET,
        "runs": runs,
    }


# --- 2. 1M-row rebuild to add a CHECK: diff vs hand-written 12 steps, both in sqlite3 ----------

WIDE_BEFORE = """CREATE TABLE readings(
    id INTEGER PRIMARY KEY,
    sensor TEXT NOT NULL,
    value REAL NOT NULL,
    taken_at TEXT NOT NULL
);
CREATE INDEX idx_readings_sensor ON readings(sensor, taken_at);
"""
WIDE_AFTER = WIDE_BEFORE.replace(
    "taken_at TEXT NOT NULL\n", "taken_at TEXT NOT NULL,\n    CHECK (value >= 0)\n"
)
HAND_12_STEPS = """PRAGMA foreign_keys=OFF;
BEGIN IMMEDIATE;
CREATE TABLE new_readings(
    id INTEGER PRIMARY KEY,
    sensor TEXT NOT NULL,
    value REAL NOT NULL,
    taken_at TEXT NOT NULL,
    CHECK (value >= 0)
);
INSERT INTO new_readings (id, sensor, value, taken_at)
    SELECT id, sensor, value, taken_at FROM readings;
DROP TABLE readings;
ALTER TABLE new_readings RENAME TO readings;
CREATE INDEX idx_readings_sensor ON readings(sensor, taken_at);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys=ON;
"""


def build_readings(path: Path, rows: int) -> Path:
    """Return a cached database with ``rows`` rows in ``readings`` (built once, by SQL)."""
    if path.exists():
        return path
    temp = path.with_name(f".{path.name}.building")
    temp.unlink(missing_ok=True)
    conn = sqlite3.connect(temp, isolation_level=None)
    try:
        apply_script(conn, WIDE_BEFORE)
        conn.execute("BEGIN")
        conn.execute(
            f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) "
            "INSERT INTO readings (id, sensor, value, taken_at) "
            "SELECT i, printf('sensor-%03d', i % 500), (i % 1000) / 10.0, "
            "printf('2024-01-%02d %06d', 1 + i % 28, i) FROM n"
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    temp.rename(path)
    return path


def sqlite3_seconds(path: Path, script: str) -> float:
    """Return seconds for ``sqlite3 -bail DB < script`` (or the sqlite3 module, without the CLI)."""
    started = time.perf_counter()
    if SQLITE3 is not None:
        done = subprocess.run(
            [SQLITE3, "-bail", str(path)], input=script, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
    else:  # pragma: no cover - the CLI is on the bench machine
        conn = sqlite3.connect(path, isolation_level=None)
        for statement in split_statements(script).statements:
            conn.execute(statement.text)
        conn.close()
    return time.perf_counter() - started


def bench_check(rows: int, runs: int) -> dict[str, Any]:
    """Time the diff's rebuild against the hand-written 12 steps, alternating, on copies."""
    pristine = build_readings(OUT / f"pristine-readings-{rows}.db", rows)
    migration = diff(schema_of_script(WIDE_BEFORE), schema_of_script(WIDE_AFTER)).unwrap()
    ours_script = render_script(migration, wrapped=True)
    work = OUT / "diff-bench-readings.db"
    ours: list[float] = []
    hand: list[float] = []
    for _ in range(runs):
        copy_db(pristine, work)
        ours.append(sqlite3_seconds(work, ours_script))
        assert live_schema(work) == schema_of_script(WIDE_AFTER)
        copy_db(pristine, work)
        hand.append(sqlite3_seconds(work, HAND_12_STEPS))
        assert live_schema(work) == schema_of_script(WIDE_AFTER)
    work.unlink(missing_ok=True)
    return {
        "rows": rows,
        "operations": [type(op).__name__ for op in migration.operations],
        "foreign_key_checked_tables": list(migration.checked_tables or ()),
        "diff_s": median(ours),
        "hand_12_steps_s": median(hand),
        "ratio": median(ours) / median(hand),
        "target": CHECK_TARGET,
        "runs": runs,
        "runner": SQLITE3 or "python sqlite3 module",
    }


# --- 3. diff of two 30-table schemas, in process ----------------------------------------------


def thirty_tables(edited: bool) -> str:
    """Return a 30-table schema (FKs, indexes, a view, a trigger); ``edited`` changes a third."""
    parts = []
    for i in range(30):
        parent = f" REFERENCES t{i - 1}(id) ON DELETE CASCADE" if i else ""
        columns = [
            "id INTEGER PRIMARY KEY",
            f"parent_id INTEGER{parent}",
            "name TEXT NOT NULL",
            "status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'done'))",
            "score REAL DEFAULT 0",
            "created_at TEXT DEFAULT CURRENT_TIMESTAMP",
            "notes TEXT",
            "flags INTEGER NOT NULL DEFAULT 0",
        ]
        checks = []
        if edited and i % 3 == 0:
            columns.append("extra TEXT DEFAULT 'x'")  # ADD COLUMN
        if edited and i % 3 == 1:
            checks.append("CHECK (score >= 0)")  # rebuild
        body = ",\n    ".join(columns + checks)
        parts.append(f"CREATE TABLE t{i}(\n    {body}\n);")
        parts.append(f"CREATE INDEX idx_t{i}_name ON t{i}(name);")
        if edited and i % 3 == 2:
            parts.append(f"CREATE INDEX idx_t{i}_status ON t{i}(status, score);")
    parts.append("CREATE VIEW open_t0 AS SELECT id, name FROM t0 WHERE status = 'new';")
    parts.append(
        "CREATE TRIGGER t1_touch AFTER UPDATE ON t1 BEGIN "
        "UPDATE t0 SET flags = flags + 1 WHERE id = new.parent_id; END;"
    )
    return "\n".join(parts)


def bench_diff(runs: int) -> dict[str, Any]:
    """Time ``diff`` of two 30-table schemas, and ``read_schema`` of one as a baseline."""
    a = schema_of_script(thirty_tables(False))
    b = schema_of_script(thirty_tables(True))
    conn = sqlite3.connect(":memory:", isolation_level=None)
    apply_script(conn, thirty_tables(False))
    diff_times: list[float] = []
    read_times: list[float] = []
    operations = 0
    for _ in range(runs):
        started = time.perf_counter()
        migration = diff(a, b).unwrap()
        diff_times.append(time.perf_counter() - started)
        operations = len(migration.operations)
        started = time.perf_counter()
        read_schema(conn)
        read_times.append(time.perf_counter() - started)
    conn.close()
    return {
        "tables": 30,
        "operations": operations,
        "diff_ms": median(diff_times) * 1000,
        "read_schema_ms": median(read_times) * 1000,
        "ratio_to_read_schema": median(diff_times) / median(read_times),
        "target_ms": DIFF_TARGET_MS,
        "runs": runs,
    }


def verdict(ok: bool) -> str:
    """Return a word for whether a target was met."""
    return "met" if ok else "MISSED"


def main() -> None:
    """Run the three benchmarks, print their ratios and write bench/out/diff_results.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="~30 MB / 100k rows, fewer runs")
    parser.add_argument("--runs", type=int, help="runs of each job (default 3, quick 1)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    functions = 100_000 if args.quick else 1_000_000
    rows = 100_000 if args.quick else 1_000_000
    runs = args.runs or (1 if args.quick else 3)
    pristine = big_project(functions)
    print(f"1. diff v1.0 -> v1.1 on {pristine.name}: {runs} run(s) each ...", flush=True)
    applied = bench_apply(pristine, runs)
    print(f"2. 1 table of {rows} rows, add a CHECK: {runs} run(s) each ...", flush=True)
    checked = bench_check(rows, runs)
    print("3. diff of two 30-table schemas: 200 runs ...", flush=True)
    differ = bench_diff(200)
    results = {
        "mode": "quick" if args.quick else "full",
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "apply_v1_0_to_v1_1": applied,
        "rebuild_for_check": checked,
        "diff_30_tables": differ,
    }
    (OUT / "diff_results.json").write_text(json.dumps(results, indent=2) + "\n")
    print()
    print(
        f"1. apply diff v1.0->v1.1 ({applied['database_mb']} MB): "
        f"{applied['diff_s']:.3f} s vs rebuild everything {applied['rebuild_everything_s']:.2f} s"
        f" = {applied['ratio']:.4f}x (target <= {APPLY_TARGET}x: "
        f"{verdict(applied['ratio'] <= APPLY_TARGET)})"
    )
    print(
        f"2. add a CHECK to {rows} rows: diff {checked['diff_s']:.2f} s vs hand-written 12 steps "
        f"{checked['hand_12_steps_s']:.2f} s = {checked['ratio']:.3f}x (target <= "
        f"{CHECK_TARGET}x: {verdict(checked['ratio'] <= CHECK_TARGET)})"
    )
    print(
        f"3. diff of two 30-table schemas: {differ['diff_ms']:.2f} ms median "
        f"({differ['operations']} operations; read_schema of one: "
        f"{differ['read_schema_ms']:.2f} ms, ratio {differ['ratio_to_read_schema']:.2f}x) "
        f"(target < {DIFF_TARGET_MS} ms: {verdict(differ['diff_ms'] < DIFF_TARGET_MS)})"
    )


if __name__ == "__main__":
    main()
