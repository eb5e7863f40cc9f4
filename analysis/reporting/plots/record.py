"""The strike record at a glance: the figures of notebook 01.

They draw tables made elsewhere (`analysis.record.overview` for counts, `analysis.stats.latest`
for shares with intervals) in the house style, with the drone-reporting conventions marked on every
time axis, the months before complete coverage shaded and a partial last month marked as such.
"""

from __future__ import annotations

from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from analysis.record.facts import format_month
from analysis.reporting.plots.style import (
    CLASS_COLORS,
    HIGHLIGHT_COLOR,
    NEUTRAL_COLOR,
    PAIR_COLORS,
    apply_house_style,
    mark_conventions,
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


def _date_axis(ax: Any) -> None:
    """Ticks that stay readable in the index's thumbnail: years on long spans, quarters else."""
    low, high = ax.get_xlim()
    if high - low > 2.5 * 365:
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    else:
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _pos: f"{y:,.0f}"))  # 8,000, not 8000
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
        handles.append(Patch(facecolor="0.7", alpha=0.35, hatch="///", edgecolor="white",
                             label="partial month: " + "; ".join(partial.values())))
    bottom.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.28), ncols=2,
                  fontsize=9)
    fig.tight_layout()
    return fig


def plot_national_vs_regional(national: pd.DataFrame, regional: pd.DataFrame) -> plt.Figure:
    """Monthly launches reported by the national command against the regional commands."""
    apply_house_style()
    fig, ax = plt.subplots()
    ax.plot(national.index, national.sum(axis=1), marker="o", markersize=3, label="national command",
            color=PAIR_COLORS[0])
    ax.plot(regional.index, regional.sum(axis=1), marker="o", markersize=3, label="regional commands",
            color=PAIR_COLORS[1])
    ax.set_title("National against regional reports: launches per month, all weapons")
    ax.set_ylabel("launches per month")
    ax.set_xlabel("month reported")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.18), ncols=2)
    _date_axis(ax)
    fig.tight_layout()
    return fig


def plot_tempo(weekly: pd.DataFrame, min_size: int) -> plt.Figure:
    """Attacks per week (bars) and the largest attack of each week (points)."""
    apply_house_style()
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(10, 6.4))
    top.bar(weekly.index, weekly["waves"], width=6, color=PAIR_COLORS[0], align="edge")
    top.set_title(f"Attacks of at least {min_size} drones and missiles, per week")
    top.set_ylabel("attacks per week")
    largest = weekly["largest"] > 0
    bottom.scatter(weekly.index[largest], weekly.loc[largest, "largest"], s=10, color=PAIR_COLORS[0],
                   label="largest attack of the week")
    bottom.set_title("Largest attack of each week")
    bottom.set_ylabel("drones and missiles")
    bottom.set_xlabel("week reported (Monday start)")
    for ax in (top, bottom):
        _date_axis(ax)
    fig.tight_layout()
    return fig


def plot_shahed_share(share: pd.DataFrame) -> plt.Figure:
    """Monthly share of real Shaheds among 'Shahed-type' launches, with 95% intervals."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(10, 4))
    known = share["share"].notna()
    middle = share.loc[known, "share"] * 100
    below = (share.loc[known, "share"] - share.loc[known, "low"]).fillna(0) * 100
    above = (share.loc[known, "high"] - share.loc[known, "share"]).fillna(0) * 100
    ax.plot(share.index, share["share"] * 100, color=CLASS_COLORS["drone"])  # a month without a count breaks it
    ax.errorbar(share.index[known], middle, yerr=[below, above], fmt="o", color=CLASS_COLORS["drone"],
                capsize=3, label="real Shaheds, with 95% interval")
    ax.set_ylim(0, 100)
    ax.set_title("Real Shaheds among 'Shahed-type' launches (the rest are decoys)")
    ax.set_ylabel("real Shaheds, % of launches")
    ax.set_xlabel("month reported")
    ax.legend(loc="lower left")
    _date_axis(ax)
    fig.tight_layout()
    return fig


def plot_data_quality(quality: pd.DataFrame) -> plt.Figure:
    """Horizontal bars: rows affected by each data-quality issue."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(quality) + 1.2))
    colors = [HIGHLIGHT_COLOR if k == "loader note" else NEUTRAL_COLOR for k in quality["kind"]]
    ax.barh(quality["issue"], quality["rows"], color=colors)
    ax.invert_yaxis()
    for y, value in enumerate(quality["rows"]):
        ax.annotate(f"{value:,}", (value, y), xytext=(3, 0), textcoords="offset points", va="center",
                    fontsize=9)
    ax.set_xscale("symlog")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _pos: f"{x:,.0f}"))  # 1,000, not 10^3
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    ax.set_xlabel("rows of the record (log scale)")
    ax.set_title("Data quality: what the loader corrected or flagged, and counts to know")
    ax.legend(handles=[Patch(color=HIGHLIGHT_COLOR, label="corrected or flagged by the loader"),
                       Patch(color=NEUTRAL_COLOR, label="count in the record")],
              loc="lower right", fontsize=9)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig
