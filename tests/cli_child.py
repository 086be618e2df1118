"""Runs a command-line script in a forked child of the test process, as ``subprocess`` would.

``run_script(script, args, cwd=..., env=...)`` forks. The child takes the working
folder and the whole environment given, stdin from ``/dev/null``, stdout and
stderr into files, and runs the script file as ``__main__`` (``runpy``): the real
console script ``.venv/bin/aifp-migrate`` or ``migrations/migrate.py``, in a real
process with its own exit code, files, locks and signals. What it skips is the
interpreter's start-up and the imports this process has made already: ~0.2 s of
CPU a run, and the suite runs the command line ~700 times. The tests about
start-up itself (test_startup, test_packaging) and those that must signal or
race a process they started run the script with ``subprocess``.

Every module of both packages is loaded here once, so no child loads one again.
What a run may leave in a process is reset in each child, as a new interpreter
starts without it (``_as_new``): the packages' module-level memories (dicts,
lists and sets empty when loaded here: drift answers already read or written,
Ctrl-C handlers, live progress bars), the warnings machinery (pytest records
warnings; a new process prints them) and the test folders on ``sys.path``; an
uncaught Ctrl-C ends the child by SIGINT. The ``functools`` caches are kept:
each is a pure function of immutable values (token lists of a text, a
migration set's schemas), so they answer as a new process would, sooner.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import importlib
import io
import os
import pkgutil
import runpy
import select
import signal
import subprocess
import sys
import tempfile
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import aifp_fp
import aifp_shell

_MODULES = [
    importlib.import_module(found.name)
    for package in (aifp_fp, aifp_shell)
    for found in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
]
_MEMORIES = [
    value
    for module in _MODULES
    for value in vars(module).values()
    if isinstance(value, dict | list | set) and not value
]
"""Module-level containers empty once loaded: what a run fills (answers recalled, handlers)."""
_NEW_FILTERS = subprocess.run(
    [sys.executable, "-c", "import warnings; print(repr([(f[0], f[2].__name__, f[3]) "
     "for f in warnings.filters if f[1] is None and f[4] == 0 and not hasattr(f[3], 'pattern')]))"],
    capture_output=True, text=True, check=True, env={},
).stdout  # fmt: skip
_WARNING_FILTERS = [
    (action, None, getattr(builtins, category), module, 0)
    for action, category, module in ast.literal_eval(_NEW_FILTERS)
]
"""The warnings filters of a new interpreter (pytest has added its own to this one's)."""
_NOT_A_NEW_PROCESS_PATH = {
    str(Path(__file__).resolve().parent),
    str(Path(__file__).resolve().parents[1]),
}


def run_script(
    script: Path,
    args: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float = 120,
    before: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Return what ``script ARGS`` did in a forked child: its exit status as ``subprocess``
    gives it (``-N`` when signal N ended it), its stdout and its stderr.

    ``before`` runs in the child just before the script (a fault test arms its kill
    there). Raises ``subprocess.TimeoutExpired`` after killing a child that outlives
    ``timeout`` seconds.
    """
    command = [str(script), *args]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller
            _child(script, args, cwd, env, out.fileno(), err.fileno(), before)
        returncode = _wait(pid, timeout, command)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(
            command, returncode, _text(out.read()), _text(err.read())
        )


def _text(data: bytes) -> str:
    """Return ``data`` decoded as ``subprocess``'s ``text=True`` does (universal newlines)."""
    return data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")


def _print_warning(message: warnings.WarningMessage) -> None:
    """Print a warning as a new interpreter does (pytest's recorder is this one's)."""
    stream = message.file or sys.stderr
    with contextlib.suppress(OSError):
        stream.write(warnings._formatwarnmsg(message))  # type: ignore[attr-defined]


def _as_new() -> None:
    """Reset in this (child) process what a new interpreter would not have."""
    for memory in _MEMORIES:
        memory.clear()
    warnings.filters[:] = _WARNING_FILTERS
    warnings._filters_mutated()  # type: ignore[attr-defined]
    warnings.showwarning = warnings._showwarning_orig  # type: ignore[attr-defined]
    warnings._showwarnmsg_impl = _print_warning  # type: ignore[attr-defined]
    sys.path[:] = [entry for entry in sys.path if entry not in _NOT_A_NEW_PROCESS_PATH]


def _child(
    script: Path,
    args: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    out: int,
    err: int,
    before: Callable[[], None] | None,
) -> None:
    code = 1
    try:
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        # As a new interpreter makes them: stdout block-buffered, stderr line-buffered.
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False),
            encoding="utf-8",
            errors="backslashreplace",
            line_buffering=True,
        )
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        _as_new()
        sys.argv = [str(script), *args]
        sys.path.insert(0, str(script.parent))  # as ``python SCRIPT`` puts it first
        if before is not None:
            before()
        try:
            runpy.run_path(str(script), run_name="__main__")
            code = 0
        except SystemExit as done:  # as the interpreter ends on it
            code = done.code if isinstance(done.code, int) else int(done.code is not None)
            if done.code is not None and not isinstance(done.code, int):
                sys.stderr.write(f"{done.code}\n")
    except KeyboardInterrupt:  # uncaught: a new interpreter ends by SIGINT (exit -2)
        traceback.print_exc()
        sys.stderr.flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    except BaseException:  # shown as a new interpreter would show it
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # the child is ending either way
                stream.flush()
        os._exit(code)


def _wait(pid: int, timeout: float, command: list[str]) -> int:
    """Return the child's exit status as ``subprocess`` reports it; kill it after ``timeout``."""
    handle = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([handle], [], [], timeout)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise subprocess.TimeoutExpired(command, timeout)
    finally:
        os.close(handle)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)
