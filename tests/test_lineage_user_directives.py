"""user_directives.db: all four 1.0 shapes, 1.1 and both 1.2 shapes migrate to the latest 1.2.

Each test builds a real database file at a published shape (its facts rendered
with ``schema_version``), fills it with rows every later shape allows plus rows
that need the data migration (old action_type spellings, logging paths at an
old default), runs the installed ``aifp-migrate`` in a subprocess, and checks
the file from outside. user_directives has no FTS5 table at any version.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

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
    execute,
    fill_allowed,
    initial_schema_text,
    latest_shape,
    live_facts,
    rows_by_id,
    shapes,
)
from tests.schema_facts import load_facts

pytestmark = pytest.mark.e2e

DB = "user_directives"
SHAPES = shapes(DB)
LATEST = latest_shape(DB)
OLD_ACTIONS = [
    ("API Call", "api_call"),
    ("script-execution", "script_execution"),
    ("Command ", "command"),
]
PATHS = ("execution_log_dir", "error_log_dir", "lifecycle_log_path")


def _reached(shape: Shape) -> tuple[Shape, ...]:
    """The shapes ``up`` may leave: the latest, or an earlier shape of the latest version.

    A database at the first 1.2 shape (d149c6c, logging path DEFAULTs still
    '.aifp-project/...') is already at 1.2, so no step of this set runs on it.
    The engine that recognises published shapes (being built in parallel)
    brings such a database to the chain's own 1.2 structure; until then it keeps
    its shape, which differs from the latest only in those three DEFAULTs.
    """
    return (LATEST,) if shape.version != LATEST.version else (shape, LATEST)


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


def _stored_default_paths(path: Path) -> None:
    """The one logging_config row, as AIFP inserts it: every column at the shape's default."""
    execute(path, "DELETE FROM logging_config")
    execute(path, "INSERT INTO logging_config (id) VALUES (1)")


def _add_old_actions(path: Path) -> None:
    for n, (value, _) in enumerate(OLD_ACTIONS):
        execute(
            path,
            "INSERT INTO user_directives (name, source_file, source_format, raw_content, "
            "validated_content, trigger_type, trigger_config, action_type, action_config) "
            "VALUES (?, 'src.yaml', 'yaml', 'raw', '{}', 'manual', '{}', ?, '{}')",
            (f"old action {n}", value),
        )


def _checks_action_type(shape: Shape) -> bool:
    checks = shape.facts()["tables"]["user_directives"]["checks"]
    return any(c.startswith("ACTION_TYPE IN") for c in checks)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _status(project: Path) -> str:
    _, checked = cli("check", None, project)
    assert checked is not None
    return str(next(d["status"] for d in checked["databases"] if d["name"] == DB))


def test_no_published_shape_has_an_fts5_table() -> None:
    assert all(not s.facts().get("virtual_tables") for s in SHAPES)


def test_the_chains_v1_0_is_the_first_published_1_0_shape() -> None:
    assert [s.version for s in SHAPES].count("1.0") == 4
    assert SHAPES[0].facts() == load_facts(DB, "1.0")


def test_the_shipped_v1_2_initial_schema_is_rendered_from_the_latest_facts() -> None:
    shipped = (MIGRATIONS / DB / "v1.2_initial_schema.sql").read_text(encoding="utf-8")
    assert shipped == initial_schema_text(DB), "run: .venv/bin/python -m tests.lineage_users"


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.label)
def test_up_from_every_published_shape_reaches_the_latest_with_every_row(
    tmp_path: Path, shape: Shape
) -> None:
    project, path = _at(tmp_path, shape)
    _stored_default_paths(path)
    old_actions = not _checks_action_type(shape)
    if old_actions:
        _add_old_actions(path)
    before = rows_by_id(path)

    result, document = cli("up", DB, project)

    assert result.returncode == 0, result.stderr
    assert document is not None
    entry = document["databases"][0]
    reached = live_facts(path)
    assert reached in [s.facts() for s in _reached(shape)]
    migrated = shape.version != LATEST.version or (shape != LATEST and reached == LATEST.facts())
    assert entry["status"] == ("migrated" if migrated else "up_to_date")
    assert entry["to"] == "1.2"
    after = rows_by_id(path)
    assert_rows_carried(before, after, check_lists(LATEST.facts()))
    # Stored log paths are user data: kept as they were, whatever the old default.
    for column in PATHS:
        assert after["logging_config"][1][column] == before["logging_config"][1][column]
    if old_actions:
        actions = {r["name"]: r["action_type"] for r in after["user_directives"].values()}
        for n, (_, new) in enumerate(OLD_ACTIONS):
            assert actions[f"old action {n}"] == new
    if shape in (SHAPES[0], SHAPES[-3]):  # check afterwards (two shapes: a process each)
        assert _status(project) == "up_to_date"


@pytest.mark.parametrize(
    "shape",  # the 1.0 shapes without the CHECK: the first, and one with the helper tables
    [SHAPES[0], SHAPES[2]],
    ids=lambda s: s.label,
)
def test_an_action_type_no_certain_mapping_carries_is_refused_by_name(
    tmp_path: Path, shape: Shape
) -> None:
    assert not _checks_action_type(shape)
    project, path = _at(tmp_path, shape)
    execute(
        path,
        "INSERT INTO user_directives (id, name, source_file, source_format, raw_content, "
        "validated_content, trigger_type, trigger_config, action_type, action_config) "
        "VALUES (77, 'webhook', 'src.yaml', 'yaml', 'raw', '{}', 'manual', '{}', 'webhook', '{}')",
    )
    sha = _sha(path)

    result, _ = cli("up", DB, project)

    assert result.returncode == 1, result.stderr
    assert "user_directives.action_type, row id 77" in result.stderr
    assert "'webhook'" in result.stderr
    assert _sha(path) == sha


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_down_from_each_version_to_the_one_before_keeps_surviving_rows(
    tmp_path: Path, version: str
) -> None:
    shape = [s for s in SHAPES if s.version == version][-1]
    # The chain's 1.0 is the first 1.0 shape; its 1.1 the only one.
    previous = SHAPES[0] if version == "1.1" else [s for s in SHAPES if s.version == "1.1"][-1]
    project = _project(tmp_path)
    path = db_path(project, DB)
    build(path, shape)
    fill_allowed(path, allowed_going_back(DB, shape, previous), 4, 5)
    _stored_default_paths(path)
    before = rows_by_id(path)

    result, document = cli("down", DB, project)

    assert result.returncode == 0, result.stderr
    assert document is not None and document["databases"][0]["to"] == previous.version
    assert live_facts(path) == previous.facts()
    dropped = set(shape.facts()["tables"]) - set(previous.facts()["tables"])
    kept = {t: rows for t, rows in before.items() if t not in dropped}
    assert_rows_carried(kept, rows_by_id(path), {})


def test_down_from_1_2_refuses_notes_1_1_cannot_hold(tmp_path: Path) -> None:
    project = _project(tmp_path)
    path = db_path(project, DB)
    build(path, LATEST)
    execute(path, "INSERT INTO notes (id, content, note_type) VALUES (9, 'later', 'deferred')")
    sha = _sha(path)

    result, _ = cli("down", DB, project)

    assert result.returncode == 1, result.stderr
    assert "notes.note_type, row id 9" in result.stderr
    assert _sha(path) == sha


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
    max_examples=4,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a subprocess per example: no shrink
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    index=st.integers(0, len(SHAPES) - 1),
    rows=st.integers(0, 6),
    seed=st.integers(0, 1000),
    actions=st.lists(st.sampled_from([a for a, _ in OLD_ACTIONS]), max_size=3),
)
def test_property_any_shape_and_rows_allowed_along_the_way_reach_the_latest(
    tmp_path_factory: pytest.TempPathFactory,
    index: int,
    rows: int,
    seed: int,
    actions: list[str],
) -> None:
    shape = SHAPES[index]
    project, path = _at(tmp_path_factory.mktemp("prop"), shape, rows, seed)
    if not _checks_action_type(shape):
        for n, value in enumerate(actions):
            execute(
                path,
                "INSERT INTO user_directives (name, source_file, source_format, raw_content, "
                "validated_content, trigger_type, trigger_config, action_type, action_config) "
                "VALUES (?, 's.yaml', 'yaml', 'r', '{}', 'event', '{}', ?, '{}')",
                (f"prop {n}", value),
            )
    before = rows_by_id(path)
    result, _ = cli("up", DB, project)
    assert result.returncode == 0, result.stderr
    assert live_facts(path) in [s.facts() for s in _reached(shape)]
    assert_rows_carried(before, rows_by_id(path), check_lists(LATEST.facts()))
