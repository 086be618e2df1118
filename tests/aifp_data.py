"""Realistic AIFP installations for tests and the demo: v1.0 databases filled with rows.

The filler reads each table's structure (PRAGMAs and CHECK ... IN lists), so it
fills any schema the migration set defines, in foreign-key order, with rows
that satisfy NOT NULL, UNIQUE, CHECK ... IN and foreign keys.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

REPO = Path(__file__).resolve().parents[1]
MIGRATIONS = REPO / "migrations"
DATABASES = ("aifp_core", "project", "user_preferences", "user_directives")
PROJECT_DATABASES = DATABASES[1:]


def _shipped_plans() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Read the shipped migration set as the tool does.

    Returns each database's latest version and the file names ``up`` runs from
    v1.0 to it: derived, so new versions in migrations/ need no edit here.
    """
    from aifp_fp.plan import plan_up
    from aifp_fp.version import Version
    from aifp_shell.files.sources import load_migration_set

    latest: dict[str, str] = {}
    steps: dict[str, list[str]] = {}
    for name in DATABASES:
        migration_set = load_migration_set(name, MIGRATIONS).unwrap()
        latest[name] = str(migration_set.latest())
        plan = plan_up(migration_set, Version((1, 0))).unwrap()
        steps[name] = [step.source.name for step in plan.steps]
    return latest, steps


LATEST, STEPS_TO_LATEST = _shipped_plans()
"""Per database: the shipped set's latest version, and the files ``up`` runs from v1.0 to it."""

_IN_LIST = re.compile(r"(\w+)\s+IN\s*\(([^()]*)\)", re.IGNORECASE)


@attrs.frozen
class Installation:
    """An AIFP root (holding aifp_core.db) and a project folder (holding .aifp-project/)."""

    root: Path
    project: Path

    def path(self, name: str) -> Path:
        """Return the file of database ``name``."""
        if name == "aifp_core":
            return self.root / "aifp_core.db"
        return self.project / ".aifp-project" / f"{name}.db"

    def env(self) -> dict[str, str]:
        """Return the environment that points the tool at this installation."""
        return {"AIFP_ROOT": str(self.root)}


def run_script(conn: sqlite3.Connection, text: str) -> None:
    """Run a schema script statement by statement in one transaction."""
    conn.execute("BEGIN")
    buffer = ""
    for line in text.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            conn.execute(buffer)
            buffer = ""
    conn.execute("COMMIT")


def create_database(path: Path, name: str, rows: int = 5, seed: int = 0) -> None:
    """Create database ``name`` at v1.0 from the shipped initial schema and fill it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        run_script(conn, (MIGRATIONS / name / "v1.0_initial_schema.sql").read_text())
        fill(conn, rows, seed)
    finally:
        conn.close()


def build_installation(base: Path, rows: int = 5, seed: int = 0) -> Installation:
    """Return a v1.0 AIFP installation under ``base`` with ``rows`` rows in every table."""
    installation = Installation(base / "aifp-root", base / "my-project")
    for offset, name in enumerate(DATABASES):
        create_database(installation.path(name), name, rows, seed + offset)
    return installation


def _tables_in_fk_order(conn: sqlite3.Connection) -> list[str]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT IN ('schema_version', 'schema_history') ORDER BY name"
        )
    ]
    parents = {
        table: {
            row[2] for row in conn.execute(f'PRAGMA foreign_key_list("{table}")') if row[2] != table
        }
        for table in tables
    }
    ordered: list[str] = []
    while len(ordered) < len(tables):
        for table in tables:
            if table not in ordered and parents[table] <= set(ordered) | {table}:
                ordered.append(table)
    return ordered


def _value(
    table: str,
    column: dict[str, Any],
    index: int,
    choices: dict[str, list[str]],
    rng: random.Random,
) -> Any:
    name = column["name"]
    kind = (column["type"] or "").upper()
    if name.lower() in choices:
        options = [c for c in choices[name.lower()] if c.upper() != "NULL"]
        return options[index % len(options)].strip("'")
    if "INT" in kind:
        return index + 1
    if "REAL" in kind or "FLOA" in kind or "DOUB" in kind:
        return round(rng.random(), 3)
    if "BOOL" in kind:
        return index % 2
    if "DATE" in kind or "TIME" in kind:
        return f"2025-0{1 + index % 9}-1{index % 10} 12:00:0{index % 10}"
    if "JSON" in kind:
        return f'{{"n": {index}, "s": "{rng.choice(["a", "é", "✓", "x y"])}"}}'
    word = rng.choice(["alpha", "béta", "γάμμα", "delta'quote", "semi;colon", "tab\there"])
    return f"{table}.{name} #{index} {word}"


_SIGNATURE_TABLES = {
    "directives": "aifp_core",
    "project": "project",
    "user_settings": "user_preferences",
    "user_directives": "user_directives",
}
_ACCEPTED: dict[str, dict[tuple[str, str], tuple[str, ...]]] = {}


def accepted_values(database: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """Return, per (table, column), the CHECK ... IN values every shipped version accepts.

    Rows filled with them are data every later version can hold, so a test's
    ``up`` carries them through every step (as real data AIFP wrote would be).
    """
    if database not in _ACCEPTED:
        from aifp_shell.commands.verify.sample_rows import allowed_values
        from aifp_shell.files.sources import load_migration_set
        from aifp_shell.schema.expected import schema_at

        migration_set = load_migration_set(database, MIGRATIONS).unwrap()
        schemas = [schema_at(migration_set, v).unwrap() for v in migration_set.versions()]
        _ACCEPTED[database] = allowed_values(
            (table.name, table.sql) for schema in schemas for table in schema.tables
        )
    return _ACCEPTED[database]


def _database_of(conn: sqlite3.Connection) -> str | None:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return next((db for table, db in _SIGNATURE_TABLES.items() if table in tables), None)


_DERIVED = {
    # aifp_core derives helper_functions.target_database from the helper's folder (1.6)
    ("helper_functions", "file_path"): lambda i: f"src/aifp/helpers/core/helper_{i}.py",
    # aifp_core 1.7 turns directives.intent_keywords_json into rows: a JSON array of words
    ("directives", "intent_keywords_json"): lambda i: f'["keyword {i}", "béta"]',
}
"""Columns whose later values are derived from these: AIFP's real formats, not free text."""


def fill(conn: sqlite3.Connection, rows: int, seed: int = 0) -> None:
    """Insert ``rows`` rows into every user table, parents first, satisfying constraints.

    CHECK ... IN columns take values every shipped version accepts, and columns
    a later step derives data from hold AIFP's real formats, so the rows survive
    ``up`` to the latest; a row a trigger refuses is left out.
    """
    rng = random.Random(seed)
    database = _database_of(conn)
    accepted = accepted_values(database) if database is not None else {}
    conn.execute("BEGIN")
    for table in _tables_in_fk_order(conn):
        sql = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()[0]
        choices = {
            m.group(1).lower(): [part.strip() for part in m.group(2).split(",")]
            for m in _IN_LIST.finditer(sql)
        }
        for (owner, column), values in accepted.items():
            if owner == table.lower():
                choices[column] = [f"'{value}'" for value in values]
        columns = [
            dict(zip(("cid", "name", "type", "notnull", "default", "pk"), row, strict=True))
            for row in conn.execute(f'PRAGMA table_info("{table}")')
        ]
        foreign = {
            row[3]: (row[2], row[4]) for row in conn.execute(f'PRAGMA foreign_key_list("{table}")')
        }
        single_row = re.search(r"CHECK\s*\(\s*id\s*=\s*1\s*\)", sql, re.IGNORECASE) is not None
        count = 1 if single_row else rows
        for index in range(count):
            values = []
            names = []
            for column in columns:
                name = column["name"]
                if (
                    column["pk"] == 1
                    and "INT" in (column["type"] or "").upper()
                    and sum(1 for c in columns if c["pk"]) == 1
                ):
                    continue
                if name in foreign:
                    _parent, parent_column = foreign[name]
                    if parent_column not in (None, "id"):
                        values.append(None)
                    else:
                        values.append(1 + (index % max(rows, 1)))
                elif (table.lower(), name.lower()) in _DERIVED:
                    values.append(_DERIVED[(table.lower(), name.lower())](index))
                else:
                    values.append(_value(table, column, index, choices, rng))
                names.append(name)
            marks = ", ".join("?" for _ in names)
            quoted = ", ".join(f'"{n}"' for n in names)
            insert = f'INSERT OR IGNORE INTO "{table}" ({quoted}) VALUES ({marks})'
            try:
                conn.execute(insert, values)
            except sqlite3.IntegrityError:  # a trigger's RAISE(ABORT): try with no optional value
                nullable = {c["name"] for c in columns if not c["notnull"] and not c["pk"]}
                bare = [None if n in nullable else v for n, v in zip(names, values, strict=True)]
                with contextlib.suppress(sqlite3.IntegrityError):
                    conn.execute(insert, bare)
    conn.execute("COMMIT")


def snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Return every user table's rows (by rowid or primary key), for before/after comparisons.

    Opened read-write so that a hot journal left by a killed run is rolled back first.
    """
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
    finally:
        conn.close()


def notes_database(path: Path, schema: str, notes_value: str, rows: int) -> None:
    """Create ``path`` at version 1.0: ``schema`` (a ``notes`` table of two columns), a
    ``schema_version`` table, and ``rows`` notes whose second column is the SQL ``notes_value``
    of ``i`` (1..rows), inserted in one statement."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executescript(schema)
        conn.execute(
            "CREATE TABLE schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), "
            "version TEXT NOT NULL, updated_at DATETIME DEFAULT CURRENT_TIMESTAMP)"
        )
        conn.execute("INSERT INTO schema_version (id, version) VALUES (1, '1.0')")
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            f"INSERT INTO notes SELECT i, {notes_value} FROM n",
            (rows,),
        )
    finally:
        conn.close()


def version_of(path: Path) -> str | None:
    """Return the version in a database's schema_version.

    Opened read-write, as any SQLite client would: after a kill -9 mid-step a hot
    journal must be rolled back before the file can be read.
    """
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True)
    try:
        row = conn.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()
        return None if row is None else str(row[0])
    finally:
        conn.close()


@contextlib.contextmanager
def write_lock_held(path: Path) -> Iterator[None]:
    """Hold ``BEGIN IMMEDIATE`` on a database from another process for the block."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys,time\n"
            "c=sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(30)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.kill()
        holder.wait()


def damage_leaf_page(path: Path) -> None:
    """Break a leaf page of a new 2,000-row table in ``path``: the schema and version still
    read, ``PRAGMA quick_check`` fails."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE bulk (id INTEGER PRIMARY KEY, payload TEXT)")
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
        "INSERT INTO bulk SELECT i, substr(hex(randomblob(300)), 1, 500) FROM n"
    )
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'bulk'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root + 4) * page_size  # page root + 5: a leaf of bulk, far from the schema
    data[start : start + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


@contextlib.contextmanager
def small_tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """Mount a tmpfs of ``size`` (e.g. ``4m``) at ``folder``; skip the test unless root can."""
    import pytest

    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount tmpfs here: {mounted.stderr!r}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)
