"""Properties of the differ, run on real SQLite databases with generated schemas and rows.

The oracle for "the rows survive whenever the target's constraints admit
them": the same rows (their shared columns) inserted into a fresh database
built from the target schema, foreign keys then checked. If that works, the
migration must work and give the same rows; if the migration fails, the
database must be byte-for-byte as it was.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from schema_apply import build, live_schema, migration, run_wrapped, table_rows
from strategies import SchemaSpec, render, rows, schema_pairs, schemas

from aifp_fp.render import quote, render_script
from aifp_fp.schema import Schema, Table, fold, schema_differences
from aifp_shell.sqlite.introspect import schema_of_script

Rows = dict[str, list[tuple[object, ...]]]
FAST_FOLDER = "/dev/shm" if os.path.isdir("/dev/shm") else None
"""Databases live in memory-backed files when possible: the properties fsync a lot."""


def writable(table: Table) -> tuple[str, ...]:
    """Return the columns of a table that an INSERT may name (not generated)."""
    return tuple(c.name for c in table.columns if c.generated is None)


def fill(path: Path, schema: Schema, data: list[list[tuple[object, ...]]]) -> None:
    """Insert rows into each table, skipping those its constraints refuse."""
    conn = sqlite3.connect(path, isolation_level=None)
    for table, table_rows_ in zip(schema.tables, data, strict=False):
        names = writable(table)
        marks = ", ".join("?" for _ in names)
        listed = ", ".join(map(quote, names))
        for row in table_rows_:
            try:
                conn.execute(
                    f"INSERT OR IGNORE INTO {quote(table.name)} ({listed}) VALUES ({marks})",
                    row[: len(names)],
                )
            except sqlite3.IntegrityError:
                continue  # a value the column's type refuses (a rowid alias given text)
    conn.close()


def shared_columns(a: Table, b: Table) -> tuple[str, ...]:
    """Return the columns of ``b`` that ``a`` has too and an INSERT may name."""
    a_names = {fold(c.name) for c in a.columns}
    return tuple(c for c in writable(b) if fold(c) in a_names)


def _broken(conn: sqlite3.Connection) -> Counter[tuple[str, str]]:
    return Counter((fold(t), fold(p)) for t, _, p, _ in conn.execute("PRAGMA foreign_key_check"))


def oracle(path: Path, a: Schema, b: Schema, b_script: str, source: Path) -> Rows | None:
    """Return the rows b should hold after the migration, or ``None`` if b cannot hold them.

    Rows breaking a foreign key in a table the migration can break
    (``checked_tables``) refuse it; anywhere else they were already broken in
    the source (asserted) and are carried.
    """
    checked = migration(a, b).checked_tables
    assert checked is not None
    build(path, b_script)
    conn = sqlite3.connect(path, isolation_level=None)
    old = sqlite3.connect(source)
    expected: Rows = {}
    try:
        conn.execute("BEGIN")
        for table in b.tables:
            before = a.table(table.name)
            if before is None:
                continue
            names = shared_columns(before, table)
            if not names:
                continue
            listed = ", ".join(map(quote, names))
            for row in old.execute(f"SELECT {listed} FROM {quote(before.name)}"):
                marks = ", ".join("?" for _ in names)
                conn.execute(f"INSERT INTO {quote(table.name)} ({listed}) VALUES ({marks})", row)
        broken = _broken(conn)
        if any(table in {fold(t) for t in checked} for table, _ in broken):
            return None
        already = _broken(old)
        assert all(count <= already[key] for key, count in broken.items()), (broken, already)
        conn.execute("COMMIT")
    except sqlite3.Error:
        return None
    finally:
        old.close()
        conn.close()
    for table in b.tables:
        before = a.table(table.name)
        if before is not None:
            expected[table.name] = table_rows(path, table.name, shared_columns(before, table))
    return expected


@given(schemas())
@settings(max_examples=30)
def test_a_schema_has_no_difference_from_itself(spec: SchemaSpec) -> None:
    schema = schema_of_script(render(spec))
    assert migration(schema, schema).operations == ()
    assert schema_differences(schema, schema) == ()


@given(schema_pairs())
@settings(max_examples=60)
def test_diff_then_reverse_gives_each_structure_back(pair: tuple[SchemaSpec, SchemaSpec]) -> None:
    a_script, b_script = render(pair[0]), render(pair[1])
    a, b = schema_of_script(a_script), schema_of_script(b_script)
    with tempfile.TemporaryDirectory(dir=FAST_FOLDER) as folder:
        path = Path(folder) / "db.sqlite"
        build(path, a_script)
        assert run_wrapped(path, render_script(migration(a, b), wrapped=True)) is None
        assert schema_differences(b, live_schema(path)) == ()
        assert run_wrapped(path, render_script(migration(b, a), wrapped=True)) is None
        assert schema_differences(a, live_schema(path)) == ()
    assert (migration(a, b).operations == ()) == (a == b)


@given(schema_pairs(), st.lists(rows(), min_size=3, max_size=3))
@settings(max_examples=60)
def test_rows_are_kept_when_the_target_admits_them_else_nothing_changes(
    pair: tuple[SchemaSpec, SchemaSpec], data: list[list[tuple[object, ...]]]
) -> None:
    a_script, b_script = render(pair[0]), render(pair[1])
    a, b = schema_of_script(a_script), schema_of_script(b_script)
    with tempfile.TemporaryDirectory(dir=FAST_FOLDER) as folder:
        path = Path(folder) / "db.sqlite"
        build(path, a_script)
        fill(path, a, data)
        expected = oracle(Path(folder) / "oracle.sqlite", a, b, b_script, path)
        before = path.read_bytes()
        error = run_wrapped(path, render_script(migration(a, b), wrapped=True))
        if error is not None:
            assert expected is None, error
            assert path.read_bytes() == before
            return
        assert schema_differences(b, live_schema(path)) == ()
        assert expected is not None
        for table in b.tables:
            source = a.table(table.name)
            if source is not None:
                names = shared_columns(source, table)
                assert table_rows(path, table.name, names) == expected[table.name], table.name
