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
           "layout_problems", "legend_below", "log_ticks", "mark_conventions", "number_ticks", "series_colors", "show"]

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
# Every verdict the claims checks give (`stats.claims`): "the record cannot tell", "not shown" and
# "not confirmed" say the record does not decide, each apart from the others and from the rest.
VERDICT_COLORS = {"holds": "#0072B2", "partly holds": "#88CCEE", "does not hold": "#D55E00",
                  "cannot be checked": "#BBBBBB", "the record cannot tell": "#F0E442", "not shown": "#666666",
                  "not confirmed": "#332288"}
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



# ------------------------------------------------------------------------------------------------
# Numbers on axes as the text writes them, and legends that cover nothing


def number_ticks(axis: Any, decimals: int = 0, percent: bool = False, prefix: str = "", suffix: str = "") -> None:
    """Tick labels as the reports' text writes numbers: "8,000", "88%" (`percent`: values are
    shares 0-1), "$20M" (`prefix`, `suffix`); never "-0" or "-0.0"."""
    from analysis.reporting import words

    def label(value: float, _pos: Any = None) -> str:
        if percent:
            return words.percent(value, decimals)
        return f"{prefix}{words.number(value, decimals)}{suffix}"

    axis.set_major_formatter(mpl.ticker.FuncFormatter(label))


def log_ticks(axis: Any, symlog: bool = False, dense: bool = False) -> None:
    """A log axis with plain numbers at 1, 10, 100, ... ("100", not "10²"; `dense`: also 2 and 5,
    for a span of two decades or less), no minor labels, and no "0" (a symlog axis reaches zero, a
    log scale has no tick there)."""
    from analysis.reporting import words

    subs = (1.0, 2.0, 5.0) if dense else (1.0,)
    if symlog:
        axis._set_axes_scale("symlog", linthresh=1)  # noqa: SLF001 (Axis has no public setter)
    else:
        axis._set_axes_scale("log")  # noqa: SLF001
    axis.set_major_locator(mpl.ticker.LogLocator(base=10, subs=subs) if not symlog else
                           mpl.ticker.SymmetricalLogLocator(base=10, linthresh=1, subs=subs))
    axis.set_major_formatter(mpl.ticker.FuncFormatter(
        lambda value, _pos: "" if value <= 0 else words.significant(value, 2)))
    axis.set_minor_formatter(mpl.ticker.NullFormatter())


def legend_below(ax: Any, handles: Any = None, ncols: int = 2, fontsize: float = 9, gap: float = 0.14,
                 **kwargs: Any) -> Any:
    """A legend under the axes (below its tick labels and axis label), where it covers no data
    and no title."""
    options = {"handles": handles} if handles is not None else {}
    return ax.legend(**options, loc="upper left", bbox_to_anchor=(0, -gap), ncols=ncols, fontsize=fontsize,
                     frameon=False, **kwargs)


def layout_problems(figure: Any) -> list[str]:
    """What a legend covers in a drawn figure: a title, a text or annotation, a bar, a dot or a
    point of a line. Empty when nothing is covered (the figure is drawn once to measure)."""
    from matplotlib.collections import PathCollection
    from matplotlib.patches import Rectangle

    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    legends = [legend for ax in figure.get_axes() if (legend := ax.get_legend()) is not None]
    legends += list(figure.legends)
    problems = []
    for legend in legends:
        box = legend.get_window_extent(renderer).shrunk(0.98, 0.96)
        name = "legend (" + ", ".join(t.get_text() for t in legend.get_texts())[:60] + ")"
        texts = [figure._suptitle] if getattr(figure, "_suptitle", None) is not None else []  # noqa: SLF001
        for ax in figure.get_axes():
            texts += [ax.title, ax._left_title, ax._right_title]  # noqa: SLF001
            texts += [t for t in ax.texts if t.get_visible()]
        for text in texts:
            if text.get_text().strip() and box.overlaps(text.get_window_extent(renderer)):
                problems.append(f"{name} covers the text {text.get_text()[:50]!r}")
        for ax in figure.get_axes():
            if legend.axes is not None and legend.axes is not ax and legend not in figure.legends:
                continue
            for patch in ax.patches:  # bars: rectangles in data coordinates (not shaded spans)
                if isinstance(patch, Rectangle) and patch.get_visible() and patch.get_width() \
                        and patch.get_height() and patch.get_data_transform() == ax.transData \
                        and box.overlaps(patch.get_window_extent(renderer)):
                    problems.append(f"{name} covers a bar")
                    break
            points = []
            for collection in ax.collections:
                if isinstance(collection, PathCollection) and len(collection.get_offsets()):
                    points += list(collection.get_offset_transform().transform(collection.get_offsets()))
            for line in ax.get_lines():
                if line.get_visible() and line.get_transform() == ax.transData and len(line.get_xydata()):
                    points += list(line.get_transform().transform(line.get_xydata()))
            if any(box.contains(x, y) for x, y in points):
                problems.append(f"{name} covers data points")
    return sorted(set(problems))


def show(figure: Any, alt: str) -> None:
    """Display `figure` here with its alt text (what it draws and its main finding, "Chart: ..."),
    and close it so that it is shown once. The text is the figure's description
    (`summary.describe`), written into the output's metadata that the report template reads; what
    a legend covers (`layout_problems`) is written there too, for the tests of the pages."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    describe(figure, alt)
    metadata = {"alt": alt_text(figure)}
    problems = layout_problems(figure)
    if problems:
        metadata["airdef_layout_problems"] = problems
    display(figure, metadata={"image/png": metadata})
    plt.close(figure)
