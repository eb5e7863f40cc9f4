"""How a command stops: Ctrl-C, `kill` (SIGTERM) and a closed terminal (SIGHUP) all end it the
same way.

`stop_on_signals()` makes SIGTERM and SIGHUP raise `Interrupted` (a KeyboardInterrupt) in the main
thread, as SIGINT does, so every path written for Ctrl-C (worker pools stopped, Dask clusters
closed, temporary files removed, the index written) runs for them too; the exit code is 128 plus
the signal's number (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP).

Worker processes must not see a Ctrl-C or a hangup meant for their parent while they are still
starting (a KeyboardInterrupt in a child's imports prints a traceback into the terminal):
`children_born_deaf()` blocks SIGINT and SIGHUP in the calling thread while pools start their
processes, and they inherit the mask; `ignore_interrupts_in_worker()` then ignores both in the
worker for good (its children, notebook kernels included, inherit them ignored, which they may
handle as they please). The parent stops its workers. The resource tracker is started first,
deaf to a hangup (`start_resource_tracker`).

A worker must not outlive its command even when the command cannot stop it (SIGKILL, the
out-of-memory killer, a notebook kernel that exits at once when its runner dies):
`end_with_parent(parent)` watches the worker's parent and ends the worker with SIGTERM when it is
gone. Left waiting on its task queue, an orphaned pool worker slept for ever, and kept the
resource tracker alive with it. `start_worker(parent)` is the pool initializer that does both.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

#: Signals that stop a command as Ctrl-C does.
STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupted(KeyboardInterrupt):
    """A stop signal other than Ctrl-C (SIGTERM, SIGHUP), raised where Ctrl-C would be."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)


def exit_code_of(interruption: BaseException) -> int:
    """128 + the signal's number: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    return 128 + int(getattr(interruption, "signum", signal.SIGINT))


def _raise_interrupted(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def stop_on_signals() -> dict[int, object]:
    """SIGTERM and SIGHUP raise `Interrupted` from now on (main thread only; elsewhere nothing
    changes). Returns the previous handlers for `restore_signals`. A signal its parent ignored
    (`nohup`) stays ignored."""
    previous: dict[int, object] = {}
    if threading.current_thread() is not threading.main_thread():
        return previous
    for signum in STOP_SIGNALS:
        if signum == signal.SIGINT:
            continue
        current = signal.getsignal(signum)
        if current == signal.SIG_IGN:
            continue
        previous[signum] = current
        signal.signal(signum, _raise_interrupted)
    return previous


def restore_signals(previous: dict[int, object]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)


@contextlib.contextmanager
def stops_deferred() -> Iterator[None]:
    """While cleaning up after a stop, a second Ctrl-C or SIGTERM would leave half a cleanup and a
    traceback: the stop signals are ignored for the block (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in STOP_SIGNALS
                if signal.getsignal(signum) != signal.SIG_IGN}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# What a worker leaves to its parent: Ctrl-C and a closed terminal reach the whole process group,
# and the parent stops its workers (SIGTERM still ends a worker at once, without a traceback).
_DEAF_TO = tuple(getattr(signal, name) for name in ("SIGINT", "SIGHUP") if hasattr(signal, name))


def start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker now, deaf to a closed terminal.

    It ignores SIGINT and SIGTERM but not SIGHUP: a hangup of the process group killed it, and
    the one started in its place printed KeyErrors for the semaphores it had never seen. Started
    here with SIGHUP ignored (inherited through exec) it lives until its parent ends. Started
    first also because starting it *unblocks* SIGINT in the thread that starts it."""
    from multiprocessing import resource_tracker

    hangup = getattr(signal, "SIGHUP", None)
    if hangup is None or threading.current_thread() is not threading.main_thread():
        resource_tracker.ensure_running()
        return
    previous = signal.signal(hangup, signal.SIG_IGN)
    try:
        resource_tracker.ensure_running()
    finally:
        signal.signal(hangup, previous)


@contextlib.contextmanager
def children_born_deaf() -> Iterator[None]:
    """Processes (and threads) started in the block are born with SIGINT and SIGHUP blocked, so
    a Ctrl-C or hangup cannot reach their start-up; in this thread it waits until the block ends,
    then acts."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    start_resource_tracker()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, set(_DEAF_TO))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def ignore_interrupts_in_worker() -> None:
    """In a worker process: Ctrl-C and a closed terminal are for the parent, which stops the
    workers; ignore them, and unblock them so that the processes this worker starts inherit
    'ignored', not 'blocked'."""
    for signum in _DEAF_TO:
        signal.signal(signum, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, set(_DEAF_TO))


#: How often a worker looks whether its parent is still there.
PARENT_POLL_S = 0.2


def end_with_parent(parent: int, poll_s: float = PARENT_POLL_S) -> threading.Thread:
    """In a worker process: when `parent` (the process that started it) is gone, SIGTERM this
    process, which ends it (or runs its SIGTERM handler: a report worker stops its kernel first).

    Started with the parent's pid, not read here: a parent that died before this runs is seen at
    once. The watch is a thread polling `getppid()` (an orphan is re-parented), which works
    whatever thread started the worker (Linux's PR_SET_PDEATHSIG fires when the starting
    *thread* ends)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        os.kill(os.getpid(), signal.SIGTERM)

    watcher = threading.Thread(target=watch, name="airdef-parent-watch", daemon=True)
    watcher.start()
    return watcher


def start_worker(parent: int) -> None:
    """A pool's initializer: Ctrl-C and a hangup left to the parent, and the worker ends when
    the parent does (pass `os.getpid()` of the parent)."""
    ignore_interrupts_in_worker()
    end_with_parent(parent)


def call_in_deaf_thread(function: Callable[[], T], name: str = "airdef-start") -> T:
    """`function()` in a thread born with SIGINT and SIGHUP blocked, so that every thread and process it
    starts (a Dask cluster's event loop, its workers) is born deaf too; this thread waits for it
    and still takes Ctrl-C at once (the helper is left to the cleanup that follows)."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = function()
        except BaseException as error:  # noqa: BLE001 - handed back to the caller
            outcome["error"] = error

    with children_born_deaf():
        helper = threading.Thread(target=target, name=name, daemon=True)
        helper.start()
    while helper.is_alive():
        helper.join(0.05)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
