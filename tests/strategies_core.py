"""Hypothesis strategies for the pure core: versions, file names and version graphs.

Kept apart from ``tests/strategies.py`` (schema strategies) so that two people
can work on them at once. A generated graph is a plain model (version pairs,
initial versions) next to the ``MigrationSource`` files that spell it, so tests
compare what the core builds against what the generator meant.
"""

from __future__ import annotations

import operator

import attrs
from hypothesis import strategies as st

from aifp_fp.errors import DuplicateStep, MalformedFileName, OrphanRollback, UnreachableStep
from aifp_fp.files import ForwardStep, InitialSchema, MigrationSource, RollbackStep
from aifp_fp.version import Version

DATABASE = "project"
FOLDER = "migrations/project"

version_parts = st.integers(min_value=0, max_value=12)
version_tuples = st.lists(version_parts, min_size=1, max_size=4).map(tuple)
versions = version_tuples.map(Version)

_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
slugs = st.builds(operator.add, st.sampled_from(_ALNUM), st.text(_ALNUM + "_-", max_size=12))
"""A slug as the file-name grammar allows it: ``[A-Za-z0-9][A-Za-z0-9_-]*``."""
optional_slugs = st.none() | slugs

database_names = st.sampled_from(["aifp_core", "project", "user_preferences", "user_directives"])

sql_texts = st.sampled_from(
    [
        "CREATE TABLE t(x);",
        "-- nothing to do\n",
        "ALTER TABLE t ADD COLUMN y TEXT;\nUPDATE t SET y = 'a;b';",
        "CREATE INDEX i ON t(x)",
    ]
)


@st.composite
def migration_sources(draw: st.DrawFn, name: str | None = None) -> MigrationSource:
    """A migration file as the shell reads it (any name unless one is given)."""
    database = draw(database_names)
    chosen = name if name is not None else draw(st.from_regex(r"[a-z0-9_./]{1,30}", fullmatch=True))
    return MigrationSource(database, chosen, f"migrations/{database}/{chosen}", draw(sql_texts))


def source_named(name: str, text: str = "SELECT 1;", database: str = DATABASE) -> MigrationSource:
    """A source of ``database`` with ``name``, displayed as the shell displays it."""
    return MigrationSource(database, name, f"migrations/{database}/{name}", text)


@st.composite
def forward_steps(draw: st.DrawFn) -> ForwardStep:
    """A forward step (lower to higher version) whose source name is its own file name."""
    low, high = sorted(draw(st.lists(versions, min_size=2, max_size=2, unique=True)))
    slug = draw(optional_slugs)
    name = f"v{low}_to_v{high}" + (f"_{slug}" if slug else "") + ".sql"
    return ForwardStep(source_named(name, draw(sql_texts)), low, high, slug)


@st.composite
def rollback_steps(draw: st.DrawFn) -> RollbackStep:
    """A rollback (higher to lower version) whose source name is its own file name."""
    low, high = sorted(draw(st.lists(versions, min_size=2, max_size=2, unique=True)))
    slug = draw(optional_slugs)
    name = f"rollback/v{high}_to_v{low}" + (f"_{slug}" if slug else "") + ".sql"
    return RollbackStep(source_named(name, draw(sql_texts)), high, low, slug)


@st.composite
def initial_schemas(draw: st.DrawFn) -> InitialSchema:
    """An initial schema whose source name is its own file name."""
    version = draw(versions)
    return InitialSchema(source_named(f"v{version}_initial_schema.sql", draw(sql_texts)), version)


migration_files = st.one_of(forward_steps(), rollback_steps(), initial_schemas())


def step_text(low: Version, high: Version) -> str:
    """A small valid step body, different for every step."""
    table = f"t_{'_'.join(map(str, low.parts))}__{'_'.join(map(str, high.parts))}"
    return f"-- step {low} to {high}\nCREATE TABLE {table}(id INTEGER PRIMARY KEY);\n"


@attrs.frozen
class VersionGraph:
    """A valid migration set, as a model and as the files that spell it."""

    initials: frozenset[Version]
    steps: frozenset[tuple[Version, Version]]
    rollbacks: frozenset[tuple[Version, Version]]
    """The forward steps (low, high) that have a rollback file."""
    sources: tuple[MigrationSource, ...]

    @property
    def versions(self) -> tuple[Version, ...]:
        named = set(self.initials)
        for low, high in self.steps:
            named.update((low, high))
        return tuple(sorted(named))

    @property
    def roots(self) -> tuple[Version, ...]:
        return tuple(sorted(self.initials)) if self.initials else self.versions[:1]

    def reachable_from(self, start: Version) -> frozenset[Version]:
        """Every version a chain of forward steps reaches from ``start`` (itself included)."""
        reached = {start}
        for version in self.versions:  # steps go up, so ascending order settles it
            if version in reached:
                reached.update(high for low, high in self.steps if low == version)
        return frozenset(reached)

    def display(self, name: str) -> str:
        return f"{FOLDER}/{name}"


def _name(low: Version, high: Version, slug: str | None, rollback: bool = False) -> str:
    first, second = (high, low) if rollback else (low, high)
    base = f"v{first}_to_v{second}" + (f"_{slug}" if slug else "") + ".sql"
    return f"rollback/{base}" if rollback else base


_graph_slugs = st.sampled_from([None, None, "a", "add_notes", "x-1", "B2_c"])


@st.composite
def _bumps(draw: st.DrawFn, version: Version) -> Version:
    """A version above ``version``: one part raised (later parts dropped), or a part added."""
    at = draw(st.integers(0, min(len(version.parts), 3)))
    if at == len(version.parts):
        return Version((*version.parts, draw(st.integers(0, 3))))
    return Version((*version.parts[:at], version.parts[at] + draw(st.integers(1, 9))))


@st.composite
def version_graphs(
    draw: st.DrawFn,
    min_versions: int = 2,
    max_versions: int = 6,
    all_rollbacks: bool = False,
    allow_no_initial: bool = True,
) -> VersionGraph:
    """A valid migration set: every step goes up and starts where a root's chains reach.

    The versions are drawn with gaps and multi-part numbers (so that numeric and
    text order differ); steps may skip versions, so diamonds and parallel routes
    occur; one or more initial schemas (or none, then the lowest version is the root).
    """
    count = draw(st.integers(min_versions, max_versions))
    pool = [draw(versions)]
    while len(pool) < count:
        pool.append(draw(_bumps(pool[-1])))
    count = len(pool)
    with_initials = not allow_no_initial or draw(st.booleans())
    if with_initials:
        initial_indexes = set(
            draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=3, unique=True))
        )
    else:
        initial_indexes = set()
    pairs = [(i, j) for i in range(count) for j in range(i + 1, count)]
    chain = draw(st.booleans())
    mask = draw(st.integers(0, 2 ** len(pairs) - 1))
    wanted = {
        pair
        for bit, pair in enumerate(pairs)
        if (chain and pair[1] == pair[0] + 1) or mask >> bit & 1
    }
    if not initial_indexes:
        wanted.add((0, 1))  # the lowest version is the root and must be named by a step
    reached = set(initial_indexes) or {0}
    kept: set[tuple[int, int]] = set()
    for i in range(count):  # ascending: every kept step starts at a reached version
        if i not in reached:
            continue
        for low, high in sorted(wanted):
            if low == i:
                kept.add((low, high))
                reached.add(high)
    steps = frozenset((pool[i], pool[j]) for i, j in kept)
    initials = frozenset(pool[i] for i in initial_indexes)
    if all_rollbacks:
        rollbacks = steps
    else:
        ordered = sorted(steps)
        mask = draw(st.integers(0, 2 ** len(ordered) - 1))
        rollbacks = frozenset(step for bit, step in enumerate(ordered) if mask >> bit & 1)
    sources: list[MigrationSource] = []
    for version in sorted(initials):
        name = f"v{version}_initial_schema.sql"
        sources.append(
            source_named(name, f"CREATE TABLE base(id INTEGER PRIMARY KEY); -- {version}")
        )
    for low, high in sorted(steps):
        sources.append(source_named(_name(low, high, draw(_graph_slugs)), step_text(low, high)))
    for low, high in sorted(rollbacks):
        name = _name(low, high, draw(_graph_slugs), rollback=True)
        table = step_text(low, high).split("CREATE TABLE ")[1].split("(")[0]
        sources.append(source_named(name, f"DROP TABLE {table};"))
    return VersionGraph(initials, steps, rollbacks, tuple(sources))


@attrs.frozen
class InvalidSet:
    """Files that ``build_migration_set`` must refuse, and what it must say."""

    sources: tuple[MigrationSource, ...]
    error: type
    files: tuple[str, ...]
    """The display names the error must name."""


def _above(graph: VersionGraph, by: int) -> Version:
    latest = graph.versions[-1]
    return Version((latest.parts[0] + by,))


def step_file(graph: VersionGraph, low: Version, high: Version) -> MigrationSource:
    """The file of the forward step ``low`` to ``high`` of a generated graph."""
    plain, prefix = f"v{low}_to_v{high}.sql", f"v{low}_to_v{high}_"
    (found,) = (s for s in graph.sources if s.name == plain or s.name.startswith(prefix))
    return found


@st.composite
def duplicate_step_sets(draw: st.DrawFn) -> InvalidSet:
    """A valid set plus a second file, with another slug, for one of its steps."""
    graph = draw(version_graphs().filter(lambda g: bool(g.steps)))
    low, high = draw(st.sampled_from(sorted(graph.steps)))
    taken = step_file(graph, low, high)
    other_slug = draw(slugs.filter(lambda slug: taken.name != _name(low, high, slug)))
    duplicate = source_named(_name(low, high, other_slug), "SELECT 2;")
    sources = (*graph.sources, duplicate)
    files = tuple(sorted((taken.display, duplicate.display)))
    return InvalidSet(tuple(sources), DuplicateStep, files)


@st.composite
def orphan_rollback_sets(draw: st.DrawFn) -> InvalidSet:
    """A valid set plus a rollback of a step that does not exist."""
    graph = draw(version_graphs())
    candidates = [
        (low, high)
        for low in graph.versions
        for high in graph.versions
        if low < high and (low, high) not in graph.steps
    ]
    pair = draw(st.sampled_from(candidates)) if candidates else None
    low, high = pair if pair is not None else (graph.versions[-1], _above(graph, 1))
    orphan = source_named(_name(low, high, draw(_graph_slugs), rollback=True), "SELECT 1;")
    sources = (*graph.sources, orphan)
    return InvalidSet(tuple(sources), OrphanRollback, (orphan.display,))


@st.composite
def unreachable_step_sets(draw: st.DrawFn) -> InvalidSet:
    """A valid set plus a step that starts above every version (a gap before it)."""
    graph = draw(version_graphs())
    low, high = _above(graph, 1), _above(graph, draw(st.integers(2, 4)))
    island = source_named(_name(low, high, draw(_graph_slugs)), "SELECT 1;")
    sources = (*graph.sources, island)
    return InvalidSet(tuple(sources), UnreachableStep, (island.display,))


malformed_names = st.one_of(
    st.sampled_from(
        [
            "v1_to_v1.sql",
            "v1.0-to-v1.1.sql",
            "v01.0_to_v1.1.sql",
            "notes.sql",
            "v2.0_to_v1.0.sql",
            "rollback/v1.0_to_v1.1.sql",
            "rollback/v1.0_initial_schema.sql",
            "other/v1.0_to_v1.1.sql",
            "v1.0_to_v1.1_.sql",
            "v1.0_to_v1.1.SQL",
            "V1.0_to_v1.1.sql",
            "v1.0_initial.sql",
            "v1._to_v2.sql",
            "rollback/sub/v2_to_v1.sql",
        ]
    ),
    # a forward step that goes down (or nowhere)
    st.lists(versions, min_size=2, max_size=2).map(
        lambda pair: f"v{max(pair)}_to_v{min(pair)}.sql"
    ),
)


@st.composite
def malformed_name_sets(draw: st.DrawFn) -> InvalidSet:
    """A valid set plus one file whose name does not parse."""
    graph = draw(version_graphs())
    name = draw(malformed_names)
    bad = source_named(name, "SELECT 1;")
    sources = (*graph.sources, bad)
    return InvalidSet(tuple(sources), MalformedFileName, (bad.display,))


invalid_sets = st.one_of(
    duplicate_step_sets(),
    orphan_rollback_sets(),
    unreachable_step_sets(),
    malformed_name_sets(),
)
