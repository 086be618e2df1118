"""Showing what ``diff`` computed or applied: the script on stdout, or one JSON document."""

from __future__ import annotations

import sys
from typing import Any

import attrs

from aifp_fp.ops import Migration, Operation
from aifp_shell.commands.diff.apply import DiffApplied
from aifp_shell.messages import EXIT_OK, error_json, exit_code
from aifp_shell.output.console import error_line, print_json
from aifp_shell.problems import Problem


def operation_json(operation: Operation) -> dict[str, Any]:
    """Return one operation as JSON: its kind, the names it acts on, its statements."""
    fields = attrs.asdict(operation)
    statements = fields.pop("statements")
    return {"kind": type(operation).__name__, **fields, "statements": list(statements)}


NO_DIFFERENCES = "-- no differences: FROM and TO have the same schema\n"


def same_schema(migration: Migration) -> bool:
    """Return whether FROM and TO have the same schema: nothing to run and nothing to note."""
    return not migration.operations and not migration.notes


def diff_json(migration: Migration, script: str) -> dict[str, Any]:
    """Return the ``diff --json`` document: the script, its operations and what it loses.

    ``same_schema`` says whether FROM and TO already have the same structure.
    """
    return {
        "same_schema": same_schema(migration),
        "script": script,
        "operations": [operation_json(op) for op in migration.operations],
        "notes": list(migration.notes),
    }


def show_problem(problem: Problem, as_json: bool) -> int:
    """Show a failure (stderr, and as JSON on stdout with ``--json``); return its exit code."""
    error_line(problem)
    if as_json:
        print_json({"error": error_json(problem)})
    return exit_code(problem)


def show_diff(migration: Migration, script: str, as_json: bool) -> int:
    """Print the computed script (or its JSON document) and return exit code 0."""
    if as_json:
        print_json(diff_json(migration, script))
    elif same_schema(migration):  # still a valid (empty) script when redirected to a file
        sys.stdout.write(NO_DIFFERENCES)
    else:
        sys.stdout.write(script)
    return EXIT_OK


def show_applied(applied: DiffApplied, as_json: bool) -> int:
    """Print what ``diff --apply`` ran and where the backup is; return exit code 0."""
    if as_json:
        document = diff_json(applied.migration, applied.script)
        document.update(
            {
                "path": applied.path,
                "applied": bool(applied.migration.operations),
                "backup": applied.backup,
            }
        )
        print_json(document)
        return EXIT_OK
    sys.stdout.write(applied.script)
    if applied.migration.operations:
        sys.stdout.write(f"-- Applied to {applied.path}; backup: {applied.backup}\n")
    else:
        sys.stdout.write(f"-- {applied.path} already has this structure; nothing was changed\n")
    return EXIT_OK
