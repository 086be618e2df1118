"""Where the four AIFP databases and the migration set live on this machine."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import attrs

DATABASES = ("aifp_core", "project", "user_preferences", "user_directives")
"""AIFP's databases, in the order every command handles (and locks) them."""

PROJECT_FOLDER = ".aifp-project"
CREATABLE = frozenset({"user_preferences", "user_directives"})
"""Databases that are created from their initial schema when missing from a project."""


@attrs.frozen(slots=True)
class Location:
    """Where one database is: its path (None when there is no project), and why not."""

    name: str
    path: Path | None
    creatable: bool
    why_missing: str


@attrs.frozen(slots=True)
class Places:
    """The folders a run works with, found once per run."""

    aifp_root: Path
    project_dir: Path | None
    migrations_dir: Path


def find_project_dir(start: Path) -> Path | None:
    """Return the nearest folder at or above ``start`` that holds ``.aifp-project/``."""
    for folder in (start, *start.parents):
        if (folder / PROJECT_FOLDER).is_dir():
            return folder
    return None


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
    project = project_dir if project_dir is not None else find_project_dir(Path.cwd())
    return Places(
        root.expanduser().absolute(),
        project.expanduser().absolute() if project is not None else None,
        (migrations_dir or shipped_migrations_dir()).expanduser().absolute(),
    )


def locate(name: str, places: Places) -> Location:
    """Return where database ``name`` is expected."""
    if name == "aifp_core":
        return Location(name, places.aifp_root / "aifp_core.db", False, "no such file")
    if places.project_dir is None:
        return Location(
            name, None, False, f"no {PROJECT_FOLDER}/ folder at or above the working directory"
        )
    folder = places.project_dir / PROJECT_FOLDER
    if not folder.is_dir():
        return Location(name, folder / f"{name}.db", False, f"{folder} does not exist")
    return Location(name, folder / f"{name}.db", name in CREATABLE, "no such file")
