"""The published shapes of user_preferences and user_directives, and their v1.2 initial schemas.

    .venv/bin/python -m tests.lineage_users     # rewrite migrations/<db>/v1.2_initial_schema.sql

Shared by ``tests/test_lineage_user_preferences.py``,
``tests/test_lineage_user_directives.py`` and ``bench/new_user_db_bench.py``.
The v1.2 initial schemas are rendered from the facts of each database's
latest published shape (``tests/facts_sql.schema_script``), so a database the
tool creates gets that structure directly; a test fails when a shipped file
differs from what this module renders.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import attrs
from conftest import run_cli

from tests.aifp_data import fill
from tests.facts_sql import schema_script
from tests.schema_facts import facts_of

REPO = Path(__file__).resolve().parents[1]
HISTORY = REPO / "tests" / "facts" / "history"
MIGRATIONS = REPO / "migrations"
USER_DATABASES = ("user_preferences", "user_directives")
LATEST = "1.2"


@attrs.frozen
class Shape:
    """One schema AIFP published for a database: its version, date, commit and facts file."""

    db: str
    version: str
    date: str
    commit: str
    file: Path

    @property
    def label(self) -> str:
        """``v<V>_<date>_<commit>``, as the shape file is named."""
        return f"v{self.version}_{self.date}_{self.commit}"

    def facts(self) -> dict[str, Any]:
        """The shape's facts (the published structure)."""
        loaded: dict[str, Any] = json.loads(self.file.read_text(encoding="utf-8"))
        return loaded

    def script(self) -> str:
        """An SQL script that builds this shape with its ``schema_version`` row."""
        return schema_script(self.facts(), self.version)


def shapes(db: str) -> list[Shape]:
    """Every published shape of ``db``, oldest first."""
    with (HISTORY / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        return [
            Shape(row["db"], row["version"], row["date"], row["commit"], HISTORY / db / row["file"])
            for row in csv.DictReader(fh, delimiter="\t")
            if row["db"] == db
        ]


def latest_shape(db: str) -> Shape:
    """The last published shape of ``db``: the structure ``up`` must reach."""
    return shapes(db)[-1]


def initial_schema_text(db: str) -> str:
    """The text of ``migrations/<db>/v1.2_initial_schema.sql``, rendered from the facts."""
    shape = latest_shape(db)
    assert shape.version == LATEST
    header = (
        f"-- {db}.db -- schema version {LATEST} (initial schema)\n"
        "--\n"
        f"-- The whole latest published shape ({shape.date}, commit {shape.commit}), for a\n"
        "-- database that does not exist yet: the tool builds a new database from this\n"
        f"-- file directly instead of from v1.0_initial_schema.sql plus every step (faster;\n"
        "-- bench/new_user_db_bench.py). `aifp-migrate verify` checks that both ways build\n"
        "-- the same structure.\n"
        "--\n"
        f"-- Rendered from tests/facts/history/{db}/{shape.file.name} by\n"
        "-- `python -m tests.lineage_users`: do not edit by hand. No transaction control:\n"
        "-- the tool runs it inside its own transaction.\n\n"
    )
    return header + schema_script(shape.facts(), LATEST)


def main() -> None:
    """Write both v1.2 initial schemas."""
    for db in USER_DATABASES:
        path = MIGRATIONS / db / f"v{LATEST}_initial_schema.sql"
        path.write_text(initial_schema_text(db), encoding="utf-8")
        print(path.relative_to(REPO))


if __name__ == "__main__":
    main()


# --------------------------------------------------------------------------
# Databases at a shape, rows allowed along the way, the CLI, expectations
# --------------------------------------------------------------------------

_IN_CHECK = re.compile(r"^(\w+) IN\((.*)\)$")
BLANKS = " \t\n\r"


def check_lists(facts: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    """Every ``column IN (...)`` CHECK of a schema, by (table, column): the allowed values."""
    found: dict[tuple[str, str], list[str]] = {}
    for table, spec in facts["tables"].items():
        for check in spec["checks"]:
            match = _IN_CHECK.match(check)
            if match:
                values = [v.strip().strip("'") for v in match.group(2).split(",")]
                found[(table, match.group(1).lower())] = values
    return found


def allowed_along_the_way(db: str, start: int) -> dict[tuple[str, str], list[str]]:
    """Values allowed by shape ``start`` and every later shape of ``db`` (intersection)."""
    allowed: dict[tuple[str, str], list[str]] = {}
    for shape in shapes(db)[start:]:
        for key, values in check_lists(shape.facts()).items():
            allowed[key] = [v for v in allowed.get(key, values) if v in values]
    return allowed


def allowed_going_back(db: str, shape: Shape, previous: Shape) -> dict[tuple[str, str], list[str]]:
    """Values both ``shape`` and ``previous`` allow (rows a rollback can keep)."""
    allowed = check_lists(shape.facts())
    for key, values in check_lists(previous.facts()).items():
        allowed[key] = [v for v in allowed.get(key, values) if v in values]
    return allowed


def build(path: Path, shape: Shape) -> None:
    """Create a database file at ``shape`` with its ``schema_version`` row (AIFP's way)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.executescript(shape.script())
    finally:
        conn.close()


def fill_allowed(
    path: Path, allowed: dict[tuple[str, str], list[str]], rows: int, seed: int
) -> None:
    """Fill every table with ``rows`` rows, then give each listed column an allowed value."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        fill(conn, rows, seed)
        conn.execute("BEGIN")
        for (table, column), values in allowed.items():
            present = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
            if column not in present:
                continue
            ids = [r[0] for r in conn.execute(f'SELECT id FROM "{table}" ORDER BY id')]
            for n, row_id in enumerate(ids):
                conn.execute(
                    f'UPDATE "{table}" SET "{column}" = ? WHERE id = ?',
                    (values[(n + seed) % len(values)], row_id),
                )
        conn.execute("COMMIT")
    finally:
        conn.close()


def execute(path: Path, sql: str, params: tuple[Any, ...] = ()) -> None:
    """Run one statement on a database file and commit."""
    conn = sqlite3.connect(path)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def rows_by_id(path: Path) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every user table's rows as {table: {id: {column: value}}} (tool tables left out)."""
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT IN ('schema_history', 'schema_version')"
            )
        ]
        return {
            t: {row["id"]: dict(row) for row in conn.execute(f'SELECT * FROM "{t}"')}
            for t in tables
        }
    finally:
        conn.close()


def live_facts(path: Path) -> dict[str, Any]:
    """The structure of a database file, in the facts format."""
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return facts_of(conn)
    finally:
        conn.close()


def cli(
    command: str, db: str | None, project: Path, *extra: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any] | None]:
    """Run the installed ``aifp-migrate COMMAND [--db DB] --json`` on ``project``'s databases."""
    args = [command, *(["--db", db] if db else []), "--project-dir", str(project)]
    args += ["--aifp-root", str(project / "aifp-root"), "--migrations-dir", str(MIGRATIONS)]
    result = run_cli(*args, "--json", *extra, cwd=project)
    try:
        document = json.loads(result.stdout)
    except ValueError:
        document = None
    return result, document


def db_path(project: Path, db: str) -> Path:
    """Where the tool finds ``db`` in ``project``."""
    return project / ".aifp-project" / f"{db}.db"


def normalized(value: Any) -> Any:
    """The certain mapping the steps apply to a CHECKed value (case, blanks, - and space)."""
    if value is None:
        return None
    return str(value).strip(BLANKS).lower().replace("-", "_").replace(" ", "_")


def directive_name_from_context(value: Any) -> str | None:
    """What user_preferences 1.0 -> 1.1 carries from directive_context into directive_name."""
    if not isinstance(value, str):
        return None
    name = value.strip(BLANKS)
    return name if re.fullmatch(r"[A-Za-z0-9_.:-]+", name) else None


def assert_rows_carried(
    before: dict[str, dict[Any, dict[str, Any]]],
    after: dict[str, dict[Any, dict[str, Any]]],
    mapped: dict[tuple[str, str], list[str]],
    renamed: dict[tuple[str, str], tuple[str, Any]] | None = None,
) -> None:
    """Every row of every table present before is there after, every surviving value kept.

    ``mapped`` columns may hold the certain mapping of their old value (and must
    then hold an allowed one); ``renamed`` maps (table, new column) to (old column,
    derivation) for a column whose values moved.
    """
    renamed = renamed or {}
    for table, old_rows in before.items():
        assert table in after, f"table {table} is gone"
        new_rows = after[table]
        assert set(new_rows) == set(old_rows), f"{table}: ids {set(old_rows) ^ set(new_rows)}"
        for row_id, old in old_rows.items():
            new = new_rows[row_id]
            for column, value in old.items():
                if column not in new:
                    continue
                if (table, column) in mapped and value is not None:
                    allowed = mapped[(table, column)]
                    expected = value if value in allowed else normalized(value)
                    assert new[column] == expected, (table, row_id, column, value, new[column])
                else:
                    assert new[column] == value, (table, row_id, column, value, new[column])
            for (rtable, new_column), (old_column, derive) in renamed.items():
                if rtable == table and old_column in old:
                    assert new[new_column] == derive(old[old_column]), (table, row_id)
