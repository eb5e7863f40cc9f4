"""Plots of interception rates: monthly series with bands, saturation curves, published figures."""

from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from analysis.reporting.plots.style import CLASS_COLORS, apply_house_style, mark_conventions


def plot_monthly_rates(
    table: pd.DataFrame, convention: str, classes: tuple[str, ...] = ("drone", "cruise", "ballistic"),
    changes: dict[str, pd.DataFrame] | None = None,
) -> Figure:
    """One panel per class: monthly rate, the binomial band (dark) inside the overdispersed band
    (light), dashed lines at the reporting-convention changes, dotted lines at changes found."""
    apply_house_style()
    fig, axes = plt.subplots(len(classes), 1, figsize=(10, 2.6 * len(classes)), sharex=True)
    axes = np.atleast_1d(axes)
    for ax, weapon_class in zip(axes, classes, strict=True):
        color = CLASS_COLORS[weapon_class]
        rows = table[table["class"] == weapon_class]
        groups = rows.groupby("convention") if "convention" in rows.columns else [(None, rows)]
        for _period, part in groups:  # under 'destroyed' each period is its own line: never joined
            part = part.sort_values("month")
            dates = part["month"].dt.to_timestamp()
            ax.fill_between(dates, part["od_low"], part["od_high"], color=color, alpha=0.15, lw=0, step="mid")
            ax.fill_between(dates, part["ci_low"], part["ci_high"], color=color, alpha=0.35, lw=0, step="mid")
            ax.plot(dates, part["rate"], color=color, marker="o", markersize=3, lw=1.4)
        for change in (changes or {}).get(weapon_class, pd.DataFrame()).itertuples():
            ax.axvline(change.date, color=color, linestyle=":", lw=1.5)
        ax.set_ylim(0, 1.02)
        ax.set_ylabel(f"{weapon_class}\n{convention}")
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _pos: f"{y:.0%}"))
        mark_conventions(ax, label=ax is axes[0])
    axes[-1].xaxis.set_major_locator(mdates.YearLocator())
    axes[-1].xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # "2024", not "2024-01"
    axes[-1].set_xlabel("month reported")
    axes[0].set_title(f"Monthly share {convention}, national posts: 95% binomial band (dark) "
                      "and allowing for night-to-night spread (light)", fontsize=11)
    fig.tight_layout()
    return fig


def plot_saturation(data: pd.DataFrame, prediction: pd.DataFrame, weapon_class: str, convention: str,
                    verdict: str = "", ax: Axes | None = None) -> Figure:
    """Each wave's rate against its total size (dot area ~ launches of the class), with the GLM's
    predicted rate and its 95% band. With `ax`, draws into it (e.g. one panel of several)."""
    apply_house_style()
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 4.6))
    else:
        fig = ax.figure
    color = CLASS_COLORS[weapon_class]
    scale = 60 / max(np.sqrt(data["launched"].max()), 1)
    ax.scatter(data["size"], data["rate"], s=np.sqrt(data["launched"]) * scale, color=color,
               alpha=0.3, lw=0, label="one wave")
    ax.fill_between(prediction["size"], prediction["ci_low"], prediction["ci_high"], color=color,
                    alpha=0.3, lw=0, label="model, 95% band")
    ax.plot(prediction["size"], prediction["rate"], color=color, lw=2)
    ax.set_xscale("log")
    ax.set_ylim(-0.02, 1.02)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _pos: f"{y:.0%}"))
    ax.set_xlabel("wave size (all munitions launched, log scale)")
    ax.set_ylabel(f"share of {weapon_class} {convention}")
    ax.set_title(f"Saturation: {weapon_class}")
    if verdict:
        # Wrapped here: matplotlib's own wrap=True re-measures the text at every draw (seconds).
        ax.text(0.0, -0.16, textwrap.fill(verdict, 120), transform=ax.transAxes, fontsize=8, va="top")
    ax.legend(loc="lower left")
    fig.tight_layout()
    return fig


def plot_saturation_panels(
    panels: dict[str, tuple[pd.DataFrame, pd.DataFrame, str]], convention: str
) -> Figure:
    """One panel per class (`panels[class] = (data, prediction, title note)`) side by side: one
    figure to render instead of one per class."""
    apply_house_style()
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.2), squeeze=False)
    for ax, (weapon_class, (data, prediction, note)) in zip(axes[0], panels.items(), strict=True):
        plot_saturation(data, prediction, weapon_class, convention, ax=ax)
        ax.set_title(f"{weapon_class}: {note}" if note else weapon_class, fontsize=10)
        ax.set_xlabel("wave size (all launched, log)")
        ax.xaxis.set_minor_formatter(NullFormatter())  # the minor labels of a short log axis collide
        if ax is not axes[0][0]:
            ax.get_legend().remove()
    fig.tight_layout()
    return fig


def plot_published_comparison(table: pd.DataFrame) -> Figure:
    """Each published rate (black diamond, lower line of its pair) beside the record's rate (blue
    dot, upper line) with its binomial (thick) and overdispersed (thin) 95% intervals. The two sit
    a little apart vertically, so they stay apart where the figures coincide."""
    apply_house_style()
    rows = table.dropna(subset=["record_rate"]).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(rows) + 1.4))
    y = np.arange(len(rows))[::-1].astype(float)
    offset = 0.17
    record_y, published_y = y + offset, y - offset
    ax.hlines(record_y, rows["record_od_low"], rows["record_od_high"], color="0.55", lw=1.5)
    ax.hlines(record_y, rows["record_ci_low"], rows["record_ci_high"], color="#4C72B0", lw=5, alpha=0.6)
    ax.plot(rows["record_rate"], record_y, "o", color="#4C72B0", markeredgecolor="white",
            markersize=7, label="record (thick: binomial, thin: night-to-night 95%)", zorder=3)
    ax.plot(rows["rate"], published_y, "D", color="black", markersize=6, label="published", zorder=3)
    has_range = rows["rate_low"].notna()
    ax.hlines(published_y[has_range], rows.loc[has_range, "rate_low"], rows.loc[has_range, "rate_high"],
              color="black", lw=1)
    ax.set_yticks(y, [f"{lab} ({conv})" for lab, conv in zip(rows["label"], rows["convention"], strict=True)])
    for boundary in y[:-1] - 0.5:  # a faint rule between pairs keeps each pair together
        ax.axhline(boundary, color="0.9", lw=0.8, zorder=0)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _pos: f"{x:.0%}"))
    ax.set_title("Published rates beside the record (national posts)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
