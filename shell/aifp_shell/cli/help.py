"""How ``--help`` reads: plain text, arguments by name, examples and exit codes at the end.

Typer's own help boxes print a ``<bool>`` after every flag and ``{FROM} <path>``
for an argument; the plain click layout (``rich_markup_mode=None``) prints
neither for options, and ``NamedCommand`` does the same for arguments.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from typer.core import TyperCommand

from aifp_shell.cli.plain_values import PlainValues
from aifp_shell.messages import EXIT_MEANINGS


class NamedCommand(PlainValues, TyperCommand):
    """A command whose usage line and help name each argument plainly (``FROM``, ``ROOT``),
    its options converted without pydantic (``PlainValues``)."""

    # ctx and formatter are the classes of Typer's bundled click, which is private.
    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """Return the usage line's pieces, a required argument as ``FROM`` (not ``{FROM}``)."""
        pieces = super().collect_usage_pieces(ctx)
        return [piece.removeprefix("{").removesuffix("}") for piece in pieces]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Write the Arguments section (name and help, no type) and the Options section."""
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument" and not getattr(param, "hidden", False):
                arguments.append((param.metavar or (param.name or "").upper(), _help_of(param)))
            elif param.param_type_name == "option":
                record = param.get_help_record(ctx)
                if record is not None:
                    options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


def _help_of(param: Any) -> str:
    text = getattr(param, "help", None)
    return text if isinstance(text, str) else ""


def epilog(examples: Iterable[str], exits: Iterable[int | tuple[int, str]]) -> str:
    """Return the text after a command's options: its examples, then the exit codes it uses.

    An exit code is given alone (its general meaning) or with what it means for
    this command. Paragraphs start with click's ``\\b`` marker, so the lines are
    printed as written.
    """
    meanings = [item if isinstance(item, tuple) else (item, EXIT_MEANINGS[item]) for item in exits]
    lines = ["\b", "Examples:", *(f"  {example}" for example in examples), ""]
    lines += ["\b", "Exit codes:", *(f"  {code}  {text}" for code, text in meanings)]
    return "\n".join(lines)


def exit_codes_epilog() -> str:
    """Return the top-level help's closing text: every exit code and what it means."""
    lines = ["\b", "Exit codes:", *(f"  {code}  {text}" for code, text in EXIT_MEANINGS.items())]
    lines += ["", "Run 'aifp-migrate COMMAND --help' for a command's options and examples."]
    return "\n".join(lines)
