"""aifp_shell: the effects of aifp-migrate: files, SQLite, backups, locks, clock and CLI.

For tools that embed the migrator (see ``docs/embedding.md``), this package
re-exports the API of ``aifp_shell.api``: ``status``, ``migrate``,
``ensure_current`` and their reports (``StatusReport``, ``RunReport``,
``EnsureReport``, ``ensure_json``). They are loaded on first use, so
``import aifp_shell`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aifp_shell.api import EnsureReport, ensure_current, ensure_json, migrate, status
    from aifp_shell.commands.reports import RunReport, StatusReport

_HOME = {
    "EnsureReport": "aifp_shell.api",
    "ensure_current": "aifp_shell.api",
    "ensure_json": "aifp_shell.api",
    "migrate": "aifp_shell.api",
    "status": "aifp_shell.api",
    "RunReport": "aifp_shell.commands.reports",
    "StatusReport": "aifp_shell.commands.reports",
}

__all__ = [
    "EnsureReport",
    "RunReport",
    "StatusReport",
    "ensure_current",
    "ensure_json",
    "migrate",
    "status",
]


def __getattr__(name: str) -> Any:
    """Return a public name, importing the module that defines it on first use."""
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'aifp_shell' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
