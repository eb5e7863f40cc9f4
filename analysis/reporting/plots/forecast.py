"""Plots of the tempo forecast: the record with the forecast fan, the backtest's calibration
(nominal against observed coverage) and each model's CRPS against the naive forecast's.
They draw the tables `analysis.stats.forecast` computes; they compute nothing themselves."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.reporting.plots.style import CLASS_COLORS, MODEL_COLORS, apply_house_style
from analysis.reporting.words import class_label, model_label

# Colour and marker of each candidate model, the same in every figure: the house palette's model
# colours and a distinct marker each, so the models stay apart in any colour vision.
MODEL_STYLES = {
    "naive": ("0.35", "o"),
    "moving-average": (MODEL_COLORS["moving-average"], "s"),
    "nb-trend": (MODEL_COLORS["nb-trend"], "^"),
    "ets": (MODEL_COLORS["ets"], "D"),
    "combined": (MODEL_COLORS["combined"], "v"),
}
BANDS = (("q05", "q95", 0.15, "90%"), ("q10", "q90", 0.22, "80%"), ("q25", "q75", 0.32, "50%"))
UNIT = {"month": "month", "week": "week", "day": "day"}


def fan_chart(record: pd.DataFrame, fan: pd.DataFrame, by: str, classes: tuple[str, ...],
              models: dict[str, str], since: pd.Timestamp | None = None) -> Figure:
    """One panel per class: launches per period in the record (complete periods joined; the
    period the record ends in as a hollow mark, launches so far) and the forecast's median with
    its 50/80/90% bands. `record` and `fan` are `LaunchForecast.record_table()` and `.fan()`."""
    apply_house_style()
    fig, axes = plt.subplots(len(classes), 1, figsize=(10, 2.7 * len(classes)), sharex=True)
    axes = np.atleast_1d(axes)
    for ax, cls in zip(axes, classes, strict=True):
        color = CLASS_COLORS[cls]
        past = record[record["class"] == cls]
        if since is not None:
            past = past[past["start"] >= since]
        whole = past[past["complete"]]
        ax.plot(whole["start"], whole["launched"], color=color, marker="o", markersize=3, lw=1.4,
                label="record")
        partial = past[~past["complete"] & (past["start"] == past["start"].max())]
        ax.plot(partial["start"], partial["launched"], linestyle="none", marker="o", markersize=6,
                markerfacecolor="white", markeredgecolor=color, label="record so far (part of the period)")
        ahead = fan[fan["class"] == cls]
        for low, high, alpha, label in BANDS:
            ax.fill_between(ahead["start"], ahead[low], ahead[high], color=color, alpha=alpha, lw=0,
                            label=f"{label} band")
        ax.plot(ahead["start"], ahead["q50"], color=color, lw=1.8, linestyle="--", label="median forecast")
        if len(whole):  # join the last whole period to the forecast
            ax.plot([whole["start"].iloc[-1], ahead["start"].iloc[0]],
                    [whole["launched"].iloc[-1], ahead["q50"].iloc[0]], color=color, lw=1, linestyle=":")
        ax.set_ylim(bottom=0)
        ax.set_ylabel(f"{class_label(cls)}\nper {UNIT[by]}")
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _pos: f"{y:,.0f}"))
        ax.set_title(f"model: {models.get(cls, '?')}", loc="right", fontsize=9, fontweight="normal",
                     color="0.3")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8)
    locator = mdates.AutoDateLocator(maxticks=12)
    axes[-1].xaxis.set_major_locator(locator)
    axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes[0].set_title(f"Launches per {UNIT[by]}: the record and the forecast", loc="left")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def calibration_chart(table: pd.DataFrame, classes: tuple[str, ...]) -> Figure:
    """Per class: the share of held-out periods inside each model's 50/80/90% intervals (with a
    95% interval for that share) against the nominal level; on the diagonal is well calibrated."""
    apply_house_style()
    fig, axes = plt.subplots(1, len(classes), figsize=(3.6 * len(classes) + 1, 3.8), sharey=True)
    axes = np.atleast_1d(axes)
    models = list(dict.fromkeys(table["model"]))
    offsets = dict(zip(models, np.linspace(-0.025, 0.025, len(models)), strict=True))
    for ax, cls in zip(axes, classes, strict=True):
        ax.plot([0.4, 1.0], [0.4, 1.0], color="0.6", lw=1, linestyle="--")
        for model, part in table[table["class"] == cls].groupby("model", sort=False):
            color, marker = MODEL_STYLES.get(str(model), ("0.5", "o"))
            x = part["nominal"] + offsets[model]
            ax.errorbar(x, part["observed"], yerr=[part["observed"] - part["low"], part["high"] - part["observed"]],
                        color=color, marker=marker, markersize=5, lw=0, elinewidth=1, capsize=2, label=model_label(model))
        ax.set_xlim(0.4, 1.0)
        ax.set_ylim(0.0, 1.02)
        ax.set_xticks([0.5, 0.8, 0.9])
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _pos: f"{v:.0%}"))
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _pos: f"{v:.0%}"))
        ax.set_title(class_label(cls), color=CLASS_COLORS[cls])
        ax.set_xlabel("nominal level of the interval")
    axes[0].set_ylabel("held-out periods inside it")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.suptitle("Calibration in the backtest: on the dashed line, an interval holds what it says",
                 x=0.01, ha="left", fontsize=12, fontweight="bold")
    fig.tight_layout(rect=(0, 0.12, 1, 1))  # the legend below the panels, off their data
    return fig


def skill_chart(summary: pd.DataFrame, classes: tuple[str, ...], by: str) -> Figure:
    """Per class: each model's mean CRPS as a multiple of the naive forecast's, by horizon
    (below 1: better than the naive forecast)."""
    apply_house_style()
    fig, axes = plt.subplots(1, len(classes), figsize=(3.6 * len(classes) + 1, 3.6), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, cls in zip(axes, classes, strict=True):
        part = summary[(summary["class"] == cls) & (summary["by"] == by)]
        for model, rows in part.groupby("model", sort=False):
            color, marker = MODEL_STYLES.get(str(model), ("0.5", "o"))
            ax.plot(rows["horizon"], rows["crps_vs_naive"], color=color, marker=marker, markersize=4,
                    lw=1.4, label=model_label(model))
        ax.axhline(1.0, color="0.4", lw=1, linestyle="--")
        ax.set_title(class_label(cls), color=CLASS_COLORS[cls])
        ax.set_xlabel(f"{UNIT[by]}s ahead" if by != "day" else "weeks ahead (daily forecasts)")
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    axes[0].set_ylabel("CRPS / naive CRPS")
    axes[0].set_ylim(bottom=0)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.suptitle(f"Backtest by {by}: each model's error against the naive forecast's (below 1 is better)",
                 x=0.01, ha="left", fontsize=12, fontweight="bold")
    fig.tight_layout(rect=(0, 0.12, 1, 1))  # the legend below the panels, off their data
    return fig
