"""Plots of interception rates: monthly series with bands, saturation curves, published figures.

They draw what `analysis.stats` computed; nothing here estimates or tests.
"""

from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.reporting.plots.style import (
    CLASS_COLORS,
    apply_house_style,
    legend_below,
    log_ticks,
    mark_conventions,
)

COUNTING_WORDS = {"neutralised": {"drone": "shot down or jammed", "default": "destroyed or failed to reach"},
                  "destroyed": {"drone": "shot down", "default": "destroyed"}}
CLASS_WORDS = {"drone": "drones", "cruise": "cruise missiles", "ballistic": "ballistic missiles",
               "sam": "S-300/S-400 fired at ground targets", "mixed": "mixed missile rows",
               "other": "other weapons"}


def counting_words(weapon_class: str, convention: str) -> str:
    """What the share counts, in plain words ("shot down or jammed" for drones' neutralised)."""
    words = COUNTING_WORDS[convention]
    return words.get(weapon_class, words["default"])


def plot_monthly_rates(
    table: pd.DataFrame, convention: str, classes: tuple[str, ...] = ("drone", "cruise", "ballistic"),
    breaks: dict[str, pd.DataFrame] | None = None, partial: list[pd.Period] | None = None,
) -> Figure:
    """One panel per class, each on its own scale: the monthly share, the binomial band (dark)
    inside the band over waves (light), dashed lines at the changes of counting, dotted lines at
    changes of level found by `analysis.stats.changepoints.search_breaks` (shaded: the 95% range
    of their month), and partial months as open circles."""
    apply_house_style()
    fig, axes = plt.subplots(len(classes), 1, figsize=(10, 2.5 * len(classes)), sharex=True)
    axes = np.atleast_1d(axes)
    partial = set(partial or [])
    for ax, weapon_class in zip(axes, classes, strict=True):
        color = CLASS_COLORS[weapon_class]
        rows = table[table["class"] == weapon_class]
        groups = rows.groupby("convention") if "convention" in rows.columns else [(None, rows)]
        for _period, part in groups:  # under 'destroyed' each period is its own line: never joined
            part = part.sort_values("month")
            dates = part["month"].dt.to_timestamp()
            ax.fill_between(dates, part["od_low"], part["od_high"], color=color, alpha=0.15, lw=0, step="mid")
            ax.fill_between(dates, part["ci_low"], part["ci_high"], color=color, alpha=0.35, lw=0, step="mid")
            whole = ~part["month"].isin(partial)
            ax.plot(dates[whole], part["rate"][whole], color=color, marker="o", markersize=3, lw=1.4)
            ax.plot(dates[~whole], part["rate"][~whole], linestyle="none", marker="o", markersize=6,
                    markerfacecolor="white", markeredgecolor=color)
        for found in (breaks or {}).get(weapon_class, pd.DataFrame()).itertuples():
            ax.axvspan(found.date_low, found.date_high, color="0.5", alpha=0.12, lw=0)
            ax.axvline(found.date, color="0.1", linestyle=":", lw=1.5)
        ax.set_ylim(*_share_limits(rows))
        ax.set_ylabel(CLASS_WORDS.get(weapon_class, weapon_class) + "\n"
                      + textwrap.fill(f"share {counting_words(weapon_class, convention)}", 18), fontsize=8.5)
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _pos: f"{y:.0%}"))
        mark_conventions(ax, label=ax is axes[0])
    axes[-1].xaxis.set_major_locator(mdates.YearLocator())
    axes[-1].xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axes[-1].set_xlabel("month reported")
    axes[0].set_title("Monthly share stopped, national posts", fontsize=12)
    handles = [plt.Line2D([], [], color="0.3", marker="o", markersize=3, label="monthly share"),
               plt.Line2D([], [], color="0.3", marker="o", markersize=6, markerfacecolor="white",
                          linestyle="none", label="partial month"),
               Patch(color="0.3", alpha=0.45, label="95% interval, each launch independent"),
               Patch(color="0.3", alpha=0.15, label="95% interval allowing for night-to-night swings"),
               plt.Line2D([], [], color="0.35", linestyle="--", label="change of how drones were counted"),
               plt.Line2D([], [], color="0.1", linestyle=":", label="change of level found (shaded: 95% range)")]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, 0))
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def _share_limits(rows: pd.DataFrame) -> tuple[float, float]:
    """Each class on its own scale: the band's range with a margin, inside [0, 1]."""
    low = np.nanmin(rows["od_low"].fillna(rows["ci_low"])) if len(rows) else 0.0
    high = np.nanmax(rows["od_high"].fillna(rows["ci_high"])) if len(rows) else 1.0
    span = max(high - low, 0.1)
    return max(0.0, low - 0.1 * span), min(1.02, high + 0.1 * span)


def plot_saturation(data: pd.DataFrame, prediction: pd.DataFrame, weapon_class: str, convention: str,
                    verdict: str = "", ax: Axes | None = None) -> Figure:
    """Each wave's share against its number of `weapon_class` (dot area ~ launches), with the
    model's predicted share and its 95% band. With `ax`, draws into it."""
    apply_house_style()
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 4.6))
    else:
        fig = ax.figure
    color = CLASS_COLORS[weapon_class]
    scale = 60 / max(np.sqrt(data["launched"].max()), 1)
    ax.scatter(data["launched"], data["rate"], s=np.sqrt(data["launched"]) * scale, color=color,
               alpha=0.3, lw=0, label="one attack")
    ax.fill_between(prediction["size"], prediction["ci_low"], prediction["ci_high"], color=color,
                    alpha=0.3, lw=0, label="model: 95% band")
    ax.plot(prediction["size"], prediction["rate"], color=color, lw=2, label="model: expected share")
    log_ticks(ax.xaxis, dense=True)  # "100", not "10²"
    ax.set_ylim(-0.02, 1.02)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _pos: f"{y:.0%}"))
    words = CLASS_WORDS.get(weapon_class, weapon_class)
    ax.set_xlabel(f"{words} in the attack (log scale)")
    ax.set_ylabel(f"share {counting_words(weapon_class, convention)}")
    ax.set_title(f"Bigger attacks: {words}")
    if verdict:
        # Wrapped here: matplotlib's own wrap=True re-measures the text at every draw (seconds).
        ax.text(0.0, -0.16, textwrap.fill(verdict, 120), transform=ax.transAxes, fontsize=8, va="top")
    legend_below(ax, ncols=3, fontsize=8, gap=0.2)
    fig.tight_layout()
    return fig


def plot_saturation_panels(
    panels: dict[str, tuple[pd.DataFrame, pd.DataFrame, str]], convention: str
) -> Figure:
    """One panel per class (`panels[class] = (data, prediction, title note)`) side by side."""
    apply_house_style()
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.2), squeeze=False)
    for ax, (weapon_class, (data, prediction, note)) in zip(axes[0], panels.items(), strict=True):
        plot_saturation(data, prediction, weapon_class, convention, ax=ax)
        words = CLASS_WORDS.get(weapon_class, weapon_class)
        ax.set_title(f"{words}: {note}" if note else words, fontsize=10)
        if ax is not axes[0][0]:
            ax.get_legend().remove()
    fig.tight_layout()
    return fig


def plot_published_comparison(table: pd.DataFrame) -> Figure:
    """Each published rate (black diamond) beside the record's rate for the same period, classes
    and counting (blue dot) and, where another definition reproduces it, that reading (open
    circle). The same events are counted, so no interval: the question is which definition."""
    apply_house_style()
    rows = table.dropna(subset=["record_rate"]).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(rows) + 1.6))
    y = np.arange(len(rows))[::-1].astype(float)
    ax.plot(rows["record_rate"], y + 0.12, "o", color=CLASS_COLORS["drone"], markersize=7,
            label="record, as published (same period, classes, counting)", zorder=3)
    explained = rows["explained_rate"].notna() if "explained_rate" in rows.columns else np.zeros(len(rows), bool)
    if np.any(explained):
        ax.plot(rows.loc[explained, "explained_rate"], y[explained] + 0.12, "o", markerfacecolor="white",
                markeredgecolor=CLASS_COLORS["drone"], markersize=7, label="record, the definition that matches", zorder=3)
    ax.plot(rows["rate"], y - 0.12, "D", color="black", markersize=6, label="published", zorder=3)
    ax.hlines(y - 0.12, rows["band_low"], rows["band_high"], color="black", lw=1)
    ax.set_yticks(y, [f"{label} — {status.split(':')[0]}"
                      for label, status in zip(rows["label"], rows["status"], strict=True)], fontsize=9)
    for boundary in y[:-1] - 0.5:
        ax.axhline(boundary, color="0.9", lw=0.8, zorder=0)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _pos: f"{x:.0%}"))
    ax.set_title("Published rates beside the record's own counts")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
