"""Recognising a database's shape: the structure its version should have, or a published one.

AIFP changed several schemas without changing the version number (project 1.0
has three shapes, aifp_core 2.0 three, user_directives 1.0 four). A database at
any published shape of its version is at that version, not drifted; only a
structure that is none of them is drift. Comparison is by meaning
(``schema.schema_differences``), so formatting and where a constraint is
declared never matter.
"""

from __future__ import annotations

from aifp_fp.recognition import AtShape, Drifted
from aifp_fp.schema import Schema, fold, schema_differences


def recognise(
    live: Schema, expected: Schema, published: tuple[tuple[str, Schema], ...]
) -> AtShape | Drifted:
    """Return which known shape ``live`` is, or how it differs from ``expected``.

    ``expected`` is the structure the migration chain builds at the version;
    ``published`` are the version's published shapes by slug, tried in order.
    """
    differences = schema_differences(expected, live)
    if not differences:
        return AtShape(None)
    for slug, shape in published:
        if not schema_differences(shape, live):
            return AtShape(slug)
    return Drifted(differences)


def shares_tables(live: Schema, known: Schema, ignored: frozenset[str] = frozenset()) -> bool:
    """Return whether ``live`` holds most of a known shape's tables: the same database, drifted.

    True when ``live`` has more than half of ``known``'s tables and they are
    at least half of its own (names folded; ``ignored`` folded names, such
    as the tool's tables, count on neither side). Another database's
    schema shares a few names at most (``notes``, ``helper_functions``).
    """
    mine = {fold(t.name) for t in live.tables} - ignored
    theirs = {fold(t.name) for t in known.tables} - ignored
    shared = len(mine & theirs)
    return shared * 2 > len(theirs) and shared * 2 >= len(mine) and (shared > 0 or not mine)
