"""Reading a migrations folder into the core's migration sets."""

from __future__ import annotations

import functools
import os
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


def _files(folder: Path) -> list[tuple[str, str]]:
    """Return every file under ``folder`` as (``a/b.sql`` relative to it, full path), sorted.

    The order is pathlib's (by path component), and so are the rules: sub-folders
    at any depth but not through a symbolic link to a folder, a link to a file
    counts, a folder that may not be listed is skipped. Plain strings: ``check``
    lists four folders each run, and pathlib's objects cost more than the rest.
    """

    def refuse(error: OSError) -> None:
        if not isinstance(error, PermissionError):
            raise error

    found: list[tuple[str, str]] = []
    top = str(folder)
    for here, _, names in os.walk(top, onerror=refuse):
        below = os.path.relpath(here, top).replace(os.sep, "/")
        prefix = "" if below == "." else f"{below}/"
        for name in names:
            full = os.path.join(here, name)
            if os.path.isfile(full):
                found.append((prefix + name, full))
    found.sort(key=lambda entry: entry[0].split("/"))
    return found


def read_sources(
    database: str, migrations_dir: Path
) -> Result[tuple[MigrationSource, ...], MigrationsUnreadable]:
    """Return the ``.sql`` files of a database's folder (and its rollback/ folder) as sources.

    Files in other sub-folders are returned too, so that the core can name them
    as misplaced; files that are not ``.sql`` are ignored.
    """
    folder = migrations_dir / database
    shown = f"{_label(migrations_dir)}/{database}/"
    try:
        sources = []
        for name, full in _files(folder):
            if name.endswith(".sql"):
                with open(full, "rb") as handle:
                    text = handle.read().decode("utf-8")
                sources.append(MigrationSource(database, name, shown + name, text))
    except UnicodeDecodeError as error:
        return Failure(MigrationsUnreadable(str(folder), f"a file is not UTF-8 text: {error}"))
    except OSError as error:
        return Failure(MigrationsUnreadable(str(folder), error.strerror or str(error)))
    return Success(tuple(sources))


def ignored_files(database: str, migrations_dir: Path) -> tuple[str, ...]:
    """Return the files of a database's folder that look like migrations but are not read.

    Those are names holding ``.sql`` in any case that do not end in exactly
    ``.sql`` (``v1.1_to_v1.2.SQL``, ``….sql.bak``, ``….sql~``), named as messages
    name files; hidden files (editors' swap files) are left out.
    """
    try:
        files = _files(migrations_dir / database)
    except OSError:
        return ()
    shown = f"{_label(migrations_dir)}/{database}/"
    return tuple(
        shown + name
        for name, _ in files
        if ".sql" in (base := name.rpartition("/")[2]).lower()
        and not base.endswith(".sql")
        and not base.startswith(".")
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
            database, sources, f"{_label(migrations_dir)}/{database}/"
        )
        return built.alt(lambda error: error)

    read: Result[tuple[MigrationSource, ...], Problem] = read_sources(database, migrations_dir)
    return read.bind(build)
