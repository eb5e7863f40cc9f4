"""Running one report in a worker process: papermill executes the notebook, nbconvert shares it.

A failing notebook never replaces a good report: the executed notebook with the error is kept as
`<set>.failed.ipynb` beside it. Every file is written to a temporary name and renamed; a lock per
report keeps two runs at once apart.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analysis.errors import AnalysisError
from analysis.io import atomic_write_text, file_lock
from analysis.paths import PROJECT_ROOT, RECORD_ENV
from analysis.provenance import code_version
from analysis.reporting.jobs import (
    JobResult,
    ReportJob,
    data_line,
    describe_data,
    is_fresh,
    now,
    shown_parameters,
    write_status,
)

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
EXECUTION_TIMEOUT_S = 900


def export_html(notebook: Any, job: ReportJob, show_code: bool, provenance: Mapping[str, Any],
                failed: str = "") -> str:
    """Self-contained HTML of an executed notebook with the project's template."""
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
    return f"{where}: {ename}: {evalue[-1] if evalue else ''}"


def run_job(job: ReportJob, force: bool = False) -> JobResult:
    """Execute one report and write its files; never raises for a notebook's own failure."""
    started = time.perf_counter()
    with file_lock(job.report_dir / f".{job.set_name}.lock"):
        # Another run may have produced this very report while we waited for the lock.
        if not force and is_fresh(job):
            return JobResult(job.name, job.set_name, "cached")
        try:
            return _execute(job, started)
        except AnalysisError as error:
            write_status(job, "failed", str(error))
            return JobResult(job.name, job.set_name, "failed", str(error),
                             time.perf_counter() - started)


def _execute(job: ReportJob, started: float) -> JobResult:
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from analysis.reporting.summary import extract_summary

    if job.record:
        os.environ[RECORD_ENV] = job.record
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
    os.chmod(running_path, 0o644)  # it becomes the shared executed notebook
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
                # The kernel's warning about TCP on loopback is noise in the progress display.
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
                # The work is done and saved: stop the kernel at once, without the interrupt and
                # wait of a graceful shutdown.
                shutdown_kernel="immediate",
                cwd=str(Path(job.notebook).parent),
            )
        except PapermillExecutionError as error:
            failure = _failed_cell(error, nbformat.read(running_path, as_version=4), job.notebook)
        except Exception as error:  # a kernel that dies or never starts is a failed report too
            failure = f"the notebook could not run: {type(error).__name__}: {error}"
        executed = None
        if running_path.stat().st_size:
            executed = nbformat.read(running_path, as_version=4)
        summary = extract_summary(executed) if executed is not None and not failure else None
        if not failure and summary is None:
            failure = "the notebook displayed no Summary (its last cell should display one)"
        seconds = round(time.perf_counter() - started, 2)
        if failure:
            message = f"{job.name}/{job.set_name}: {failure}"
            if executed is not None:
                nbformat.write(executed, str(running_path))
                os.replace(running_path, job.path(".failed.ipynb"))
                atomic_write_text(job.path(".failed.html"),
                                  export_html(executed, job, True, provenance, failed=failure))
            write_status(job, "failed", message, seconds=seconds,
                          failed_notebook=job.path(".failed.ipynb").name)
            return JobResult(job.name, job.set_name, "failed", message, seconds)

        summary["report"] = {
            "notebook": job.name,
            "set": job.set_name,
            "cache_key": job.cache_key,
            "seconds": seconds,
            "html": job.path(".html").name,
            "html_with_code": job.path(".code.html").name,
            "executed_notebook": job.path(".ipynb").name,
            **provenance,
        }
        if job.code is not None:  # what the figures depend on, as far as the cache key knows
            summary["report"].update(code_scope=job.code.scope, code_modules=list(job.code.modules),
                                     code_data=list(job.code.data))
        hidden = export_html(executed, job, False, provenance)
        shown = export_html(executed, job, True, provenance)
        # The summary goes last: it is what marks the report complete and fresh.
        os.replace(running_path, job.path(".ipynb"))
        atomic_write_text(job.path(".html"), hidden)
        atomic_write_text(job.path(".code.html"), shown)
        atomic_write_text(job.path(".summary.json"), json.dumps(summary, indent=2, default=str))
        for stale in (".failed.ipynb", ".failed.html"):
            job.path(stale).unlink(missing_ok=True)
        write_status(job, "ok", seconds=seconds)
        return JobResult(job.name, job.set_name, "ok", "", seconds)
    finally:
        running_path.unlink(missing_ok=True)


def worker_init() -> None:
    """Pay the imports once per worker process, not once per notebook."""
    from analysis.paths import keep_runtime_state_in_project

    keep_runtime_state_in_project()
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
