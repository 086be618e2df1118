"""What the command line loads only when a command needs it: the one place it is named.

``check`` is the command run most often (by scripts, editors and AIFP itself),
so importing ``cli.app`` loads only what ``check`` uses. Every other
command's service and renderer is named here and loaded on first use
(PEP 562: the module's ``__getattr__``): ``lazy.up(...)`` imports the runner
only when ``up`` runs. Type checkers read the imports below as ordinary ones.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.metadata import version

    from aifp_fp.render import render_script
    from aifp_shell.commands.backup_list import list_restorable
    from aifp_shell.commands.diff.apply import apply_diff
    from aifp_shell.commands.diff.source import diff_migration
    from aifp_shell.commands.expected_schema import expected_schema
    from aifp_shell.commands.migrate import down, up
    from aifp_shell.commands.repair import repair
    from aifp_shell.commands.restore import restore
    from aifp_shell.commands.scan import scan
    from aifp_shell.commands.verify.run import verify
    from aifp_shell.output.diff import show_applied, show_diff, show_problem
    from aifp_shell.output.scan import show_scan
    from aifp_shell.output.verify import show_verify

WHERE = {
    "version": "importlib.metadata",
    "render_script": "aifp_fp.render",
    "list_restorable": "aifp_shell.commands.backup_list",
    "apply_diff": "aifp_shell.commands.diff.apply",
    "diff_migration": "aifp_shell.commands.diff.source",
    "expected_schema": "aifp_shell.commands.expected_schema",
    "down": "aifp_shell.commands.migrate",
    "up": "aifp_shell.commands.migrate",
    "repair": "aifp_shell.commands.repair",
    "restore": "aifp_shell.commands.restore",
    "scan": "aifp_shell.commands.scan",
    "verify": "aifp_shell.commands.verify.run",
    "show_applied": "aifp_shell.output.diff",
    "show_diff": "aifp_shell.output.diff",
    "show_problem": "aifp_shell.output.diff",
    "show_scan": "aifp_shell.output.scan",
    "show_verify": "aifp_shell.output.verify",
}
"""Each deferred name and the module that defines it (the same as the imports above)."""

__all__ = [
    "apply_diff",
    "diff_migration",
    "down",
    "expected_schema",
    "list_restorable",
    "render_script",
    "repair",
    "restore",
    "scan",
    "show_applied",
    "show_diff",
    "show_problem",
    "show_scan",
    "show_verify",
    "up",
    "verify",
    "version",
]
"""The same names as ``WHERE`` (a test holds them equal)."""


def __getattr__(name: str) -> object:
    """Return the deferred ``name``, importing its module the first time it is asked for."""
    if name not in WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value: object = getattr(importlib.import_module(WHERE[name]), name)
    globals()[name] = value  # later look-ups skip this function
    return value
