"""Worker processes forked from this one, sent task numbers over a pipe, answering each with
its result pickled: how ``scan`` checks projects on every core (Linux only).

Why not ``concurrent.futures.ProcessPoolExecutor``: importing it and ``multiprocessing``
cost every scan ~49 M instructions before any work, and its two threads in the parent (a
feeder and a manager) ~18 M more while the workers ran (callgrind, a scan of 1,000
projects). A forked worker holds the tasks in memory already, so it is sent only a task's
number (4 bytes) and sends back the result's pickle behind its length (8 bytes).

Each worker has ``IN_HAND`` tasks at a time: the next waits in its pipe while it works, so
it never waits for the parent between tasks. A worker that dies (its pipe ends with tasks
in hand) has those tasks given back to the caller unanswered, to do itself; the others go
on. Workers never act on Ctrl-C (a terminal sends it to the whole process group): the parent
decides, and leaving the ``with`` block ends any worker still running with SIGKILL. They
only read, so nothing is left half-done. (They keep SIGINT blocked, as it was while they
were forked: nothing to set up in them.)
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
from collections import deque
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Generic, NoReturn, TypeVar

IN_HAND = 2
"""Tasks sent to a worker ahead of its answers."""

_TASK_BYTES = 4
_LENGTH_BYTES = 8
_READ_SIZE = 1 << 16
_POLL_MS = 50
"""How long to wait for an answer before calling ``go_on`` again."""

R = TypeVar("R")


class _Worker:
    """One forked process: its pid, the two pipe ends this process holds, its tasks in hand
    and the bytes of answers read but not yet whole."""

    __slots__ = ("answers", "pid", "read", "tasks", "working")

    def __init__(self, pid: int, tasks: int, answers: int) -> None:
        self.pid = pid
        self.tasks = tasks  # written here: task numbers (-1 once closed)
        self.answers = answers  # read here: framed pickles
        self.working: deque[int] = deque()
        self.read = bytearray()

    def whole_answers(self) -> Iterator[bytes]:
        """Yield each answer now read in full, removing it from ``read``."""
        while len(self.read) >= _LENGTH_BYTES:
            end = _LENGTH_BYTES + int.from_bytes(self.read[:_LENGTH_BYTES], "little")
            if len(self.read) < end:
                return
            answer = bytes(self.read[_LENGTH_BYTES:end])
            del self.read[:end]
            yield answer


class ForkedWorkers(Generic[R]):
    """Up to ``workers`` processes forked on entering, each doing ``work(task)`` for the task
    numbers ``0 .. tasks - 1`` it is sent, after calling ``start`` once."""

    def __init__(
        self, work: Callable[[int], R], tasks: int, workers: int, start: Callable[[], None]
    ) -> None:
        self._work = work
        self._start = start
        self._tasks = tasks
        self._wanted = min(workers, tasks)
        self._running: list[_Worker] = []

    def __enter__(self) -> ForkedWorkers[R]:
        """Fork the workers (fewer, or none, if the system refuses more processes)."""
        # Ctrl-C waits until the forks are done: Python drops (with a traceback) what a
        # SIGINT handler raises in the hooks a fork runs. The workers keep it blocked.
        try:
            held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                while len(self._running) < self._wanted and self._fork():
                    pass
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a Ctrl-C held is raised now
        except BaseException:
            self.__exit__(None, None, None)  # not called for what __enter__ raises
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """End (SIGKILL) every worker still running and wait for each."""
        for worker in self._running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGKILL)
        for worker in tuple(self._running):
            self._ended(worker)

    def answers(self, go_on: Callable[[], None]) -> Iterator[tuple[int, R | None]]:
        """Yield ``(task, result)`` for every task once, as the workers answer; the result is
        None when the task's worker died first (or none could be forked): the caller does
        that task itself. ``go_on`` is called while waiting; it raises to stop."""
        waiting = deque(range(self._tasks))
        by_pipe = {worker.answers: worker for worker in self._running}
        poll = select.poll()
        for worker in self._running:
            poll.register(worker.answers, select.POLLIN)
            self._hand(worker, waiting)
        while by_pipe:
            go_on()
            for pipe, _ in poll.poll(_POLL_MS):
                worker = by_pipe[pipe]
                read = os.read(pipe, _READ_SIZE)
                if not read:  # its end: after its last task, or died with tasks in hand
                    poll.unregister(pipe)
                    del by_pipe[pipe]
                    self._ended(worker)
                    for task in worker.working:
                        yield task, None
                    continue
                worker.read += read
                for answer in worker.whole_answers():
                    task = worker.working.popleft()
                    self._hand(worker, waiting)
                    yield task, pickle.loads(answer)
        for task in waiting:  # no worker is left
            yield task, None

    def _fork(self) -> bool:
        """Fork one more worker; return False when the system refuses."""
        try:
            tasks_read, tasks_write = os.pipe()
        except OSError:
            return False
        try:
            answers_read, answers_write = os.pipe()
        except OSError:
            _close(tasks_read, tasks_write)
            return False
        try:
            pid = os.fork()
        except OSError:
            _close(tasks_read, tasks_write, answers_read, answers_write)
            return False
        if pid == 0:
            for other in self._running:  # else an earlier worker would never see its pipe end
                _close(other.tasks, other.answers)
            _close(tasks_write, answers_read)
            _serve(tasks_read, answers_write, self._work, self._start)
        _close(tasks_read, answers_write)
        self._running.append(_Worker(pid, tasks_write, answers_read))
        return True

    def _hand(self, worker: _Worker, waiting: deque[int]) -> None:
        """Send ``worker`` tasks until it has ``IN_HAND``; with none left, close its pipe."""
        while worker.tasks >= 0 and len(worker.working) < IN_HAND and waiting:
            task = waiting.popleft()
            try:
                os.write(worker.tasks, task.to_bytes(_TASK_BYTES, "little"))
            except OSError:  # it died: the end of its answers says so
                waiting.appendleft(task)
                return
            worker.working.append(task)
        if worker.tasks >= 0 and not worker.working and not waiting:
            _close(worker.tasks)  # the worker reads the end and exits
            worker.tasks = -1

    def _ended(self, worker: _Worker) -> None:
        """Close what this process holds of ``worker`` and wait for its exit."""
        if worker.tasks >= 0:
            _close(worker.tasks)
            worker.tasks = -1
        _close(worker.answers)
        with contextlib.suppress(ChildProcessError):  # already waited for
            os.waitpid(worker.pid, 0)
        self._running.remove(worker)


def _serve(
    tasks: int, answers: int, work: Callable[[int], object], start: Callable[[], None]
) -> NoReturn:
    """A worker's life: answer each task number read from ``tasks`` until the pipe ends."""
    code = 1
    try:
        gc.freeze()  # what the worker inherited stays alive to its end: keep the collector off it
        start()
        while len(number := _read_exactly(tasks, _TASK_BYTES)) == _TASK_BYTES:
            answer = pickle.dumps(work(int.from_bytes(number, "little")), pickle.HIGHEST_PROTOCOL)
            _write_all(answers, len(answer).to_bytes(_LENGTH_BYTES, "little") + answer)
        code = 0
    finally:
        # Never back into the parent's code (its atexit hooks, its buffered output); a task
        # that raised ends the worker, and the parent does that task itself.
        os._exit(code)


def _read_exactly(pipe: int, size: int) -> bytes:
    """Return ``size`` bytes read from ``pipe``, or fewer if it ended first."""
    read = b""
    while len(read) < size and (more := os.read(pipe, size - len(read))):
        read += more
    return read


def _write_all(pipe: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(pipe, view) :]


def _close(*pipes: int) -> None:
    for pipe in pipes:
        os.close(pipe)
