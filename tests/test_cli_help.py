"""``--help``: plain text that fits 80 columns, arguments by name, examples and exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from conftest import REPO, run_cli

from aifp_shell.cli.app import app
from aifp_shell.messages import EXIT_MEANINGS

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def _help(*args: str) -> str:
    done = run_cli(*args, "--help", cwd=REPO, env={"COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def test_top_level_help_lists_every_command_and_every_exit_code() -> None:
    text = _help()
    for name in COMMANDS:
        assert re.search(rf"^  {name}\s", text, re.M), name
    assert "Exit codes:" in text
    for code, meaning in EXIT_MEANINGS.items():
        assert f"{code}  {meaning}" in text
    assert "..." not in text.split("Commands:")[1].split("Exit codes:")[0]  # no cut-off line


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_has_no_type_placeholders_examples_and_exit_codes(name: str) -> None:
    text = _help(name)
    assert not re.search(r"<(bool|path|text|int|int range)>", text), text
    assert "{" not in text.splitlines()[0], text  # the usage line names arguments plainly
    assert all(len(line) <= 80 for line in text.splitlines()), text
    examples = text.split("Examples:")[1].split("Exit codes:")[0]
    assert f"aifp-migrate {name}" in examples
    assert re.search(r"^    0  ", text.split("Exit codes:")[1], re.M)


def test_arguments_are_named_and_unused_options_are_not_shown() -> None:
    diff = _help("diff")
    assert diff.splitlines()[0] == "Usage: aifp-migrate diff [OPTIONS] FROM TO"
    assert re.search(r"^  FROM  Schema script", diff, re.M)
    for unused in ("--project-dir", "--aifp-root", "--migrations-dir"):
        assert unused not in diff  # diff reads files, not an installation
    scan = _help("scan")
    assert scan.splitlines()[0] == "Usage: aifp-migrate scan [OPTIONS] ROOT"
    assert "--project-dir" not in scan and "--aifp-root" in scan
    verify = _help("verify")
    assert "--migrations-dir" in verify and "--project-dir" not in verify


def test_a_hidden_common_option_is_still_accepted(tmp_path: Path) -> None:
    (tmp_path / "a.sql").write_text("CREATE TABLE t (id INTEGER PRIMARY KEY);\n")
    (tmp_path / "b.sql").write_text("CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT);\n")
    done = run_cli("diff", "a.sql", "b.sql", "--project-dir", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ADD COLUMN" in done.stdout or "CREATE TABLE" in done.stdout
