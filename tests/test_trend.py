"""Tests of analysis.stats.trend: whole months only, a known slope recovered, the interval against
statsmodels where the noise model reduces to weighted least squares, and Mann-Kendall against scipy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from analysis.stats.trend import (
    TREND_START,
    MonthlyModel,
    gls_effect,
    logit_share,
    mann_kendall,
    monthly_series,
    trend_test,
)


def monthly(rates: np.ndarray, seed: int = 2, noise: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = rng.integers(500, 3000, size=len(rates))
    p = np.clip(rates + rng.normal(0, noise, size=len(rates)), 0.01, 0.99)
    series = pd.DataFrame({"date": pd.date_range("2023-01-01", periods=len(rates), freq="MS"),
                           "launched": n, "neutralised": rng.binomial(n, p)})
    series.attrs["count_column"] = "neutralised"
    return series


def tidy_record(days: pd.DatetimeIndex, convention: pd.Series | str = "combined",
                launched: int = 100, destroyed: int = 80) -> pd.DataFrame:
    """A tidy record of one national drone row a day on `days`."""
    record = pd.DataFrame({
        "line": np.arange(len(days)) + 2, "report_date": days,
        "start": days - pd.Timedelta(hours=10), "end": days + pd.Timedelta(hours=6),
        "model": "Shahed-136/131", "weapon_class": "drone", "command": "national", "publisher": "kpszsu",
        "shahed_real": pd.NA, "source": [f"kpszsu/{i}" for i in range(len(days))], "convention": convention,
        "launched": launched, "destroyed": destroyed, "not_reached": 0, "neutralised": destroyed,
    })
    for column in ("launched", "destroyed", "not_reached", "neutralised", "shahed_real"):
        record[column] = record[column].astype("Int64")
    return record


def test_trend_recovers_a_known_slope_and_says_falling() -> None:
    slope = -0.3
    rates = 1 / (1 + np.exp(-(1.5 + slope * np.arange(48) / 12)))
    result = trend_test(monthly(rates, seed=9))
    assert result["ci_low"] <= slope <= result["ci_high"]
    assert result["direction"] == "falling" and str(result["verdict"]).startswith("falling: ")
    assert result["points_per_year"] < 0 and result["kendall_tau"] < -0.5
    flat = trend_test(monthly(np.full(48, 0.8), seed=9))
    assert flat["direction"] == "no clear trend"


def test_the_slope_interval_is_weighted_least_squares_when_months_are_independent() -> None:
    series = monthly(np.linspace(0.7, 0.8, 30), seed=4)
    y, sampling = logit_share(series["neutralised"], series["launched"])
    months = np.arange(30)
    model = MonthlyModel(y, sampling, 0.0, 0.0, np.ones((30, 1)), months)
    slope, se = gls_effect(model, months / 12)
    fit = sm.WLS(y, sm.add_constant(months / 12), weights=1 / sampling).fit(cov_type="fixed scale")
    assert (slope, se) == pytest.approx((fit.params[1], fit.bse[1]), rel=1e-9)


def test_persistent_months_widen_the_interval() -> None:
    series = monthly(np.linspace(0.7, 0.8, 30), seed=4)
    y, sampling = logit_share(series["neutralised"], series["launched"])
    months = np.arange(30)
    independent = MonthlyModel(y, sampling, 0.05, 0.0, np.ones((30, 1)), months)
    streaky = MonthlyModel(y, sampling, 0.05, 0.7, np.ones((30, 1)), months)
    assert gls_effect(streaky, months / 12)[1] > 1.5 * gls_effect(independent, months / 12)[1]


def test_mann_kendall_without_autocorrelation_is_kendalls_test_and_correlation_raises_p() -> None:
    rng = np.random.default_rng(1)
    y = np.arange(25) * 0.02 + rng.normal(0, 0.4, 25)
    tau, p = mann_kendall(y, 0.0)
    reference = stats.kendalltau(np.arange(25), y, method="asymptotic")
    assert tau == pytest.approx(reference.statistic)
    assert p == pytest.approx(reference.pvalue, rel=0.1)  # ours has the continuity correction
    assert mann_kendall(y, 0.6)[1] > p


def test_monthly_series_keeps_whole_months_from_complete_coverage() -> None:
    record = tidy_record(pd.date_range("2023-06-15", "2025-06-10", freq="D"))
    series = monthly_series(record, "drone")
    assert TREND_START == "2024-08-01" and series["date"].min() == pd.Timestamp("2024-08-01")
    # the record's last month (to 10 June) is partial: left out and named
    assert series["date"].max() == pd.Timestamp("2025-05-01")
    assert series.attrs["left_out"][0][0] == "2025-06"
    whole = monthly_series(record, "drone", start=None)
    assert whole["date"].min() == pd.Timestamp("2023-07-01")  # June 2023 starts on the 15th


def test_a_month_split_by_a_change_of_counting_is_left_out_under_destroyed_and_listed_once() -> None:
    days = pd.date_range("2025-05-01", "2025-10-31", freq="D")
    convention = pd.Series(np.where(days < pd.Timestamp("2025-07-23"), "split", "combined"))
    record = tidy_record(days, convention)
    destroyed = monthly_series(record, "drone", convention="destroyed", start="2025-05-01")
    months = destroyed["month"].astype(str).tolist()
    assert "2025-07" not in months and len(months) == len(set(months)) == 5
    assert [m for m, _ in destroyed.attrs["left_out"]] == ["2025-07"]
    neutralised = monthly_series(record, "drone", start="2025-05-01")
    assert neutralised["month"].astype(str).tolist().count("2025-07") == 1
