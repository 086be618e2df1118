"""The ``aifp-migrate`` command line: Typer options in, one service call, render, exit.

This is the composition root: it builds the places, clock and progress bar
once per run and hands them to the service functions.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Annotated

import typer
from returns.result import Failure, Success

from aifp_shell.bootstrap import CommandEnded, runtime_for
from aifp_shell.cli import lazy
from aifp_shell.cli.help import NamedCommand, epilog, exit_codes_epilog
from aifp_shell.cli.on_demand import command_line
from aifp_shell.cli.plain_values import PlainGroup
from aifp_shell.commands.check import check
from aifp_shell.commands.history import histories, history
from aifp_shell.commands.runtime import system_clock
from aifp_shell.files.locate import DATABASES, find_places
from aifp_shell.files.retention import DEFAULT_KEEP_BACKUPS
from aifp_shell.messages import EXIT_BAD_INPUT
from aifp_shell.output import console as render
from aifp_shell.output.progress import scan_progress_bar

app = typer.Typer(
    name="aifp-migrate",
    help="Safe schema migrations for AIFP's four SQLite databases.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,  # plain help: no "<bool>" after flags, fits 80 columns
    epilog=exit_codes_epilog(),
    cls=PlainGroup,
)

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print exactly one JSON document on stdout.")
]
ProjectOption = Annotated[
    Path | None,
    typer.Option(
        "--project-dir",
        metavar="DIR",
        help="Project folder holding .aifp-project/ (default: nearest at or above cwd).",
    ),
]
RootOption = Annotated[
    Path | None,
    typer.Option(
        "--aifp-root",
        metavar="DIR",
        help="Folder of aifp_core.db (default: $AIFP_ROOT, else ~/.aifp).",
    ),
]
MigrationsOption = Annotated[
    Path | None,
    typer.Option(
        "--migrations-dir",
        metavar="DIR",
        help="Migration set to use (default: the one shipped with the tool).",
    ),
]
# Every command accepts the four common options (SPEC); where one has no effect it is
# accepted but left out of that command's --help.
UnusedProjectOption = Annotated[Path | None, typer.Option("--project-dir", hidden=True)]
UnusedRootOption = Annotated[Path | None, typer.Option("--aifp-root", hidden=True)]
UnusedMigrationsOption = Annotated[Path | None, typer.Option("--migrations-dir", hidden=True)]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what would happen; change nothing.")
]
TargetOption = Annotated[
    str | None, typer.Option("--target", help="Version to migrate to.", metavar="VERSION")
]
YesOption = Annotated[
    bool,
    typer.Option("--yes", help="Accept a run that loses data (named first) without asking."),
]
SqlOption = Annotated[
    bool,
    typer.Option("--sql", help="With --dry-run: print every statement that would run."),
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
        sys.stdout.write(f"aifp-migrate {lazy.version('aifp-migrate')}\n")
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


@app.command(
    "check",
    cls=NamedCommand,
    short_help="Versions, pending steps and status of the four databases.",
    epilog=epilog(
        ("aifp-migrate check", "aifp-migrate check --json", "aifp-migrate check --strict"),
        (
            (0, "every database could be read (pending steps included, without --strict)"),
            (2, "no project, or a database or its migration files cannot be read"),
            (3, "drift, or an edited applied file; with --strict, any not up to date"),
        ),
    ),
)
def check_command(
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Exit 3 unless every database is up_to_date (for CI)."),
    ] = False,
    as_json: JsonOption = False,
    project_dir: ProjectOption = None,
    aifp_root: RootOption = None,
    migrations_dir: MigrationsOption = None,
) -> int:
    """Show each database's path, version, the latest version, pending steps and status."""
    runtime = runtime_for(project_dir, aifp_root, migrations_dir, as_json)
    return render.show_status(check(runtime, strict=strict), as_json)


@app.command(
    "up",
    cls=NamedCommand,
    short_help="Back up, then migrate databases up (all steps in one transaction).",
    epilog=epilog(
        (
            "aifp-migrate up --all --dry-run",
            "aifp-migrate up --all",
            "aifp-migrate up --db project --target 1.4",
        ),
        (0, 1, 2, (3, "refused: --strict and drift, or an applied file edited; nothing changed")),
    ),
)
def up_command(
    all_databases: Annotated[
        bool, typer.Option("--all", help="Migrate all four databases.")
    ] = False,
    db: Annotated[
        str | None, typer.Option("--db", help=f"One of: {', '.join(DATABASES)}.", metavar="NAME")
    ] = None,
    target: TargetOption = None,
    dry_run: DryRunOption = False,
    sql: SqlOption = False,
    yes: YesOption = False,
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
        return _usage("up needs exactly one of --all or --db NAME", as_json)
    if all_databases and target is not None:
        return _usage("--target needs --db NAME: versions differ between databases", as_json)
    if sql and not dry_run:
        return _usage("--sql needs --dry-run", as_json)
    runtime = runtime_for(project_dir, aifp_root, migrations_dir, as_json, keep_backups, yes=yes)
    names = DATABASES if db is None else (db,)
    explicit = db is not None
    report = lazy.up(runtime, names, target, dry_run=dry_run, explicit=explicit, strict=strict)
    return render.show_run(report, as_json, sql=sql)


@app.command(
    "down",
    cls=NamedCommand,
    short_help="Back up, then roll a database back one step (or to --target).",
    epilog=epilog(
        ("aifp-migrate down --db project", "aifp-migrate down --db project --target 1.0"),
        (0, 1, 2, (3, "refused: an applied file was edited since; nothing changed")),
    ),
)
def down_command(
    db: Annotated[
        str, typer.Option("--db", help=f"One of: {', '.join(DATABASES)}.", metavar="NAME")
    ],
    target: TargetOption = None,
    dry_run: DryRunOption = False,
    sql: SqlOption = False,
    yes: YesOption = False,
    keep_backups: KeepBackupsOption = DEFAULT_KEEP_BACKUPS,
    as_json: JsonOption = False,
    project_dir: ProjectOption = None,
    aifp_root: RootOption = None,
    migrations_dir: MigrationsOption = None,
) -> int:
    """Roll a database back one step (or down to --target), with a backup first."""
    if sql and not dry_run:
        return _usage("--sql needs --dry-run", as_json)
    runtime = runtime_for(project_dir, aifp_root, migrations_dir, as_json, keep_backups, yes=yes)
    return render.show_run(lazy.down(runtime, db, target, dry_run=dry_run), as_json, sql=sql)


@app.command(
    "diff",
    cls=NamedCommand,
    short_help="The SQL that turns schema FROM into schema TO, keeping rows.",
    epilog=epilog(
        (
            "aifp-migrate diff old.db new_schema.sql > upgrade.sql",
            "aifp-migrate diff v1.sql v2.sql --as-step > v1.0_to_v1.1_notes.sql",
            "aifp-migrate diff project.db new_schema.sql --apply",
        ),
        (
            (0, "printed the SQL (or applied it)"),
            (1, "--apply failed or Ctrl-C; FROM is as it was"),
            2,
        ),
    ),
)
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
    project_dir: UnusedProjectOption = None,
    aifp_root: UnusedRootOption = None,
    migrations_dir: UnusedMigrationsOption = None,
) -> int:
    """Print the SQL that turns FROM's schema into TO's, keeping shared rows (or --apply it)."""
    if apply and reverse:
        return _usage("--apply changes FROM; it cannot be combined with --reverse", as_json)
    if apply:
        applied = lazy.apply_diff(from_path, to_path, system_clock)
        match applied:
            case Success(done):
                return lazy.show_applied(done, as_json)
            case Failure(problem):
                return lazy.show_problem(problem, as_json)
    computed = lazy.diff_migration(from_path, to_path, reverse)
    match computed:
        case Success(migration):
            script = lazy.render_script(migration, wrapped=not as_step)
            return lazy.show_diff(migration, script, as_json)
        case Failure(problem):
            return lazy.show_problem(problem, as_json)
    return _usage("unexpected result", as_json)  # pragma: no cover


@app.command(
    "history",
    cls=NamedCommand,
    short_help="The steps schema_history recorded; does each file still match?",
    epilog=epilog(("aifp-migrate history --db project",), (0, 2)),
)
def history_command(
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help=f"One of: {', '.join(DATABASES)} (default: all four).", metavar="NAME"
        ),
    ] = None,
    as_json: JsonOption = False,
    project_dir: ProjectOption = None,
    aifp_root: RootOption = None,
    migrations_dir: MigrationsOption = None,
) -> int:
    """List the runs schema_history recorded, oldest first, and whether each file still matches."""
    runtime = runtime_for(project_dir, aifp_root, migrations_dir, as_json)
    if db is None:
        return render.show_histories(histories(runtime.places), as_json)
    return render.show_history(history(runtime.places, db), as_json)


@app.command(
    "schema",
    cls=NamedCommand,
    short_help="Print the schema a version should have, fit for diff.",
    epilog=epilog(
        ("aifp-migrate schema --db project", "aifp-migrate schema --db project --version 1.2"),
        ((0, "the schema was printed"), (2, "unknown database or version, or unusable files")),
    ),
)
def schema_command(
    db: Annotated[
        str, typer.Option("--db", help=f"One of: {', '.join(DATABASES)}.", metavar="NAME")
    ],
    version: Annotated[
        str | None,
        typer.Option("--version", help="Version to show (default: the latest).", metavar="V"),
    ] = None,
    as_json: JsonOption = False,
    project_dir: ProjectOption = None,
    aifp_root: RootOption = None,
    migrations_dir: MigrationsOption = None,
) -> int:
    """Print the schema a version should have (replayed from the migration files), fit for diff."""
    places = find_places(project_dir, aifp_root, migrations_dir)
    return render.show_schema(lazy.expected_schema(places, db, version), as_json)


@app.command(
    "repair",
    cls=NamedCommand,
    short_help="Accept applied files edited on purpose.",
    epilog=epilog(
        ("aifp-migrate repair --db project",),
        (
            (0, "recorded (or nothing to repair)"),
            1,
            (2, "unknown database, no database, or unusable files"),
        ),
    ),
)
def repair_command(
    db: Annotated[
        str, typer.Option("--db", help=f"One of: {', '.join(DATABASES)}.", metavar="NAME")
    ],
    keep_backups: KeepBackupsOption = DEFAULT_KEEP_BACKUPS,
    as_json: JsonOption = False,
    project_dir: ProjectOption = None,
    aifp_root: RootOption = None,
    migrations_dir: MigrationsOption = None,
) -> int:
    """Accept applied files edited on purpose: record their new checksums in schema_history."""
    runtime = runtime_for(project_dir, aifp_root, migrations_dir, as_json, keep_backups)
    return render.show_repair(lazy.repair(runtime, db), as_json)


@app.command(
    "scan",
    cls=NamedCommand,
    short_help="Check (or --migrate) every AIFP project under ROOT.",
    epilog=epilog(
        ("aifp-migrate scan ~/code", "aifp-migrate scan ~/code --migrate --yes --jobs 4"),
        (
            (0, "every project is up to date, pending (without --migrate) or migrated"),
            (1, "a database could not be used, or a migration failed"),
            (2, "ROOT is not a folder"),
            (3, "otherwise: a database drifted"),
        ),
    ),
)
def scan_command(
    root: Annotated[
        Path, typer.Argument(metavar="ROOT", help="Folder to search for AIFP projects.")
    ],
    migrate: Annotated[
        bool,
        typer.Option("--migrate", help="Migrate every healthy project (and aifp_core, once)."),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="With --migrate: accept migrations that lose data.")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", min=1, metavar="N", help="Projects handled at once (default: CPU count)."
        ),
    ] = None,
    as_json: JsonOption = False,
    project_dir: UnusedProjectOption = None,
    aifp_root: RootOption = None,
    migrations_dir: MigrationsOption = None,
) -> int:
    """Find every .aifp-project/ under ROOT and check it read-only; --migrate updates them."""
    if not root.is_dir():
        return _usage(f"scan: {root} is not a folder", as_json)
    places = find_places(project_dir, aifp_root, migrations_dir)
    report = lazy.scan(
        root.absolute(),
        aifp_root=places.aifp_root,
        migrations_dir=places.migrations_dir,
        migrate=migrate,
        accept_losses=yes,
        jobs=jobs,
        progress=None if as_json else scan_progress_bar(),
    )
    return lazy.show_scan(report, as_json)


@app.command(
    "restore",
    cls=NamedCommand,
    short_help="Put a backup back into a database, backing up what it replaces.",
    epilog=epilog(
        (
            "aifp-migrate restore --db project",
            "aifp-migrate restore --db project --backup FILE",
        ),
        (
            (0, "restored"),
            (1, "locked, read-only, disk full or Ctrl-C; the database is as it was"),
            (2, "no backup, a refused backup, an unknown or missing database"),
        ),
    ),
)
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
    list_backups: Annotated[
        bool,
        typer.Option(
            "--list", help="List the database's backups (time, version, size); restore nothing."
        ),
    ] = False,
    keep_backups: KeepBackupsOption = DEFAULT_KEEP_BACKUPS,
    as_json: JsonOption = False,
    project_dir: ProjectOption = None,
    aifp_root: RootOption = None,
    migrations_dir: UnusedMigrationsOption = None,
) -> int:
    """Put a backup back into the database in one transaction, backing up what it replaces."""
    if list_backups and backup is not None:
        return _usage("restore --list lists backups; it cannot be combined with --backup", as_json)
    runtime = runtime_for(project_dir, aifp_root, migrations_dir, as_json, keep_backups)
    if list_backups:
        return render.show_backup_list(lazy.list_restorable(runtime, db), as_json)
    return render.show_restore(lazy.restore(runtime, db, backup), as_json)


@app.command(
    "verify",
    cls=NamedCommand,
    short_help="Prove a migrations folder: every step and rollback on sample rows.",
    epilog=epilog(
        ("aifp-migrate verify", "aifp-migrate verify --migrations-dir my-migrations"),
        ((0, "every check passed"), 2, (3, "a check failed (one line per problem)")),
    ),
)
def verify_command(
    as_json: JsonOption = False,
    project_dir: UnusedProjectOption = None,
    aifp_root: UnusedRootOption = None,
    migrations_dir: MigrationsOption = None,
) -> int:
    """Prove a migrations folder: names, statements, every step and rollback on sample rows."""
    folder = find_places(project_dir, aifp_root, migrations_dir).migrations_dir
    return lazy.show_verify(lazy.verify(folder), as_json)


def _usage(text: str, as_json: bool) -> int:
    return render.show_usage_error(text, as_json)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with its code; no traceback ever reaches the user."""
    command = command_line(app)
    args = argv if argv is not None else sys.argv[1:]
    try:
        code = command.main(
            args=args,
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
        # Typer's bundled click raises this for a bare command: print the help it stands for
        if type(error).__name__ == "NoArgsIsHelpError":
            context = getattr(error, "ctx", None)
            if context is not None:
                sys.stdout.write(context.get_help() + "\n")
            code = EXIT_BAD_INPUT
        elif callable(format_message):  # a usage error from Typer's bundled click
            code = render.show_usage_error(f"{format_message()} (see --help)", "--json" in args)
        else:  # the last line of defence: one line, never a traceback
            sys.stderr.write(f"aifp-migrate: internal error: {type(error).__name__}: {error}\n")
            code = 1
    # The process ends here: freezing what is alive spares the interpreter's exit the cycle
    # collections that scan every object loaded (~75,000 for check: ~40 ms of its ~290 ms CPU)
    gc.freeze()
    sys.exit(code if isinstance(code, int) else 0)
