"""Every core with the numbers of one: a simulation split across processes, tasks on a pool."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.errors import AnalysisError
from analysis.model import depletion, parallel, sweep
from analysis.model.scenarios import scenario_from_dict

SCENARIO = {
    "name": "split",
    "horizon_days": 30,
    "runs": 5100,  # three blocks, the last one short
    "seed": 7,
    "threats": {"drone": {"per_day": 40, "dispersion": 3.0}, "ballistic": {"per_day": 2, "dispersion": 1.0}},
    "interceptors": {"pac3": {"stock": 40, "deliveries_per_month": 10, "unit_cost_usd": 4.0e6},
                     "drones": {"stock": 300, "deliveries_per_month": 300, "unit_cost_usd": 5000}},
    "layers": [
        {"name": "patriot", "interceptor": "pac3", "engages": {"ballistic": {"shots": 2, "pk": 0.7}}},
        {"name": "ew", "engages": {"drone": {"shots": 1, "pk": 0.3}}},
        {"name": "interceptor_drones", "interceptor": "drones", "engages": {"drone": {"shots": 1, "pk": 0.6}},
         "capacity_per_day": 25},
    ],
    "attacker_costs_usd": {"drone": 50000, "ballistic": 3.0e6},
    "calibration": {"target": {"ballistic": 0.5, "drone": 0.8}},
}


def assert_same_result(a: depletion.SimulationResult, b: depletion.SimulationResult) -> None:
    for field in dataclasses.fields(a):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, np.ndarray):
            assert x.shape == y.shape and x.dtype == y.dtype, field.name
            assert np.array_equal(x, y), field.name
    assert a.summary() == b.summary()


def test_block_parts_cover_the_runs_in_whole_blocks() -> None:
    for runs in (1, 1999, 2000, 2001, 10_000, 12_345):
        for parts in (1, 2, 3, 8):
            split = parallel.block_parts(runs, parts, 2000)
            assert sum(n for _, n in split) == runs
            assert [first for first, _ in split] == list(np.cumsum([0] + [n for _, n in split[:-1]]))
            assert all(first % 2000 == 0 for first, _ in split)
            assert len(split) == min(parts, -(-runs // 2000))


def test_a_simulation_split_across_processes_is_the_one_process_result_exactly() -> None:
    scenario = scenario_from_dict(SCENARIO)
    one = depletion.simulate(scenario, keep_runs=True)
    split = parallel.simulate(scenario, workers=2, keep_runs=True)
    assert_same_result(one, split)
    assert split.calibration["classes"]["ballistic"]["simulated_while_stocked"] == pytest.approx(
        one.calibration["classes"]["ballistic"]["simulated_while_stocked"], abs=0)
    # parts run in this process with a different split still give the same numbers
    parts = [depletion.simulate(one.scenario, runs=n, seed=7, run_offset=first, calibrate=False,
                                band_runs=max(0, 2000 - first))
             for first, n in parallel.block_parts(5100, 3, depletion.BLOCK_RUNS)]
    merged = parallel.merge_parts(parts, calibration=one.calibration, band_runs=2000)
    assert_same_result(one, merged)


def test_run_offset_must_be_whole_blocks() -> None:
    with pytest.raises(ValueError, match="multiple of 2000"):
        depletion.simulate(scenario_from_dict(SCENARIO), runs=10, run_offset=100)


def test_tasks_on_a_pool_come_back_complete_and_failures_are_reported() -> None:
    tasks = [4.0, 9.0, -1.0, 16.0]
    for workers in (1, 2):
        results: dict[int, float] = {}
        errors: dict[int, str] = {}
        parallel.run_tasks(_root, tasks, on_result=results.__setitem__, on_error=errors.__setitem__,
                           workers=workers)
        assert results == {0: 2.0, 1: 3.0, 3: 4.0}
        assert list(errors) == [2] and "math domain error" in errors[2]
    with pytest.raises(AnalysisError, match=r"task 2 failed: ValueError: math domain error"):
        parallel.run_tasks(_root, tasks, on_result=lambda i, r: None, workers=2)


def _root(value: float) -> float:
    import math

    return math.sqrt(value)


def test_an_interrupt_stops_the_workers_at_once() -> None:
    started = time.perf_counter()

    def interrupt(index: int, result: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        parallel.run_tasks(time.sleep, [0.2, 60.0, 60.0], on_result=interrupt, workers=2)
    assert time.perf_counter() - started < 30  # not the minute the other tasks would take


def test_simulate_command_gives_the_same_json_on_one_and_on_every_core(tmp_path: Path, capsys) -> None:
    import yaml

    path = tmp_path / "split.yaml"
    path.write_text(yaml.safe_dump(SCENARIO))
    outputs = []
    for workers in ("1", "2"):
        assert main(["simulate", str(path), "--workers", workers, "--json", "-"]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1]


def test_a_sweep_on_two_workers_gives_the_table_of_one(tmp_path: Path) -> None:
    base = {**SCENARIO, "runs": 40}
    base.pop("calibration")
    grid = sweep.grid_from_dict({"grid": {"threats.drone.per_day": [20, 60], "interceptors.pac3.stock": [10, 80]}},
                                base_scenario=base)
    one = sweep.run_sweep(grid, workers=1, progress=False).table.drop(columns="seconds")
    two = sweep.run_sweep(grid, workers=2, progress=False).table.drop(columns="seconds")
    pd.testing.assert_frame_equal(one, two)
