"""The command line's click group, each subcommand built the first time it is looked up.

Typer's ``get_command(app)`` turns every registered command into a click
command before parsing anything: it reads each function's signature and
evaluates its annotations, ~1 ms a command, 10-13 ms for all of ours, of which
a run of ``check`` uses one. ``command_line(app)`` returns the same group (the
callback and its options, help, epilog, completion options), built by Typer
from the same app, whose ``commands`` mapping knows every name up front and
builds a command with Typer's own ``get_command_from_info`` when it is first
asked for. Parsing asks for one; ``--help`` and shell completion list them
all, so they build them all, in the order the app registered them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, MutableMapping
from typing import Any

import typer
from typer.core import TyperGroup
from typer.models import CommandInfo


class OnDemandCommands(MutableMapping[str, Any]):
    """Subcommands by name; each one is built from its ``CommandInfo`` when first read.

    The values are commands of Typer's bundled click, which is private (hence ``Any``).
    """

    def __init__(self, app: typer.Typer) -> None:
        self._app = app
        self._infos = {_name(info): info for info in app.registered_commands}
        self._built: dict[str, Any] = {}

    @property
    def built(self) -> tuple[str, ...]:
        """The names whose command has been built so far."""
        return tuple(self._built)

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = typer.main.get_command_from_info(
                self._infos[name],  # an unknown name: KeyError, so .get() answers None
                pretty_exceptions_short=self._app.pretty_exceptions_short,
                rich_markup_mode=self._app.rich_markup_mode,
            )
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command
        self._infos.setdefault(name, CommandInfo(name=name))

    def __delitem__(self, name: str) -> None:
        del self._infos[name]
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)


def _name(info: CommandInfo) -> str:
    """Return the name Typer gives a registered command (its own rule when none was given)."""
    if info.name:
        return info.name
    assert info.callback is not None, "Typer registers a command with its function"
    return typer.main.get_command_name(info.callback.__name__)


def command_line(app: typer.Typer) -> TyperGroup:
    """Return ``app`` as Typer's click group, its subcommands built on demand."""
    bare = copy.copy(app)
    bare.registered_commands = []  # the copy only: app keeps its commands
    group = typer.main.get_command(bare)
    assert isinstance(group, TyperGroup), "an app with a callback is a group"
    group.commands = OnDemandCommands(app)
    return group
