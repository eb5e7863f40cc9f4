"""The summary a notebook displays is valid JSON the runner can extract."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from analysis.reporting.summary import SUMMARY_MIMETYPE, Summary, extract_summary, format_figure


def test_summary_json_is_strict_even_with_nan_numpy_and_timestamps():
    summary = Summary("test")
    summary.add("rate", np.float64(0.8), 0.7, np.nan, unit="share", interval="95% Wilson")
    summary.extra = {"rates": [np.nan, 0.5, np.int64(3)], "when": pd.Timestamp("2025-10-11"),
                     "nested": {"array": np.array([1.0, np.inf])}}
    bundle = summary._repr_mimebundle_()
    text = json.dumps(bundle[SUMMARY_MIMETYPE], allow_nan=False)
    data = json.loads(text)
    assert data["figures"][0] == {
        "name": "rate", "value": 0.8, "low": 0.7, "high": None, "unit": "share",
        "interval": "95% Wilson", "note": "", "qualifier": "", "label": "", "decimals": None, "significant": None,
    }
    assert data["extra"]["rates"] == [None, 0.5, 3]
    assert data["extra"]["when"].startswith("2025-10-11")
    assert data["extra"]["nested"]["array"] == [1.0, None]


def test_extract_summary_takes_the_last_displayed_summary():
    first, last = Summary("first"), Summary("last")
    notebook = {"cells": [
        {"cell_type": "code", "outputs": [{"data": {SUMMARY_MIMETYPE: first.to_dict()}}]},
        {"cell_type": "markdown"},
        {"cell_type": "code", "outputs": [{"data": {SUMMARY_MIMETYPE: last.to_dict()}}]},
    ]}
    assert extract_summary(notebook)["title"] == "last"
    assert extract_summary({"cells": []}) is None


def test_a_figure_cannot_be_added_twice():
    summary = Summary("t").add("x", 1)
    try:
        summary.add("x", 2)
    except ValueError as error:
        assert "x" in str(error)
    else:
        raise AssertionError("duplicate figure accepted")


def test_format_number():
    from analysis.reporting.summary import format_number

    for value, text in [(None, "n/a"), (0.123456, "0.123"), (12345.678, "12,346"),
                        (-2500.5, "-2,500"), ("x", "x"), (12345, "12,345"), (999.9, "1,000"),
                        (999.4, "999"), (True, "True")]:
        assert format_number(value) == text


def test_format_interval_says_which_bound_is_missing():
    from analysis.reporting.summary import format_interval

    assert format_interval(None, None) == ""
    assert format_interval(0.1, 0.25) == "0.1 to 0.25"
    assert format_interval(89.0, None) == "89 or more"
    assert format_interval(None, 0.25) == "up to 0.25"


def test_shares_read_as_percentages_and_other_units_as_numbers():
    from analysis.reporting.summary import format_figure

    share = {"value": 0.8778, "low": 0.8718, "high": 0.8836, "unit": "share"}
    assert format_figure(share) == ("88%", "", "87% to 88%")  # whole: the interval is wider than a point
    narrow = {"value": 0.8778, "low": 0.8748, "high": 0.8806, "unit": "share"}
    assert format_figure(narrow) == ("87.8%", "", "87.5% to 88.1%")
    everything = {"value": 0.635, "low": 0.001, "high": 1.0, "unit": "share"}
    assert format_figure(everything) == ("64%", "", "too few attacks to tell")
    censored = {"value": 120, "low": 89.0, "high": None, "unit": "days", "qualifier": ">"}
    assert format_figure(censored) == ("> 120", "days", "89 or more")
    fraction = {"value": 0.832, "low": 0.821, "high": 0.841, "unit": "fraction"}
    assert format_figure(fraction) == ("83%", "", "82% to 84%")
    assert format_figure({"value": "yes", "unit": "share"}) == ("yes", "share", "")
    money = {"value": 63633.0, "low": 50000.0, "high": 71450.0, "unit": "USD", "decimals": 0}
    assert format_figure(money) == ("$64,000", "", "$50,000 to $71,000")  # as the pages write money


def test_decimals_show_a_figure_as_the_text_gives_it_and_keep_it_whole_in_the_json():
    summary = Summary("t").add("ratio", 0.26169, unit="ratio", decimals=2)
    summary.add("change", -2.8525, -8.8685, 3.1635, unit="percentage points", decimals=1)
    summary.add("flat", -0.0004, unit="percentage points", decimals=1)
    figures = summary.to_dict()["figures"]
    assert figures[0]["value"] == 0.26169
    assert format_figure(figures[0]) == ("0.26", "ratio", "")
    assert format_figure(figures[1]) == ("-2.9", "percentage points", "-8.9 to 3.2")
    assert format_figure(figures[2])[0] == "0"  # not "-0.0"


def test_a_forecast_reads_to_two_significant_figures_as_its_text_gives_it():
    from analysis.reporting.forecast_text import about

    summary = Summary("t").add("drones in July", 7112.0, 4496.0, 10286.0, unit="launches", significant=2)
    figure = summary.to_dict()["figures"][0]
    assert figure["high"] == 10286.0  # kept as computed
    assert format_figure(figure) == ("7,100", "launches", "4,500 to 10,000")
    assert format_figure(figure)[2].endswith(about(10286.0))  # the headline's upper bound is the table's
