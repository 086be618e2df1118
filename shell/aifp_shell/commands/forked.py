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
on. A Ctrl-C while workers are forked or ended is raised once that is done, so none is left
unrecorded, running or unwaited for. Workers never act on Ctrl-C (a terminal sends it to
the whole process group): the parent decides, and leaving the ``with`` block ends any
worker still running with SIGKILL. They only read, so nothing is left half-done. (They keep
SIGINT blocked, as it was while they were forked: see ``_ctrl_c_held``.)
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from types import FrameType, TracebackType
from typing import Any, Generic, NoReturn, TypeVar

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
    numbers ``0 .. tasks - 1`` it is sent (it runs in the worker, on what the worker
    inherited). ``work`` never returns None: None is the answer of a task given back.

    A process forked by another thread of this one while these run (a bare ``os.fork``;
    ``subprocess`` closes what it inherits) would hold their pipes' ends too: a worker would
    then see the end of its tasks, and exit, only when that process does.
    """

    def __init__(self, work: Callable[[int], R], tasks: int, workers: int) -> None:
        self._work = work
        self._tasks = tasks
        self._wanted = min(workers, tasks)
        self._running: list[_Worker] = []

    def __enter__(self) -> ForkedWorkers[R]:
        """Fork the workers (fewer, or none, if the system refuses more processes)."""
        try:
            with _ctrl_c_held():
                while len(self._running) < self._wanted and self._fork():
                    pass
        except BaseException:  # Ctrl-C, raised once the forks are done
            self.__exit__(None, None, None)  # not called for what __enter__ raises
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """End (SIGKILL) every worker still running and wait for each (a Ctrl-C meanwhile is
        raised once all are)."""
        with _ctrl_c_held():
            for worker in self._running:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.pid, signal.SIGKILL)
            while self._running:
                self._end(self._running[0])

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
                    with _ctrl_c_held():
                        self._end(worker)
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
            try:
                # Else an earlier worker would never see the end of its pipe.
                theirs = [fd for other in self._running for fd in (other.tasks, other.answers)]
                inherited = (tasks_write, answers_read, *theirs)
                _serve(tasks_read, answers_write, inherited, self._work)
            finally:
                os._exit(1)  # never back into the parent's code
        self._running.append(_Worker(pid, tasks_write, answers_read))
        _close(tasks_read, answers_write)
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
            with _ctrl_c_held():
                tasks, worker.tasks = worker.tasks, -1
                _close(tasks)  # the worker reads the end and exits

    def _end(self, worker: _Worker) -> None:
        """Close what this process holds of ``worker`` and wait for its exit (Ctrl-C held by
        the caller: half done, it would be done again)."""
        self._running.remove(worker)
        tasks, worker.tasks = worker.tasks, -1
        _close(tasks, worker.answers)
        with contextlib.suppress(ChildProcessError):  # waited for already (SIGCHLD ignored)
            os.waitpid(worker.pid, 0)


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Within the block, Ctrl-C raises nothing; at its end, the handler there was is given it.

    Two things, because a Ctrl-C in the middle of forking would leave a worker or its pipes
    unrecorded, and Python drops (with a traceback) what a SIGINT handler raises in the
    hooks a fork runs. SIGINT is blocked in this thread, so the workers are born with it
    blocked (and keep it so: they never act on it). And in the main thread, the only one
    where Python runs signal handlers, the handler only notes the signal: a process-directed
    SIGINT goes to any thread that does not block it, and the main thread would run its
    handler at once even with the signal blocked in it.
    """
    noted: list[FrameType | None] = []
    main = threading.current_thread() is threading.main_thread()
    previous: Any = None
    # Each of these calls first runs the handler of a Ctrl-C already pressed: read the mask
    # without changing it, so that one raised by the next call leaves it as it was.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, ())
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        if main:
            previous = signal.signal(signal.SIGINT, lambda _n, frame: noted.append(frame))
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # one held here is noted now
        if main and previous is not None:  # None: not set from Python, so never replaced
            signal.signal(signal.SIGINT, previous)
    if noted and callable(previous):
        previous(signal.SIGINT, noted[0])
    elif noted and previous == signal.SIG_DFL:
        signal.raise_signal(signal.SIGINT)


def _serve(
    tasks: int,
    answers: int,
    inherited: tuple[int, ...],
    work: Callable[[int], object],
) -> NoReturn:
    """A worker's life: close the ``inherited`` pipe ends it has no use for, then answer each
    task number read from ``tasks`` until the pipe ends."""
    code = 1
    try:
        _close(*inherited)
        gc.freeze()  # what the worker inherited stays alive to its end: keep the collector off it
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
        if pipe >= 0:  # -1: closed already
            os.close(pipe)
