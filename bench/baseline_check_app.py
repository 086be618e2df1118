"""Baseline for the ``check`` benchmark: the least a Typer app can do to show four versions.

One Typer command that finds the four AIFP databases from the same options as
``aifp-migrate check`` (``--aifp-root``, ``--project-dir``), opens each one
read-only with a ``file:...?mode=ro`` URI, selects its version and prints one
line per database. No planning, no migration files, no drift check, no rich.

    python bench/baseline_check_app.py --aifp-root ROOT --project-dir PROJECT

bench/run.py times this against ``aifp-migrate check`` on the same four files.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False)

PROJECT_DATABASES = ("project", "user_preferences", "user_directives")


@app.command()
def check(
    aifp_root: Annotated[Path, typer.Option("--aifp-root")],
    project_dir: Annotated[Path, typer.Option("--project-dir")],
) -> None:
    """Print the schema version of each of the four databases."""
    paths = {"aifp_core": aifp_root / "aifp_core.db"}
    for name in PROJECT_DATABASES:
        paths[name] = project_dir / ".aifp-project" / f"{name}.db"
    for name, path in paths.items():
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()
        finally:
            conn.close()
        typer.echo(f"{name}\t{path}\t{row[0] if row else '-'}")


if __name__ == "__main__":
    app()
