"""Tests of analysis.saturation: a known saturation slope is recovered from simulated waves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.saturation import (
    fit_saturation,
    predict_saturation,
    saturation_data,
    saturation_table,
)


def simulated_waves(slope: float, seed: int = 5, waves: int = 250, rho: float = 0.01) -> pd.DataFrame:
    """A wave table whose drone log-odds fall by `slope` per doubling, with beta noise per wave."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-01", periods=waves, freq="2D")
    drones = rng.integers(10, 700, size=waves)
    with_missiles = rng.random(waves) < 0.4
    cruise = np.where(with_missiles, rng.integers(5, 60, size=waves), 0)
    size = drones + cruise
    years = (dates - dates[0]).days / 365.25
    logit = 1.2 + slope * np.log2(size) + 0.3 * with_missiles + 0.2 * years
    p = 1 / (1 + np.exp(-logit))
    a, b = p * (1 - rho) / rho, (1 - p) * (1 - rho) / rho
    drone_destroyed = rng.binomial(drones, rng.beta(a, b))
    cruise_destroyed = rng.binomial(cruise, 0.7)
    return pd.DataFrame({
        "wave_id": np.arange(waves), "command": "national", "report_date": dates,
        "convention": np.where(dates < pd.Timestamp("2024-07-10"), "early", "split"),
        "drone_launched": drones, "drone_destroyed": drone_destroyed, "drone_not_reached": 0,
        "cruise_launched": cruise, "cruise_destroyed": cruise_destroyed, "cruise_not_reached": 0,
        "ballistic_launched": 0, "ballistic_destroyed": 0, "ballistic_not_reached": 0,
    })


@pytest.mark.parametrize("slope", [-0.25, 0.0])
def test_glm_recovers_known_saturation_slope(slope: float) -> None:
    waves = simulated_waves(slope)
    data = saturation_data(waves, "drone")
    fit = fit_saturation(data, "drone")
    row = fit.coefficients.set_index("term").loc["log2_size"]
    assert row.ci_low <= slope <= row.ci_high
    assert row.estimate == pytest.approx(slope, abs=0.1)
    mixed = fit.coefficients.set_index("term").loc["mixed_wave"]
    assert abs(mixed.estimate - 0.3) < 3 * mixed.std_error  # one draw: 3 SE, not the 95% interval
    assert fit.dispersion > 1.5  # the beta noise is seen and widens the intervals
    assert fit.answer == ("yes" if slope < 0 else "unclear")
    assert fit.verdict.startswith("Bigger waves get through more: " + fit.answer)


def test_prediction_band_contains_true_curve_and_falls_with_size() -> None:
    fit = fit_saturation(saturation_data(simulated_waves(-0.25), "drone"), "drone")
    sizes = np.array([20.0, 100.0, 500.0])
    predicted = predict_saturation(fit, sizes, mixed_wave=0.0, years=1.0)
    truth = 1 / (1 + np.exp(-(1.2 - 0.25 * np.log2(sizes) + 0.2)))
    assert np.all(predicted["ci_low"] <= truth) and np.all(truth <= predicted["ci_high"])
    assert predicted["rate"].is_monotonic_decreasing


def test_destroyed_fit_has_a_level_per_reporting_period() -> None:
    table, fits = saturation_table(simulated_waves(-0.25), convention="destroyed", classes=("drone", "cruise"))
    assert "period_split" in set(table["term"])
    assert set(fits) == {"drone", "cruise"}
    # Cruise missiles only fly in mixed waves here: the mix term is dropped, not estimated.
    assert "mixed_wave" not in fits["cruise"].design_columns
