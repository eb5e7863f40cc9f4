"""The report runner: parameterized notebooks run by papermill, shared as self-contained HTML.

One runner serves the command line (`python -m analysis report`), `make reports` and the tests:
it plans the jobs (`jobs.py`: parameters checked before any kernel starts, cache keys), skips the
reports whose notebook, parameters, data and package code are unchanged, runs the others in worker
processes (`execute.py`) and rebuilds the index (`index.py`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.errors import AnalysisError, ParameterUsageError
from analysis.io import file_lock, read_json
from analysis.paths import NOTEBOOK_DIR, PROJECT_ROOT, RECORD_ENV, REPORT_DIR
from analysis.record.locate import find_record
from analysis.reporting.execute import INTERRUPTED_MESSAGE, remove_leftovers, run_job, worker_init
from analysis.reporting.index import write_index, write_last_run
from analysis.reporting.jobs import (
    NOTEBOOK_GLOB,
    JobResult,
    ReportJob,
    is_fresh,
    notebook_metadata,
    now,
    numbered_notebooks,
    plan_jobs,
    shorten,
    write_status,
)
from analysis.reporting.parameters import notebook_parameters, resolve_notebook
from analysis.reporting.sanitize import short_message
from analysis.stopping import (
    children_born_deaf,
    exit_code_of,
    start_resource_tracker,
    stops_deferred,
)
from analysis.terminal import printable

STOP_GRACE_S = 5.0  # a worker told to stop has this long before it is killed

HOW_TO_GET_RECORD = (
    "get the record with `python -m analysis data fetch` (or `make data-fetch`), "
    f"or pass --record PATH / set {RECORD_ENV}"
)


def try_fetch_record() -> str | None:
    """Run `python -m analysis data fetch`; None on success, else why it failed (one line)."""
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "analysis", "data", "fetch"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600, check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"data fetch could not run ({error})"
    if completed.returncode == 0:
        return None
    lines = [line for line in (completed.stderr or completed.stdout).splitlines() if line.strip()]
    return "data fetch failed: " + (lines[-1].strip() if lines else f"exit {completed.returncode}")


@dataclass
class RunOutcome:
    results: list[JobResult] = field(default_factory=list)
    index_path: Path | None = None

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def skipped(self) -> list[JobResult]:
        return [r for r in self.results if r.status == "skipped"]


class _Progress:
    """tqdm on a terminal; one line per report otherwise; only problems when CI=true."""

    def __init__(self, total: int, stream: Any = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
        self.bar = None
        if not self.quiet and total and hasattr(stream, "isatty") and stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="report", file=stream, dynamic_ncols=True)

    def started(self, names: Sequence[str]) -> None:
        if self.bar is not None:
            self.bar.set_description(", ".join(names)[:50])

    def done(self, result: JobResult) -> None:
        line = f"{result.status:>7}  {result.name}/{result.set_name}"
        if result.seconds:
            line += f"  ({result.seconds:.1f} s)"
        if result.message:
            line += f"\n         {result.message}"
        line = printable(line)  # a report's message may quote an input's text
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
            self.bar.update(1)
        elif not self.quiet or result.status in {"failed", "skipped"}:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_reports(
    notebooks: Sequence[str | Path] | None = None,
    *,
    set_name: str | None = None,
    all_sets: bool = False,
    overrides: Sequence[str] = (),
    record: str | Path | None = None,
    fetch_if_missing: bool = False,
    jobs: int = 1,
    force: bool = False,
    output_dir: Path | str = REPORT_DIR,
    stream: Any = None,
) -> RunOutcome:
    """Run reports (all numbered notebooks when `notebooks` is empty) and rebuild the index."""
    stream = stream if stream is not None else sys.stderr
    output_dir = Path(output_dir).resolve()
    chosen = list(notebooks) if notebooks else numbered_notebooks()
    if not chosen:
        raise AnalysisError(f"no notebooks to run ({NOTEBOOK_DIR.name}/{NOTEBOOK_GLOB} is empty)")
    overrides, record = record_from_overrides(chosen, overrides, record)
    record_path = find_record(record)
    fetch_problem = ""
    if record_path is None and fetch_if_missing:
        needing = [p for p in chosen if notebook_metadata(resolve_notebook(p)).get("needs_record")]
        if needing:
            print("no record found: trying `python -m analysis data fetch`", file=stream, flush=True)
            fetch_problem = try_fetch_record() or ""
            record_path = find_record(None)
            if record_path is None and not fetch_problem:
                fetch_problem = "data fetch reported success but no record was found"
    planned = plan_jobs(chosen, set_name, all_sets, overrides, record_path, output_dir)

    outcome = RunOutcome()
    to_run: list[ReportJob] = []
    progress = _Progress(len(planned), stream)
    missing_record_reason = "needs the public record, and none was found"
    if fetch_problem:
        missing_record_reason += f" ({shorten(fetch_problem, 300)})"
    missing_record_reason += f"; {HOW_TO_GET_RECORD}"
    waiting = [job for job in planned if job.needs_record]
    if record_path is None and waiting:
        print(
            f"no record: {len(waiting)} of {len(planned)} reports need it and are skipped; the "
            f"others run.\n  why: {shorten(fetch_problem, 300) or 'no record was found'}"
            f"\n  to fix: {HOW_TO_GET_RECORD}",
            file=stream, flush=True,
        )
    for job in planned:
        if job.needs_record and record_path is None:
            write_status(job, "skipped", missing_record_reason)
            result = JobResult(job.name, job.set_name, "skipped", "needs the record (see above)")
            outcome.results.append(result)
            progress.done(result)
        elif not force and is_fresh(job):
            write_status(job, "ok", "unchanged: not rerun")
            result = JobResult(job.name, job.set_name, "cached")
            outcome.results.append(result)
            progress.done(result)
        else:
            to_run.append(job)

    workers = max(1, min(int(jobs), len(to_run)))
    run_started = now()
    try:
        if workers == 1:
            _run_here(to_run, force, outcome, progress)
        else:
            _run_in_workers(to_run, force, workers, outcome, progress)
    except KeyboardInterrupt as stop:
        with stops_deferred():
            progress.close()
            interrupted, not_run = _account_for_interruption(to_run, outcome, run_started)
            write_last_run(output_dir, {"at": now(), "interrupted": True,
                                        "interrupted_reports": interrupted, "not_run": not_run})
            outcome.index_path = write_index(output_dir)
        raise ReportsInterrupted(interrupted, not_run, outcome, exit_code_of(stop)) from None
    finally:
        progress.close()
    write_last_run(output_dir, {"at": now(), "interrupted": False,
                                "reports": [f"{r.name}/{r.set_name}" for r in outcome.results]})
    outcome.index_path = write_index(output_dir)
    return outcome


def record_from_overrides(notebooks: Sequence[str | Path], overrides: Sequence[str],
                          record: str | Path | None) -> tuple[list[str], str | Path | None]:
    """`-p record=PATH` is the record, as `--record PATH` is: found, checksummed and handed to
    the kernel the same way (its path never written into the shared notebook). Refused for a
    notebook that declares no `record`, and when `--record` names another file."""
    given = [pair for pair in overrides if pair.partition("=")[0].strip() == "record" and "=" in pair]
    if not given:
        return list(overrides), record
    value = given[-1].partition("=")[2].strip()
    for notebook in notebooks:
        path = resolve_notebook(notebook)
        if "record" not in notebook_parameters(path):
            raise ParameterUsageError(f"{path.stem} (-p): unknown parameter record (the notebook "
                                      "reads no record)")
    if record not in (None, "") and value and Path(record).expanduser().resolve() != Path(value).expanduser().resolve():
        raise ParameterUsageError(f"-p record={value} and --record {record} name different files; give one")
    rest = [pair for pair in overrides if pair not in given]
    return rest, (value or record or None)


class ReportsInterrupted(AnalysisError):
    """Ctrl-C: the running reports were stopped, the others not started; the index says which."""

    exit_code = 130

    def __init__(self, interrupted: list[str], not_run: list[str], outcome: RunOutcome,
                 exit_code: int = 130) -> None:
        self.outcome = outcome
        self.exit_code = exit_code  # 128 + the signal: 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP
        parts = [f"stopped {', '.join(interrupted)}" if interrupted else "",
                 f"{len(not_run)} report{'s' if len(not_run) != 1 else ''} not run" if not_run else ""]
        done = sum(r.status in {"ok", "cached", "failed", "skipped"} for r in outcome.results)
        parts.append(f"{done} finished before")
        super().__init__("interrupted: " + "; ".join(p for p in parts if p)
                         + "; earlier good reports are kept")


def _run_here(to_run: Sequence[ReportJob], force: bool, outcome: RunOutcome, progress: _Progress) -> None:
    """One report after another in this process (Ctrl-C stops the kernel; see execute.run_job)."""
    if to_run:
        worker_init()
    for job in to_run:
        progress.started([f"{job.name}/{job.set_name}"])
        result = run_job(job, force)
        outcome.results.append(result)
        progress.done(result)


def _run_in_workers(to_run: Sequence[ReportJob], force: bool, workers: int, outcome: RunOutcome,
                    progress: _Progress) -> None:
    """A pool of `workers` long-lived processes: each pays its imports once and runs its share of
    notebooks in turn (kernels are not started from threads). On Ctrl-C the pool is stopped:
    queued reports are cancelled and the workers told to stop (SIGTERM), then killed if they
    have not within a few seconds; a worker also ends when this process dies."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # no forked copies of locks or threads
    before = set(multiprocessing.active_children())
    start_resource_tracker()  # before the pool's queues register with it: deaf to a hangup
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=worker_init,
                               initargs=(os.getpid(),))
    try:
        with children_born_deaf():  # a Ctrl-C while the workers start reaches only this process
            futures = {pool.submit(run_job, job, force): job for job in to_run}
        for future in as_completed(futures):
            job = futures[future]
            try:
                result = future.result()
            except Exception as error:  # a worker that died: report it, clean up after it, keep going
                result = JobResult(job.name, job.set_name, "failed",
                                   f"{job.name}/{job.set_name}: worker failed: {short_message(str(error))}")
                _clean_up_after_a_dead_worker(job, result.message)
            outcome.results.append(result)
            progress.done(result)
    except KeyboardInterrupt:
        with stops_deferred():
            pool.shutdown(wait=False, cancel_futures=True)
            _stop_workers([p for p in multiprocessing.active_children() if p not in before])
        raise
    pool.shutdown(wait=True)


def _clean_up_after_a_dead_worker(job: ReportJob, message: str) -> None:
    """A worker killed mid-report (out of memory, `kill -9`) left its running notebook and
    perhaps half an output: remove them under the report's lock, and say why this attempt failed
    (the previous good report stays)."""
    with file_lock(job.report_dir / f".{job.set_name}.lock"):
        remove_leftovers(job)
        write_status(job, "failed", message)


def _stop_workers(processes: Sequence[Any], grace_s: float = STOP_GRACE_S) -> None:
    """SIGTERM to each worker (it kills its kernel and cleans up), then SIGKILL to any left."""
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + grace_s
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join(1.0)


def _account_for_interruption(to_run: Sequence[ReportJob], outcome: RunOutcome,
                              run_started: str) -> tuple[list[str], list[str]]:
    """Which reports were stopped while running and which never started; their results."""
    finished = {(r.name, r.set_name) for r in outcome.results}
    interrupted, not_run = [], []
    for job in to_run:
        if (job.name, job.set_name) in finished:
            continue
        label = f"{job.name}/{job.set_name}"
        status = read_json(job.path(".status.json")) or {}
        if status.get("status") == "interrupted" and str(status.get("at", "")) >= run_started:
            interrupted.append(label)
            outcome.results.append(JobResult(job.name, job.set_name, "interrupted", INTERRUPTED_MESSAGE))
        else:
            not_run.append(label)
            outcome.results.append(JobResult(job.name, job.set_name, "not run"))
    return interrupted, not_run


# --------------------------------------------------------------------------------------------
# The index page


def result_table(results: Sequence[JobResult]) -> dict[str, int]:
    """How many reports ended in each state."""
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    return counts
