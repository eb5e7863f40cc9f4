"""Running one report in a worker process: papermill executes the notebook, nbconvert shares it.

A failing notebook never replaces a good report: the executed notebook with the error is kept as
`<set>.failed.ipynb` beside it. Every file is written to a temporary name and renamed; a lock per
report keeps two runs at once apart; the summary, written last, keeps the size and checksum of
the others. What is shared passes `sanitize` first: sanitised HTML, no machine paths, errors cut
to the lines at fault.

Stopping: in the runner's own process Ctrl-C raises KeyboardInterrupt; a worker process ignores
Ctrl-C (the runner decides) and stops on SIGTERM, or when the runner dies. Either way the kernel
is killed, the temporary notebook removed and the report's status says it was interrupted; the
previous good report stays.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from analysis.errors import AnalysisError
from analysis.io import (
    TEMPORARY_SUFFIX,
    atomic_write_bytes,
    atomic_write_text,
    file_lock,
    temporary_prefix,
)
from analysis.paths import PROJECT_ROOT, RECORD_ENV
from analysis.provenance import code_version
from analysis.reporting.jobs import (
    REPORT_FILES,
    STATE_SUFFIXES,
    JobResult,
    ReportJob,
    data_line,
    describe_data,
    fingerprint,
    is_fresh,
    now,
    shown_parameters,
    write_status,
)
from analysis.reporting.sanitize import (
    scrub_paths,
    scrub_run_metadata,
    shareable_outputs,
    short_message,
)
from analysis.stopping import end_with_parent, ignore_interrupts_in_worker

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
EXECUTION_TIMEOUT_S = 900
# Every kernel: figures get their alt text, and warnings are one line each (never the source line
# Python's formatter would quote: for a RecordWarning, a raw line of the record).
ALT_TEXT_HOOK = ("--IPKernelApp.exec_lines=from analysis.reporting.summary import "
                 "describe_displayed_figures as _alt; _alt(); del _alt; "
                 "from analysis.reporting.execute import one_line_warnings as _w; _w(); del _w")
INTERRUPTED_MESSAGE = ("interrupted before it finished (Ctrl-C, or the runner was stopped); the "
                       "previous report, if any, is kept")

def one_line_warnings() -> None:
    """In a report's kernel: each warning one line, `warning: FILE:LINE: message`, as on the
    command line. Python's own formatter adds the source line at FILE:LINE, which for a warning
    about the record (raised at the record's file and line) is a raw line of the record; a
    report quotes none."""
    import warnings

    from analysis.terminal import show_warning

    warnings.showwarning = show_warning


# The job this process is running and its temporary notebook, for a stop signal to clean up.
_CURRENT: dict[str, Any] = {}


def export_html(notebook: Any, job: ReportJob, show_code: bool, provenance: Mapping[str, Any],
                failed: str = "") -> str:
    """Self-contained HTML of an executed notebook with the project's template (whose
    preprocessor sanitises every fragment first)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        template_name="airdef",
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=not show_code,
    )
    stem = job.set_name + (".failed" if failed else "")
    other = f"{stem}.html" if show_code else f"{stem}.code.html"
    code = provenance.get("code", {})
    resources = {
        "metadata": {"name": f"{job.name} / {job.set_name}"},
        "airdef": {
            "notebook": job.name,
            "set": job.set_name,
            "parameters": json.dumps(shown_parameters(provenance.get("parameters", {}))),
            "data": data_line(provenance.get("data", {})),
            "code": f"{code.get('package')} {code.get('version')} commit {code.get('git_commit')}",
            "run_at": provenance.get("run_at", ""),
            "code_variant": other,
            "code_variant_label": "hide code" if show_code else "show code",
            "failed": failed,
        },
    }
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return body


def shareable_executed(notebook: Any) -> Any:
    """The executed notebook as it is shared: outputs without machine paths, errors cut short,
    and no absolute path in the parameters papermill injected (the Markdown stays Markdown)."""
    scrub_run_metadata(notebook)
    for cell in notebook.cells:
        if cell.get("cell_type") != "code":
            continue
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = scrub_paths(cell.source)
        cell.outputs = shareable_outputs(cell.get("outputs", []))
    return notebook


def _failed_cell(error: Exception, executed: Any, source_path: str) -> str:
    """'cell 4 (In [3]: its first line): ValueError: ...', counting cells of the source notebook."""
    import nbformat

    where = "a cell"
    failing = next(
        (cell for cell in executed.cells
         if any(o.get("output_type") == "error" for o in cell.get("outputs", []))),
        None,
    ) if executed is not None else None
    if failing is not None:
        source_cells = nbformat.read(source_path, as_version=4).cells
        ids = [cell.get("id") for cell in source_cells]
        position = ids.index(failing.get("id")) + 1 if failing.get("id") in ids else None
        lines = failing.source.strip().splitlines()
        first = lines[0][:60] if lines else ""
        count = failing.get("execution_count")
        label = f"cell {position}" if position else "the injected parameters cell"
        where = f"{label} (In [{count}]: {first})"
    ename = getattr(error, "ename", type(error).__name__)
    evalue = str(getattr(error, "evalue", error)).strip().splitlines()
    # The last line says what is wrong; an input error never quotes more than its line.
    return short_message(f"{where}: {ename}: {evalue[-1] if evalue else ''}")


def run_job(job: ReportJob, force: bool = False) -> JobResult:
    """Execute one report and write its files; never raises for a notebook's own failure."""
    started = time.perf_counter()
    with file_lock(job.report_dir / f".{job.set_name}.lock"):
        remove_leftovers(job)
        # Another run may have produced this very report while we waited for the lock.
        if not force and is_fresh(job):
            return JobResult(job.name, job.set_name, "cached")
        children_before = _child_pids()
        try:
            with _record_for_kernels(job.record):
                return _execute(job, started)
        except AnalysisError as error:
            write_status(job, "failed", str(error))
            return JobResult(job.name, job.set_name, "failed", short_message(str(error)),
                             time.perf_counter() - started)
        except KeyboardInterrupt:  # Ctrl-C in the runner's own process (one job at a time)
            stop_processes(_child_pids() - children_before)
            write_status(job, "interrupted", INTERRUPTED_MESSAGE)
            raise


# Every file a report's run writes through a temporary name, and the random part's letters.
# Not the status: the runner also writes it without the lock (a report skipped or unchanged), so
# its temporary file may be another run's live one; a killed write of it leaves a few bytes.
_WRITTEN = (*REPORT_FILES, *(s for s in STATE_SUFFIXES if s != ".status.json"),
            ".failed.ipynb", ".failed.html")
_RANDOM = "[a-z0-9_]{8}"  # tempfile.mkstemp's


def leftovers(job: ReportJob) -> list[Path]:
    """Temporary files of this report that a killed worker could not remove: its running
    notebook and half-written outputs. Matched exactly (prefix, 8 random letters, ending), so a
    set whose name extends this one's ('ci' and 'ci.v2') is never touched."""
    patterns = [re.escape(f".{job.set_name}.") + _RANDOM + re.escape(".running.ipynb")]
    patterns += [re.escape(temporary_prefix(job.path(suffix))) + _RANDOM + re.escape(TEMPORARY_SUFFIX)
                 for suffix in _WRITTEN]
    exact = re.compile("|".join(f"(?:{p})" for p in patterns))
    try:
        return [path for path in job.report_dir.iterdir() if exact.fullmatch(path.name)]
    except FileNotFoundError:
        return []


def remove_leftovers(job: ReportJob) -> None:
    """Remove `leftovers(job)`. Only under the report's lock: no live run is writing them."""
    for path in leftovers(job):
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def _record_for_kernels(record: str | None) -> Iterator[None]:
    """The record reaches the kernels through $AIRDEF_RECORD for this run only: a runner working in
    its own process (one job) must not leave the last report's record to whatever runs next."""
    before = os.environ.get(RECORD_ENV)
    if record:
        os.environ[RECORD_ENV] = record
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(RECORD_ENV, None)
        else:
            os.environ[RECORD_ENV] = before


def _execute(job: ReportJob, started: float) -> JobResult:
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from analysis.reporting.summary import extract_summary, shareable_summary

    run_at = now()
    provenance = {
        "parameters": shown_parameters(job.parameters),
        "data": describe_data(job),
        "code": code_version(),
        "run_at": run_at,
    }
    job.report_dir.mkdir(parents=True, exist_ok=True)
    handle, running = tempfile.mkstemp(dir=job.report_dir, prefix=f".{job.set_name}.", suffix=".running.ipynb")
    os.close(handle)
    running_path = Path(running)
    os.chmod(running_path, 0o644)
    _CURRENT.update(job=job, running=running_path)
    failure = ""
    try:
        try:
            papermill.execute_notebook(
                job.notebook,
                str(running_path),
                parameters=dict(job.injected),
                kernel_name="python3",
                progress_bar=False,
                request_save_on_cell_execute=False,
                execution_timeout=EXECUTION_TIMEOUT_S,
                # The kernel's warning about TCP on loopback is noise in the progress display;
                # every figure the kernel displays gets its alt text.
                extra_arguments=["--IPKernelApp.log_level=ERROR", ALT_TEXT_HOOK],
                # The work is done and saved: stop the kernel at once, without the interrupt and
                # wait of a graceful shutdown.
                shutdown_kernel="immediate",
                cwd=str(Path(job.notebook).parent),
            )
        except PapermillExecutionError as error:
            failure = _failed_cell(error, nbformat.read(running_path, as_version=4), job.notebook)
        except Exception as error:  # a kernel that dies or never starts is a failed report too
            failure = short_message(f"the notebook could not run: {type(error).__name__}: {error}")
        executed = None
        if running_path.stat().st_size:
            executed = shareable_executed(nbformat.read(running_path, as_version=4))
        summary = extract_summary(executed) if executed is not None and not failure else None
        if not failure and summary is None:
            failure = "the notebook displayed no Summary (its last cell should display one)"
        seconds = round(time.perf_counter() - started, 2)
        if failure:
            message = f"{job.name}/{job.set_name}: {failure}"
            if executed is not None:
                atomic_write_text(job.path(".failed.ipynb"), nbformat.writes(executed))
                atomic_write_text(job.path(".failed.html"),
                                  export_html(executed, job, True, provenance, failed=failure))
            write_status(job, "failed", message, seconds=seconds,
                         failed_notebook=job.path(".failed.ipynb").name)
            return JobResult(job.name, job.set_name, "failed", message, seconds)

        summary = shareable_summary(summary)
        contents = {
            ".ipynb": nbformat.writes(executed).encode("utf-8"),
            ".html": export_html(executed, job, False, provenance).encode("utf-8"),
            ".code.html": export_html(executed, job, True, provenance).encode("utf-8"),
        }
        summary["report"] = {
            "notebook": job.name,
            "set": job.set_name,
            "cache_key": job.cache_key,
            "seconds": seconds,
            "html": job.path(".html").name,
            "html_with_code": job.path(".code.html").name,
            "executed_notebook": job.path(".ipynb").name,
            "files": {suffix: fingerprint(data) for suffix, data in contents.items()},
            **provenance,
        }
        if job.code is not None:  # what the figures depend on, as far as the cache key knows
            summary["report"].update(code_scope=job.code.scope, code_modules=list(job.code.modules),
                                     code_data=list(job.code.data))
        # The summary goes last: it is what marks the report complete, and it vouches for the
        # size and checksum of each file written before it.
        for suffix, data in contents.items():
            atomic_write_bytes(job.path(suffix), data)
        atomic_write_text(job.path(".summary.json"), json.dumps(summary, indent=2, default=str))
        for stale in (".failed.ipynb", ".failed.html"):
            job.path(stale).unlink(missing_ok=True)
        write_status(job, "ok", seconds=seconds)
        return JobResult(job.name, job.set_name, "ok", "", seconds)
    finally:
        running_path.unlink(missing_ok=True)
        _CURRENT.clear()


# --------------------------------------------------------------------------------------------
# Stopping: kernels, worker processes


def _child_pids() -> set[int]:
    import psutil

    try:
        return {child.pid for child in psutil.Process().children()}
    except psutil.Error:
        return set()


def stop_processes(pids: set[int] | list[int], grace_s: float = 2.0) -> None:
    """Terminate these processes and everything they started; kill what is left after `grace_s`."""
    import psutil

    processes = []
    for pid in pids:
        try:
            parent = psutil.Process(pid)
            processes += [*parent.children(recursive=True), parent]
        except psutil.Error:
            continue
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.terminate()
    _, alive = psutil.wait_procs(processes, timeout=grace_s)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(alive, timeout=grace_s)


def _stop_worker(signum: int, frame: Any) -> None:
    """SIGTERM in a worker: the runner was interrupted or has died. Kill the kernel, remove the
    temporary files, say so in the report's status, and exit at once (no traceback)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        stop_processes(_child_pids(), grace_s=1.0)
        job, running = _CURRENT.get("job"), _CURRENT.get("running")
        if running is not None:
            Path(running).unlink(missing_ok=True)
        if job is not None:  # under the report's lock, so these are this run's own
            remove_leftovers(job)
            write_status(job, "interrupted", INTERRUPTED_MESSAGE)
    finally:
        os._exit(130)


def worker_init(parent: int | None = None) -> None:
    """Pay the imports once per worker process, not once per notebook. In a worker process
    (`parent` given) Ctrl-C is left to the runner, and SIGTERM or the runner's end stop it."""
    from analysis.paths import keep_runtime_state_in_project

    keep_runtime_state_in_project()
    if parent is not None:
        ignore_interrupts_in_worker()
        signal.signal(signal.SIGTERM, _stop_worker)
        end_with_parent(parent)
    # Kernels import `analysis` from this checkout, even when another one is installed in the venv.
    path = os.environ.get("PYTHONPATH", "")
    if str(PROJECT_ROOT) not in path.split(os.pathsep):
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), path) if p)
    # Kernels fit many small models: one BLAS thread each is several times faster than threads
    # competing for the same cores, and reports already run in parallel processes.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    import nbconvert  # noqa: F401
    import nbformat  # noqa: F401
    import papermill  # noqa: F401
