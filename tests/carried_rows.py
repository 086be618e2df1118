"""Shared by test_e2e_cli.py, test_e2e_seed.py and test_api.py: today's truth of the shipped set.

* ``published_facts``: the structure AIFP published for a version (the last
  file of ``tests/facts/history/<db>/`` for it), the shape a step produces;
* ``step_pairs``: the (from, to) versions of step files, read from their names;
* ``named_snapshot`` / ``assert_rows_carried``: row preservation by column
  name, over the columns that survive, with the real losses named below.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

HISTORY = Path(__file__).resolve().parent / "facts" / "history"

_STEP = re.compile(r"^v(\d+\.\d+)_to_v(\d+\.\d+)_")

LOST_TABLES_TO_LATEST: dict[str, frozenset[str]] = {
    # aifp_core: tools dropped at 1.5, directives_interactions at 1.9 (v1.0 has no notes)
    "aifp_core": frozenset({"tools", "directives_interactions"}),
}
"""Tables of v1.0 that ``up`` to the latest drops (named in the step headers)."""

_PROJECT_ID = frozenset({"project_id"})
LOST_COLUMNS_TO_LATEST: dict[str, dict[str, frozenset[str]]] = {
    "aifp_core": {
        # created_at/updated_at dropped at 1.6; intent_keywords_json moves to rows at 1.7
        "directives": frozenset({"created_at", "updated_at", "intent_keywords_json"}),
        "categories": frozenset({"created_at", "updated_at"}),
        "helper_functions": frozenset({"created_at", "updated_at"}),
    },
    "project": {
        # 1.4: project_id dropped from six tables, files.checksum, project.blueprint_checksum;
        # types.linked_function_id moves to types_functions rows
        "project": frozenset({"blueprint_checksum"}),
        "files": _PROJECT_ID | {"checksum"},
        "types": _PROJECT_ID | {"linked_function_id"},
        "themes": _PROJECT_ID,
        "flows": _PROJECT_ID,
        "infrastructure": _PROJECT_ID,
        "completion_path": _PROJECT_ID,
    },
    "user_preferences": {
        # 1.1: ai_interaction_log.directive_context becomes directive_name
        "ai_interaction_log": frozenset({"directive_context"}),
    },
}
"""Columns of v1.0 tables that are gone (lost or moved elsewhere) at the latest version."""

Snapshot = dict[str, tuple[list[str], list[dict[str, Any]]]]


def published_facts(database: str, version: str) -> dict[str, Any]:
    """The facts of the last shape AIFP published for ``version`` of ``database``."""
    files = sorted((HISTORY / database).glob(f"*_v{version}.json"))
    assert files, f"no published {database} {version} in {HISTORY}"
    loaded: dict[str, Any] = json.loads(files[-1].read_text(encoding="utf-8"))
    return loaded


def step_pairs(files: Iterable[str]) -> list[tuple[str, str]]:
    """The (from, to) versions of step files, from their names (``v1.0_to_v1.7_direct.sql``)."""
    pairs = []
    for name in files:
        match = _STEP.match(Path(name).name)
        assert match is not None, name
        pairs.append((match[1], match[2]))
    return pairs


def next_major(version: str) -> str:
    """A version after ``version`` that no shipped step reaches (``1.9`` -> ``2.0``)."""
    return f"{int(version.split('.')[0]) + 1}.0"


def named_snapshot(path: Path) -> Snapshot:
    """Every table's column names and rows (as dicts), read-only."""
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            table: (
                [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')],
                [dict(row) for row in conn.execute(f'SELECT * FROM "{table}"')],
            )
            for table in tables
        }
    finally:
        conn.close()


def _rows_on(rows: list[dict[str, Any]], columns: list[str]) -> list[tuple[Any, ...]]:
    return sorted((tuple(row[c] for c in columns) for row in rows), key=repr)


def assert_rows_carried(
    before: Snapshot,
    after: Snapshot,
    lost_tables: Iterable[str] = (),
    lost_columns: Mapping[str, Iterable[str]] | None = None,
) -> None:
    """Every table of ``before`` keeps every row in every column that survives.

    ``lost_tables`` must be gone and every other table present; the columns a
    table no longer has must be exactly ``lost_columns[table]`` (none unless
    named), and the values of every other column must be unchanged.
    """
    gone = set(lost_tables)
    lost = {table: set(columns) for table, columns in (lost_columns or {}).items()}
    for table, (columns, rows) in before.items():
        if table == "schema_version":
            continue
        if table in gone:
            assert table not in after, f"table {table} should be gone"
            continue
        assert table in after, f"table {table} disappeared"
        after_columns, after_rows = after[table]
        missing = set(columns) - set(after_columns)
        assert missing == lost.get(table, set()), (table, missing)
        kept = [c for c in columns if c in after_columns]
        assert _rows_on(after_rows, kept) == _rows_on(rows, kept), f"rows of {table} changed"


def assert_rows_carried_to_latest(database: str, before: Snapshot, after: Snapshot) -> None:
    """Rows carried from v1.0 to the latest: surviving columns unchanged, moved data arrived."""
    assert_rows_carried(
        before,
        after,
        LOST_TABLES_TO_LATEST.get(database, ()),
        LOST_COLUMNS_TO_LATEST.get(database, {}),
    )
    if database == "project":
        links = {
            (row["id"], row["linked_function_id"])
            for row in before["types"][1]
            if row["linked_function_id"] is not None
        }
        carried = {(row["type_id"], row["function_id"]) for row in after["types_functions"][1]}
        assert carried == links, "types.linked_function_id not carried to types_functions"
    elif database == "aifp_core":
        keyword_of = {row["id"]: row["keyword"] for row in after["intent_keywords"][1]}
        found: dict[int, set[str]] = {}
        for row in after["directives_intent_keywords"][1]:
            found.setdefault(row["directive_id"], set()).add(keyword_of[row["keyword_id"]])
        expected = {
            row["id"]: set(json.loads(row["intent_keywords_json"]))
            for row in before["directives"][1]
            if row["intent_keywords_json"] is not None and json.loads(row["intent_keywords_json"])
        }
        assert found == expected, "intent_keywords_json not carried to keyword rows"
    elif database == "user_preferences":
        expected_names = {
            row["id"]: directive_name_from_context(row["directive_context"])
            for row in before["ai_interaction_log"][1]
        }
        names = {row["id"]: row["directive_name"] for row in after["ai_interaction_log"][1]}
        assert names == expected_names, "directive_context not carried to directive_name"


def directive_name_from_context(value: Any) -> str | None:
    """user_preferences 1.0 -> 1.1: a directive_context that is a directive name, trimmed."""
    if not isinstance(value, str):
        return None
    name = value.strip(" \t\n\r")
    return name if re.fullmatch(r"[A-Za-z0-9_.:-]+", name) else None
