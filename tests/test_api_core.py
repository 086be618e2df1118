"""The pure embedding API (``aifp_fp``'s public names): build, plan, describe, typed failures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

import aifp_fp
from aifp_fp import (
    BadVersion,
    DuplicateStep,
    Loss,
    MalformedFileName,
    MigrationSet,
    NoRollback,
    Plan,
    Version,
    describe_plan,
    parse_migration_set,
    parse_version,
    plan_migration,
)
from aifp_fp.describe import statement_losses
from aifp_fp.files import MigrationSource
from aifp_fp.plan import prepare_step
from aifp_fp.sqltext import split_statements
from tests.aifp_data import LATEST, STEPS_TO_LATEST
from tests.strategies_core import DATABASE, VersionGraph, version_graphs

REPO = Path(__file__).resolve().parents[1]


def _shipped(database: str) -> list[tuple[str, str]]:
    folder = REPO / "migrations" / database
    return [
        (path.relative_to(folder).as_posix(), path.read_text(encoding="utf-8"))
        for path in sorted(folder.rglob("*.sql"))
    ]


def _shipped_steps(database: str) -> set[str]:
    """The displayed names of the shipped set's forward steps (its top-level step files)."""
    folder = REPO / "migrations" / database
    return {f"migrations/{database}/{path.name}" for path in folder.glob("v*_to_v*.sql")}


def _versions_of(name: str) -> tuple[str, str]:
    """(from, to) of a step file named ``v<from>_to_v<to>_<description>.sql``."""
    low, high = name.removesuffix(".sql").split("_to_")
    return low.removeprefix("v"), high.split("_")[0].removeprefix("v")


def _ok(result: object) -> object:
    assert isinstance(result, Success), result
    return result.unwrap()


# --- the import itself ---------------------------------------------------------------------


def test_importing_the_core_imports_no_io_library() -> None:
    code = (
        "import sys, aifp_fp\n"
        "bad = {'sqlite3', 'aifp_shell', 'typer', 'rich', 'subprocess'} & set(sys.modules)\n"
        "assert not bad, bad\n"
        "aifp_fp.plan_migration, aifp_fp.describe_plan\n"  # first use loads the modules
        "bad = {'sqlite3', 'aifp_shell', 'typer', 'rich'} & set(sys.modules)\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/")
    assert done.returncode == 0, done.stderr


def test_every_public_name_resolves_and_unknown_names_fail() -> None:
    for name in aifp_fp.__all__:
        assert getattr(aifp_fp, name) is not None
    assert set(aifp_fp.__all__) <= set(dir(aifp_fp))
    with pytest.raises(AttributeError):
        aifp_fp.no_such_name  # noqa: B018


# --- parsing a migration set -----------------------------------------------------------------


def test_parse_migration_set_reads_the_shipped_project_files() -> None:
    built = _ok(parse_migration_set("project", _shipped("project")))
    assert isinstance(built, MigrationSet)
    assert str(built.latest()) == LATEST["project"]
    steps = {s.source.display for s in built.steps}
    assert steps == _shipped_steps("project")
    assert steps >= {  # the plan's own steps keep their names
        "migrations/project/v1.0_to_v1.1_git_integration.sql",
        "migrations/project/v1.1_to_v1.2_notes_enhancement.sql",
    }
    assert len(built.rollbacks) == len(list((REPO / "migrations/project/rollback").glob("*.sql")))


def test_parse_migration_set_accepts_sources_and_names_failures() -> None:
    source = MigrationSource("project", "v1.0_initial_schema.sql", "x/v1.0", "CREATE TABLE t(a);")
    assert isinstance(parse_migration_set("project", [source]), Success)
    bad = parse_migration_set("project", [("v1.0-initial.sql", "")], folder="here")
    assert bad == Failure(
        MalformedFileName("project", "here/project/v1.0-initial.sql", bad.failure().reason)
    )
    twice = parse_migration_set(
        "project",
        [("v1.0_initial_schema.sql", ""), ("v1.0_to_v1.1_a.sql", ""), ("v1.0_to_v1.1_b.sql", "")],
    )
    assert isinstance(twice.failure(), DuplicateStep)


# --- planning ---------------------------------------------------------------------------------


def test_plan_migration_goes_up_down_and_creates_on_the_shipped_set() -> None:
    project = _ok(parse_migration_set("project", _shipped("project")))
    assert isinstance(project, MigrationSet)
    up = _ok(plan_migration(project, "1.0"))  # to the latest, by the shortest path
    assert isinstance(up, Plan)
    assert [(str(s.from_version), str(s.to_version), s.direction) for s in up.steps] == [
        (*_versions_of(name), "up") for name in STEPS_TO_LATEST["project"]
    ]
    assert str(up.end) == LATEST["project"]
    plans_steps = _ok(plan_migration(project, "1.0", "1.2"))
    assert isinstance(plans_steps, Plan)
    assert [(s.source.name, s.direction) for s in plans_steps.steps] == [
        ("v1.0_to_v1.1_git_integration.sql", "up"),
        ("v1.1_to_v1.2_notes_enhancement.sql", "up"),
    ]
    down = _ok(plan_migration(project, Version((1, 2)), "1.0"))
    assert isinstance(down, Plan)
    assert [s.direction for s in down.steps] == ["down", "down"]
    assert down.steps[0].source.name == "rollback/v1.2_to_v1.1_notes_enhancement.sql"
    created = _ok(plan_migration(project, None))
    assert isinstance(created, Plan)
    assert created.start is None and created.steps[0].direction == "init"
    assert _ok(plan_migration(project, LATEST["project"])).is_empty()  # type: ignore[attr-defined]


def test_plan_migration_returns_typed_failures() -> None:
    project = _ok(parse_migration_set("project", _shipped("project")))
    assert isinstance(project, MigrationSet)
    assert plan_migration(project, "one") == Failure(BadVersion("one"))
    assert plan_migration(project, "1.0", "x.y") == Failure(BadVersion("x.y"))
    no_rollback = parse_migration_set(
        "project", [("v1.0_initial_schema.sql", ""), ("v1.0_to_v1.1.sql", "")]
    )
    assert isinstance(no_rollback, Success)
    failed = plan_migration(no_rollback.unwrap(), "1.1", "1.0")
    assert isinstance(failed.failure(), NoRollback)


def _assert_valid(plan: Plan, graph: VersionGraph, start: Version | None, end: Version) -> None:
    """A plan is valid: consecutive steps the set has, from ``start``, ending at ``end``."""
    assert plan.start == start and plan.end == end and plan.database == DATABASE
    at = start
    for step in plan.steps:
        assert step.from_version == at
        if step.direction == "init":
            assert at is None and step.to_version in graph.initials
        elif step.direction == "up":
            assert (step.from_version, step.to_version) in graph.steps
        else:
            assert (step.to_version, step.from_version) in graph.rollbacks
        at = step.to_version
    assert at == end or (not plan.steps and start == end)


@given(graph=version_graphs(), data=st.data())
def test_every_plan_is_valid_for_its_set_and_found_when_a_path_exists(
    graph: VersionGraph, data: st.DataObject
) -> None:
    built = parse_migration_set(DATABASE, graph.sources)
    assert isinstance(built, Success)
    migration_set = built.unwrap()
    start = data.draw(st.none() | st.sampled_from(graph.versions), "start")
    end = data.draw(st.sampled_from(graph.versions), "end")
    result = plan_migration(migration_set, start, end)
    if start is None:
        creatable = any(end in graph.reachable_from(i) for i in graph.initials if i <= end)
        assert isinstance(result, Success) == creatable
    elif start <= end:
        assert isinstance(result, Success) == (end in graph.reachable_from(start))
    else:
        undoable = VersionGraph(
            graph.initials, graph.rollbacks, graph.rollbacks, graph.sources
        ).reachable_from(end)
        if start in undoable:
            assert isinstance(result, Success)
    match result:
        case Success(plan):
            _assert_valid(plan, graph, start, end)
            described = describe_plan(plan, migration_set)
            assert described.files == tuple(s.source.display for s in plan.steps)
            assert [d.direction for d in described.steps] == [s.direction for s in plan.steps]
            for step in described.steps:
                if step.direction == "up":
                    low = parse_version(step.from_version or "").unwrap()
                    high = parse_version(step.to_version).unwrap()
                    pair = (low, high)
                    has = pair in graph.rollbacks
                    assert (step.rollback_kind == "hand_written") == has
                    assert (step.rollback is not None) == has
                if step.direction == "down":  # the generator's rollbacks drop the step's table
                    assert [loss.kind for loss in step.losses] == ["table"]
        case Failure(error):
            assert type(error).__module__ == "aifp_fp.errors"


@given(
    text=st.text(alphabet=st.sampled_from(list("ALTER TABLE DROP COLUMN x\"'.;\n-(")), max_size=80)
)
def test_describe_is_total_over_any_script_the_planner_accepts(text: str) -> None:
    source = MigrationSource(DATABASE, "v1.0_to_v1.1.sql", "m/v1.0_to_v1.1.sql", text)
    prepared = prepare_step(source, "up", Version((1, 0)), Version((1, 1)))
    if isinstance(prepared, Failure):
        return
    plan = Plan(DATABASE, Version((1, 0)), Version((1, 1)), (prepared.unwrap(),))
    described = describe_plan(plan)
    assert described.direction == "up" and described.steps[0].rollback_kind == "none"
    assert described.losses == described.steps[0].losses


# --- describing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("DROP TABLE notes;", [("table", "notes", None)]),
        ('drop table if exists main."Odd Name";', [("table", "Odd Name", None)]),
        (
            "ALTER TABLE project DROP COLUMN last_git_sync;",
            [("column", "project", "last_git_sync")],
        ),
        ('alter table main.project drop "x y";', [("column", "project", "x y")]),
        ("ALTER TABLE project ADD COLUMN z TEXT;", []),
        ("ALTER TABLE project RENAME COLUMN a TO b;", []),
        ("DROP INDEX idx;", []),
        ("DROP VIEW v;", []),
        ("ALTER TABLE t DROP;", []),
    ],
)
def test_statement_losses(sql: str, expected: list[tuple[str, str, str | None]]) -> None:
    (statement,) = split_statements(sql).statements
    losses = statement_losses("f.sql", statement)
    assert [(loss.kind, loss.table, loss.column) for loss in losses] == expected


def test_describe_names_what_the_shipped_project_rollback_cannot_bring_back() -> None:
    project = _ok(parse_migration_set("project", _shipped("project")))
    assert isinstance(project, MigrationSet)
    # The plan's two steps keep every row (their headers say so): nothing is lost, though
    # both rebuild tables (CREATE new_t, INSERT ... SELECT, DROP t, RENAME new_t TO t).
    up = describe_plan(plan_migration(project, "1.0", "1.2").unwrap(), project)
    assert up.direction == "up" and (up.start, up.end) == ("1.0", "1.2")
    assert [s.rollback for s in up.steps] == [
        "migrations/project/rollback/v1.1_to_v1.0_git_integration.sql",
        "migrations/project/rollback/v1.2_to_v1.1_notes_enhancement.sql",
    ]
    assert up.losses == ()
    down = describe_plan(plan_migration(project, "1.1", "1.0").unwrap(), project)
    assert down.direction == "down"
    file = "migrations/project/rollback/v1.1_to_v1.0_git_integration.sql"
    assert {(loss.kind, loss.table, loss.column, loss.file) for loss in down.losses} == {
        ("table", "merge_history", None, file),
        ("table", "work_branches", None, file),
        ("column", "project", "last_git_sync", file),
        ("column", "project", "last_known_git_hash", file),
    }
    assert all(isinstance(loss, Loss) and loss.line > 0 for loss in down.losses)
    latest = plan_migration(project, LATEST["project"]).unwrap()
    assert describe_plan(latest).direction == "none"
    assert describe_plan(plan_migration(project, None).unwrap()).direction == "create"
