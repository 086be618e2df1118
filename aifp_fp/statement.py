"""What a migration statement does, as far as the runner must know before running it."""

from __future__ import annotations

from typing import TypeAlias

import attrs

from aifp_fp.sqltext import (
    Statement,
    Token,
    TokenKind,
    ascii_upper,
    meaningful,
    name_of,
    normalized,
    tokenize,
)
from aifp_fp.value import Value

FORBIDDEN_PRAGMAS = frozenset(
    {
        "JOURNAL_MODE",
        "SYNCHRONOUS",
        "FOREIGN_KEYS",
        "WRITABLE_SCHEMA",
        "LOCKING_MODE",
        "TRUSTED_SCHEMA",
        "SCHEMA_VERSION",
    }
)
"""PRAGMAs that change the safety settings the runner relies on (``schema_version``: the
schema cookie every connection trusts; setting it wrongly corrupts the database)."""

_TRANSACTION_WORDS = frozenset({"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"})
_ESCAPE_WORDS = frozenset({"ATTACH", "DETACH", "VACUUM"})
_OBJECT_TYPES = ("TABLE", "INDEX", "VIEW", "TRIGGER")


@attrs.frozen(slots=True, repr=False)
class CreateObject(Value):
    """``CREATE [TEMP] TABLE|INDEX|VIEW|TRIGGER|VIRTUAL TABLE [IF NOT EXISTS] name``."""

    object_type: str
    """``table``, ``index``, ``view`` or ``trigger`` (a virtual table is a ``table``)."""
    name: str
    if_not_exists: bool


@attrs.frozen(slots=True, repr=False)
class DropObject(Value):
    """``DROP TABLE|INDEX|VIEW|TRIGGER [IF EXISTS] name``."""

    object_type: str
    name: str
    if_exists: bool


@attrs.frozen(slots=True, repr=False)
class AddColumn(Value):
    """``ALTER TABLE t ADD [COLUMN] definition``."""

    table: str
    column: str
    definition: tuple[str, ...]
    """The column definition, normalized (see ``sqltext.normalized``)."""


@attrs.frozen(slots=True, repr=False)
class OtherStatement(Value):
    """Any statement whose effect the runner does not need to foresee."""


StatementKind: TypeAlias = CreateObject | DropObject | AddColumn | OtherStatement


def _words(tokens: tuple[Token, ...]) -> tuple[str, ...]:
    return tuple(
        ascii_upper(token.text) if token.kind is TokenKind.WORD else "" for token in tokens
    )


def _qualified_name(tokens: tuple[Token, ...], at: int) -> tuple[str, int]:
    """Return the object name at ``at`` (skipping a ``schema.`` prefix) and the next index."""
    if at + 2 < len(tokens) and tokens[at + 1].text == ".":
        return name_of(tokens[at + 2]), at + 3
    if at < len(tokens):
        return name_of(tokens[at]), at + 1
    return "", at


def classify(statement: Statement) -> StatementKind:
    """Return what a statement creates, drops or alters, or ``OtherStatement``."""
    tokens = meaningful(statement.tokens)
    words = _words(tokens)
    if len(words) < 3:
        return OtherStatement()
    if words[0] == "CREATE":
        at = 1
        if words[at] in ("TEMP", "TEMPORARY"):
            at += 1
        if words[at] == "UNIQUE":
            at += 1
        if words[at] == "VIRTUAL" and words[at + 1 : at + 2] == ("TABLE",):
            object_type, at = "table", at + 2
        elif words[at] in _OBJECT_TYPES:
            object_type, at = words[at].lower(), at + 1
        else:
            return OtherStatement()
        if_not_exists = words[at : at + 3] == ("IF", "NOT", "EXISTS")
        at += 3 if if_not_exists else 0
        name, _ = _qualified_name(tokens, at)
        return CreateObject(object_type, name, if_not_exists)
    if words[0] == "DROP" and words[1] in _OBJECT_TYPES:
        at = 2
        if_exists = words[at : at + 2] == ("IF", "EXISTS")
        at += 2 if if_exists else 0
        name, _ = _qualified_name(tokens, at)
        return DropObject(words[1].lower(), name, if_exists)
    if words[:2] == ("ALTER", "TABLE"):
        table, at = _qualified_name(tokens, 2)
        if words[at : at + 1] != ("ADD",):
            return OtherStatement()
        at += 1
        if words[at : at + 1] == ("COLUMN",):
            at += 1
        definition = tokens[at:]
        if definition and definition[-1].kind is TokenKind.SEMICOLON:
            definition = definition[:-1]
        if not definition:
            return OtherStatement()
        return AddColumn(table, name_of(definition[0]), normalized(definition))
    return OtherStatement()


@attrs.frozen(slots=True, repr=False)
class RenameTable(Value):
    """``ALTER TABLE old RENAME TO new``."""

    old: str
    new: str


@attrs.frozen(slots=True, repr=False)
class RenameColumn(Value):
    """``ALTER TABLE table RENAME [COLUMN] old TO new``."""

    table: str
    old: str
    new: str


def classify_rename(statement: Statement) -> RenameTable | RenameColumn | None:
    """Return the rename an ``ALTER TABLE ... RENAME`` statement makes, else ``None``."""
    tokens = meaningful(statement.tokens)
    if tokens and tokens[-1].kind is TokenKind.SEMICOLON:
        tokens = tokens[:-1]
    words = _words(tokens)
    if words[:2] != ("ALTER", "TABLE"):
        return None
    table, at = _qualified_name(tokens, 2)
    if words[at : at + 1] != ("RENAME",):
        return None
    at += 1
    if words[at : at + 1] == ("TO",) and len(tokens) == at + 2:
        return RenameTable(table, name_of(tokens[at + 1]))
    if words[at : at + 1] == ("COLUMN",):
        at += 1
    if len(tokens) == at + 3 and words[at + 1] == "TO":
        return RenameColumn(table, name_of(tokens[at]), name_of(tokens[at + 2]))
    return None


def refusal(statement: Statement) -> str | None:
    """Return why a migration file may not run this statement, or ``None`` if it may.

    Refused: transaction control (the runner owns the transaction), ATTACH,
    DETACH and VACUUM (they reach other files or cannot run in a transaction),
    ``load_extension`` and the PRAGMAs that change safety settings.
    """
    tokens = meaningful(statement.tokens)
    if not tokens:
        return None
    first = ascii_upper(tokens[0].text) if tokens[0].kind is TokenKind.WORD else ""
    if first in _TRANSACTION_WORDS:
        return f"{first} would escape the transaction the tool runs every step in"
    if first in _ESCAPE_WORDS:
        return f"{first} reaches outside the database being migrated"
    if first == "PRAGMA" and len(tokens) > 1:
        name, _ = _qualified_name(tokens, 1)
        if ascii_upper(name) in FORBIDDEN_PRAGMAS:
            if ascii_upper(name) == "SCHEMA_VERSION":
                return (
                    "PRAGMA schema_version rewrites the schema cookie (it can corrupt the database)"
                )
            return f"PRAGMA {name.lower()} changes a safety setting the tool relies on"
    for index, token in enumerate(tokens):
        if (
            token.kind is TokenKind.WORD
            and ascii_upper(token.text) == "LOAD_EXTENSION"
            and index + 1 < len(tokens)
            and tokens[index + 1].text == "("
        ):
            return "load_extension() would load native code into the tool"
    return None


def _strip_if_not_exists(words: tuple[str, ...]) -> tuple[str, ...]:
    """Drop ``IF NOT EXISTS`` and a ``main.`` qualifier from a CREATE's head, as SQLite does."""
    for at in range(min(len(words) - 2, 6)):
        if words[at : at + 3] == ("IF", "NOT", "EXISTS"):
            words = words[:at] + words[at + 3 :]
            break
    for at in range(min(len(words) - 1, 6)):
        if words[at : at + 2] == ("MAIN", "."):
            return words[:at] + words[at + 2 :]
    return words


def object_signature(sql: str | tuple[Token, ...]) -> tuple[str, ...]:
    """Return the form in which two CREATE statements compare equal when they mean the same.

    Comments, whitespace, keyword case, name quoting, ``IF NOT EXISTS`` and a
    final ``;`` make no difference.
    """
    tokens = tokenize(sql) if isinstance(sql, str) else sql
    words = normalized(tokens)
    if words and words[-1] == ";":
        words = words[:-1]
    return _strip_if_not_exists(words)


def column_definitions(create_table_sql: str) -> dict[str, tuple[str, ...]]:
    """Return each column's normalized definition in a CREATE TABLE, keyed by upper-cased name.

    Table constraints (PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY, CONSTRAINT) are
    not columns and are left out.
    """
    tokens = meaningful(tokenize(create_table_sql))
    start = next((i for i, token in enumerate(tokens) if token.text == "("), None)
    if start is None:
        return {}
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens[start + 1 :]:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            if depth == 0:
                break
            depth -= 1
        elif token.text == "," and depth == 0:
            parts.append([])
            continue
        parts[-1].append(token)
    columns: dict[str, tuple[str, ...]] = {}
    for part in parts:
        if not part:
            continue
        head = ascii_upper(part[0].text) if part[0].kind is TokenKind.WORD else ""
        if head in ("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"):
            continue
        columns[ascii_upper(name_of(part[0]))] = normalized(tuple(part))
    return columns
