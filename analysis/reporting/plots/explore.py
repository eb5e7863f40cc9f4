"""Plots of an exploration: Sobol indices with their intervals, failing experiments, PRIM boxes.

Display only: the indices, flags and boxes come from `analysis.model.explore` as computed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from analysis.reporting.plots.style import (
    HIGHLIGHT_COLOR,
    PAIR_COLORS,
    apply_house_style,
    legend_below,
    number_ticks,
)
from analysis.reporting.words import class_label, interceptor_label, number, significant

FAIL_COLOR = HIGHLIGHT_COLOR  # vermilion: the experiments that fail
OK_COLOR = "0.7"  # grey: those that hold
FIRST_COLOR, TOTAL_COLOR = PAIR_COLORS
NOISE_LABEL = "random numbers only (noise floor)"


def sobol_chart(indices: pd.DataFrame, labels: Mapping[str, str], title: str, noise_input: str | None) -> Figure:
    """Total and first-order indices per input, largest total first, with their intervals.

    `indices`: one row per input with S1, S1_conf, ST, ST_conf (analysis.model.explore.sobol_indices).
    The do-nothing input is drawn last, in grey: the noise floor every other index stands against.
    """
    apply_house_style()
    real = indices.drop(index=[noise_input], errors="ignore").sort_values("ST", ascending=True)
    rows = pd.concat([indices.loc[[noise_input]], real]) if noise_input in indices.index else real
    fig, ax = plt.subplots(figsize=(10, 1.2 + 0.5 * len(rows)))
    y = np.arange(len(rows))
    height = 0.38
    names = [NOISE_LABEL if name == noise_input else labels.get(name, name) for name in rows.index]
    colors_total = [OK_COLOR if name == noise_input else TOTAL_COLOR for name in rows.index]
    colors_first = [OK_COLOR if name == noise_input else FIRST_COLOR for name in rows.index]
    ax.barh(y + height / 2, rows["ST"], height, xerr=rows["ST_conf"], color=colors_total,
            error_kw={"elinewidth": 1, "capsize": 2})
    ax.barh(y - height / 2, rows["S1"], height, xerr=rows["S1_conf"], color=colors_first,
            error_kw={"elinewidth": 1, "capsize": 2})
    ax.axvline(0, color="0.2", lw=0.8)
    ax.set_yticks(y, names, fontsize=9)
    ax.set_xlim(min(-0.05, float((rows["S1"] - rows["S1_conf"]).min()) - 0.02),
                max(1.05, float((rows["ST"] + rows["ST_conf"]).max()) + 0.02))
    ax.set_xlabel("share of the outcome's variance (Sobol index; bars: 95% bootstrap interval)")
    number_ticks(ax.xaxis, decimals=1)  # "0.0", never "-0.0"
    ax.set_title(title)
    legend_below(ax, handles=[Patch(color=TOTAL_COLOR, label="total index (alone and with every interaction)"),
                              Patch(color=FIRST_COLOR, label="first-order index (alone)"),
                              Patch(color=OK_COLOR, label="the same for the random numbers alone")],
                 ncols=2, fontsize=8, gap=0.12 + 0.6 / len(rows))
    fig.tight_layout()
    return fig


def outcome_label(path: str) -> str:
    """A dotted outcome in words: "days_to_depletion.pac3_mse.median" as "the median day PAC-3 MSE
    runs out", "interception_rate_by_class.ballistic.mean" as "the share of ballistic missiles
    stopped"; others lose their dots and underscores."""
    parts = path.split(".")
    if parts[0] == "days_to_depletion" and len(parts) == 3:
        which = {"median": "median day", "p10": "10th-percentile day", "p90": "90th-percentile day",
                 "mean": "mean day"}.get(parts[2], parts[2])
        return f"the {which} {interceptor_label(parts[1])} runs out"
    if parts[0] == "interception_rate" and len(parts) == 2:
        return "the share of all threats stopped"
    if parts[0] == "interception_rate_by_class" and len(parts) == 3:
        return f"the share of {class_label(parts[1])} stopped"
    return " ".join(p.replace("_", " ") for p in parts)


def parallel_coordinates(
    inputs: pd.DataFrame, failing: np.ndarray, labels: Mapping[str, str], title: str,
    order: Sequence[str] | None = None, max_lines: int = 600,
) -> Figure:
    """One line per experiment across the inputs (each scaled to its range), failing ones in vermilion.

    At most `max_lines` of each kind are drawn (evenly spaced), so the picture stays readable.
    """
    apply_house_style()
    columns = list(order) if order is not None else list(inputs.columns)
    data = inputs[columns].astype(float)
    low, high = data.min(), data.max()
    scaled = (data - low) / (high - low).replace(0, 1)
    failing = np.asarray(failing, dtype=bool)
    fig, ax = plt.subplots(figsize=(10, 4.8))
    x = np.arange(len(columns))
    for mask, color, alpha, width in ((~failing, OK_COLOR, 0.3, 0.6), (failing, FAIL_COLOR, 0.35, 0.8)):
        lines = scaled[mask].to_numpy()
        if len(lines) > max_lines:
            lines = lines[np.linspace(0, len(lines) - 1, max_lines).astype(int)]
        for line in lines:
            ax.plot(x, line, color=color, alpha=alpha, lw=width)
    for position, column in enumerate(columns):
        ax.axvline(position, color="0.3", lw=0.8)
        ax.annotate(_short(low[column]), (position, -0.04), ha="center", va="top", fontsize=8,
                    annotation_clip=False)
        ax.annotate(_short(high[column]), (position, 1.04), ha="center", va="bottom", fontsize=8,
                    annotation_clip=False)
    ax.set_xticks(x, [_wrap(labels.get(c, c)) for c in columns], fontsize=8)
    ax.set_yticks([])
    ax.set_ylim(-0.12, 1.12)
    ax.grid(False)
    ax.plot([], [], color=FAIL_COLOR, label=f"fails ({int(failing.sum()):,} experiments)")
    ax.plot([], [], color=OK_COLOR, label=f"holds ({int((~failing).sum()):,})")
    legend_below(ax, fontsize=8, gap=0.3)  # under the axis names: above, it covered the title
    ax.set_title(title, pad=16)
    fig.tight_layout()
    return fig


def failure_scatter(
    inputs: pd.DataFrame, failing: np.ndarray, x_key: str, y_key: str, labels: Mapping[str, str],
    title: str, box: Mapping[str, tuple[float | None, float | None]] | None = None,
) -> Figure:
    """The experiments over two inputs, failing ones in vermilion, with the PRIM box's limits on them."""
    apply_house_style()
    failing = np.asarray(failing, dtype=bool)
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    ax.scatter(inputs.loc[~failing, x_key], inputs.loc[~failing, y_key], s=10, color=OK_COLOR,
               alpha=0.6, label="holds", linewidths=0)
    ax.scatter(inputs.loc[failing, x_key], inputs.loc[failing, y_key], s=10, color=FAIL_COLOR,
               alpha=0.7, label="fails", linewidths=0)
    if box:
        (x0, x1), (y0, y1) = (_span(box.get(key), inputs[key]) for key in (x_key, y_key))
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=2, ec="0.1", ls="--",
                               label="PRIM box"))
    ax.set_xlabel(labels.get(x_key, x_key))
    ax.set_ylabel(labels.get(y_key, y_key))
    ax.set_title(title)
    legend_below(ax, ncols=3, fontsize=8, gap=0.12)  # "best" still covered failing experiments
    fig.tight_layout()
    return fig


def _span(limits: tuple[float | None, float | None] | None, column: pd.Series) -> tuple[float, float]:
    low, high = limits if limits is not None else (None, None)
    return (float(column.min()) if low is None else low, float(column.max()) if high is None else high)


def _short(value: float) -> str:
    """An axis end as the text writes it: "29,803", "0.54", "0.000096" (never "9.6e-05")."""
    return number(value) if abs(value) >= 100 else significant(value, 2)


def _wrap(text: str, width: int = 18) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)
