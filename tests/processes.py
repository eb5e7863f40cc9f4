"""The processes a command started, for the tests that stop it: which are its descendants, and
which of them still run (a zombie has ended; its parent has not yet read its exit)."""

from __future__ import annotations


def descendants(pid: int) -> list[int]:
    import psutil

    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


def alive(pids: list[int]) -> list[int]:
    import psutil

    running = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                running.append(pid)
        except psutil.Error:
            pass
    return running


def end_group(run) -> None:
    """Kill what is left of a command started with `start_new_session=True` (its process group:
    the command, its workers and their trackers), so that a test that fails leaves nothing
    running; a test that passed has nothing left to kill."""
    import contextlib
    import os
    import signal

    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(run.pid, signal.SIGKILL)
    if run.returncode is None:
        run.kill()
    run.communicate()
