"""user_preferences.db: every published shape migrates to the latest (1.2), rows kept.

Each test builds a real database file at a published shape (its facts rendered
with ``schema_version``), fills it with rows every later shape allows plus rows
that need the 1.0 -> 1.1 data migration, runs the installed ``aifp-migrate`` in a
subprocess, and checks the file from outside: exit code, structure (facts),
every row of every surviving column, mapped values, refusals by name, ``down``.
user_preferences has no FTS5 table at any version (asserted below).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.lineage_users import (
    MIGRATIONS,
    Shape,
    allowed_along_the_way,
    allowed_going_back,
    assert_rows_carried,
    build,
    check_lists,
    cli,
    db_path,
    directive_name_from_context,
    execute,
    fill_allowed,
    initial_schema_text,
    latest_shape,
    live_facts,
    rows_by_id,
    shapes,
)

pytestmark = pytest.mark.e2e

DB = "user_preferences"
SHAPES = shapes(DB)
LATEST = latest_shape(DB)
RENAMED = {
    ("ai_interaction_log", "directive_name"): ("directive_context", directive_name_from_context)
}

# 1.0 rows that need the data migration: (table, column, value, what 1.1 holds)
OLD_VALUES = [
    ("ai_interaction_log", "interaction_type", "Correction ", "correction"),
    ("ai_interaction_log", "interaction_type", "preference-learned", "preference_learned"),
    ("issue_reports", "report_type", "Feature Request", "feature_request"),
    ("issue_reports", "status", " SUBMITTED", "submitted"),
    ("user_settings", "scope", "Global", "global"),
]
CONTEXTS = [  # directive_context -> directive_name
    ("project_file_write", "project_file_write"),
    ("  fp_purity\n", "fp_purity"),
    ("while writing src/app.py", None),  # free text: not a directive name (the named loss)
    ("", None),
    (None, None),
]


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    (project / ".aifp-project").mkdir(parents=True)
    return project


def _at(tmp_path: Path, shape: Shape, rows: int = 4, seed: int = 0) -> tuple[Path, Path]:
    project = _project(tmp_path)
    path = db_path(project, DB)
    build(path, shape)
    fill_allowed(path, allowed_along_the_way(DB, SHAPES.index(shape)), rows, seed)
    return project, path


def _add_old_rows(path: Path) -> None:
    """Rows a 1.0 database may hold that 1.1's CHECKs accept only after the mapping."""
    for table, column, value, _ in OLD_VALUES:
        if table == "ai_interaction_log":
            execute(
                path,
                "INSERT INTO ai_interaction_log (interaction_type, user_feedback) VALUES (?, 'fb')",
                (value,),
            )
            if column != "interaction_type":
                raise AssertionError(column)
        elif table == "issue_reports":
            other = "report_type" if column == "status" else "status"
            execute(
                path,
                f"INSERT INTO issue_reports ({column}, {other}, title, description) "
                "VALUES (?, ?, 't', 'd')",
                (value, "draft" if other == "status" else "bug"),
            )
        else:
            execute(
                path,
                "INSERT INTO user_settings (setting_key, setting_value, scope) VALUES (?, 'v', ?)",
                (f"key {value}", value),
            )
    for context, _ in CONTEXTS:
        execute(
            path,
            "INSERT INTO ai_interaction_log (interaction_type, directive_context, user_feedback) "
            "VALUES ('clarification', ?, 'fb')",
            (context,),
        )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _status(project: Path) -> str:
    _, checked = cli("check", None, project)
    assert checked is not None
    return str(next(d["status"] for d in checked["databases"] if d["name"] == DB))


def test_no_published_shape_has_an_fts5_table() -> None:
    assert all(not s.facts().get("virtual_tables") for s in SHAPES)


def test_the_shipped_v1_2_initial_schema_is_rendered_from_the_latest_facts() -> None:
    shipped = (MIGRATIONS / DB / "v1.2_initial_schema.sql").read_text(encoding="utf-8")
    assert shipped == initial_schema_text(DB), "run: .venv/bin/python -m tests.lineage_users"


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.label)
def test_up_from_every_published_shape_reaches_the_latest_with_every_row(
    tmp_path: Path, shape: Shape
) -> None:
    project, path = _at(tmp_path, shape)
    if shape.version == "1.0":
        _add_old_rows(path)
    before = rows_by_id(path)

    result, document = cli("up", DB, project)

    assert result.returncode == 0, result.stderr
    assert document is not None
    entry = document["databases"][0]
    assert entry["status"] == ("up_to_date" if shape == LATEST else "migrated")
    assert entry["to"] == "1.2"
    assert live_facts(path) == LATEST.facts()
    after = rows_by_id(path)
    assert_rows_carried(
        before, after, check_lists(LATEST.facts()), RENAMED if shape.version == "1.0" else None
    )
    if shape.version == "1.0":
        log = after["ai_interaction_log"]
        for context, name in CONTEXTS:
            assert any(
                r["directive_name"] == name
                for r in log.values()
                if r["interaction_type"] == "clarification"
            ), context
        carried: dict[str, Any] = {
            str(v): True for t in after.values() for r in t.values() for v in r.values()
        }
        for _table, _column, _old, new in OLD_VALUES:
            assert new in carried
    if shape in (SHAPES[0], SHAPES[1]):  # check afterwards (two shapes: a process each)
        assert _status(project) == "up_to_date"


@pytest.mark.parametrize(
    ("table", "column", "insert"),
    [
        (
            "ai_interaction_log",
            "interaction_type",
            "INSERT INTO ai_interaction_log (id, interaction_type, user_feedback) "
            "VALUES (77, 'thanks', 'fb')",
        ),
        (
            "issue_reports",
            "report_type",
            "INSERT INTO issue_reports (id, report_type, title, description) "
            "VALUES (77, 'question', 't', 'd')",
        ),
        (
            "issue_reports",
            "status",
            "INSERT INTO issue_reports (id, report_type, status, title, description) "
            "VALUES (77, 'bug', 'closed', 't', 'd')",
        ),
        (
            "user_settings",
            "scope",
            "INSERT INTO user_settings (id, setting_key, setting_value, scope) "
            "VALUES (77, 'k77', 'v', 'team')",
        ),
    ],
)
def test_a_value_no_certain_mapping_carries_is_refused_by_name_and_nothing_changes(
    tmp_path: Path, table: str, column: str, insert: str
) -> None:
    project, path = _at(tmp_path, SHAPES[0])
    _add_old_rows(path)
    execute(path, insert)
    sha = _sha(path)

    result, _ = cli("up", DB, project)

    assert result.returncode == 1, result.stderr
    assert f"{table}.{column}, row id 77" in result.stderr
    assert "CHECK" in result.stderr
    assert _sha(path) == sha


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_down_from_each_version_to_the_one_before_keeps_surviving_rows(
    tmp_path: Path, version: str
) -> None:
    versions = [s.version for s in SHAPES]
    shape = [s for s in SHAPES if s.version == version][-1]
    previous_version = versions[versions.index(version) - 1]
    previous = [s for s in SHAPES if s.version == previous_version][-1]
    project = _project(tmp_path)
    path = db_path(project, DB)
    build(path, shape)
    fill_allowed(path, allowed_going_back(DB, shape, previous), 4, 3)
    before = rows_by_id(path)

    result, document = cli("down", DB, project)

    assert result.returncode == 0, result.stderr
    assert document is not None and document["databases"][0]["to"] == previous_version
    assert live_facts(path) == previous.facts()
    after = rows_by_id(path)
    dropped = set(shape.facts()["tables"]) - set(previous.facts()["tables"])
    kept = {t: rows for t, rows in before.items() if t not in dropped}
    assert_rows_carried(kept, after, {})
    if version == "1.1":  # directive_name goes back into directive_context
        for row_id, row in before["ai_interaction_log"].items():
            assert after["ai_interaction_log"][row_id]["directive_context"] == row["directive_name"]


def test_a_new_database_gets_the_latest_schema_as_v1_0_plus_the_steps_builds_it(
    tmp_path: Path,
) -> None:
    direct = _project(tmp_path / "direct")
    result, document = cli("up", DB, direct)
    assert result.returncode == 0, result.stderr
    assert document is not None and document["databases"][0]["to"] == "1.2"
    stepped = _project(tmp_path / "stepped")
    first, _ = cli("up", DB, stepped, "--target", "1.0")
    assert first.returncode == 0, first.stderr
    second, _ = cli("up", DB, stepped)
    assert second.returncode == 0, second.stderr
    assert live_facts(db_path(direct, DB)) == LATEST.facts()
    assert live_facts(db_path(stepped, DB)) == LATEST.facts()


@settings(
    parent=settings.get_profile("ci"),
    max_examples=5,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a subprocess per example: no shrink
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    index=st.integers(0, len(SHAPES) - 1),
    rows=st.integers(0, 6),
    seed=st.integers(0, 1000),
    contexts=st.lists(st.sampled_from([c for c, _ in CONTEXTS]), max_size=3),
)
def test_property_any_shape_and_rows_allowed_along_the_way_reach_the_latest(
    tmp_path_factory: pytest.TempPathFactory,
    index: int,
    rows: int,
    seed: int,
    contexts: list[str | None],
) -> None:
    shape = SHAPES[index]
    project, path = _at(tmp_path_factory.mktemp("prop"), shape, rows, seed)
    if shape.version == "1.0":
        for context in contexts:
            execute(
                path,
                "INSERT INTO ai_interaction_log (interaction_type, directive_context, "
                "user_feedback) VALUES ('Correction', ?, 'fb')",
                (context,),
            )
    before = rows_by_id(path)
    result, _ = cli("up", DB, project)
    assert result.returncode == 0, result.stderr
    assert live_facts(path) == LATEST.facts()
    assert_rows_carried(
        before,
        rows_by_id(path),
        check_lists(LATEST.facts()),
        RENAMED if shape.version == "1.0" else None,
    )
