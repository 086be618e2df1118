"""A Hypothesis state machine that drives a real project.db through random command sequences.

Rules: ``up`` and ``down`` to random targets (or the defaults), their dry runs,
a failure injected at a random statement followed by a retry, and a kill -9 at
a random statement of a real ``aifp-migrate`` run in a forked process, followed by a rerun. A
model keeps the version and the history that should result. After every rule:
the version is a known one and the model's; the live structure is exactly the
one that version should have (``expected.schema_at``: no drift); every row of
the v1.0 tables is still there, in every column but the real losses of 1.2 -> 1.4
(``LOSSES``; ``types.linked_function_id`` is carried as ``types_functions`` rows); and
``schema_history`` lists exactly the steps that ran, in order.

The service is called in-process (fast); only the kill -9 rule forks a process.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import aifp_shell.commands.migrate as service
from aifp_fp.plan import find_path, plan_down
from aifp_fp.schema import schema_differences
from aifp_fp.version import Version, parse_version
from aifp_shell.commands.runtime import LossAnswer
from aifp_shell.files.locate import find_places, shipped_migrations_dir
from aifp_shell.files.sources import load_migration_set
from aifp_shell.schema.expected import schema_at
from aifp_shell.sqlite.introspect import read_schema
from tests.aifp_data import create_database, snapshot, version_of
from tests.fault_child import killed_fork

SET = load_migration_set("project", shipped_migrations_dir()).unwrap()
VERSIONS = tuple(str(v) for v in SET.versions())
V1_0 = SET.versions()[0]
pytestmark = pytest.mark.slow

TARGETS = st.sampled_from((None, *VERSIONS))


def _v(text: str) -> Version:
    return parse_version(text).unwrap()


def _v1_0_columns() -> dict[str, tuple[str, ...]]:
    schema = schema_at(SET, V1_0).unwrap()
    return {
        table.name: table.column_names()
        for table in schema.tables
        if table.name.lower() != "schema_version"
    }


V1_0_COLUMNS = _v1_0_columns()

LOSSES = frozenset(
    {
        *((table, "project_id") for table in ("completion_path", "files", "flows")),
        *((table, "project_id") for table in ("infrastructure", "themes", "types")),
        ("files", "checksum"),
        ("project", "blueprint_checksum"),
    }
)
"""v1.0 columns whose values 1.2 -> 1.4 drops (named in its header); a rollback cannot bring
them back."""
CARRIED = ("types", "linked_function_id")
"""A v1.0 column 1.2 -> 1.4 turns into ``types_functions`` rows (and the rollback back)."""


def _columns_gone_at_latest() -> set[tuple[str, str]]:
    latest = {t.name: set(t.column_names()) for t in schema_at(SET, SET.latest()).unwrap().tables}
    return {
        (table, column)
        for table, columns in V1_0_COLUMNS.items()
        for column in columns
        if column not in latest.get(table, set())
    }


assert _columns_gone_at_latest() == LOSSES | {CARRIED}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


Rows = dict[str, list[dict[str, Any]]]


def _rows_of_v1_0_tables(path: Path) -> Rows:
    """Every row of the v1.0 tables, by column, as the live database now has them."""
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        found: Rows = {}
        for table in V1_0_COLUMNS:
            cursor = conn.execute(f"SELECT * FROM {_q(table)}")
            names = [d[0] for d in cursor.description]
            found[table] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        if not any(CARRIED[1] in row for row in found[CARRIED[0]]):
            found["types_functions"] = [
                {"type_id": t, "function_id": f}
                for t, f in conn.execute("SELECT type_id, function_id FROM types_functions")
            ]
        return found
    finally:
        conn.close()


SAME_VALUES = {("tasks", "priority"): {0: "medium"}}
"""Values a step maps both ways, by name in its header: 1.2 -> 1.4 (and the direct steps) make
v1.0's INTEGER priority 0 the text 'medium', and their rollbacks make 'medium' 0 again."""


def _surviving(
    rows: list[dict[str, Any]], columns: list[str], table: str = ""
) -> list[tuple[Any, ...]]:
    def value(row: dict[str, Any], column: str) -> Any:
        same = SAME_VALUES.get((table, column), {})
        return same.get(row[column], row[column])

    return sorted((tuple(value(row, c) for c in columns) for row in rows), key=repr)


def done_report(version: str) -> Any:
    """A stand-in for the report of a run that committed before it was killed."""

    class Committed:
        problem = None
        to_version = version

    return Committed()


class _FailAt:
    """A connection factory whose write connections fail at the k-th statement (then stop)."""

    def __init__(self, k: int) -> None:
        self.left = k
        self.fired = False

    def __call__(self, path: Path, *, write: bool, **options: Any) -> Any:
        conn = _REAL_CONNECT(path, write=write, **options)
        if not write:
            return conn
        factory = self

        class Failing:
            """Wraps a connection; ``execute`` raises a disk I/O error when the count runs out."""

            def __getattr__(self, name: str) -> Any:
                return getattr(conn, name)

            def execute(self, sql: str, *args: Any) -> Any:
                factory.left -= 1
                if factory.left == 0 and sql.split()[0].upper() not in ("ROLLBACK",):
                    factory.fired = True
                    raise sqlite3.OperationalError("disk I/O error (injected by the test)")
                return conn.execute(sql, *args)

        return Failing()


_REAL_CONNECT = service.connect


class MigrationMachine(RuleBasedStateMachine):
    """A project.db, the real runner, and a model of what it should now hold."""

    def __init__(self) -> None:
        super().__init__()
        self.base = Path(tempfile.mkdtemp(prefix="aifp-sm-"))
        self.root = self.base / "aifp-root"
        self.root.mkdir()
        self.project = self.base / "my-project"
        self.db = self.project / ".aifp-project" / "project.db"
        create_database(self.db, "project", rows=3, seed=7)
        self.places = find_places(self.project, self.root, None)
        self.moment = datetime(2025, 1, 1, tzinfo=UTC)
        self.version = "1.0"
        self.history: list[tuple[str, str | None, str]] = []
        self.v1_0_rows = _rows_of_v1_0_tables(self.db)
        self.crashes = 0

    def teardown(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)

    # --- helpers -------------------------------------------------------------------------

    def _runtime(self) -> service.Runtime:
        def clock() -> datetime:
            self.moment += timedelta(seconds=1)
            return self.moment

        def accept(_: object) -> LossAnswer:  # the lineage drops columns: accepted
            return LossAnswer(accepted=True, asked=False)

        return service.Runtime(self.places, clock=clock, confirm_losses=accept)

    def _up_steps(self, target: str | None) -> list[tuple[str, str | None, str]] | None:
        """Return the steps ``up`` should record, or None when it should refuse."""
        start, end = _v(self.version), _v(target) if target else SET.latest()
        if end < start:
            return None
        path = find_path(SET, start, end)
        assert path is not None
        return [("up", str(s.from_version), str(s.to_version)) for s in path]

    def _down_steps(self, target: str | None) -> list[tuple[str, str | None, str]] | None:
        plan = plan_down(SET, _v(self.version), _v(target) if target else None).value_or(None)
        if plan is None:
            return None
        return [("down", str(s.from_version), str(s.to_version)) for s in plan.steps]

    def _expect(self, steps: list[tuple[str, str | None, str]] | None, report: Any) -> None:
        if steps is None:
            assert report.problem is not None
            return
        assert report.problem is None, report.problem
        self.history += steps
        if steps:
            self.version = steps[-1][2]

    # --- rules ---------------------------------------------------------------------------

    @rule(to=TARGETS)
    def up(self, to: str | None) -> None:
        steps = self._up_steps(to)
        report = service.up(self._runtime(), ("project",), to, explicit=True)
        self._expect(steps, report)

    @precondition(lambda self: self.version != VERSIONS[0])
    @rule(to=TARGETS)
    def down(self, to: str | None) -> None:
        steps = self._down_steps(to)
        report = service.down(self._runtime(), "project", to)
        self._expect(steps, report)

    @rule(to=TARGETS, going_up=st.booleans())
    def dry_run(self, to: str | None, going_up: bool) -> None:
        before = snapshot(self.db)
        if going_up:
            report = service.up(self._runtime(), ("project",), to, dry_run=True, explicit=True)
        else:
            report = service.down(self._runtime(), "project", to, dry_run=True)
        assert snapshot(self.db) == before
        assert all(db.backup is None for db in report.databases)

    @precondition(lambda self: self.version != VERSIONS[-1])
    @rule(k=st.integers(min_value=1, max_value=40))
    def fail_midway_then_retry(self, k: int) -> None:
        """An I/O error at the k-th statement: the run is rolled back (or completes); a retry
        completes."""
        steps = self._up_steps(None)
        failing = _FailAt(k)
        service.connect = failing  # type: ignore[assignment]
        try:
            report = service.up(self._runtime(), ("project",), explicit=True)
        finally:
            service.connect = _REAL_CONNECT
        if report.problem is not None:  # the error stopped the run: nothing changed
            assert failing.fired
            assert version_of(self.db) == self.version, "a failed run changed the version"
            self.check_structure()
            self.history_matches()
            report = service.up(self._runtime(), ("project",), explicit=True)
        # Else the run completed (the error was not reached, or hit a read the tool may
        # fall back from); either way the database must now be fully migrated.
        self._expect(steps, report)

    @precondition(lambda self: self.version != VERSIONS[-1] and self.crashes < 1)
    @rule(k=st.integers(min_value=1, max_value=60))
    def kill_then_rerun(self, k: int) -> None:
        """kill -9 of a real ``aifp-migrate up`` at its k-th statement, then a rerun."""
        self.crashes += 1
        steps = self._up_steps(None)
        assert steps
        stderr = self.base / "kill.stderr"
        where = ("--aifp-root", str(self.root), "--project-dir", str(self.project))
        killed_fork(k, ("up", "--yes", "--db", "project", "--json", *where), {}, stderr)
        errors = stderr.read_text()
        assert "Traceback" not in errors
        found = version_of(self.db)
        assert found in (self.version, steps[-1][2]), (found, errors)
        if found == steps[-1][2]:  # the kill came after COMMIT: every step is recorded
            self._expect(steps, done_report(found))
            steps = []  # so the rerun has nothing to do
        self.check_structure()
        self._expect(steps, service.up(self._runtime(), ("project",), explicit=True))

    # --- invariants ----------------------------------------------------------------------

    @invariant()
    def version_is_the_models(self) -> None:
        assert version_of(self.db) == self.version
        assert self.version in VERSIONS

    @invariant()
    def check_structure(self) -> None:
        conn = sqlite3.connect(f"{self.db.absolute().as_uri()}?mode=ro", uri=True)
        try:
            live = read_schema(conn)
            found = conn.execute("SELECT version FROM schema_version").fetchone()[0]
        finally:
            conn.close()
        assert schema_differences(schema_at(SET, _v(found)).unwrap(), live) == ()

    @invariant()
    def v1_0_rows_survive(self) -> None:
        now = _rows_of_v1_0_tables(self.db)
        for table, columns in V1_0_COLUMNS.items():
            assert len(now[table]) == len(self.v1_0_rows[table]), table
            live = set(now[table][0]) if now[table] else set(columns)
            kept = [c for c in columns if (table, c) not in LOSSES and c in live]
            assert set(columns) - set(kept) <= {c for t, c in LOSSES | {CARRIED} if t == table}
            assert _surviving(now[table], kept, table) == _surviving(
                self.v1_0_rows[table], kept, table
            ), table
        if "types_functions" in now:  # linked_function_id is carried as rows
            links = [
                {"type_id": row["id"], "function_id": row[CARRIED[1]]}
                for row in self.v1_0_rows[CARRIED[0]]
                if row[CARRIED[1]] is not None
            ]
            assert links, "the fill links types to functions"
            columns = ["type_id", "function_id"]
            assert _surviving(now["types_functions"], columns) == _surviving(links, columns)

    @invariant()
    def history_matches(self) -> None:
        conn = sqlite3.connect(f"{self.db.absolute().as_uri()}?mode=ro", uri=True)
        try:
            has = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'schema_history'"
            ).fetchone()
            rows = (
                conn.execute(
                    "SELECT direction, from_version, to_version FROM schema_history ORDER BY id"
                ).fetchall()
                if has
                else []
            )
        finally:
            conn.close()
        assert [tuple(r) for r in rows] == self.history


MACHINE_SETTINGS = settings(
    max_examples=8,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
"""Each of the two test cases below draws 8 sequences of up to 8 steps (128 steps in all, one
sequence more than the single run of 15 it replaces: every rule is still drawn many times).
Two independent halves instead of one run of ~30 s of CPU, so that xdist runs them on both
workers and the machine no longer sets the suite's wall time."""

TestMigrationMachine = MigrationMachine.TestCase
TestMigrationMachine.settings = MACHINE_SETTINGS
TestMigrationMachineAgain = MigrationMachine.TestCase
TestMigrationMachineAgain.settings = MACHINE_SETTINGS
