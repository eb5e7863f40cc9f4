"""Report 02's sentences: the headline shares with their period, interval and exact counts, what
the drone share counts, bigger attacks in plain words, the drift; numbers as a paper prints them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.reporting import rates_text
from analysis.stats import headlines
from analysis.stats.intervals import few_waves_note, interval_note
from tests.test_rates import synthetic_record


def test_the_headline_gives_period_interval_and_exact_counts() -> None:
    record = synthetic_record(waves=120)  # June 2024 to mid 2025
    table = headlines.class_headlines(record, ("drone", "ballistic"))
    sentence = rates_text.headline_sentence(table, "ballistic")
    assert sentence.startswith("From August 2024, ballistic missiles were destroyed")
    assert "destroyed or failed to reach" in sentence and "failed or were diverted" in sentence
    complete = table[(table["class"] == "ballistic") & (table["period"] == "complete")].iloc[0]
    assert f"{complete['counted']:,.0f} of {complete['launched']:,.0f}" in sentence  # whole, as counted
    assert "95% interval" in sentence and "Over the whole record since June 2024" in sentence
    whole = table[(table["class"] == "ballistic") & (table["period"] == "whole record")].iloc[0]
    assert rates_text.interval_words(whole) in sentence  # the whole record with its interval too


def test_the_drone_share_says_it_counts_decoys_and_jamming() -> None:
    record = synthetic_record(waves=120)
    sentence = rates_text.headline_sentence(headlines.class_headlines(record, ("drone",)), "drone")
    assert sentence.startswith("From August 2024, drones (decoys included) were shot down or lost to jamming")
    assert "decoys" in sentence and "jamming" in sentence and "not the share of real Shaheds" in sentence


def test_interval_words_name_the_note_beside_the_interval() -> None:
    few = pd.Series({"low": 0.8, "high": 0.9, "waves": 12, "note": few_waves_note(12)})
    assert rates_text.interval_words(few) == "95% interval 80% to 90%; only 12 attacks, a rough guide"
    streaky = np.r_[np.full(25, 92.0), np.full(25, 70.0)]
    row = pd.Series({"low": 0.8, "high": 0.9, "waves": 50, "note": interval_note(streaky, np.full(50, 100.0))})
    assert rates_text.interval_words(row).endswith("50 attacks that run in long streaks, a rough guide")
    assert rates_text.interval_words(pd.Series({**row, "note": ""})) == "95% interval 80% to 90%"
    assert rates_text.interval_words(pd.Series({**row, "low": 0.001, "high": 0.999})) == "too few attacks to tell"


def test_the_trend_sentence_says_what_the_table_says() -> None:
    trends = pd.DataFrame({"convention": ["neutralised"] * 3, "class": ["drone", "cruise", "ballistic"],
                           "direction": ["no clear trend", "no clear trend", "rising"],
                           "points_per_year": [-1.0, 2.0, 14.5], "points_low": [-5.0, -3.0, 0.4],
                           "points_high": [3.0, 7.0, 28.9]})
    text = rates_text.trend_sentence(trends, "neutralised", pd.Timestamp("2024-08-01"))
    assert text == ("Since August 2024 the monthly share stopped shows no clear trend for drones and cruise "
                    "missiles; for ballistic missiles it may have been rising by about 14 points a year "
                    "(95% interval +0.4 to +29, barely clear of no change).")
    trends.loc[2, "points_low"] = 3.2
    assert rates_text.trend_sentence(trends, "neutralised", pd.Timestamp("2024-08-01")).endswith(
        "for ballistic missiles it was rising by about 14 points a year (95% interval +3 to +29).")


def test_bigger_attacks_in_plain_words_with_their_period() -> None:
    """The first screen's saturation sentence: shares of the smallest and largest quarter of
    attacks and the period, no odds ratio."""
    defense = pd.DataFrame([
        {"class": "drone", "counting": "shot down", "headline": True, "answer": "unclear", "odds_ratio": 0.98,
         "share_smallest": 0.62, "share_largest": 0.52, "start": pd.Timestamp("2024-08-03"),
         "end": pd.Timestamp("2025-07-22")},
        {"class": "drone", "counting": "lost to jamming or decoys", "headline": False, "answer": "rises",
         "odds_ratio": 1.26, "share_smallest": 0.25, "share_largest": 0.40, "start": pd.Timestamp("2024-08-03"),
         "end": pd.Timestamp("2025-07-22")},
        {"class": "ballistic", "counting": "destroyed", "headline": True, "answer": "rises", "odds_ratio": 1.9,
         "share_smallest": 0.13, "share_largest": 0.38, "start": pd.Timestamp("2024-08-06"),
         "end": pd.Timestamp("2026-06-02")},
        {"class": "cruise", "counting": "destroyed", "headline": True, "answer": "rises", "odds_ratio": np.nan,
         "share_smallest": np.nan, "share_largest": np.nan, "start": pd.NaT, "end": pd.NaT},
    ])
    text = rates_text.saturation_sentence(defense)
    assert text.startswith("In bigger attacks, the share of drones shot down did not clearly change (62% in the "
                           "smallest quarter of attacks, 52% in the largest; August 2024 to July 2025), while "
                           "the share lost to jamming or decoys rose (25% in the smallest")
    assert "ballistic missiles destroyed rose (13% in the smallest quarter of attacks, 38% in the largest; " \
           "August 2024 to June 2026)" in text
    assert "cruise" not in text and "odds" not in text
    assert rates_text.saturation_sentence(defense.iloc[3:]) == ""


def test_the_interval_line_states_its_level_and_what_it_allows_for() -> None:
    line = rates_text.intervals_sentence()
    assert line.startswith("Shares come with 95% intervals") and "streaks" in line
