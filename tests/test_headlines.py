"""The headline figures and the sentences built from them: complete coverage first with the whole
record beside, missiles destroyed first, intervals always, "order of magnitude" only for ten times."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.stats import headlines
from analysis.stats.intervals import share_interval
from tests.test_rates import synthetic_record


def test_headlines_start_at_complete_coverage_with_the_whole_record_beside() -> None:
    record = synthetic_record(waves=120)  # June 2024 to mid 2025
    table = headlines.class_headlines(record, ("drone", "ballistic"))
    drone = table[table["class"] == "drone"]
    assert list(drone["counting"]) == ["shot down or jammed"] * 2  # drones: the comparable count only
    complete = drone[drone["period"] == "complete"].iloc[0]
    assert complete["start"] == pd.Timestamp("2024-08-01")
    rows = record[(record["weapon_class"] == "drone") & (record["command"] == "national")
                  & (record["report_date"] >= pd.Timestamp("2024-08-01"))]
    assert complete["launched"] == rows["launched"].sum() and complete["counted"] == rows["neutralised"].sum()
    rows = rows.sort_values("report_date")  # the interval reads the attacks in time order
    low, high, _ = share_interval(rows["neutralised"].astype(float), rows["launched"].astype(float))
    assert (complete["low"], complete["high"]) == pytest.approx((low[0], high[0]))
    ballistic = table[table["class"] == "ballistic"]
    assert list(ballistic["counting"])[:2] == ["destroyed", "destroyed"]  # destroyed first
    assert list(ballistic["counting"])[2:] == ["destroyed or failed to reach"] * 2


def test_an_order_of_magnitude_only_where_it_is_one() -> None:
    assert headlines.ratio_words(0.75, 0.12) == "about 6 times"
    assert headlines.ratio_words(0.9, 0.08) == "an order of magnitude"
    assert headlines.day(pd.Timestamp("2026-06-07")) == "7 June 2026"


def test_a_class_without_launches_has_no_share() -> None:
    assert np.isnan(headlines.pooled_share(synthetic_record(), "cruise", "neutralised")["rate"])
