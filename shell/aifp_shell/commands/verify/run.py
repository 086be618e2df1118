"""``verify``: prove a migrations folder does what it says, on scratch databases.

For each database folder: every file name parses and no step is claimed
twice; no file holds a refused statement; every version is reachable from an
initial schema. Then, for every step, on an in-memory database built up to the
step's start and filled with sample rows (``sample_rows``): the step applies
through the real executor (foreign keys intact); planning ``up`` again finds
nothing to do; its rollback (the file, else the computed inverse) returns
exactly to the previous structure, column order included, and keeps the rows
of every column that exists on both sides. Finally every two paths between
the same two versions must build the same structure.

The result is a report value; nothing is printed here. Findings about files
are exit 3; a folder that cannot be read at all is exit 2.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.errors import (
    DuplicateStep,
    MalformedFileName,
    NoMigrations,
    OrphanRollback,
    UnreachableStep,
)
from aifp_fp.files import ForwardStep, MigrationSource, parse_file
from aifp_fp.graph import MigrationSet
from aifp_fp.losses import audit_losses, step_losses
from aifp_fp.plan import Plan, PlannedStep, find_path, plan_create, plan_up, prepare_step
from aifp_fp.schema import Column, Schema, Table, canonical, schema_differences
from aifp_fp.sqltext import split_statements
from aifp_fp.tables import TOOL_TABLES
from aifp_fp.value import Value
from aifp_fp.version import Version, parse_version
from aifp_shell.commands.verify.sample_rows import (
    AllowedValues,
    allowed_values,
    fill,
    fillable_tables,
)
from aifp_shell.files.locate import DATABASES
from aifp_shell.files.sources import load_migration_set, read_sources
from aifp_shell.messages import EXIT_CHECK_FOUND_PROBLEM, EXIT_OK, exit_code, message
from aifp_shell.problems import MigrationsUnreadable, Problem, RowsRefused
from aifp_shell.schema.expected import replay, schema_at
from aifp_shell.schema.rollbacks import rollback_source
from aifp_shell.sqlite.database import foreign_key_problems, read_version
from aifp_shell.sqlite.executor import run_plan
from aifp_shell.sqlite.introspect import read_schema, schema_of_script

SAMPLE_ROWS = 4
"""Rows per table in each scratch database (a second batch is added before a rollback)."""

MAX_PATHS = 16
"""Paths compared per pair of versions; a wider graph is sampled in a fixed order."""


@attrs.frozen(slots=True, repr=False)
class Finding(Value):
    """One thing wrong with one file: which check failed and why."""

    database: str
    file: str
    check: str
    """``name``, ``statements``, ``reachable``, ``applies``, ``up_again``, ``rollback``,
    ``rollback_structure``, ``rollback_rows``, ``losses`` (data destroyed but not declared
    by an ``-- aifp-migrate:`` marker, or a marker naming no loss) or ``paths``."""
    detail: str


@attrs.frozen(slots=True, repr=False)
class Note(Value):
    """Something ``verify`` could not check, and why (not a failure)."""

    database: str
    file: str
    detail: str


@attrs.frozen(slots=True, repr=False)
class DatabaseVerified(Value):
    """What was checked for one database folder."""

    name: str
    files: int
    steps: int
    rollbacks_checked: int
    paths_compared: int


@attrs.frozen(slots=True, repr=False)
class VerifyReport(Value):
    """The outcome of ``verify``; ``problem`` (exit 2) means the folder could not be read."""

    migrations_dir: str
    databases: tuple[DatabaseVerified, ...]
    findings: tuple[Finding, ...]
    notes: tuple[Note, ...] = ()
    problem: Problem | None = None

    def exit_code(self) -> int:
        """Return 2 for an unreadable folder, 3 when a check failed, else 0."""
        if self.problem is not None:
            return exit_code(self.problem)
        return EXIT_CHECK_FOUND_PROBLEM if self.findings else EXIT_OK


def verify(migrations_dir: Path) -> VerifyReport:
    """Return what verifying every database folder of ``migrations_dir`` found."""
    shown = str(migrations_dir)
    if not migrations_dir.is_dir():
        return VerifyReport(shown, (), (), problem=MigrationsUnreadable(shown, "no such folder"))
    present = [name for name in DATABASES if (migrations_dir / name).is_dir()]
    if not present:
        return VerifyReport(
            shown,
            (),
            (),
            problem=MigrationsUnreadable(
                shown, f"holds none of the database folders ({', '.join(DATABASES)})"
            ),
        )
    verified: list[DatabaseVerified] = []
    findings: list[Finding] = []
    notes: list[Note] = []
    for name in DATABASES:
        if name not in present:
            findings.append(
                Finding(
                    name, f"{migrations_dir.name}/{name}/", "files", "no folder for this database"
                )
            )
            continue
        sources = read_sources(name, migrations_dir)
        if isinstance(sources, Failure):
            return VerifyReport(shown, tuple(verified), tuple(findings), problem=sources.failure())
        checker = _DatabaseCheck(name)
        checker.run(migrations_dir, sources.unwrap())
        verified.append(checker.summary(len(sources.unwrap())))
        findings += checker.findings
        notes += checker.notes
    return VerifyReport(shown, tuple(verified), tuple(findings), tuple(notes))


def _scratch_name(database: str, version: Version) -> Path:
    return Path(f"(scratch {database} database at {version}, filled with sample rows)")


def _same_values(before: Table, after: Table, column: Column) -> bool:
    """Whether a column holds the same kind of values on both sides of a step.

    A column whose declared type or whose CHECK changed (an INTEGER priority
    that became a TEXT word, a corrected value list) has its values mapped by the
    step's data migration, so its rows are not compared value for value.
    """
    other = after.column(column.name)
    if other is None or column.generated is not None or column.type != other.type:
        return False
    a, b = canonical(before), canonical(after)
    name = column.name.upper()
    mentions_a = {check for check in a.checks if name in check}
    mentions_b = {check for check in b.checks if name in check}
    return mentions_a == mentions_b


def _surviving_columns(before: Schema, after: Schema) -> dict[str, tuple[str, ...]]:
    """Return, per table present in both, the columns present in both with the same kind of
    values (in ``before``'s order; see ``_same_values``)."""
    kept: dict[str, tuple[str, ...]] = {}
    for table in before.tables:
        other = after.table(table.name)
        if other is None or table.name.lower() in TOOL_TABLES:
            continue
        columns = tuple(c.name for c in table.columns if _same_values(table, other, c))
        if columns:
            kept[table.name] = columns
    return kept


def _rows(
    conn: sqlite3.Connection, columns: dict[str, tuple[str, ...]]
) -> dict[str, Counter[tuple[object, ...]]]:
    def q(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    return {
        table: Counter(
            tuple(row) for row in conn.execute(f"SELECT {', '.join(map(q, cols))} FROM {q(table)}")
        )
        for table, cols in columns.items()
    }


def _all_paths(
    migration_set: MigrationSet, start: Version, end: Version
) -> list[tuple[ForwardStep, ...]]:
    """Return up to ``MAX_PATHS`` chains of forward steps from ``start`` to ``end``."""
    found: list[tuple[ForwardStep, ...]] = []

    def walk(at: Version, taken: tuple[ForwardStep, ...]) -> None:
        if len(found) >= MAX_PATHS:
            return
        if at == end:
            found.append(taken)
            return
        for step in migration_set.steps_from(at):
            if step.to_version <= end:
                walk(step.to_version, (*taken, step))

    walk(start, ())
    return found


class _DatabaseCheck:
    """The checks of one database folder, collecting findings and notes as it goes."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.findings: list[Finding] = []
        self.notes: list[Note] = []
        self.steps = 0
        self.rollbacks_checked = 0
        self.paths_compared = 0
        self.allowed: AllowedValues = {}
        """Sample values every version of the set accepts (see ``sample_rows.allowed_values``)."""

    def summary(self, files: int) -> DatabaseVerified:
        return DatabaseVerified(
            self.database, files, self.steps, self.rollbacks_checked, self.paths_compared
        )

    def fail(self, file: str, check: str, detail: str) -> None:
        self.findings.append(Finding(self.database, file, check, detail))

    def run(self, migrations_dir: Path, sources: tuple[MigrationSource, ...]) -> None:
        for source in sources:
            parsed = parse_file(source)
            if isinstance(parsed, Failure):
                self.fail(source.display, "name", message(parsed.failure()))
        loaded = load_migration_set(self.database, migrations_dir)
        if isinstance(loaded, Failure):
            problem = loaded.failure()
            match problem:
                case MalformedFileName():
                    pass  # every malformed name is already named above
                case DuplicateStep(files=files):
                    self.fail(", ".join(files), "name", message(problem))
                case UnreachableStep(file=file):
                    self.fail(file, "reachable", message(problem))
                case OrphanRollback(file=file):
                    self.fail(file, "name", message(problem))
                case NoMigrations(folder=folder):
                    self.fail(folder, "files", message(problem))
                case _:
                    self.fail(f"{migrations_dir.name}/{self.database}/", "files", message(problem))
            return
        migration_set = loaded.unwrap()
        refused = False
        for source in sources:
            prepared = prepare_step(source, "up", None, Version((1,)))
            if isinstance(prepared, Failure):
                self.fail(source.display, "statements", message(prepared.failure()))
                refused = True
        if refused:
            return
        for version in migration_set.versions():
            created = plan_create(migration_set, version)
            if isinstance(created, Failure):
                self.fail(
                    f"{migrations_dir.name}/{self.database}/",
                    "reachable",
                    f"version {version}: {message(created.failure())}",
                )
        for shape in migration_set.shapes:
            try:
                schema_of_script(shape.source.text)
            except (sqlite3.Error, ValueError) as error:
                self.fail(
                    shape.source.display, "shape", f"the published shape does not build: {error}"
                )
        schemas = [schema_at(migration_set, v) for v in migration_set.versions()]
        self.allowed = allowed_values(
            (table.name, table.sql)
            for schema in schemas
            if isinstance(schema, Success)
            for table in schema.unwrap().tables
        )
        for step in sorted(migration_set.steps, key=lambda s: (s.from_version, s.to_version)):
            self.steps += 1
            self.check_step(migration_set, step)
        self.check_paths(migration_set)
        self.check_initials(migration_set)

    # --- one step ------------------------------------------------------------------------

    def _scratch(
        self, migration_set: MigrationSet, version: Version, file: str
    ) -> sqlite3.Connection | None:
        created = plan_create(migration_set, version)
        if isinstance(created, Failure):
            return None  # reported by the reachability check
        built = replay(created.unwrap())
        if isinstance(built, Failure):
            self.fail(
                file,
                "applies",
                f"the database cannot even be built up to version {version}: "
                f"{message(built.failure())}",
            )
            return None
        conn = built.unwrap()
        fill(conn, SAMPLE_ROWS, allowed=self.allowed)
        return conn

    def _run(
        self,
        conn: sqlite3.Connection,
        source: MigrationSource,
        direction: str,
        start: Version,
        end: Version,
        check: str,
        expected: Schema | None = None,
    ) -> bool:
        """Run one file on the scratch database in a transaction; False (and a finding) if not."""
        prepared = prepare_step(source, "down" if direction == "down" else "up", start, end)
        if isinstance(prepared, Failure):
            self.fail(source.display, check, message(prepared.failure()))
            return False
        step: PlannedStep = prepared.unwrap()
        conn.execute("BEGIN")
        ran = run_plan(
            conn,
            _scratch_name(self.database, start),
            Plan(self.database, start, end, (step,)),
            "verify",
        )
        if isinstance(ran, Failure):
            conn.execute("ROLLBACK")
            problem = ran.failure()
            if isinstance(problem, RowsRefused):  # a clean refusal by name is correct behaviour
                self.notes.append(
                    Note(
                        self.database,
                        source.display,
                        f"{check}: refuses sample rows by name ({'; '.join(problem.rows)}); "
                        "the checks after it were not run on them",
                    )
                )
                return False
            self.fail(source.display, check, message(problem))
            return False
        try:
            broken = foreign_key_problems(conn)
        except sqlite3.Error as error:  # e.g. "foreign key mismatch": a parent lost its key
            broken = str(error)
        if broken is not None:
            if expected is not None:
                differences = schema_differences(expected, read_schema(conn))
                if differences:
                    self.fail(source.display, f"{check}_structure", _structure(end, differences))
            conn.execute("ROLLBACK")
            self.fail(
                source.display,
                check,
                f"breaks foreign keys on sample rows (PRAGMA foreign_key_check: {broken})",
            )
            return False
        conn.execute("COMMIT")
        return True

    def check_losses(self, source: MigrationSource, before: Result[Schema, Problem]) -> None:
        """A file that destroys data must declare each loss with a marker, and only real ones."""
        if isinstance(before, Failure):
            return  # the chain does not replay: already reported for its own file
        statements = split_statements(source.text.removeprefix("\ufeff")).statements
        audit = audit_losses(source.text, step_losses(source.display, statements, before.unwrap()))
        for loss in audit.undeclared:
            self.fail(
                source.display,
                "losses",
                f"line {loss.line} {loss.describe()}, which the file does not declare: "
                f"add the comment `{loss.marker()}` if that is intended",
            )
        for declared in audit.stale:
            self.fail(
                source.display,
                "losses",
                f"line {declared.line} declares `{declared.verb} {declared.name}`, "
                "but the step loses nothing there",
            )

    def check_step(self, migration_set: MigrationSet, step: ForwardStep) -> None:
        file = step.source.display
        start, end = step.from_version, step.to_version
        self.check_losses(step.source, schema_at(migration_set, start))
        rollback = migration_set.rollback_of(step)
        if rollback is not None:
            self.check_losses(rollback.source, schema_at(migration_set, end))
        conn = self._scratch(migration_set, start, file)
        if conn is None:
            return
        try:
            if not self._run(conn, step.source, "up", start, end, "applies"):
                return
            self.check_up_again(migration_set, conn, file, end)
            self.check_rollback(migration_set, step, conn)
        finally:
            conn.close()

    def check_up_again(
        self, migration_set: MigrationSet, conn: sqlite3.Connection, file: str, end: Version
    ) -> None:
        recorded = read_version(conn).version
        version = None if recorded is None else parse_version(recorded).value_or(None)
        if version != end:
            self.fail(file, "up_again", f"leaves schema_version at {recorded!r}, not {end}")
            return
        replanned = plan_up(migration_set, version, end)
        if isinstance(replanned, Failure) or not replanned.unwrap().is_empty():
            self.fail(file, "up_again", f"running up to {end} again would not be a no-op")
            return
        before = (read_schema(conn), _rows(conn, _every_column(conn)))
        conn.execute("BEGIN")
        again = run_plan(conn, _scratch_name(self.database, end), replanned.unwrap(), "verify")
        conn.execute("COMMIT")
        after = (read_schema(conn), _rows(conn, _every_column(conn)))
        if isinstance(again, Failure) or before != after:
            self.fail(file, "up_again", "running up again changed the database")

    def check_rollback(
        self, migration_set: MigrationSet, step: ForwardStep, conn: sqlite3.Connection
    ) -> None:
        start, end = step.from_version, step.to_version
        found = rollback_source(migration_set, step)
        if isinstance(found, Failure):
            self.notes.append(
                Note(
                    self.database,
                    step.source.display,
                    f"no rollback: {message(found.failure())}; inverse not checked",
                )
            )
            return
        source: MigrationSource = found.unwrap()
        self.rollbacks_checked += 1
        expected_start = schema_at(migration_set, start)
        expected_end = schema_at(migration_set, end)
        if isinstance(expected_start, Failure) or isinstance(expected_end, Failure):
            return  # the chain does not replay: already reported for its own file
        fill(
            conn, SAMPLE_ROWS, offset=1000, allowed=self.allowed
        )  # rows written at the new version
        surviving = _surviving_columns(expected_start.unwrap(), expected_end.unwrap())
        kept_before = _rows(conn, surviving)
        label = source.display if source.display else f"computed rollback of {step.source.display}"
        if not self._run(conn, source, "down", end, start, "rollback", expected_start.unwrap()):
            return
        differences = schema_differences(expected_start.unwrap(), read_schema(conn))
        if differences:
            self.fail(label, "rollback_structure", _structure(start, differences))
        kept_after = _readable_rows(conn, surviving)
        lost = [
            f"table {table}: {sum((rows - kept_after.get(table, Counter())).values())} "
            f"of {sum(rows.values())} rows of ({', '.join(surviving[table])}) lost or changed"
            for table, rows in kept_before.items()
            if rows != kept_after.get(table, Counter())
        ]
        if lost:
            self.fail(
                label,
                "rollback_rows",
                "does not keep the rows of the columns that survive: " + "; ".join(lost),
            )

    # --- paths ---------------------------------------------------------------------------

    def check_paths(self, migration_set: MigrationSet) -> None:
        versions = migration_set.versions()
        for a in versions:
            base = plan_create(migration_set, a)
            if isinstance(base, Failure):
                continue
            for b in versions:
                if b <= a:
                    continue
                paths = _all_paths(migration_set, a, b)
                if len({p[0] for p in paths}) < 2 or len({p[-1] for p in paths}) < 2:
                    # A shared first (last) step: the pair after (before) it says it all.
                    continue
                built: list[tuple[tuple[ForwardStep, ...], Schema]] = []
                for path in paths:
                    schema = self._replay_path(base.unwrap(), path, b)
                    if schema is not None:
                        built.append((path, schema))
                self.paths_compared += len(built)
                for path, schema in built[1:]:
                    differences = schema_differences(built[0][1], schema)
                    if differences:
                        first = " → ".join(s.source.display for s in built[0][0])
                        other = " → ".join(s.source.display for s in path)
                        self.fail(
                            path[-1].source.display,
                            "paths",
                            f"from {a} to {b}, the path {other} builds a different structure "
                            f"than {first}: " + "; ".join(differences),
                        )

    def check_initials(self, migration_set: MigrationSet) -> None:
        """Each later initial schema builds what the oldest initial schema plus the steps build."""
        roots = sorted(initial.version for initial in migration_set.initials)
        for initial in migration_set.initials:
            lower = [r for r in roots if r < initial.version]
            path = None if not lower else find_path(migration_set, lower[0], initial.version)
            base = plan_create(migration_set, lower[0]) if lower else None
            direct = plan_create(migration_set, initial.version)
            if path is None or base is None or not isinstance(base, Success):
                continue
            if not isinstance(direct, Success):
                continue
            stepped = self._replay_path(base.unwrap(), path, initial.version)
            built = self._replay_path(direct.unwrap(), (), initial.version)
            if stepped is None or built is None:
                continue
            self.paths_compared += 1
            differences = schema_differences(stepped, built)
            if differences:
                self.fail(
                    initial.source.display,
                    "paths",
                    f"builds a different structure than the {lower[0]} initial schema and the "
                    f"steps up to {initial.version}: " + "; ".join(differences),
                )

    def _replay_path(
        self, base: Plan, path: tuple[ForwardStep, ...], end: Version
    ) -> Schema | None:
        steps = list(base.steps)
        for step in path:
            prepared = prepare_step(step.source, "up", step.from_version, step.to_version)
            if isinstance(prepared, Failure):
                return None
            steps.append(prepared.unwrap())
        built = replay(Plan(self.database, None, end, tuple(steps)))
        if isinstance(built, Failure):
            return None  # the failing step is reported by its own check
        conn = built.unwrap()
        try:
            return read_schema(conn)
        finally:
            conn.close()


def _structure(version: Version, differences: tuple[str, ...]) -> str:
    return f"does not return to version {version}'s structure: " + "; ".join(differences)


def _readable_rows(
    conn: sqlite3.Connection, columns: dict[str, tuple[str, ...]]
) -> dict[str, Counter[tuple[object, ...]]]:
    """Return the rows of each table's columns; a table or column now missing reads as empty."""
    found: dict[str, Counter[tuple[object, ...]]] = {}
    for table, cols in columns.items():
        try:
            found.update(_rows(conn, {table: cols}))
        except sqlite3.Error:
            found[table] = Counter()
    return found


def _every_column(conn: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    return {
        table: tuple(
            str(row[0])
            for row in conn.execute(
                "SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid", (table,)
            )
        )
        for table in fillable_tables(conn)
    }
