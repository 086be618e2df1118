"""A WAL project.db with AIMFP's MCP server attached (another process writing) is migrated
with every guarantee: a consistent backup, one atomic commit, and no row lost.

AIMFP opens its databases with ``journal_mode=WAL`` and ``synchronous=NORMAL`` and may
keep them open while a user migrates. The writer here commits a note every few
milliseconds through one long-lived connection; the migration takes the write lock
between its commits, and every note the writer saw committed must be there afterwards.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aifp_data import LATEST, build_installation, version_of
from conftest import run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.fault]

WRITER = r"""
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], timeout=60, isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("PRAGMA synchronous = NORMAL")
stop = time.monotonic() + float(sys.argv[2])
n = 0
print("ready", flush=True)
while time.monotonic() < stop:
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO notes (content, note_type) VALUES (?, 'clarification')", (f"live {n}",)
    )
    conn.execute("COMMIT")
    print(n, flush=True)  # committed: it must survive the migration
    n += 1
    time.sleep(0.002)
"""


def test_up_with_a_live_wal_writer_keeps_every_committed_row(tmp_path: Path) -> None:
    install = build_installation(tmp_path, rows=200)
    db = install.path("project")
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    earlier = {row[0] for row in conn.execute("SELECT content FROM notes")}
    conn.close()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), "6"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(0.3)
        done = run_cli(
            "up",
            "--db",
            "project",
            "--json",
            "--aifp-root",
            install.root,
            cwd=install.project,
        )
        out, _ = writer.communicate(timeout=60)
    finally:
        writer.kill()
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)["databases"][0]
    assert report["status"] == "migrated"
    committed = {f"live {n}" for n in map(int, out.split())}
    assert len(committed) > 50  # the writer really wrote before, during and after
    conn = sqlite3.connect(db)
    contents = {row[0] for row in conn.execute("SELECT content FROM notes")}
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert committed <= contents, sorted(committed - contents)[:5]
    assert earlier <= contents  # ... and every earlier note
    assert version_of(db) == report["to"] == LATEST["project"]
    backup = Path(report["backup"])
    saved = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    assert saved.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert saved.execute("SELECT version FROM schema_version").fetchone()[0] == "1.0"
    saved.close()
