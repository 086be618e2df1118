"""Render a facts file (the format of ``tests/facts/``) as an SQL schema script.

The facts describe a structure as SQLite's PRAGMAs report it; this module
writes the ``CREATE`` statements that build exactly that structure, so that
``facts_of(database built from schema_script(facts)) == facts``. Every
published AIFP shape in ``tests/facts/history/`` is rendered this way into
``migrations/<db>/shapes/`` (``scripts/render_shapes.py``), and tests build
databases at any published shape from it.

Table constraints are written at table level (``PRIMARY KEY(...)`` only when
the key has several columns); the facts do not say where a CHECK or a foreign
key was declared, and the tool's schema comparisons ignore it too. Bare words
of CHECK expressions and virtual-table arguments are lower-cased (the facts
upper-case them); names compare case-insensitively in SQLite.
"""

from __future__ import annotations

import re
from typing import Any

_QUOTED_OR_WORD = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[A-Za-z_][A-Za-z0-9_$]*")
_LITERAL_DEFAULT = re.compile(
    r"-?\d+(\.\d+)?|'(?:[^']|'')*'|NULL|TRUE|FALSE|CURRENT_TIMESTAMP|CURRENT_DATE|CURRENT_TIME",
    re.IGNORECASE,
)


def _lower_words(text: str) -> str:
    """Return ``text`` with bare words lower-cased, string literals and quoted names kept."""
    return _QUOTED_OR_WORD.sub(
        lambda m: m.group(0) if m.group(0)[0] in "'\"" else m.group(0).lower(), text
    )


def quote(name: str) -> str:
    """Return ``name`` as a double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _column_sql(column: dict[str, Any], single_pk: bool, autoincrement: bool) -> str:
    parts = [quote(column["name"])]
    if column["type"]:
        parts.append(column["type"])
    if single_pk and column["pk"]:
        parts.append("PRIMARY KEY AUTOINCREMENT" if autoincrement else "PRIMARY KEY")
    if column["notnull"]:
        parts.append("NOT NULL")
    default = column["default"]
    if default is not None:
        literal = _LITERAL_DEFAULT.fullmatch(default) is not None
        parts.append(f"DEFAULT {default}" if literal else f"DEFAULT ({default})")
    return " ".join(parts)


def table_sql(name: str, table: dict[str, Any]) -> str:
    """Return the ``CREATE TABLE`` statement of one table of a facts file."""
    columns = table["columns"]
    key = sorted((c for c in columns if c["pk"]), key=lambda c: c["pk"])
    single_pk = len(key) == 1
    lines = [_column_sql(c, single_pk, table["autoincrement"]) for c in columns]
    if len(key) > 1:
        lines.append(f"PRIMARY KEY ({', '.join(quote(c['name']) for c in key)})")
    lines.extend(f"UNIQUE ({', '.join(quote(c) for c in u)})" for u in table["uniques"])
    lines.extend(f"CHECK ({_lower_words(check)})" for check in table["checks"])
    for fk in table["foreign_keys"]:
        refs = f" ({', '.join(quote(c) for c in fk['ref_columns'])})" if fk["ref_columns"] else ""
        lines.append(
            f"FOREIGN KEY ({', '.join(quote(c) for c in fk['columns'])}) "
            f"REFERENCES {quote(fk['ref_table'])}{refs}"
            f" ON DELETE {fk['on_delete']} ON UPDATE {fk['on_update']}"
        )
    flags = (("WITHOUT ROWID", table["without_rowid"]), ("STRICT", table["strict"]))
    options = ", ".join(option for option, on in flags if on)
    body = ",\n    ".join(lines)
    return f"CREATE TABLE {quote(name)} (\n    {body}\n){' ' + options if options else ''};"


def schema_script(facts: dict[str, Any], version: str | None = None) -> str:
    """Return an SQL script that builds the structure of ``facts``.

    With ``version``, the script also inserts the ``schema_version`` row, as
    AIFP's own schema files do.
    """
    out: list[str] = []
    for name in sorted(facts["tables"]):
        out.append(table_sql(name, facts["tables"][name]))
    for name in sorted(facts.get("virtual_tables", {})):
        vt = facts["virtual_tables"][name]
        arguments = _lower_words(vt["args"])
        out.append(f"CREATE VIRTUAL TABLE {quote(name)} USING {vt['module']}({arguments});")
    for kind in ("views", "indexes", "triggers"):
        for name in sorted(facts.get(kind, {})):
            out.append(facts[kind][name]["sql"].rstrip(";") + ";")
    if version is not None and "schema_version" in facts["tables"]:
        out.append(f"INSERT INTO schema_version (id, version) VALUES (1, '{version}');")
    return "\n\n".join(out) + "\n"
