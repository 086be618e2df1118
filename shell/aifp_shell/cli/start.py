"""The ``aifp-migrate`` entry point: the command line is loaded with cycle collection paused.

Importing the CLI creates ~40,000 objects (modules, classes, functions, the
attrs classes' generated methods) that all live until the process ends, so
the cycle collections that their allocation sets off free nothing: ~10 ms of
a ~250 ms ``check``. ``main`` pauses collection, loads ``cli.app``, freezes
what is loaded (later collections skip it), turns collection back on and runs
the command line: a command's own work, ``up`` on a big database included,
runs with the collector as usual.
"""

from __future__ import annotations

import gc


def main() -> None:
    """Load the command line with cycle collection paused, then run it (``app.main``)."""
    gc.disable()
    try:
        from aifp_shell.cli.app import main as run  # after gc.disable(), so not at the top
    finally:
        gc.freeze()
        gc.enable()
    run()
