"""The house style's rules for every chart: legends that cover no title, text, bar or data point
(`layout_problems`, which `show` records for the page tests), tick labels as the text writes
numbers (no "-0", no "10²", no "0" on a log axis), and the record's partial and low-coverage
months marked."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.reporting.alt import describe_chart  # noqa: E402
from analysis.reporting.plots import explore, record, sustainability  # noqa: E402
from analysis.reporting.plots import rates as rate_plots  # noqa: E402
from analysis.reporting.plots.style import layout_problems, log_ticks, number_ticks  # noqa: E402

RNG = np.random.default_rng(22)
MONTHS = pd.date_range("2024-01-01", "2026-06-01", freq="MS")


def tick_labels(figure) -> list[str]:
    figure.canvas.draw()
    return [t.get_text() for ax in figure.get_axes() for axis in (ax.xaxis, ax.yaxis)
            for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]


def assert_reads_well(figure) -> None:
    assert layout_problems(figure) == []
    for label in tick_labels(figure):
        assert not label.lstrip("$").startswith(("-0", "\u22120")) or label.strip("-\u22120.%$M"), label
        assert "10^" not in label and "mathdefault" not in label, label
    for ax in figure.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() in {"log", "symlog"}:
                assert "0" not in [t.get_text() for t in axis.get_ticklabels()], "a 0 tick on a log axis"
    plt.close(figure)


def test_a_legend_over_a_title_a_bar_or_data_is_found():
    fig, ax = plt.subplots()
    ax.bar(range(5), [5, 5, 5, 5, 5])
    ax.set_title("Five bars of the same height", loc="left")
    ax.legend(["bars"], loc="lower left", bbox_to_anchor=(0, 0.98))
    assert [p for p in layout_problems(fig) if "covers the text 'Five bars" in p]
    ax.get_legend().remove()
    ax.legend(["bars"], loc="center")
    assert [p for p in layout_problems(fig) if "covers a bar" in p]
    plt.close(fig)
    fig, ax = plt.subplots()
    ax.plot(range(10), range(10), label="a line")
    ax.axvspan(2, 4, color="0.9")  # a shaded span is background, not data
    ax.legend(loc="lower right")
    assert layout_problems(fig) == []
    plt.close(fig)


def test_tick_labels_read_as_the_text_writes_numbers():
    fig, (left, right) = plt.subplots(1, 2)
    left.plot([-0.3, 0.0, 0.4], [0, 1, 2])
    number_ticks(left.xaxis, decimals=1)
    right.barh(["a", "b", "c"], [0, 12, 1549])
    log_ticks(right.xaxis, symlog=True)
    labels = tick_labels(fig)
    assert "0.0" in labels and "-0.0" not in labels and "\u22120.0" not in labels
    assert "1,000" in labels and "" not in labels
    assert_reads_well(fig)


def test_the_record_charts_mark_partial_and_low_coverage_months():
    national = pd.DataFrame({"drone": np.linspace(100, 8000, len(MONTHS)), "cruise": 80.0}, index=MONTHS)
    national.iloc[-1] = [2000.0, 20.0]
    partial = {MONTHS[-1]: "June 2026 holds 7 of 30 days"}
    figure = record.plot_national_vs_regional(national, national / 10, partial)
    assert "partial month: June 2026 holds 7 of 30 days" in describe_chart(figure)
    assert "months not fully recorded" in describe_chart(figure)
    assert_reads_well(figure)
    figure = record.plot_monthly_launches(national, "Launches", pd.Timestamp("2024-08-01"), partial)
    assert "partial month: June 2026" in describe_chart(figure)
    assert_reads_well(figure)
    weeks = pd.date_range("2024-01-01", "2026-06-01", freq="W-MON")
    weekly = pd.DataFrame({"waves": RNG.integers(0, 9, len(weeks)), "largest": RNG.integers(10, 800, len(weeks))},
                          index=weeks)
    figure = record.plot_tempo(weekly, 10, (pd.Timestamp("2024-01-03"), pd.Timestamp("2026-06-03")))
    text = describe_chart(figure)
    assert "week only partly in the period (from 1 Jan 2024, 1 Jun 2026" in text and "weeks not fully recorded" in text
    assert_reads_well(figure)
    share = pd.DataFrame({"share": RNG.uniform(0.55, 0.65, 6), "coverage": [0.18, 0.9, 1.0, 1.0, 0.92, 0.16]},
                         index=MONTHS[-6:])
    share = share.assign(low=share["share"] - 0.03, high=share["share"] + 0.03)
    figure = record.plot_shahed_share(share)
    assert sorted(t.get_text() for t in figure.axes[0].texts) == ["16% covered", "18% covered"]
    assert "reports covering under 50%" in describe_chart(figure)
    assert_reads_well(figure)


def test_the_data_quality_chart_names_every_issue_whole():
    long = "loader: destroyed + not_reach_goal > launched; left out of every rate (not capped)"
    quality = pd.DataFrame({"issue": [long, "rows without a launched count", "rows of unknown weapon class"],
                            "rows": [1, 3, 0], "kind": ["loader note", "count in the record", "count in the record"]})
    figure = record.plot_data_quality(quality)
    labels = " ".join(t.get_text().replace("\n", " ") for t in figure.axes[0].get_yticklabels())
    assert long in labels
    assert_reads_well(figure)


def test_the_model_charts_keep_legends_off_bars_and_titles():
    rates = pd.DataFrame({"interceptor": ["pac3_mse", "medium_sam", "interceptor_drone"],
                          "classes": ["cruise, ballistic", "cruise", "drone"], "used_per_day": [2.8, 4.5, 114.4],
                          "delivered_per_day": [0.66, 2.0, 98.6], "sustainable_multiple": [0.24, 0.44, 0.86]})
    assert_reads_well(sustainability.sustainable_rates_chart(rates))
    costs = pd.DataFrame({"scenario": ["baseline", "escalation"], "cost_per_day_usd": [11e6, 12e6],
                          "attacker_cost_per_day_usd": [42e6, 81e6], "cost_exchange_ratio": [0.26, 0.14]})
    assert_reads_well(sustainability.cost_exchange_chart(costs))
    tornado = pd.DataFrame({"parameter": ["interceptors.pac3_mse.stock", "threats.ballistic.per_day"],
                            "low": [200, 1.17], "high": [800, 4.68], "base_days": [191, 191],
                            "days_at_low": [97, 301], "days_at_high": [349, 106]})
    assert_reads_well(sustainability.tornado_chart(tornado, "PAC-3 MSE runs short", 365))
    inputs = pd.DataFrame(RNG.uniform(0, 1, (300, 4)), columns=["stock", "deliveries", "pk", "drones"])
    failing = RNG.uniform(size=300) < 0.3
    indices = pd.DataFrame({"S1": [0.49, -0.001, 0.0], "S1_conf": [0.25, 0.15, 0.01], "ST": [0.78, 0.12, 0.0],
                            "ST_conf": [0.34, 0.07, 0.0]}, index=["deliveries", "drones", "noise"])
    assert_reads_well(explore.sobol_chart(indices, {}, "What drives the share stopped", "noise"))
    title = "Experiments where PAC-3 MSE runs out within 180 days in the median run (vermilion)"
    assert_reads_well(explore.parallel_coordinates(inputs, failing, {}, title))
    assert_reads_well(explore.failure_scatter(inputs, failing, "stock", "drones", {}, "t",
                                              {"stock": (0.05, 0.95), "drones": (0.2, 0.98)}))


@pytest.mark.parametrize("weapon_class", ["drone", "ballistic"])
def test_saturation_axes_read_in_plain_numbers(weapon_class):
    sizes = RNG.integers(3, 120, 80).astype(float)
    data = pd.DataFrame({"launched": sizes, "rate": RNG.uniform(0, 1, 80)})
    grid = np.geomspace(3, 120, 20)
    prediction = pd.DataFrame({"size": grid, "rate": np.linspace(0.5, 0.8, 20), "ci_low": 0.3, "ci_high": 0.9})
    figure = rate_plots.plot_saturation_panels({weapon_class: (data, prediction, "")}, "neutralised")
    labels = tick_labels(figure)
    assert "10" in labels and "100" in labels
    assert_reads_well(figure)


def test_every_claim_verdict_has_its_own_colour():
    """Each verdict the claims checks give has a colour of the house palette (whose pairs the
    colour-blind test of test_sanitize keeps apart), so no chart of verdicts falls back to grey."""
    from analysis.reporting.plots.style import VERDICT_COLORS
    from analysis.stats.claims.common import VERDICTS

    assert set(VERDICT_COLORS) == set(VERDICTS)
