"""The strike record at a glance: the figures of notebook 01.

They draw tables made elsewhere (`analysis.record.overview` for counts, `analysis.stats.latest`
for shares with intervals) in the house style, with the drone-reporting conventions marked on every
time axis, the months before complete coverage shaded and a partial last month marked as such.
"""

from __future__ import annotations

import textwrap
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from analysis.record import COMPLETE_COVERAGE_FROM
from analysis.record.facts import format_month
from analysis.reporting.plots.style import (
    CLASS_COLORS,
    HIGHLIGHT_COLOR,
    NEUTRAL_COLOR,
    PAIR_COLORS,
    apply_house_style,
    legend_below,
    log_ticks,
    mark_conventions,
    number_ticks,
    show,  # noqa: F401 (notebooks call plots.show)
)

#: Weapon classes in words a reader knows, for legends.
CLASS_NAMES = {
    "drone": "drones",
    "cruise": "cruise missiles",
    "ballistic": "ballistic missiles",
    "sam": "S-300/S-400 fired at ground targets",
    "mixed": "cruise and ballistic counted together",
    "other": "other (bombs, missiles of unknown type)",
    "unknown": "model not known to the project",
}
MISSILE_PANEL = ("cruise", "ballistic", "sam", "mixed", "other", "unknown")
INCOMPLETE_SHADE = "0.93"
# A month's real-Shahed share rests on few reports when they cover less than this share of its
# Shahed-type launches: drawn open and named, not like a month the reports cover.
LOW_COVERAGE = 0.5


def _date_axis(ax: Any) -> None:
    """Ticks that stay readable in the index's thumbnail: years on long spans, quarters else."""
    low, high = ax.get_xlim()
    if high - low > 2.5 * 365:
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    else:
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    number_ticks(ax.yaxis)  # 8,000, not 8000
    mark_conventions(ax)


def _shade_incomplete(ax: Any, first: pd.Timestamp, complete_from: pd.Timestamp,
                      label: bool) -> None:
    """Grey background over the months from `first` to the start of complete coverage."""
    if first >= complete_from:
        return
    limits = ax.get_xlim()
    ax.axvspan(first, complete_from, color=INCOMPLETE_SHADE, zorder=-1, lw=0)
    ax.set_xlim(limits)
    if label:
        ax.annotate(f"before {format_month(complete_from)}: not every day recorded",
                    xy=(0.01, 0.97), xycoords="axes fraction", va="top", fontsize=8, color="0.3")


def _stacked_bars(ax: Any, monthly: pd.DataFrame, classes: tuple[str, ...],
                  partial: dict[pd.Timestamp, str]) -> list[str]:
    """Stacked monthly bars of `classes`; partial months drawn hatched and pale. Returns the
    classes drawn (those with any launch)."""
    drawn = [c for c in classes if c in monthly.columns and monthly[c].sum() > 0]
    bottom = np.zeros(len(monthly))
    is_partial = monthly.index.isin(list(partial))
    for weapon_class in drawn:
        values = monthly[weapon_class].to_numpy()
        color = CLASS_COLORS[weapon_class]
        ax.bar(monthly.index[~is_partial], values[~is_partial], width=25,
               bottom=bottom[~is_partial], color=color, align="edge")
        ax.bar(monthly.index[is_partial], values[is_partial], width=25, bottom=bottom[is_partial],
               color=color, alpha=0.35, hatch="///", edgecolor="white", align="edge")
        bottom += values
    return drawn


def plot_monthly_launches(monthly: pd.DataFrame, title: str, complete_from: pd.Timestamp,
                          partial: dict[pd.Timestamp, str] | None = None) -> plt.Figure:
    """Launches per month: drones above, missiles below, each on its own scale.

    `partial` maps the months the period covers only in part to what they hold
    (`facts.partial_months`): they are drawn pale and hatched with that note. The months before
    `complete_from` (complete coverage) are shaded; the convention changes are marked.
    """
    apply_house_style()
    partial = {m: n for m, n in (partial or {}).items() if m in monthly.index}
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(10, 6.6),
                                      gridspec_kw={"height_ratios": [3, 2]})
    drawn = []
    for ax, classes, name in ((top, ("drone",), "drones"), (bottom, MISSILE_PANEL, "missiles")):
        drawn += _stacked_bars(ax, monthly, classes, partial)
        ax.set_ylabel(f"{name} per month")
    top.set_title(title)
    bottom.set_xlabel("month reported")
    for ax in (top, bottom):
        _date_axis(ax)
        if len(monthly):
            _shade_incomplete(ax, monthly.index.min(), complete_from, label=ax is top)
    handles = [Patch(color=CLASS_COLORS[c], label=CLASS_NAMES[c]) for c in drawn]
    if len(monthly) and monthly.index.min() < complete_from:
        handles.append(Patch(color=INCOMPLETE_SHADE, label="months not fully recorded"))
    if partial:  # the note in the legend, where it never covers a bar
        handles.append(_partial_handle(partial))
    bottom.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.28), ncols=2,
                  fontsize=9)
    fig.tight_layout()
    return fig


def _partial_handle(partial: dict[pd.Timestamp, str], marker: bool = False) -> Any:
    """The legend entry that names the partial months (in the legend, where it covers no data)."""
    label = "partial month: " + "; ".join(partial.values())
    if marker:
        return plt.Line2D([], [], color="0.4", marker="o", markerfacecolor="white", linestyle="none", label=label)
    return Patch(facecolor="0.7", alpha=0.35, hatch="///", edgecolor="white", label=label)


def plot_national_vs_regional(national: pd.DataFrame, regional: pd.DataFrame,
                              partial: dict[pd.Timestamp, str] | None = None,
                              complete_from: pd.Timestamp = COMPLETE_COVERAGE_FROM) -> plt.Figure:
    """Monthly launches reported by the national command against the regional commands. The
    months the period covers only in part (`partial`, as `facts.partial_months` gives them) are
    open circles joined by a dotted line, so a short last month does not read as a crash; the
    months before complete coverage are shaded."""
    apply_house_style()
    partial = dict(partial or {})
    fig, ax = plt.subplots()
    for frame, label, color in ((national, "national command", PAIR_COLORS[0]),
                                (regional, "regional commands", PAIR_COLORS[1])):
        totals = frame.sum(axis=1)
        whole = ~totals.index.isin(list(partial))
        ax.plot(totals.index[whole], totals[whole], marker="o", markersize=3, label=label, color=color)
        for month in totals.index[~whole]:  # dotted from the nearest whole month to the partial one
            neighbours = totals.index[whole]
            if len(neighbours):
                nearest = neighbours[abs(neighbours - month).argmin()]
                ax.plot([nearest, month], [totals[nearest], totals[month]], linestyle=":", color=color, lw=1.2)
            ax.plot([month], [totals[month]], marker="o", markersize=6, markerfacecolor="white",
                    markeredgecolor=color, linestyle="none")
    ax.set_title("National against regional reports: launches per month, all weapons")
    ax.set_ylabel("launches per month")
    ax.set_xlabel("month reported")
    _date_axis(ax)
    handles, _ = ax.get_legend_handles_labels()
    if len(national) and national.index.min() < complete_from:
        _shade_incomplete(ax, national.index.min(), complete_from, label=True)
        handles.append(Patch(color=INCOMPLETE_SHADE, label="months not fully recorded"))
    if partial:
        handles.append(_partial_handle(partial, marker=True))
    legend_below(ax, handles=handles, gap=0.18)
    fig.tight_layout()
    return fig


def plot_tempo(weekly: pd.DataFrame, min_size: int, period: tuple[pd.Timestamp, pd.Timestamp] | None = None,
               complete_from: pd.Timestamp = COMPLETE_COVERAGE_FROM) -> plt.Figure:
    """Attacks per week (bars) and the largest attack of each week (points). A week the `period`
    (first and last report date) covers only in part is drawn pale and hatched; the weeks before
    complete coverage are shaded (the record misses days there, so fewer attacks show)."""
    apply_house_style()
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(10, 6.8))
    partial = np.zeros(len(weekly), dtype=bool)
    if period is not None and len(weekly):
        start, end = (pd.Timestamp(d).normalize() for d in period)
        partial = (weekly.index < start) | (weekly.index + pd.Timedelta(days=6) > end)
    top.bar(weekly.index[~partial], weekly["waves"][~partial], width=6, color=PAIR_COLORS[0], align="edge")
    top.bar(weekly.index[partial], weekly["waves"][partial], width=6, color=PAIR_COLORS[0], align="edge",
            alpha=0.35, hatch="///", edgecolor="white")
    top.set_title(f"Attacks of at least {min_size} drones and missiles, per week")
    top.set_ylabel("attacks per week")
    largest = weekly["largest"] > 0
    bottom.scatter(weekly.index[largest & ~partial], weekly.loc[largest & ~partial, "largest"], s=10,
                   color=PAIR_COLORS[0])
    bottom.scatter(weekly.index[largest & partial], weekly.loc[largest & partial, "largest"], s=24,
                   facecolors="white", edgecolors=PAIR_COLORS[0])
    bottom.set_title("Largest attack of each week")
    bottom.set_ylabel("drones and missiles")
    bottom.set_xlabel("week reported (Monday start)")
    handles = []
    for ax in (top, bottom):
        _date_axis(ax)
        if len(weekly) and weekly.index.min() < complete_from:
            _shade_incomplete(ax, weekly.index.min(), complete_from, label=ax is top)
    if len(weekly) and weekly.index.min() < complete_from:
        handles.append(Patch(color=INCOMPLETE_SHADE, label="weeks not fully recorded"))
    if partial.any():
        weeks = ", ".join(f"{w:%-d %b %Y}" for w in weekly.index[partial])
        handles.append(Patch(facecolor=PAIR_COLORS[0], alpha=0.35, hatch="///", edgecolor="white",
                             label=f"week only partly in the period (from {weeks}; open dots below)"))
    if handles:
        legend_below(bottom, handles=handles, gap=0.3)
    fig.tight_layout()
    return fig


def plot_shahed_share(share: pd.DataFrame) -> plt.Figure:
    """Monthly share of real Shaheds among 'Shahed-type' launches, with 95% intervals. A month
    whose reports give the real count for less than half its Shahed-type launches (`coverage`)
    is drawn as an open circle with its coverage written beside it: it rests on a few reports."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(10, 4.4))
    known = share["share"].notna()
    low_coverage = known & (share["coverage"] < LOW_COVERAGE) if "coverage" in share else known & False
    ax.plot(share.index, share["share"] * 100, color=CLASS_COLORS["drone"], lw=1)  # a month without a count breaks it
    for rows, face, label in ((known & ~low_coverage, CLASS_COLORS["drone"], "real Shaheds, with 95% interval"),
                              (low_coverage, "white", f"the same, reports covering under {LOW_COVERAGE:.0%} "
                                                      "of the month's Shahed-type launches")):
        if not rows.any():
            continue
        middle = share.loc[rows, "share"] * 100
        below = (share.loc[rows, "share"] - share.loc[rows, "low"]).fillna(0) * 100
        above = (share.loc[rows, "high"] - share.loc[rows, "share"]).fillna(0) * 100
        ax.errorbar(share.index[rows], middle, yerr=[below, above], fmt="o", color=CLASS_COLORS["drone"],
                    markerfacecolor=face, capsize=3, label=label)
    for month in share.index[low_coverage]:
        ax.annotate(f"{share.loc[month, 'coverage']:.0%} covered", (month, share.loc[month, "share"] * 100),
                    xytext=(6, -14), textcoords="offset points", fontsize=8, color="0.3")
    ax.set_ylim(0, 100)
    ax.set_title("Real Shaheds among 'Shahed-type' launches (the rest are decoys)")
    ax.set_ylabel("real Shaheds, % of launches")
    ax.set_xlabel("month reported")
    _date_axis(ax)
    legend_below(ax, gap=0.2, ncols=1)
    fig.tight_layout()
    return fig


def plot_data_quality(quality: pd.DataFrame) -> plt.Figure:
    """Horizontal bars: rows affected by each data-quality issue."""
    apply_house_style()
    labels = [textwrap.fill(str(issue), 48) for issue in quality["issue"]]  # wrapped whole, never cut
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, ax = plt.subplots(figsize=(10, 0.32 * lines + 0.15 * len(labels) + 1.8))
    colors = [HIGHLIGHT_COLOR if k == "loader note" else NEUTRAL_COLOR for k in quality["kind"]]
    ax.barh(range(len(labels)), quality["rows"], color=colors)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    for y, value in enumerate(quality["rows"]):
        ax.annotate(f"{value:,}", (value, y), xytext=(3, 0), textcoords="offset points", va="center",
                    fontsize=9)
    log_ticks(ax.xaxis, symlog=True)  # counts of 0 have no bar: a symlog axis reaches them
    ax.set_xlabel("rows of the record (log scale; a count of 0 has no bar)")
    ax.set_title("Data quality: what the loader corrected or flagged, and counts to know")
    legend_below(ax, handles=[Patch(color=HIGHLIGHT_COLOR, label="corrected or flagged by the loader"),
                              Patch(color=NEUTRAL_COLOR, label="count in the record")], gap=0.22)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig
