"""Ctrl-C during ``restore`` and ``diff --apply``: stopped at once, nothing half-applied, said so.

The real CLI runs in a subprocess (``tests/interrupt_child.py``) that is sent
SIGINT while its work is in progress: a backup being copied a few pages at a
time, or the statements of the content replacement, the damaged-database
staging or the diff's table rebuild, each slowed by a pause every few SQLite
instructions. Afterwards the database is byte for byte what it was, no file of
the run is left, ``check`` still passes, and the one line says what was rolled
back and which backups were removed, with ``up``'s exit code for Ctrl-C.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from aifp_data import damage_leaf_page, notes_database
from conftest import interrupted_at_marker, run_cli

from aifp_shell.messages import EXIT_STEP_FAILED

pytestmark = pytest.mark.e2e

ROWS = 200_000  # paused every 64 instructions, copying them takes ~50 s; unpaused, 0.15 s
INITIAL = "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n"
REPLACE = "in:aifp_shell.commands.restore:replace_content"
STAGE = "in:aifp_shell.commands.restore_damaged:_stage"
REBUILD = "in:aifp_shell.commands.diff.apply:guarded"


def _project(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Return (migrations dir, project dir, project.db) of a one-version project with rows."""
    migrations = tmp_path / "mig" / "project"
    migrations.mkdir(parents=True)
    (migrations / "v1.0_initial_schema.sql").write_text(INITIAL)
    for other in ("aifp_core", "user_preferences", "user_directives"):  # for check's sake
        (tmp_path / "mig" / other).mkdir()
        (tmp_path / "mig" / other / "v1.0_initial_schema.sql").write_text(INITIAL)
    (tmp_path / "root").mkdir()
    project = tmp_path / "proj"
    (project / ".aifp-project").mkdir(parents=True)
    db = project / ".aifp-project" / "project.db"
    notes_database(db, INITIAL, "'note ' || i", ROWS)
    return tmp_path / "mig", project, db


def _with_backup(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The project, with a backup of it and then a change to the live database."""
    mig, project, db = _project(tmp_path)
    backup = db.with_name("project.db.backup_20200101_000000")
    source, target = sqlite3.connect(db), sqlite3.connect(backup)
    source.backup(target)
    target.close()
    source.close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("UPDATE notes SET body = 'changed since the backup' WHERE id = 7")
    conn.close()
    return mig, project, db


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _interrupted(
    when: str, db: Path, args: list[str]
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the CLI with ``args``, send SIGINT at ``when``; check that nothing changed."""
    before = _sha(db)
    others = {p.name: _sha(p) for p in db.parent.iterdir() if p != db}
    marker = db.parent.parent.parent / "marker"
    done, took = interrupted_at_marker(marker, when, args)
    out, err = done.stdout, done.stderr
    assert _sha(db) == before, "the database changed"
    left = {p.name: _sha(p) for p in db.parent.iterdir() if p != db}
    assert left == others, "a file of the run was left behind, or another one was touched"
    assert "Traceback" not in out + err
    assert done.returncode == EXIT_STEP_FAILED, err
    return done, took


def _the_line(done: subprocess.CompletedProcess[str]) -> str:
    (line,) = [text for text in done.stderr.splitlines() if "interrupted" in text]
    return line


def _still_checks(mig: Path, project: Path) -> None:
    checked = run_cli(
        "check", "--json", "--project-dir", project, "--migrations-dir", mig,
        "--aifp-root", mig.parent / "root", cwd=project,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    (db,) = [d for d in json.loads(checked.stdout)["databases"] if d["name"] == "project"]
    assert (db["version"], db["status"]) == ("1.0", "up_to_date")
    conn = sqlite3.connect(project / ".aifp-project" / "project.db")
    try:
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        changed = conn.execute("SELECT body FROM notes WHERE id = 7").fetchone()
        assert changed == ("changed since the backup",)  # not the backup's row
        assert conn.execute("SELECT count(*) FROM notes").fetchone() == (ROWS,)
    finally:
        conn.close()


def _restore_args(mig: Path, project: Path, *extra: str) -> list[str]:
    return [
        "restore", "--db", "project", "--project-dir", str(project),
        "--migrations-dir", str(mig), *extra,
    ]  # fmt: skip


def test_ctrl_c_while_restore_replaces_the_content_rolls_back_and_removes_its_backup(
    tmp_path: Path,
) -> None:
    mig, project, db = _with_backup(tmp_path)
    done, took = _interrupted(REPLACE, db, _restore_args(mig, project))
    line = _the_line(done)
    assert line.startswith("aifp-migrate: interrupted: rolled back project; removed backups ")
    assert "project.db.backup_" in line and line.count("_replaced") == 1, line
    assert line.endswith("; every database is as it was"), line
    assert took < 10, "the replacement was not stopped mid-way"  # ~50 s otherwise
    _still_checks(mig, project)


def test_ctrl_c_while_restore_backs_up_the_replaced_state_leaves_no_backup(
    tmp_path: Path,
) -> None:
    mig, project, db = _with_backup(tmp_path)
    done, _ = _interrupted("copy", db, _restore_args(mig, project, "--json"))
    document = json.loads(done.stdout)  # exactly one document
    assert document["status"] == "failed"
    assert document["error"]["kind"] == "Interrupted"
    assert (document["saved"], document["to"], document["pruned"]) == (None, None, [])
    assert document["error"]["message"] == (
        "interrupted: rolled back project; no backup left; every database is as it was"
    )
    _still_checks(mig, project)


def test_ctrl_c_while_restore_stages_over_a_damaged_database_leaves_it_and_no_file(
    tmp_path: Path,
) -> None:
    mig, project, db = _with_backup(tmp_path)
    damage_leaf_page(db)
    done, took = _interrupted(STAGE, db, _restore_args(mig, project))
    line = _the_line(done)
    assert line.startswith("aifp-migrate: interrupted: rolled back project; removed backups ")
    assert "_replaced" in line, line
    assert took < 10
    assert not [p for p in db.parent.iterdir() if "-tmp-" in p.name]  # no staging file


def _diff_args(db: Path, tmp_path: Path, *extra: str) -> list[str]:
    target = tmp_path / "wider.sql"  # a changed column: the table is rebuilt, rows copied
    target.write_text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n")
    return ["diff", str(db), str(target), "--apply", *extra]


@pytest.mark.parametrize("when", [REBUILD, "copy"], ids=["rebuild", "backup"])
def test_ctrl_c_during_diff_apply_rolls_back_and_removes_its_backup(
    tmp_path: Path, when: str
) -> None:
    mig, project, db = _with_backup(tmp_path)
    done, took = _interrupted(when, db, _diff_args(db, tmp_path))
    line = _the_line(done)
    assert line.startswith("aifp-migrate: interrupted: rolled back project.db; "), line
    if when == REBUILD:  # the backup was complete: it is named as removed
        assert "removed backups " in line and "project.db.backup_" in line, line
        assert took < 10, "the rebuild was not stopped mid-way"
    else:
        assert "no backup left" in line, line
    _still_checks(mig, project)


def test_ctrl_c_during_diff_apply_with_json_prints_one_document(tmp_path: Path) -> None:
    _, _, db = _with_backup(tmp_path)
    done, _ = _interrupted(REBUILD, db, _diff_args(db, tmp_path, "--json"))
    document = json.loads(done.stdout)
    assert document["error"]["kind"] == "Interrupted"
