"""Plots of interception rates: monthly series with bands, saturation curves, published figures."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.plots.style import CLASS_COLORS, apply_house_style, mark_conventions


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
    axes[0].set_title(f"Monthly share {convention}, national posts: 95% binomial band (dark) "
                      "and allowing for night-to-night spread (light)", fontsize=11)
    fig.tight_layout()
    return fig


def plot_saturation(data: pd.DataFrame, prediction: pd.DataFrame, weapon_class: str, convention: str,
                    verdict: str = "") -> Figure:
    """Each wave's rate against its total size (dot area ~ launches of the class), with the GLM's
    predicted rate and its 95% band."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(8, 4.6))
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
        ax.text(0.0, -0.22, verdict, transform=ax.transAxes, fontsize=8.5, wrap=True, va="top")
    ax.legend(loc="lower left")
    fig.tight_layout()
    return fig


def plot_published_comparison(table: pd.DataFrame) -> Figure:
    """Each published rate (black diamond) beside the record's rate with its binomial (thick) and
    overdispersed (thin) 95% intervals."""
    apply_house_style()
    rows = table.dropna(subset=["record_rate"]).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(rows) + 1.4))
    y = np.arange(len(rows))[::-1]
    ax.hlines(y, rows["record_od_low"], rows["record_od_high"], color="0.55", lw=1.5)
    ax.hlines(y, rows["record_ci_low"], rows["record_ci_high"], color="0.2", lw=5)
    ax.plot(rows["record_rate"], y, "o", color="#4C72B0", label="record")
    ax.plot(rows["rate"], y, "D", color="black", markersize=6, label="published")
    has_range = rows["rate_low"].notna()
    ax.hlines(y[has_range], rows.loc[has_range, "rate_low"], rows.loc[has_range, "rate_high"], color="black", lw=1)
    ax.set_yticks(y, [f"{lab} ({conv})" for lab, conv in zip(rows["label"], rows["convention"], strict=True)])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _pos: f"{x:.0%}"))
    ax.set_title("Published rates beside the record (national posts)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig
