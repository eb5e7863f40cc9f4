"""`threats: {from_forecast: ...}`: the scenario key validated with file, key and value; the
engine's arrivals are the forecast's sample paths, the same for any chunking; the shipped
scenario loads."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.errors import ScenarioError
from analysis.model.depletion import simulate
from analysis.model.scenarios import load_scenario, scenario_from_dict
from tests.test_forecast import synthetic_record


def forecast_scenario(**forecast) -> dict:
    return {
        "name": "forecast-test", "horizon_days": 28, "runs": 200, "seed": 5,
        "threats": {"from_forecast": {"classes": ["drone"], "model": "naive", **forecast}},
        "interceptors": {"gun": {"stock": 10_000}},
        "layers": [{"name": "guns", "interceptor": "gun", "engages": {"drone": {"shots": 1, "pk": 0.5}}}],
    }


def saturday_record() -> pd.DataFrame:
    days = pd.date_range("2024-08-01", "2025-06-30", freq="D")
    daily = pd.DataFrame({"drone": 70.0 * (days.day_of_week == 5)}, index=days)
    return synthetic_record(daily, "saturdays.csv")


def test_the_engine_draws_each_runs_arrivals_from_the_forecast():
    scenario = scenario_from_dict(forecast_scenario())
    assert scenario.needs_record and scenario.classes == ("drone",)
    result = simulate(scenario, record=saturday_record())
    days = pd.date_range("2025-07-01", periods=28)
    mean = result.mean_arrivals[0]
    # the naive forecast of 70 drones every Saturday, split like the record's weeks
    assert (mean[days.day_of_week == 5] == 70).all() and (mean[days.day_of_week != 5] == 0).all()
    assert result.summary()["arrivals_per_day"]["drone"] == pytest.approx(10.0)


def test_forecast_arrivals_do_not_depend_on_how_runs_are_chunked():
    record = synthetic_record(pd.DataFrame(
        {"drone": np.random.default_rng(4).poisson(150, 334).astype(float)},
        index=pd.date_range("2024-08-01", periods=334)))
    scenario = scenario_from_dict({**forecast_scenario(model="nb-trend"), "runs": 4500})
    whole = simulate(scenario, record=record, chunk_runs=20_000)
    chunked = simulate(scenario, record=record, chunk_runs=2000)
    np.testing.assert_array_equal(whole.run_arrivals, chunked.run_arrivals)
    np.testing.assert_array_equal(whole.depletion_day, chunked.depletion_day)
    assert whole.run_arrivals.std() > 0  # the paths differ from run to run


@pytest.mark.parametrize(("forecast", "message"), [
    ({"modle": "naive"}, "threats.from_forecast.modle: unknown key"),
    ({"model": "arima"}, "threats.from_forecast.model: 'arima': input should be 'auto'"),
    ({"by": "month"}, "threats.from_forecast.by: 'month': input should be 'week' or 'day'"),
    ({"classes": ["drone", "drone"]}, "threats.from_forecast.classes: ['drone', 'drone']: a class is listed twice"),
    ({"classes": ["shahed"]}, "threats.from_forecast.classes.0: 'shahed'"),
    ({"start": "next week"}, "threats.from_forecast.start: 'next week'"),
    ({"scale": -1}, "threats.from_forecast.scale: -1"),
])
def test_a_bad_forecast_key_names_the_key_and_the_value(forecast, message):
    with pytest.raises(ScenarioError) as error:
        scenario_from_dict(forecast_scenario(**forecast), source="forecast.yaml")
    assert str(error.value).startswith(f"forecast.yaml: {message}")


def test_a_bad_forecast_key_in_a_file_names_its_line(tmp_path):
    path = tmp_path / "forecast.yaml"
    path.write_text(yaml.safe_dump(forecast_scenario(model="arima"), sort_keys=False))
    with pytest.raises(ScenarioError, match=r"forecast.yaml, line \d+: threats.from_forecast.model: 'arima'"):
        load_scenario(path)


def test_other_threat_keys_beside_the_forecast_are_refused():
    data = forecast_scenario()
    data["threats"]["drone"] = {"per_day": 5}
    with pytest.raises(ScenarioError, match="forecast.yaml: threats.drone: unknown key"):
        scenario_from_dict(data, source="forecast.yaml")


def test_a_horizon_beyond_the_forecast_reach_is_a_scenario_error():
    scenario = scenario_from_dict({**forecast_scenario(), "horizon_days": 1200, "runs": 10})
    with pytest.raises(ScenarioError, match="horizon_days.*156 weeks"):
        simulate(scenario, record=saturday_record())


def test_the_shipped_forecast_scenario_is_the_baseline_defense_against_the_forecast():
    forecast, baseline = load_scenario("forecast-from-record"), load_scenario("baseline")
    assert forecast.forecast_threats is not None and forecast.forecast_threats.model == "auto"
    # the forecast counts the record's classes: the Kinzhal, its own threat in the baseline, stays
    # among ballistic missiles; everything else is the baseline's defense
    assert forecast.needs_record
    assert forecast.classes == tuple(c for c in baseline.classes if c != "kinzhal")
    assert forecast.interceptors == baseline.interceptors
    assert forecast.layers == tuple(_without(layer, "kinzhal") for layer in baseline.layers)
    assert forecast.calibration.period == baseline.calibration.period
    assert forecast.calibration.missiles == baseline.calibration.missiles == "destroyed"
    # the ballistic target counts the Kinzhal in: 0.322 of all ballistic missiles destroyed against
    # the baseline's 0.338 without it (data/sources.yaml, record-2026-h1-rates)
    assert forecast.calibration.target == {**_without_key(baseline.calibration.target, "kinzhal"), "ballistic": 0.322}
    # and a ballistic missile costs the record's mix: 25 Kinzhals at 10 million, 400 others at 3
    mix = (25 * baseline.attacker_costs_usd["kinzhal"] + 400 * baseline.attacker_costs_usd["ballistic"]) / 425
    assert forecast.attacker_costs_usd["ballistic"] == pytest.approx(mix, rel=1e-3)
    assert _without_key(forecast.attacker_costs_usd, "ballistic") == _without_key(
        baseline.attacker_costs_usd, "ballistic", "kinzhal")


def _without_key(mapping, *keys):
    return {k: v for k, v in mapping.items() if k not in keys}


def _without(layer, cls: str):
    return dataclasses.replace(layer, engages=_without_key(layer.engages, cls),
                               engage_probability=_without_key(layer.engage_probability, cls))


def test_the_attack_multiple_scales_the_forecast_and_the_long_run_uses_its_mean():
    from analysis.model.longrun import mean_arrivals
    from analysis.model.sustainability import scaled

    scenario = scenario_from_dict(forecast_scenario())
    record = saturday_record()
    assert mean_arrivals(scenario, record)["drone"] == pytest.approx(10.0)
    doubled = scaled(scenario, 2.0)
    assert doubled.forecast_threats.scale == 2.0
    assert mean_arrivals(doubled, record)["drone"] == pytest.approx(20.0)
    assert simulate(doubled, record=record).summary()["arrivals_per_day"]["drone"] == pytest.approx(20.0)
