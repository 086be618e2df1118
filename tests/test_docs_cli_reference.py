"""docs/cli-reference.md is the command line's own contract, held to the real app.

The commands, arguments and options come from the Typer app itself, so an
option someone adds needs only its line in the page; the JSON keys are those
of real runs on a temporary installation. The README and docs name no file
outside the repository.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import typer
from aifp_data import build_installation
from conftest import REPO, run_cli

from aifp_shell.cli.app import app
from aifp_shell.messages import EXIT_MEANINGS

PAGE = REPO / "docs" / "cli-reference.md"
COMMANDS: dict[str, Any] = typer.main.get_command(app).commands  # type: ignore[attr-defined]


def _sections() -> dict[str, str]:
    """Return each command's section (a heading ``### `name` ``) by command name."""
    text = PAGE.read_text(encoding="utf-8")
    return dict(re.findall(r"^### `(\w+)`\n(.*?)(?=^##)", text + "\n##", re.S | re.M))


def _visible(command: Any, kind: str) -> set[str]:
    names: set[str] = set()
    for param in command.params:
        if param.param_type_name != kind or getattr(param, "hidden", False):
            continue
        if kind == "argument":
            names.add(param.metavar or param.name.upper())
        else:
            names.update(opt for opt in param.opts if opt.startswith("--"))
    return names


def test_every_command_is_documented_and_every_documented_command_exists() -> None:
    documented = set(_sections())
    assert set(COMMANDS) <= documented, "commands missing from docs/cli-reference.md"
    assert documented - set(COMMANDS) == set(), "documented commands the app does not have"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_documented_options_and_arguments_are_the_commands_own(name: str) -> None:
    section = _sections()[name]
    options = set(re.findall(r"^\| `(--[\w-]+)", section, re.M))
    arguments = set(re.findall(r"^\| `([A-Z]+)` \|", section, re.M))
    command = COMMANDS[name]
    assert options == _visible(command, "option"), f"{name}: options differ from --help"
    assert arguments == _visible(command, "argument"), f"{name}: arguments differ"
    assert re.search(r"Exit codes?: 0", section), f"{name}: no exit codes"


def test_the_exit_code_table_matches_the_codes() -> None:
    text = PAGE.read_text(encoding="utf-8")
    table = re.findall(r"^\| (\d) \|", text, re.M)
    assert [int(code) for code in table] == sorted(EXIT_MEANINGS)


def _documented(tag: str) -> Any:
    text = PAGE.read_text(encoding="utf-8")
    found = re.search(rf"<!-- json: {tag} -->\n```json\n(.*?)```", text, re.S)
    assert found is not None, f"no JSON example tagged {tag}"
    return json.loads(found.group(1))


def _shape(document: Any) -> Any:
    """Return the keys of a document, recursively (a list by its first item)."""
    if isinstance(document, dict):
        return {key: _shape(value) for key, value in document.items()}
    if isinstance(document, list):
        return [_shape(document[0])] if document else []
    return None


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The JSON of check, up, down and a usage error on a v1.0 installation."""
    base = tmp_path_factory.mktemp("reference")
    installation = build_installation(base, rows=1)

    def run(*args: str) -> Any:
        done = run_cli(
            *args, "--json", cwd=installation.project, env={"AIFP_ROOT": str(installation.root)}
        )
        return json.loads(done.stdout)

    return {
        "check": run("check"),
        "up": run("up", "--db", "user_preferences", "--target", "1.1"),
        "down": run("down", "--db", "user_preferences"),
        "error": run("up", "--db", "nosuch"),
    }


def _entry(document: Any, name: str) -> Any:
    return next(db for db in document["databases"] if db["name"] == name)


def test_documented_json_keys_are_those_of_real_runs(real: dict[str, Any]) -> None:
    check = _documented("check")
    assert set(check) == set(real["check"])
    assert _shape(check["databases"][0]) == _shape(_entry(real["check"], "project"))
    up = _documented("up")
    assert set(up) == set(real["up"])
    for run in (real["up"], real["down"]):
        assert _shape(up["databases"][0]) == _shape(_entry(run, "user_preferences"))
    assert _shape(_documented("error")) == _shape(real["error"])


def test_readme_and_docs_name_no_file_outside_the_repository() -> None:
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    outside = re.compile(r"/work/|\bshared/|\bSPEC(\.md)?\b|STYLE\.md|SQLITE-NOTES")
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            assert not outside.search(line), f"{page.name}:{number}: {line.strip()}"
        for target in re.findall(r"\]\(([^)#\s]+)", text):
            if re.match(r"[a-z]+://", target):
                continue
            resolved = (page.parent / target).resolve()
            assert resolved.is_relative_to(REPO), f"{page.name}: {target} is outside"
            assert resolved.exists(), f"{page.name}: {target} does not exist"
