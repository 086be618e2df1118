"""Option values are converted without pydantic (cli/plain_values.py), by the same rules.

Typer 0.29 would build a pydantic ``TypeAdapter`` for each option; ours are
flags, paths, words and whole numbers, which ``PlainValue`` converts itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aifp_data import build_installation
from conftest import run_cli
from hypothesis import given
from hypothesis import strategies as st
from typer._click.exceptions import BadParameter
from typer.models import OptionInfo

from aifp_shell.cli.app import app
from aifp_shell.cli.on_demand import command_line
from aifp_shell.cli.plain_values import PlainValue


def _number(low: int | None = None, high: int | None = None) -> PlainValue:
    return PlainValue(int, OptionInfo(min=low, max=high))


def test_every_option_of_every_command_is_converted_plainly() -> None:
    """A new option whose type needs Typer's pydantic conversion fails here, not silently
    in every run's start-up."""
    group = command_line(app)
    commands: list[Any] = [group, *(group.commands[name] for name in group.commands)]
    for command in commands:
        context = command.make_context(command.name, ["--help"], resilient_parsing=True)
        for param in command.get_params(context):
            assert isinstance(param._runtime_param, PlainValue), (command.name, param.name)


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_a_whole_number_reads_as_written_with_or_without_spaces_and_sign(number: int) -> None:
    texts = [str(number), f" {number} "] + ([f"+{number}"] if number >= 0 else [])
    assert [_number().coerce(text, None, None) for text in texts] == [number] * len(texts)


@pytest.mark.parametrize("text", ["", "x", "1.5", "1.0", "1_0", "0x10", "1e3", "٣", "1 2", "--1"])
def test_text_that_is_not_a_whole_number_is_refused(text: str) -> None:
    with pytest.raises(BadParameter, match="is not a valid integer"):
        _number().coerce(text, None, None)


def test_a_number_outside_the_range_is_refused_with_its_bounds() -> None:
    assert _number(1).coerce("1", None, None) == 1
    assert _number(1).coerce(7, None, None) == 7  # a default is checked too
    with pytest.raises(BadParameter, match=r"0 is not in the range x>=1\."):
        _number(1).coerce("0", None, None)
    with pytest.raises(BadParameter, match=r"9 is not in the range 1<=x<=8\."):
        _number(1, 8).coerce("9", None, None)


def test_paths_words_and_flags_keep_their_value_and_none_stays_none() -> None:
    path = PlainValue(Path, OptionInfo())
    assert path.coerce("some/where", None, None) == Path("some/where")
    assert path.coerce(None, None, None) is None
    assert PlainValue(str, OptionInfo()).coerce("1.2", None, None) == "1.2"
    assert PlainValue(bool, OptionInfo()).coerce(True, None, None) is True
    with pytest.raises(BadParameter, match="not a valid boolean"):
        PlainValue(bool, OptionInfo()).coerce("yes", None, None)


def test_a_path_keeps_typers_checks(tmp_path: Path) -> None:
    must_exist = PlainValue(Path, OptionInfo(exists=True))
    assert must_exist.coerce(str(tmp_path), None, None) == tmp_path
    with pytest.raises(BadParameter, match="does not exist"):
        must_exist.coerce(str(tmp_path / "gone"), None, None)


def test_a_bad_number_on_the_command_line_is_exit_2_naming_the_option(tmp_path: Path) -> None:
    installation = build_installation(tmp_path / "inst", rows=1)
    for value, why in (("0", "0 is not in the range x>=1."), ("two", "'two' is not a valid")):
        done = run_cli(
            "up",
            "--db",
            "project",
            "--keep-backups",
            value,
            cwd=installation.project,
            env=installation.env(),
        )
        assert done.returncode == 2, done.stderr
        assert "--keep-backups" in done.stderr and why in done.stderr, done.stderr
