"""analysis.reporting.alt: every figure's alt text says what the chart draws (marks, axes and
their ranges, series, the shape of the data) before its finding, read from the figure itself."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from analysis.reporting.alt import describe_chart  # noqa: E402
from analysis.reporting.summary import alt_text, describe  # noqa: E402


def test_a_time_series_of_bars_reads_its_axes_and_its_peak():
    months = pd.date_range("2025-01-01", periods=12, freq="MS")
    values = np.array([10, 20, 30, 900, 40, 50, 60, 70, 80, 90, 100, 110])
    fig, ax = plt.subplots()
    ax.bar(months, values, width=25, align="edge", label="drones")
    ax.set_ylabel("drones per month")
    ax.set_xlabel("month reported")
    ax.set_title("Launches")
    ax.legend()
    text = describe_chart(fig)
    assert text.startswith("Launches: bars of drones per month (vertical axis, ")
    assert "by month reported (horizontal axis, " in text and "series: drones" in text
    assert "highest 900 in Apr 2025" in text and "lowest 10 in Jan 2025" in text and "last 110 in Dec 2025" in text
    plt.close(fig)


def test_a_line_chart_with_percent_ticks_and_two_panels():
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True)
    x = np.arange(10)
    top.plot(x, np.linspace(0.5, 0.9, 10), label="share")
    top.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _pos: f"{y:.0%}"))
    bottom.plot(x, x[::-1] * 3.0)
    bottom.set_xlabel("week")
    text = describe_chart(fig)
    assert text.startswith("2 panels.")
    assert "highest 90% at 9, lowest 50% at 0" in text  # values as the axis labels them
    assert text.count("by week (horizontal axis") == 2  # the shared axis's label on both panels
    plt.close(fig)


def test_categories_heatmaps_and_log_scales_are_named():
    fig, ax = plt.subplots()
    ax.barh(["stock", "deliveries", "kill probability"], [120, 30, 5])
    ax.set_xscale("log")
    ax.set_xlabel("days")
    text = describe_chart(fig)
    assert "Horizontal bars of 3 categories: stock; deliveries; kill probability (vertical axis)" in text
    assert "days (log scale) (horizontal axis, 10 to 100)" in text  # not "10^1 to 10^2" and "largest 120 at stock, smallest 5 at kill probability" in text
    plt.close(fig)
    fig, ax = plt.subplots()
    sns.heatmap(pd.DataFrame([[1, 2], [3, 4]], index=["a", "b"], columns=["x", "y"]), ax=ax,
                cbar_kws={"label": "median day"})
    text = describe_chart(fig)
    assert "A heatmap" in text and "Colour scale: median day." in text
    plt.close(fig)
    fig, ax = plt.subplots()
    ax.barh(["defense", "attack"], [11, 42])
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"${v:,.0f}M"))
    assert "largest $42M at attack" in describe_chart(fig)  # a dollar sign is not mathtext
    plt.close(fig)


def test_the_alt_text_gives_the_chart_then_the_finding_within_its_limit():
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [3, 1, 2])
    ax.set_ylabel("launches")
    plain = alt_text(fig)
    assert plain.startswith("Chart: A line of launches (vertical axis")
    found = alt_text(describe(fig, "Chart: launches fell, then rose again."))
    assert found.startswith(plain) and found.endswith(" Launches fell, then rose again.")
    assert found.count("Chart:") == 1
    assert len(alt_text(describe(fig, "word " * 400))) <= 1200
    plt.close(fig)
