"""Showing reports: one JSON document on stdout, or human text; errors go to stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from aifp_shell.commands.reports import RunReport, StatusReport, run_json, status_json
from aifp_shell.messages import EXIT_OK, exit_code, message
from aifp_shell.problems import DriftRefused, Problem

if TYPE_CHECKING:  # imported where used: check should not load restore or history
    from aifp_shell.commands.history import HistoryReport
    from aifp_shell.commands.restore import RestoreReport


def print_json(document: dict[str, Any], *, compact: bool = False) -> None:
    """Write exactly one JSON document to stdout: indented, or on one line when ``compact``.

    Indenting makes ``json`` use its pure-Python encoder, several times slower:
    ``scan`` writes thousands of databases, so it writes one line.
    """
    if compact:
        sys.stdout.write(json.dumps(document, separators=(",", ":")) + "\n")
    else:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")


def plain_columns(rows: Sequence[tuple[str, ...]]) -> None:
    """Write rows (the first is the header) as plain columns on stdout: never folded, greppable."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        sys.stdout.write(line.rstrip() + "\n")


def error_line(problem: Problem) -> None:
    """Write a failure's one-line message to stderr."""
    sys.stderr.write(f"aifp-migrate: {message(problem)}\n")


def show_status(report: StatusReport, as_json: bool) -> int:
    """Show ``check``'s report and return its exit code."""
    problems = [report.problem] + [db.problem for db in report.databases]
    for problem in problems:
        if problem is not None:
            error_line(problem)
    for db in report.databases:
        for ignored in db.ignored_files:
            sys.stderr.write(
                f"aifp-migrate: warning: {db.name}: {ignored} is ignored: "
                "migration files end in .sql\n"
            )
    if as_json:
        print_json(status_json(report))
        return report.exit_code()
    for db in report.databases:  # what AIFP itself needs first
        if db.behind_core():
            at_least = f" (at least {db.minimum})" if db.minimum else ""
            sys.stdout.write(
                f"{db.name}: at {db.version}, but the installed aifp_core expects "
                f"{db.expected}{at_least}: aifp-migrate up --db {db.name}\n"
            )
    from aifp_shell.output import status as table

    if sys.stdout.isatty():
        from rich.console import Console

        table.print_table(report, Console())
    else:  # piped: plain columns with whole paths, never cut, easy to grep
        plain_columns(table.piped_rows(report.databases))
    for db in report.databases:
        for difference in db.differences:
            sys.stdout.write(f"{db.name}: drift: {difference}\n")
        for edited in db.checksum_mismatches:
            sys.stdout.write(
                f"{db.name}: edited after it was applied: {edited.display} "
                f"(applied {edited.recorded[:12]}…, now {edited.current[:12]}…)\n"
            )
    return report.exit_code()


def show_run(report: RunReport, as_json: bool) -> int:
    """Show what ``up``/``down`` did and return its exit code."""
    refused = isinstance(report.problem, DriftRefused)  # its message names the differences
    for drifted in () if refused else report.drift:
        for difference in drifted.differences:
            sys.stderr.write(
                f"aifp-migrate: warning: {drifted.database}: {drifted.path}: drift from "
                f"version {drifted.version}: {difference}\n"
            )
    if report.problem is not None:
        error_line(report.problem)
    if as_json:
        print_json(run_json(report))
        return report.exit_code()
    out = sys.stdout
    for db in report.databases:
        head = f"{db.name}: "
        if db.status == "migrated":
            out.write(f"{head}migrated {db.from_version or 'new'} → {db.to_version}\n")
        elif db.status == "dry_run":
            out.write(
                f"{head}dry run: would migrate {db.from_version or 'new'} → {db.to_version}\n"
            )
        elif db.status == "up_to_date":
            out.write(f"{head}up to date at {db.to_version}\n")
        elif db.status == "skipped":
            out.write(f"{head}skipped: {db.note or ''}\n")
        else:
            out.write(f"{head}failed\n")
        for step in db.applied:
            out.write(
                f"  {step.direction:4} {step.from_version or 'new'} → {step.to_version}  "
                f"{step.file}\n"
            )
            for skipped in step.skipped:
                out.write(f"       {skipped}\n")
            for lost in step.losses:
                out.write(f"       data not brought back: {lost}\n")
            if step.sql is not None:
                out.write("".join(f"       {line}\n" for line in step.sql.splitlines()))
        if db.backup:
            out.write(f"  backup: {db.backup}\n")
        if db.note and db.status != "skipped":
            out.write(f"  note: {db.note}\n")
    return report.exit_code()


def show_history(report: HistoryReport, as_json: bool) -> int:
    """Show what ``schema_history`` recorded, oldest first, and return the exit code."""
    if report.problem is not None:
        error_line(report.problem)
    if as_json:
        from aifp_shell.commands.history import history_json

        print_json(history_json(report))
        return EXIT_OK if report.problem is None else exit_code(report.problem)
    if report.problem is not None:
        return exit_code(report.problem)
    out = sys.stdout
    if not report.entries:
        out.write(f"{report.database}: {report.path}: no recorded runs\n")
        return EXIT_OK
    out.write(f"{report.database}: {report.path}\n")
    for entry in report.entries:
        row = entry.row
        matches = {True: "matches", False: "EDITED since", None: "file gone"}[entry.matches]
        out.write(
            f"  {row.applied_at}  {row.direction:4} {row.from_version or 'new'} → "
            f"{row.to_version}  {row.file}  sha256 {row.sha256[:12]}…  {matches}\n"
        )
    return EXIT_OK


def show_restore(report: RestoreReport, as_json: bool) -> int:
    """Show what ``restore`` did and return its exit code."""
    if report.problem is not None:
        error_line(report.problem)
    if as_json:
        from aifp_shell.commands.restore import restore_json

        print_json(restore_json(report))
    elif report.problem is None:
        out = sys.stdout
        out.write(
            f"{report.database}: restored {report.backup} into {report.path} "
            f"(version {report.from_version or '-'} → {report.to_version})\n"
            f"  backup of the replaced state: {report.saved}\n"
        )
        for pruned in report.pruned:
            out.write(f"  removed old backup: {pruned}\n")
    return EXIT_OK if report.problem is None else exit_code(report.problem)
