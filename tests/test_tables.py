"""analysis.reporting.tables: what a reader sees in a report table."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analysis.reporting.tables import (
    format_count,
    format_interval,
    format_percent,
    format_value,
    show_table,
)


@pytest.fixture
def rates() -> pd.DataFrame:
    return pd.DataFrame({
        "weapon_class": ["drone", "cruise", "ballistic"],
        "rate": [0.877839, 0.5, np.nan],
        "ci_low": [0.872, 0.4, np.nan],
        "ci_high": [0.884, np.nan, np.nan],
        "launched": [123456, 7, 0],
        "inside": [True, False, None],
    })


def test_known_values_are_formatted():
    assert format_percent(0.877839) == "87.8%"
    assert format_percent(1.0) == "100.0%"
    assert format_percent(0.0005) == "0.1%"
    assert format_count(1234567) == "1,234,567"
    assert format_count(np.int64(42)) == "42"
    assert format_value(0.123456) == "0.123"
    assert format_value(12345.6) == "12,346"
    assert format_value(1.23456, decimals=2) == "1.23"
    assert format_value(True) == "yes"
    assert format_value(pd.Timestamp("2025-10-11")) == "11 Oct 2025"
    assert format_interval(0.872, 0.884, format_percent) == "87.2–88.4%"
    assert format_interval(2.0, 3.5, format_value) == "2–3.5"
    assert format_interval(-3.47, -0.47, format_value) == "-3.47 to -0.47"


def test_missing_values_show_as_a_dash():
    for missing in (None, np.nan, pd.NA, pd.NaT):
        assert format_percent(missing) == "–"
        assert format_count(missing) == "–"
        assert format_value(missing) == "–"
    assert format_interval(np.nan, np.nan, format_percent) == "–"
    assert format_interval(0.5, np.nan, format_percent) == "50.0% or more"
    assert format_interval(np.nan, 0.5, format_percent) == "up to 50.0%"


def test_show_table_formats_columns_and_leaves_the_frame_alone(rates):
    before = rates.copy()
    styler = show_table(rates, percent=["rate", "ci_low", "ci_high"], counts=["launched"],
                        intervals={"95% interval": ("ci_low", "ci_high")},
                        rename={"weapon_class": "weapon"}, caption="Interception rates")
    pd.testing.assert_frame_equal(rates, before)
    shown = styler.data
    assert list(shown.columns) == ["weapon", "rate", "95% interval", "launched", "inside"]
    assert shown.iloc[0].tolist() == ["drone", "88%", "87–88%", "123,456", "yes"]
    assert shown.iloc[2].tolist() == ["ballistic", "–", "–", "0", "–"]
    html = styler.to_html()
    assert "<caption>Interception rates</caption>" in html
    assert "nan" not in html.lower().replace("nanoseconds", "")
    assert "0.877839" not in html
    assert "td.col1 {\n  text-align: right" in html  # numbers right-aligned, text left


def test_shares_are_whole_unless_an_interval_is_narrower_than_a_point(rates):
    """One decimal in a table only where whole percents would make an interval's bounds read
    alike (87.2-87.6% as "87-88%"): then for every share of the table, so columns line up."""
    wide = show_table(rates, percent=["rate", "ci_low", "ci_high"], intervals={"i": ("ci_low", "ci_high")}).data
    assert wide["rate"].tolist() == ["88%", "50%", "–"] and wide["i"].tolist()[0] == "87–88%"
    narrow = rates.assign(ci_high=[0.876, np.nan, np.nan])
    shown = show_table(narrow, percent=["rate", "ci_low", "ci_high"], intervals={"i": ("ci_low", "ci_high")}).data
    assert shown["rate"].tolist() == ["87.8%", "50.0%", "–"] and shown["i"].tolist()[0] == "87.2–87.6%"
    assert show_table(rates, percent=["rate"], percent_decimals=2).data["rate"][0] == "87.78%"  # asked for


def test_an_interval_spanning_about_every_share_says_too_few_attacks():
    table = pd.DataFrame({"rate": [0.635, 0.5], "low": [0.001, 0.06], "high": [1.0, 0.999]})
    shown = show_table(table, percent=["rate", "low", "high"], intervals={"95%": ("low", "high")}).data
    assert shown["95%"].tolist() == ["too few attacks to tell", "6–100%"]
    assert "0–100%" not in show_table(table, percent=["low", "high"], intervals={"95%": ("low", "high")}).to_html()


def test_no_minus_zero_and_counts_whole():
    table = pd.DataFrame({"points": [-0.04, -0.6, 0.0], "change": [1.036, -0.1431, -0.00004],
                          "launched": [196.9, 3.62, 12345.0], "ratio": [-0.0001, 0.26, -1.5]})
    shown = show_table(table, decimals={"points": 1}, changes=["change"], counts=["launched"]).data
    assert shown["points"].tolist() == ["0.0", "-0.6", "0.0"]
    assert shown["change"].tolist() == ["+104%", "-14%", "0%"]
    assert shown["launched"].tolist() == ["197", "3.6", "12,345"]
    assert not any(re.search(r"(?<![\d.])-0(?![.\d]*[1-9])", v) for v in shown.to_numpy().ravel())


def test_differences_carry_their_sign_and_their_intervals_read_as_ranges():
    table = pd.DataFrame({"change_pp": [2.7, -0.2, 9.6], "low": [-3.5, -12.8, 1.2], "high": [9.0, 9.7, 19.7]})
    shown = show_table(table, signed={"change_pp": 0, "low": 0, "high": 0},
                       intervals={"change, 95% interval": ("low", "high")}).data
    assert shown["change pp"].tolist() == ["+3", "0", "+10"]
    assert shown["change, 95% interval"].tolist() == ["-4 to +9", "-13 to +10", "+1 to +20"]


def test_html_has_no_index_column(rates):
    html = show_table(rates, percent=["rate"]).to_html()
    assert "row_heading" not in html and "index_name" not in html
    header = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    assert len(re.findall(r"<th", header)) == rates.shape[1]  # one heading per column, none for an index
    first_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r">([^<]*)</td>", first_row)[0].strip() == "drone"


def test_a_named_index_becomes_columns_and_a_bare_one_is_dropped():
    named = pd.DataFrame({"launched": [10, 2000]}, index=pd.Index(["drone", "cruise"], name="class"))
    assert list(show_table(named).data.columns) == ["class", "launched"]
    assert show_table(named).data["launched"].tolist() == ["10", "2,000"]
    bare = pd.DataFrame({"launched": [1, 2]})
    assert list(show_table(bare).data.columns) == ["launched"]
    unnamed = pd.DataFrame({"launched": [1, 2]}, index=["pac3", "sam"])
    assert show_table(unnamed).data.iloc[:, 0].tolist() == ["pac3", "sam"]
    kept = show_table(named, hide_index=False).to_html()
    assert "row_heading" in kept


def test_unknown_columns_are_refused(rates):
    with pytest.raises(KeyError, match="no column"):
        show_table(rates, percent=["share"])


def test_the_same_table_renders_the_same_html(rates):
    assert show_table(rates, caption="a").to_html() == show_table(rates, caption="a").to_html()
    assert show_table(rates, caption="a").to_html() != show_table(rates, caption="b").to_html()


def test_forecast_counts_read_as_the_text_gives_them():
    from analysis.reporting.forecast_text import about

    table = pd.DataFrame({"median": [7112.0, 97.4, 2.6], "low": [4496.0, 43.0, 0.0], "high": [10286.0, 249.0, 7.0]})
    shown = show_table(table, significant={"median": 2, "low": 2, "high": 2}, intervals={"90%": ("low", "high")}).data
    assert shown["median"].tolist() == ["7,100", "97", "3"]
    assert shown["90%"].tolist() == ["4,500–10,000", "43–250", "0–7"]
    assert [about(v) for v in table["high"]] == ["10,000", "250", "7"]  # the same rounding in the text
