"""Shared fixtures: the public-record snapshots beside the checkout (skipped where absent), the
synthetic sample record shipped in data/sample/ (always there), the notebook runs that several
test modules read (each run once per session, whichever xdist worker asks first), and headless
Chromium."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis.io import file_lock
from analysis.paths import SHARED_RECORD_DIR, keep_runtime_state_in_project
from analysis.record import SAMPLE_RECORD

keep_runtime_state_in_project()

CURRENT_SNAPSHOT = "missile_attacks_daily_2026-06-07.csv"
OLDER_SNAPSHOT = "missile_attacks_daily_2025-03-30_older_schema.csv"
CATALOGUE_SNAPSHOT = "missiles_and_uavs_2026-06-07.csv"


def snapshot_path(name: str) -> Path | None:
    """A public-record snapshot beside the checkout, or None where there is none (a fresh clone)."""
    path = SHARED_RECORD_DIR / name
    return path if path.is_file() else None


def _snapshot(name: str) -> Path:
    path = snapshot_path(name)
    if path is None:
        pytest.skip(f"needs the public-record snapshot {name}, which sits outside the project "
                    f"(not found in {SHARED_RECORD_DIR}); the notebook tests run on the synthetic "
                    "sample in data/sample/ instead")
    return path


@pytest.fixture(scope="session")
def record_path() -> Path:
    """The current-schema snapshot (2026-06-07)."""
    return _snapshot(CURRENT_SNAPSHOT)


@pytest.fixture(scope="session")
def older_record_path() -> Path:
    """The older-schema snapshot (2025-03-30, 17 columns)."""
    return _snapshot(OLDER_SNAPSHOT)


@pytest.fixture(scope="session")
def catalogue_path() -> Path:
    return _snapshot(CATALOGUE_SNAPSHOT)


@pytest.fixture(scope="session")
def sample_record_path() -> Path:
    """The synthetic sample record of data/sample/ (made up in the record's schema; never skipped)."""
    return SAMPLE_RECORD


@pytest.fixture(scope="session")
def notebook_record_path() -> Path:
    """The record the notebooks run on in the tests: the current snapshot where it is beside the
    checkout, else the synthetic sample, so that a fresh clone runs every notebook."""
    return snapshot_path(CURRENT_SNAPSHOT) or SAMPLE_RECORD


SNAPSHOT_FIXTURES = {"record_path", "older_record_path", "catalogue_path"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses a snapshot fixture is marked `record` (`-m "not record"` leaves them out)."""
    for item in items:
        if SNAPSHOT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.record)


# ------------------------------------------------------------------------------------------------
# Notebook runs shared by test modules: once per session, across xdist workers (their temporary
# folders share a parent), each under a lock so that a second asker waits and reads the result.


def _shared_runs(tmp_path_factory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "ci-runs"


@pytest.fixture(scope="session")
def ci_run(tmp_path_factory):
    """`ci_run(path, kind, record)`: the notebook's ci set through the report runner on the
    snapshot, the sample or no record (`kind` names which), once per test session: a later call,
    from this or another xdist worker, finds the report the runner keeps and does not run it
    again. Returns the result and the output folder (which holds the runner's index)."""
    from analysis.reporting import jobs, runner

    root = _shared_runs(tmp_path_factory)

    def run(path: Path, kind: str, record: Path | None) -> tuple[jobs.JobResult, Path]:
        where = root / kind
        with file_lock(root / f"{kind}-{path.stem}.lock"):
            outcome = runner.run_reports([path], set_name="ci", record=record, output_dir=where)
        (result,) = outcome.results
        return result, where

    return run


@dataclass(frozen=True)
class CommittedRun:
    """A notebook run as committed (its default parameters), as a user opening it would."""

    executed: Path  # the executed notebook (outputs kept, as nbclient left them)
    error: str  # "" when every cell ran
    written: list[str]  # files the notebook wrote into its working directory
    seconds: float


@pytest.fixture(scope="session")
def committed_run(tmp_path_factory, notebook_record_path):
    """`committed_run(path)`: the notebook run top to bottom with its default parameters by nbclient
    (no papermill, no runner), its kernel started in an empty directory of its own and finding the
    record through $AIRDEF_RECORD; once per test session, shared across xdist workers. The tests
    of notebooks check that it runs; the page tests export its HTML as the default set's report."""
    root = _shared_runs(tmp_path_factory) / "committed"
    root.mkdir(parents=True, exist_ok=True)

    def run(path: Path) -> CommittedRun:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError

        executed, state = root / f"{path.stem}.ipynb", root / f"{path.stem}.json"
        with file_lock(root / f"{path.stem}.lock"):
            if not state.exists():
                workdir = tmp_path_factory.mktemp(f"cwd-{path.stem}")
                notebook = nbformat.read(path, as_version=4)
                client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                                        resources={"metadata": {"path": str(workdir)}})
                started, error = time.perf_counter(), ""
                try:
                    client.execute(env={**os.environ, "AIRDEF_RECORD": str(notebook_record_path)})
                except CellExecutionError as failure:
                    error = str(failure)[-2000:]
                nbformat.write(notebook, executed)
                state.write_text(json.dumps({
                    "error": error, "written": sorted(p.name for p in workdir.iterdir()),
                    "seconds": round(time.perf_counter() - started, 1)}))
        found = json.loads(state.read_text())
        return CommittedRun(executed, found["error"], found["written"], found["seconds"])

    return run


# ------------------------------------------------------------------------------------------------
# Headless Chromium (the browser tests and the page tests)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # any remote request fails fast, and is recorded
]
NEEDS_CHROMIUM = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="headless Chromium not found at /usr/bin/chromium "
                                           "(apt-get install chromium; .ci/run installs it)")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()
