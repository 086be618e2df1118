"""The seed form of the CLI (``python migrations/migrate.py --check``), as the plan announced.

Same service functions as the Typer app; only the argument spelling differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from aifp_shell.bootstrap import CommandEnded, runtime_for
from aifp_shell.commands.check import check
from aifp_shell.commands.migrate import down, up
from aifp_shell.files.locate import DATABASES
from aifp_shell.output import console as render


class _Parser(argparse.ArgumentParser):
    as_json = False
    """Whether the command line asked for JSON: its usage errors are then a JSON document too."""

    def error(self, message: str) -> NoReturn:
        raise SystemExit(
            render.show_usage_error(f"{message} (see --help)", self.as_json, prog="migrate.py")
        )


def _parser() -> _Parser:
    parser = _Parser(
        prog="migrate.py",
        description="AIFP database migration tool (seed form of aifp-migrate).",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--check", action="store_true", help="Check current versions")
    action.add_argument("--all", action="store_true", help="Migrate all databases")
    action.add_argument("--db", metavar="NAME", help=f"One of: {', '.join(DATABASES)}")
    parser.add_argument("--target", metavar="VERSION", help="Target version (e.g. 1.1)")
    parser.add_argument("--rollback", action="store_true", help="Roll back (one step by default)")
    parser.add_argument("--dry-run", action="store_true", help="Show what would happen")
    parser.add_argument(
        "--yes", action="store_true", help="Accept a run that loses data without asking"
    )
    parser.add_argument(
        "--sql", action="store_true", help="With --dry-run: print every statement that would run"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="With --check: exit 3 unless every database is up_to_date; "
        "with --all/--db: refuse a drifted database",
    )
    parser.add_argument("--json", action="store_true", help="Print one JSON document")
    parser.add_argument("--project-dir", type=Path, help="Project folder holding .aifp-project/")
    parser.add_argument("--aifp-root", type=Path, help="Folder of aifp_core.db")
    parser.add_argument("--migrations-dir", type=Path, help="Migration set to use")
    return parser


def run(argv: list[str], default_migrations_dir: Path) -> int:
    """Return the exit code of the seed command line ``argv``."""
    parser = _parser()
    parser.as_json = "--json" in argv
    args = parser.parse_args(argv)
    if args.sql and not (args.dry_run and (args.all or args.db)):
        parser.error("--sql needs --dry-run (with --all or --db NAME)")
    try:
        runtime = runtime_for(
            args.project_dir,
            args.aifp_root,
            args.migrations_dir or default_migrations_dir,
            args.json,
            yes=args.yes,
        )
    except CommandEnded as ended:  # the folders were reported as unusable
        return ended.code
    if args.rollback and not args.db:
        parser.error("--rollback needs --db NAME")
    if args.check:
        return render.show_status(check(runtime, strict=args.strict), args.json)
    if args.all:
        if args.target:
            parser.error("--target needs --db NAME: versions differ between databases")
        report = up(runtime, DATABASES, dry_run=args.dry_run, strict=args.strict)
        return render.show_run(report, args.json, sql=args.sql)
    if args.db:
        if args.rollback:
            report = down(runtime, args.db, args.target, dry_run=args.dry_run)
        else:
            report = up(
                runtime,
                (args.db,),
                args.target,
                dry_run=args.dry_run,
                explicit=True,
                strict=args.strict,
            )
        return render.show_run(report, args.json, sql=args.sql)
    parser.print_help()
    return 0


def main(argv: list[str], default_migrations_dir: Path) -> NoReturn:
    """Run the seed command line and exit; no traceback ever reaches the user."""
    try:
        code = run(argv, default_migrations_dir)
    except KeyboardInterrupt:
        sys.stderr.write("migrate.py: interrupted; nothing was committed\n")
        code = 1
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0
    except Exception as error:  # the last line of defence: one line, never a traceback
        sys.stderr.write(f"migrate.py: internal error: {type(error).__name__}: {error}\n")
        code = 1
    sys.exit(code)
