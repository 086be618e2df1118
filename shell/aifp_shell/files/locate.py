"""Where the four AIFP databases and the migration set live on this machine."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import attrs

from aifp_fp.value import Value
from aifp_shell.problems import ProjectNotFound

DATABASES = ("aifp_core", "project", "user_preferences", "user_directives")
"""AIFP's databases, in the order every command handles (and locks) them."""

PROJECT_FOLDER = ".aifp-project"
AIMFP_PROJECT_FOLDER = ".aimfp-project"
PROJECT_FOLDERS = (PROJECT_FOLDER, AIMFP_PROJECT_FOLDER)
"""A project's database folder: AIFP's name, and AIMFP's (AIFP was renamed on 2026-03-29)."""
CORE_FILES = ("aifp_core.db", "aimfp_core.db")
"""aifp_core's file in the AIFP root: AIFP's name, else AIMFP's."""
CREATABLE = frozenset({"user_preferences", "user_directives"})
"""Databases that are created from their initial schema when missing from a project."""


@attrs.frozen(slots=True, repr=False)
class Location(Value):
    """Where one database is: its path (None when there is no project), and why not."""

    name: str
    path: Path | None
    creatable: bool
    why_missing: str


@attrs.frozen(slots=True, repr=False)
class Places(Value):
    """The folders a run works with, found once per run."""

    aifp_root: Path
    project_dir: Path | None
    migrations_dir: Path
    searched_from: Path | None = None
    """Where the search for a project started, when no ``--project-dir`` was given."""


@attrs.frozen(slots=True, repr=False)
class SetInUse(Value):
    """The migration set a run uses: its folder, and whether it is the one shipped."""

    path: str
    shipped: bool


def project_folders_in(folder: Path) -> tuple[Path, ...]:
    """Return the project database folders (AIFP's, AIMFP's) that exist in ``folder``."""
    return tuple(folder / name for name in PROJECT_FOLDERS if (folder / name).is_dir())


def find_project_dir(start: Path) -> Path | None:
    """Return the nearest folder at or above ``start`` holding ``.aifp-project/`` or AIMFP's."""
    for folder in (start, *start.parents):
        if project_folders_in(folder):
            return folder
    return None


def project_problem(places: Places) -> ProjectNotFound | None:
    """Return why the run's project folder cannot be used, or None when it can.

    None when it holds exactly one of ``.aifp-project/`` and ``.aimfp-project/``;
    else the problem names where the tool looked (the ``--project-dir``, or the
    working directory the search started from).
    """
    folder = places.project_dir
    if folder is None:
        where = places.searched_from or Path.cwd()
        return ProjectNotFound(
            str(where),
            f"no {PROJECT_FOLDER}/ or {AIMFP_PROJECT_FOLDER}/ folder here or in any folder "
            "above; run the command inside a project or pass --project-dir DIR",
        )
    if not folder.exists():
        return ProjectNotFound(str(folder), "--project-dir: no such folder")
    if not folder.is_dir():
        return ProjectNotFound(str(folder), "--project-dir: not a folder")
    found = project_folders_in(folder)
    if not found:
        return ProjectNotFound(
            str(folder),
            f"it holds neither {PROJECT_FOLDER}/ nor {AIMFP_PROJECT_FOLDER}/; "
            "pass the folder that holds one as --project-dir",
        )
    if len(found) > 1:
        return ProjectNotFound(str(folder), f"it holds both {found[0]} and {found[1]}; keep one")
    return None


def _project_of(given: Path) -> Path:
    """Return the project a ``--project-dir`` names: the folder itself, or, when given
    its ``.aifp-project/`` (or AIMFP's) folder, the folder that holds it."""
    if given.name in PROJECT_FOLDERS and given.is_dir() and not project_folders_in(given):
        return given.parent
    return given


def core_path(aifp_root: Path) -> Path:
    """Return aifp_core's file: ``aifp_core.db``, else an existing ``aimfp_core.db``."""
    for name in CORE_FILES:
        if (aifp_root / name).exists():
            return aifp_root / name
    return aifp_root / CORE_FILES[0]


def shipped_migrations_dir() -> Path:
    """Return the folder of the AIFP migration set shipped with this installation."""
    spec = importlib.util.find_spec("aifp_migrations")
    if spec is None or spec.origin is None:  # pragma: no cover - the wheel ships it
        raise RuntimeError("the package aifp_migrations is not installed")
    return Path(spec.origin).resolve().parent


def find_places(
    project_dir: Path | None, aifp_root: Path | None, migrations_dir: Path | None
) -> Places:
    """Return the folders for a run, from options, ``$AIFP_ROOT`` and the working directory."""
    root = aifp_root or (
        Path(os.environ["AIFP_ROOT"]) if os.environ.get("AIFP_ROOT") else Path.home() / ".aifp"
    )
    cwd = Path.cwd()
    if project_dir is not None:
        project: Path | None = _project_of(project_dir.expanduser().absolute())
    else:
        project = find_project_dir(cwd)
    return Places(
        root.expanduser().absolute(),
        project,
        (migrations_dir or shipped_migrations_dir()).expanduser().absolute(),
        searched_from=None if project_dir is not None else cwd,
    )


def set_in_use(places: Places) -> SetInUse:
    """Return the run's migration set: its folder, and whether it is the shipped one."""
    folder = places.migrations_dir
    try:
        shipped = folder.resolve() == shipped_migrations_dir()
    except OSError:  # pragma: no cover - a folder that cannot be resolved is not the shipped one
        shipped = False
    return SetInUse(str(folder), shipped)


def locate(name: str, places: Places) -> Location:
    """Return where database ``name`` is expected."""
    if name == "aifp_core":
        return Location(name, core_path(places.aifp_root), False, "no such file")
    if places.project_dir is None:
        return Location(
            name,
            None,
            False,
            f"no {PROJECT_FOLDER}/ or {AIMFP_PROJECT_FOLDER}/ folder in "
            f"{places.searched_from or 'the working directory'} or above",
        )
    found = project_folders_in(places.project_dir)
    if not found:
        folder = places.project_dir / PROJECT_FOLDER
        return Location(
            name,
            folder / f"{name}.db",
            False,
            f"neither {folder} nor {places.project_dir / AIMFP_PROJECT_FOLDER} exists",
        )
    if len(found) > 1:
        return Location(name, None, False, f"both {found[0]} and {found[1]} exist; keep one")
    return Location(name, found[0] / f"{name}.db", name in CREATABLE, "no such file")
