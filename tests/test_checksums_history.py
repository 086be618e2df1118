"""Checksums of applied files (core rules and the CLI) and the ``history`` command."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from aifp_fp.checksums import (
    CurrentFile,
    HistoryRow,
    checksum_mismatches,
    file_matches,
    meaning_checksum,
    runs_in_effect,
)
from aifp_fp.files import checksum
from tests.aifp_data import (
    LATEST,
    STEPS_TO_LATEST,
    Installation,
    build_installation,
    snapshot,
    version_of,
)
from tests.conftest import REPO, run_cli

FWD = "project/v1.0_to_v1.1_a.sql"
BACK = "project/rollback/v1.1_to_v1.0_a.sql"


def _row(id_: int, direction: str, a: str | None, b: str, file: str, sha: str) -> HistoryRow:
    return HistoryRow(id_, direction, a, b, file, sha, "2026-01-01T00:00:00+00:00")


def _files(**shas: str) -> tuple[CurrentFile, ...]:
    names = {"fwd": FWD, "back": BACK, "init": "project/v1.0_initial_schema.sql"}
    return tuple(CurrentFile(names[key], "mig/" + names[key], sha) for key, sha in shas.items())


# --- the core's rules --------------------------------------------------------------------


def test_an_unchanged_applied_file_matches() -> None:
    rows = [_row(1, "up", "1.0", "1.1", FWD, "aa")]
    assert checksum_mismatches(rows, _files(fwd="aa")) == ()


def test_an_applied_file_edited_since_is_a_mismatch_naming_both_sums() -> None:
    rows = [_row(1, "up", "1.0", "1.1", FWD, "aa")]
    (found,) = checksum_mismatches(rows, _files(fwd="bb"))
    assert (found.file, found.display, found.recorded, found.current) == (
        FWD,
        "mig/" + FWD,
        "aa",
        "bb",
    )


def test_a_forward_file_rolled_back_then_edited_is_not_a_mismatch() -> None:
    rows = [_row(1, "up", "1.0", "1.1", FWD, "aa"), _row(2, "down", "1.1", "1.0", BACK, "rr")]
    assert checksum_mismatches(rows, _files(fwd="bb", back="rr")) == ()


def test_a_rollback_file_edited_after_it_ran_is_a_mismatch() -> None:
    rows = [_row(1, "up", "1.0", "1.1", FWD, "aa"), _row(2, "down", "1.1", "1.0", BACK, "rr")]
    (found,) = checksum_mismatches(rows, _files(fwd="aa", back="ss"))
    assert found.file == BACK


def test_only_the_latest_run_counts_after_reapplying_an_edited_file() -> None:
    rows = [
        _row(1, "up", "1.0", "1.1", FWD, "aa"),
        _row(2, "down", "1.1", "1.0", BACK, "rr"),
        _row(3, "up", "1.0", "1.1", FWD, "bb"),
    ]
    assert checksum_mismatches(rows, _files(fwd="bb", back="zz")) == ()
    assert [m.file for m in checksum_mismatches(rows, _files(fwd="aa", back="rr"))] == [FWD]
    assert [r.id for r in runs_in_effect(reversed(rows))] == [3]


def test_a_restore_brings_back_the_runs_in_effect_at_the_restored_version() -> None:
    init = "project/v1.0_initial_schema.sql"
    step2 = "project/v1.1_to_v1.2_b.sql"
    rows = [
        _row(1, "init", None, "1.0", init, "ii"),
        _row(2, "up", "1.0", "1.1", FWD, "aa"),
        _row(3, "up", "1.1", "1.2", step2, "bb"),
        _row(4, "restore", "1.2", "1.0", "project.db.backup_20260101_000000", "ff"),
    ]
    assert [r.id for r in runs_in_effect(rows)] == [1]  # both steps undone by the restore
    assert checksum_mismatches(rows, _files(init="ii", fwd="edited")) == ()
    back = [*rows, _row(5, "restore", "1.0", "1.2", "x.backup_20260101_000001_replaced", "gg")]
    assert [r.id for r in runs_in_effect(back)] == [1, 2, 3]
    elsewhere = [*rows, _row(5, "restore", "1.0", "9.9", "other.backup", "hh")]
    assert runs_in_effect(elsewhere) == ()  # never at 9.9 by this history: nothing known
    no_init = [_row(1, "up", "1.0", "1.1", FWD, "aa"), _row(2, "restore", "1.1", "1.0", "b", "cc")]
    assert runs_in_effect(no_init) == ()


def test_a_removed_file_is_not_a_mismatch_and_has_no_match() -> None:
    row = _row(1, "up", "1.0", "1.1", FWD, "aa")
    assert checksum_mismatches([row], _files(init="ii")) == ()
    assert file_matches(row, _files(init="ii")) is None
    assert file_matches(row, _files(fwd="aa")) is True
    assert file_matches(row, _files(fwd="ab")) is False


def test_an_initial_schema_run_is_always_in_effect() -> None:
    rows = [
        _row(1, "init", None, "1.0", "project/v1.0_initial_schema.sql", "ii"),
        _row(2, "up", "1.0", "1.1", FWD, "aa"),
        _row(3, "down", "1.1", "1.0", BACK, "rr"),
    ]
    assert [r.id for r in runs_in_effect(rows)] == [1, 3]
    assert [m.file for m in checksum_mismatches(rows, _files(init="ij", back="rr"))] == [
        "project/v1.0_initial_schema.sql"
    ]


def test_the_checksum_ignores_bom_and_line_endings() -> None:
    text = "CREATE TABLE t (id INTEGER);\nSELECT 1;\n"
    assert checksum("\ufeff" + text.replace("\n", "\r\n")) == checksum(text)
    assert checksum(text) == hashlib.sha256(text.encode()).hexdigest()


# --- end to end --------------------------------------------------------------------------


def _setup(tmp_path: Path) -> tuple[Installation, Path]:
    installation = build_installation(tmp_path / "inst", rows=3)
    migrations = tmp_path / "mig"
    shutil.copytree(REPO / "migrations", migrations, ignore=shutil.ignore_patterns("*.py"))
    return installation, migrations


def _cli(
    installation: Installation, migrations: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    return run_cli(
        *args, "--migrations-dir", migrations, cwd=installation.project, env=installation.env()
    )


def _hashes(installation: Installation) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in (installation.root, installation.project / ".aifp-project")
        for p in sorted(folder.iterdir())
    }


def _up_to_1_1(installation: Installation, migrations: Path) -> Path:
    """Apply the plan's Git step (``--target 1.1``); return its file."""
    done = run_cli(
        "up",
        "--db",
        "project",
        "--target",
        "1.1",
        "--migrations-dir",
        migrations,
        cwd=installation.project,
        env=installation.env(),
    )
    assert done.returncode == 0, done.stderr
    return migrations / "project" / "v1.0_to_v1.1_git_integration.sql"


def test_a_windows_checkout_of_an_applied_file_is_not_an_edit(tmp_path: Path) -> None:
    installation, migrations = _setup(tmp_path)
    step = _up_to_1_1(installation, migrations)
    original = step.read_bytes()
    step.write_bytes(b"\xef\xbb\xbf" + original.replace(b"\n", b"\r\n"))
    clean = _cli(installation, migrations, "check", "--json")
    assert clean.returncode == 0, clean.stderr
    entry = next(db for db in json.loads(clean.stdout)["databases"] if db["name"] == "project")
    assert "checksum_mismatches" not in entry  # none: a Windows checkout is not an edit
    again = _cli(installation, migrations, "up", "--db", "project")
    assert again.returncode == 0, again.stderr
    assert version_of(installation.path("project")) == LATEST["project"]


@pytest.mark.slow
def test_edited_applied_file_check_exits_3_and_up_down_refuse(tmp_path: Path) -> None:
    installation, migrations = _setup(tmp_path)
    step = _up_to_1_1(installation, migrations)
    original = step.read_bytes()
    step.write_bytes(original + b"\nUPDATE schema_version SET version = version WHERE 0;\n")
    checked = _cli(installation, migrations, "check", "--json")
    assert checked.returncode == 3, checked.stderr
    entry = next(db for db in json.loads(checked.stdout)["databases"] if db["name"] == "project")
    assert entry["status"] == "pending"  # the status stays as computed
    (mismatch,) = entry["checksum_mismatches"]
    assert mismatch["file"].endswith("project/v1.0_to_v1.1_git_integration.sql")
    assert mismatch["recorded"] == checksum(original.decode())
    human = _cli(installation, migrations, "check")
    assert human.returncode == 3
    assert "v1.0_to_v1.1_git_integration.sql" in human.stdout
    before = _hashes(installation)
    for args in (
        ("up", "--db", "project"),
        ("up", "--all"),
        ("up", "--db", "project", "--dry-run"),
        ("down", "--db", "project"),
    ):
        refused = _cli(installation, migrations, *args)
        assert refused.returncode == 3, (args, refused.stderr)
        stderr = refused.stderr
        assert "v1.0_to_v1.1_git_integration.sql" in stderr and "edited" in stderr
        assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
        assert _hashes(installation) == before, args
    step.write_bytes(original)
    again = _cli(installation, migrations, "up", "--db", "project")
    assert again.returncode == 0, again.stderr
    assert version_of(installation.path("project")) == LATEST["project"]


def test_roll_back_edit_and_apply_again_is_allowed(tmp_path: Path) -> None:
    installation, migrations = _setup(tmp_path)
    to_1_2 = ("up", "--db", "project", "--target", "1.2")  # the plan's two steps
    assert _cli(installation, migrations, *to_1_2).returncode == 0
    down = _cli(installation, migrations, "down", "--db", "project", "--target", "1.1")
    assert down.returncode == 0, down.stderr
    step = migrations / "project" / "v1.1_to_v1.2_notes_enhancement.sql"
    step.write_text(step.read_text() + "\nUPDATE schema_version SET version = version WHERE 0;\n")
    assert _cli(installation, migrations, "check").returncode == 0
    up = _cli(installation, migrations, *to_1_2)
    assert up.returncode == 0, up.stderr
    rollback = migrations / "project" / "rollback" / "v1.2_to_v1.1_notes_enhancement.sql"
    rollback.write_text(rollback.read_text() + "\nUPDATE schema_version SET id = id WHERE 0;\n")
    assert _cli(installation, migrations, "check").returncode == 0
    shown = _cli(installation, migrations, "history", "--db", "project", "--json")
    rows = json.loads(shown.stdout)["history"]
    assert [(r["direction"], r["from"], r["to"]) for r in rows] == [
        ("up", "1.0", "1.1"),
        ("up", "1.1", "1.2"),
        ("down", "1.2", "1.1"),
        ("up", "1.1", "1.2"),
    ]
    assert [r["matches"] for r in rows] == [True, False, False, True]


def test_a_removed_applied_file_is_not_a_mismatch(tmp_path: Path) -> None:
    installation, migrations = _setup(tmp_path)
    up = _cli(installation, migrations, "up", "--db", "project", "--target", "1.2")
    assert up.returncode == 0, up.stderr  # the plan's two steps
    # The set gets a new initial schema at 1.2 and drops the old steps' rollbacks.
    shutil.rmtree(migrations / "project" / "rollback")
    checked = _cli(installation, migrations, "check")
    assert checked.returncode == 0, checked.stdout
    shown = _cli(installation, migrations, "history", "--db", "project", "--json")
    assert [r["matches"] for r in json.loads(shown.stdout)["history"]] == [True, True]
    (migrations / "project" / "v1.1_to_v1.2_notes_enhancement.sql").rename(
        migrations / "project" / "v1.1_to_v1.2_notes.sql"
    )
    shown = _cli(installation, migrations, "history", "--db", "project", "--json")
    assert [r["matches"] for r in json.loads(shown.stdout)["history"]] == [True, None]
    assert _cli(installation, migrations, "check").returncode == 0


def test_history_lists_runs_oldest_first_with_shas(tmp_path: Path) -> None:
    installation, migrations = _setup(tmp_path)
    assert _cli(installation, migrations, "up", "--db", "project").returncode == 0
    shown = _cli(installation, migrations, "history", "--db", "project", "--json")
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["database"] == "project"
    assert document["path"] == str(installation.path("project"))
    conn = sqlite3.connect(installation.path("project"))
    recorded = conn.execute("SELECT file, sha256 FROM schema_history ORDER BY id").fetchall()
    conn.close()
    assert [(r["file"], r["sha256"]) for r in document["history"]] == recorded
    for row in document["history"]:
        text = (migrations / row["file"]).read_text()
        assert row["sha256"] == checksum(text) and row["matches"] is True
        assert row["statements_sha256"] == meaning_checksum(text)
        assert set(row) == {
            "statements_sha256",
            "id",
            "direction",
            "from",
            "to",
            "file",
            "sha256",
            "applied_at",
            "matches",
        }
    human = _cli(installation, migrations, "history", "--db", "project")
    assert human.returncode == 0
    lines = human.stdout.splitlines()
    assert [r["file"] for r in document["history"]] == [
        f"project/{name}" for name in STEPS_TO_LATEST["project"]
    ]
    assert len(lines) == 1 + len(STEPS_TO_LATEST["project"])
    for line, name in zip(lines[1:], STEPS_TO_LATEST["project"], strict=True):
        assert name in line and "matches" in line


@pytest.mark.parametrize("name", ["user_preferences", "aifp_core"])
def test_history_of_a_database_without_schema_history_is_empty(tmp_path: Path, name: str) -> None:
    installation, migrations = _setup(tmp_path)
    before = snapshot(installation.path(name))
    shown = _cli(installation, migrations, "history", "--db", name, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["history"] == []
    assert snapshot(installation.path(name)) == before


def test_history_of_a_missing_or_unknown_database_is_exit_2(tmp_path: Path) -> None:
    installation, migrations = _setup(tmp_path)
    installation.path("project").unlink()
    missing = _cli(installation, migrations, "history", "--db", "project", "--json")
    assert missing.returncode == 2
    assert "project" in missing.stderr and "Traceback" not in missing.stderr
    assert json.loads(missing.stdout)["error"]["kind"] == "DatabaseMissing"
    assert not installation.path("project").exists()
    unknown = _cli(installation, migrations, "history", "--db", "nosuch")
    assert unknown.returncode == 2 and "nosuch" in unknown.stderr
