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
