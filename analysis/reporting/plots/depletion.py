"""Plots of the depletion model: stock fan charts, survival curves, interception rate, leakers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.figure import Figure

from analysis.model.depletion import SimulationResult
from analysis.reporting.plots.style import apply_house_style

BAND_QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def _interceptor_colors(names: list[str]) -> dict[str, tuple]:
    return dict(zip(names, sns.color_palette("deep", len(names)), strict=True))


def stock_fan_chart(result: SimulationResult) -> Figure:
    """One panel per interceptor, stacked: end-of-day stock, median with 25-75% and 10-90% bands.

    Panels are stacked (not side by side) and laid out by constrained layout, so titles do not
    collide when the figure is shrunk to a thumbnail.
    """
    from analysis.reporting.plots.sustainability import interceptor_label

    apply_house_style()
    names = result.interceptors
    colors = _interceptor_colors(names)
    fig, axes = plt.subplots(len(names), 1, figsize=(9, 0.6 + 2.3 * len(names)), squeeze=False,
                             sharex=True, layout="constrained")
    bands = result.stock_quantiles(BAND_QUANTILES)
    for ax, name in zip(axes[:, 0], names, strict=True):
        q = bands[name]
        color = colors[name]
        ax.fill_between(result.days, q[0], q[4], color=color, alpha=0.2, lw=0, label="10-90% of runs")
        ax.fill_between(result.days, q[1], q[3], color=color, alpha=0.4, lw=0, label="25-75% of runs")
        ax.plot(result.days, q[2], color=color, lw=2, label="median")
        ax.plot(result.days, result.mean_stock[names.index(name)], color="0.2", lw=1, ls="--",
                label="mean")
        ax.set_title(interceptor_label(name), loc="left", fontsize=11)
        ax.set_ylabel("in stock")
        ax.set_ylim(bottom=0)
    axes[0][0].legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    axes[-1][0].set_xlabel("day")
    fig.suptitle(f"Interceptor stocks, end of day: {result.scenario.name}\n({result.runs:,} runs; "
                 f"bands from {result.band_stock.shape[2]:,} runs)", x=0.01, ha="left", fontsize=12)
    return fig


def survival_curves(result: SimulationResult) -> Figure:
    """Share of runs in which each interceptor has not yet run out, day by day (all runs)."""
    apply_house_style()
    colors = _interceptor_colors(result.interceptors)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    t = np.arange(result.horizon_days + 1)
    for name, curve in result.survival().items():
        ax.step(t, curve, where="post", color=colors[name], lw=2, label=name)
    ax.axhline(0.5, color="0.5", lw=0.8, ls=":")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("day")
    ax.set_ylabel("share of runs not yet depleted")
    ax.set_title("Survival of interceptor stocks")
    ax.legend(loc="lower left")
    fig.tight_layout()
    return fig


def interception_rate_over_time(result: SimulationResult, target: float | None = None) -> Figure:
    """Daily interception rate (kills / arrivals): all classes with the 10-90% band of runs, and
    each class (ratio of means over all runs)."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(9, 4.2))
    q = result.interception_rate_quantiles((0.1, 0.5, 0.9))
    ax.fill_between(result.days, q[0], q[2], color="#4C72B0", alpha=0.2, lw=0,
                    label="10-90% of runs")
    ax.plot(result.days, result.interception_rate_by_day(), color="#4C72B0", lw=2,
            label="all classes (kills / arrivals)")
    from analysis.reporting.plots.style import CLASS_COLORS

    with np.errstate(invalid="ignore", divide="ignore"):
        by_class = np.where(result.mean_arrivals > 0, result.mean_kills / result.mean_arrivals, np.nan)
    for k, cls in enumerate(result.classes):
        ax.plot(result.days, by_class[k], color=CLASS_COLORS.get(cls, "0.5"), lw=1.2, ls="-.",
                label=cls)
    if target is not None:
        ax.axhline(target, color="#C44E52", ls="--", lw=1, label=f"target {target:.0%}")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("day")
    ax.set_ylabel("interception rate")
    ax.set_title("Interception rate as stocks fall")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=9)
    fig.tight_layout()
    return fig


def leakers_over_time(result: SimulationResult) -> Figure:
    """Threats getting through per day: mean over runs by class (stacked) and the 10-90% band."""
    apply_house_style()
    from analysis.reporting.plots.style import CLASS_COLORS

    fig, ax = plt.subplots(figsize=(9, 4.2))
    leakers = result.mean_arrivals - result.mean_kills
    colors = [CLASS_COLORS.get(c, "0.5") for c in result.classes]
    ax.stackplot(result.days, leakers, colors=colors, alpha=0.8, labels=result.classes)
    q = result.leaker_quantiles((0.1, 0.9))
    ax.plot(result.days, q[1], color="0.3", lw=0.8, ls=":", label="90th percentile of runs")
    ax.set_xlabel("day")
    ax.set_ylabel("leakers per day")
    ax.set_title("Threats that got through, per day")
    ax.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    return fig
