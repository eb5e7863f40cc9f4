"""The sentences of report 06, on small forecasts made up here: rounded counts, periods in words,
the record's last whole period beside the forecast, and the backtest's coverage."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from analysis.reporting import forecast_text as prose


def _table() -> pd.DataFrame:
    return pd.DataFrame([
        {"class": "drone", "period": "2026-06", "median": 7395, "low": 5640, "high": 9212, "observed_days": 7, "days": 30},
        {"class": "drone", "period": "2026-07", "median": 7112, "low": 4496, "high": 10286, "observed_days": 0, "days": 31},
        {"class": "ballistic", "period": "2026-06", "median": 79, "low": 44, "high": 113, "observed_days": 7, "days": 30},
        {"class": "ballistic", "period": "2026-07", "median": 61.4, "low": 0, "high": 126, "observed_days": 0, "days": 31},
    ])


def _record() -> pd.DataFrame:
    starts = pd.to_datetime(["2026-04-01", "2026-05-01", "2026-06-01"])
    return pd.DataFrame({"class": ["drone"] * 3 + ["ballistic"] * 3, "start": list(starts) * 2,
                         "launched": [6583, 8150, 2136, 50, 91, 34], "complete": [True, True, False] * 2})


def test_periods_and_counts_read_as_a_reader_writes_them():
    assert prose.period_words("2026-07", "month") == "July 2026"
    assert prose.period_words("2026-06-08", "week") == "the week of 8 June 2026"
    assert prose.period_words("2026-06-08", "day") == "8 June 2026"
    assert [prose.about(v) for v in (7112, 10286, 97.4, 0, -3)] == ["7,100", "10,000", "97", "0", "0"]


def test_the_next_whole_period_beside_the_last_whole_one_in_the_record():
    text = prose.next_period_sentence(_table(), _record(), 0.9, "month")
    assert "about 7,100 drones (90% interval 4,500 to 10,000) and 61 ballistic missiles (0 to 130) in July 2026" in text
    assert "In May 2026, the record's last whole month, they listed 8,150 and 91." in text
    totals = pd.DataFrame([{"class": "drone", "first_period": "2026-06", "last_period": "2026-11", "median": 42643,
                            "low": 30388, "high": 60375}])
    assert prose.totals_sentence(totals, 0.9, "month", 6) == (
        "Over the 6 months from June 2026 to November 2026 (counting the launches of June 2026 already in the "
        "record): about 43,000 drones (90% interval 30,000 to 60,000).")
    assert prose.totals_sentence(totals, 0.9, "month", 6, tested=3).endswith(
        "The backtest scored forecasts up to 3 months ahead: beyond that the intervals are untested.")
    assert "untested" not in prose.totals_sentence(totals, 0.9, "month", 3, tested=3)
    first_three = totals.assign(last_period="2026-08")  # the span the backtest tested, of 6 forecast
    text = prose.totals_sentence(first_three, 0.9, "month", 3, tested=3, forecast_periods=6)
    assert text.startswith("Over the 3 months from June 2026 to August 2026")
    assert text.endswith("the total over all 6 months forecast, in the table below, is untested beyond them.")


def test_the_backtest_and_the_naive_forecast_in_words():
    chosen = pd.DataFrame([{"class": "ballistic", "model": "ets", "nominal": 0.9, "observed": 0.822,
                            "forecasts": 45, "low": 0.687, "high": 0.907},
                           {"class": "ballistic", "model": "ets", "nominal": 0.5, "observed": 0.4,
                            "forecasts": 45, "low": 0.3, "high": 0.5}])
    text = prose.backtest_sentence(chosen, "month")
    assert "82% of 45 ballistic missile forecasts (95% interval 69% to 91%)" in text and "about 90%" in text
    choices = {"drone": SimpleNamespace(model="combined", mean_crps={"naive": 811.4, "combined": 802.3}),
               "cruise": SimpleNamespace(model="naive", mean_crps={"naive": 37.2})}
    skill = prose.skill_sentence(choices)
    assert "0.99 times the naive forecast's (no better in practice)" in skill
    assert "for cruise missiles no model beat repeating the last period" in skill


def test_the_footnote_says_the_period_the_date_and_the_partial_first_month():
    note = prose.footnote(start=pd.Timestamp("2024-08-01"), end=pd.Timestamp("2026-06-07"),
                          data_through="7 June 2026", first_period=_table().iloc[0], by="month")
    assert "1 August 2024 to 7 June 2026; data through 7 June 2026" in note
    assert "June 2026 is partly in the record (7 of 30 days)" in note


def test_totals_say_recorded_launches_are_in_only_when_the_first_period_holds_some():
    totals = pd.DataFrame([{"class": "cruise", "first_period": "2026-06-08", "last_period": "2026-08-24",
                            "median": 291, "low": 150, "high": 530}])
    text = prose.totals_sentence(totals, 0.9, "week", 12, partly=False)
    assert text == ("Over the 12 weeks from the week of 8 June 2026 to the week of 24 August 2026: about 290 "
                    "cruise missiles (90% interval 150 to 530).")


def test_backtest_shares_name_the_periods_they_scored():
    """06's coverage shares come with the periods the backtest scored (the earliest and latest
    held-out period of the forecasts), never a "-0%" growth, and the study says it is simulated."""
    detail = pd.DataFrame({"period": pd.to_datetime(["2025-03-01", "2025-02-01", "2026-05-01"]), "horizon": [1, 1, 3]})
    assert prose.backtest_span(detail, "month") == "months scored from February 2025 to May 2026"
    weeks = pd.DataFrame({"period": pd.to_datetime(["2025-02-03", "2026-06-01"])})
    assert prose.backtest_span(weeks, "week") == "weeks scored from the week of 3 February 2025 to the week of 1 June 2026"
    assert prose.backtest_span(detail.iloc[:0], "month") == ""
    assert [prose.growth_words(g) for g in (0.314, -0.004, -0.12)] == ["+31%", "0%", "-12%"]
    caption = prose.study_caption(200, 12, 24)
    assert "200 simulated series" in caption and "12 months" in caption and "24 months" in caption


def test_a_forecast_note_names_its_weapons_in_words():
    assert prose.note_sentence("ballistic: the 90% interval's lower end (3 in July 2026)") == (
        "Ballistic missiles: the 90% interval's lower end (3 in July 2026).")
    assert prose.note_sentence("no model beat the naive forecast.") == "No model beat the naive forecast."
