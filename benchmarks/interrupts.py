"""Stop every long command at random moments, under load, and check it stops cleanly (not a test:
the suite's `tests/adversarial/test_signals.py` is the fast version).

Each trial starts one command (simulate, sweep and explore on the local pool and on a Dask
LocalCluster, report --jobs 2), waits a random time (0.1-6 s: while workers import, while the
cluster starts, while they work), then stops it one of three ways: Ctrl-C from a terminal (SIGINT
to the whole process group), `kill` (SIGTERM to the command only) or a closed terminal (SIGHUP
to the group). A trial passes when the command exits 128 + the signal (or 0 if it finished
first, or -signal if the signal ended it while Python was still starting, before it had started
any process), prints no traceback, leaves no process of its own alive two seconds later (workers,
kernels, the resource tracker), no temporary file, and no half-written output.

    .venv/bin/python benchmarks/interrupts.py                 # 50 trials, 2 busy processes as load
    .venv/bin/python benchmarks/interrupts.py --trials 10 --load 0
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "notebooks"
GRID = ("scenario: baseline\nruns: 20000\ngrid:\n  threats.ballistic.per_day: [1.0, 2.0, 3.0, 4.0]\n"
        "  interceptors.pac3_mse.deliveries_per_month: [10, 20, 40, 80]\n")
STOPS = {"ctrl-c (group)": (signal.SIGINT, True), "kill (SIGTERM)": (signal.SIGTERM, False),
         "hangup (group)": (signal.SIGHUP, True)}
TEMPORARY_ENDINGS = (".tmp", ".running.ipynb", ".probe")


def commands(work: Path) -> dict[str, tuple[list[str], Path]]:
    grid = work / "grid.yaml"
    grid.write_text(GRID)
    notebooks = work / "notebooks"
    if not notebooks.exists():
        shutil.copytree(FIXTURES, notebooks)
    return {
        "simulate local": (["simulate", "baseline", "--runs", "400000", "--workers", "2", "--json",
                            str(work / "sim.json")], work / "sim.json"),
        "sweep local": (["sweep", str(grid), "-o", str(work / "sweep.parquet"), "--workers", "2"],
                        work / "sweep.parquet"),
        "sweep dask": (["sweep", str(grid), "-o", str(work / "sweep-dask.parquet"), "--scheduler",
                        "processes", "--workers", "2"], work / "sweep-dask.parquet"),
        "explore local": (["explore", "baseline-assumptions", "-o", str(work / "explore.parquet"),
                           "--workers", "2"], work / "explore.parquet"),
        "explore dask": (["explore", "baseline-assumptions", "-o", str(work / "explore-dask.parquet"),
                          "--scheduler", "processes", "--workers", "2"], work / "explore-dask.parquet"),
        "report --jobs 2": (["report", str(notebooks / "93-slow-fixture.ipynb"),
                             str(notebooks / "91-runner-fixture.ipynb"), "--all", "--jobs", "2",
                             "--force", "--output-dir", str(work / "reports")], work / "reports"),
    }


def descendants(pid: int) -> set[int]:
    try:
        return {p.pid for p in psutil.Process(pid).children(recursive=True)}
    except psutil.Error:
        return set()


def alive(pids: set[int]) -> list[int]:
    found = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                found.append(pid)
        except psutil.Error:
            pass
    return found


def busy() -> None:
    while True:
        sum(i * i for i in range(10_000))


def trial(name: str, command: list[str], output: Path, stop: str, delay: float, work: Path) -> list[str]:
    """One start-wait-stop; the problems found (empty: clean)."""
    signum, group = STOPS[stop]
    run = subprocess.Popen([sys.executable, "-m", "analysis", *command], cwd=PROJECT_ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True, env={**os.environ, "CI": "true"})
    seen: set[int] = set()
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and run.poll() is None:
        seen |= descendants(run.pid)
        time.sleep(0.02)
    seen |= descendants(run.pid)
    if run.poll() is None:
        (os.killpg if group else os.kill)(run.pid, signum)
    started = time.monotonic()
    try:
        stdout, stderr = run.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        run.communicate()
        return ["did not stop within 90 s"]
    took = time.monotonic() - started
    time.sleep(2.0)
    problems = []
    # killed by the signal itself (its default action) before the command set its handlers: clean
    # only when it had started no process
    before_start = run.returncode == -signum and not seen
    if run.returncode not in (0, 128 + signum) and not before_start:
        said = " | ".join(stderr.strip().splitlines()[-2:])
        problems.append(f"exit {run.returncode}, expected {128 + signum} ({said[:200]})")
    if "Traceback" in stdout + stderr or "KeyboardInterrupt" in stderr:
        problems.append("traceback: " + " | ".join((stdout + stderr).strip().splitlines()[-3:]))
    left = alive(seen)
    if left:
        problems.append(f"{len(left)} process(es) outlived it: "
                        + ", ".join(" ".join(psutil.Process(p).cmdline()[-2:])[-60:] for p in left[:3]))
        for pid in left:
            with contextlib.suppress(psutil.Error):
                psutil.Process(pid).kill()
    temporary = [p.name for p in work.rglob(".*") if p.name.endswith(TEMPORARY_ENDINGS)]
    if temporary:
        problems.append(f"temporary files left: {temporary[:3]}")
    if output.suffix == ".parquet" and output.exists():
        import pandas as pd

        try:
            pd.read_parquet(output)
        except Exception as error:  # noqa: BLE001 - a torn output is the finding
            problems.append(f"a half-written output: {error}")
    print(f"  {name:<16} {stop:<15} after {delay:4.1f} s: exit {run.returncode}, stopped in "
          f"{took:.1f} s{'' if not problems else '  PROBLEM: ' + '; '.join(problems)}", flush=True)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--load", type=int, default=2, help="busy processes beside (default 2)")
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args()
    draw = random.Random(args.seed)
    load = [multiprocessing.Process(target=busy, daemon=True) for _ in range(args.load)]
    for process in load:
        process.start()
    failures = 0
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="airdef-interrupts-") as folder:
            work = Path(folder)
            table = commands(work)
            names = list(table)
            print(f"{args.trials} trials, {args.load} busy processes as load, {os.cpu_count()} cores")
            for index in range(args.trials):
                name = names[index % len(names)]
                stop = list(STOPS)[(index // len(names)) % len(STOPS)]
                command, output = table[name]
                failures += bool(trial(name, command, output, stop, draw.uniform(0.1, 6.0), work))
    finally:
        for process in load:
            process.terminate()
    print(f"{args.trials - failures} of {args.trials} trials stopped cleanly "
          f"({time.monotonic() - started:.0f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
