"""The house style: one palette per weapon class, readable defaults, convention periods on time axes."""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import seaborn as sns
from matplotlib import patheffects

from analysis.record import COMBINED_FROM, SPLIT_FROM

CLASS_ORDER = ["drone", "cruise", "ballistic", "mixed", "other", "unknown"]
CLASS_COLORS = {
    "drone": "#4C72B0",
    "cruise": "#DD8452",
    "ballistic": "#C44E52",
    "mixed": "#8172B3",
    "other": "#937860",
    "unknown": "#8C8C8C",
}

# The changes of how the Air Force counted drones (trap 3 of the record's README), as the loader
# dates them: the name of the new convention and its first day.
CONVENTION_MARKS = [("split", SPLIT_FROM), ("combined", COMBINED_FROM)]


def apply_house_style() -> None:
    """Seaborn's whitegrid with larger type, so figures read well in the HTML reports."""
    sns.set_theme(context="notebook", style="whitegrid", palette=list(CLASS_COLORS.values()))
    mpl.rcParams.update(
        {
            "figure.figsize": (10, 4.8),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 11,
            "legend.frameon": False,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def mark_conventions(ax: Any, label: bool = True) -> None:
    """Draw the start of each drone-reporting convention as a dashed line with its name.

    The name runs up along the line, in small grey type with a thin halo and no box, so it never
    hides data.
    """
    low, high = ax.get_xlim()
    for name, start in CONVENTION_MARKS:
        x = mpl.dates.date2num(start)
        if low <= x <= high:
            ax.axvline(x, color="0.35", linestyle="--", linewidth=1, zorder=0)
            if label:
                ax.annotate(
                    f"{name} from {start:%d %b %Y}",
                    xy=(x, 1),
                    xycoords=("data", "axes fraction"),
                    xytext=(-2, -3),
                    textcoords="offset points",
                    rotation=90,
                    fontsize=7.5,
                    color="0.35",
                    ha="right",
                    va="top",
                    # a thin white halo keeps the type legible on bars without hiding them
                    path_effects=[patheffects.withStroke(linewidth=2, foreground="white")],
                )
