"""SQL text for computed migrations: quoted names, renamed CREATE statements, whole scripts."""

from __future__ import annotations

import re

from aifp_fp.ops import Migration
from aifp_fp.sqltext import TokenKind, meaningful, tokenize

_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYWORD_TEXT = """ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT
    BEFORE BEGIN BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT
    CONSTRAINT CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE
    DEFAULT DEFERRABLE DEFERRED DELETE DESC DETACH DISTINCT DO DROP EACH ELSE END ESCAPE
    EXCEPT EXCLUDE EXCLUSIVE EXISTS EXPLAIN FAIL FILTER FIRST FOLLOWING FOR FOREIGN FROM
    FULL GENERATED GLOB GROUP GROUPS HAVING IF IGNORE IMMEDIATE IN INDEX INDEXED INITIALLY
    INNER INSERT INSTEAD INTERSECT INTO IS ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH
    MATERIALIZED NATURAL NO NOT NOTHING NOTNULL NULL NULLS OF OFFSET ON OR ORDER OTHERS
    OUTER OVER PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY RAISE RANGE RECURSIVE
    REFERENCES REGEXP REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW
    ROWS SAVEPOINT SELECT SET TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION TRIGGER
    UNBOUNDED UNION UNIQUE UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH
    WITHOUT"""
_KEYWORDS = frozenset(_KEYWORD_TEXT.split())

FOREIGN_KEY_GUARD = (
    'CREATE TEMP TABLE aifp_foreign_key_guard(ok, CONSTRAINT "foreign key violated:'
    ' run PRAGMA foreign_key_check" CHECK (ok));',
    "INSERT INTO aifp_foreign_key_guard SELECT NOT EXISTS"
    " (SELECT 1 FROM pragma_foreign_key_check);",
    "DROP TABLE temp.aifp_foreign_key_guard;",
)
"""Statements that fail the script when ``PRAGMA foreign_key_check`` reports any row."""


def foreign_key_guard(tables: tuple[str, ...] | None) -> tuple[str, ...]:
    """Return the guard statements, checking only ``tables`` (None: the whole database).

    No table to check (the operations moved no row and no key) needs no guard.
    """
    if tables is None:
        return FOREIGN_KEY_GUARD
    if not tables:
        return ()
    checks = " UNION ALL ".join(
        f"SELECT 1 FROM pragma_foreign_key_check({string(table)})" for table in tables
    )
    return (
        FOREIGN_KEY_GUARD[0],
        f"INSERT INTO aifp_foreign_key_guard SELECT NOT EXISTS ({checks});",
        FOREIGN_KEY_GUARD[2],
    )


def quote(name: str) -> str:
    """Return ``name`` as an SQL identifier: bare when safe, else in ``"`` with ``"`` doubled."""
    if _BARE.fullmatch(name) and name.upper() not in _KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def string(text: str) -> str:
    """Return ``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def terminated(sql: str) -> str:
    """Return a statement's text ending in exactly one ``;``."""
    text = sql.strip()
    return text if text.endswith(";") else text + ";"


def renamed_create(sql: str, new_name: str) -> str | None:
    """Return a CREATE [VIRTUAL] TABLE statement with its table renamed, or ``None``.

    ``None`` when the statement's name cannot be located.
    """
    tokens = tokenize(sql)
    positions = [
        i for i, t in enumerate(tokens) if t.kind not in (TokenKind.SPACE, TokenKind.COMMENT)
    ]
    words = [t.text.upper() for t in meaningful(tokens)]
    at = 1
    if words[at : at + 1] in (["TEMP"], ["TEMPORARY"]):
        at += 1
    if words[at : at + 1] == ["VIRTUAL"]:
        at += 1
    if words[:1] != ["CREATE"] or words[at : at + 1] != ["TABLE"]:
        return None
    at += 1
    if words[at : at + 3] == ["IF", "NOT", "EXISTS"]:
        at += 3
    if at + 1 < len(words) and words[at + 1] == ".":
        at += 2
    if at >= len(positions):
        return None
    where = positions[at]
    if tokens[where].kind not in (TokenKind.WORD, TokenKind.QUOTED_NAME, TokenKind.STRING):
        return None
    before = "".join(t.text for t in tokens[:where])
    after = "".join(t.text for t in tokens[where + 1 :])
    if at >= 2 and words[at - 1] == ".":
        before = "".join(t.text for t in tokens[: positions[at - 2]])
    return terminated(before + quote(new_name) + after)


def render_script(migration: Migration, wrapped: bool) -> str:
    """Return the migration as SQL text.

    ``wrapped=True``: a self-contained, atomic script for ``sqlite3 -bail DB <
    script``: foreign keys off (a rebuild must not cascade), one ``BEGIN
    IMMEDIATE`` transaction, a guard that fails the script when
    ``PRAGMA foreign_key_check`` reports rows of a table whose foreign keys the
    operations can break (``Migration.checked_tables``), then ``COMMIT``. Any failing
    statement stops ``sqlite3 -bail`` before ``COMMIT``, so nothing is kept.
    ``wrapped=False``: only the statements, fit to be a migration file (the
    runner supplies the transaction and the foreign-key check).
    """
    lines: list[str] = ["-- Generated by aifp-migrate diff."]
    lines += [f"-- Data that cannot be brought back: {note}" for note in migration.notes]
    body = list(migration.statements())
    if not wrapped:
        return "\n".join(lines + body) + "\n"
    lines += [
        "-- Runs as one transaction: sqlite3 -bail DB < this-file",
        "PRAGMA foreign_keys=OFF;",
        "BEGIN IMMEDIATE;",
        *body,
        *foreign_key_guard(migration.checked_tables),
        "COMMIT;",
    ]
    return "\n".join(lines) + "\n"
