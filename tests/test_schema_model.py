"""The schema model: what counts as a difference and what is left out."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from aifp_fp.schema import ForeignKey, schema_differences
from aifp_fp.schemaparse import parse_create_table
from aifp_shell.sqlite.introspect import apply_script, read_schema, schema_of_script

PLAIN = """
CREATE TABLE notes(id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL,
  severity TEXT DEFAULT 'info' CHECK (severity IN ('info', 'warn')),
  owner INTEGER REFERENCES owners(id) ON DELETE CASCADE);
CREATE TABLE owners(id INTEGER PRIMARY KEY, name TEXT UNIQUE COLLATE NOCASE);
CREATE INDEX idx_notes_owner ON notes(owner) WHERE owner IS NOT NULL;
CREATE VIEW v_notes AS SELECT id, body FROM notes;
CREATE TRIGGER t_notes AFTER DELETE ON owners BEGIN DELETE FROM notes WHERE owner = old.id; END;
"""

DRESSED = """
-- the same schema, written differently
create table "NOTES" ( "id" integer primary key autoincrement , body text not null ,
  [severity] text default 'info' check ( severity in ('info','warn') ) ,
  owner integer references "owners" ( id ) on delete cascade ) ;
CREATE TABLE `owners`(id INTEGER PRIMARY KEY, name TEXT UNIQUE COLLATE nocase);
create index IDX_NOTES_OWNER on notes ( owner ) where owner is not null ;
create view v_notes as /* comment */ select id , body from notes ;
CREATE TRIGGER t_notes AFTER DELETE ON owners BEGIN
  DELETE FROM notes WHERE owner = OLD.id;
END;
"""


def test_comments_whitespace_quoting_and_case_are_not_differences() -> None:
    assert schema_differences(schema_of_script(PLAIN), schema_of_script(DRESSED)) == ()
    assert schema_of_script(PLAIN) == schema_of_script(DRESSED)


def test_internal_objects_history_and_shadow_tables_are_left_out() -> None:
    schema = schema_of_script(
        PLAIN
        + "CREATE TABLE schema_history(id INTEGER PRIMARY KEY);"
        + "CREATE VIRTUAL TABLE search USING fts5(body, content='notes', content_rowid='id');"
    )
    names = {t.name for t in schema.tables}
    assert names == {"notes", "owners"}
    assert [v.name for v in schema.virtual_tables] == ["search"]
    assert schema.virtual_tables[0].columns == ("body",)
    assert schema.virtual_tables[0].option("content") == "notes"


def test_differences_name_the_object_and_the_change() -> None:
    changed = PLAIN.replace(
        "severity TEXT DEFAULT 'info' CHECK (severity IN ('info', 'warn')),", ""
    ).replace("WHERE owner IS NOT NULL", "")
    lines = schema_differences(schema_of_script(PLAIN), schema_of_script(changed))
    assert "table notes: column severity missing" in lines
    assert "index idx_notes_owner: definition differs" in lines
    lines = schema_differences(schema_of_script(changed), schema_of_script(PLAIN))
    assert "table notes: column severity unexpected" in lines


def test_every_kind_of_declaration_is_a_difference() -> None:
    base = "CREATE TABLE t(a INTEGER, b TEXT, c INT);"
    variants = [
        "CREATE TABLE t(a INTEGER, b TEXT NOT NULL, c INT);",
        "CREATE TABLE t(a INTEGER, b TEXT DEFAULT 'x', c INT);",
        "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c INT);",
        "CREATE TABLE t(a INTEGER, b TEXT COLLATE NOCASE, c INT);",
        "CREATE TABLE t(a INTEGER, b TEXT, c INT, CHECK (c > 0));",
        "CREATE TABLE t(a INTEGER, b TEXT, c INT, UNIQUE (b, c));",
        "CREATE TABLE t(a INTEGER, b TEXT, c INT, FOREIGN KEY (c) REFERENCES t(a));",
        "CREATE TABLE t(a INTEGER, b TEXT, c INT REFERENCES t(a) DEFERRABLE INITIALLY DEFERRED);",
        "CREATE TABLE t(a INTEGER, b TEXT, c INT AS (a + 1));",
        "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c INT) WITHOUT ROWID;",
        "CREATE TABLE t(a INTEGER, b TEXT, c INT) STRICT;",
        "CREATE TABLE t(a INTEGER, c INT, b TEXT);",
        "CREATE TABLE t(a INTEGER, b BLOB, c INT);",
    ]
    before = schema_of_script(base)
    for variant in variants:
        assert schema_differences(before, schema_of_script(variant)), variant


def test_foreign_key_actions_and_deferral_are_read() -> None:
    text = parse_create_table(
        "CREATE TABLE c(x INT NOT NULL REFERENCES p(id) ON UPDATE SET NULL ON DELETE NO ACTION"
        " NOT DEFERRABLE, y INT, FOREIGN KEY (y) REFERENCES p DEFERRABLE INITIALLY DEFERRED)"
    )
    assert text.columns[0].references == ForeignKey(("X",), "P", ("ID",), "NO ACTION", "SET NULL")
    assert text.foreign_keys == frozenset({ForeignKey(("Y",), "P", (), initially_deferred=True)})


def test_read_schema_of_a_file_matches_the_script(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    apply_script(conn, PLAIN)
    conn.close()
    conn = sqlite3.connect(f"file:{tmp_path / 'x.db'}?mode=ro", uri=True)
    assert read_schema(conn) == schema_of_script(PLAIN)
    conn.close()


def test_a_schema_script_cannot_reach_other_files(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.db"
    for script in (f"ATTACH '{target}' AS e;", f"CREATE TABLE t(a); VACUUM INTO '{target}';"):
        with pytest.raises((sqlite3.Error, ValueError)):
            schema_of_script(script)
        assert not target.exists()


def test_check_and_foreign_key_placement_is_not_a_difference() -> None:
    from aifp_fp.schema import schema_differences

    parent = "CREATE TABLE p (id INTEGER PRIMARY KEY);"
    column_level = schema_of_script(
        parent + "CREATE TABLE t (a TEXT CHECK (a IN ('x', 'y')),"
        " p INTEGER REFERENCES p(id) ON DELETE CASCADE);"
    )
    table_level = schema_of_script(
        parent + "CREATE TABLE t (a TEXT, p INTEGER, CHECK (a IN ('x','y')),"
        " FOREIGN KEY (p) REFERENCES p(id) ON DELETE CASCADE);"
    )
    changed = schema_of_script(
        parent + "CREATE TABLE t (a TEXT, p INTEGER, CHECK (a IN ('x','z')),"
        " FOREIGN KEY (p) REFERENCES p(id));"
    )
    assert schema_differences(column_level, table_level) == ()
    lines = schema_differences(column_level, changed)
    assert any("CHECK" in line for line in lines)
    assert any("FOREIGN KEY" in line for line in lines)
