"""``verify`` on the user_preferences and user_directives sets, with sample rows AIFP can hold.

``verify`` fills each scratch database with sample rows read off that version's
own schema. At 1.0 nothing constrains ``interaction_type`` or ``action_type``,
so those rows hold free text that 1.1's CHECKs cannot take, and the steps'
guards refuse them by name, exactly as they would on a real database. Until
``verify`` draws sample values every version allows, this test runs the real
``verify`` with that one change (its ``fill`` followed by giving each CHECKed
column a value every published shape allows), so every other check (each step
applies, up again is a no-op, each rollback returns to the exact previous
structure keeping the surviving rows, all paths agree) stays proven.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from aifp_shell import verify as verify_module
from tests.lineage_users import MIGRATIONS, USER_DATABASES, allowed_along_the_way

_ORIGINAL_FILL = verify_module.fill
_ALLOWED = {db: allowed_along_the_way(db, 0) for db in USER_DATABASES}


def _database_of(conn: sqlite3.Connection) -> str:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return "user_preferences" if "user_settings" in tables else "user_directives"


def _fill_allowed_everywhere(conn: sqlite3.Connection, rows: int = 4, offset: int = 0) -> None:
    _ORIGINAL_FILL(conn, rows, offset)
    conn.execute("BEGIN")
    for (table, column), values in _ALLOWED[_database_of(conn)].items():
        present = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
        if column in present:
            marks = ", ".join("?" for _ in values)
            conn.execute(
                f'UPDATE "{table}" SET "{column}" = CASE abs(id) % ? '
                + " ".join(f"WHEN {n} THEN ?" for n in range(len(values)))
                + f' END WHERE "{column}" NOT IN ({marks})',
                (len(values), *values, *values),
            )
    conn.execute("COMMIT")


def test_verify_passes_on_both_user_sets_with_rows_every_version_allows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "migrations"
    for db in USER_DATABASES:
        shutil.copytree(MIGRATIONS / db, folder / db)
    monkeypatch.setattr(verify_module, "fill", _fill_allowed_everywhere)

    report = verify_module.verify(folder)

    assert report.problem is None
    mine = [f for f in report.findings if f.database in USER_DATABASES]
    assert mine == []
    checked = {d.name: d for d in report.databases}
    assert set(checked) == set(USER_DATABASES)
    for db in USER_DATABASES:
        assert checked[db].steps == 2
        assert checked[db].rollbacks_checked == 2
