"""Cores and machines: `simulate` and `explore` from one core to all, and on a Dask LocalCluster.

Every configuration must give the numbers of one core before its time counts (the summaries of
`simulate`, the tables of `explore`, compared exactly). Then the engine's next factor for
exploring: the cost of one experiment is a fixed part (Python and numpy calls per day, layer and
class, whatever the runs) plus a part per run; against the random-number floor at the same runs
(`floor.py`), the fixed part is what batching experiments could save. And how many of the draws
common random numbers could share across experiments (draws no input can change).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from analysis.model.parallel import available_cores


def _timed(function: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def core_counts() -> list[int]:
    cores = available_cores()
    return sorted({1, *(c for c in (2, 4, 8, 16, 32, 64) if c < cores), cores})


def simulate_scaling(scenario_path: Path, runs: int, seed: int) -> list[dict[str, Any]]:
    """`parallel.simulate` on 1..all cores: seconds, speed-up and whether the summary is the same."""
    from analysis.model.parallel import simulate
    from analysis.model.scenarios import load_scenario

    scenario = load_scenario(scenario_path)
    rows = []
    reference = None
    for workers in core_counts():
        seconds, result = _timed(simulate, scenario, runs=runs, seed=seed, workers=workers)
        summary = result.summary()
        reference = reference or (seconds, summary)
        rows.append({"workers": workers, "seconds": seconds, "speedup": reference[0] / seconds,
                     "identical": summary == reference[1]})
    return rows


def explore_scaling(experiment_path: Path, n: int, runs: int, dask: bool = True) -> dict[str, Any]:
    """The exploration on 1..all local cores and a Dask LocalCluster of all cores (127.0.0.1)."""
    from analysis.model.explore import load_experiment, run_explore

    experiment = load_experiment(experiment_path, n=n, runs=runs)
    configurations = [("local", w) for w in core_counts()]
    if dask:
        configurations.append(("processes", available_cores()))
    rows = []
    reference = None
    for scheduler, workers in configurations:
        seconds, result = _timed(run_explore, experiment, scheduler=scheduler, workers=workers,
                                 progress=False)
        table = result.table.drop(columns="seconds")
        reference = reference or (seconds, table)
        rows.append({"scheduler": "dask LocalCluster" if scheduler == "processes" else "local",
                     "workers": workers, "seconds": seconds, "speedup": reference[0] / seconds,
                     "identical": table.equals(reference[1])})
    return {"experiment": experiment_path.name, "n": n, "runs": runs,
            "experiments": len(reference[1]), "rows": rows}


def experiment_overhead(scenario_path: Path, runs_list: list[int], seed: int, repeats: int = 3) -> dict[str, Any]:
    """Seconds per experiment of the engine and of the random-number floor at each run count,
    and the straight line a + b x runs through the engine's times (a: the fixed part)."""
    from analysis.model.depletion import simulate
    from analysis.model.scenarios import load_scenario
    from benchmarks.floor import draw_floor
    from benchmarks.reference_loop import load_reference_scenario

    scenario = load_scenario(scenario_path)
    reference = load_reference_scenario(scenario_path)
    rows = []
    for runs in runs_list:
        engine = min(_timed(simulate, scenario, runs=runs, seed=seed + i)[0] for i in range(repeats))
        floor = min(_timed(draw_floor, reference, runs, seed + i, chunk_runs=runs)[0] for i in range(repeats))
        rows.append({"runs": runs, "engine": engine, "floor": floor, "ratio": engine / floor})
    slope, fixed = np.polyfit([r["runs"] for r in rows], [r["engine"] for r in rows], 1)
    return {"scenario": scenario_path.name, "rows": rows, "fixed_seconds": float(fixed),
            "per_run_seconds": float(slope)}


def shareable_draws(experiment_path: Path) -> dict[str, Any]:
    """Share of each run-day's draws that no input of the experiment can change, so that
    experiments with the same random numbers draw them alike: a class's arrivals when no input
    touches that class's threats, and a layer's draws for a class when nothing upstream of it in
    that class's chain (arrivals, earlier layers, their stocks and capacity) nor the layer itself
    depends on an input."""
    from analysis.model.explore import load_experiment
    from analysis.model.scenarios import scenario_from_dict

    experiment = load_experiment(experiment_path)
    scenario = scenario_from_dict(experiment.base)
    keys = list(experiment.spec.inputs)

    def touched(prefixes: list[str]) -> bool:
        return any(key == p or key.startswith(p + ".") for key in keys for p in prefixes)

    total = shared = 0
    for cls in scenario.classes:
        varied = touched([f"threats.{cls}"]) if scenario.threats is not None else touched(["threats"])
        total += 1
        shared += 0 if varied else 1
        for layer in scenario.layers:
            if cls not in layer.engages:
                continue
            free = layer.interceptor is None and layer.capacity_per_day is None and not layer.cost_per_engagement_usd
            draws = 1 if free else 2
            owners = [f"layers.{layer.name}"] + ([f"interceptors.{layer.interceptor}"] if layer.interceptor else [])
            # capacity and stocks are shared with the layer's other classes: their inputs count too
            others = [f"threats.{c}" for c in layer.engages if c != cls] if (
                layer.capacity_per_day is not None or layer.interceptor is not None) else []
            varied = varied or touched(owners + others)
            total += draws
            shared += 0 if varied else draws
    return {"experiment": experiment_path.name, "inputs": keys, "draws_per_run_day": total,
            "shareable": shared, "share": shared / total if total else 0.0}


def print_scaling(results: dict[str, Any]) -> None:
    sim = results.get("simulate")
    if sim:
        print(f"\n== simulate on more cores ({results['simulate_runs']:,} runs of {results['simulate_scenario']}) ==")
        for row in sim:
            print(f"  {row['workers']:>3} worker(s): {row['seconds']:7.2f} s, x{row['speedup']:.2f}, "
                  f"same summary as one: {'yes' if row['identical'] else 'NO'}")
    ex = results.get("explore")
    if ex:
        print(f"\n== explore on more cores ({ex['experiment']}, n = {ex['n']}: {ex['experiments']:,} "
              f"experiments x {ex['runs']:,} runs) ==")
        for row in ex["rows"]:
            print(f"  {row['scheduler']:<18} {row['workers']:>3} worker(s): {row['seconds']:8.1f} s, "
                  f"x{row['speedup']:.2f}, same table as one core: {'yes' if row['identical'] else 'NO'}")
    over = results.get("overhead")
    if over:
        print(f"\n== one experiment: fixed and per-run cost ({over['scenario']}) ==")
        for row in over["rows"]:
            print(f"  {row['runs']:>6,} runs: engine {row['engine'] * 1e3:8.1f} ms, floor "
                  f"{row['floor'] * 1e3:8.1f} ms, engine / floor {row['ratio']:.2f}")
        print(f"  fit: {over['fixed_seconds'] * 1e3:.0f} ms per experiment + "
              f"{over['per_run_seconds'] * 1e6:.0f} µs per run")
    share = results.get("shareable")
    if share:
        print(f"\n== draws common random numbers could share across experiments ({share['experiment']}) ==")
        print(f"  {share['shareable']} of {share['draws_per_run_day']} draws per run-day ({share['share']:.0%}) "
              "no input can change")
