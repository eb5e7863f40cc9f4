"""Tests of analysis.stats.trend: known trends and steps in simulated monthly series are found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.stats.trend import (
    binary_segmentation,
    change_points,
    month_to_month_dispersion,
    trend_test,
)


def monthly(rates: np.ndarray, seed: int = 2, noise: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = rng.integers(500, 3000, size=len(rates))
    p = np.clip(rates + rng.normal(0, noise, size=len(rates)), 0.01, 0.99)
    return pd.DataFrame({"date": pd.date_range("2023-01-01", periods=len(rates), freq="MS"),
                         "launched": n, "neutralised": rng.binomial(n, p)})


def test_step_is_found_at_its_month_and_flat_series_has_none() -> None:
    rates = np.r_[np.full(18, 0.85), np.full(18, 0.75)]
    series = monthly(rates, noise=0.02)
    found = change_points(series)
    assert len(found) == 1
    assert found["date"].iloc[0] == pd.Timestamp("2024-07-01")
    assert found["rate_before"].iloc[0] == pytest.approx(0.85, abs=0.02)
    assert found["months_from_convention_change"].iloc[0] == 0  # 2024-07-10 is the nearest change
    assert change_points(monthly(np.full(36, 0.8), noise=0.02)).empty


def test_dispersion_from_consecutive_months_ignores_a_step() -> None:
    rng = np.random.default_rng(4)
    n = np.full(60, 1000)
    k = rng.binomial(n, np.r_[np.full(30, 0.9), np.full(30, 0.6)])
    # Pure binomial noise apart from one big step: the estimate stays at 1 (its floor) or near it.
    assert month_to_month_dispersion(k, n) < 1.5
    cuts, _phi, _penalty = binary_segmentation(k, n)
    assert cuts == [30]


def test_trend_glm_recovers_known_slope() -> None:
    months = 48
    years = np.arange(months) / 12
    slope = -0.3
    rates = 1 / (1 + np.exp(-(1.5 + slope * years)))
    result = trend_test(monthly(rates, seed=9))
    # The GLM's years run from the first month by days; the slope per year is the same.
    assert result["ci_low"] <= slope <= result["ci_high"]
    assert result["direction"] == "falling"
    assert result["kendall_tau"] < -0.5
    flat = trend_test(monthly(np.full(months, 0.8), seed=9))
    assert flat["direction"] == "no clear trend"


def test_monthly_series_starts_at_complete_coverage_by_default() -> None:
    from analysis.stats.trend import TREND_START, monthly_series

    months = pd.date_range("2023-06-01", "2025-06-01", freq="MS")
    record = pd.DataFrame({
        "line": np.arange(len(months)) + 2, "report_date": months + pd.Timedelta(days=3),
        "start": months + pd.Timedelta(days=2, hours=20), "end": months + pd.Timedelta(days=3, hours=6),
        "model": "Shahed-136/131", "weapon_class": "drone", "command": "national", "publisher": "kpszsu", "shahed_real": pd.NA,
        "source": [f"kpszsu/{i}" for i in range(len(months))], "convention": "combined",
        "launched": 100, "destroyed": 80, "not_reached": 0, "neutralised": 80,
    })
    for column in ("launched", "destroyed", "not_reached", "neutralised", "shahed_real"):
        record[column] = record[column].astype("Int64")
    assert TREND_START == "2024-08-01"
    assert monthly_series(record, "drone")["date"].min() == pd.Timestamp("2024-08-01")
    assert monthly_series(record, "drone", start=None)["date"].min() == pd.Timestamp("2023-06-01")
    assert monthly_series(record, "drone", start="2025-01-01")["date"].min() == pd.Timestamp("2025-01-01")


def test_verdict_explains_when_glm_and_mann_kendall_disagree() -> None:
    # Light months rise steadily; four launch-heavy months swing between 90% and 70% with no trend.
    # The ranks see the rise; the launch-weighted GLM, widened by the heavy months' dispersion, not.
    months = 24
    n = np.full(months, 200)
    rates = np.linspace(0.75, 0.85, months)
    heavy = [0, 7, 16, 23]
    n[heavy] = 20000
    rates[heavy] = [0.7, 0.9, 0.9, 0.7]
    series = pd.DataFrame({"date": pd.date_range("2024-08-01", periods=months, freq="MS"),
                           "launched": n, "neutralised": np.round(n * rates).astype(int)})
    result = trend_test(series)
    assert result["mann_kendall_p"] < 0.05 and result["kendall_tau"] > 0
    assert result["direction"] == "no clear trend"
    verdict = str(result["verdict"])
    assert verdict.startswith("no clear trend by the GLM, but a rising pattern by rank")
    assert "includes 0 after allowing for the month-to-month dispersion" in verdict
    assert "Mann-Kendall" in verdict
    agreeing = trend_test(monthly(1 / (1 + np.exp(-(1.5 - 0.3 * np.arange(48) / 12))), seed=9))
    assert str(agreeing["verdict"]).startswith("falling: ") and "agree" in str(agreeing["verdict"])
