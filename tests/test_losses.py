"""Losses named everywhere, lossy runs accepted on purpose, and dry runs that really rehearse.

Each test runs the installed ``aifp-migrate`` (or the seed form) on real files.
The property at the end runs the service in-process on random steps: a dry
run's verdict (exit code and losses) is the real run's.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aifp_fp.losses import audit_losses, declared_losses, step_losses
from aifp_fp.sqltext import split_statements
from aifp_shell.commands.migrate import up
from aifp_shell.commands.runtime import LossAnswer, Runtime
from aifp_shell.files.locate import Places
from aifp_shell.sqlite.introspect import schema_of_script
from tests.aifp_data import MIGRATIONS, build_installation

DB = "user_preferences"
INITIAL = """
CREATE TABLE settings(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, value TEXT);
CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT, kind TEXT);
CREATE INDEX idx_notes_kind ON notes(kind);
CREATE TABLE schema_version(id INTEGER PRIMARY KEY CHECK (id = 1), version TEXT NOT NULL,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP);
INSERT INTO schema_version (id, version) VALUES (1, '1.0');
"""
GIT_ROLLBACK_LOSSES = {
    "drops table merge_history",
    "drops table work_branches",
    "drops column project.last_known_git_hash",
    "drops column project.last_git_sync",
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Small:
    """A project whose user_preferences.db (rows in every table) uses a set of the test's own."""

    def __init__(self, base: Path, steps: dict[str, str]) -> None:
        self.base = base
        self.migrations = base / "migrations"
        folder = self.migrations / DB
        (folder / "rollback").mkdir(parents=True)
        for name, text in {"v1.0_initial_schema.sql": INITIAL, **steps}.items():
            (folder / name).write_text(text)
        self.project = base / "project"
        (self.project / ".aifp-project").mkdir(parents=True)
        self.db = self.project / ".aifp-project" / f"{DB}.db"
        conn = sqlite3.connect(self.db, isolation_level=None)
        for statement in split_statements(INITIAL).statements:
            conn.execute(statement.text)
        conn.execute("INSERT INTO settings VALUES (1, 'theme', 'dark'), (2, 'x', 'y')")
        conn.execute("INSERT INTO notes VALUES (1, 'a', 'k'), (2, 'b', NULL), (3, 'c', 'k')")
        conn.close()

    def run(self, *args: str, yes: bool = False) -> tuple[int, str, str]:
        done = run_cli(
            *args,
            "--db",
            DB,
            "--migrations-dir",
            self.migrations,
            "--project-dir",
            self.project,
            cwd=self.base,
            yes=yes,
        )
        return done.returncode, done.stdout, done.stderr


def _losses(document: dict[str, object]) -> list[str]:
    databases = document["databases"]
    assert isinstance(databases, list)
    return [lost for db in databases for step in db["applied"] for lost in step["losses"]]


# --- item 4: losses named, and accepted on purpose ------------------------------------------


@pytest.mark.e2e
def test_git_rollback_names_its_losses_and_needs_yes(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=3)
    env = installation.env()
    project = installation.project
    assert run_cli("up", "--db", "project", "--target", "1.1", cwd=project, env=env).returncode == 0
    db = installation.path("project")
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("UPDATE project SET last_git_sync = '2026-01-01'")
    conn.close()
    dry = run_cli("down", "--db", "project", "--target", "1.0", "--dry-run", "--json", cwd=project)
    assert dry.returncode == 0, dry.stderr
    named = _losses(json.loads(dry.stdout))
    assert {lost.split(" (")[0] for lost in named} == GIT_ROLLBACK_LOSSES
    assert "drops column project.last_git_sync (3 values)" in named
    text = run_cli("down", "--db", "project", "--target", "1.0", "--dry-run", cwd=project)
    assert "loses data: drops table merge_history (0 rows)" in text.stdout
    before, backups = _digest(db), sorted(db.parent.glob("*.backup_*"))
    for seed in (False, True):  # no terminal, no --yes: refused before any write
        args = ("--db", "project", "--rollback") if seed else ("down", "--db", "project")
        refused = run_cli(*args, "--json", cwd=project, env=env, seed=seed, yes=False)
        assert refused.returncode == 1, refused.stderr
        document = json.loads(refused.stdout)
        assert document["databases"][0]["status"] == "skipped"
        assert document["error"]["kind"] == "LossesNotConfirmed"
        assert "drops table merge_history" in refused.stderr and "--yes" in refused.stderr
        assert _digest(db) == before and sorted(db.parent.glob("*.backup_*")) == backups
    done = run_cli("down", "--db", "project", "--json", "--yes", cwd=project, env=env)
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stdout)["databases"][0]
    assert (entry["status"], entry["to"]) == ("migrated", "1.0")
    assert "drops column project.last_git_sync (3 values)" in _losses(json.loads(done.stdout))


@pytest.mark.e2e
def test_forward_steps_name_drops_deletes_rewrites_and_keep_full_rebuilds_quiet(
    tmp_path: Path,
) -> None:
    small = Small(
        tmp_path,
        {
            "v1.0_to_v1.1_rebuild.sql": (
                "CREATE TABLE new_settings(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
                " value TEXT, scope TEXT);\n"
                "INSERT INTO new_settings (id, key, value) SELECT id, key, value FROM settings;\n"
                "DROP TABLE settings;\nALTER TABLE new_settings RENAME TO settings;\n"
            ),
            "v1.1_to_v1.2_lossy.sql": (
                "CREATE TABLE new_notes(id INTEGER PRIMARY KEY, body TEXT);\n"
                "INSERT INTO new_notes SELECT id, body FROM notes;\n"
                "DROP TABLE notes;\nALTER TABLE new_notes RENAME TO notes;\n"
                "DELETE FROM notes WHERE id > 2;\n"
                "UPDATE settings SET value = upper(value);\n"
                "INSERT OR REPLACE INTO settings (id, key, value) VALUES (1, 'theme', 'light');\n"
            ),
        },
    )
    code, out, err = small.run("up", "--dry-run", "--json")
    assert code == 0, err
    steps = json.loads(out)["databases"][0]["applied"]
    assert steps[0]["losses"] == []  # a rebuild that copies every column loses nothing
    assert steps[1]["losses"] == [
        "drops column notes.kind (2 values)",
        "deletes rows of notes (the table holds 3 rows)",
        "rewrites values of settings.value",  # the step before rebuilt it: no count is sure
        "replaces rows of settings",
    ]
    assert small.run("up")[0] == 1
    assert small.run("up", "--yes")[0] == 0


@pytest.mark.e2e
def test_verify_fails_on_undeclared_losses_and_passes_with_true_markers(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"  # each database's 1.0 schema, and one step of the test's
    for name in ("aifp_core", "project", "user_preferences", "user_directives"):
        (folder / name).mkdir(parents=True)
        shutil.copy(MIGRATIONS / name / "v1.0_initial_schema.sql", folder / name)
    step = folder / "user_preferences" / "v1.0_to_v1.1_drop_reports.sql"
    step.write_text("DROP TABLE issue_reports;\nDELETE FROM user_settings WHERE id > 1;\n")
    assert "issue_reports" in (folder / "user_preferences" / "v1.0_initial_schema.sql").read_text()
    found = run_cli("verify", "--migrations-dir", folder, "--json", cwd=tmp_path)
    assert found.returncode == 3, found.stderr
    findings = [f for f in json.loads(found.stdout)["findings"] if f["check"] == "losses"]
    assert [f["file"].rsplit("/", 1)[-1] for f in findings] == [step.name, step.name]
    assert "-- aifp-migrate: drops issue_reports" in findings[0]["message"]
    assert "-- aifp-migrate: deletes user_settings" in findings[1]["message"]
    step.write_text(
        "-- aifp-migrate: drops issue_reports\n-- aifp-migrate: deletes user_settings\n"
        + step.read_text()
    )
    ok = run_cli("verify", "--migrations-dir", folder, "--json", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    step.write_text("-- aifp-migrate: drops user_settings.name\n" + step.read_text())
    stale = run_cli("verify", "--migrations-dir", folder, "--json", cwd=tmp_path)
    assert stale.returncode == 3
    (finding,) = json.loads(stale.stdout)["findings"]
    assert "declares `drops user_settings.name`" in finding["message"]


def test_markers_and_losses_in_the_core() -> None:
    before = schema_of_script(INITIAL)
    text = (
        "-- aifp-migrate: drops notes.kind, settings (the old ones)\n"
        "ALTER TABLE notes DROP COLUMN kind;\nALTER TABLE notes ADD COLUMN extra TEXT;\n"
        "UPDATE notes SET extra = body;\nALTER TABLE notes RENAME TO old_notes;\n"
        "DROP TABLE old_notes;\n"
    )
    losses = step_losses("f.sql", split_statements(text).statements, before)
    assert [(loss.kind, loss.table, loss.column) for loss in losses] == [
        ("column", "notes", "kind"),
        ("table", "old_notes", None),  # renamed, its rows still the ones from before
    ]
    assert [d.name for d in declared_losses(text)] == ["notes.kind", "settings"]
    audit = audit_losses(text, losses)
    assert [loss.table for loss in audit.undeclared] == ["old_notes"]
    assert [d.name for d in audit.stale] == ["settings"]


# --- item 6: a real offline plan --------------------------------------------------------------


@pytest.mark.e2e
def test_a_dry_run_fails_like_the_real_run_on_a_typo(tmp_path: Path) -> None:
    small = Small(tmp_path, {"v1.0_to_v1.1_typo.sql": "CREAT TABLE tags (id INTEGER);\n"})
    before = _digest(small.db)
    dry = small.run("up", "--dry-run")
    real = small.run("up", "--yes")
    assert dry[0] == real[0] == 1
    assert dry[2] == real[2] and 'near "CREAT": syntax error' in dry[2]
    assert _digest(small.db) == before


@pytest.mark.e2e
def test_dry_run_sql_prints_every_statement_and_the_predicted_skips(tmp_path: Path) -> None:
    small = Small(
        tmp_path,
        {
            "v1.0_to_v1.1_tags.sql": (
                "CREATE TABLE IF NOT EXISTS notes(id INTEGER PRIMARY KEY, body TEXT, kind TEXT);\n"
                "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);\n"
                "CREATE INDEX idx_notes_kind ON notes(kind);\n"
            ),
            "v1.1_to_v1.2_clash.sql": "CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT);\n",
        },
    )
    before = _digest(small.db)
    code, out, err = small.run("up", "--target", "1.1", "--dry-run", "--sql")
    assert code == 0, err
    assert "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);" in out
    assert "-- skipped: " in out and "-- CREATE INDEX idx_notes_kind ON notes(kind);" in out
    assert "UPDATE schema_version SET version = '1.1'" in out
    assert "INSERT INTO schema_history" in out
    code, out, _ = small.run("up", "--target", "1.1", "--dry-run", "--sql", "--json")
    step = json.loads(out)["databases"][0]["applied"][0]
    assert "CREATE TABLE tags" in step["sql"] and len(step["skipped"]) == 2
    assert small.run("up", "--sql")[0] == 2  # --sql needs --dry-run
    clash_dry = small.run("up", "--dry-run")  # 1.2 re-creates tags differently: a conflict
    clash_real = small.run("up", "--yes")
    assert clash_dry[0] == clash_real[0] == 1 and clash_dry[2] == clash_real[2]
    assert _digest(small.db) == before


# --- the property: a dry run's verdict is the real run's ---------------------------------------

STATEMENTS = st.sampled_from(
    [
        "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);",
        "CREAT TABLE typo (id INTEGER);",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, other TEXT);",
        "CREATE TABLE IF NOT EXISTS settings (id INTEGER);",
        "DROP TABLE notes;",
        "DROP TABLE IF EXISTS tags;",
        "DROP TABLE missing_table;",
        "ALTER TABLE notes DROP COLUMN kind;",
        "ALTER TABLE notes ADD COLUMN extra TEXT;",
        "ALTER TABLE notes ADD COLUMN body TEXT;",
        "ALTER TABLE settings ADD COLUMN required TEXT NOT NULL DEFAULT 'x';",
        "DELETE FROM settings WHERE id > 1;",
        "UPDATE notes SET body = body || '!';",
        "DROP INDEX idx_notes_kind;",
        "CREATE INDEX idx_settings_value ON settings(value);",
        "INSERT INTO settings (key, value) VALUES ('new', 'row');",
    ]
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Small:
    return Small(tmp_path_factory.mktemp("template"), {})


def _verdict(small: Small, dry_run: bool) -> tuple[int, list[list[str]]]:
    places = Places(small.base / "root", small.project, small.migrations)
    runtime = Runtime(places, confirm_losses=lambda _: LossAnswer(accepted=True, asked=False))
    report = up(runtime, (DB,), None, dry_run=dry_run, explicit=True)
    applied = [list(step.losses) for db in report.databases for step in db.applied]
    return report.exit_code(), applied if report.problem is None else []


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.lists(STATEMENTS, min_size=1, max_size=4), min_size=1, max_size=2))
def test_a_dry_run_gives_the_real_runs_verdict(template: Small, steps: list[list[str]]) -> None:
    folder = template.migrations / DB
    for old in folder.glob("v1.*_to_v*.sql"):
        old.unlink()
    for index, statements in enumerate(steps):
        name = f"v1.{index}_to_v1.{index + 1}_random.sql"
        (folder / name).write_text("\n".join(statements) + "\n")
    saved = template.db.read_bytes()
    try:
        dry = _verdict(template, dry_run=True)
        assert template.db.read_bytes() == saved
        real = _verdict(template, dry_run=False)
        assert dry == real
    finally:
        template.db.write_bytes(saved)
        for backup in template.db.parent.glob("*.backup_*"):
            backup.unlink()
