"""The ``aifp-migrate`` command line: Typer options in, one service call, render, exit.

This is the composition root: it builds the places, clock and progress bar
once per run and hands them to the service functions.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from aifp_shell.bootstrap import CommandEnded, runtime_for
from aifp_shell.commands.check import check
from aifp_shell.files.locate import DATABASES, find_places
from aifp_shell.files.retention import DEFAULT_KEEP_BACKUPS
from aifp_shell.messages import EXIT_BAD_INPUT
from aifp_shell.output import console as render

app = typer.Typer(
    name="aifp-migrate",
    help="Safe schema migrations for AIFP's four SQLite databases.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
)

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print exactly one JSON document on stdout.")
]
ProjectOption = Annotated[
    Path | None,
    typer.Option(
        "--project-dir",
        help="Project folder holding .aifp-project/ (default: nearest at or above cwd).",
    ),
]
RootOption = Annotated[
    Path | None,
    typer.Option("--aifp-root", help="Folder of aifp_core.db (default: $AIFP_ROOT, else ~/.aifp)."),
]
MigrationsOption = Annotated[
    Path | None,
    typer.Option(
        "--migrations-dir", help="Migration set to use (default: the one shipped with the tool)."
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what would happen; change nothing.")
]
TargetOption = Annotated[
    str | None, typer.Option("--target", help="Version to migrate to.", metavar="VERSION")
]
KeepBackupsOption = Annotated[
    int,
    typer.Option(
        "--keep-backups",
        min=1,
        metavar="N",
        help="Backups kept per database after a success; older ones are deleted.",
    ),
]


def _version_callback(value: bool) -> None:
    if value:
        from importlib.metadata import version

        sys.stdout.write(f"aifp-migrate {version('aifp-migrate')}\n")
        raise typer.Exit(0)


@app.callback()
def main_options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Safe schema migrations for AIFP's four SQLite databases."""


@app.command("check")
def check_command(
    as_json: JsonOption = False,
    project_dir: ProjectOption = None,
    aifp_root: RootOption = None,
    migrations_dir: MigrationsOption = None,
) -> int:
    """Show each database's path, version, the latest version, pending steps and status."""
    runtime = runtime_for(project_dir, aifp_root, migrations_dir, as_json)
    return render.show_status(check(runtime), as_json)


@app.command("up")
def up_command(
    all_databases: Annotated[
        bool, typer.Option("--all", help="Migrate all four databases.")
    ] = False,
    db: Annotated[
        str | None, typer.Option("--db", help=f"One of: {', '.join(DATABASES)}.", metavar="NAME")
    ] = None,
    target: TargetOption = None,
    dry_run: DryRunOption = False,
    keep_backups: KeepBackupsOption = DEFAULT_KEEP_BACKUPS,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Refuse (exit 3) a database whose structure has drifted."),
    ] = False,
    as_json: JsonOption = False,
    project_dir: ProjectOption = None,
    aifp_root: RootOption = None,
    migrations_dir: MigrationsOption = None,
) -> int:
    """Migrate databases up to the latest version (or --target), with a backup first."""
    if all_databases == (db is not None):
        return _usage("up needs exactly one of --all or --db NAME")
    if all_databases and target is not None:
        return _usage("--target needs --db NAME: versions differ between databases")
    from aifp_shell.commands.migrate import up  # the runner: not loaded by check

    runtime = runtime_for(project_dir, aifp_root, migrations_dir, as_json, keep_backups)
    names = DATABASES if db is None else (db,)
    report = up(runtime, names, target, dry_run=dry_run, explicit=db is not None, strict=strict)
    return render.show_run(report, as_json)


@app.command("down")
def down_command(
    db: Annotated[
        str, typer.Option("--db", help=f"One of: {', '.join(DATABASES)}.", metavar="NAME")
    ],
    target: TargetOption = None,
    dry_run: DryRunOption = False,
    keep_backups: KeepBackupsOption = DEFAULT_KEEP_BACKUPS,
    as_json: JsonOption = False,
    project_dir: ProjectOption = None,
    aifp_root: RootOption = None,
    migrations_dir: MigrationsOption = None,
) -> int:
    """Roll a database back one step (or down to --target), with a backup first."""
    from aifp_shell.commands.migrate import down  # the runner: not loaded by check

    runtime = runtime_for(project_dir, aifp_root, migrations_dir, as_json, keep_backups)
    return render.show_run(down(runtime, db, target, dry_run=dry_run), as_json)


@app.command("diff")
def diff_command(
    from_path: Annotated[
        Path, typer.Argument(metavar="FROM", help="Schema script (.sql) or database file.")
    ],
    to_path: Annotated[
        Path, typer.Argument(metavar="TO", help="Schema script (.sql) or database file.")
    ],
    reverse: Annotated[bool, typer.Option("--reverse", help="Print TO to FROM instead.")] = False,
    as_step: Annotated[
        bool,
        typer.Option("--as-step", help="No transaction or pragmas: a draft migration file."),
    ] = False,
    apply: Annotated[
        bool,
        typer.Option("--apply", help="Apply it to FROM (a database), with backup and checks."),
    ] = False,
    as_json: JsonOption = False,
    project_dir: ProjectOption = None,
    aifp_root: RootOption = None,
    migrations_dir: MigrationsOption = None,
) -> int:
    """Print the SQL that turns FROM's schema into TO's, keeping shared rows (or --apply it)."""
    from returns.result import Failure, Success

    from aifp_fp.render import render_script
    from aifp_shell.commands.diff.apply import apply_diff
    from aifp_shell.commands.diff.source import diff_migration
    from aifp_shell.commands.runtime import system_clock
    from aifp_shell.output.diff import show_applied, show_diff, show_problem

    if apply and reverse:
        return _usage("--apply changes FROM; it cannot be combined with --reverse")
    if apply:
        applied = apply_diff(from_path, to_path, system_clock)
        match applied:
            case Success(done):
                return show_applied(done, as_json)
            case Failure(problem):
                return show_problem(problem, as_json)
    computed = diff_migration(from_path, to_path, reverse)
    match computed:
        case Success(migration):
            return show_diff(migration, render_script(migration, wrapped=not as_step), as_json)
        case Failure(problem):
            return show_problem(problem, as_json)
    return _usage("unexpected result")  # pragma: no cover


@app.command("history")
def history_command(
    db: Annotated[
        str, typer.Option("--db", help=f"One of: {', '.join(DATABASES)}.", metavar="NAME")
    ],
    as_json: JsonOption = False,
    project_dir: ProjectOption = None,
    aifp_root: RootOption = None,
    migrations_dir: MigrationsOption = None,
) -> int:
    """List the runs schema_history recorded, oldest first, and whether each file still matches."""
    from aifp_shell.commands.history import history

    runtime = runtime_for(project_dir, aifp_root, migrations_dir, as_json)
    return render.show_history(history(runtime.places, db), as_json)


@app.command("scan")
def scan_command(
    root: Annotated[Path, typer.Argument(help="Folder to search for AIFP projects.")],
    migrate: Annotated[
        bool,
        typer.Option("--migrate", help="Migrate every healthy project (and aifp_core, once)."),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", min=1, help="Projects handled at once (default: CPU count)."),
    ] = None,
    as_json: JsonOption = False,
    project_dir: ProjectOption = None,
    aifp_root: RootOption = None,
    migrations_dir: MigrationsOption = None,
) -> int:
    """Find every .aifp-project/ under ROOT and check it read-only; --migrate updates them."""
    from aifp_shell.commands.scan import scan
    from aifp_shell.output.progress import scan_progress_bar
    from aifp_shell.output.scan import show_scan

    if not root.is_dir():
        return _usage(f"scan: {root} is not a folder")
    places = find_places(project_dir, aifp_root, migrations_dir)
    report = scan(
        root.absolute(),
        aifp_root=places.aifp_root,
        migrations_dir=places.migrations_dir,
        migrate=migrate,
        jobs=jobs,
        progress=None if as_json else scan_progress_bar(),
    )
    return show_scan(report, as_json)


@app.command("restore")
def restore_command(
    db: Annotated[
        str, typer.Option("--db", help=f"One of: {', '.join(DATABASES)}.", metavar="NAME")
    ],
    backup: Annotated[
        Path | None,
        typer.Option(
            "--backup", help="Backup file to restore (default: the newest).", metavar="FILE"
        ),
    ] = None,
    keep_backups: KeepBackupsOption = DEFAULT_KEEP_BACKUPS,
    as_json: JsonOption = False,
    project_dir: ProjectOption = None,
    aifp_root: RootOption = None,
    migrations_dir: MigrationsOption = None,
) -> int:
    """Put a backup back into the database (SQLite's backup API), backing up what it replaces."""
    from aifp_shell.commands.restore import restore

    runtime = runtime_for(project_dir, aifp_root, migrations_dir, as_json, keep_backups)
    return render.show_restore(restore(runtime, db, backup), as_json)


@app.command("verify")
def verify_command(
    as_json: JsonOption = False,
    project_dir: ProjectOption = None,
    aifp_root: RootOption = None,
    migrations_dir: MigrationsOption = None,
) -> int:
    """Prove a migrations folder: names, statements, every step and rollback on sample rows."""
    from aifp_shell.commands.verify.run import verify  # imported here: only verify needs it
    from aifp_shell.output.verify import show_verify

    folder = find_places(project_dir, aifp_root, migrations_dir).migrations_dir
    return show_verify(verify(folder), as_json)


def _usage(text: str) -> int:
    sys.stderr.write(f"aifp-migrate: {text}\n")
    return EXIT_BAD_INPUT


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with its code; no traceback ever reaches the user."""
    command = typer.main.get_command(app)
    try:
        code = command.main(
            args=argv if argv is not None else sys.argv[1:],
            prog_name="aifp-migrate",
            standalone_mode=False,
        )
    except typer.Exit as done:
        code = done.exit_code
    except CommandEnded as ended:  # already reported
        code = ended.code
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("aifp-migrate: interrupted; nothing was committed\n")
        code = 1
    except Exception as error:
        format_message = getattr(error, "format_message", None)
        if callable(format_message):  # a usage error from Typer's bundled click
            sys.stderr.write(f"aifp-migrate: {format_message()} (see --help)\n")
            code = EXIT_BAD_INPUT
        else:  # the last line of defence: one line, never a traceback
            sys.stderr.write(f"aifp-migrate: internal error: {type(error).__name__}: {error}\n")
            code = 1
    sys.exit(code if isinstance(code, int) else 0)
