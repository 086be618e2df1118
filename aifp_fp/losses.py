"""What a step destroys: rows of dropped tables, values of dropped columns, rows it deletes or
rewrites; and the ``-- aifp-migrate: drops ...`` markers by which a file declares them.

``step_losses`` reads only the step's statements and the schema before it. It
follows the step statement by statement, keeping which tables and columns still
hold the data that was there before the step:

- ``DROP TABLE t`` loses the columns of ``t`` that no earlier ``INSERT ...
  SELECT`` (or ``CREATE TABLE ... AS SELECT``) of the step read: a rebuild that
  copies every column loses nothing, one that leaves a column out loses it;
- ``ALTER TABLE t DROP COLUMN c`` loses ``c`` unless it was copied out first;
- ``DELETE FROM t`` loses rows of ``t`` unless the step copied them elsewhere
  first (rows moved, not destroyed); ``UPDATE t SET c = ...`` rewrites the values
  of ``c``; ``REPLACE`` and ``INSERT OR REPLACE`` / ``ON CONFLICT DO UPDATE``
  replace rows of ``t``.

Tables and columns the step itself created or added hold no earlier data; the
tool's own tables and SQLite's (``sqlite_*``) are never losses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, TypeAlias

import attrs

from aifp_fp.schema import Schema, fold, is_internal
from aifp_fp.sqltext import Statement, Token, TokenKind, ascii_upper, meaningful, name_of
from aifp_fp.statement import column_definitions
from aifp_fp.tables import TOOL_TABLES
from aifp_fp.value import Value

LossKind: TypeAlias = Literal["table", "column", "deleted", "rewritten"]
Verb: TypeAlias = Literal["drops", "deletes", "rewrites"]

_VERBS: dict[LossKind, Verb] = {
    "table": "drops",
    "column": "drops",
    "deleted": "deletes",
    "rewritten": "rewrites",
}
_NAMES = frozenset({TokenKind.WORD, TokenKind.QUOTED_NAME, TokenKind.STRING})
_IDENTIFIERS = frozenset({TokenKind.WORD, TokenKind.QUOTED_NAME})


@attrs.frozen(slots=True, repr=False)
class Loss(Value):
    """Data a step destroys, which running the opposite direction cannot bring back.

    ``kind`` is ``table`` (every row of ``table``), ``column`` (every value of
    ``table.column``), ``deleted`` (rows of ``table`` a DELETE removes) or
    ``rewritten`` (values of ``table.column`` an UPDATE overwrites; rows a
    REPLACE overwrites when ``column`` is ``None``); ``line`` is where the
    destroying statement starts in ``file``.
    """

    kind: LossKind
    table: str
    column: str | None
    file: str
    line: int

    def verb(self) -> Verb:
        """Return the marker verb that declares this loss: drops, deletes or rewrites."""
        return _VERBS[self.kind]

    def describe(self) -> str:
        """Return the loss as a person reads it, e.g. ``drops table notes``."""
        match self.kind:
            case "table":
                return f"drops table {self.table}"
            case "column":
                return f"drops column {self.table}.{self.column}"
            case "deleted":
                return f"deletes rows of {self.table}"
            case "rewritten" if self.column is None:
                return f"replaces rows of {self.table}"
            case _:
                return f"rewrites values of {self.table}.{self.column}"

    def marker(self) -> str:
        """Return the comment line that declares this loss in its file."""
        name = self.table if self.column is None else f"{self.table}.{self.column}"
        return f"-- aifp-migrate: {self.verb()} {name}"


@attrs.define
class _Held:
    """A table during the walk: its name and the columns still holding earlier data."""

    name: str
    columns: dict[str, str]
    """Folded name -> name, for columns that hold the data from before the step."""
    copied: set[str] = attrs.field(factory=set)
    """Folded names of columns an earlier statement of the step copied elsewhere."""
    copied_rows: bool = False
    """Whether an earlier statement copied rows of this table elsewhere."""


def _words(tokens: tuple[Token, ...]) -> list[str]:
    return [ascii_upper(t.text) if t.kind is TokenKind.WORD else t.text for t in tokens]


def _name_at(tokens: tuple[Token, ...], at: int) -> tuple[str, int] | None:
    """Return the (possibly ``schema.``-qualified) name at ``at`` and the index after it."""
    if at + 2 < len(tokens) and tokens[at + 1].text == ".":
        at += 2
    if at >= len(tokens) or tokens[at].kind not in _NAMES:
        return None
    return name_of(tokens[at]), at + 1


def _start_held(before: Schema | None) -> dict[str, _Held] | None:
    if before is None:
        return None
    held: dict[str, _Held] = {}
    for table in before.tables:
        if fold(table.name) in TOOL_TABLES or is_internal(table.name):
            continue
        held[fold(table.name)] = _Held(table.name, {fold(c.name): c.name for c in table.columns})
    for virtual in before.virtual_tables:  # external-content FTS holds no data of its own
        if virtual.option("content") is None:
            held[fold(virtual.name)] = _Held(virtual.name, {fold(c): c for c in virtual.columns})
    return held


class _Walk:
    """Follows one step's statements; ``held`` is ``None`` when the schema before is unknown
    (then every table the step did not create counts as holding data, columns unknown)."""

    def __init__(self, file: str, before: Schema | None) -> None:
        self.file = file
        self.held = _start_held(before)
        self.created: set[str] = set()
        self.fresh: dict[str, _Held] = {}
        """Tables the step created that hold no earlier data yet (folded name -> state)."""
        self.copied_from: set[str] = set()
        self.added: set[tuple[str, str]] = set()
        """(table, column), folded: columns the step added (only tracked with no schema)."""
        self.losses: list[Loss] = []

    def holds(self, table: str) -> _Held | None:
        """Return the held state of ``table``: a placeholder when the schema is unknown."""
        key = fold(table)
        if key in TOOL_TABLES or is_internal(table):
            return None
        if self.held is not None:
            return self.held.get(key)
        if key in self.created:
            return None
        return _Held(table, {}, copied_rows=key in self.copied_from)

    def lose(self, kind: LossKind, table: str, column: str | None, line: int) -> None:
        self.losses.append(Loss(kind, table, column, self.file, line))

    def statement(self, statement: Statement) -> None:
        tokens = tuple(t for t in meaningful(statement.tokens) if t.kind is not TokenKind.SEMICOLON)
        words = _words(tokens)
        if words[:1] == ["WITH"]:
            verb = next((i for i, w in enumerate(words) if w in _WRITERS), None)
            if verb is None:
                return
            self.copies(tokens, words, statement.line)
            tokens, words = tokens[verb:], words[verb:]
        if words[:1] == ["CREATE"]:
            self.create(tokens, words, statement.text)
        elif words[:2] == ["DROP", "TABLE"]:
            self.drop_table(tokens, words, statement.line)
        elif words[:2] == ["ALTER", "TABLE"]:
            self.alter(tokens, words, statement.line)
        elif words[:1] in (["INSERT"], ["REPLACE"]):
            self.insert(tokens, words, statement.line)
        elif words[:1] == ["DELETE"]:
            self.delete(tokens, words, statement.line)
        elif words[:1] == ["UPDATE"]:
            self.update(tokens, words, statement.line)

    def copies(self, tokens: tuple[Token, ...], words: list[str], line: int) -> bool:
        """Mark the columns a SELECT inside the statement reads as copied elsewhere; return
        whether it reads a table holding earlier data."""
        if "SELECT" not in words:
            return False
        start = words.index("SELECT")
        body = tokens[start:]
        names = {fold(name_of(t)) for t in body if t.kind in _IDENTIFIERS}
        star = any(t.text == "*" for t in body)
        if self.held is None:
            self.copied_from |= names
            return False
        read = False
        for key in names:
            held = self.held.get(key)
            if held is None:
                continue
            read = True
            held.copied_rows = True
            held.copied |= set(held.columns) if star else names & set(held.columns)
        return read

    def create(self, tokens: tuple[Token, ...], words: list[str], text: str) -> None:
        at = 1
        while at < len(words) and words[at] in ("TEMP", "TEMPORARY", "VIRTUAL"):
            at += 1
        if words[at : at + 1] != ["TABLE"]:
            return
        at += 1
        if words[at : at + 3] == ["IF", "NOT", "EXISTS"]:
            at += 3
        found = _name_at(tokens, at)
        if found is None:
            return
        name = found[0]
        if self.held is not None and fold(name) in self.held:
            return  # CREATE of an existing table: skipped or refused, it replaces nothing
        self.created.add(fold(name))
        if self.held is not None:
            columns = column_definitions(text)
            self.fresh[fold(name)] = _Held(name, {fold(c): c for c in columns})
        if self.copies(tokens, words, 0):
            self.receives(name)

    def receives(self, table: str) -> None:
        """A table the step created got rows copied from earlier data: it now holds them."""
        fresh = self.fresh.pop(fold(table), None)
        if fresh is not None and self.held is not None:
            self.held[fold(table)] = fresh
            self.created.discard(fold(table))

    def drop_table(self, tokens: tuple[Token, ...], words: list[str], line: int) -> None:
        at = 4 if words[2:4] == ["IF", "EXISTS"] else 2
        found = _name_at(tokens, at)
        if found is None:
            return
        name = found[0]
        held = self.holds(name)
        if held is not None:
            if self.held is None:
                if not held.copied_rows:
                    self.lose("table", name, None, line)
            elif not held.copied:
                self.lose("table", held.name, None, line)
            else:
                for key, column in held.columns.items():
                    if key not in held.copied:
                        self.lose("column", held.name, column, line)
        if self.held is not None:
            self.held.pop(fold(name), None)
        self.created.discard(fold(name))
        self.fresh.pop(fold(name), None)

    def alter(self, tokens: tuple[Token, ...], words: list[str], line: int) -> None:
        found = _name_at(tokens, 2)
        if found is None:
            return
        table, at = found
        rest = words[at:]
        if rest[:2] == ["RENAME", "TO"]:
            renamed = _name_at(tokens, at + 2)
            if renamed is not None:
                self.rename(table, renamed[0])
        elif rest[:1] == ["RENAME"]:
            column_at = at + 2 if rest[1:2] == ["COLUMN"] else at + 1
            old = _name_at(tokens, column_at)
            new = _name_at(tokens, column_at + 2)
            held = self.holds(table)
            if old is not None and new is not None and held is not None:
                kept = held.columns.pop(fold(old[0]), None)
                if kept is not None:
                    held.columns[fold(new[0])] = new[0]
        elif rest[:1] == ["ADD"]:
            column = _name_at(tokens, at + 2 if rest[1:2] == ["COLUMN"] else at + 1)
            if column is not None:
                self.added.add((fold(table), fold(column[0])))
        elif rest[:1] == ["DROP"]:
            column_at = at + 2 if rest[1:2] == ["COLUMN"] else at + 1
            column = _name_at(tokens, column_at)
            held = self.holds(table)
            if column is None or held is None:
                return
            if self.held is None:
                if (fold(table), fold(column[0])) not in self.added:
                    self.lose("column", table, column[0], line)
                return
            key = fold(column[0])
            if key in held.columns and key not in held.copied:
                self.lose("column", held.name, held.columns[key], line)
            held.columns.pop(key, None)

    def rename(self, old: str, new: str) -> None:
        if self.held is not None:
            held = self.held.pop(fold(old), None)
            if held is not None:
                held.name = new
                self.held[fold(new)] = held
        if fold(old) in self.created:
            self.created.discard(fold(old))
            self.created.add(fold(new))
        fresh = self.fresh.pop(fold(old), None)
        if fresh is not None:
            fresh.name = new
            self.fresh[fold(new)] = fresh

    def insert(self, tokens: tuple[Token, ...], words: list[str], line: int) -> None:
        at = 1
        replaces = words[0] == "REPLACE"
        if words[1:3] == ["OR", "REPLACE"]:
            replaces, at = True, 3
        elif words[1:2] == ["OR"]:
            at = 3
        if words[at : at + 1] == ["INTO"]:
            at += 1
        found = _name_at(tokens, at)
        read = self.copies(tokens, words, line)
        if found is None:
            return
        if read:
            self.receives(found[0])
        replaces = replaces or _upserts(words)
        held = self.holds(found[0])
        if replaces and held is not None:
            self.lose("rewritten", held.name, None, line)

    def delete(self, tokens: tuple[Token, ...], words: list[str], line: int) -> None:
        found = _name_at(tokens, 2 if words[1:2] == ["FROM"] else 1)
        if found is None:
            return
        held = self.holds(found[0])
        if held is not None and not held.copied_rows:
            self.lose("deleted", held.name, None, line)

    def update(self, tokens: tuple[Token, ...], words: list[str], line: int) -> None:
        at = 3 if words[1:2] == ["OR"] else 1
        found = _name_at(tokens, at)
        if found is None:
            return
        held = self.holds(found[0])
        if held is None:
            return
        for column in _set_columns(tokens, words, found[1]):
            key = fold(column)
            if self.held is None:
                if (fold(held.name), key) not in self.added:
                    self.lose("rewritten", held.name, column, line)
            elif key in held.columns:
                self.lose("rewritten", held.name, held.columns[key], line)


_WRITERS = frozenset({"INSERT", "REPLACE", "UPDATE", "DELETE"})


def _upserts(words: list[str]) -> bool:
    """Whether an INSERT has ``ON CONFLICT ... DO UPDATE``: it overwrites existing rows."""
    return any(words[at : at + 2] == ["DO", "UPDATE"] for at in range(len(words) - 1))


def _set_columns(tokens: tuple[Token, ...], words: list[str], start: int) -> list[str]:
    """Return the columns an UPDATE's SET clause assigns (``a = ...`` and ``(a, b) = ...``)."""
    if "SET" not in words[start:]:
        return []
    at = words.index("SET", start) + 1
    columns: list[str] = []
    depth = 0
    expect = True
    for index in range(at, len(tokens)):
        token, word = tokens[index], words[index]
        if depth == 0 and word in ("FROM", "WHERE", "RETURNING", "ORDER", "LIMIT"):
            break
        if token.text == "(":
            if expect and depth == 0:
                group = _paren_names(tokens, index)
                columns += group
                expect = False
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif token.text == "," and depth == 0:
            expect = True
        elif expect and depth == 0 and token.kind in _NAMES:
            columns.append(name_of(token))
            expect = False
    return columns


def _paren_names(tokens: tuple[Token, ...], at: int) -> list[str]:
    names: list[str] = []
    for token in tokens[at + 1 :]:
        if token.text == ")":
            break
        if token.kind in _NAMES:
            names.append(name_of(token))
    return names


def step_losses(
    file: str, statements: Iterable[Statement], before: Schema | None
) -> tuple[Loss, ...]:
    """Return what a step's statements destroy, in order, given the schema before the step.

    With ``before`` unknown (``None``), every table the step did not create
    counts as holding data, and a rebuild counts as copying every column.
    """
    walk = _Walk(file, before)
    for statement in statements:
        walk.statement(statement)
    return tuple(walk.losses)


# --- markers ------------------------------------------------------------------------------

_MARKER = re.compile(r"^\s*--\s*aifp-migrate:\s*(drops|deletes|rewrites)\b(.*)$", re.IGNORECASE)


@attrs.frozen(slots=True, repr=False)
class Declared(Value):
    """One name a file's marker declares: ``verb`` and ``table`` or ``table.column``."""

    verb: Verb
    name: str
    line: int

    def covers(self, loss: Loss) -> bool:
        """Return whether this declaration names ``loss``: its table, or its exact column."""
        if loss.verb() != self.verb:
            return False
        wanted = fold(self.name)
        if wanted == fold(loss.table):
            return True
        return loss.column is not None and wanted == fold(f"{loss.table}.{loss.column}")


def declared_losses(text: str) -> tuple[Declared, ...]:
    """Return every name declared by ``-- aifp-migrate: drops|deletes|rewrites NAME, ...`` lines.

    Names are separated by commas; words after a name's first are a comment.
    """
    found: list[Declared] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _MARKER.match(line)
        if match is None:
            continue
        verb: Verb = "drops"
        for candidate in ("drops", "deletes", "rewrites"):
            if match.group(1).lower() == candidate:
                verb = candidate
        for item in match.group(2).split(","):
            words = item.split()
            if words:
                found.append(Declared(verb, words[0].strip("\"'`"), number))
    return tuple(found)


@attrs.frozen(slots=True, repr=False)
class LossAudit(Value):
    """A file's losses against its markers: what it does not declare, and what it declares
    but does not lose."""

    undeclared: tuple[Loss, ...]
    stale: tuple[Declared, ...]


def audit_losses(text: str, losses: tuple[Loss, ...]) -> LossAudit:
    """Return the losses no marker of ``text`` declares, and the markers that name no loss."""
    declared = declared_losses(text)
    undeclared = tuple(loss for loss in losses if not any(d.covers(loss) for d in declared))
    stale = tuple(d for d in declared if not any(d.covers(loss) for loss in losses))
    return LossAudit(undeclared, stale)
