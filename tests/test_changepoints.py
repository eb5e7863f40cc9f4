"""Tests of analysis.stats.changepoints: a step is found and dated, a flat series with the record's
spread and month-to-month correlation shows a false break at most 5% of the time, and the known
dates of the counting changes are tested as candidate breaks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.record import COMBINED_FROM
from analysis.stats.changepoints import (
    false_break_rate,
    first_whole_month,
    known_break_test,
    search_breaks,
    simulate_flat_series,
)
from tests.test_trend import tidy_record


def stepped(before: float, after: float, months: int = 24, at: int = 12, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    launched = np.full(months, 2000)
    shares = np.r_[np.full(at, before), np.full(months - at, after)]
    shares = 1 / (1 + np.exp(-(np.log(shares / (1 - shares)) + rng.normal(0, 0.1, months))))
    series = pd.DataFrame({"date": pd.date_range("2024-08-01", periods=months, freq="MS"),
                           "launched": launched, "neutralised": rng.binomial(launched, shares)})
    series.attrs["count_column"] = "neutralised"
    return series


def test_a_clear_step_is_found_and_dated_and_a_flat_series_has_none() -> None:
    found = search_breaks(stepped(0.85, 0.65))
    assert len(found) == 1
    row = found.iloc[0]
    assert row["date"] == pd.Timestamp("2025-08-01") and row["dated"]
    assert row["date_low"] <= row["date"] <= row["date_high"]
    assert row["rate_before"] == pytest.approx(0.85, abs=0.03) and row["p_value"] < 0.05
    assert row["nearest_known"] == COMBINED_FROM and row["months_from_known"] == 0
    assert search_breaks(stepped(0.8, 0.8)).empty


@pytest.mark.parametrize(("share", "extra_sd", "phi", "launches"), [
    (0.88, 0.5, 0.7, "drones"),  # the drone series: large months, strong persistence
    (0.3, 0.6, 0.0, "missiles"),  # ballistic missiles: small months, independent
])
def test_false_breaks_at_most_5_percent_on_flat_series_like_the_records(share, extra_sd, phi, launches) -> None:
    launched = np.linspace(800, 8000, 22).round() if launches == "drones" else np.full(22, 60.0)
    rate = false_break_rate(launched, share, extra_sd, phi, series=150, draws=1000, seed=7)
    # 5% plus two standard errors of 150 simulated series
    assert rate <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / 150)


def test_a_flat_series_is_flat() -> None:
    series = simulate_flat_series(np.full(12, 1000.0), 0.8, 0.0, 0.0, np.random.default_rng(1))
    assert series["neutralised"].between(740, 860).all()


def test_known_dates_are_tested_as_candidate_breaks() -> None:
    days = pd.date_range("2024-08-01", "2026-05-31", freq="D")
    after = days >= COMBINED_FROM
    record = tidy_record(days, pd.Series(np.where(after, "combined", "split")))
    rng = np.random.default_rng(2)
    record["destroyed"] = pd.array(np.where(after, 60, 85) + rng.integers(-3, 4, len(days)), dtype="Int64")
    record["neutralised"] = record["destroyed"]
    step = known_break_test(record, "drone", COMBINED_FROM)
    assert step["months_before"] == 11 and step["months_after"] == 10  # July 2025 left out
    assert step["p_value"] < 0.05 and step["step_high"] < 0
    assert step["step_points"] == pytest.approx(-25, abs=2)
    assert step["verdict"].startswith("a step")
    flat = tidy_record(days, pd.Series(np.where(after, "combined", "split")))
    assert known_break_test(flat, "drone", COMBINED_FROM)["verdict"].startswith("no clear step")
    assert first_whole_month(COMBINED_FROM) == pd.Timestamp("2025-08-01")
