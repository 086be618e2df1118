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
from aifp_fp.schema import Schema, fold, is_internal
from aifp_fp.sqltext import Statement, TokenKind, ascii_upper, meaningful, name_of, split_statements
from aifp_fp.tables import TOOL_TABLES

__all__ = ["ComputedRollback", "ComputedRollbacks", "RollbackChoice", "compute_rollback"]

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
