"""The figures of notebook 08 (the latest month): shares stopped by period, and what got through.

They draw tables of `analysis.stats.latest`; they compute nothing.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from analysis.reporting.plots.record import CLASS_NAMES
from analysis.reporting.plots.style import CLASS_COLORS, apply_house_style

STOPPED_LABELS = {"drone": "drones:\nshot down or jammed",
                  "cruise": "cruise missiles:\ndestroyed or failed to reach",
                  "ballistic": "ballistic missiles:\ndestroyed or failed to reach"}


def plot_share_periods(table: pd.DataFrame) -> plt.Figure:
    """One panel per class: the share stopped in each period with its 95% interval, oldest first.

    `table` is `compare_periods` of one current period against others; each panel has its own
    scale, so that ballistic missiles are not flattened under drones."""
    apply_house_style()
    classes = list(dict.fromkeys(table["class"]))
    fig, axes = plt.subplots(1, len(classes), figsize=(10, 4.2), squeeze=False)
    for ax, weapon_class in zip(axes[0], classes, strict=True):
        rows = table.loc[table["class"] == weapon_class]
        points = [(r.compared_with, r.rate_before, r.low_before, r.high_before)
                  for r in rows.itertuples()][::-1]
        first = rows.iloc[0]
        points.append((first["period"], first["rate"], first["low"], first["high"]))
        labels = [p[0] for p in points]
        for x, (_, rate, low, high) in enumerate(points):
            if pd.isna(rate):
                continue
            below = 0 if pd.isna(low) else (rate - low) * 100
            above = 0 if pd.isna(high) else (high - rate) * 100
            ax.errorbar([x], [rate * 100], yerr=[[below], [above]], fmt="o", capsize=4,
                        color=CLASS_COLORS[weapon_class], markersize=7 if x == len(points) - 1 else 5)
        ax.set_xticks(range(len(points)), [label.replace("–", "–\n", 1) for label in labels],
                      fontsize=8)
        ax.set_xlim(-0.5, len(points) - 0.5)
        ax.set_title(STOPPED_LABELS.get(weapon_class, weapon_class), fontsize=10)
        ax.set_ylabel("% of launched" if ax is axes[0][0] else "")
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _pos: f"{y:.0f}%"))
    fig.suptitle("Share stopped, with 95% intervals (each panel on its own scale)", x=0.01,
                 ha="left", fontweight="bold", fontsize=12)
    fig.tight_layout()
    return fig


def plot_not_stopped(by_month: pd.DataFrame) -> plt.Figure:
    """Drones (above) and missiles (below) not reported stopped, per month, each on its own scale."""
    apply_house_style()
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(10, 5.2))
    for ax, column, weapon_class in ((top, "drone_not_stopped", "drone"),
                                     (bottom, "missile_not_stopped", "cruise")):
        values = by_month[column].astype("Float64").fillna(0).to_numpy(float)
        ax.bar(by_month.index, values, width=25, align="edge", color=CLASS_COLORS[weapon_class])
        name = CLASS_NAMES["drone"] if weapon_class == "drone" else "missiles"
        ax.set_ylabel(f"{name} per month")
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _pos: f"{y:,.0f}"))
    top.set_title("Not reported stopped: launched minus shot down, jammed or failed to reach")
    bottom.set_xlabel("month reported")
    bottom.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    fig.tight_layout()
    return fig
