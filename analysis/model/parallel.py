"""Every core of this machine, or a Dask cluster, with the numbers of one process.

- `run_tasks(function, tasks, scheduler=..., workers=...)` calls `function(task)` for every task
  and hands each result back as it completes. Schedulers: `local` (a pool of `workers` processes
  on this machine, default every core; one worker runs in this process), `processes` (a Dask
  LocalCluster of `workers` processes, every socket on 127.0.0.1) or the address of a running
  Dask scheduler (`tcp://host:8786`). The caller orders the results, so the schedulers agree.
- `simulate(scenario, workers=N)` splits one simulation's blocks of runs (`BLOCK_RUNS`, each with
  its own random streams) into contiguous parts, simulates them in parallel and merges them into
  exactly the result of `depletion.simulate`: per-run figures are concatenated; the per-day sums
  behind the means are whole numbers, recovered exactly from each part and added.

Worker processes are started with `spawn` (no state inherited from a notebook kernel or a thread)
and ignore Ctrl-C: the parent stops them and keeps what finished. A worker whose parent is gone
(killed, or a kernel that exited) ends itself.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from analysis.errors import AnalysisError, UsageError
from analysis.stopping import (
    call_in_deaf_thread,
    children_born_deaf,
    start_resource_tracker,
    start_worker,
)

PARTS_PER_WORKER = 4

OnResult = Callable[[int, Any], None]
OnError = Callable[[int, str], None]


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def resolve_workers(workers: int | None) -> int:
    """`None` or 0: every core; else the number given (at least 1)."""
    if workers is None or workers == 0:
        return available_cores()
    if workers < 0:
        raise UsageError(f"--workers {workers}: must be at least 1 (0: every core)")
    return int(workers)


@contextlib.contextmanager
def progress_bar(total: int, initial: int, show: bool | None, unit: str, desc: str) -> Iterator[Any]:
    """A console progress bar (tqdm), shown on a terminal outside CI unless `show` says otherwise."""
    from tqdm import tqdm  # the console bar: the widget one needs ipywidgets in notebooks

    if show is None:
        show = sys.stderr.isatty() and os.environ.get("CI", "").lower() not in {"1", "true", "yes"}
    bar = tqdm(total=total, initial=initial, unit=unit, desc=desc, disable=not show)
    try:
        yield bar
    finally:
        bar.close()


def _call(function: Callable[[Any], Any], index: int, task: Any) -> tuple[int, bool, Any]:
    """Run one task; an exception comes back as its message (it may not pickle)."""
    try:
        return index, True, function(task)
    except Exception as error:  # noqa: BLE001 - reported per task by the parent
        return index, False, f"{type(error).__name__}: {error}"


def _raise(index: int, message: str) -> None:
    raise AnalysisError(f"task {index} failed: {message}")


def local_cluster(workers: int) -> Any:
    """A LocalCluster with every socket, the dashboard included, on loopback and random ports.

    The workers log nothing below CRITICAL: on Ctrl-C the scheduler goes first and busy workers
    would print tracebacks of failed heartbeats into the terminal; a task's own failure still
    comes back to the caller. The cluster is made in a thread born deaf to Ctrl-C, so that its
    event loop and every worker process are too: a Ctrl-C from a terminal (which reaches the
    whole process group) stops only this process, which stops them; a worker still importing
    printed a traceback before."""
    import logging

    from dask.distributed import LocalCluster

    return call_in_deaf_thread(lambda: LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        scheduler_port=0,
        silence_logs=logging.CRITICAL,
    ), name="airdef-dask-start")


@contextlib.contextmanager
def quiet_when_interrupted() -> Iterator[None]:
    """Ctrl-C stops a Dask run with one line: what the interruption cuts short in Dask's threads
    and exit hook (a half-started cluster, a nanny's start) would print tracebacks."""
    try:
        yield
    except KeyboardInterrupt:
        # A stop during Dask's own imports leaves them half done: quieting Dask may then fail,
        # and must not replace the stop (it printed "module 'dask' has no attribute 'utils'").
        with contextlib.suppress(Exception):
            _quiet_dask()
        _stop_children()
        raise


def _quiet_dask() -> None:
    """No Dask logger speaks, no cluster starts a worker again, no exit hook closes clusters."""
    import atexit
    import logging

    from distributed.deploy import spec

    for logger in ("asyncio", "distributed", "tornado"):
        logging.getLogger(logger).setLevel(logging.CRITICAL + 1)
    atexit.unregister(spec.close_clusters)  # its worker processes end with this one anyway
    for cluster in list(spec.SpecCluster._instances):  # noqa: SLF001 - no cluster starts a worker again
        with contextlib.suppress(Exception):
            loop = cluster.loop
            if loop is not None:
                loop.add_callback(loop.stop)


def _stop_children(quiet_for: float = 0.5, at_most: float = 3.0) -> None:
    """Kill this process's children until none has appeared for `quiet_for` seconds (at most
    `at_most`). A Dask worker process still starting when this one exits fails to load its
    state and prints that traceback into the terminal; a half-built cluster may start one more
    after the first round, so the rounds go on until no new one comes."""
    import time
    from multiprocessing import resource_tracker

    import psutil

    me = psutil.Process()
    tracker = getattr(resource_tracker._resource_tracker, "_pid", None)  # noqa: SLF001 - it ends with us
    started = last_seen = time.monotonic()
    while time.monotonic() - last_seen < quiet_for and time.monotonic() - started < at_most:
        children = [c for c in me.children(recursive=True) if c.pid != tracker]
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.kill()
        if children:
            psutil.wait_procs(children, timeout=1.0)
            last_seen = time.monotonic()
        time.sleep(0.05)


def run_tasks(
    function: Callable[[Any], Any],
    tasks: Sequence[Any],
    *,
    on_result: OnResult,
    scheduler: str = "local",
    workers: int | None = None,
    on_error: OnError | None = None,
    on_dashboard: Callable[[str], None] | None = None,
    name: str = "task",
) -> str | None:
    """Call `function(task)` for each task; `on_result(index, result)` as each one completes.

    `function` must be importable by the workers (a module-level function of this package). A
    task that raises, or whose worker is lost, goes to `on_error(index, message)` (default: raise
    `AnalysisError`). Returns the Dask dashboard link of a LocalCluster, else None.
    """
    on_error = on_error or _raise
    if not tasks:
        return None
    workers = resolve_workers(workers)
    if scheduler == "local":
        _run_local(function, tasks, workers, on_result, on_error)
        return None
    with quiet_when_interrupted():
        return _run_dask(function, tasks, scheduler, workers, on_result, on_error, on_dashboard, name)


def _run_local(
    function: Callable[[Any], Any], tasks: Sequence[Any], workers: int,
    on_result: OnResult, on_error: OnError,
) -> None:
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    def deliver(index: int, ok: bool, value: Any) -> None:
        (on_result if ok else on_error)(index, value)

    if workers == 1 or len(tasks) == 1:
        for index, task in enumerate(tasks):
            deliver(*_call(function, index, task))
        return
    # a broken worker (it could not start, or died) fails its tasks instead of hanging the pool
    start_resource_tracker()  # before the pool's queues register with it: deaf to a hangup
    pool = ProcessPoolExecutor(max_workers=min(workers, len(tasks)),
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_worker, initargs=(os.getpid(),))
    finished = False
    try:
        with children_born_deaf():  # a Ctrl-C while the workers start reaches only this process
            pending = {pool.submit(_call, function, index, task): index
                       for index, task in enumerate(tasks)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                try:
                    deliver(*future.result())
                except Exception as error:  # noqa: BLE001 - BrokenProcessPool and the like
                    on_error(index, f"{type(error).__name__}: {error}")
        finished = True
    finally:
        if not finished:  # Ctrl-C or a failure: stop the workers now, keep what was delivered
            processes = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
        pool.shutdown(wait=True)


def _run_dask(
    function: Callable[[Any], Any], tasks: Sequence[Any], scheduler: str, workers: int,
    on_result: OnResult, on_error: OnError, on_dashboard: Callable[[str], None] | None, name: str,
) -> str | None:
    import uuid

    from dask.distributed import Client, as_completed

    cluster = local_cluster(workers) if scheduler == "processes" else None
    try:
        try:
            client = Client(cluster) if cluster is not None else Client(scheduler, timeout="10s")
        except (OSError, ValueError) as error:
            raise AnalysisError(f"cannot reach the Dask scheduler at {scheduler!r}: {error}") from None
        with client:
            dashboard = client.dashboard_link if cluster is not None else None
            if dashboard and on_dashboard:
                on_dashboard(dashboard)
            token = uuid.uuid4().hex[:8]
            futures = {
                client.submit(_call, function, index, task, key=f"{name}-{token}-{index}", pure=False): index
                for index, task in enumerate(tasks)
            }
            for future in as_completed(futures):
                index = futures[future]
                try:
                    _, ok, value = future.result()
                except Exception as error:  # noqa: BLE001 - a lost worker fails one task only
                    ok, value = False, f"{type(error).__name__}: {error}"
                (on_result if ok else on_error)(index, value)
        return dashboard
    finally:
        if cluster is not None:
            cluster.close()


# --- one simulation across processes ------------------------------------------------------------


def block_parts(runs: int, parts: int, block_runs: int) -> list[tuple[int, int]]:
    """Contiguous (first run, runs) parts of whole blocks, as even as the blocks allow."""
    blocks = math.ceil(runs / block_runs)
    parts = max(1, min(parts, blocks))
    edges = [round(i * blocks / parts) for i in range(parts + 1)]
    return [(edges[i] * block_runs, min(edges[i + 1] * block_runs, runs) - edges[i] * block_runs)
            for i in range(parts)]


def _simulate_part(task: tuple) -> Any:
    from analysis.model.depletion import simulate as simulate_one

    scenario, runs, seed, first, band, chunk_runs, keep_runs, record = task
    return simulate_one(scenario, runs=runs, seed=seed, run_offset=first, band_runs=band,
                        chunk_runs=chunk_runs, keep_runs=keep_runs, record=record, calibrate=False)


def simulate(
    scenario: Any,
    *,
    runs: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str = "local",
    record: Any = None,
    chunk_runs: int | None = None,
    band_runs: int | None = None,
    keep_runs: bool = False,
    calibrate: bool = True,
) -> Any:
    """`depletion.simulate` on `workers` processes (default every core): the same result exactly.

    A simulation of one block (`BLOCK_RUNS` runs or fewer) runs in this process.
    """
    from analysis.model import depletion

    runs = int(scenario.runs if runs is None else runs)
    seed = int(scenario.seed if seed is None else seed)
    band = depletion.DEFAULT_BAND_RUNS if band_runs is None else band_runs
    workers = resolve_workers(workers)
    # a few parts per worker keep the workers busy when the last block is short
    parts = block_parts(runs, workers * PARTS_PER_WORKER, depletion.BLOCK_RUNS) if runs >= 1 else []
    if scheduler == "local" and (workers == 1 or len(parts) <= 1):
        return depletion.simulate(scenario, runs=runs, seed=seed, record=record, chunk_runs=chunk_runs,
                                  band_runs=band, keep_runs=keep_runs, calibrate=calibrate)
    frame = depletion.resolve_record(record, scenario) if scenario.needs_record else None
    report = None
    if calibrate and scenario.calibration is not None:
        from analysis.model.calibration import calibrate as solve

        scenario, report = solve(scenario, record=frame)
    tasks = [
        (scenario, n, seed, first, max(0, min(band, runs) - first), chunk_runs, keep_runs,
         frame if scenario.needs_record else None)
        for first, n in parts
    ]
    results: dict[int, Any] = {}
    run_tasks(_simulate_part, tasks, on_result=results.__setitem__, scheduler=scheduler,
              workers=workers, name="simulate-part")
    return merge_parts([results[i] for i in range(len(tasks))], calibration=report, band_runs=band)


def merge_parts(parts: Sequence[Any], calibration: dict[str, Any] | None = None,
                band_runs: int | None = None) -> Any:
    """One `SimulationResult` from the results of consecutive parts of one simulation.

    Per-run arrays (runs on their last axis) are concatenated; the per-day means are recovered as
    whole-number sums and added; the "while stocked" totals are added; `band_runs`: the band of the
    whole simulation (its first runs), a part beyond it may hold a token band run, left out."""
    import dataclasses

    from analysis.model.results import SimulationResult

    first = parts[0]
    runs = sum(p.runs for p in parts)
    band = None if band_runs is None else min(band_runs, runs)
    shared = {"scenario", "seed", "interceptors", "classes", "days", "deliveries", "pairs", "extra"}
    values: dict[str, Any] = {"runs": runs, "calibration": calibration or None}
    for field in dataclasses.fields(SimulationResult):
        name = field.name
        if name in values:
            continue
        mine = [getattr(p, name) for p in parts]
        if name in shared:
            values[name] = mine[0]
        elif name.startswith("mean_"):
            # each part's mean is its whole-number sum / its runs: rint recovers the sum exactly
            values[name] = sum(np.rint(m * p.runs) for m, p in zip(mine, parts, strict=True)) / runs
        elif name.startswith("band_"):
            values[name] = np.concatenate(mine, axis=2)[:, :, :band]
        elif name in {"stocked_arrivals", "stocked_kills"}:
            values[name] = sum(mine)
        elif name == "kept":
            values[name] = None if mine[0] is None else {
                key: np.concatenate([m[key] for m in mine], axis=2) for key in mine[0]}
        elif mine[0] is None:
            values[name] = None
        else:  # per-run figures: runs on the last axis
            values[name] = np.concatenate(mine, axis=-1)
    if calibration:
        for k, cls in enumerate(first.classes):
            entry = calibration["classes"].get(cls)
            if entry is not None and values["stocked_arrivals"][k] > 0:
                entry["simulated_while_stocked"] = float(
                    values["stocked_kills"][k] / values["stocked_arrivals"][k])
    return SimulationResult(**values)
