"""Migration sets by shape, and plans over generated version graphs."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from aifp_fp.errors import (
    DatabaseAhead,
    DuplicateStep,
    ForbiddenStatement,
    MalformedFileName,
    NoMigrations,
    NoPath,
    NoRollback,
    OrphanRollback,
    UnknownVersion,
    UnreachableStep,
    UnterminatedStatement,
)
from aifp_fp.files import checksum
from aifp_fp.graph import MigrationSet, build_migration_set
from aifp_fp.plan import (
    Plan,
    PlannedStep,
    find_path,
    plan_create,
    plan_down,
    plan_up,
    prepare_step,
    previous_version,
)
from aifp_fp.version import Version, parse_version
from tests.strategies_core import (
    DATABASE,
    FOLDER,
    InvalidSet,
    VersionGraph,
    invalid_sets,
    source_named,
    step_file,
    version_graphs,
)


def v(text: str) -> Version:
    match parse_version(text):
        case Success(version):
            return version
    raise AssertionError(text)


def build(names: Sequence[str]) -> Result[MigrationSet, object]:
    return build_migration_set(DATABASE, [source_named(name) for name in names], FOLDER)


def valid(names: Sequence[str]) -> MigrationSet:
    built = build(names)
    assert isinstance(built, Success), built
    return built.unwrap()


def failure(result: Result[object, object]) -> object:
    assert isinstance(result, Failure), result
    return result.failure()


def plan_of(result: Result[Plan, object]) -> Plan:
    assert isinstance(result, Success), result
    return result.unwrap()


def hops(plan: Plan) -> list[tuple[str | None, str, str]]:
    """Each planned step as (from, to, file name), for readable golden comparisons."""
    return [
        (None if s.from_version is None else str(s.from_version), str(s.to_version), s.source.name)
        for s in plan.steps
    ]


def graph_set(graph: VersionGraph) -> MigrationSet:
    built = build_migration_set(DATABASE, graph.sources, FOLDER)
    assert isinstance(built, Success), built
    return built.unwrap()


def model_path_length(graph: VersionGraph, start: Version, end: Version) -> int | None:
    """The number of steps of the shortest chain from start up to end (breadth first)."""
    distance = {start: 0}
    queue = deque([start])
    while queue:
        at = queue.popleft()
        for low, high in graph.steps:
            if low == at and high not in distance:
                distance[high] = distance[at] + 1
                queue.append(high)
    return distance.get(end)


def assert_chain(graph: VersionGraph, plan_steps: Sequence[PlannedStep], start: Version) -> None:
    """Planned up steps: existing steps, each starting where the previous one ended."""
    at = start
    for step in plan_steps:
        assert step.direction == "up"
        assert step.from_version == at
        assert (step.from_version, step.to_version) in graph.steps
        assert step.source == step_file(graph, step.from_version, step.to_version)
        assert step.checksum == checksum(step.source.text)
        at = step.to_version


# --- shapes: linear chain ------------------------------------------------------

LINEAR = [
    "v1.0_initial_schema.sql",
    "v1.0_to_v1.1_notes.sql",
    "v1.1_to_v1.2.sql",
    "rollback/v1.1_to_v1.0_notes.sql",
    "rollback/v1.2_to_v1.1.sql",
]


def test_linear_chain_versions_and_roots() -> None:
    linear = valid(LINEAR)
    assert linear.versions() == (v("1.0"), v("1.1"), v("1.2"))
    assert linear.latest() == v("1.2")
    assert linear.roots() == (v("1.0"),)
    assert previous_version(linear, v("1.2")) == v("1.1")
    assert previous_version(linear, v("1.0")) is None


def test_linear_chain_up_runs_every_step_in_order() -> None:
    linear = valid(LINEAR)
    plan = plan_of(plan_up(linear, v("1.0")))
    assert (plan.start, plan.end) == (v("1.0"), v("1.2"))
    assert hops(plan) == [
        ("1.0", "1.1", "v1.0_to_v1.1_notes.sql"),
        ("1.1", "1.2", "v1.1_to_v1.2.sql"),
    ]
    assert plan_of(plan_up(linear, v("1.1"), v("1.1"))).is_empty()
    assert plan_of(plan_up(linear, v("1.2"))).is_empty()


def test_linear_chain_down_one_step_and_to_a_target() -> None:
    linear = valid(LINEAR)
    assert hops(plan_of(plan_down(linear, v("1.2")))) == [
        ("1.2", "1.1", "rollback/v1.2_to_v1.1.sql")
    ]
    plan = plan_of(plan_down(linear, v("1.2"), v("1.0")))
    assert [s.direction for s in plan.steps] == ["down", "down"]
    assert hops(plan) == [
        ("1.2", "1.1", "rollback/v1.2_to_v1.1.sql"),
        ("1.1", "1.0", "rollback/v1.1_to_v1.0_notes.sql"),
    ]
    assert failure(plan_down(linear, v("1.0"))) == NoPath(DATABASE, "1.0", "1.0", "down")
    assert failure(plan_down(linear, v("1.0"), v("1.2"))) == NoPath(DATABASE, "1.0", "1.2", "down")


def test_linear_chain_create_starts_from_the_initial_schema() -> None:
    plan = plan_of(plan_create(valid(LINEAR)))
    assert plan.start is None
    assert hops(plan) == [
        (None, "1.0", "v1.0_initial_schema.sql"),
        ("1.0", "1.1", "v1.0_to_v1.1_notes.sql"),
        ("1.1", "1.2", "v1.1_to_v1.2.sql"),
    ]
    assert plan.steps[0].direction == "init"


def test_missing_rollback_is_no_rollback() -> None:
    chain = valid(["v1.0_initial_schema.sql", "v1.0_to_v1.1.sql", "v1.1_to_v1.2.sql"])
    assert failure(plan_down(chain, v("1.2"))) == NoRollback(
        DATABASE, f"{FOLDER}/v1.1_to_v1.2.sql", "1.2", "1.1"
    )


def test_numeric_order_decides_latest() -> None:
    chain = valid(["v1.9_initial_schema.sql", "v1.9_to_v1.10.sql", "v1.10_to_v2.sql"])
    assert chain.latest() == v("2")
    assert hops(plan_of(plan_up(chain, v("1.9")))) == [
        ("1.9", "1.10", "v1.9_to_v1.10.sql"),
        ("1.10", "2", "v1.10_to_v2.sql"),
    ]


# --- shapes: diamond ------------------------------------------------------------

DIAMOND = [
    "v1_initial_schema.sql",
    "v1_to_v2_left.sql",
    "v1_to_v3_right.sql",
    "v2_to_v4.sql",
    "v3_to_v4.sql",
]


def test_diamond_takes_the_branch_with_the_lower_target() -> None:
    diamond = valid(DIAMOND)
    assert hops(plan_of(plan_up(diamond, v("1")))) == [
        ("1", "2", "v1_to_v2_left.sql"),
        ("2", "4", "v2_to_v4.sql"),
    ]
    assert hops(plan_of(plan_up(diamond, v("3")))) == [("3", "4", "v3_to_v4.sql")]


def test_diamond_with_a_shortcut_takes_the_shortest_path() -> None:
    diamond = valid([*DIAMOND, "v1_to_v4_shortcut.sql"])
    assert hops(plan_of(plan_up(diamond, v("1")))) == [("1", "4", "v1_to_v4_shortcut.sql")]


def test_diamond_has_no_path_across_branches() -> None:
    diamond = valid(DIAMOND)
    assert find_path(diamond, v("2"), v("3")) is None
    assert failure(plan_up(diamond, v("2"), v("3"))) == NoPath(DATABASE, "2", "3", "up")


DIAMOND_ROLLBACKS = [
    *DIAMOND,
    "rollback/v4_to_v3.sql",
    "rollback/v4_to_v2.sql",
    "rollback/v3_to_v1.sql",
]


def test_diamond_previous_version_is_the_highest_origin() -> None:
    diamond = valid(DIAMOND_ROLLBACKS)
    assert previous_version(diamond, v("4")) == v("3")
    assert hops(plan_of(plan_down(diamond, v("4")))) == [("4", "3", "rollback/v4_to_v3.sql")]
    assert hops(plan_of(plan_down(diamond, v("3")))) == [("3", "1", "rollback/v3_to_v1.sql")]


def test_diamond_down_to_a_target_agrees_with_one_step_downs() -> None:
    # the branch through 2 has no rollback for v1_to_v2_left.sql; the one through 3 has all
    diamond = valid(DIAMOND_ROLLBACKS)
    assert hops(plan_of(plan_down(diamond, v("4"), v("1")))) == [
        ("4", "3", "rollback/v4_to_v3.sql"),
        ("3", "1", "rollback/v3_to_v1.sql"),
    ]


# --- shapes: gap, unreachable, duplicate, orphan, none, initial only ---------------------


def test_gap_between_steps_is_unreachable() -> None:
    error = failure(build(["v1.0_to_v1.1.sql", "v1.2_to_v1.3.sql"]))
    assert error == UnreachableStep(DATABASE, f"{FOLDER}/v1.2_to_v1.3.sql", "1.2")


def test_gap_after_an_initial_schema_is_unreachable() -> None:
    names = ["v1.0_initial_schema.sql", "v1.0_to_v1.1.sql", "v1.2_to_v1.3.sql"]
    assert isinstance(failure(build(names)), UnreachableStep)


def test_gap_bridged_by_a_second_initial_schema_is_valid() -> None:
    names = [
        "v1.0_initial_schema.sql",
        "v1.0_to_v1.1.sql",
        "v1.2_initial_schema.sql",
        "v1.2_to_v1.3.sql",
    ]
    bridged = valid(names)
    assert bridged.roots() == (v("1.0"), v("1.2"))
    assert failure(plan_up(bridged, v("1.1"))) == NoPath(DATABASE, "1.1", "1.3", "up")
    assert hops(plan_of(plan_create(bridged))) == [
        (None, "1.2", "v1.2_initial_schema.sql"),
        ("1.2", "1.3", "v1.2_to_v1.3.sql"),
    ]


def test_step_below_the_only_initial_schema_is_unreachable() -> None:
    error = failure(build(["v2.0_initial_schema.sql", "v1.0_to_v2.0.sql"]))
    assert error == UnreachableStep(DATABASE, f"{FOLDER}/v1.0_to_v2.0.sql", "1.0")


def test_duplicate_step_names_both_files() -> None:
    error = failure(build(["v1.0_to_v1.1_a.sql", "v1.0_to_v1.1_b.sql", "v1.1_to_v1.2.sql"]))
    assert error == DuplicateStep(
        DATABASE, (f"{FOLDER}/v1.0_to_v1.1_a.sql", f"{FOLDER}/v1.0_to_v1.1_b.sql")
    )


def test_duplicate_step_with_and_without_slug() -> None:
    error = failure(build(["v1.0_to_v1.1.sql", "v1.0_to_v1.1_again.sql"]))
    assert isinstance(error, DuplicateStep)
    assert set(error.files) == {f"{FOLDER}/v1.0_to_v1.1.sql", f"{FOLDER}/v1.0_to_v1.1_again.sql"}


def test_duplicate_rollback_names_both_files() -> None:
    names = ["v1_to_v2.sql", "rollback/v2_to_v1.sql", "rollback/v2_to_v1_again.sql"]
    error = failure(build(names))
    assert error == DuplicateStep(
        DATABASE, (f"{FOLDER}/rollback/v2_to_v1.sql", f"{FOLDER}/rollback/v2_to_v1_again.sql")
    )


def test_orphan_rollback_is_named() -> None:
    error = failure(build(["v1_to_v2.sql", "rollback/v3_to_v2.sql"]))
    assert error == OrphanRollback(DATABASE, f"{FOLDER}/rollback/v3_to_v2.sql")


def test_rollback_skipping_a_version_is_an_orphan() -> None:
    error = failure(build(["v1_to_v2.sql", "v2_to_v3.sql", "rollback/v3_to_v1.sql"]))
    assert error == OrphanRollback(DATABASE, f"{FOLDER}/rollback/v3_to_v1.sql")


def test_no_files_is_no_migrations() -> None:
    assert failure(build([])) == NoMigrations(DATABASE, FOLDER)


def test_only_rollbacks_is_no_migrations() -> None:
    assert failure(build(["rollback/v2_to_v1.sql"])) == NoMigrations(DATABASE, FOLDER)


def test_initial_schema_only() -> None:
    only = valid(["v1.0_initial_schema.sql"])
    assert only.versions() == (v("1.0"),)
    assert only.roots() == (v("1.0"),)
    assert plan_of(plan_up(only, v("1.0"))).is_empty()
    assert hops(plan_of(plan_create(only))) == [(None, "1.0", "v1.0_initial_schema.sql")]
    assert failure(plan_down(only, v("1.0"))) == NoPath(DATABASE, "1.0", "1.0", "down")
    assert failure(plan_up(only, v("2.0"))) == DatabaseAhead(DATABASE, "2.0", "1.0")


def test_malformed_name_wins_over_other_problems() -> None:
    error = failure(build(["v1_to_v2.sql", "v1_to_v2_b.sql", "v2_to_v1.sql"]))
    assert isinstance(error, MalformedFileName)
    assert error.file == f"{FOLDER}/v2_to_v1.sql"


def test_plan_create_without_initial_schema_is_no_path() -> None:
    chain = valid(["v1_to_v2.sql"])
    assert failure(plan_create(chain)) == NoPath(DATABASE, "nothing", "2", "up")


def test_plan_create_below_every_initial_schema_is_no_path() -> None:
    chain = valid(["v2_initial_schema.sql", "v2_to_v3.sql", "v1_initial_schema.sql"])
    assert isinstance(plan_of(plan_create(chain, v("1"))), Plan)
    assert hops(plan_of(plan_create(chain, v("3")))) == [
        (None, "2", "v2_initial_schema.sql"),
        ("2", "3", "v2_to_v3.sql"),
    ]


def test_plan_fails_on_a_forbidden_statement_in_a_step() -> None:
    sources = [
        source_named("v1_initial_schema.sql", "CREATE TABLE t(x);"),
        source_named("v1_to_v2.sql", "ALTER TABLE t ADD COLUMN y;\nPRAGMA foreign_keys = OFF;"),
    ]
    chain = build_migration_set(DATABASE, sources, FOLDER).unwrap()
    error = failure(plan_up(chain, v("1")))
    assert isinstance(error, ForbiddenStatement)
    assert (error.file, error.line) == (f"{FOLDER}/v1_to_v2.sql", 2)


# --- properties over generated graphs ----------------------------------------------


@given(invalid_sets)
def test_invalid_sets_are_refused_naming_the_files(invalid: InvalidSet) -> None:
    error = failure(build_migration_set(DATABASE, invalid.sources, FOLDER))
    assert isinstance(error, invalid.error)
    named = error.files if isinstance(error, DuplicateStep) else (error.file,)
    assert tuple(named) == invalid.files


@given(version_graphs())
def test_find_path_is_a_shortest_chain_of_existing_steps(graph: VersionGraph) -> None:
    built = graph_set(graph)
    # the generated files build into the set the model describes
    assert built.versions() == graph.versions
    assert built.roots() == graph.roots
    assert {(s.from_version, s.to_version) for s in built.steps} == graph.steps
    assert {(r.to_version, r.from_version) for r in built.rollbacks} == graph.rollbacks
    assert {i.version for i in built.initials} == graph.initials
    for start in graph.versions:
        reachable = graph.reachable_from(start)
        for end in graph.versions:
            path = find_path(built, start, end)
            if end not in reachable:
                assert path is None
                continue
            assert path is not None
            at = start
            for step in path:
                assert step.from_version == at
                assert (step.from_version, step.to_version) in graph.steps
                at = step.to_version
            assert at == end
            assert len(path) == model_path_length(graph, start, end)


@given(version_graphs())
def test_plan_up_follows_existing_steps_to_the_target(graph: VersionGraph) -> None:
    built = graph_set(graph)
    for current in graph.versions:
        for target in (*graph.versions, None):
            end = graph.versions[-1] if target is None else target
            result = plan_up(built, current, target)
            if end < current:  # up to a lower version is no path, and so is down to a higher
                assert failure(result) == NoPath(DATABASE, str(current), str(end), "up")
                assert failure(plan_down(built, end, current)) == NoPath(
                    DATABASE, str(end), str(current), "down"
                )
                continue
            if end not in graph.reachable_from(current):
                assert failure(result) == NoPath(DATABASE, str(current), str(end), "up")
                continue
            plan = plan_of(result)
            assert (plan.start, plan.end) == (current, end)
            assert_chain(graph, plan.steps, current)
            assert (plan.steps[-1].to_version if plan.steps else current) == end


@given(version_graphs(all_rollbacks=True), st.data())
def test_up_then_down_returns_to_the_start(graph: VersionGraph, data: st.DataObject) -> None:
    built = graph_set(graph)
    start = data.draw(st.sampled_from(graph.versions))
    end = data.draw(st.sampled_from(sorted(graph.reachable_from(start))))
    up = plan_of(plan_up(built, start, end))
    down = plan_of(plan_down(built, end, start))
    assert (down.start, down.end) == (end, start)
    at = start
    for step in (*up.steps, *down.steps):
        assert step.from_version == at
        at = step.to_version
    assert at == start
    expected = [
        (s.to_version, s.from_version, built.rollback_of(_forward(built, s))) for s in up.steps
    ]
    assert [(s.from_version, s.to_version, s.source, s.direction) for s in down.steps] == [
        (a, b, r.source if r else None, "down") for a, b, r in reversed(expected)
    ]
    for step in down.steps:
        assert step.source.name.startswith(f"rollback/v{step.from_version}_to_v{step.to_version}")


def _forward(built: MigrationSet, planned: PlannedStep) -> object:
    (found,) = (
        s
        for s in built.steps
        if (s.from_version, s.to_version) == (planned.from_version, planned.to_version)
    )
    return found


@given(version_graphs())
def test_plan_down_without_target_goes_to_previous_version(graph: VersionGraph) -> None:
    built = graph_set(graph)
    for current in graph.versions:
        origins = [low for low, high in graph.steps if high == current]
        expected_previous = max(origins) if origins else None
        assert previous_version(built, current) == expected_previous
        result = plan_down(built, current)
        if expected_previous is None:
            assert failure(result) == NoPath(DATABASE, str(current), str(current), "down")
        elif (expected_previous, current) not in graph.rollbacks:
            error = failure(result)
            assert isinstance(error, NoRollback)
            assert (error.from_version, error.to_version) == (
                str(current),
                str(expected_previous),
            )
            assert error.file == step_file(graph, expected_previous, current).display
        else:
            plan = plan_of(result)
            assert (plan.start, plan.end) == (current, expected_previous)
            assert [(s.from_version, s.to_version) for s in plan.steps] == [
                (current, expected_previous)
            ]


def _unknown_below_latest(graph: VersionGraph) -> list[Version]:
    candidates = [Version((*version.parts, 5)) for version in graph.versions]
    candidates.append(Version((0,) * 5))
    return [c for c in candidates if c not in graph.versions and c < graph.versions[-1]]


@given(version_graphs(), st.integers(1, 5), st.booleans())
def test_unknown_versions_are_unknown_and_above_latest_is_ahead(
    graph: VersionGraph, bump: int, longer: bool
) -> None:
    built = graph_set(graph)
    latest = graph.versions[-1]
    above = Version((*latest.parts, bump)) if longer else Version((latest.parts[0] + bump,))
    ahead = DatabaseAhead(DATABASE, str(above), str(latest))
    assert failure(plan_up(built, above)) == ahead
    assert failure(plan_down(built, above)) == ahead
    assert failure(plan_up(built, above, latest)) == ahead
    known = tuple(str(x) for x in graph.versions)
    for unknown in _unknown_below_latest(graph):
        expected = UnknownVersion(DATABASE, str(unknown), known)
        assert failure(plan_up(built, unknown)) == expected
        assert failure(plan_down(built, unknown)) == expected
        assert failure(plan_up(built, latest, unknown)) == expected
        assert failure(plan_down(built, latest, unknown)) == expected
        assert failure(plan_up(built, graph.versions[0], unknown)) == expected


@given(version_graphs())
def test_plan_create_starts_with_the_newest_initial_that_reaches_the_target(
    graph: VersionGraph,
) -> None:
    built = graph_set(graph)
    for target in graph.versions:
        eligible = [i for i in graph.initials if i <= target]
        result = plan_create(built, target)
        if not eligible:
            assert failure(result) == NoPath(DATABASE, "nothing", str(target), "up")
            continue
        reaching = [i for i in eligible if target in graph.reachable_from(i)]
        if not reaching:
            assert failure(result) == NoPath(DATABASE, str(max(eligible)), str(target), "up")
            continue
        initial = max(reaching)
        plan = plan_of(result)
        first, *rest = plan.steps
        assert (plan.start, plan.end) == (None, target)
        assert (first.direction, first.from_version, first.to_version) == ("init", None, initial)
        assert first.source.name == f"v{initial}_initial_schema.sql"
        assert_chain(graph, rest, initial)
        assert (rest[-1].to_version if rest else initial) == target


@given(version_graphs(), st.data())
def test_plans_are_deterministic(graph: VersionGraph, data: st.DataObject) -> None:
    first = graph_set(graph)
    shuffled = data.draw(st.permutations(graph.sources))
    second = build_migration_set(DATABASE, shuffled, FOLDER).unwrap()
    assert first == second
    for current in graph.versions:
        for make in (plan_up, plan_down):
            assert make(first, current) == make(second, current)
            assert make(first, current) == make(first, current)
    assert plan_create(first) == plan_create(second)


# --- prepare_step --------------------------------------------------------------------

FORBIDDEN = [
    "BEGIN;",
    "BEGIN IMMEDIATE TRANSACTION;",
    "COMMIT;",
    "commit transaction;",
    "END;",
    "END TRANSACTION;",
    "ROLLBACK;",
    "ROLLBACK TO SAVEPOINT sp;",
    "SAVEPOINT sp;",
    "RELEASE sp;",
    "RELEASE SAVEPOINT sp;",
    "ATTACH DATABASE 'other.db' AS other;",
    "DETACH other;",
    "VACUUM;",
    "VACUUM INTO 'copy.db';",
    "PRAGMA journal_mode=DELETE;",
    "pragma Journal_Mode = wal;",
    "PRAGMA main.foreign_keys = ON;",
    "PRAGMA foreign_keys=OFF;",
    'PRAGMA "foreign_keys" = 0;',
    "PRAGMA synchronous = OFF;",
    "PRAGMA writable_schema = 1;",
    "PRAGMA locking_mode = EXCLUSIVE;",
    "PRAGMA trusted_schema = ON;",
    "PRAGMA schema_version = 7;",
    "SELECT load_extension('x');",
    "SELECT LOAD_EXTENSION ('x', 'entry');",
]


@pytest.mark.parametrize("statement", FORBIDDEN)
def test_prepare_step_refuses_statements_that_escape(statement: str) -> None:
    text = f"CREATE TABLE a(x);\n-- a comment; with a semicolon\n{statement}\nCREATE TABLE b(y);"
    source = source_named("v1_to_v2.sql", text)
    error = failure(prepare_step(source, "up", v("1"), v("2")))
    assert isinstance(error, ForbiddenStatement)
    assert error.database == DATABASE
    assert error.file == f"{FOLDER}/v1_to_v2.sql"
    assert error.line == 3
    assert error.statement == statement
    assert error.reason


@pytest.mark.parametrize("statement", FORBIDDEN)
def test_prepare_step_refuses_on_the_first_line_too(statement: str) -> None:
    error = failure(
        prepare_step(source_named("v1_initial_schema.sql", statement), "init", None, v("1"))
    )
    assert isinstance(error, ForbiddenStatement)
    assert error.line == 1


ALLOWED = [
    ("PRAGMA legacy_alter_table=ON;", 1),
    ("PRAGMA foreign_key_check;", 1),
    ("PRAGMA foreign_key_list(t);", 1),
    ("PRAGMA user_version = 3;", 1),
    (
        "CREATE TABLE t(x, y);\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
        "  UPDATE t SET y = 1 WHERE rowid = new.rowid;\n"
        "  SELECT CASE WHEN new.x IS NULL THEN RAISE(ABORT, 'no; x') END;\n"
        "END;\n",
        2,
    ),
    ("INSERT INTO t VALUES ('BEGIN; COMMIT; VACUUM;');", 1),
    ("-- BEGIN;\n/* COMMIT; */ SELECT 1;", 1),
    ('CREATE TABLE "begin"(x);', 1),
    ("SELECT 'load_extension(1)';", 1),
    ("CREATE TABLE t(x);\nCREATE TABLE u(y)", 2),
    ("CREATE TABLE t(x)\n\n-- nothing after\n", 1),
    ("", 0),
]


@pytest.mark.parametrize(("text", "count"), ALLOWED)
def test_prepare_step_allows(text: str, count: int) -> None:
    source = source_named("v1_to_v2.sql", text)
    step = plan_of_step(prepare_step(source, "up", v("1"), v("2")))
    assert len(step.statements) == count
    assert (step.direction, step.from_version, step.to_version) == ("up", v("1"), v("2"))
    assert step.source == source
    assert step.checksum == checksum(text)


def plan_of_step(result: Result[PlannedStep, object]) -> PlannedStep:
    assert isinstance(result, Success), result
    return result.unwrap()


def test_prepare_step_accepts_a_final_statement_without_semicolon() -> None:
    text = "CREATE TABLE a(x);\n\nCREATE TABLE b(y)\n"
    step = plan_of_step(prepare_step(source_named("v1_to_v2.sql", text), "up", v("1"), v("2")))
    assert [s.line for s in step.statements] == [1, 3]
    assert [s.words() for s in step.statements] == [
        ("CREATE", "TABLE", "A", "(", "X", ")", ";"),
        ("CREATE", "TABLE", "B", "(", "Y", ")", ";"),
    ]
    assert step.statements[1].text.startswith("CREATE TABLE b(y)")
    assert step.statements[1].text.endswith(";")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("CREATE TABLE t(x);\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  SELECT 1;\n", 2),
        ("CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; SELECT 2;", 1),
        ("SELECT 1;\n\n\nCREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1;", 4),
    ],
)
def test_prepare_step_refuses_a_trigger_missing_end(text: str, line: int) -> None:
    error = failure(prepare_step(source_named("v1_to_v2.sql", text), "up", v("1"), v("2")))
    assert isinstance(error, UnterminatedStatement)
    assert (error.database, error.file, error.line) == (DATABASE, f"{FOLDER}/v1_to_v2.sql", line)
    assert error.statement.lstrip().startswith("CREATE")


def test_prepare_step_reports_the_first_forbidden_statement() -> None:
    text = "SELECT 1;\nVACUUM;\nBEGIN;\n"
    error = failure(prepare_step(source_named("v1_to_v2.sql", text), "up", v("1"), v("2")))
    assert isinstance(error, ForbiddenStatement)
    assert (error.line, error.statement) == (2, "VACUUM;")


def test_sources_lists_every_file_of_the_set_once() -> None:
    names = [
        "v1.0_initial_schema.sql",
        "v1.0_to_v1.1_a.sql",
        "v1.1_to_v1.2.sql",
        "rollback/v1.1_to_v1.0_a.sql",
    ]
    migration_set = valid(names)
    listed = [source.name for source in migration_set.sources()]
    assert sorted(listed) == sorted(names)
    assert listed[0] == "v1.0_initial_schema.sql"  # initial schemas first, rollbacks last
    assert listed[-1] == "rollback/v1.1_to_v1.0_a.sql"
