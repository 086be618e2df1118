"""Every schema AIFP published: its facts render to SQL that builds exactly that structure."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from scripts.render_shapes import HISTORY, REPO, rendered_shapes
from tests.facts_sql import schema_script
from tests.schema_facts import facts_of

FACTS = sorted(HISTORY.glob("*/*.json"))


def test_the_history_holds_all_38_published_shapes() -> None:
    assert len(FACTS) == 38


@pytest.mark.parametrize("path", FACTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_rendered_shape_builds_exactly_its_facts(path: Path) -> None:
    facts = json.loads(path.read_text(encoding="utf-8"))
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(schema_script(facts))
        assert facts_of(conn) == facts
    finally:
        conn.close()


def test_the_shipped_shape_files_are_the_rendered_ones() -> None:
    rendered = rendered_shapes()
    shipped = {
        p.relative_to(REPO): p.read_text(encoding="utf-8")
        for p in (REPO / "migrations").glob("*/shapes/*.sql")
    }
    assert set(shipped) == set(rendered), "run scripts/render_shapes.py"
    for path, text in rendered.items():
        assert shipped[path] == text, f"{path} differs from its facts: run scripts/render_shapes.py"
