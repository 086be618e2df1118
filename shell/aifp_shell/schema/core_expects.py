"""What the installed aifp_core expects of the project databases (aifp_core 2.1 and later).

Real aifp_core 2.1 added ``expected_schema_versions`` (db_name, expected_version,
minimum_version): the versions of project.db, user_preferences.db and
user_directives.db that the installed AIFP core is written for. ``check``
shows them beside each project database and points first at one that is behind.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import attrs

from aifp_fp.value import Value
from aifp_shell.sqlite.database import connect


@attrs.frozen(slots=True, repr=False)
class Expectation(Value):
    """The version aifp_core expects of one database, and the oldest it still accepts."""

    expected: str
    minimum: str | None


def read_expectations(core: Path) -> dict[str, Expectation]:
    """Return aifp_core's expectations by database name; empty where it says nothing.

    Read-only. A missing file, a core without the table, or one that cannot be
    read says nothing (``check`` reports that database's own problems itself).
    """
    if not core.is_file():
        return {}
    try:
        conn = connect(core, write=False)
        try:
            known = conn.execute(
                "SELECT 1 FROM sqlite_master"
                " WHERE type = 'table' AND name = 'expected_schema_versions'"
            ).fetchone()
            if known is None:
                return {}
            rows = conn.execute(
                "SELECT db_name, expected_version, minimum_version FROM expected_schema_versions"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return {}
    found: dict[str, Expectation] = {}
    for name, expected, minimum in rows:
        if name is None or expected is None:
            continue
        key = str(name).removesuffix(".db")
        found[key] = Expectation(str(expected), None if minimum is None else str(minimum))
    return found
