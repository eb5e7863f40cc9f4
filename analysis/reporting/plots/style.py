"""The house style: a colour-blind-safe palette, readable defaults, convention periods on time axes,
and alt text for every figure a report shows (`describe(fig, "what it shows")`, else its titles).

The palette (from Okabe and Ito's and Paul Tol's colour-blind-safe sets) keeps every pair of
colours apart for readers with normal vision and with protanopia, deuteranopia or tritanopia
(tests/test_sanitize.py simulates them): no red/green pairs.
"""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import seaborn as sns
from matplotlib import patheffects

from analysis.record import COMBINED_FROM, SPLIT_FROM
from analysis.reporting.summary import alt_text, describe, describe_displayed_figures

__all__ = ["CLASS_COLORS", "CLASS_ORDER", "HIGHLIGHT_COLOR", "LIGHT_COLOR", "MODEL_COLORS",
           "NEUTRAL_COLOR", "PAIR_COLORS", "SERIES_COLORS", "VERDICT_COLORS", "alt_text", "apply_house_style", "describe",
           "mark_conventions", "series_colors", "show"]

CLASS_ORDER = ["drone", "cruise", "ballistic", "sam", "mixed", "other", "unknown"]
CLASS_COLORS = {
    "drone": "#0072B2",  # blue
    "cruise": "#E69F00",  # orange
    "ballistic": "#882255",  # wine
    "sam": "#665500",  # dark olive: S-300/S-400 fired at ground targets
    "mixed": "#56B4E9",  # sky blue
    "other": "#332288",  # indigo
    "unknown": "#BBBBBB",  # grey
}
# Meanings used across reports: a claim's verdict, a target or threshold line, what is neutral.
VERDICT_COLORS = {"holds": "#0072B2", "partly holds": "#88CCEE", "does not hold": "#D55E00",
                  "cannot be checked": "#BBBBBB"}
HIGHLIGHT_COLOR = "#D55E00"  # vermilion: a target, a threshold, the figure a claim gives
NEUTRAL_COLOR = "#777777"
LIGHT_COLOR = "#A9C1E6"  # pale blue: a part drawn inside a bar of its whole (real Shaheds in drones)
# Two series set against each other (national / regional, defense / attack, low / high end of a
# range, fired / delivered): blue and orange, apart in every colour vision.
PAIR_COLORS = ("#0072B2", "#E69F00")
# The forecast's candidate models, the same in every figure (each with its own marker too).
MODEL_COLORS = {"moving-average": "#AA4499", "nb-trend": "#117733", "ets": "#56B4E9", "combined": "#E69F00"}
# Series without a meaning of their own (interceptors, scenarios), in order: the class palette.
SERIES_COLORS = tuple(CLASS_COLORS[c] for c in CLASS_ORDER if c not in ("sam", "unknown"))

# The changes of how the Air Force counted drones (trap 3 of the record's README), as the loader
# dates them: the name of the new convention and its first day.
CONVENTION_MARKS = [("split", SPLIT_FROM), ("combined", COMBINED_FROM)]


def series_colors(count: int) -> list[str]:
    """`count` colours of the house palette for series without a meaning of their own; past its
    five colours it repeats (the caller tells such series apart by line style or label)."""
    return [SERIES_COLORS[i % len(SERIES_COLORS)] for i in range(count)]


def apply_house_style() -> None:
    """Seaborn's whitegrid with larger type, so figures read well in the HTML reports; and, in a
    notebook, alt text for every figure displayed (see `alt_text`)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=list(CLASS_COLORS.values()))
    describe_displayed_figures()
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



def show(figure: Any, alt: str) -> None:
    """Display `figure` here with its alt text (what it shows and its main finding, "Chart: ..."),
    and close it so that it is shown once. The text is the figure's description
    (`summary.describe`), written into the output's metadata that the report template reads."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    describe(figure, alt)
    display(figure, metadata={"image/png": {"alt": alt_text(figure)}})
    plt.close(figure)
