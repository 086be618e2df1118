"""Which tables a step can have broken: the scope of the checks that run after it.

A step's effects are given as values the shell observed: the catalog
(``sqlite_master`` rows) before and after it, and the tables whose rows its
statements, or the triggers they fired, inserted, updated or deleted. From
them, and the foreign keys of the result, this returns the tables that need
``PRAGMA quick_check(<table>)`` and ``PRAGMA foreign_key_check(<table>)``.

Why that is enough (``docs/architecture.md``, "Checking what a step touched"):
whether a row breaks a foreign key depends only on the row, its table's
foreign-key definition and the parent table's rows and key. A table outside
the scope kept all of those, so its answer is the one it had before the step.
"""

from __future__ import annotations

import attrs

from aifp_fp.sqltext import TokenKind, ascii_upper, meaningful, tokenize
from aifp_fp.value import Value

CatalogRow = tuple[str, str, str, int | None, str | None]
"""One ``sqlite_master`` row: (type, name, tbl_name, rootpage, sql)."""


@attrs.frozen(slots=True, repr=False)
class CheckScope(Value):
    """The tables to check after a step, by their names in the resulting database."""

    quick: tuple[str, ...]
    """Tables (and their indexes) for ``PRAGMA quick_check(<table>)``: made, rebuilt, written."""
    foreign: tuple[str, ...]
    """Tables for ``PRAGMA foreign_key_check(<table>)``: touched ones and their children."""

    def union(self, other: CheckScope) -> CheckScope:
        """Return the scope covering both (names in first-seen order)."""
        return CheckScope(_unique(self.quick + other.quick), _unique(self.foreign + other.foreign))


EMPTY_SCOPE = CheckScope((), ())


def _fold(name: str) -> str:
    return name.lower()


def _unique(names: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    kept: list[str] = []
    for name in names:
        if _fold(name) not in seen:
            seen.add(_fold(name))
            kept.append(name)
    return tuple(kept)


def _structure(catalog: tuple[CatalogRow, ...]) -> dict[str, frozenset[tuple[object, ...]]]:
    """Return, per table (folded name), what defines its storage: its row, its indexes'."""
    found: dict[str, set[tuple[object, ...]]] = {}
    for kind, name, table, rootpage, sql in catalog:
        if kind in ("table", "index"):
            found.setdefault(_fold(table), set()).add((kind, _fold(name), rootpage, sql))
    return {table: frozenset(rows) for table, rows in found.items()}


def changed_tables(before: tuple[CatalogRow, ...], after: tuple[CatalogRow, ...]) -> frozenset[str]:
    """Return the folded names of tables created, dropped, renamed, rebuilt or re-indexed.

    A table whose definition, root page or set of indexes differs between the
    two catalogs changed; a rebuild (new table, copy, drop, rename) shows as a
    new root page under the old name.
    """
    old, new = _structure(before), _structure(after)
    return frozenset(table for table in old.keys() | new.keys() if old.get(table) != new.get(table))


def _columns_appended(old: str, new: str) -> bool:
    """Return whether ``new`` is ``old`` with ``, <text>`` inserted at one place.

    That is how SQLite rewrites a table's ``sql`` for ``ALTER TABLE ... ADD
    COLUMN``: ``, <column>`` after the last column definition (before the
    table constraints), once per column added. ``DROP COLUMN`` removes text;
    a ``RENAME COLUMN`` can only look like this when the new name is the old
    one with ``, <text>`` added inside its quotes, and it rewrites no page
    either.
    """
    grown = len(new) - len(old)
    if grown <= 2:
        return False
    prefix = 0
    while prefix < len(old) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < len(old) and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return any(new[at : at + 2] == ", " for at in range(max(0, len(old) - suffix), prefix + 1))


def _not_nulls(words: tuple[str, ...]) -> int:
    return sum(1 for at in range(len(words) - 1) if words[at : at + 2] == ("NOT", "NULL"))


def _words(sql: str) -> tuple[str, ...]:
    """Return a definition's meaningful tokens, words in upper case (quoted names and strings
    kept as written, so a name or string never reads as a keyword)."""
    return tuple(
        ascii_upper(token.text) if token.kind is TokenKind.WORD else token.text
        for token in meaningful(tokenize(sql))
    )


def _rows_unchecked(old: str, new: str) -> bool:
    """Return whether SQLite may have added columns without checking the rows they gave.

    ``ADD COLUMN`` does not check a new NOT NULL column whose default is an expression
    (``NOT NULL DEFAULT (-NULL)`` gives every row NULL), a STRICT table's column types
    (``INTEGER DEFAULT 'x'``), nor a generated column (``AS (...)``), whose value may
    change when a column it names appears (a double-quoted string becomes that name).
    """
    before, after = _words(old), _words(new)
    generated = any(after[at : at + 2] == ("AS", "(") for at in range(len(after) - 1))
    return "STRICT" in after or generated or _not_nulls(after) > _not_nulls(before)


def extended_tables(
    before: tuple[CatalogRow, ...], after: tuple[CatalogRow, ...]
) -> frozenset[str]:
    """Return the folded names of tables whose only change was ``ADD COLUMN``.

    Same root page, same indexes (names, root pages, definitions), and a
    definition that only gained column definitions (``_columns_appended``):
    SQLite changed the catalog row, not one page of the table or its indexes
    (an added column is read from its default), and it checked the table's
    CHECKs against every row when it added it (what it does not check, a NOT
    NULL column, a STRICT table, a generated column, keeps the table in the
    ``quick_check``: ``_rows_unchecked``). Such a
    table needs no ``quick_check`` of its own when no row of it was written
    (``DROP COLUMN``, which rewrites every row, counts as a write): the
    whole-database check before the first write covered its pages. Its
    foreign keys may have changed (a new column can reference a parent), so
    it stays in the ``foreign_key_check`` scope.
    """
    found: frozenset[str] = frozenset()
    old, new = _structure(before), _structure(after)
    for table in old.keys() & new.keys():
        was = {row for row in old[table] if row[0] == "index"}
        now = {row for row in new[table] if row[0] == "index"}
        tables_before = [row for row in old[table] if row[0] == "table"]
        tables_after = [row for row in new[table] if row[0] == "table"]
        if was != now or len(tables_before) != 1 or len(tables_after) != 1:
            continue
        (_, name_before, root_before, sql_before) = tables_before[0]
        (_, name_after, root_after, sql_after) = tables_after[0]
        if (
            name_before == name_after
            and root_before == root_after
            and isinstance(root_after, int)
            and root_after > 0
            and isinstance(sql_before, str)
            and isinstance(sql_after, str)
            and _columns_appended(sql_before, sql_after)
            and not _rows_unchecked(sql_before, sql_after)
        ):
            found |= {table}
    return found


def check_scope(
    before: tuple[CatalogRow, ...],
    after: tuple[CatalogRow, ...],
    rows_written: frozenset[str],
    foreign_keys: tuple[tuple[str, str], ...],
) -> CheckScope:
    """Return the tables a step can have broken, given what it did.

    ``rows_written`` holds the names of tables whose rows were inserted,
    updated or deleted (any case); ``foreign_keys`` the (child, parent) pairs
    of the database after the step. A touched table is checked itself, and
    every table whose foreign key names it (its rows or key may be gone).
    Names that no longer exist (a dropped table) are not checked themselves.
    """
    written = {_fold(name) for name in rows_written}
    changed = changed_tables(before, after)
    touched = changed | written
    tables = tuple(name for kind, name, _, _, _ in after if kind == "table")
    virtual = {_fold(name) for kind, name, _, root, _ in after if kind == "table" and not root}
    shadows = {  # a virtual table's shadow tables are written without the authorizer seeing it
        _fold(name)
        for name in tables
        for vt in touched & virtual
        if _fold(name).startswith(vt + "_")
    }
    touched |= shadows
    extended = extended_tables(before, after) - written - shadows
    quick = tuple(name for name in tables if _fold(name) in touched - extended)
    return CheckScope(quick, foreign_scope(touched, tables, foreign_keys))


def foreign_scope(
    touched: frozenset[str], tables: tuple[str, ...], foreign_keys: tuple[tuple[str, str], ...]
) -> tuple[str, ...]:
    """Return which of ``tables`` need ``foreign_key_check`` once ``touched`` tables changed.

    The touched tables that exist and every table whose foreign key names a
    touched one (compared case-insensitively); the names as ``tables`` spells them.
    """
    folded = {_fold(name) for name in touched}
    existing = {_fold(name): name for name in tables}
    own = tuple(name for name in tables if _fold(name) in folded)
    children = tuple(
        existing[_fold(child)]
        for child, parent in foreign_keys
        if _fold(parent) in folded and _fold(child) in existing
    )
    return _unique(own + children)
