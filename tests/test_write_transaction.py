"""The write transaction every writer shares (``sqlite/transaction.begin_write``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from aifp_shell.sqlite.database import connect
from aifp_shell.sqlite.transaction import begin_write

FAST = 2
"""``PRAGMA secure_delete`` reads FAST as 2."""


def test_the_write_transaction_frees_pages_without_zeroing_each_and_changes_no_default(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE big (id INTEGER PRIMARY KEY, payload TEXT)")
        setup.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) "
            "INSERT INTO big SELECT i, hex(randomblob(400)) FROM n"
        )
    setup.close()
    default = sqlite3.connect(":memory:").execute("PRAGMA secure_delete").fetchone()[0]
    conn = connect(path, write=True)
    try:
        assert begin_write(conn, "test", path) is None
        assert conn.in_transaction
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == FAST
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 0
        conn.execute("DROP TABLE big")
        conn.execute("COMMIT")
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] > 0
    finally:
        conn.close()
    after = sqlite3.connect(path)
    try:
        # a connection setting: the file carries none of it
        assert after.execute("PRAGMA secure_delete").fetchone()[0] == default
        assert after.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        after.close()
