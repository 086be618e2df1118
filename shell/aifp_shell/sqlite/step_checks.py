"""The checks after each step, scoped to what the step touched (``aifp_fp.check_scope``).

The executor records, through its authorizer, the tables whose rows each
statement (and every trigger it may fire) writes; ``StepChecks`` reads the
catalog before and after the step, asks the core for the scope, and runs
``PRAGMA foreign_key_check(<table>)`` on it, so a step that breaks a foreign
key is named. The tables to ``quick_check`` accumulate for ``final_checks``.
The whole-database ``quick_check`` before the first write covers the rest.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import attrs

from aifp_fp.check_scope import EMPTY_SCOPE, CatalogRow, CheckScope, check_scope
from aifp_fp.tables import TOOL_TABLES
from aifp_shell.problems import CheckFailed, Problem
from aifp_shell.sqlite.database import (
    foreign_key_rows,
    foreign_key_violations,
    violations_in_file,
)

WRITES = frozenset((sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE))
"""Authorizer actions that change a table's rows (their first argument is the table)."""

IGNORE_CHECKS = "ignore_check_constraints"
"""The PRAGMA a step may turn on while it copies rows its guards proved fit (the run turns it
off after every step, so the final ``quick_check`` evaluates every CHECK of what was written)."""

_OFF = frozenset(("0", "off", "false", "no"))
"""The values that turn a boolean PRAGMA off (any other value may turn it on)."""

_SHOWN = 5
"""Offending rows a message names."""

Violations = dict[tuple[str, str], int]
"""Rows breaking a foreign key, counted per (table, parent table)."""


def read_catalog(conn: sqlite3.Connection) -> tuple[CatalogRow, ...]:
    """Return the ``sqlite_master`` rows of ``main`` as the core's catalog rows."""
    return tuple(
        (str(kind), str(name), str(table), root, sql)
        for kind, name, table, root, sql in conn.execute(
            "SELECT type, name, tbl_name, rootpage, sql FROM main.sqlite_master"
        )
    )


def read_foreign_keys(conn: sqlite3.Connection) -> tuple[tuple[str, str], ...]:
    """Return every (child table, parent table) pair of ``main``'s foreign keys."""
    return tuple(
        (str(child), str(parent))
        for child, parent in conn.execute(
            'SELECT m.name, f."table" FROM main.sqlite_master AS m, '
            "pragma_foreign_key_list(m.name) AS f WHERE m.type = 'table'"
        )
    )


def _first_rows(conn: sqlite3.Connection, tables: tuple[str, ...]) -> str:
    shown: list[str] = []
    for table in tables:
        for child, rowid, parent, _ in foreign_key_rows(conn, table).fetchmany(_SHOWN - len(shown)):
            shown.append(f"{child} row {rowid} points to a missing row of {parent}")
        if len(shown) >= _SHOWN:
            break
    return "; ".join(shown)


@attrs.define
class StepChecks:
    """The checks of one database's steps: call ``start`` before a step, ``finish`` after it.

    ``before`` gives this run's backup, waiting for it if it is still being
    made (None: there is none): rows that already broke their foreign keys
    there (real AIFP cores hold ``'*'`` flows that name no directive), and break
    them no more after a step, table by table, are carried as they were.
    """

    database: str
    path: Path
    before: Callable[[], Path | None] | None = None
    scope: CheckScope = EMPTY_SCOPE
    """Everything the steps so far touched: what ``final_checks`` quick_checks."""
    written: set[str] = attrs.field(factory=set)
    """Tables whose rows the current step's statements write (filled by the authorizer)."""
    carried: Violations = attrs.field(factory=dict)
    """Old breakage the steps carried, per (table, parent): for the run's note."""
    checks_off: bool = False
    """Whether the current step turned ``PRAGMA ignore_check_constraints`` on."""
    _catalog: tuple[CatalogRow, ...] = ()

    def start(self, conn: sqlite3.Connection) -> None:
        """Remember the catalog before a step and forget the previous step's writes."""
        self._catalog = read_catalog(conn)
        self.written.clear()
        self.checks_off = False

    def record(self, action: int, first: str | None, second: str | None, third: str | None) -> None:
        """Note an authorizer action: a write to a table of ``main``.

        A write names (table, column, database). ``ALTER TABLE`` names
        (database, table) and, for ``DROP COLUMN`` only, the column third:
        dropping a column rewrites every row of the table, so it counts as a
        write (``ADD COLUMN`` and ``RENAME COLUMN`` leave the rows as stored).
        So does any ``ALTER TABLE`` while ``PRAGMA ignore_check_constraints``
        is on (SQLite then skips checking an added column's CHECK against the
        rows), so the final ``quick_check``, which evaluates CHECK constraints,
        covers it.
        """
        if action in WRITES and first is not None and third == "main":
            self.written.add(first)
        elif action == sqlite3.SQLITE_ALTER_TABLE and first == "main" and second:
            if third or self.checks_off:
                self.written.add(second)
        elif action == sqlite3.SQLITE_PRAGMA and (first or "").lower() == IGNORE_CHECKS and second:
            self.checks_off = second.strip().strip("'\"").lower() not in _OFF

    def finish(self, conn: sqlite3.Connection, step_file: str) -> Problem | None:
        """Return the problem a step left (broken foreign keys it made), else None."""
        after = read_catalog(conn)
        scope = check_scope(self._catalog, after, frozenset(self.written), read_foreign_keys(conn))
        self.scope = self.scope.union(scope)
        self._catalog = after
        found = foreign_key_violations(conn, scope.foreign)
        if not found:
            return None
        backup = self.before() if self.before is not None else None
        old = violations_in_file(backup, tuple(t for t, _ in found)) if backup else None
        if old is not None and all(count <= old.get(key, 0) for key, count in found.items()):
            for key, count in found.items():
                self.carried[key] = max(self.carried.get(key, 0), count)
            return None
        broken = tuple(t for t, p in found if old is None or found[(t, p)] > old.get((t, p), 0))
        detail = _first_rows(conn, _tables_first(broken, tuple(t for t, _ in found)))
        if old is not None and any(old.values()):
            detail += (
                " (some rows of these tables already broke their foreign keys before the "
                "migration: see PRAGMA foreign_key_check)"
            )
        return CheckFailed(self.database, str(self.path), "foreign_key_check", detail, step_file)

    def quick_tables(self) -> tuple[str, ...]:
        """Return the tables ``final_checks`` quick_checks: touched ones still there, the tool's."""
        tables = {name.lower(): name for kind, name, _, _, _ in self._catalog if kind == "table"}
        touched = {name.lower() for name in self.scope.quick} | TOOL_TABLES
        return tuple(name for folded, name in tables.items() if folded in touched)


def _tables_first(first: tuple[str, ...], rest: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(first + rest))


def carried_note(carried: Violations) -> str | None:
    """Return the note a run reports when rows it carried broke their foreign keys beforehand."""
    if not carried:
        return None
    rows = sum(carried.values())
    where = ", ".join(f"{table} → {parent}" for table, parent in sorted(carried))
    return (
        f"{rows} row{'s' if rows != 1 else ''} already broke their foreign keys before the "
        f"migration ({where}); they were carried as they were (see PRAGMA foreign_key_check)"
    )
