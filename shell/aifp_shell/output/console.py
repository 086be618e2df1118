"""Showing reports: one JSON document on stdout, or human text; errors go to stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from returns.result import Failure, Result, Success

from aifp_shell.commands.reports import (
    COMPUTED_PREFIX,
    DatabaseRun,
    RunReport,
    StatusReport,
    run_json,
    status_json,
)
from aifp_shell.commands.runtime import LossAnswer
from aifp_shell.files.locate import SetInUse
from aifp_shell.messages import EXIT_BAD_INPUT, EXIT_OK, error_json, exit_code, message
from aifp_shell.output.progress import stop_bars
from aifp_shell.output.status import plural
from aifp_shell.problems import BadUsage, DriftRefused, Problem

if TYPE_CHECKING:  # imported where used: check should not load restore or history
    from aifp_shell.commands.backup_list import BackupListing
    from aifp_shell.commands.expected_schema import ExpectedSchema
    from aifp_shell.commands.history import HistoryReport
    from aifp_shell.commands.repair import RepairReport
    from aifp_shell.commands.restore import RestoreReport


def print_json(document: dict[str, Any], *, compact: bool = False) -> None:
    """Write exactly one JSON document to stdout: indented, or on one line when ``compact``.

    Indenting makes ``json`` use its pure-Python encoder, several times slower:
    ``scan`` writes thousands of databases, so it writes one line.
    """
    if compact:
        # documents are built fresh, as trees: nothing to guard against cycles (~15% faster)
        sys.stdout.write(json.dumps(document, separators=(",", ":"), check_circular=False) + "\n")
    else:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")


def plain_columns(rows: Sequence[tuple[str, ...]]) -> None:
    """Write rows (the first is the header) as plain columns on stdout: never folded, greppable."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        sys.stdout.write(line.rstrip() + "\n")


def error_line(problem: Problem, where: str | None = None) -> None:
    """Write a failure's one-line message to stderr (after ``where``, when it is given), below
    any progress bar the failed work left drawn, which is cleared first."""
    stop_bars()
    prefix = f"{where}: " if where is not None else ""
    sys.stderr.write(f"aifp-migrate: {prefix}{message(problem)}\n")


def show_usage_error(text: str, as_json: bool, prog: str = "aifp-migrate") -> int:
    """Report a wrong command line (one line on stderr; with ``--json``, one document
    ``{"error": {"kind": "BadUsage", "message"}}`` on stdout) and return exit code 2."""
    sys.stderr.write(f"{prog}: {text}\n")
    if as_json:
        print_json({"error": error_json(BadUsage(text))})
    return EXIT_BAD_INPUT


def _set_line(in_use: SetInUse | None) -> None:
    """Name the migration set in use on stdout, when it is not the one shipped with the tool."""
    if in_use is not None and not in_use.shipped:
        sys.stdout.write(f"migration set: {in_use.path} (not the shipped one)\n")


def show_status(report: StatusReport, as_json: bool) -> int:
    """Show ``check``'s report and return its exit code."""
    problems = [report.problem] + [db.problem for db in report.databases]
    for problem in dict.fromkeys(p for p in problems if p is not None):  # a shared one once
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
    if not report.databases:  # stopped before any database: the error line says why
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
    _set_line(report.migration_set)
    if report.strict and report.not_current():
        names = ", ".join(f"{db.name} ({db.status})" for db in report.not_current())
        sys.stderr.write(f"aifp-migrate: check --strict: not up to date: {names}\n")
    return report.exit_code()


def show_run(report: RunReport, as_json: bool, *, sql: bool = False) -> int:
    """Show what ``up``/``down`` did and return its exit code.

    With ``sql`` (a dry run's ``--sql``), every step shows every statement it would run;
    otherwise only a computed rollback's SQL is shown (no file holds it).
    """
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
        print_json(run_json(report, sql=sql))
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
                out.write(f"       loses data: {lost}\n")
            if step.sql is not None and (sql or step.file.startswith(COMPUTED_PREFIX)):
                out.write("".join(f"       {line}\n" for line in step.sql.splitlines()))
        if db.backup:
            out.write(f"  backup: {db.backup}\n")
        if db.note and db.status != "skipped":
            out.write(f"  note: {db.note}\n")
    _set_line(report.migration_set)
    return report.exit_code()


def confirm_losses(runs: tuple[DatabaseRun, ...], *, yes: bool) -> LossAnswer:
    """Accept a run that loses data: with ``yes`` (the report then names each step's losses),
    else by asking at a terminal (stdin and stderr both one) after naming them on stderr;
    with no terminal, refuse (the refusal names them)."""
    if yes:
        return LossAnswer(accepted=True, asked=False)
    err = sys.stderr
    if not (sys.stdin.isatty() and err.isatty()):
        return LossAnswer(accepted=False, asked=False)
    err.write("aifp-migrate: this run loses data:\n")
    for db in runs:
        for step in db.applied:
            for lost in step.losses:
                err.write(
                    f"  {db.name}: {step.direction} {step.from_version or 'new'} → "
                    f"{step.to_version} ({step.file}): {lost}\n"
                )
    err.write("Go ahead? A backup is made first. [y/N] ")
    err.flush()
    try:
        reply = sys.stdin.readline()
    except (OSError, KeyboardInterrupt):
        reply = ""
    return LossAnswer(accepted=reply.strip().lower() in ("y", "yes"), asked=True)


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
    _history_text(report)
    return EXIT_OK


def show_histories(reports: Sequence[HistoryReport], as_json: bool) -> int:
    """Show the history of every database (``history`` without ``--db``); return the exit code.

    A database that does not exist is shown as such, not an error: the others
    still have histories. Any other failure sets the exit code.
    """
    from aifp_shell.problems import DatabaseMissing

    codes = [
        exit_code(r.problem)
        for r in reports
        if r.problem is not None and not isinstance(r.problem, DatabaseMissing)
    ]
    for report in reports:
        if report.problem is not None and not isinstance(report.problem, DatabaseMissing):
            error_line(report.problem)
    if as_json:
        from aifp_shell.commands.history import history_json

        print_json({"databases": [history_json(report) for report in reports]})
        return max(codes, default=EXIT_OK)
    for report in reports:
        if isinstance(report.problem, DatabaseMissing):
            sys.stdout.write(f"{report.database}: {report.problem.path}: no database\n")
        elif report.problem is None:
            _history_text(report)
    return max(codes, default=EXIT_OK)


def _history_text(report: HistoryReport) -> None:
    out = sys.stdout
    if not report.entries:
        out.write(f"{report.database}: {report.path}: no recorded runs\n")
        return
    out.write(f"{report.database}: {report.path}\n")
    for entry in report.entries:
        row = entry.row
        matches = {True: "matches", False: "EDITED since", None: "file gone"}[entry.matches]
        out.write(
            f"  {row.applied_at}  {row.direction:4} {row.from_version or 'new'} → "
            f"{row.to_version}  {row.file}  sha256 {row.sha256[:12]}…  {matches}\n"
        )


def show_schema(found: Result[ExpectedSchema, Problem], as_json: bool) -> int:
    """Print the script of a version's structure (or its JSON document); return the exit code."""
    match found:
        case Success(expected):
            if as_json:
                print_json(
                    {
                        "database": expected.database,
                        "version": expected.version,
                        "script": expected.script,
                    }
                )
            else:
                sys.stdout.write(expected.script)
            return EXIT_OK
        case Failure(problem):
            error_line(problem)
            if as_json:
                print_json({"error": error_json(problem)})
            return exit_code(problem)
    return EXIT_OK  # pragma: no cover


def show_repair(report: RepairReport, as_json: bool) -> int:
    """Show what ``repair`` recorded and return its exit code."""
    if report.problem is not None:
        error_line(report.problem)
    if as_json:
        from aifp_shell.commands.repair import repair_json

        print_json(repair_json(report))
    elif report.problem is None:
        out = sys.stdout
        if not report.repaired:
            out.write(
                f"{report.database}: {report.path}: no applied file was edited; nothing to repair\n"
            )
        for item in report.repaired:
            out.write(
                f"{report.database}: accepted the edited {item.current.display} "
                f"({item.row.from_version or 'new'} → {item.row.to_version}): recorded "
                f"{item.row.sha256[:12]}…, now {item.current.sha256[:12]}…\n"
            )
        if report.backup:
            out.write(f"  backup: {report.backup}\n")
    return EXIT_OK if report.problem is None else exit_code(report.problem)


def show_restore(report: RestoreReport, as_json: bool) -> int:
    """Show what ``restore`` did and return its exit code."""
    if report.problem is not None:
        error_line(report.problem)
        if report.damaged is not None:
            sys.stderr.write(
                f"aifp-migrate: {report.database}: the live database was damaged "
                f"({report.damaged}), so the restore went through SQLite's backup API\n"
            )
    if as_json:
        from aifp_shell.commands.restore import restore_json

        print_json(restore_json(report))
    elif report.problem is None:
        out = sys.stdout
        out.write(
            f"{report.database}: restored {report.backup} into {report.path} "
            f"(version {report.from_version or '-'} → {report.to_version})\n"
        )
        if report.damaged is not None:
            out.write(
                f"  the live database was damaged ({report.damaged}): its content could not be "
                "replaced by SQL, so the backup was copied in with SQLite's backup API\n"
            )
        state = "replaced (damaged) state" if report.damaged is not None else "replaced state"
        how = " (its bytes as they were: the backup API could not read it)"
        out.write(
            f"  backup of the {state}: {report.saved}"
            f"{how if report.saved_by == 'file_copy' else ''}\n"
        )
        kept = {
            "live": "the live database's rows kept",
            "backup": "the backup's rows kept (the live database had none)",
            "backup_live_unreadable": "the damaged database's rows could not be read: "
            "the backup's rows kept",
        }.get(report.history or "")
        if kept is not None and (report.damaged is not None or report.history != "live"):
            out.write(f"  schema_history: {kept}, plus a restore row\n")
        for pruned in report.pruned:
            out.write(f"  removed old backup: {pruned}\n")
    return EXIT_OK if report.problem is None else exit_code(report.problem)


def _size_text(size: int) -> str:
    """Return a byte count as people read it: ``812 B``, ``412.7 kB``, ``110.4 MB``."""
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1_000_000:.1f} MB"


def show_backup_list(listing: BackupListing, as_json: bool) -> int:
    """Show ``restore --list`` and return its exit code."""
    if listing.problem is not None:
        error_line(listing.problem)
    if as_json:
        from aifp_shell.commands.backup_list import listing_json

        print_json(listing_json(listing))
    elif listing.problem is None:
        out = sys.stdout
        count = len(listing.backups)
        out.write(
            f"{listing.database}: {plural(count, 'backup')} "
            f"of {listing.path}{' (oldest first)' if count > 1 else ''}\n"
        )
        for backup in listing.backups:
            notes = []
            if backup.replaced_state:
                notes.append("the state a restore replaced")
            if backup.default:
                notes.append("restore without --backup takes this one")
            out.write(
                f"  {backup.time}  version {backup.version or '?'}  "
                f"{_size_text(backup.size)}  {backup.path}"
                + (f"  ({'; '.join(notes)})" if notes else "")
                + "\n"
            )
    return EXIT_OK if listing.problem is None else exit_code(listing.problem)
