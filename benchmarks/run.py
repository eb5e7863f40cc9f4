"""Benchmarks of the depletion engine and of report regeneration (`make bench`; not part of the tests).

Prints, for one run on this machine:
1. the machine, its load, and the versions;
2. agreement: the engine, the per-run Python loop and the SimPy model give the same results within
   Monte Carlo error on the benchmark scenario (checked before any timing is trusted);
3. the engine's time for the benchmark scenario and its peak memory (each measurement in its own
   subprocess, so peaks do not mix), and peak memory at several run counts (chunking keeps it flat);
4. the loop and SimPy models' time per run (scaled down) and the engine's speed-up over them;
5. the random-number floor (numpy drawing only the numbers the model needs) and the engine's ratio
   to it; then exact ways below the floor (fewer draws for the same distribution) and their gain;
6. report regeneration: `python -m analysis report --all` cold (fresh output directory, --force)
   and warm (nothing changed), and per notebook the split kernel start / imports / work;
7. cores and machines (`scaling.py`): `simulate` and `explore` on 1..all cores and on a Dask
   LocalCluster, each checked to give the one-core numbers; the fixed and per-run cost of one
   experiment against the random-number floor; the draws common random numbers could share.

    .venv/bin/python benchmarks/run.py             # the full benchmark (several minutes)
    .venv/bin/python benchmarks/run.py --quick     # a smoke version of everything (~1 minute)
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(PROJECT_ROOT))

import numpy as np  # noqa: E402

from analysis.paths import SCENARIO_DIR, SHARED_RECORD_DIR  # noqa: E402
from benchmarks.agreement import compare, engine_figures, format_comparison, reference_figures  # noqa: E402
from benchmarks.floor import draw_below_floor, draw_floor, skippable_draws  # noqa: E402
from benchmarks.reference_loop import ReferenceScenario, load_reference_scenario, simulate_loop  # noqa: E402
from benchmarks.reference_simpy import simulate_simpy  # noqa: E402
from benchmarks.scaling import (  # noqa: E402
    experiment_overhead,
    explore_scaling,
    print_scaling,
    shareable_draws,
    simulate_scaling,
)

DEFAULT_SCENARIO = SCENARIO_DIR / "benchmark.yaml"
DEFAULT_EXPERIMENT = SCENARIO_DIR.parent / "experiments" / "baseline-assumptions.yaml"
RECORD_SNAPSHOT = SHARED_RECORD_DIR / "missile_attacks_daily_2026-06-07.csv"
Z_AGREE = 4.0  # |difference| within this many standard errors counts as agreement

# Targets from issue 6, as ratios measured in the same run.
TARGET_FLOOR_RATIO = 1.5
TARGET_SPEEDUP = 25.0
TARGET_WARM_SHARE = 0.05


# --- measurements in a subprocess -----------------------------------------------------------------


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def measure_engine_here(scenario_path: Path, runs: int, seed: int, chunk_runs: int | None) -> dict[str, Any]:
    """Time one engine simulation in this process; report the peak resident memory."""
    from analysis.model.depletion import simulate
    from analysis.model.scenarios import load_scenario

    scenario = load_scenario(scenario_path)
    baseline = _maxrss_mb()
    started = time.perf_counter()
    result = simulate(scenario, runs=runs, seed=seed, chunk_runs=chunk_runs)
    seconds = time.perf_counter() - started
    return {
        "runs": runs, "seconds": seconds, "peak_rss_mb": _maxrss_mb(), "baseline_rss_mb": baseline,
        "interception_rate": result.summary()["interception_rate"]["mean"],
    }


def measure_engine(scenario_path: Path, runs: int, seed: int, chunk_runs: int | None = None) -> dict[str, Any]:
    """`measure_engine_here` in a fresh interpreter, so its memory peak is its own."""
    command = [sys.executable, __file__, "--measure-engine", str(scenario_path), "--runs", str(runs),
               "--seed", str(seed)]
    if chunk_runs:
        command += ["--chunk-runs", str(chunk_runs)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=PROJECT_ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"engine measurement failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the parts of the benchmark -------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import simpy

    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 1024**2, 1)
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory_gb,
        "python": platform.python_version(), "numpy": np.__version__, "simpy": simpy.__version__,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def agreement(scenario_path: Path, ref: ReferenceScenario, args: argparse.Namespace) -> dict[str, Any]:
    """Engine vs loop vs SimPy on the benchmark scenario, within Monte Carlo error."""
    from analysis.model.depletion import simulate
    from analysis.model.scenarios import load_scenario

    engine = engine_figures(simulate(load_scenario(scenario_path), runs=args.agree_runs, seed=101))
    timings = {}
    checks = {}
    for label, run in (
        ("loop", lambda: simulate_loop(ref, args.loop_runs, seed=102)),
        ("loop, numpy per value", lambda: simulate_loop(ref, args.loop_runs, seed=103, per_threat=False)),
        ("SimPy", lambda: simulate_simpy(ref, args.simpy_runs, seed=104)),
    ):
        started = time.perf_counter()
        results = run()
        timings[label] = time.perf_counter() - started
        rows = compare(engine, reference_figures(results))
        checks[label] = rows
        print(f"\nengine ({args.agree_runs} runs) vs {label} ({results.arrivals.shape[0]} runs):")
        print(format_comparison(rows, "engine", label, Z_AGREE), flush=True)
    agree = all(row.agrees(Z_AGREE) for rows in checks.values() for row in rows)
    return {"agree": agree, "timings": timings,
            "runs": {"loop": args.loop_runs, "loop, numpy per value": args.loop_runs,
                     "SimPy": args.simpy_runs},
            "worst_z": max(row.z for rows in checks.values() for row in rows)}


def engine_speed(scenario_path: Path, args: argparse.Namespace) -> dict[str, Any]:
    main = measure_engine(scenario_path, args.runs, args.seed)
    memory = []
    for runs in args.memory_runs:
        memory.append(main if runs == args.runs else measure_engine(scenario_path, runs, args.seed))
    return {"main": main, "memory": memory}


def floor(scenario_path: Path, ref: ReferenceScenario, runs: int, seed: int) -> dict[str, Any]:
    from analysis.model.depletion import simulate
    from analysis.model.scenarios import load_scenario

    out: dict[str, Any] = {}
    for label, function in (("floor", draw_floor), ("below floor", draw_below_floor)):
        started = time.perf_counter()
        count = function(ref, runs, seed)
        out[label] = {"seconds": time.perf_counter() - started, "calls": count.calls,
                      "values": count.values}
    # what stock-aware skipping would save, measured on the engine's own daily stocks
    kept = simulate(load_scenario(scenario_path), runs=min(runs, 2_000), seed=seed, keep_runs=True)
    out["skippable"] = skippable_draws(kept, ref)
    return out


def kernel_start_seconds(repeats: int = 3) -> float:
    """Median time to start a python3 kernel and have it answer, then shut it down."""
    from jupyter_client.manager import start_new_kernel

    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        manager, client = start_new_kernel(
            kernel_name="python3", extra_arguments=["--IPKernelApp.log_level=ERROR"]
        )
        client.stop_channels()
        manager.shutdown_kernel(now=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def import_seconds(notebook: Path, repeats: int = 2) -> float:
    """Time the notebook's import statements in a fresh interpreter, less a bare interpreter's start.

    An estimate of the imports' share of a report: the kernel has a few modules (IPython) loaded
    already, and the notebook's import cell also does some work, so cell timings cannot split it.
    """
    import nbformat

    statements: list[str] = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics
            continue
        statements += [ast.unparse(n) for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    code = "\n".join(dict.fromkeys(statements)) or "pass"

    def best(source: str) -> float:
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", source], check=False, cwd=PROJECT_ROOT,
                           capture_output=True)
            times.append(time.perf_counter() - started)
        return min(times)

    return max(0.0, best(code) - best("pass"))


def notebook_split(report_dir: Path, kernel_seconds: float) -> list[dict[str, Any]]:
    """Per executed report: total, kernel start (measured apart), imports (measured apart), work."""
    import nbformat

    from analysis.paths import NOTEBOOK_DIR

    imports_by_notebook: dict[str, float] = {}
    rows = []
    for summary_path in sorted(report_dir.glob("*/*.summary.json")):
        summary = json.loads(summary_path.read_text())
        report = summary.get("report", {})
        name = summary_path.parent.name
        notebook_path = summary_path.with_name(summary_path.name.replace(".summary.json", ".ipynb"))
        if not notebook_path.exists():
            continue
        if name not in imports_by_notebook:
            source = NOTEBOOK_DIR / f"{name}.ipynb"
            imports_by_notebook[name] = import_seconds(source) if source.exists() else 0.0
        cells = sum(
            float(cell.metadata.get("papermill", {}).get("duration") or 0.0)
            for cell in nbformat.read(notebook_path, as_version=4).cells if cell.cell_type == "code"
        )
        imports = min(imports_by_notebook[name], cells)
        total = float(report.get("seconds") or 0.0)
        rows.append({
            "report": f"{name}/{report.get('set', '?')}", "total": total,
            "kernel_start": kernel_seconds, "imports": imports, "work": cells - imports,
            "other": max(0.0, total - kernel_seconds - cells),
        })
    return rows


def _run_times(report_dir: Path) -> dict[str, str]:
    return {
        str(p.relative_to(report_dir)): json.loads(p.read_text()).get("report", {}).get("run_at", "")
        for p in report_dir.glob("*/*.summary.json")
    }


def reports(args: argparse.Namespace) -> dict[str, Any]:
    """`report --all` cold into a fresh directory, then warm with nothing changed."""
    record = Path(args.record) if args.record else RECORD_SNAPSHOT
    if not record.exists():
        return {"skipped": f"no record at {record}: pass --record"}
    output = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    base = [sys.executable, "-m", "analysis", "report", "--all", "--record", str(record),
            "--jobs", str(args.jobs), "--output-dir", str(output)]
    if args.report_params:
        base += ["--params", args.report_params]
    from analysis.reporting.runner import package_fingerprint

    timings: dict[str, Any] = {}

    def run(label: str, extra: list[str]) -> bool:
        """One `report --all`; True when the package stayed the same throughout."""
        package = package_fingerprint()
        before = _run_times(output)
        started = time.perf_counter()
        done = subprocess.run(base + extra, capture_output=True, text=True, check=False,
                              cwd=PROJECT_ROOT)
        timings[label] = time.perf_counter() - started
        after = _run_times(output)
        timings[f"{label}_rerun"] = sum(1 for k, v in after.items() if before.get(k) != v)
        timings[f"{label}_reports"] = len(after)
        timings.pop(f"{label}_error", None)
        if done.returncode != 0:
            timings[f"{label}_error"] = (done.stderr or done.stdout).strip().splitlines()[-3:]
        # a failed run (a notebook failing, or a half-edited package that does not import) and a
        # package edited under the run are not measurements of "nothing changed"
        return done.returncode == 0 and package_fingerprint() == package

    try:
        run("cold", ["--force"])
        # Others editing the package in a shared tree invalidate every report (the cache key has
        # the package's hash): then the warm run is really cold. Measure warm again after it.
        timings["warm_attempts"] = 1
        stable = run("warm", [])
        while not stable and timings["warm_attempts"] < 3:
            timings["warm_attempts"] += 1
            stable = run("warm", [])
        timings["warm_valid"] = stable
        kernel = kernel_start_seconds()
        split = notebook_split(output, kernel)
    finally:
        shutil.rmtree(output, ignore_errors=True)
    return {"record": record.name, "jobs": args.jobs, "params": args.report_params, **timings,
            "kernel_start": kernel,
            "notebooks": split}


def scaling(args: argparse.Namespace) -> dict[str, Any]:
    """simulate and explore from one core to all and on Dask; one experiment's fixed cost."""
    from analysis.model.explore import load_experiment

    experiment = Path(args.experiment)
    runs = args.scaling_runs or (4_000 if args.quick else 20_000)
    n = args.explore_n or (4 if args.quick else 64)
    explore_runs = args.explore_runs or (40 if args.quick else load_experiment(experiment).spec.runs)
    overhead_runs = [50, 200, 500] if args.quick else [50, 200, 500, 2000, 10_000]
    return {
        "simulate_scenario": Path(args.scenario).name, "simulate_runs": runs,
        "simulate": simulate_scaling(Path(args.scenario), runs, args.seed),
        "explore": explore_scaling(experiment, n, explore_runs),
        "overhead": experiment_overhead(Path(args.scenario), overhead_runs, args.seed,
                                        repeats=1 if args.quick else 3),
        "shareable": shareable_draws(experiment),
    }


# --- printing -------------------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def print_results(results: dict[str, Any], args: argparse.Namespace) -> None:
    m = results["machine"]
    print("\n== machine ==")
    print(f"  {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; Python {m['python']}, "
          f"numpy {m['numpy']}, SimPy {m['simpy']}")
    print(f"  load average at start {m['load_average']}, at end {results['load_end']}")
    print(f"  command: {results['command']}")

    engine = results.get("engine")
    per_run = None
    if engine:
        main = engine["main"]
        per_run = main["seconds"] / main["runs"]
        print(f"\n== engine: {results['scenario']} ==")
        print(f"  {main['runs']:,} runs: {main['seconds']:.2f} s ({per_run * 1e6:.1f} µs per run), "
              f"peak RSS {main['peak_rss_mb']:.0f} MB (interpreter and imports: {main['baseline_rss_mb']:.0f} MB)")
        print("  peak memory by run count (chunked):")
        for row in engine["memory"]:
            print(f"    {row['runs']:>9,} runs: peak RSS {row['peak_rss_mb']:7.0f} MB, "
                  f"above imports {row['peak_rss_mb'] - row['baseline_rss_mb']:6.0f} MB, {row['seconds']:.2f} s")
        above = [r["peak_rss_mb"] - r["baseline_rss_mb"] for r in engine["memory"]]
        if len(above) > 1:
            print(f"    growth from {engine['memory'][0]['runs']:,} to {engine['memory'][-1]['runs']:,} runs: "
                  f"{above[-1] - above[0]:+.0f} MB")

    agree = results.get("agreement")
    if agree:
        print(f"\n== the same model written without the project (agreement: "
              f"{'yes' if agree['agree'] else 'NO'}, worst |z| {agree['worst_z']:.2f}) ==")
        for label, seconds in agree["timings"].items():
            runs = agree["runs"][label]
            line = f"  {label:<24} {runs:>5} runs: {seconds:8.2f} s, {seconds / runs * 1e3:9.2f} ms per run"
            if per_run:
                ratio = seconds / runs / per_run
                line += f"; engine faster x{ratio:,.0f} (target x{TARGET_SPEEDUP:.0f}: {_verdict(ratio >= TARGET_SPEEDUP)})"
            print(line)

    fl = results.get("floor")
    if fl:
        floor_s = fl["floor"]["seconds"]
        print(f"\n== the random-number floor ({args.runs:,} runs) ==")
        print(f"  numpy drawing the model's numbers: {floor_s:.2f} s, {fl['floor']['calls']:,} calls, "
              f"{fl['floor']['values']:,} values ({floor_s / fl['floor']['values'] * 1e9:.1f} ns per value)")
        if per_run:
            ratio = per_run * args.runs / floor_s
            print(f"  engine / floor: {ratio:.2f} (target <= {TARGET_FLOOR_RATIO}: {_verdict(ratio <= TARGET_FLOOR_RATIO)})")
        below = fl["below floor"]
        print(f"  below the floor (exact, fewer draws): {below['seconds']:.2f} s, {below['calls']:,} calls, "
              f"{below['values']:,} values: {1 - below['values'] / fl['floor']['values']:.1%} fewer values, "
              f"time x{below['seconds'] / floor_s:.2f} of the floor")
        print("    (prototype in benchmarks/floor.py: a layer with no interceptor, capacity or cost draws its kills")
        print("     with one binomial of p = engage x kill; Poisson thinning of leading free layers where it saves draws)")
        skip = fl["skippable"]
        print(f"  draws an engine could skip exactly, from the engine's own daily stocks ({skip['run_days']:,} run-days):")
        print(f"    layers whose stock cannot fund one engagement at the start of the day: "
              f"{skip['dry_layers']:.1%} of the values (lower bound)")
        print(f"    free layers drawing kills in one binomial instead of two: {skip['free_layers']:.1%} of the values")

    rep = results.get("reports")
    if rep:
        print("\n== report regeneration (python -m analysis report --all) ==")
        if "skipped" in rep:
            print(f"  skipped: {rep['skipped']}")
        else:
            cold, warm = rep.get("cold", 0.0), rep.get("warm", 0.0)
            sets = f"--params {rep['params']}" if rep.get("params") else "every parameter set"
            print(f"  record {rep['record']}, --jobs {rep['jobs']}, {sets}")
            print(f"  cold (fresh output, --force): {cold:.1f} s, {rep['cold_rerun']} of {rep['cold_reports']} reports run")
            share = warm / cold if cold else float("nan")
            verdict = _verdict(share < TARGET_WARM_SHARE) if rep.get("warm_valid") else "not measured"
            print(f"  warm (nothing changed):       {warm:.1f} s = {share:.1%} of cold "
                  f"(target < {TARGET_WARM_SHARE:.0%}: {verdict}), {rep['warm_rerun']} reports rerun")
            if rep.get("warm_attempts", 1) > 1:
                print(f"  (warm measured {rep['warm_attempts']} times: the package changed under the first"
                      " run(s), someone editing the tree; the last is shown)")
            if not rep.get("warm_valid"):
                print("  WARNING: the last warm run failed or the analysis package changed under it (others"
                      " editing the tree): the warm figure is not a run with nothing changed")
            for key in ("cold_error", "warm_error"):
                if key in rep:
                    print(f"  {key}: " + " | ".join(rep[key]))
            print(f"  kernel start + shutdown (measured apart, median of 3): {rep['kernel_start']:.2f} s")
            if rep["notebooks"]:
                print(f"  {'report':<44} {'total':>7} {'kernel':>7} {'imports':>8} {'work':>7} {'other':>7}")
                for row in rep["notebooks"]:
                    print(f"  {row['report']:<44} {row['total']:7.2f} {row['kernel_start']:7.2f} "
                          f"{row['imports']:8.2f} {row['work']:7.2f} {row['other']:7.2f}")
                print("  (kernel: start and shutdown of a python3 kernel, measured apart; imports: the notebook's")
                print("   import statements timed in a fresh interpreter; work: the cells less the imports;")
                print("   other: papermill bookkeeping, HTML export and writing files)")


# --- the command line ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scenario", default=str(DEFAULT_SCENARIO), help="scenario YAML (default: data/scenarios/benchmark.yaml)")
    parser.add_argument("--runs", type=int, default=None, help="engine runs (default: the scenario's, 100,000)")
    parser.add_argument("--seed", type=int, default=20260607)
    parser.add_argument("--loop-runs", type=int, default=None, help="runs of each loop model (default 100; quick 10)")
    parser.add_argument("--simpy-runs", type=int, default=None, help="runs of the SimPy model (default 20; quick 3)")
    parser.add_argument("--agree-runs", type=int, default=None, help="engine runs for the agreement check (default 20,000)")
    parser.add_argument("--memory-runs", default=None, help="comma-separated run counts for peak memory (default 10000,50000,RUNS)")
    parser.add_argument("--record", default=None, help="record file for the reports (default: the 2026-06-07 snapshot beside the checkout)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks at once in `report --all` (as `make reports`)")
    parser.add_argument("--report-params", default=None, help="run every notebook with this one parameter set only (default: every set, as `make reports`; quick: ci)")
    parser.add_argument("--quick", action="store_true", help="a fast smoke run of every part")
    parser.add_argument("--experiment", default=str(DEFAULT_EXPERIMENT), help="experiment file of the scaling part")
    parser.add_argument("--scaling-runs", type=int, default=None, help="runs of the simulate scaling (default 20,000; quick 4,000)")
    parser.add_argument("--explore-n", type=int, default=None, help="design n of the explore scaling (default 64; the file's study: 256; quick 4)")
    parser.add_argument("--explore-runs", type=int, default=None, help="runs per experiment of the explore scaling (default: the file's; quick 40)")
    for part in ("engine", "references", "floor", "reports", "scaling"):
        parser.add_argument(f"--skip-{part}", action="store_true", help=f"skip the {part} part")
    parser.add_argument("--json", default=None, help="also write every figure to this JSON file")
    parser.add_argument("--measure-engine", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--chunk-runs", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.measure_engine:  # the subprocess of measure_engine
        print(json.dumps(measure_engine_here(Path(args.measure_engine), args.runs, args.seed, args.chunk_runs)))
        return 0

    from analysis.model.scenarios import load_scenario
    from analysis.paths import keep_runtime_state_in_project

    keep_runtime_state_in_project()
    scenario_path = Path(args.scenario)
    if not scenario_path.exists():
        print(f"error: no benchmark scenario at {scenario_path}", file=sys.stderr)
        return 1
    scenario = load_scenario(scenario_path)
    if args.runs is None:
        args.runs = 5_000 if args.quick else scenario.runs
    args.loop_runs = args.loop_runs or (5 if args.quick else 100)
    args.simpy_runs = args.simpy_runs or (2 if args.quick else 20)
    args.agree_runs = args.agree_runs or (2_000 if args.quick else 20_000)
    if args.quick and args.report_params is None:
        args.report_params = "ci"
    if args.memory_runs:
        args.memory_runs = [int(x) for x in args.memory_runs.split(",")]
    else:
        args.memory_runs = [2_000, args.runs] if args.quick else [10_000, 50_000, args.runs]
    ref = load_reference_scenario(scenario_path)

    results: dict[str, Any] = {
        "machine": machine(), "scenario": f"{scenario_path.name} ({scenario.horizon_days} days, "
        f"{len(scenario.classes)} threat classes, {len(scenario.layers)} layers)",
        "command": "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    if not args.skip_references:
        print("checking agreement and timing the loop and SimPy models ...", file=sys.stderr)
        results["agreement"] = agreement(scenario_path, ref, args)
    if not args.skip_engine:
        print("timing the engine ...", file=sys.stderr)
        results["engine"] = engine_speed(scenario_path, args)
    if not args.skip_floor:
        print("timing the random-number floor ...", file=sys.stderr)
        results["floor"] = floor(scenario_path, ref, args.runs, args.seed)
    if not args.skip_reports:
        print("timing report regeneration ...", file=sys.stderr)
        results["reports"] = reports(args)
    if not args.skip_scaling:
        print("timing simulate and explore on more cores ...", file=sys.stderr)
        results["scaling"] = scaling(args)
    results["load_end"] = [round(x, 2) for x in os.getloadavg()]
    print_results(results, args)
    if "scaling" in results:
        print_scaling(results["scaling"])
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    agreement_ok = results.get("agreement", {}).get("agree", True)
    return 0 if agreement_ok else 1


if __name__ == "__main__":
    sys.exit(main())
