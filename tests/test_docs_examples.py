"""Every ```bash example of docs/*.md that runs the tool runs, as written, in a real project.

Each block runs as one ``bash -e -o pipefail`` script in a fresh AIFP
installation at v1.0 (cwd: the project folder, with a copy of the shipped
``migrations/`` so ``python migrations/migrate.py`` and the authoring examples
work). Blocks that roll back or restore start from an up-to-date copy. The few
placeholders the guide uses for "any two schemas" get real files; nothing else
is rewritten. Stdin and stderr are a terminal that answers "y", as a user
reading the guide would when a run names its losses and asks. A block fails
the test when any command fails or prints a traceback.
"""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from tests.aifp_data import MIGRATIONS, Installation, build_installation
from tests.conftest import REPO, accepting, installed_cli

DOCS = REPO / "docs"
_BLOCK = re.compile(r"^[ \t]*```bash\n(.*?)^[ \t]*```$", re.M | re.S)
_RUNS_THE_TOOL = re.compile(r"aifp-migrate |migrate\.py ")


def _blocks() -> list[tuple[str, str]]:
    found = []
    for doc in sorted(DOCS.glob("*.md")):
        text = doc.read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            if _RUNS_THE_TOOL.search(match.group(1)):
                line = text[: match.start()].count("\n") + 1
                found.append((f"{doc.name}:{line}", match.group(1)))
    return found


BLOCKS = _blocks()

_PLACEHOLDERS = (  # the guide's "any two schemas" and "your database", made real
    (re.compile(r"\bFROM TO\b"), "from.sql to.sql"),
    (re.compile(r"(?<![\w/.])project\.db TO\b"), ".aifp-project/project.db to.sql"),
    (re.compile(r"~/code\b"), "$SCAN_ROOT"),
)
_BACKUP_NAME = re.compile(r"\.aifp-project/project\.db\.backup_\d{8}_\d{6}")


_NEEDS_MIGRATED = re.compile(r"\bdown\b|\brestore\b|--rollback")


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Installation]:
    """Two installations built once: at v1.0 (False) and brought up to date (True)."""
    fresh = build_installation(tmp_path_factory.mktemp("fresh"), rows=2)
    migrated = build_installation(tmp_path_factory.mktemp("migrated"), rows=2)
    _tool(migrated, "up", "--all")
    return {False: fresh, True: migrated}


def _copy_of(template: Installation, base: Path) -> Installation:
    inst = Installation(base / template.root.name, base / template.project.name)
    shutil.copytree(template.root, inst.root)
    shutil.copytree(template.project, inst.project)
    return inst


def _prepare(inst: Installation, block: str) -> str:
    """Set up what the block needs and return it with its placeholders made real."""
    shutil.copytree(
        MIGRATIONS, inst.project / "migrations", ignore=shutil.ignore_patterns("__pycache__")
    )
    initial = (MIGRATIONS / "project" / "v1.0_initial_schema.sql").read_text()
    (inst.project / "from.sql").write_text(initial)
    (inst.project / "to.sql").write_text(
        initial + "\nCREATE TABLE extra (id INTEGER PRIMARY KEY);\n"
    )
    for pattern, real in _PLACEHOLDERS:
        block = pattern.sub(real, block)
    if _BACKUP_NAME.search(block):
        (backup,) = sorted((inst.project / ".aifp-project").glob("project.db.backup_*"))
        block = _BACKUP_NAME.sub(f".aifp-project/{backup.name}", block)
    return block


def _env(inst: Installation) -> dict[str, str]:
    bin_dir = str(installed_cli().parent)
    return {
        **os.environ,
        "AIFP_ROOT": str(inst.root),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "SCAN_ROOT": str(inst.project.parent),
    }


def _tool(inst: Installation, *args: str) -> None:
    done = subprocess.run(
        [str(part) for part in (installed_cli(), *accepting(args))],
        cwd=inst.project,
        env=_env(inst),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_docs_have_examples_of_every_command() -> None:
    commands = {
        m.group(1) for _, block in BLOCKS for m in re.finditer(r"aifp-migrate (\w+)", block)
    }
    assert {"check", "up", "down", "diff", "schema", "restore", "verify", "scan"} <= commands


@pytest.mark.parametrize(("where", "block"), BLOCKS, ids=[where for where, _ in BLOCKS])
def test_example_runs_as_written(
    where: str, block: str, tmp_path: Path, templates: dict[bool, Installation]
) -> None:
    inst = _copy_of(templates[bool(_NEEDS_MIGRATED.search(block))], tmp_path)
    script = _prepare(inst, block)
    code, stdout, terminal = _run_at_a_terminal(script, inst)
    assert code == 0, f"{where}:\n{script}\nstdout:\n{stdout}\nterminal:\n{terminal}"
    assert "Traceback" not in stdout + terminal, terminal


def _run_at_a_terminal(script: str, inst: Installation) -> tuple[int, str, str]:
    """Run ``script`` with stdin and stderr on a pseudo-terminal that answers "y" to
    every question; return its exit code, its stdout and what the terminal showed."""
    master, slave = pty.openpty()
    os.write(master, b"y\n" * 16)  # the line discipline holds the answers until read
    shown: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end closed
                return
            if not chunk:
                return
            shown.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", script],
            cwd=inst.project,
            env=_env(inst),
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=slave,
            timeout=300,
            check=False,
        )
    finally:
        os.close(slave)
        reader.join(timeout=10)
        os.close(master)
    terminal = b"".join(shown).decode("utf-8", "replace")
    return done.returncode, done.stdout.decode("utf-8", "replace"), terminal
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
