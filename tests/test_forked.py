"""Forked workers (``shell/aifp_shell/commands/forked.py``): every task answered once, a dead
worker's tasks given back, nothing left behind (processes, pipes) however it ends."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifp_shell.commands.forked import ForkedWorkers

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux")


def _open_pipes() -> int:
    return sum(1 for fd in Path("/proc/self/fd").iterdir() if "pipe:" in _target(fd))


def _target(fd: Path) -> str:
    try:
        return os.readlink(fd)
    except OSError:
        return ""  # the listing's own descriptor, closed by now


def _no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _never_stop() -> None:
    pass


def _answers(work: Callable[[int], object], tasks: int, workers: int) -> dict[int, object]:
    found: dict[int, object] = {}
    with ForkedWorkers(work, tasks, workers) as forked:
        for task, answer in forked.answers(_never_stop):
            assert task not in found, f"task {task} answered twice"
            found[task] = answer
    return found


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 40), st.integers(1, 4))
def test_every_task_is_answered_once_by_a_worker_process(tasks: int, workers: int) -> None:
    pipes = _open_pipes()
    here = os.getpid()
    found = _answers(lambda task: (task, task * task, os.getpid()), tasks, workers)
    assert sorted(found) == list(range(tasks))
    for task, answer in found.items():
        assert isinstance(answer, tuple) and answer[:2] == (task, task * task)
        assert answer[2] != here  # worked out in a worker, not here
    assert len({answer[2] for answer in found.values() if isinstance(answer, tuple)}) <= workers
    assert _open_pipes() == pipes and _no_child_left()


def test_the_tasks_of_a_worker_that_died_are_given_back_and_the_others_answered() -> None:
    def work(task: int) -> int:
        if task == 3:
            os._exit(9)
        return task

    found = _answers(work, 20, 2)
    assert found[3] is None  # given back: the caller does it itself
    lost = [task for task, answer in found.items() if answer is None]
    assert len(lost) <= 2  # the dying worker's tasks in hand, no more
    assert all(found[task] == task for task in found if task not in lost)
    assert sorted(found) == list(range(20)) and _no_child_left()


def test_a_task_that_raises_ends_its_worker_quietly_and_is_given_back(
    capfd: pytest.CaptureFixture[str],
) -> None:
    def work(task: int) -> int:
        if task == 0:
            raise ValueError("boom")
        return task

    found = _answers(work, 8, 1)
    assert found[0] is None and sorted(found) == list(range(8))
    assert "Traceback" not in capfd.readouterr().err


def test_leaving_early_ends_the_workers_and_closes_their_pipes() -> None:
    pipes = _open_pipes()
    forked = ForkedWorkers(lambda task: task, 1000, 2)
    pids: list[int] = []
    with pytest.raises(KeyboardInterrupt), forked:
        pids = [worker.pid for worker in forked._running]
        for task, _ in forked.answers(_never_stop):
            if task >= 2:
                raise KeyboardInterrupt  # as Ctrl-C in the caller's loop
    assert len(pids) == 2
    assert all(not Path(f"/proc/{pid}").exists() for pid in pids)
    assert _open_pipes() == pipes and _no_child_left()


def test_when_no_worker_can_be_forked_every_task_is_given_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    pipes = _open_pipes()
    assert _answers(lambda task: task, 5, 2) == dict.fromkeys(range(5))
    assert _open_pipes() == pipes


@pytest.mark.parametrize("to", ["this thread", "another thread"])
def test_a_ctrl_c_while_forking_is_raised_after_and_leaves_no_worker(
    monkeypatch: pytest.MonkeyPatch, to: str
) -> None:
    # Sent to this thread, Ctrl-C is held by the signal mask; sent to another (a process's
    # SIGINT goes to any thread not blocking it), only by the handler that notes it.
    other = threading.Event()
    sleeper = threading.Thread(target=other.wait, daemon=True)
    sleeper.start()
    target = threading.get_ident() if to == "this thread" else sleeper.ident
    assert target is not None
    real = ForkedWorkers._fork
    forked: list[int] = []

    def fork_then_ctrl_c(self: ForkedWorkers[int]) -> bool:
        made = real(self)  # a worker never comes back from it
        forked.extend(worker.pid for worker in self._running)
        if len(self._running) == 1:
            signal.pthread_kill(target, signal.SIGINT)
            time.sleep(0.05)  # time for the other thread to take it
        return made

    monkeypatch.setattr(ForkedWorkers, "_fork", fork_then_ctrl_c)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    pipes = _open_pipes()
    try:
        with pytest.raises(KeyboardInterrupt), ForkedWorkers(lambda t: t, 10, 3):
            pytest.fail("the block was entered")
    finally:
        signal.signal(signal.SIGINT, previous)
        other.set()
    assert len(set(forked)) == 3  # all forked: the Ctrl-C came after
    assert _open_pipes() == pipes and _no_child_left()
    assert all(not Path(f"/proc/{pid}").exists() for pid in forked)


def test_workers_forked_from_a_thread_other_than_the_main_one_answer() -> None:
    found: dict[int, object] = {}
    thread = threading.Thread(target=lambda: found.update(_answers(lambda t: t + 1, 8, 2)))
    thread.start()
    thread.join(60)
    assert found == {task: task + 1 for task in range(8)}
