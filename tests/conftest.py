"""Shared test set-up: Hypothesis profiles and helpers to run the installed CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from cli_child import run_script
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

REPO = Path(__file__).resolve().parents[1]


def installed_cli() -> Path:
    """Return the ``aifp-migrate`` console script installed beside this Python."""
    return Path(sys.executable).parent / "aifp-migrate"


def accepting(args: Sequence[str | Path], *, seed: bool = False) -> list[str | Path]:
    """Return a command line with ``--yes`` added where it runs migrations (``up``, ``down``,
    ``scan --migrate``, the seed form's ``--all``/``--db``): tests have no terminal to answer
    at, and the shipped steps from 1.0 lose data (they drop columns AIFP no longer has)."""
    words = [str(arg) for arg in args]
    runs = (
        any(word in ("--all", "--db") for word in words) and "--check" not in words
        if seed
        else words[:1] in (["up"], ["down"]) or (words[:1] == ["scan"] and "--migrate" in words)
    )
    return [*args, "--yes"] if runs and "--yes" not in words else list(args)


def run_cli(
    *args: str | Path,
    cwd: Path,
    env: dict[str, str] | None = None,
    seed: bool = False,
    timeout: float = 120,
    yes: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``aifp-migrate`` (or, with ``seed``, ``migrations/migrate.py``) in a
    forked child (``cli_child.run_script``: the script itself, without interpreter start-up).

    With ``yes`` (the default), a run that may lose data gets ``--yes`` (``accepting``).
    """
    given = accepting(args, seed=seed) if yes else list(args)
    script = REPO / "migrations" / "migrate.py" if seed else installed_cli()
    return run_script(
        script,
        [str(arg) for arg in given],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


def wait_for_marker(marker: Path, child: subprocess.Popen[str], limit: float = 60) -> None:
    """Return once ``child`` has created ``marker`` (its chosen slow moment has begun); fail
    if it exits first or ``limit`` seconds pass."""
    deadline = time.monotonic() + limit
    while not marker.exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.002)


def interrupted_at_marker(
    marker: Path, when: str, args: Sequence[str], timeout: float = 120
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the real CLI through ``tests/interrupt_child.py MARKER WHEN ARGS``, send it SIGINT
    once its chosen moment has begun; return its result and the seconds it took to stop."""
    child = subprocess.Popen(
        [sys.executable, str(REPO / "tests" / "interrupt_child.py"), str(marker), when, *args],
        env={**os.environ, "AIFP_MIGRATE_CACHE_DIR": ""},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_marker(marker, child)
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=timeout)
    return subprocess.CompletedProcess(child.args, child.returncode, out, err), (
        time.monotonic() - sent
    )


def in_terminal(args: Sequence[str | Path], cwd: Path) -> tuple[int, str]:
    """Run ``args`` with stdout and stderr on a pseudo-terminal (80 columns); return its exit
    code and everything it drew."""
    import pty

    main, child_end = pty.openpty()
    child = subprocess.Popen(
        [str(arg) for arg in args],
        cwd=cwd,
        stdout=child_end,
        stderr=child_end,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "AIFP_MIGRATE_CACHE_DIR": "", "COLUMNS": "80", "TERM": "xterm"},
    )
    os.close(child_end)
    screen = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    os.close(main)
    return child.wait(timeout=60), screen.decode("utf-8", "replace")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the tests marked ``slow`` first, keeping the order otherwise.

    scripts/test.sh runs the suite with ``--dist worksteal``: a worker that runs out
    takes queued tests from the other. A test of many seconds started last would
    leave one worker idle till it ends; started first, the short tests fill in around it.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture
def cli() -> object:
    """The ``run_cli`` helper, as a fixture."""
    return run_cli
