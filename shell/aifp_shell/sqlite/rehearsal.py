"""A dry run that runs: a plan replayed on an in-memory copy of the live schema (no rows).

The copy holds the live database's tables, indexes, views and triggers, so the
executor meets the same objects the real run would: a syntax error, a
conflicting object or a missing table fails the rehearsal with the same problem
(and exit code) as the real run, and the statements it would skip are found.
Before each step the copy's schema is read, and the core names what the step
destroys (``aifp_fp.losses``); rows are counted on the live database, where
that count is known to be true.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.losses import Loss, step_losses
from aifp_fp.plan import Plan, PlannedStep
from aifp_fp.schema import fold
from aifp_fp.sqltext import TokenKind
from aifp_fp.value import Value
from aifp_shell.problems import Problem
from aifp_shell.sqlite.applied import AppliedStep
from aifp_shell.sqlite.executor import history_file_name, run_plan


def _deny_other_files(action: int, *_: object) -> int:
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def schema_copy(live: sqlite3.Connection | None) -> sqlite3.Connection:
    """Return an in-memory database with the live schema and no rows (empty for ``None``).

    SQLite's own objects and virtual tables' shadow tables are left out: the
    statements that create their owners create them again.
    """
    copy = sqlite3.connect(":memory:", isolation_level=None)
    copy.set_authorizer(_deny_other_files)
    copy.execute("PRAGMA foreign_keys = OFF")
    if live is None:
        return copy
    rows = live.execute(
        "SELECT m.sql FROM main.sqlite_master AS m"
        " LEFT JOIN pragma_table_list AS l ON l.schema = 'main' AND l.name = m.name"
        " WHERE m.sql IS NOT NULL AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        " AND coalesce(l.type, '') != 'shadow'"
        " ORDER BY m.rowid"
    ).fetchall()
    for (sql,) in rows:
        copy.execute(str(sql))
    return copy


@attrs.frozen(slots=True, repr=False)
class Rehearsed(Value):
    """A plan's steps as the rehearsal ran them: what each skipped and destroys."""

    steps: tuple[AppliedStep, ...]
    losses: tuple[tuple[Loss, ...], ...]
    """Per step, in order: what it destroys."""


def rehearse(live: sqlite3.Connection | None, path: Path, plan: Plan) -> Result[Rehearsed, Problem]:
    """Return each step of ``plan`` as it runs on a copy of ``live``'s schema, or the problem
    the real run would meet (``live`` is ``None`` for a database not created yet)."""
    try:
        copy = schema_copy(live)
    except sqlite3.Error:  # a live object this SQLite cannot rebuild: name losses from text
        return Success(_unrehearsed(live, plan))
    from aifp_shell.sqlite.introspect import read_schema

    steps: list[AppliedStep] = []
    losses: list[tuple[Loss, ...]] = []
    try:
        copy.execute("BEGIN")
        for index, step in enumerate(plan.steps):
            lost = step_losses(step.source.display, step.statements, read_schema(copy))
            ran = run_plan(copy, path, attrs.evolve(plan, steps=(step,)), _RUN_TIME)
            if isinstance(ran, Failure):
                return Failure(ran.failure())
            (applied,) = ran.unwrap()
            steps.append(_shown(live, plan, index, applied, lost))
            losses.append(lost)
    finally:
        copy.close()
    return Success(Rehearsed(tuple(steps), tuple(losses)))


_RUN_TIME = "(the time of the run)"


def _shown(
    live: sqlite3.Connection | None,
    plan: Plan,
    index: int,
    applied: AppliedStep,
    lost: tuple[Loss, ...],
) -> AppliedStep:
    step = plan.steps[index]
    counted = tuple(loss.describe() + _count(live, loss, plan.steps[:index]) for loss in lost)
    return attrs.evolve(applied, losses=counted, sql=step_sql(step, applied.skipped))


def _unrehearsed(live: sqlite3.Connection | None, plan: Plan) -> Rehearsed:
    """The plan described without a rehearsal: losses from the statements alone, no skips."""
    steps: list[AppliedStep] = []
    losses: list[tuple[Loss, ...]] = []
    for index, step in enumerate(plan.steps):
        lost = step_losses(step.source.display, step.statements, None)
        applied = AppliedStep(
            step.direction,
            None if step.from_version is None else str(step.from_version),
            str(step.to_version),
            step.source.display,
            (),
        )
        steps.append(_shown(live, plan, index, applied, lost))
        losses.append(lost)
    return Rehearsed(tuple(steps), tuple(losses))


def _touched(steps: tuple[PlannedStep, ...], table: str) -> bool:
    """Whether an earlier step of the plan names ``table``: live counts may not hold then."""
    wanted = fold(table)
    return any(
        token.kind in (TokenKind.WORD, TokenKind.QUOTED_NAME, TokenKind.STRING)
        and fold(token.text.strip("\"'`[]")) == wanted
        for step in steps
        for statement in step.statements
        for token in statement.tokens
    )


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count(live: sqlite3.Connection | None, loss: Loss, earlier: tuple[PlannedStep, ...]) -> str:
    """Return `` (N rows)`` for a loss whose table the live database holds as the step sees it."""
    if live is None or _touched(earlier, loss.table):
        return ""
    try:
        if loss.kind == "column" and loss.column is not None:
            (n,) = live.execute(
                f"SELECT count({_quoted(loss.column)}) FROM {_quoted(loss.table)}"
            ).fetchone()
            return f" ({n} {'value' if n == 1 else 'values'})"
        (n,) = live.execute(f"SELECT count(*) FROM {_quoted(loss.table)}").fetchone()
    except sqlite3.Error:
        return ""
    noun = "row" if n == 1 else "rows"
    return f" ({n} {noun})" if loss.kind == "table" else f" (the table holds {n} {noun})"


def _sql_literal(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def step_sql(step: PlannedStep, skipped: tuple[str, ...]) -> str:
    """Return every statement a step runs, in order: its file's (the ones it skips commented
    out, with why) and the tool's own records of the step."""
    prefix = f"{step.source.display}:"
    reasons: dict[int, str] = {}
    for line in skipped:
        head, _, reason = line.partition(": skipped: ")
        if head.startswith(prefix) and head[len(prefix) :].isdigit():
            reasons[int(head[len(prefix) :])] = reason
    out = [f"-- {step.source.display} ({step.from_version or 'new'} -> {step.to_version})"]
    for statement in step.statements:
        why = reasons.get(statement.line)
        if why is None:
            out.append(statement.text)
        else:
            out.append(f"-- skipped: {why}")
            out.extend(f"-- {line}" for line in statement.text.splitlines())
    version = _sql_literal(str(step.to_version))
    out.append(
        f"UPDATE schema_version SET version = {version}, updated_at = CURRENT_TIMESTAMP "
        "WHERE id = 1;  -- or INSERT when the row is missing"
    )
    values = ", ".join(
        (
            _sql_literal(step.direction),
            _sql_literal(None if step.from_version is None else str(step.from_version)),
            version,
            _sql_literal(history_file_name(step)),
            _sql_literal(step.checksum),
            _sql_literal(_RUN_TIME),
        )
    )
    out.append(
        "INSERT INTO schema_history (direction, from_version, to_version, file, sha256, "
        f"applied_at) VALUES ({values});"
    )
    return "\n".join(out)
