"""SIGTERM and SIGHUP end a command as Ctrl-C does: its workers, the Dask cluster and the
resource tracker stopped, temporary files removed, exit 128 + the signal (143, 129), one line and
no traceback. A Ctrl-C from a terminal reaches the whole process group, workers still starting
included: they print nothing. (`benchmarks/interrupts.py` runs 50 of these at random moments.)"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from processes import alive, descendants, end_group

from analysis.paths import PROJECT_ROOT

FIXTURES = Path(__file__).parent.parent / "fixtures" / "notebooks"


def _grid(tmp_path: Path) -> Path:
    grid = tmp_path / "grid.yaml"
    grid.write_text("scenario: baseline\nruns: 20000\ngrid:\n"
                    "  threats.ballistic.per_day: [1.0, 2.0, 3.0, 4.0]\n"
                    "  interceptors.pac3_mse.deliveries_per_month: [10, 20, 40, 80]\n")
    return grid


def _command(what: str, tmp_path: Path) -> tuple[list[str], Path | None]:
    if what == "simulate":
        out = tmp_path / "simulate.json"
        return ["simulate", "baseline", "--runs", "400000", "--workers", "2", "--json", str(out)], out
    if what == "sweep":
        out = tmp_path / "sweep.parquet"
        return ["sweep", str(_grid(tmp_path)), "-o", str(out), "--workers", "2"], out
    if what == "sweep-dask":
        out = tmp_path / "sweep.parquet"
        return ["sweep", str(_grid(tmp_path)), "-o", str(out), "--scheduler", "processes",
                "--workers", "2"], out
    if what == "report":
        notebooks = tmp_path / "notebooks"
        if not notebooks.exists():
            shutil.copytree(FIXTURES, notebooks)
        out = tmp_path / "reports"
        return ["report", str(notebooks / "93-slow-fixture.ipynb"), str(notebooks / "91-runner-fixture.ipynb"),
                "--all", "--jobs", "2", "--force", "--output-dir", str(out)], out / "index.html"
    out = tmp_path / "explore.parquet"
    return ["explore", "baseline-assumptions", "-o", str(out), "--workers", "2"], out


def _stop(what: str, tmp_path: Path, signum: int, *, group: bool, processes_up: int, after_s: float):
    """Start `what`, wait until `processes_up` children run and `after_s` more, signal it (or its
    whole group, as a terminal does), and return (exit code, stdout, stderr, children seen)."""
    run = _start(what, tmp_path, processes_up)
    try:
        time.sleep(after_s)
        seen = descendants(run.pid)
        if group:
            os.killpg(run.pid, signum)
        else:
            run.send_signal(signum)
        started = time.monotonic()
        stdout, stderr = run.communicate(timeout=60)
        stopped_after = time.monotonic() - started
        time.sleep(1.0)
        seen += descendants(run.pid)
    except BaseException:
        end_group(run)  # a command that did not stop, or left its workers, fails the test alone
        raise
    return run.returncode, stdout, stderr, seen, stopped_after


def _start(what: str, tmp_path: Path, processes_up: int) -> subprocess.Popen:
    """`what` started in a session of its own (its workers in its process group), once
    `processes_up` of its children run."""
    command, _ = _command(what, tmp_path)
    run = subprocess.Popen([sys.executable, "-m", "analysis", *command], cwd=PROJECT_ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while len(descendants(run.pid)) < processes_up:
            assert run.poll() is None and time.monotonic() < deadline, run.communicate()
            time.sleep(0.05)
    except BaseException:
        end_group(run)
        raise
    return run


@pytest.mark.slow
@pytest.mark.parametrize(("what", "signum", "code"), [
    ("simulate", signal.SIGTERM, 143),
    ("sweep", signal.SIGHUP, 129),
    ("sweep-dask", signal.SIGTERM, 143),
    ("report", signal.SIGTERM, 143),
])
def test_kill_stops_workers_and_the_resource_tracker_like_ctrl_c(tmp_path, what, signum, code):
    """`kill -TERM PID` reaches the parent only: before, it died at once and left its workers and
    the resource tracker running under init."""
    returncode, stdout, stderr, seen, stopped_after = _stop(what, tmp_path, signum, group=False,
                                                           processes_up=2, after_s=2.0)
    assert returncode == code and stopped_after < 15, (returncode, stderr)
    assert "Traceback" not in stderr + stdout
    last = stderr.strip().splitlines()[-1]
    assert last == "interrupted" or (what == "report" and last.startswith("interrupted: ")), stderr
    assert alive(seen) == [], "a worker or the resource tracker outlived the command"
    _, output = _command(what, tmp_path)
    assert what == "report" or not output.exists()  # no half table (a report run writes its index)
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.slow
@pytest.mark.parametrize(("what", "signum"), [("sweep", signal.SIGINT), ("sweep-dask", signal.SIGINT),
                                              ("report", signal.SIGINT), ("simulate", signal.SIGHUP)])
def test_a_terminal_ctrl_c_or_hangup_while_workers_start_prints_no_traceback(tmp_path, what, signum):
    """The whole process group gets SIGINT or SIGHUP (as from a terminal) while the workers are
    still importing: each ignores it from birth, the parent stops them; the resource tracker
    survives a hangup (one started in its place printed KeyErrors)."""
    returncode, stdout, stderr, seen, _ = _stop(what, tmp_path, signum, group=True,
                                                processes_up=1, after_s=0.3)
    assert returncode == 128 + signum, stderr
    assert "Traceback" not in stderr + stdout and "KeyboardInterrupt" not in stderr, stderr
    assert alive(seen) == []


@pytest.mark.slow
@pytest.mark.parametrize("what", ["simulate", "sweep", "sweep-dask"])
def test_no_worker_outlives_a_command_killed_outright(tmp_path, what):
    """SIGKILL (or the out-of-memory killer) gives the command no chance to stop its workers:
    each notices its parent is gone and ends, and the resource tracker with them. Before, the
    local pool's workers finished their task and then slept for ever under init, holding the
    tracker (and the caller's pipes) open."""
    run = _start(what, tmp_path, processes_up=3)
    try:
        time.sleep(1.0)
        seen = descendants(run.pid)
        run.kill()
        run.wait(timeout=30)
        deadline = time.monotonic() + 20
        while alive(seen) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert alive(seen) == [], "a worker or the resource tracker outlived the killed command"
    finally:
        end_group(run)


@pytest.mark.slow
def test_a_report_worker_killed_mid_report_leaves_no_temporary_file(tmp_path):
    """A report worker killed outright (out of memory, `kill -9`) cannot remove its running
    notebook: the runner does, under the report's lock, says the report failed and why, and
    stops the rest; nothing of the run keeps running."""
    run = _start("report", tmp_path, processes_up=4)  # the tracker, two workers, a kernel
    try:
        reports = tmp_path / "reports"
        deadline = time.monotonic() + 120
        while not list(reports.rglob(".*.running.ipynb")):
            assert run.poll() is None and time.monotonic() < deadline, run.communicate()
            time.sleep(0.1)
        import psutil

        # the running notebook is made before its kernel starts: wait for the kernel too
        workers = []
        while not workers:
            assert run.poll() is None and time.monotonic() < deadline, "no worker runs a kernel"
            workers = [p for p in psutil.Process(run.pid).children()
                       if "spawn_main" in " ".join(p.cmdline()) and p.children()]
            time.sleep(0.1)
        seen = descendants(run.pid)
        workers[0].kill()
        stdout, stderr = run.communicate(timeout=120)
        assert run.returncode == 1 and "Traceback" not in stdout + stderr, stderr
        assert "worker failed" in stdout + stderr
        time.sleep(2.0)  # a kernel notices its dead worker within a second
        assert alive(seen) == []
        assert [p.name for p in reports.rglob(".*") if p.name.endswith((".running.ipynb", ".tmp"))] == []
        statuses = [p.read_text() for p in reports.rglob("*.status.json")]
        assert any("worker failed" in status for status in statuses)
    finally:
        end_group(run)
