"""Docs true to the code: a row in architecture.md per module; bench names no outside path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO

DOC = REPO / "docs" / "architecture.md"
PACKAGES = {"The core": REPO / "aifp_fp", "The shell": REPO / "shell" / "aifp_shell"}


def _section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(rf"^## {title}\b.*?$(.*?)(?=^## )", text, re.S | re.M)
    assert found is not None, f"architecture.md has no section '## {title}'"
    return found.group(1)


def _rows(section: str) -> set[str]:
    """Return the module paths named in the first cell of each table row."""
    named: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            named.update(re.findall(r"`([\w/]+\.py)`", first))
    return named


def _modules(root: Path) -> set[str]:
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if path.name != "__init__.py" or path.parent == root
    }


@pytest.mark.parametrize("title", sorted(PACKAGES))
def test_every_module_has_a_row_and_every_row_a_module(title: str) -> None:
    rows = _rows(_section(title))
    modules = _modules(PACKAGES[title])
    assert modules - rows == set(), "modules with no row in docs/architecture.md"
    assert rows - modules == set(), "rows in docs/architecture.md naming no module"


def test_bench_scripts_name_no_path_outside_the_repository() -> None:
    outside = re.compile(r"(?<![\w.~-])/(?:work|usr|tmp|home|opt|bin|root|etc|var)\b")
    for path in [*sorted((REPO / "bench").glob("*.py")), REPO / "bench" / "README.md"]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not outside.search(line), f"{path.name}:{number}: {line.strip()}"
