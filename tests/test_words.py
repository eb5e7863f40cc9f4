"""analysis.reporting.words: numbers as a paper prints them (one rule for every report's text,
tables and axes) and the names of things in plain words."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from analysis.reporting import words

MINUS_ZERO = re.compile(r"(?<![\w.,])[-−]0(?![.,\d]*[1-9])")  # "-0", "-0.0", "-0%", not "-0.5"


@pytest.mark.parametrize(("value", "shown"), [
    (3480.4, "3,500"), (98.63, "99"), (0.263, "0.26"), (3.62, "3.6"), (9.96, "10"), (99.6, "100"),
    (1_000_000, "1,000,000"), (-0.004_44, "-0.0044"), (0, "0"), (196.9, "200"), (0.999, "1"),
])
def test_two_significant_figures(value, shown):
    assert words.significant(value) == shown


def test_significant_figures_agree_with_a_second_method():
    """Against rounding the mantissa of scientific notation, over many magnitudes and signs."""
    rng = np.random.default_rng(7)
    for value in rng.choice([-1, 1], 400) * 10 ** rng.uniform(-4, 8, 400):
        mantissa, exponent = f"{value:.1e}".split("e")
        expected = float(mantissa) * 10 ** int(exponent)
        shown = float(words.significant(value).replace(",", ""))
        assert math.isclose(shown, expected, rel_tol=1e-9), (value, shown, expected)


@pytest.mark.parametrize(("value", "shown"), [
    (10_916_776.3, "$11 million"), (63_633.25, "$64,000"), (2.5e9, "$2.5 billion"),
    (4.0e6, "$4.0 million"), (2500, "$2,500"), (123_456, "$120,000"), (999_700, "$1.0 million"),
    (8_460_000, "$8.5 million"), (35, "$35"), (None, "–"),
])
def test_money_to_two_significant_figures(value, shown):
    assert words.money(value) == shown


def test_no_minus_zero_in_any_number_a_reader_sees():
    values = [-0.0, -1e-9, -0.004, -0.049, -0.0004, 0.0, 1e-12]
    texts = ([words.number(v, d) for v in values for d in (0, 1, 2)]
             + [words.signed(v * 100, d) for v in values for d in (0, 1)]
             + [words.percent(v, d) for v in values for d in (0, 1)]
             + [words.points(v, d) for v in values for d in (0, 1)]
             + [words.significant(v) for v in values]
             + [words.percent_range(v, 0.5) for v in values])
    assert not [t for t in texts if MINUS_ZERO.search(t)], texts
    assert words.signed(-0.6) == "-1" and words.signed(0.6) == "+1" and words.signed(0.4) == "0"
    assert words.points(-0.031) == "-3 points" and words.points(0.01) == "+1 point"


def test_shares_are_whole_percents_unless_an_interval_is_narrower_than_a_point():
    assert words.percent(0.8778) == "88%" and words.percent(0.8778, 1) == "87.8%"
    assert words.percent_decimals((0.870, 0.886)) == 0
    assert words.percent_decimals((0.870, 0.886), (0.876, 0.880)) == 1
    assert words.percent_decimals((None, None)) == 0
    assert words.percent_with_interval(0.878, 0.870, 0.886) == "88% (95% interval 87% to 89%)"
    assert words.percent_with_interval(0.878, 0.870, 0.886, level="90%") == "88% (90% interval 87% to 89%)"


def test_an_interval_over_about_every_share_is_said_in_words():
    assert words.spans_everything(0.001, 1.0) and words.spans_everything(0.05, 0.95)
    assert not words.spans_everything(0.06, 1.0) and not words.spans_everything(None, 1.0)
    assert words.spans_everything(0.052, 0.97)  # reads "5-97%": as little use as 0-100%
    assert not words.spans_everything(0.056, 0.97)
    assert words.percent_range(0.001, 1.0) == "too few attacks to tell"
    assert words.percent_with_interval(0.635, 0.001, 1.0) == "64% (too few attacks to tell)"
    assert words.percent_range(0.2, None) == "20% or more" and words.percent_range(None, 0.3) == "up to 30%"


def test_scenario_days_come_first_and_rates_a_day_as_a_paper_prints_them():
    import datetime as dt

    from analysis.reporting import words

    assert words.day_and_date(120, dt.date(2026, 10, 5), 365) == "day 120 (5 October 2026)"
    assert words.day_and_date(120, dt.date(2026, 10, 5), 365, of_scenario=True) == (
        "day 120 of the scenario (5 October 2026)")
    assert words.day_and_date(None, None, 365) == "after day 365"
    start = words.scenario_start(dt.date(2026, 6, 8), dt.date(2026, 6, 7), built=dt.date(2026, 12, 7))
    assert start == ("Day 1 of the scenario is 8 June 2026: it starts on the day after the record's last day "
                     "(7 June 2026), so its dates up to 7 December 2026, when this report was built, are days of "
                     "the scenario, not what happened.")
    later = words.scenario_start(dt.date(2027, 1, 1), dt.date(2026, 6, 7), built=dt.date(2026, 12, 7))
    assert "208 days after the record's last day" in later and "built" not in later
    assert [words.per_day(v) for v in (196.9, 3.57, 0.137, 0.0)] == ["197", "3.6", "0.14", "0"]
