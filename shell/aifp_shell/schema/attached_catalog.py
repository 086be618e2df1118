"""Catalogs of many untrusted files read on one connection, each file ATTACHed in turn.

``scan`` reads thousands of small databases. Opening a connection per file
costs about as much as the catalog read (callgrind, per AIFP database: a new
connection, its checks and close ~2.08 M instructions; the same statements on
one connection that attaches the file ~1.89 M), so most files are read here:
one in-memory connection with ``trusted_schema=OFF``, the file attached
read-only, ``PRAGMA quick_check`` and the catalog read in one read
transaction, then detached.

This is only a fast path. It never waits for a lock and never interprets a
failure: a file that is busy, damaged, not a database or unusable in any way
gives None, and the caller reads it again the usual way (``scan``'s
``inspect_database``), which waits as usual and says what is wrong.
"""

from __future__ import annotations

import sqlite3

from aifp_shell.schema.drift_cache import CatalogRead, catalog_and_version
from aifp_shell.sqlite.database import quick_check, read_only_uri

ATTACHED = "scanned"
"""The schema name each file is attached under."""


class AttachedCatalogs:
    """One connection that reads files by attaching them; not for use by two threads at once."""

    __slots__ = ("_conn",)

    def __init__(self) -> None:
        self._conn: sqlite3.Connection | None = None

    def read(self, path: str) -> CatalogRead | None:
        """Return ``catalog_and_version`` of the database file at ``path`` (an absolute path),
        read in the same read transaction as a ``quick_check`` that passed; None when the check
        found damage, the statement does not apply, or anything failed."""
        conn = self._connection()
        try:
            conn.execute(f"ATTACH DATABASE ? AS {ATTACHED}", (read_only_uri(path),))
        except sqlite3.Error:
            return None
        try:
            conn.execute("BEGIN")
            if quick_check(conn, schema=ATTACHED) is not None:
                return None
            return catalog_and_version(conn, ATTACHED)
        except sqlite3.Error:
            return None
        finally:
            self._detach(conn)

    def close(self) -> None:
        """Close the connection (a later ``read`` opens a new one)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            # timeout 0: a busy file is left to the caller, which waits for it as usual
            conn = sqlite3.connect(":memory:", uri=True, isolation_level=None, timeout=0)
            conn.execute("PRAGMA trusted_schema = OFF")
            self._conn = conn
        return self._conn

    def _detach(self, conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")  # it only read
            conn.execute(f"DETACH DATABASE {ATTACHED}")
        except sqlite3.Error:
            self.close()  # a connection left in doubt is not used again
