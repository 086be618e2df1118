"""Computed rollbacks: the inverse of a forward step, from the schemas before and after it.

A step without a hand-written rollback file is undone by ``diff(after,
before)``. That is only safe when the forward step destroyed nothing the
inverse would have to bring back: a step that drops a table or a column, or
that changes rows of a table that existed before it (UPDATE, DELETE, INSERT,
REPLACE), is refused. What the inverse itself throws away (the rows of a table
the step created, the values of a column it added) is named in ``losses``.
"""

from __future__ import annotations

from returns.result import Failure, Result, Success

from aifp_fp.computed import ComputedRollback, ComputedRollbacks, RollbackChoice
from aifp_fp.errors import NotInvertible
from aifp_fp.files import ForwardStep
from aifp_fp.render import quote
from aifp_fp.schema import Schema, fold, is_internal
from aifp_fp.sqltext import Statement, TokenKind, ascii_upper, meaningful, name_of, split_statements
from aifp_fp.statement import (
    AddColumn,
    CreateObject,
    RenameColumn,
    RenameTable,
    classify,
    classify_rename,
)
from aifp_fp.tables import TOOL_TABLES

__all__ = [
    "ComputedRollback",
    "ComputedRollbacks",
    "RollbackChoice",
    "compute_rollback",
    "invert_statements",
]

"""Tables whose rows record versions; a step may change them and still be invertible."""

_DATA_WORDS = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _target_of(statement: Statement) -> tuple[str, str] | None:
    """Return (verb, table) for a statement that writes rows of a table, else ``None``."""
    tokens = meaningful(statement.tokens)
    words = [ascii_upper(t.text) if t.kind is TokenKind.WORD else t.text for t in tokens]
    if not words:
        return None
    start = 0
    if words[0] == "WITH":
        start = next((i for i, w in enumerate(words) if w in _DATA_WORDS), len(words))
    if start >= len(words) or words[start] not in _DATA_WORDS:
        return None
    verb = words[start]
    at = start + 1
    if words[at : at + 1] == ["OR"]:
        at += 2
    if verb in ("INSERT", "REPLACE", "DELETE") and words[at : at + 1] in (["INTO"], ["FROM"]):
        at += 1
    if at + 2 < len(tokens) and tokens[at + 1].text == ".":
        at += 2
    if at >= len(tokens):
        return None
    return verb, name_of(tokens[at])


def data_changes(statements: tuple[Statement, ...], before: Schema) -> tuple[str, ...]:
    """Return a line for each statement that writes rows of a table that existed before it.

    Writes to tables the step itself creates, and to the version tables, are fine.
    """
    existing = {fold(t.name) for t in before.tables if fold(t.name) not in TOOL_TABLES}
    lines: list[str] = []
    for statement in statements:
        target = _target_of(statement)
        if target is None:
            continue
        verb, table = target
        if fold(table) in existing and not is_internal(table):
            lines.append(f"line {statement.line}: {verb} changes rows of table {table}")
    return tuple(lines)


def compute_rollback(
    step: ForwardStep, before: Schema, after: Schema
) -> Result[ComputedRollback, NotInvertible]:
    """Return the inverse of ``step`` (``diff(after, before)``), or why it would lose data.

    ``before`` and ``after`` are the schemas the migration set gives the
    versions around the step.
    """
    from aifp_fp.diff import diff  # the differ loads only when an inverse is computed
    from aifp_fp.render import render_script

    def refused(reasons: tuple[str, ...]) -> Result[ComputedRollback, NotInvertible]:
        return Failure(
            NotInvertible(
                step.source.database,
                step.source.display,
                str(step.to_version),
                str(step.from_version),
                reasons,
            )
        )

    forward = diff(before, after)
    if isinstance(forward, Failure):
        error = forward.failure()
        return refused((f"{error.kind} {error.name}: {error.reason}",))
    reasons = tuple(f"the step loses data: {note}" for note in forward.unwrap().notes)
    reasons += data_changes(split_statements(step.source.text).statements, before)
    if reasons:
        return refused(reasons)
    inverse = diff(after, before)
    if isinstance(inverse, Failure):
        error = inverse.failure()
        return refused((f"{error.kind} {error.name}: {error.reason}",))
    migration = inverse.unwrap()
    header = f"-- Computed inverse of {step.source.display} (no rollback file).\n"
    return Success(
        ComputedRollback(
            step,
            migration.statements(),
            migration.notes,
            header + render_script(migration, wrapped=False),
        )
    )


def _exact_inverse(statement: Statement, existed: frozenset[str]) -> tuple[str, str | None] | None:
    """Return (inverse statement, what it loses or None) when ``statement`` has an exact
    inverse, else None. ``existed`` holds the folded names of the objects before the step."""
    renamed = classify_rename(statement)
    if isinstance(renamed, RenameTable):
        return f"ALTER TABLE {quote(renamed.new)} RENAME TO {quote(renamed.old)};", None
    if isinstance(renamed, RenameColumn):
        table, old, new = quote(renamed.table), quote(renamed.old), quote(renamed.new)
        return f"ALTER TABLE {table} RENAME COLUMN {new} TO {old};", None
    kind = classify(statement)
    if isinstance(kind, AddColumn):
        lost = f"column {kind.table}.{kind.column} is dropped: its values cannot be brought back"
        return f"ALTER TABLE {quote(kind.table)} DROP COLUMN {quote(kind.column)};", lost
    words = statement.words()
    if not isinstance(kind, CreateObject) or words[1:2] in (("TEMP",), ("TEMPORARY",)):
        return None
    if fold(kind.name) in existed or is_internal(kind.name):
        return None  # CREATE IF NOT EXISTS of an object already there: nothing to undo exactly
    drop = f"DROP {kind.object_type.upper()} {quote(kind.name)};"
    if kind.object_type == "table":
        return drop, f"table {kind.name} is dropped: its rows cannot be brought back"
    return drop, None


def invert_statements(step: ForwardStep, before: Schema) -> ComputedRollback | None:
    """Return ``step``'s inverse built statement by statement, last first, or None.

    None unless every statement of the step has an exact inverse (see
    ``_exact_inverse``) or writes only the tool's version tables (the runner
    records versions itself). ``before`` is the schema at the step's start.
    """
    existed = before.names()
    inverses: list[str] = []
    losses: list[str] = []
    for statement in split_statements(step.source.text).statements:
        target = _target_of(statement)
        if target is not None:
            if fold(target[1]) in TOOL_TABLES:
                continue
            return None
        found = _exact_inverse(statement, existed)
        if found is None:
            return None
        inverse, lost = found
        inverses.insert(0, inverse)
        if lost is not None:
            losses.insert(0, lost)
    if not inverses:
        return None
    lines = [
        f"-- Computed inverse of {step.source.display} (no rollback file), statement by statement.",
        *(f"-- Data that cannot be brought back: {lost}" for lost in losses),
        *inverses,
    ]
    return ComputedRollback(step, tuple(inverses), tuple(losses), "\n".join(lines) + "\n")
