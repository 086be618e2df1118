"""project.db's published shapes as test databases, with rows every later shape allows.

Used by tests/test_lineage_project.py. A shape is one facts file of
tests/facts/history/project/ (oldest first). ``portable_fill`` fills a
database at any shape with rows that every later published shape can hold
(values of CHECK ... IN lists taken from the intersection of the lists
published for that column), so a migration to the latest shape must carry
all of them; ``awkward_rows`` then adds rows that need the steps' data
migrations (the 'subtask' typo, priority 0, case variants, types'
linked_function_id, file paths to derive names from).
"""

from __future__ import annotations

import json
import sqlite3
from functools import cache
from pathlib import Path
from typing import Any

from aifp_data import accepted_values, fill
from facts_sql import schema_script

HISTORY = Path(__file__).resolve().parent / "facts" / "history" / "project"
INITIAL = Path(__file__).resolve().parents[1] / "migrations" / "project" / "v1.0_initial_schema.sql"
INITIAL_SHAPE = "03_2025-10-22_ea1832b_v1.0"

#: Tables whose column order the chain may leave different from the
#: published latest shape (columns added in place to spare a rebuild).
REORDERED = ("functions", "types")


@cache
def shapes() -> tuple[tuple[str, str], ...]:
    """Return (file stem, version) of every published project shape, oldest first."""
    out = []
    for path in sorted(HISTORY.glob("*.json")):
        version = path.stem.rsplit("_v", 1)[1]
        out.append((path.stem, version))
    return tuple(out)


@cache
def _facts_text(stem: str) -> str:
    return (HISTORY / f"{stem}.json").read_text()


def facts(stem: str) -> dict[str, Any]:
    """Return a fresh copy of the facts of one shape."""
    loaded: dict[str, Any] = json.loads(_facts_text(stem))
    return loaded


def latest() -> dict[str, Any]:
    """Return the facts of the latest published shape."""
    return facts(shapes()[-1][0])


@cache
def allowed_everywhere() -> dict[tuple[str, str], tuple[str, ...]]:
    """Per (table, column): the CHECK ... IN values every shipped version allows
    (``aifp_data.accepted_values``), less the ones the steps map on purpose."""
    result = {key: tuple(values) for key, values in accepted_values("project").items()}
    # 'subtask' (1.0's typo) is mapped, never kept; 'medium' is left to the
    # awkward rows (the 1.4 step makes it of priority 0, and its rollback back).
    result[("items", "reference_table")] = ("tasks", "sidequests")
    for table in ("tasks", "subtasks", "sidequests"):
        result[(table, "priority")] = ("low", "high", "critical")
    return result


def build(path: Path, stem: str, version: str) -> None:
    """Create a database file at one published shape, with its schema_version row.

    The 2025-10-22 shape of 1.0 is built by v1.0_initial_schema.sql (equal to
    its facts, tests/test_shipped_schemas.py): AIFP's own SQL declares the
    CHECK on project.user_directives_status on the column, as real databases
    have it, where the facts renderer writes it at table level. (The
    executor's skip of an identical ADD COLUMN tells the two apart; see the
    report of the lineage work.)
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        if stem == INITIAL_SHAPE:
            script = INITIAL.read_text() + (
                f"INSERT OR REPLACE INTO schema_version (id, version) VALUES (1, '{version}');\n"
            )
        else:
            script = schema_script(facts(stem), version)
        buffer = ""
        for line in script.splitlines(keepends=True):
            buffer += line
            if sqlite3.complete_statement(buffer):
                conn.execute(buffer)
                buffer = ""
        conn.execute("COMMIT")
    finally:
        conn.close()


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(row[1]) for row in conn.execute(f'PRAGMA table_info("{table}")')]


def make_portable(conn: sqlite3.Connection) -> None:
    """Rewrite CHECK-listed values to ones every published shape allows (caller: no transaction)."""
    tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.execute("BEGIN")
    for (table, column), values in allowed_everywhere().items():
        if table not in tables or column not in _columns(conn, table):
            continue
        case = " ".join(f"WHEN {i} THEN '{v}'" for i, v in enumerate(values))
        conn.execute(f'UPDATE "{table}" SET "{column}" = CASE rowid % {len(values)} {case} END')
    # A project.db describes one project: project_id (dropped at 1.4) names it.
    if "project" in tables:
        conn.execute("DELETE FROM project WHERE id > (SELECT min(id) FROM project)")
        for table in sorted(tables):
            if "project_id" in _columns(conn, table):
                conn.execute(f'UPDATE "{table}" SET project_id = (SELECT min(id) FROM project)')
    conn.execute("COMMIT")


def portable_fill(conn: sqlite3.Connection, rows: int, seed: int = 0) -> None:
    """Fill every table with ``rows`` rows that every later published shape can hold."""
    fill(conn, rows, seed)
    make_portable(conn)
