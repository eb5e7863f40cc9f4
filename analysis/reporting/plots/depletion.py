"""Plots of the depletion model: stock fan charts, when each class goes unanswered, the share
stopped over time, threats getting through. Plain names in legends; dates on a top axis."""

from __future__ import annotations

import datetime as dt

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from analysis.model.results import SimulationResult
from analysis.reporting.plots.style import CLASS_COLORS, apply_house_style, series_colors
from analysis.reporting.words import class_label, interceptor_label

BAND_QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def _interceptor_colors(names: list[str]) -> dict[str, tuple]:
    return dict(zip(names, series_colors(len(names)), strict=True))


def date_axis(ax: plt.Axes, start: dt.date | None, horizon: int) -> None:
    """A top axis naming the month each simulated day falls in (day 1 = `start`)."""
    if start is None:
        return
    ticks, labels = [], []
    month = dt.date(start.year, start.month, 1)
    step = max(1, round(horizon / 365 * 2))  # about six labels a year
    count = 0
    while True:
        month = dt.date(month.year + (month.month // 12), month.month % 12 + 1, 1)
        day = (month - start).days + 1
        if day > horizon:
            break
        if count % step == 0:
            ticks.append(day)
            labels.append(f"{month:%b %Y}")
        count += 1
    top = ax.secondary_xaxis("top")
    top.set_xticks(ticks, labels, fontsize=8)
    top.tick_params(length=2)


def stock_fan_chart(result: SimulationResult, start: dt.date | None = None) -> Figure:
    """One panel per interceptor, stacked: end-of-day stock, median with 25-75% and 10-90% bands."""
    apply_house_style()
    names = result.interceptors
    colors = _interceptor_colors(names)
    fig, axes = plt.subplots(len(names), 1, figsize=(9, 0.8 + 2.4 * len(names)), squeeze=False,
                             sharex=True, layout="constrained")
    bands = result.stock_quantiles(BAND_QUANTILES)
    for index, (ax, name) in enumerate(zip(axes[:, 0], names, strict=True)):
        q = bands[name]
        color = colors[name]
        ax.fill_between(result.days, q[0], q[4], color=color, alpha=0.2, lw=0, label="80% of runs")
        ax.fill_between(result.days, q[1], q[3], color=color, alpha=0.4, lw=0, label="middle half of runs")
        ax.plot(result.days, q[2], color=color, lw=2, label="median run")
        ax.plot(result.days, result.mean_stock[names.index(name)], color="0.2", lw=1, ls="--",
                label="mean over runs")
        ax.set_title(interceptor_label(name), loc="left", fontsize=11)
        ax.set_ylabel("in stock")
        ax.set_ylim(bottom=0)
        if index == 0:
            date_axis(ax, start, result.horizon_days)
    axes[0][0].legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    axes[-1][0].set_xlabel("day of the simulation")
    fig.suptitle(f"Interceptors in stock at the end of each day ({result.runs:,} runs)",
                 x=0.01, ha="left", fontsize=12)
    return fig


def shortage_curves(result: SimulationResult, start: dt.date | None = None) -> Figure:
    """Share of runs in which each interceptor still answers every threat of a class, day by day."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(9, 4.4))
    t = np.arange(result.horizon_days + 1)
    colors = series_colors(max(1, len(result.pairs)))
    styles = ["-", "--", ":", "-."]
    for index, (interceptor, cls) in enumerate(result.pairs):
        days = result.class_depletion_days(interceptor, cls)
        curve = (days[None, :] > t[:, None]).mean(axis=1)
        ax.step(t, curve, where="post", color=colors[index], lw=2, ls=styles[index % len(styles)],
                label=f"{interceptor_label(interceptor)}: {class_label(cls)}")
    ax.axhline(0.5, color="0.5", lw=0.8, ls=":", label="half the runs")
    ax.set_ylim(-0.02, 1.02)
    ax.yaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("day of the simulation")
    ax.set_ylabel("runs still answering every threat")
    ax.set_title("How long each interceptor answers every threat of a class")
    date_axis(ax, start, result.horizon_days)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=9)
    fig.tight_layout()
    return fig


def interception_rate_over_time(result: SimulationResult, start: dt.date | None = None,
                                 targets: dict[str, float] | None = None) -> Figure:
    """Share of each class stopped per day (all runs), the observed rates the model matches
    dotted, and the 10-90% band of runs for all classes together."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(9, 4.4))
    q = result.interception_rate_quantiles((0.1, 0.5, 0.9))
    ax.fill_between(result.days, q[0], q[2], color="0.6", alpha=0.25, lw=0, label="all threats, 80% of runs")
    ax.plot(result.days, result.interception_rate_by_day(), color="0.3", lw=1.5, label="all threats")
    by_class = result.interception_rate_by_class_and_day()
    for k, cls in enumerate(result.classes):
        color = CLASS_COLORS.get(cls, "0.5")
        ax.plot(result.days, by_class[k], color=color, lw=2, label=class_label(cls))
        if targets and targets.get(cls) is not None:
            ax.axhline(targets[cls], color=color, ls=":", lw=1,
                       label=f"{class_label(cls)}: observed {targets[cls]:.0%}")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("day of the simulation")
    ax.set_ylabel("share stopped")
    ax.set_title("Share of threats stopped as stocks run short")
    date_axis(ax, start, result.horizon_days)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=9)
    fig.tight_layout()
    return fig


def leakers_over_time(result: SimulationResult, start: dt.date | None = None) -> Figure:
    """Threats getting through per day, one panel per class on its own scale (missiles are not
    buried under drones): mean over runs and the 10-90% band of runs."""
    apply_house_style()
    n = len(result.classes)
    fig, axes = plt.subplots(n, 1, figsize=(9, 0.8 + 2.2 * n), squeeze=False, sharex=True,
                             layout="constrained")
    leakers = result.mean_arrivals - result.mean_kills
    band = result.band_arrivals - result.band_kills
    for k, (ax, cls) in enumerate(zip(axes[:, 0], result.classes, strict=True)):
        color = CLASS_COLORS.get(cls, "0.5")
        low, high = np.quantile(band[k], (0.1, 0.9), axis=1)
        ax.fill_between(result.days, low, high, color=color, alpha=0.2, lw=0, label="80% of runs")
        ax.plot(result.days, leakers[k], color=color, lw=2, label="mean over runs")
        ax.set_title(class_label(cls), loc="left", fontsize=11)
        ax.set_ylabel("a day")
        ax.set_ylim(bottom=0)
        if k == 0:
            date_axis(ax, start, result.horizon_days)
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    axes[-1][0].set_xlabel("day of the simulation")
    fig.suptitle("Threats that got through every layer, per day", x=0.01, ha="left", fontsize=12)
    return fig
