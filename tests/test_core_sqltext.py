"""SQL text: tokens, statement splitting against SQLite, classification and idempotence."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifp_fp.idempotence import Conflict, Execute, ExistingObject, Skip, decide
from aifp_fp.sqltext import Statement, TokenKind, split_statements, tokenize
from aifp_fp.statement import (
    AddColumn,
    CreateObject,
    DropObject,
    OtherStatement,
    classify,
    column_definitions,
    object_signature,
)

# --- generated scripts -------------------------------------------------------------

# Each piece is one complete, valid statement over the tables ``t(a, b)`` and ``log(m)``;
# ``{i}`` makes the names of created objects unique within a script.
PIECES = [
    "CREATE TABLE p{i}(x INTEGER, y TEXT DEFAULT 'a;b');",
    "INSERT INTO t VALUES ({i}, 'it''s; {i}');",
    "INSERT INTO t /* a comment; with END; */ VALUES ({i}, 'x');",
    'CREATE TABLE "q;{i}"(`c;1` TEXT, [d;2] INT, "e""f;" TEXT);',
    "SELECT a -- trailing; comment END;\n  FROM t WHERE b <> ';';",
    "CREATE TRIGGER tr{i} AFTER INSERT ON t BEGIN\n"
    "  INSERT INTO log VALUES (CASE WHEN new.a > 0 THEN 'pos;' ELSE 'neg' END);\n"
    "  UPDATE log SET m = m WHERE m = 'end;'; -- END;\n"
    "END;",
    "CREATE TEMP TRIGGER IF NOT EXISTS tt{i} BEFORE DELETE ON t BEGIN "
    "SELECT CASE WHEN old.a IS NULL THEN RAISE(ABORT, 'no; a') END; "
    "DELETE FROM log WHERE m = ';'; END;",
    "CREATE VIEW v{i} AS SELECT CASE a WHEN 1 THEN 'x;' ELSE \"b\" END AS e FROM t;",
    "CREATE INDEX IF NOT EXISTS i{i} ON t(a) WHERE b <> 'END;';",
    "EXPLAIN SELECT ';' || b FROM [t];",
    "UPDATE t SET b = 'end' WHERE a = {i};",
    "CREATE TRIGGER \"end;{i}\" AFTER UPDATE ON log BEGIN SELECT 1; SELECT 'END;'; END;",
]
HEADER = ["CREATE TABLE t(a, b);", "CREATE TABLE log(m);"]

SEPARATORS = ["", " ", "\n", "\n\n", "\t", "\n-- note; END;\n", " /* x; END; */ ", "\r\n"]
"""Blanks that may stand between statements (a line comment always ends its line)."""


@st.composite
def scripts(draw: st.DrawFn) -> tuple[str, list[str], list[str]]:
    """A script made of generated statements: (text, statements, separators before each)."""
    chosen = draw(st.lists(st.sampled_from(PIECES), max_size=8))
    statements = HEADER + [piece.format(i=i) for i, piece in enumerate(chosen)]
    separators = draw(
        st.lists(
            st.sampled_from(SEPARATORS),
            min_size=len(statements) + 1,
            max_size=len(statements) + 1,
        )
    )
    text = "".join(sep + stmt for sep, stmt in zip(separators, statements, strict=False))
    return text + separators[-1], statements, separators


def _blank_gaps(script: str, texts: list[str]) -> list[str]:
    """The text between consecutive statements (and before the first, after the last)."""
    gaps, at = [], 0
    for text in texts:
        found = script.find(text, at)
        assert found >= 0, (text, script[at:])
        gaps.append(script[at:found])
        at = found + len(text)
    gaps.append(script[at:])
    return gaps


def _has_inner_split_point(text: str) -> bool:
    """Whether a proper prefix of the statement ending in ';' is already complete to SQLite."""
    return any(
        sqlite3.complete_statement(text[: at + 1])
        for at, char in enumerate(text[:-1])
        if char == ";"
    )


@given(scripts())
def test_split_statements_agrees_with_sqlite_complete(
    generated: tuple[str, list[str], list[str]],
) -> None:
    script, statements, separators = generated
    split = split_statements(script)
    assert split.unterminated is None
    texts = [s.text for s in split.statements]
    assert texts == statements
    for text in texts:
        assert sqlite3.complete_statement(text)
        assert not _has_inner_split_point(text)
    assert _blank_gaps(script, texts) == separators
    at = 0
    for gap, statement in zip(separators, split.statements, strict=False):
        at += len(gap)
        # a statement starts on the line after the newlines before it (CR LF counts once)
        assert statement.line == script[:at].count("\n") + 1
        at += len(statement.text)
    assert (
        "".join(g + t for g, t in zip(separators, texts, strict=False)) + separators[-1] == script
    )


@given(scripts(), st.sampled_from(["", " ", "\n", "\n\n  "]))
def test_split_statements_completes_a_final_statement_without_semicolon(
    generated: tuple[str, list[str], list[str]], trailing: str
) -> None:
    _, statements, separators = generated
    body = "".join(sep + stmt for sep, stmt in zip(separators, statements, strict=False))
    script = body[:-1] + trailing  # drop the last ';'
    split = split_statements(script)
    assert split.unterminated is None
    texts = [s.text for s in split.statements]
    assert texts[:-1] == statements[:-1]
    assert texts[-1].startswith(statements[-1][:-1])
    assert texts[-1].endswith(";")
    assert texts[-1][len(statements[-1]) - 1 : -1].strip() == ""
    assert sqlite3.complete_statement(texts[-1])


@settings(max_examples=40)
@given(scripts())
def test_every_split_statement_runs_in_sqlite(
    generated: tuple[str, list[str], list[str]],
) -> None:
    script, _, _ = generated
    conn = sqlite3.connect(":memory:")
    try:
        for statement in split_statements(script).statements:
            # execute() refuses more than one statement, so each must be exactly one
            conn.execute(statement.text)
    finally:
        conn.close()


_SQLISH = st.lists(
    st.sampled_from(
        [
            "CREATE",
            "TEMP",
            "TRIGGER",
            "END",
            "EXPLAIN",
            "BEGIN",
            "create",
            "trigger",
            ";",
            " ",
            "\n",
            "'",
            '"',
            "`",
            "[",
            "]",
            "--",
            "/*",
            "*/",
            "x",
            "1",
            "(",
            ".",
        ]
    ),
    max_size=30,
).map("".join)


@given(_SQLISH)
def test_split_points_are_sqlite_split_points(script: str) -> None:
    split = split_statements(script)
    closed = split.statements[:-1] if split.statements else ()
    for statement in closed:
        assert statement.text.endswith(";")
        assert sqlite3.complete_statement(statement.text)
        assert not _has_inner_split_point(statement.text)
    if split.unterminated is not None:
        assert not sqlite3.complete_statement(script)
    if sqlite3.complete_statement(script):
        assert split.unterminated is None


@given(st.text())
def test_tokens_give_the_text_back(text: str) -> None:
    tokens = tokenize(text)
    assert "".join(token.text for token in tokens) == text
    assert all(token.text for token in tokens)


@given(st.text(alphabet=" \n;'\"`[]-/*xE", max_size=40))
def test_tokens_give_sql_like_text_back(text: str) -> None:
    assert "".join(token.text for token in tokenize(text)) == text


def test_tokenize_examples() -> None:
    kinds = [t.kind for t in tokenize("SELECT 'a;b', \"c\" -- x\n/* y */ ?1;")]
    assert kinds == [
        TokenKind.WORD,
        TokenKind.SPACE,
        TokenKind.STRING,
        TokenKind.PUNCTUATION,
        TokenKind.SPACE,
        TokenKind.QUOTED_NAME,
        TokenKind.SPACE,
        TokenKind.COMMENT,
        TokenKind.SPACE,
        TokenKind.COMMENT,
        TokenKind.SPACE,
        TokenKind.PARAMETER,
        TokenKind.SEMICOLON,
    ]


def test_split_several_statements_on_one_line() -> None:
    split = split_statements("CREATE TABLE a(x); INSERT INTO a VALUES (';');SELECT 1;")
    assert [s.text for s in split.statements] == [
        "CREATE TABLE a(x);",
        "INSERT INTO a VALUES (';');",
        "SELECT 1;",
    ]
    assert [s.line for s in split.statements] == [1, 1, 1]


def test_split_blank_script_is_empty() -> None:
    split = split_statements("  -- only a comment;\n/* and ; another */\n")
    assert split.statements == ()
    assert split.unterminated is None


def test_split_unterminated_trigger() -> None:
    split = split_statements("SELECT 1;\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1;")
    assert [s.text for s in split.statements] == ["SELECT 1;"]
    assert split.unterminated is not None
    assert split.unterminated.line == 2
    assert split.unterminated.text.startswith("CREATE TRIGGER tr")


def test_final_statement_ending_in_a_line_comment_is_complete() -> None:
    split = split_statements("CREATE TABLE a(x);\nCREATE TABLE b(y) -- the last one")
    assert split.unterminated is None
    assert all(sqlite3.complete_statement(s.text) for s in split.statements)


@pytest.mark.parametrize(
    "script",
    [
        "CREATE TABLE t(x);\nINSERT INTO t VALUES ('it);\nSELECT 1;",
        'SELECT "a;',
        "SELECT [a;",
        "SELECT 1 /* not closed;",
    ],
)
def test_unterminated_literal_is_unterminated(script: str) -> None:
    split = split_statements(script)
    assert split.unterminated is not None
    assert all(sqlite3.complete_statement(s.text) for s in split.statements)


# --- classify ----------------------------------------------------------------------------


def one(sql: str) -> Statement:
    split = split_statements(sql)
    assert split.unterminated is None
    (statement,) = split.statements
    return statement


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("CREATE TABLE t(x);", CreateObject("table", "t", False)),
        ("create table IF NOT EXISTS t (x)", CreateObject("table", "t", True)),
        ("CREATE TEMP TABLE t(x);", CreateObject("table", "t", False)),
        ("CREATE TEMPORARY TABLE IF NOT EXISTS t(x);", CreateObject("table", "t", True)),
        ("CREATE TABLE main.t(x);", CreateObject("table", "t", False)),
        ('CREATE TABLE "main"."my table"(x);', CreateObject("table", "my table", False)),
        ("CREATE TABLE [odd name](x);", CreateObject("table", "odd name", False)),
        ("CREATE TABLE `tick`(x);", CreateObject("table", "tick", False)),
        ('CREATE TABLE "a""b"(x);', CreateObject("table", 'a"b', False)),
        ("CREATE TABLE t AS SELECT 1;", CreateObject("table", "t", False)),
        ("CREATE INDEX i ON t(x);", CreateObject("index", "i", False)),
        ("CREATE UNIQUE INDEX IF NOT EXISTS main.i ON t(x);", CreateObject("index", "i", True)),
        ("CREATE VIEW v AS SELECT 1;", CreateObject("view", "v", False)),
        ("CREATE TEMP VIEW IF NOT EXISTS v AS SELECT 1;", CreateObject("view", "v", True)),
        (
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;",
            CreateObject("trigger", "tr", False),
        ),
        (
            'CREATE TEMP TRIGGER IF NOT EXISTS "main"."tr" AFTER INSERT ON t BEGIN SELECT 1; END;',
            CreateObject("trigger", "tr", True),
        ),
        ("CREATE VIRTUAL TABLE f USING fts5(body);", CreateObject("table", "f", False)),
        (
            "CREATE VIRTUAL TABLE IF NOT EXISTS main.f USING fts5(body);",
            CreateObject("table", "f", True),
        ),
        ("CREATE /* c */ TABLE -- c\n t(x);", CreateObject("table", "t", False)),
        ("DROP TABLE t;", DropObject("table", "t", False)),
        ("DROP TABLE IF EXISTS main.t;", DropObject("table", "t", True)),
        ("drop index if exists [i];", DropObject("index", "i", True)),
        ("DROP VIEW v;", DropObject("view", "v", False)),
        ('DROP TRIGGER IF EXISTS "tr";', DropObject("trigger", "tr", True)),
        (
            "ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT 'x';",
            AddColumn("t", "c", ("C", "TEXT", "NOT", "NULL", "DEFAULT", "'x'")),
        ),
        ("ALTER TABLE main.t ADD c;", AddColumn("t", "c", ("C",))),
        ('alter table "t" add column "my col" int;', AddColumn("t", "my col", ("MY COL", "INT"))),
        ("ALTER TABLE t RENAME TO u;", OtherStatement()),
        ("ALTER TABLE t RENAME COLUMN a TO b;", OtherStatement()),
        ("ALTER TABLE t DROP COLUMN a;", OtherStatement()),
        ("INSERT INTO t VALUES (1);", OtherStatement()),
        ("SELECT 'CREATE TABLE x(y)';", OtherStatement()),
        ("PRAGMA foreign_key_check;", OtherStatement()),
        ("DROP;", OtherStatement()),
    ],
)
def test_classify(sql: str, expected: object) -> None:
    assert classify(one(sql)) == expected


# --- object_signature ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("CREATE TABLE t(x INT, y TEXT)", "create   table T ( x int , y text ) ;"),
        ("CREATE TABLE t(x)", 'CREATE TABLE "t"(x)'),
        ("CREATE TABLE t(x)", "CREATE TABLE [t]([x])"),
        ("CREATE TABLE t(x)", "CREATE TABLE `t`(`x`)"),
        ("CREATE TABLE t(x)", "CREATE TABLE IF NOT EXISTS t(x)"),
        ("CREATE TABLE t(x)", "CREATE /* a */ TABLE -- b\n t(x) /* c */"),
        ("CREATE INDEX i ON t(x)", "CREATE INDEX IF NOT EXISTS i ON t ( x );"),
        ("CREATE UNIQUE INDEX i ON t(x)", "create unique index if not exists I on T(X)"),
        (
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END",
            "CREATE TRIGGER IF NOT EXISTS tr\nAFTER INSERT ON t\nBEGIN\n  SELECT 1;\nEND;",
        ),
        ("CREATE VIEW v AS SELECT a FROM t", "CREATE VIEW IF NOT EXISTS v AS SELECT a FROM t;"),
    ],
)
def test_object_signature_ignores_formatting(a: str, b: str) -> None:
    assert object_signature(a) == object_signature(b)
    assert object_signature(a) == object_signature(tokenize(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("CREATE TABLE t(x INT)", "CREATE TABLE t(x TEXT)"),
        ("CREATE TABLE t(x)", "CREATE TABLE u(x)"),
        ("CREATE TABLE t(x, y)", "CREATE TABLE t(y, x)"),
        ("CREATE TABLE t(x DEFAULT 'a')", "CREATE TABLE t(x DEFAULT 'A')"),
        ("CREATE INDEX i ON t(x)", "CREATE UNIQUE INDEX i ON t(x)"),
        ("CREATE INDEX i ON t(x)", "CREATE INDEX i ON t(x) WHERE x > 0"),
        ("CREATE VIEW v AS SELECT 1", "CREATE VIEW v AS SELECT 2"),
    ],
)
def test_object_signature_sees_meaning(a: str, b: str) -> None:
    assert object_signature(a) != object_signature(b)


CREATES = [
    "CREATE TABLE IF NOT EXISTS t (x INTEGER PRIMARY KEY, y TEXT DEFAULT 'a;b')",
    'CREATE /* first */ TABLE IF NOT EXISTS "quoted t" -- kept\n (x INT, [y z] TEXT)',
    "create table if not exists Mixed(A, b)",
    "CREATE TABLE base(a, b); CREATE INDEX IF NOT EXISTS i_base ON base(a) /* why */",
    'CREATE TABLE base(a, b); CREATE UNIQUE INDEX IF NOT EXISTS "u base" ON base(b, a)',
    "CREATE TABLE base(a, b); CREATE VIEW IF NOT EXISTS v_base AS SELECT a /* c */ FROM base",
    "CREATE TABLE base(a, b); CREATE TRIGGER IF NOT EXISTS tr_base AFTER INSERT ON base "
    "BEGIN UPDATE base SET b = 'x;' WHERE a = new.a; END",
]


def _run_and_read(sql: str) -> tuple[Statement, ExistingObject]:
    """Run a script in SQLite; return its last statement and the object it made, as stored."""
    statements = split_statements(sql).statements
    conn = sqlite3.connect(":memory:")
    try:
        for statement in statements:
            conn.execute(statement.text)
        last = statements[-1]
        kind = classify(last)
        assert isinstance(kind, CreateObject)
        row = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name = ?", (kind.name,)
        ).fetchone()
    finally:
        conn.close()
    assert row is not None
    return last, ExistingObject(row[0], row[1], row[2])


@pytest.mark.parametrize("sql", CREATES)
def test_object_signature_matches_what_sqlite_stores(sql: str) -> None:
    statement, existing = _run_and_read(sql)
    assert existing.sql is not None
    assert object_signature(existing.sql) == object_signature(statement.tokens)
    assert decide(statement, classify(statement), existing) == Skip(
        f"{existing.object_type} {classify(statement).name} already exists, identical"  # type: ignore[union-attr]
    )


def test_object_signature_matches_sqlite_for_a_schema_qualified_name() -> None:
    statement, existing = _run_and_read("CREATE TABLE IF NOT EXISTS main.t(x)")
    assert existing.sql == "CREATE TABLE t(x)"
    assert isinstance(decide(statement, classify(statement), existing), Skip)


# --- column_definitions -------------------------------------------------------------------


def test_column_definitions() -> None:
    sql = (
        "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'a,b',\n"
        '  [score] REAL CHECK (score > 0 AND score < 10), "Kind" TEXT COLLATE NOCASE,\n'
        "  CONSTRAINT uq UNIQUE (name), PRIMARY KEY (id), UNIQUE (name, score),\n"
        "  CHECK (score <> 5), FOREIGN KEY (id) REFERENCES o(id))"
    )
    assert column_definitions(sql) == {
        "ID": ("ID", "INTEGER", "PRIMARY", "KEY"),
        "NAME": ("NAME", "TEXT", "NOT", "NULL", "DEFAULT", "'a,b'"),
        "SCORE": ("SCORE", "REAL", "CHECK", "(", "SCORE", ">", "0", "AND", "SCORE", "<", "10", ")"),
        "KIND": ("KIND", "TEXT", "COLLATE", "NOCASE"),
    }


def test_column_definitions_of_no_table() -> None:
    assert column_definitions("CREATE VIEW v AS SELECT 1") == {}
    assert column_definitions("CREATE TABLE t AS SELECT 1") == {}


# --- idempotence.decide --------------------------------------------------------------------

TABLE = ExistingObject("table", "t", "CREATE TABLE t(x INTEGER, y TEXT DEFAULT 'a')")


def _decide(sql: str, existing: ExistingObject | None) -> object:
    statement = one(sql)
    return decide(statement, classify(statement), existing)


def test_decide_skips_an_identical_create() -> None:
    decision = _decide("create table if not exists T ( x integer , y text default 'a' );", TABLE)
    assert isinstance(decision, Skip)


def test_decide_runs_a_create_of_a_missing_object() -> None:
    assert _decide("CREATE TABLE t(x INTEGER, y TEXT DEFAULT 'a');", None) == Execute()


def test_decide_conflicts_on_a_different_create() -> None:
    decision = _decide("CREATE TABLE t(x INTEGER, y TEXT DEFAULT 'b');", TABLE)
    assert isinstance(decision, Conflict)
    assert decision.existing_sql == TABLE.sql


def test_decide_conflicts_on_another_type_with_the_same_name() -> None:
    decision = _decide("CREATE VIEW t AS SELECT 1;", TABLE)
    assert isinstance(decision, Conflict)
    assert "table" in decision.reason


def test_decide_conflicts_with_an_object_without_sql() -> None:
    auto = ExistingObject("index", "sqlite_autoindex_t_1", None)
    assert isinstance(_decide("CREATE INDEX sqlite_autoindex_t_1 ON t(x);", auto), Conflict)


def test_decide_skips_dropping_a_missing_object() -> None:
    assert isinstance(_decide("DROP TABLE t;", None), Skip)
    assert isinstance(_decide("DROP INDEX IF EXISTS i;", None), Skip)


def test_decide_runs_dropping_an_existing_object() -> None:
    assert _decide("DROP TABLE t;", TABLE) == Execute()


def test_decide_skips_adding_an_identical_column() -> None:
    assert isinstance(_decide("ALTER TABLE t ADD COLUMN Y text DEFAULT 'a';", TABLE), Skip)


def test_decide_conflicts_on_adding_a_different_column() -> None:
    decision = _decide("ALTER TABLE t ADD COLUMN y INTEGER;", TABLE)
    assert isinstance(decision, Conflict)
    assert decision.existing_sql == TABLE.sql


def test_decide_runs_adding_a_new_column() -> None:
    assert _decide("ALTER TABLE t ADD COLUMN z TEXT;", TABLE) == Execute()
    assert _decide("ALTER TABLE t ADD COLUMN z TEXT;", None) == Execute()


@pytest.mark.parametrize(
    "sql", ["INSERT INTO t VALUES (1, 'a');", "UPDATE t SET x = 1;", "ALTER TABLE t RENAME TO u;"]
)
def test_decide_runs_other_statements(sql: str) -> None:
    assert _decide(sql, TABLE) == Execute()
    assert _decide(sql, None) == Execute()


@pytest.mark.parametrize(
    "definition",
    [
        "c TEXT",
        "c TEXT NOT NULL DEFAULT 'x;y'",
        '"c" INTEGER DEFAULT (1 + 2) CHECK (c > 0)',
        "c REFERENCES base(a) ON DELETE SET NULL",
        "c /* commented */ BLOB",
    ],
)
def test_adding_a_column_twice_is_skipped_against_sqlite(definition: str) -> None:
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE TABLE base(a INTEGER PRIMARY KEY, b)")
        add = one(f"ALTER TABLE base ADD COLUMN {definition};")
        conn.execute(add.text)
        row = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name = 'base'"
        ).fetchone()
    finally:
        conn.close()
    existing = ExistingObject(*row)
    assert isinstance(decide(add, classify(add), existing), Skip)
    other = one("ALTER TABLE base ADD COLUMN c NUMERIC UNIQUE;")
    assert isinstance(decide(other, classify(other), existing), Conflict)


def test_keywords_fold_ascii_only_as_sqlite_does() -> None:
    script = "CREATE trıgger x;"
    assert sqlite3.complete_statement(script)
    split = split_statements(script)
    assert split.unterminated is None
    assert [s.text for s in split.statements] == [script]
