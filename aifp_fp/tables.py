"""The tool's own tables, named once: what it records in every database it manages.

``schema_version`` (one row, as the plan defines it) holds the version;
``schema_history`` records each applied step. Schema comparisons leave
``schema_history`` out (a database has it only once the tool ran), and the
differ, computed rollbacks, sample rows and ``diff --apply`` leave both out.
"""

from __future__ import annotations

VERSION_TABLE = "schema_version"
HISTORY_TABLE = "schema_history"
TOOL_TABLES = frozenset({VERSION_TABLE, HISTORY_TABLE})
"""Both, lower-case (compare with ``aifp_fp.schema.fold`` of a name)."""
