"""Building a ``Schema`` from what SQLite reports: catalog rows, column rows and CREATE text.

The shell reads ``sqlite_master``, ``PRAGMA table_list`` and ``PRAGMA
table_xinfo`` and hands the rows over as plain values; everything SQLite's
PRAGMAs do not report (CHECK constraints, AUTOINCREMENT, COLLATE, generated
expressions, UNIQUE sets, foreign keys with their deferral, WITHOUT ROWID,
STRICT, index terms, virtual table arguments) is read here from the CREATE
text with the core tokenizer.
"""

from __future__ import annotations

import attrs

from aifp_fp.schema import (
    Column,
    ForeignKey,
    Index,
    Schema,
    Table,
    Trigger,
    View,
    VirtualTable,
    compact,
    fold,
    is_internal,
)
from aifp_fp.sqltext import Token, TokenKind, meaningful, name_of, normalized, tokenize
from aifp_fp.statement import object_signature
from aifp_fp.value import Value


@attrs.frozen(slots=True, repr=False)
class CatalogRow(Value):
    """One row of ``sqlite_master`` with the ``PRAGMA table_list`` type of its name."""

    type: str
    """``table``, ``index``, ``view`` or ``trigger``."""
    name: str
    table: str
    sql: str | None
    list_type: str = ""
    """``PRAGMA table_list`` type for tables: ``table``, ``virtual``, ``shadow``."""


@attrs.frozen(slots=True, repr=False)
class ColumnRow(Value):
    """One row of ``PRAGMA table_xinfo``."""

    name: str
    type: str
    not_null: bool
    default: str | None
    pk: int
    hidden: int


@attrs.frozen(slots=True, repr=False)
class ColumnExtras(Value):
    """What a column definition declares beyond ``PRAGMA table_xinfo``'s columns."""

    name: str
    definition: str
    collate: str | None
    generated: tuple[str, ...] | None
    stored: bool
    checks: tuple[tuple[str, ...], ...]
    references: ForeignKey | None
    unique: bool
    autoincrement: bool


@attrs.frozen(slots=True, repr=False)
class TableText(Value):
    """What a CREATE TABLE statement declares, read from its text."""

    columns: tuple[ColumnExtras, ...]
    checks: frozenset[tuple[str, ...]]
    uniques: frozenset[tuple[str, ...]]
    foreign_keys: frozenset[ForeignKey]
    autoincrement: bool
    without_rowid: bool
    strict: bool


_COLUMN_CONSTRAINT_STARTS = frozenset(
    {
        "CONSTRAINT",
        "PRIMARY",
        "NOT",
        "NULL",
        "UNIQUE",
        "CHECK",
        "DEFAULT",
        "COLLATE",
        "REFERENCES",
        "GENERATED",
        "AS",
    }
)
_TABLE_CONSTRAINT_STARTS = frozenset({"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"})


def _word(token: Token) -> str:
    return token.text.upper() if token.kind is TokenKind.WORD else ""


def _group_end(tokens: tuple[Token, ...], start: int) -> int:
    """Return the index just past the ``)`` matching the ``(`` at ``start``."""
    depth = 0
    for at in range(start, len(tokens)):
        if tokens[at].text == "(":
            depth += 1
        elif tokens[at].text == ")":
            depth -= 1
            if depth == 0:
                return at + 1
    return len(tokens)


def _split_top(tokens: tuple[Token, ...]) -> tuple[tuple[Token, ...], ...]:
    """Return ``tokens`` cut at commas outside parentheses."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif token.text == "," and depth == 0:
            parts.append([])
            continue
        parts[-1].append(token)
    return tuple(tuple(part) for part in parts)


def _body(tokens: tuple[Token, ...]) -> tuple[tuple[Token, ...], tuple[Token, ...]]:
    """Return the tokens inside the first top-level parentheses, and those after them."""
    start = next((i for i, t in enumerate(tokens) if t.text == "("), None)
    if start is None:
        return (), ()
    end = _group_end(tokens, start)
    return tokens[start + 1 : end - 1], tokens[end:]


def _strip(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    start, end = 0, len(tokens)
    while start < end and tokens[start].kind in (TokenKind.SPACE, TokenKind.COMMENT):
        start += 1
    while end > start and tokens[end - 1].kind in (TokenKind.SPACE, TokenKind.COMMENT):
        end -= 1
    return tokens[start:end]


def _terms(tokens: tuple[Token, ...]) -> tuple[tuple[str, ...], ...]:
    """Return the normalized terms of an indexed-column list (a trailing ASC dropped)."""
    terms: list[tuple[str, ...]] = []
    for part in _split_top(meaningful(tokens)):
        words = normalized(part)
        if words[-1:] == ("ASC",):
            words = words[:-1]
        terms.append(words)
    return tuple(terms)


def _foreign_key_clause(
    tokens: tuple[Token, ...], at: int, columns: tuple[str, ...]
) -> tuple[ForeignKey, int]:
    """Parse ``REFERENCES t [(cols)] [actions] [deferral]`` starting at ``at``."""
    at += 1
    ref_table = name_of(tokens[at]).upper() if at < len(tokens) else ""
    at += 1
    ref_columns: tuple[str, ...] = ()
    if at < len(tokens) and tokens[at].text == "(":
        end = _group_end(tokens, at)
        ref_columns = tuple(
            name_of(part[0]).upper() for part in _split_top(tokens[at + 1 : end - 1]) if part
        )
        at = end
    actions = {"DELETE": "NO ACTION", "UPDATE": "NO ACTION"}
    deferred = False
    while at < len(tokens):
        word = _word(tokens[at])
        if word == "ON" and at + 2 < len(tokens):
            event = _word(tokens[at + 1])
            action = _word(tokens[at + 2])
            at += 3
            if action in ("SET", "NO") and at < len(tokens):
                action = f"{action} {_word(tokens[at])}"
                at += 1
            actions[event] = action
        elif word == "MATCH":
            at += 2
        elif word == "DEFERRABLE" or (word == "NOT" and _peek(tokens, at, "DEFERRABLE")):
            negated = word == "NOT"
            at += 2 if negated else 1
            if at + 1 < len(tokens) and _word(tokens[at]) == "INITIALLY":
                deferred = not negated and _word(tokens[at + 1]) == "DEFERRED"
                at += 2
        else:
            break
    key = ForeignKey(
        columns, ref_table, ref_columns, actions["DELETE"], actions["UPDATE"], deferred
    )
    return key, at


def _column(part: tuple[Token, ...]) -> ColumnExtras:
    tokens = meaningful(part)
    name = name_of(tokens[0])
    at = 1
    while at < len(tokens) and _word(tokens[at]) not in _COLUMN_CONSTRAINT_STARTS:
        at = _group_end(tokens, at) if tokens[at].text == "(" else at + 1
    collate: str | None = None
    generated: tuple[str, ...] | None = None
    stored = unique = autoincrement = False
    checks: list[tuple[str, ...]] = []
    references: ForeignKey | None = None
    while at < len(tokens):
        word = _word(tokens[at])
        if word == "CHECK" and at + 1 < len(tokens):
            end = _group_end(tokens, at + 1)
            checks.append(normalized(tokens[at + 2 : end - 1]))
            at = end
        elif word in ("DEFAULT", "AS") and at + 1 < len(tokens) and tokens[at + 1].text == "(":
            end = _group_end(tokens, at + 1)
            if word == "AS":
                generated = normalized(tokens[at + 2 : end - 1])
            at = end
        elif word == "COLLATE" and at + 1 < len(tokens):
            collate = name_of(tokens[at + 1]).upper()
            at += 2
        elif word == "REFERENCES":
            references, at = _foreign_key_clause(tokens, at, (name.upper(),))
        elif word in ("CONSTRAINT", "DEFAULT") or (word == "ON" and _peek(tokens, at, "CONFLICT")):
            at += 3 if word == "ON" else 2
            if word == "DEFAULT" and tokens[at - 1].text in ("+", "-"):
                at += 1
        else:
            unique = unique or word == "UNIQUE"
            autoincrement = autoincrement or word == "AUTOINCREMENT"
            stored = stored or word == "STORED"
            at += 1
    text = "".join(token.text for token in _strip(part))
    return ColumnExtras(
        name, text, collate, generated, stored, tuple(checks), references, unique, autoincrement
    )


def _peek(tokens: tuple[Token, ...], at: int, word: str) -> bool:
    return at + 1 < len(tokens) and _word(tokens[at + 1]) == word


@attrs.frozen(slots=True, repr=False)
class _TableConstraints(Value):
    checks: tuple[tuple[str, ...], ...] = ()
    uniques: tuple[tuple[str, ...], ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()


def _table_constraint(part: tuple[Token, ...]) -> _TableConstraints:
    tokens = meaningful(part)
    at = 2 if _word(tokens[0]) == "CONSTRAINT" else 0
    word = _word(tokens[at]) if at < len(tokens) else ""
    group = next((i for i in range(at, len(tokens)) if tokens[i].text == "("), None)
    if group is None:
        return _TableConstraints()
    end = _group_end(tokens, group)
    inside = tokens[group + 1 : end - 1]
    if word == "CHECK":
        return _TableConstraints(checks=(normalized(inside),))
    if word == "UNIQUE":
        return _TableConstraints(uniques=(tuple(compact(t) for t in _terms(inside)),))
    if word == "FOREIGN" and end < len(tokens) and _word(tokens[end]) == "REFERENCES":
        columns = tuple(name_of(p[0]).upper() for p in _split_top(inside) if p)
        key, _ = _foreign_key_clause(tokens, end, columns)
        return _TableConstraints(foreign_keys=(key,))
    return _TableConstraints()


def parse_create_table(sql: str) -> TableText:
    """Return what a CREATE TABLE statement declares beyond the PRAGMA column rows."""
    inside, after = _body(tokenize(sql))
    columns: list[ColumnExtras] = []
    checks: set[tuple[str, ...]] = set()
    uniques: set[tuple[str, ...]] = set()
    keys: set[ForeignKey] = set()
    for part in _split_top(inside):
        words = meaningful(part)
        if not words:
            continue
        if _word(words[0]) in _TABLE_CONSTRAINT_STARTS:
            found = _table_constraint(part)
            checks.update(found.checks)
            uniques.update(found.uniques)
            keys.update(found.foreign_keys)
        else:
            column = _column(part)
            columns.append(column)
            if column.unique:
                uniques.add((column.name.upper(),))
    options = {_word(t) for t in meaningful(after)}
    return TableText(
        tuple(columns),
        frozenset(checks),
        frozenset(uniques),
        frozenset(keys),
        any(c.autoincrement for c in columns),
        "WITHOUT" in options,
        "STRICT" in options,
    )


def _words_text(text: str) -> str:
    return compact(normalized(tokenize(text)))


def table_of(name: str, sql: str, rows: tuple[ColumnRow, ...]) -> Table:
    """Return the table described by its CREATE text and its ``table_xinfo`` rows."""
    text = parse_create_table(sql)
    extras = {fold(c.name): c for c in text.columns}
    columns: list[Column] = []
    for row in rows:
        extra = extras.get(fold(row.name))
        default = None if row.default is None else normalized(tokenize(row.default))
        columns.append(
            Column(
                name=row.name,
                type=_words_text(row.type),
                not_null=row.not_null,
                default=default,
                pk=row.pk,
                collate=extra.collate if extra else None,
                generated=extra.generated if extra else None,
                stored=row.hidden == 3,
                checks=extra.checks if extra else (),
                references=extra.references if extra else None,
                definition=extra.definition if extra else row.name,
            )
        )
    return Table(
        name=name,
        columns=tuple(columns),
        checks=text.checks,
        uniques=text.uniques,
        foreign_keys=text.foreign_keys,
        autoincrement=text.autoincrement,
        without_rowid=text.without_rowid,
        strict=text.strict,
        sql=sql,
    )


def index_of(name: str, table: str, sql: str) -> Index:
    """Return the index a CREATE INDEX statement defines."""
    tokens = meaningful(tokenize(sql))
    unique = len(tokens) > 1 and _word(tokens[1]) == "UNIQUE"
    inside, after = _body(tokens)
    after = after[:-1] if after and after[-1].kind is TokenKind.SEMICOLON else after
    where = normalized(after[1:]) if after and _word(after[0]) == "WHERE" else None
    return Index(name, table, unique, _terms(inside), where, sql)


def _module_columns(arguments: tuple[tuple[Token, ...], ...]) -> tuple[str, ...]:
    """Return the column names among module arguments (those that are not ``key=value``)."""
    return tuple(
        name_of(argument[0])
        for argument in arguments
        if argument and not any(t.text == "=" for t in argument)
    )


def virtual_table_of(name: str, sql: str) -> VirtualTable:
    """Return the virtual table a CREATE VIRTUAL TABLE statement defines."""
    tokens = meaningful(tokenize(sql))
    using = next((i for i, t in enumerate(tokens) if _word(t) == "USING"), len(tokens) - 1)
    module = name_of(tokens[using + 1]).upper() if using + 1 < len(tokens) else ""
    inside, _ = _body(tokens[using:])
    arguments = tuple(meaningful(part) for part in _split_top(inside) if meaningful(part))
    return VirtualTable(
        name,
        module,
        tuple(normalized(part) for part in arguments),
        _module_columns(arguments),
        sql,
    )


def schema_from_catalog(
    rows: tuple[CatalogRow, ...], columns: tuple[tuple[str, tuple[ColumnRow, ...]], ...]
) -> Schema:
    """Return the schema of a database from its catalog rows and per-table column rows.

    Internal ``sqlite_*`` objects, ``schema_history``, shadow tables of virtual
    tables and objects without SQL (automatic indexes) are left out.
    """
    column_rows = {fold(name): table_rows for name, table_rows in columns}
    tables: list[Table] = []
    virtual: list[VirtualTable] = []
    indexes: list[Index] = []
    triggers: list[Trigger] = []
    views: list[View] = []
    for row in rows:
        if row.sql is None or is_internal(row.name) or row.list_type == "shadow":
            continue
        if row.type == "table" and (row.list_type == "virtual" or _is_virtual(row.sql)):
            virtual.append(virtual_table_of(row.name, row.sql))
        elif row.type == "table":
            tables.append(table_of(row.name, row.sql, column_rows.get(fold(row.name), ())))
        elif row.type == "index" and not is_internal(row.table):
            indexes.append(index_of(row.name, row.table, row.sql))
        elif row.type == "trigger" and not is_internal(row.table):
            triggers.append(Trigger(row.name, row.table, object_signature(row.sql), row.sql))
        elif row.type == "view":
            views.append(View(row.name, object_signature(row.sql), row.sql))
    return Schema(tuple(tables), tuple(indexes), tuple(triggers), tuple(views), tuple(virtual))


def _is_virtual(sql: str) -> bool:
    words = normalized(tokenize(sql))
    return words[:3] == ("CREATE", "VIRTUAL", "TABLE")
