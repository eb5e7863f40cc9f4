"""The forest plot of weapon families: each family's raw share and its pooled share, with their
95% intervals, sorted by share within each class, the class's share marked.

It draws what `analysis.stats.families.family_table` computed; nothing here estimates.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.reporting.plots.style import CLASS_COLORS, NEUTRAL_COLOR, apply_house_style

CLASS_TITLES = {"drone": "drones", "cruise": "cruise missiles", "ballistic": "ballistic missiles",
                "sam": "S-300/S-400 fired at ground targets", "mixed": "cruise and ballistic together",
                "other": "other weapons"}


def plot_family_forest(table: pd.DataFrame, class_shares: dict[str, float],
                       classes: tuple[str, ...] = ("cruise", "ballistic"), min_launched: int = 1,
                       counting: str = "stopped") -> Figure:
    """One panel per class: a row per family (at least `min_launched` launches), sorted by raw
    share; the raw share (open circle) with its interval over attacks (thin line) and the pooled
    share (filled) with its interval (thick line); combined labels in italics; the class's share
    (`class_shares`) as a dashed line."""
    apply_house_style()
    panels = [(c, table.loc[(table["class"] == c) & (table["launched"] >= min_launched)])
              for c in classes]
    panels = [(c, rows.sort_values("rate", kind="stable")) for c, rows in panels if len(rows)]
    heights = [max(len(rows), 1) * 0.34 + 0.9 for _, rows in panels] or [1.0]
    fig, axes = plt.subplots(len(panels) or 1, 1, figsize=(9.5, sum(heights) + 0.9),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, (weapon_class, rows) in zip(axes[:, 0], panels, strict=False):
        color = CLASS_COLORS.get(weapon_class, NEUTRAL_COLOR)
        y = np.arange(len(rows))
        raw_low = rows["od_low"].fillna(rows["ci_low"]).to_numpy(float)
        raw_high = rows["od_high"].fillna(rows["ci_high"]).to_numpy(float)
        ax.hlines(y + 0.17, raw_low, raw_high, color=color, lw=1, alpha=0.7)
        ax.plot(rows["rate"], y + 0.17, linestyle="none", marker="o", markersize=5,
                markerfacecolor="white", markeredgecolor=color)
        ax.hlines(y - 0.17, rows["pooled_low"], rows["pooled_high"], color=color, lw=3)
        ax.plot(rows["pooled"], y - 0.17, linestyle="none", marker="o", markersize=6, color=color)
        share = class_shares.get(weapon_class)
        if share is not None and np.isfinite(share):
            ax.axvline(share, color="0.25", linestyle="--", lw=1)
        labels = [f"{textwrap.shorten(f, 42, placeholder='...')} ({n:,})"
                  for f, n in zip(rows["family"], rows["launched"], strict=True)]
        ax.set_yticks(y, labels, fontsize=8)
        for tick, combined in zip(ax.get_yticklabels(), rows["combined"], strict=True):
            tick.set_fontstyle("italic" if combined else "normal")
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_xlim(-0.02, 1.02)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _pos: f"{x:.0%}"))
        ax.set_title(f"{CLASS_TITLES.get(weapon_class, weapon_class)}: share {counting}, "
                     "by family (launches)", fontsize=10, loc="left")
        ax.grid(axis="x", alpha=0.3)
    axes[-1, 0].set_xlabel(f"share {counting}")
    handles = [
        plt.Line2D([], [], color="0.3", marker="o", markersize=5, markerfacecolor="white", lw=1,
                   label="the family's own share, 95% interval over attacks"),
        plt.Line2D([], [], color="0.3", marker="o", markersize=6, lw=3,
                   label="pooled with its class, 95% interval"),
        plt.Line2D([], [], color="0.25", linestyle="--", lw=1, label="the class's share"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, 0))
    fig.text(0.01, 0.045, "Combined labels (several families counted in one number) in italics.",
             fontsize=7.5, color="0.3")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig
