"""Alt text that describes a chart as well as its finding, for readers who cannot see it.

`describe_chart(figure)` reads the drawn figure itself (no second source to drift from it): for
each panel its title, what marks it draws (bars, lines, dots with intervals, bands, a heatmap),
its axes (label, scale and range, as the tick labels read), the series its legend names, and the
shape of its main series (where it is highest and lowest, where it ends, the largest and smallest
bar). `alt_text` puts that before the finding the report gives (`summary.describe`), so every
figure a report shows goes through one function: "Chart: bars of drones per month (vertical axis,
0 to 8,000) by month reported (horizontal axis, 2023 to 2026); highest 8,150 in May 2026 ...".

Nothing here draws the figure (a draw costs more than the whole description): ranges come from the
axes' limits and tick formatters, values from the artists' data.
"""

from __future__ import annotations

import math
import re
from typing import Any

# A chart's description stays short enough to leave room for the finding.
DESCRIPTION_CHARS = 700
LISTED_CATEGORIES = 6


def _words():
    from analysis.reporting import words  # not on top: every kernel imports the alt text hook

    return words


def _is_date_axis(axis: Any) -> bool:
    import matplotlib.dates as mdates

    return isinstance(axis.get_major_formatter(),
                      mdates.DateFormatter | mdates.AutoDateFormatter | mdates.ConciseDateFormatter)


def _tick_labels(axis: Any) -> list[str]:
    """The major tick labels inside the axis's limits, as the reader sees them (no draw)."""
    low, high = sorted(axis.get_view_interval())
    locations = [x for x in axis.get_majorticklocs() if low - 1e-9 * abs(low) <= x <= high + 1e-9 * abs(high)]
    try:
        labels = axis.get_major_formatter().format_ticks(locations)
    except Exception:  # a formatter that needs a draw: fall back to the numbers
        labels = [_words().significant(x) for x in locations]
    return [_clean(label) for label in labels if _clean(label)]


def _clean(text: Any) -> str:
    """Label text as read aloud: no mathtext ("$\\mathdefault{10^{2}}$" is "100"), a plain minus."""
    text = str(text).replace("\u2212", "-")
    if re.search(r"\$[^$]*[\\^{][^$]*\$", text):  # mathtext, not a dollar sign
        text = re.sub(r"\\mathdefault\{(.*?)\}\$", r"\1$", text)
        text = re.sub(r"10\^\{(-?\d+)\}", lambda m: _words().number(10.0 ** int(m.group(1)),
                                                                      max(0, -int(m.group(1)))), text)
        text = text.replace("\\times", "x").replace("$", "").replace("{", "").replace("}", "")
    return " ".join(text.split())


def format_value(axis: Any, value: float) -> str:
    """A data value as a reader would say it on this axis: a date, a category, a percentage or a
    sum of money as the ticks write them, else a number (whole from 100 on, else 2 significant
    figures), never rounded to the ticks' coarser steps."""
    import matplotlib.dates as mdates

    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if _is_date_axis(axis):
        return f"{mdates.num2date(value):%-d %b %Y}" if _daily(axis) else f"{mdates.num2date(value):%b %Y}"
    formatter = axis.get_major_formatter()
    if _categorical(axis):  # the label of the nearest tick
        locations = list(axis.get_majorticklocs())
        labels = formatter.format_ticks(locations) if locations else []
        if labels:
            nearest = min(range(len(locations)), key=lambda i: abs(locations[i] - value))
            return _clean(labels[nearest])
    try:
        text = _clean(formatter(value, None))
    except Exception:
        text = ""
    if text and ("%" in text or "$" in text):
        return _words().unsigned_zero(text)
    return _words().number(value) if abs(value) >= 100 else _words().significant(value, 2)


def _categorical(axis: Any) -> bool:
    """An axis of named categories: a category axis, or ticks given their own labels."""
    import matplotlib.ticker as mticker

    if type(axis.get_major_formatter()).__name__ == "StrCategoryFormatter" or _fixed(axis):
        return True
    if not isinstance(axis.get_major_locator(), mticker.FixedLocator):
        return False
    labels = [_clean(label) for label in axis.get_major_formatter().format_ticks(list(axis.get_majorticklocs()))]
    return any(label and not re.fullmatch(r"[-+$]?[\d,.]+[%M]?", label) for label in labels)


def _daily(axis: Any) -> bool:
    low, high = sorted(axis.get_view_interval())
    return high - low < 120  # days: a short span reads as dates, a long one as months


def _axis_phrase(axis: Any, direction: str) -> str:
    label = _clean(axis.get_label_text()) or _shared_label(axis)
    scale = axis.get_scale()
    labels = _tick_labels(axis)
    if _categorical(axis):
        shown = labels[:LISTED_CATEGORIES]
        what = f"{len(labels)} categories: " + "; ".join(shown) + ("; ..." if len(labels) > len(shown) else "")
        return f"{label + ', ' if label else ''}{what} ({direction} axis)"
    what = " to ".join(dict.fromkeys([labels[0], labels[-1]])) if labels else ""
    log = " (log scale)" if scale in {"log", "symlog"} and "log" not in label else ""
    inside = ", ".join(p for p in (f"{direction} axis", what) if p)
    return f"{label}{log} ({inside})" if label else f"{direction} axis{log}" + (f", {what}" if what else "")


def _shared_label(axis: Any) -> str:
    """The label a panel's shared axis carries on another panel (the bottom one, usually)."""
    ax = axis.axes
    shared = ax.get_shared_x_axes() if axis is ax.xaxis else ax.get_shared_y_axes()
    for other in shared.get_siblings(ax):
        label = _clean((other.xaxis if axis is ax.xaxis else other.yaxis).get_label_text())
        if label:
            return label
    return ""


def _fixed(axis: Any) -> bool:
    import matplotlib.ticker as mticker

    return isinstance(axis.get_major_formatter(), mticker.FixedFormatter)


def _marks(ax: Any) -> tuple[list[str], Any]:
    """What the panel draws, in words, and its main series: (kind, x, y, axis of the values)."""
    from matplotlib.collections import PathCollection, PolyCollection, QuadMesh
    from matplotlib.container import BarContainer, ErrorbarContainer

    kinds: list[str] = []
    main = None
    bars = [c for c in ax.containers if isinstance(c, BarContainer) and len(c.patches)]
    errorbars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    errorbar_dots = [c.lines[0] for c in errorbars if c.lines and c.lines[0] is not None]
    # data lines, not reference lines (axhline, axvline: drawn partly in axes coordinates)
    lines = [line for line in ax.get_lines()
             if len(line.get_xdata()) >= 2 and line.get_visible() and line.get_transform() == ax.transData
             and line not in errorbar_dots and line.get_linestyle() not in {"None", "none", ""}]
    markers = [line for line in ax.get_lines() if line not in lines and line.get_transform() == ax.transData
               and len(line.get_xdata()) >= 2 and line.get_marker() not in {None, "None", "none", ""}]
    dots = [c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets()) >= 2]
    bands = [c for c in ax.collections if isinstance(c, PolyCollection) and not isinstance(c, QuadMesh)]
    grids = [c for c in ax.collections if isinstance(c, QuadMesh)] + list(ax.images)
    if grids:
        kinds.append("a heatmap")
    if bars:
        horizontal = getattr(bars[0], "orientation", "vertical") == "horizontal"
        kinds.append("horizontal bars" if horizontal else "bars")
        if horizontal:
            values = [p.get_width() for c in bars[:1] for p in c.patches]
            places = [p.get_y() + p.get_height() / 2 for c in bars[:1] for p in c.patches]
            main = ("bars", places, values, ax.yaxis, ax.xaxis)
        else:
            # stacked bars: the top of each stack is what the reader sees first
            tops: dict[float, float] = {}
            for container in bars:
                for patch in container.patches:
                    x = round(patch.get_x() + (patch.get_width() / 2 if patch.get_width() < 5 else 0), 6)
                    tops[x] = max(tops.get(x, 0.0), patch.get_y() + patch.get_height())
            places = sorted(tops)
            main = ("bars", places, [tops[x] for x in places], ax.xaxis, ax.yaxis)
    if errorbars:
        kinds.append("dots with their intervals")
    elif markers:
        kinds.append("dots")
    if lines:
        kinds.append("lines" if len(lines) > 1 else "a line")
        if main is None:
            line = max(lines, key=lambda item: len(item.get_xdata()))
            main = ("line", _numbers(ax.xaxis, line.get_xdata()), _numbers(ax.yaxis, line.get_ydata()),
                    ax.xaxis, ax.yaxis)
    if dots:
        if "dots" not in kinds:
            kinds.append("dots")
        if main is None:
            offsets = max(dots, key=lambda c: len(c.get_offsets())).get_offsets()
            main = ("dots", list(offsets[:, 0]), list(offsets[:, 1]), ax.xaxis, ax.yaxis)
    if main is None and (errorbar_dots or markers):
        line = max(errorbar_dots or markers, key=lambda item: len(item.get_xdata()))
        main = ("dots", _numbers(ax.xaxis, line.get_xdata()), _numbers(ax.yaxis, line.get_ydata()),
                ax.xaxis, ax.yaxis)
    if bands:
        kinds.append("shaded bands")
    return kinds, main


def _numbers(axis: Any, values: Any) -> list[float]:
    """Line data as numbers (dates become matplotlib's day numbers)."""
    out = []
    for value in values:
        try:
            out.append(float(axis.convert_units(value)) if not isinstance(value, int | float) else float(value))
        except (TypeError, ValueError):
            out.append(float("nan"))
    return out


def _shape(main: Any) -> str:
    """Where the main series is highest and lowest, and where it ends."""
    if main is None:
        return ""
    kind, places, values, place_axis, value_axis = main
    pairs = []
    for place, value in zip(places, values, strict=False):
        try:
            place, value = float(place), float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(place) and math.isfinite(value):
            pairs.append((place, value))
    if len(pairs) < 2:
        return ""
    high = max(pairs, key=lambda pair: pair[1])
    low = min(pairs, key=lambda pair: pair[1])
    last = max(pairs, key=lambda pair: pair[0]) if kind != "bars" or _is_date_axis(place_axis) else None

    def at(pair: tuple[float, float]) -> str:
        where = "in" if _is_date_axis(place_axis) else "at"
        return f"{format_value(value_axis, pair[1])} {where} {format_value(place_axis, pair[0])}"

    if kind == "bars" and not _is_date_axis(place_axis):
        return f"largest {at(high)}, smallest {at(low)}"
    text = f"highest {at(high)}, lowest {at(low)}"
    if last is not None and last not in (high, low):
        text += f", last {at(last)}"
    return text


def _legend_entries(ax_or_figure: Any) -> list[str]:
    legends = list(getattr(ax_or_figure, "legends", []))
    legend = ax_or_figure.get_legend() if hasattr(ax_or_figure, "get_legend") else None
    if legend is not None:
        legends.append(legend)
    return [_clean(t.get_text()) for legend in legends for t in legend.get_texts() if _clean(t.get_text())]


def _is_colorbar(ax: Any) -> bool:
    return ax.get_label() == "<colorbar>" or hasattr(ax, "_colorbar")


def describe_chart(figure: Any) -> str:
    """What a figure draws, in words: panels, marks, axes, series and the shape of the data."""
    axes = [ax for ax in figure.get_axes() if ax.get_visible() and ax.axison and not _is_colorbar(ax)]
    colorbars = [ax for ax in figure.get_axes() if _is_colorbar(ax)]
    parts = []
    suptitle = figure.get_suptitle() if hasattr(figure, "get_suptitle") else ""
    if suptitle:
        parts.append(_clean(suptitle).rstrip(".") + ".")
    if len(axes) > 1:
        parts.append(f"{len(axes)} panels.")
    for ax in axes:
        title = _clean(" ".join(t for t in (ax.get_title("left"), ax.get_title("center"), ax.get_title("right")) if t))
        kinds, main = _marks(ax)
        if not kinds:
            parts.append(f"{title + ': ' if title else ''}an empty panel.")
            continue
        what = _words().listed(kinds)
        y, x = _axis_phrase(ax.yaxis, "vertical"), _axis_phrase(ax.xaxis, "horizontal")
        panel = f"{title + ': ' if title else ''}{what} of {y} by {x}"
        entries = _legend_entries(ax)
        if entries:
            panel += "; series: " + ", ".join(entries)
        shape = _shape(main)
        if shape:
            panel += f"; {shape}"
        parts.append(panel[:1].upper() + panel[1:].rstrip(".") + ".")
    for bar in colorbars:
        label = _clean(bar.get_ylabel() or bar.get_xlabel())
        if label:
            parts.append(f"Colour scale: {label}.")
    entries = _legend_entries(figure)
    if entries:
        parts.append("Series: " + ", ".join(entries) + ".")
    text = " ".join(parts)
    if len(text) > DESCRIPTION_CHARS:
        text = text[: DESCRIPTION_CHARS - 3].rsplit(" ", 1)[0].rstrip(",;") + "..."
    return text


def chart_alt_text(figure: Any, finding: str = "") -> str:
    """"Chart: <what it draws>. <finding>" (a finding that starts "Chart:" loses it)."""
    finding = " ".join(str(finding).split())
    if finding.lower().startswith("chart:"):
        finding = finding[len("chart:"):].strip()
    finding = finding[:1].upper() + finding[1:]
    description = describe_chart(figure)
    return " ".join(p for p in (f"Chart: {description}" if description else "Chart", finding) if p)
