"""Calibration: the engagement probabilities it solves reproduce the target, by formula and simulation."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.model.calibration import (
    calibrate,
    layered_leak,
    record_rates,
    solve_engage_probability,
)
from analysis.model.depletion import simulate
from analysis.model.scenarios import scenario_from_dict


def _scenario(calibration, runs=2000):
    return scenario_from_dict({
        "name": "cal", "horizon_days": 60, "runs": runs, "seed": 3,
        "threats": {"drone": {"per_day": 50, "dispersion": 1.0},
                    "ballistic": {"per_day": 4, "dispersion": 1.0}},
        "interceptors": {"sam": {"stock": 10**7}},
        "layers": [
            {"name": "sam", "interceptor": "sam",
             "engages": {"ballistic": {"shots": 2, "pk": 0.6}, "drone": {"shots": 1, "pk": 0.5}}},
            {"name": "guns", "engages": {"drone": {"shots": 1, "pk": 0.4}}, "engage_probability": 0.3},
        ],
        "calibration": calibration,
    })


def test_one_adjusted_layer_has_the_closed_form():
    c, reachable = solve_engage_probability(0.5, [], [0.84])
    assert reachable and c == pytest.approx(0.5 / 0.84)


def test_several_layers_solve_the_layered_formula():
    c, reachable = solve_engage_probability(0.74, [(0.4, 0.3)], [0.5, 0.6])
    assert reachable
    assert 1 - layered_leak([0.4, 0.5, 0.6], [0.3, c, c]) == pytest.approx(0.74, abs=1e-9)


def test_an_unreachable_target_takes_the_nearest_end_and_says_so():
    assert solve_engage_probability(0.99, [], [0.5]) == (1.0, False)
    assert solve_engage_probability(0.1, [(0.9, 0.9)], [0.5]) == (0.0, False)


def test_calibrated_simulation_reproduces_the_target_while_stocked():
    scenario = _scenario({"target": {"ballistic": 0.6, "drone": 0.5}, "layers": ["sam"]})
    calibrated, report = calibrate(scenario)
    sam = calibrated.layers[0]
    assert sam.engage_probability["ballistic"] == pytest.approx(0.6 / (1 - 0.4**2))
    assert calibrated.layers[1].engage_probability == {"drone": 0.3}  # not adjusted
    result = simulate(scenario)
    summary = result.summary()
    assert summary["calibration"]["applied"]
    for cls, target in (("ballistic", 0.6), ("drone", 0.5)):
        assert summary["calibration"]["classes"][cls]["formula_rate"] == pytest.approx(target)
        assert summary["interception_rate_while_stocked"][cls] == pytest.approx(target, abs=0.01)


def test_targets_from_the_record_are_neutralised_over_launched_of_national_rows():
    record = pd.DataFrame({
        "report_date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-02", "2025-02-01"]),
        "command": ["national", "national", "regional", "national"],
        "weapon_class": ["drone", "drone", "drone", "drone"],
        "launched": [100, 100, 50, 100],
        "neutralised": [80, 60, 50, 0],
    })
    assert record_rates(record, "2025-01-01", "2025-01-31", ("drone",)) == {"drone": 0.7}
    scenario = _scenario({"from_record": {"start": "2025-01-01", "end": "2025-01-31"}})
    _, report = calibrate(scenario, record=record)
    assert report["classes"]["drone"]["target"] == pytest.approx(0.7)
    assert "record" in report["target_source"]
