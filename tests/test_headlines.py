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
    sentence = headlines.headline_sentence(table, "ballistic")
    assert sentence.startswith("From August 2024, ballistic missiles were destroyed")
    assert "destroyed or failed to reach" in sentence and "failed or were diverted" in sentence
    assert "95% interval" in sentence and "Over the whole record since June 2024" in sentence


def test_an_order_of_magnitude_only_where_it_is_one() -> None:
    assert headlines.ratio_words(0.75, 0.12) == "about 6 times"
    assert headlines.ratio_words(0.9, 0.08) == "an order of magnitude"
    assert headlines.count(84_029) == "about 84,000" and headlines.count(1_867) == "1,867"
    assert headlines.day(pd.Timestamp("2026-06-07")) == "7 June 2026"


def test_the_trend_sentence_says_what_the_table_says() -> None:
    trends = pd.DataFrame({"convention": ["neutralised"] * 3, "class": ["drone", "cruise", "ballistic"],
                           "direction": ["no clear trend", "no clear trend", "rising"],
                           "points_per_year": [-1.0, 2.0, 14.5], "points_low": [-5.0, -3.0, 0.4],
                           "points_high": [3.0, 7.0, 28.9]})
    text = headlines.trend_sentence(trends, "neutralised", pd.Timestamp("2024-08-01"))
    assert text == ("Since August 2024 the monthly share stopped shows no clear trend for drones and cruise "
                    "missiles; for ballistic missiles it may have been rising by about 14 points a year "
                    "(95% interval +0.4 to +29, barely clear of no change).")
    trends.loc[2, "points_low"] = 3.2
    assert headlines.trend_sentence(trends, "neutralised", pd.Timestamp("2024-08-01")).endswith(
        "for ballistic missiles it was rising by about 14 points a year (95% interval +3 to +29).")
    assert np.isnan(headlines.pooled_share(synthetic_record(), "cruise", "neutralised")["rate"])


def test_interval_words_name_the_note_beside_the_interval() -> None:
    import numpy as np

    from analysis.stats.intervals import few_waves_note, interval_note

    few = pd.Series({"low": 0.8, "high": 0.9, "waves": 12, "note": few_waves_note(12)})
    assert headlines.interval_words(few) == "95% interval 80% to 90%; only 12 attacks, a rough guide"
    streaky = np.r_[np.full(25, 92.0), np.full(25, 70.0)]
    row = pd.Series({"low": 0.8, "high": 0.9, "waves": 50, "note": interval_note(streaky, np.full(50, 100.0))})
    assert headlines.interval_words(row).endswith("50 attacks that run in long streaks, a rough guide")
    assert headlines.interval_words(pd.Series({**row, "note": ""})) == "95% interval 80% to 90%"
