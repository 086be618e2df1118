"""Read a live SQLite database into the format of shared/aifp-schemas/<version>/<db>.json.

The facts files (see shared/aifp-schemas/README.md) describe a database's
structure as SQLite's PRAGMAs report it, with SQL text normalized so that two
databases built from differently formatted scripts compare equal. This module
reproduces that format exactly, so a test can assert

    facts_of(conn) == load_facts("project")

Normalization, reverse-engineered from the facts and reproduced with a small
SQL tokenizer (never with regexes over raw text, so string literals are never
touched):

* comments are dropped and the remaining tokens are joined by one space,
  except that no space is put on either side of ``(``, ``)``, ``,`` and ``;``.
  ``x IN ('a', 'b')`` becomes ``x IN('a','b')``, ``NEW.type`` becomes
  ``NEW . type`` and ``...OLD.id;\\nEND`` becomes ``...OLD . id;END``;
* CHECK expressions additionally have their bare words upper-cased
  (``id = 1`` becomes ``ID = 1``); string literals, numbers and quoted
  identifiers keep their case;
* index, trigger and view statements are not upper-cased (SQLite itself
  upper-cases the leading ``CREATE <KIND>`` and drops ``IF NOT EXISTS``).

Lists of checks, uniques and foreign keys are sorted, as they are in the facts.
SQLite's own objects (``sqlite_*``) and the tool's ``schema_history`` table
(with anything attached to it) are left out.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Tables that belong to the migration tool, not to the AIFP schema.
TOOL_TABLES = frozenset({"schema_history"})

#: Tokens that are written with no space on either side.
_TIGHT = frozenset({"(", ")", ",", ";"})

#: Multi-character operators, longest first.
_OPERATORS = ("->>", "->", "||", "<=", ">=", "<>", "!=", "==", "<<", ">>")


@dataclass(frozen=True)
class Token:
    """One lexical SQL token. kind is word, string, quoted, number, blob or punct."""

    kind: str
    text: str


def _is_word_start(ch: str) -> bool:
    return ch.isalpha() or ch == "_" or ord(ch) > 127


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_$" or ord(ch) > 127


def _scan_quoted(sql: str, start: int, close: str) -> int:
    """Index just past the quoted token opened at start (doubled quote escapes)."""
    i = start + 1
    while i < len(sql):
        if sql[i] == close:
            if close != "]" and i + 1 < len(sql) and sql[i + 1] == close:
                i += 2
                continue
            return i + 1
        i += 1
    return len(sql)  # unterminated: take the rest


def _scan_number(sql: str, i: int) -> int:
    n = len(sql)
    if sql[i] == "0" and i + 1 < n and sql[i + 1] in "xX":
        i += 2
        while i < n and (sql[i].isdigit() or sql[i] in "abcdefABCDEF_"):
            i += 1
        return i
    while i < n and (sql[i].isdigit() or sql[i] == "_"):
        i += 1
    if i < n and sql[i] == ".":
        i += 1
        while i < n and (sql[i].isdigit() or sql[i] == "_"):
            i += 1
    if i < n and sql[i] in "eE":
        j = i + 1
        if j < n and sql[j] in "+-":
            j += 1
        if j < n and sql[j].isdigit():
            i = j
            while i < n and sql[i].isdigit():
                i += 1
    return i


def tokenize(sql: str) -> list[Token]:
    """Split SQL text into tokens, dropping whitespace and comments."""
    tokens: list[Token] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch.isspace():
            i += 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif ch in "xX" and i + 1 < n and sql[i + 1] == "'":
            end = _scan_quoted(sql, i + 1, "'")
            tokens.append(Token("blob", sql[i:end]))
            i = end
        elif ch == "'":
            end = _scan_quoted(sql, i, "'")
            tokens.append(Token("string", sql[i:end]))
            i = end
        elif ch in '"`[':
            end = _scan_quoted(sql, i, {"[": "]"}.get(ch, ch))
            tokens.append(Token("quoted", sql[i:end]))
            i = end
        elif ch.isdigit() or (ch == "." and i + 1 < n and sql[i + 1].isdigit()):
            end = _scan_number(sql, i)
            tokens.append(Token("number", sql[i:end]))
            i = end
        elif _is_word_start(ch):
            end = i + 1
            while end < n and _is_word_char(sql[end]):
                end += 1
            tokens.append(Token("word", sql[i:end]))
            i = end
        else:
            op = next((o for o in _OPERATORS if sql.startswith(o, i)), ch)
            tokens.append(Token("punct", op))
            i += len(op)
    return tokens


def join_tokens(tokens: list[Token], *, upper_words: bool = False) -> str:
    """Join tokens the way the facts do: one space, none around ( ) , ;."""
    out: list[str] = []
    prev: Token | None = None
    for tok in tokens:
        text = tok.text.upper() if upper_words and tok.kind == "word" else tok.text
        if prev is not None and not (
            (prev.kind == "punct" and prev.text in _TIGHT)
            or (tok.kind == "punct" and tok.text in _TIGHT)
        ):
            out.append(" ")
        out.append(text)
        prev = tok
    return "".join(out)


def normalize_sql(sql: str, *, upper_words: bool = False) -> str:
    """Comments removed, whitespace folded, tight punctuation; optionally upper-cased words."""
    return join_tokens(tokenize(sql), upper_words=upper_words)


def _matching_paren(tokens: list[Token], open_index: int) -> int:
    depth = 0
    for i in range(open_index, len(tokens)):
        tok = tokens[i]
        if tok.kind == "punct" and tok.text == "(":
            depth += 1
        elif tok.kind == "punct" and tok.text == ")":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced parentheses in CREATE TABLE statement")


def _is_word(tok: Token, word: str) -> bool:
    return tok.kind == "word" and tok.text.upper() == word


def table_checks(create_sql: str) -> list[str]:
    """Every CHECK expression of a CREATE TABLE statement, normalized and sorted."""
    tokens = tokenize(create_sql)
    checks = []
    for i, tok in enumerate(tokens):
        if (
            _is_word(tok, "CHECK")
            and i + 1 < len(tokens)
            and tokens[i + 1].kind == "punct"
            and tokens[i + 1].text == "("
        ):
            close = _matching_paren(tokens, i + 1)
            checks.append(join_tokens(tokens[i + 2 : close], upper_words=True))
    return sorted(checks)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(conn: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    rows = conn.execute(f"PRAGMA table_xinfo({_quote(table)})").fetchall()
    # cid, name, type, notnull, dflt_value, pk, hidden
    return [
        {
            "name": name,
            "type": (ctype or "").upper(),
            "notnull": bool(notnull),
            "default": dflt,
            "pk": pk,
        }
        for _cid, name, ctype, notnull, dflt, pk, _hidden in rows
    ]


def _uniques(conn: sqlite3.Connection, table: str) -> list[list[str]]:
    uniques = []
    for _seq, index, _unique, origin, _partial in conn.execute(
        f"PRAGMA index_list({_quote(table)})"
    ).fetchall():
        if origin != "u":
            continue
        info = conn.execute(f"PRAGMA index_info({_quote(index)})").fetchall()
        uniques.append([col for _seqno, _cid, col in sorted(info)])
    return sorted(uniques)


def _foreign_keys(conn: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    groups: dict[int, list[tuple[Any, ...]]] = {}
    for row in conn.execute(f"PRAGMA foreign_key_list({_quote(table)})").fetchall():
        groups.setdefault(row[0], []).append(row)
    fks = []
    for rows in groups.values():
        rows.sort(key=lambda r: r[1])  # seq
        # id, seq, table, from, to, on_update, on_delete, match
        fks.append(
            {
                "columns": [r[3] for r in rows],
                "ref_table": rows[0][2],
                "ref_columns": [r[4] for r in rows],
                "on_delete": rows[0][6],
                "on_update": rows[0][5],
            }
        )
    return sorted(fks, key=lambda fk: json.dumps(fk, sort_keys=True))


def _table_kinds(conn: sqlite3.Connection) -> dict[str, tuple[str, bool, bool]]:
    """name -> (kind, without_rowid, strict) for the main schema (PRAGMA table_list)."""
    kinds = {}
    for schema, name, kind, _ncol, wr, strict in conn.execute("PRAGMA table_list").fetchall():
        if schema == "main":
            kinds[name] = (kind, bool(wr), bool(strict))
    return kinds


def _virtual_table(create_sql: str) -> dict[str, Any]:
    tokens = tokenize(create_sql)
    using = next(i for i, t in enumerate(tokens) if _is_word(t, "USING"))
    module = tokens[using + 1].text
    args: list[str] = []
    if using + 2 < len(tokens) and tokens[using + 2].text == "(":
        close = _matching_paren(tokens, using + 2)
        current: list[Token] = []
        depth = 0
        for tok in tokens[using + 3 : close]:
            if tok.kind == "punct" and tok.text == "," and depth == 0:
                args.append(join_tokens(current, upper_words=True))
                current = []
                continue
            if tok.kind == "punct" and tok.text == "(":
                depth += 1
            elif tok.kind == "punct" and tok.text == ")":
                depth -= 1
            current.append(tok)
        if current:
            args.append(join_tokens(current, upper_words=True))
    # As in shared/aifp-schemas/history: bare words upper-cased, arguments joined by commas.
    return {"args": ",".join(args), "module": module.lower()}


def _ignored(name: str, table: str) -> bool:
    return name.startswith("sqlite_") or name in TOOL_TABLES or table in TOOL_TABLES


def facts_of(conn: sqlite3.Connection) -> dict[str, Any]:
    """The structure of conn's main database, in the facts-file format."""
    kinds = _table_kinds(conn)
    facts: dict[str, Any] = {
        "tables": {},
        "indexes": {},
        "triggers": {},
        "views": {},
        "virtual_tables": {},
    }
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    ).fetchall()
    for kind, name, table, sql in rows:
        if _ignored(name, table):
            continue
        if kind == "table":
            table_kind, without_rowid, strict = kinds.get(name, ("table", False, False))
            if table_kind == "virtual":
                facts["virtual_tables"][name] = _virtual_table(sql)
                continue
            if table_kind == "shadow":
                continue
            facts["tables"][name] = {
                "columns": _columns(conn, name),
                "autoincrement": any(_is_word(t, "AUTOINCREMENT") for t in tokenize(sql)),
                "without_rowid": without_rowid,
                "strict": strict,
                "checks": table_checks(sql),
                "uniques": _uniques(conn, name),
                "foreign_keys": _foreign_keys(conn, name),
            }
        elif kind in ("index", "trigger", "view") and sql is not None:
            # Indexes with no SQL are SQLite's automatic ones (PRIMARY KEY/UNIQUE).
            section = {"index": "indexes", "trigger": "triggers", "view": "views"}[kind]
            facts[section][name] = {"table": table, "sql": normalize_sql(sql)}
    return facts


def shared_dir() -> Path:
    """The shared/ folder beside the repository root, or $AIFP_SHARED_DIR."""
    override = os.environ.get("AIFP_SHARED_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "shared"


def load_facts(db_name: str, version: str = "1.0") -> dict[str, Any]:
    """The published facts for one AIFP database at one version."""
    path = shared_dir() / "aifp-schemas" / f"v{version}" / f"{db_name}.json"
    if not path.exists():  # a clone without shared/ beside it: the vendored copy
        path = Path(__file__).resolve().parent / "facts" / f"v{version}" / f"{db_name}.json"
    with path.open(encoding="utf-8") as fh:
        facts: dict[str, Any] = json.load(fh)
    return facts
