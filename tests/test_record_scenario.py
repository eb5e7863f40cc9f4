"""A scenario that resamples the record's days, on the real snapshot, against sums from the raw file."""

from __future__ import annotations

import csv
from collections import defaultdict

import numpy as np
import pytest

from analysis.model.depletion import simulate
from analysis.model.scenarios import load_scenario
from analysis.record import load_record
from analysis.record.weapons import classify_model, normalise_model

SCENARIO = "record-2025-h2-x1.5"


def _daily_launches_from_csv(path, start: str, end: str) -> dict[str, float]:
    """Mean launches per calendar day by class, national posts, dated by the end of the window; a
    row naming the Kinzhal alone is its own class, as the scenario counts it."""
    totals: dict[str, float] = defaultdict(float)
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["source"].split("/")[0].lower().startswith("pvk") or not row["launched"]:
                continue
            day = row["time_end"][:10]
            if start <= day <= end:
                kinzhal = normalise_model(row["model"]) == "x-47 kinzhal"
                totals["kinzhal" if kinzhal else classify_model(row["model"])[0]] += float(row["launched"])
    days = (np.datetime64(end) - np.datetime64(start)).astype(int) + 1
    return {name: total / days for name, total in totals.items()}


@pytest.mark.record
def test_resampled_days_reproduce_the_record_rate_times_the_scale(record_path):
    scenario = load_scenario(SCENARIO)
    expected = _daily_launches_from_csv(record_path, "2025-07-01", "2025-12-31")
    result = simulate(scenario, runs=400, seed=7, record=load_record(record_path))
    per_run = result.run_arrivals / result.horizon_days  # (class, run): each run's mean a day
    simulated = per_run.mean(axis=1)
    error = per_run.std(axis=1, ddof=1) / np.sqrt(result.runs)  # runs are independent
    for index, name in enumerate(result.classes):
        target = 1.5 * expected[name]
        # blocks of 14 days starting on any day, wrapping at the period's end: every day of the
        # period equally likely, so the mean is the record's times the scale, up to chance
        assert abs(simulated[index] - target) < 4 * error[index] + 1e-9, (name, simulated[index], target)
        assert error[index] < 0.02 * target  # and the test can tell a 2% bias (400 runs)
    assert result.calibration is not None
    summary = result.summary()
    assert 0 < summary["interception_rate"]["mean"] < 1
