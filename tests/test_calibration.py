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


def test_targets_from_the_record_count_national_rows_destroyed_for_missiles_neutralised_for_drones():
    record = pd.DataFrame({
        "report_date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-02", "2025-02-01", "2025-01-03",
                                       "2025-01-04", "2025-01-05"]),
        "command": ["national", "national", "regional", "national", "national", "national", "national"],
        "weapon_class": ["drone", "drone", "drone", "drone", "ballistic", "ballistic", "ballistic"],
        "model": ["Shahed-136/131"] * 4 + ["Iskander-M", "X-47 Kinzhal", "C-300"],
        "launched": [100, 100, 50, 100, 10, 4, 6],
        "destroyed": [70, 50, 50, 0, 3, 1, 0],
        "neutralised": [80, 60, 50, 0, 5, 2, 0],
    })
    # drones: neutralised (80 + 60) / 200; the regional row and February are left out
    assert record_rates(record, "2025-01-01", "2025-01-31", ("drone",)) == {"drone": 0.7}
    # missiles: destroyed; a missile that failed on its own was not intercepted
    assert record_rates(record, "2025-01-01", "2025-01-31", ("ballistic",)) == {"ballistic": 0.2}
    assert record_rates(record, "2025-01-01", "2025-01-31", ("ballistic",), "neutralised") == {"ballistic": 0.35}
    # a scenario that names Kinzhal and S-300/S-400 apart takes their rows out of ballistic
    split = record_rates(record, "2025-01-01", "2025-01-31", ("ballistic", "kinzhal", "sam"))
    assert split == {"ballistic": 0.3, "kinzhal": 0.25, "sam": 0.0}
    scenario = _scenario({"from_record": {"start": "2025-01-01", "end": "2025-01-31"}})
    _, report = calibrate(scenario, record=record)
    assert report["classes"]["drone"]["target"] == pytest.approx(0.7)
    assert "record" in report["target_source"]


def _two_layers(**patriot):
    return {
        "name": "rule", "horizon_days": 30,
        "threats": {"ballistic": {"per_day": 4, "dispersion": 1}, "cruise": {"per_day": 6, "dispersion": 1}},
        "interceptors": {"pac3": {"stock": 10**6}, "amraam": {"stock": 10**6}},
        "layers": [
            {"name": "nasams", "interceptor": "amraam", "engages": {"cruise": {"shots": 1, "pk": 0.5}}},
            {"name": "patriot", "interceptor": "pac3",
             "engages": {"ballistic": {"shots": 2, "pk": 0.5}, "cruise": {"shots": 1, "pk": 0.8}}, **patriot},
        ],
        "calibration": {"target": {"ballistic": 0.6, "cruise": 0.7}},
    }


def test_a_value_the_user_sets_is_held_and_calibration_solves_the_rest():
    scenario = scenario_from_dict(_two_layers()).with_overrides(
        {"layers.patriot.engage_probability.cruise": 0.5, "calibration.target.cruise": 0.6})
    solved, report = calibrate(scenario)
    nasams, patriot = solved.layers
    assert patriot.engage_probability["cruise"] == 0.5  # held
    assert report["classes"]["cruise"]["held"] == ["patriot"]
    # nasams alone is solved: 1 - (1 - 0.5 c)(1 - 0.5 x 0.8) = 0.6
    assert nasams.engage_probability["cruise"] == pytest.approx((1 - 0.4 / 0.6) / 0.5)
    assert patriot.engage_probability["ballistic"] == pytest.approx(0.6 / 0.75)  # still solved


def test_calibration_refuses_when_nothing_is_left_to_solve_and_names_the_way_out():
    from analysis.errors import ScenarioError

    with pytest.raises(ScenarioError) as error:
        scenario_from_dict(_two_layers(engage_probability=0.8))
    message = str(error.value)
    assert "calibration.target.ballistic" in message and "layers.patriot.engage_probability.ballistic" in message
    assert "calibration: off" in message and "--no-calibrate" in message
    # switched off, the same scenario runs with the values as set (1 where unset)
    scenario = scenario_from_dict({**_two_layers(engage_probability=0.8), "calibration": "off"})
    assert scenario.calibration is None and scenario.layers[0].engage_probability == {"cruise": 1.0}


def test_pk_and_engage_probability_are_not_separately_identified():
    # one layer engages ballistic: calibration solves c = target / q, so the observed rate holds for
    # any pk while the interceptors fired, 4 x c x 2 a day, scale as 1 / q
    from analysis.model.calibration import split_consumption

    table = split_consumption(scenario_from_dict(_two_layers()), "patriot", "ballistic", [0.5, 0.9])
    assert table["interception_rate"].tolist() == pytest.approx([0.6, 0.6])
    q = 1 - (1 - table["pk"]) ** 2
    assert table["interceptors_per_day"].tolist() == pytest.approx((4 * 2 * 0.6 / q).tolist())
    assert table["interceptors_per_day"].iloc[0] / table["interceptors_per_day"].iloc[1] == pytest.approx(0.99 / 0.75)


def test_an_unreachable_target_is_reported():
    from analysis.model.calibration import unreachable_notes

    data = _two_layers()
    data["calibration"]["target"]["ballistic"] = 0.9  # patriot stops at most 0.75
    _, report = calibrate(scenario_from_dict(data))
    assert not report["classes"]["ballistic"]["reachable"]
    assert report["classes"]["ballistic"]["formula_rate"] == pytest.approx(0.75)
    assert unreachable_notes(report) == {
        "ballistic": "target 90.0% for ballistic is out of reach: the layers stop 75.0% at most (engage probability 1)"}


def test_a_target_below_what_the_held_layers_already_stop_says_at_least():
    from analysis.model.calibration import unreachable_notes

    # patriot held at engage probability 1 stops 0.8 of the cruise missiles reaching it: with nasams
    # at 0 the layers stop 80%, more than the 30% asked, and any nasams engagement stops more
    scenario = scenario_from_dict(_two_layers()).with_overrides(
        {"layers.patriot.engage_probability.cruise": 1.0, "calibration.target.cruise": 0.3})
    solved, report = calibrate(scenario)
    assert solved.layers[0].engage_probability["cruise"] == 0.0
    assert report["classes"]["cruise"]["formula_rate"] == pytest.approx(0.8)
    assert unreachable_notes(report)["cruise"] == (
        "target 30.0% for cruise is out of reach: the layers stop 80.0% at least (engage probability 0 "
        "on nasams; the held layers alone stop that much)")
