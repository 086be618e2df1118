"""Demo: an AIFP project at v1.0 with rows, migrated to the latest version, both versions shown.

Builds a throwaway installation under demo-run/ (or the folder given), runs the
seed form the plan announced (check, dry run, migrate, check again), and prints
each database's tables before and after.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.aifp_data import DATABASES, build_installation  # noqa: E402


def tables(path: Path) -> str:
    """Return one line per table: name, columns and row count."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        lines = []
        for (name,) in conn.execute(  # full-text indexes' shadow tables are not shown
            "SELECT name FROM pragma_table_list WHERE schema = 'main' "
            "AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ):
            columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')]
            count = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            lines.append(f"    {name} ({count} rows): {', '.join(columns)}")
        return "\n".join(lines)
    finally:
        conn.close()


def run(installation_project: Path, env: dict[str, str], *args: str) -> None:
    """Run the seed form of the tool in the project folder, echoing the command."""
    print(f"\n$ python migrations/migrate.py {' '.join(args)}", flush=True)
    subprocess.run(
        [sys.executable, str(REPO / "migrations" / "migrate.py"), *args],
        cwd=installation_project,
        env=env,
        check=False,
    )


def main() -> None:
    """Build the demo installation, migrate it, and show both versions."""
    base = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "demo-run"
    shutil.rmtree(base, ignore_errors=True)
    installation = build_installation(base, rows=25, seed=7)
    env = {"AIFP_ROOT": str(installation.root), "PATH": "/usr/bin:/bin", "COLUMNS": "140"}
    print(f"Demo AIFP installation at v1.0 in {base}")
    print("\n=== before (v1.0) ===")
    for name in DATABASES:
        print(f"  {name}: {installation.path(name)}\n{tables(installation.path(name))}")
    run(installation.project, env, "--check")
    run(installation.project, env, "--all", "--dry-run")
    run(installation.project, env, "--all", "--yes")  # the lineage drops columns AIFP dropped
    run(installation.project, env, "--check")
    print("\n=== after (latest) ===")
    for name in ("aifp_core", "project"):
        print(f"  {name}: {installation.path(name)}\n{tables(installation.path(name))}")
    run(installation.project, env, "--db", "project", "--rollback", "--yes")
    print("\nRolled project.db back one step; `--all` brings it up again. Files are in", base)


if __name__ == "__main__":
    main()
