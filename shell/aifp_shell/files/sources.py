"""Reading a migrations folder into the core's migration sets."""

from __future__ import annotations

import functools
from pathlib import Path

from returns.result import Failure, Result, Success

from aifp_fp.errors import CoreError
from aifp_fp.files import MigrationSource
from aifp_fp.graph import MigrationSet, build_migration_set
from aifp_shell.files.locate import shipped_migrations_dir
from aifp_shell.problems import MigrationsUnreadable, Problem


@functools.lru_cache(maxsize=16)
def _label(migrations_dir: Path) -> str:
    """Return how messages name a migrations folder.

    The shipped set is always ``migrations`` (as in the repository and
    SPEC.md), even where it is installed as the ``aifp_migrations`` package.
    """
    if migrations_dir.resolve() == shipped_migrations_dir():
        return "migrations"
    return migrations_dir.name


def _display(path: Path, migrations_dir: Path) -> str:
    """Return how messages name a file: ``<folder>/<db>/<file>``."""
    return f"{_label(migrations_dir)}/{path.relative_to(migrations_dir).as_posix()}"


def read_sources(
    database: str, migrations_dir: Path
) -> Result[tuple[MigrationSource, ...], MigrationsUnreadable]:
    """Return the ``.sql`` files of a database's folder (and its rollback/ folder) as sources.

    Files in other sub-folders are returned too, so that the core can name them
    as misplaced; files that are not ``.sql`` are ignored.
    """
    folder = migrations_dir / database
    try:
        paths = sorted(p for p in folder.rglob("*.sql") if p.is_file())
        sources = tuple(
            MigrationSource(
                database,
                path.relative_to(folder).as_posix(),
                _display(path, migrations_dir),
                path.read_bytes().decode("utf-8"),
            )
            for path in paths
        )
    except UnicodeDecodeError as error:
        return Failure(MigrationsUnreadable(str(folder), f"a file is not UTF-8 text: {error}"))
    except OSError as error:
        return Failure(MigrationsUnreadable(str(folder), error.strerror or str(error)))
    return Success(sources)


def ignored_files(database: str, migrations_dir: Path) -> tuple[str, ...]:
    """Return the files of a database's folder that look like migrations but are not read.

    Those are names holding ``.sql`` in any case that do not end in exactly
    ``.sql`` (``v1.1_to_v1.2.SQL``, ``….sql.bak``, ``….sql~``), named as messages
    name files; hidden files (editors' swap files) are left out.
    """
    folder = migrations_dir / database
    try:
        paths = sorted(p for p in folder.rglob("*") if p.is_file())
    except OSError:
        return ()
    return tuple(
        _display(path, migrations_dir)
        for path in paths
        if ".sql" in path.name.lower() and path.suffix != ".sql" and not path.name.startswith(".")
    )


def load_migration_set(database: str, migrations_dir: Path) -> Result[MigrationSet, Problem]:
    """Return the validated migration set of ``database`` from the migrations folder."""
    if not migrations_dir.is_dir():  # the whole set is missing, not one database's part
        return Failure(MigrationsUnreadable(str(migrations_dir), "no such folder"))
    folder = migrations_dir / database
    if not folder.is_dir():
        return Failure(MigrationsUnreadable(str(folder), "no such folder"))

    def build(sources: tuple[MigrationSource, ...]) -> Result[MigrationSet, Problem]:
        built: Result[MigrationSet, CoreError] = build_migration_set(
            database, sources, _display(folder, migrations_dir) + "/"
        )
        return built.alt(lambda error: error)

    read: Result[tuple[MigrationSource, ...], Problem] = read_sources(database, migrations_dir)
    return read.bind(build)
