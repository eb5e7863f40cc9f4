"""Plots of sustainability: scenarios side by side, sustainable rates, cost exchange, tornado, heatmap."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from analysis.plots.style import apply_house_style


def depletion_by_scenario(table: pd.DataFrame, horizon_days: int) -> Figure:
    """Median day each interceptor runs out per scenario, with the 10th-90th percentile of runs.

    `table` has columns scenario, interceptor, median, p10, p90 (None/NaN: later than the horizon).
    A bar reaching the horizon line with an arrow means "not by the horizon".
    """
    apply_house_style()
    scenarios = list(dict.fromkeys(table["scenario"]))
    interceptors = list(dict.fromkeys(table["interceptor"]))
    colors = dict(zip(interceptors, sns.color_palette("deep", len(interceptors)), strict=True))
    fig, ax = plt.subplots(figsize=(10, 0.9 + 0.55 * len(scenarios) * len(interceptors)))
    y = 0
    ticks, labels = [], []
    for scenario in scenarios:
        for interceptor in interceptors:
            row = table[(table["scenario"] == scenario) & (table["interceptor"] == interceptor)]
            if row.empty:
                continue
            row = row.iloc[0]
            median = _or_horizon(row["median"], horizon_days)
            low = _or_horizon(row["p10"], horizon_days)
            high = _or_horizon(row["p90"], horizon_days)
            ax.barh(y, median, color=colors[interceptor], alpha=0.85, height=0.7)
            ax.plot([low, high], [y, y], color="0.15", lw=1.5)
            if pd.isna(row["median"]):
                ax.annotate("later", xy=(horizon_days, y), xytext=(4, 0), textcoords="offset points",
                            va="center", fontsize=8, color="0.3")
            ticks.append(y)
            labels.append(f"{scenario}: {interceptor}")
            y += 1
        y += 0.6
    ax.axvline(horizon_days, color="0.4", ls="--", lw=1)
    ax.set_yticks(ticks, labels)
    ax.invert_yaxis()
    ax.set_xlabel("day the stock runs out (median; line: 10th-90th percentile of runs)")
    ax.set_title("How long each interceptor lasts, scenario by scenario")
    fig.tight_layout()
    return fig


def _or_horizon(value: object, horizon_days: int) -> float:
    return float(horizon_days) if value is None or pd.isna(value) else float(value)


def sustainable_rates_chart(table: pd.DataFrame) -> Figure:
    """Per layer: today's arrivals of the classes it engages against the rate its deliveries sustain."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(9, 0.9 + 0.7 * len(table)))
    y = np.arange(len(table))
    finite = table["sustainable_rate_per_day"].replace(np.inf, np.nan)
    ax.barh(y - 0.18, table["arrivals_per_day"], height=0.36, color="#C44E52", label="arriving now")
    ax.barh(y + 0.18, finite.fillna(0), height=0.36, color="#55A868", label="sustainable by deliveries")
    for i, row in enumerate(table.to_dict("records")):
        if math.isinf(row["sustainable_rate_per_day"]):
            ax.annotate("any rate (capacity-limited)", xy=(0, i + 0.18), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=8)
        else:
            ax.annotate(f"x{row['sustainable_multiple']:.2f} of today", xy=(row["sustainable_rate_per_day"], i + 0.18),
                        xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(y, [f"{r['layer']} ({r['classes']})" for r in table.to_dict("records")])
    ax.invert_yaxis()
    ax.set_xscale("symlog", linthresh=1)
    ax.set_xlabel("threats per day (log scale)")
    ax.set_title("Arrival rate each layer's deliveries can keep up with")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
    ax.margins(x=0.15)
    fig.tight_layout()
    return fig


def cost_exchange_chart(table: pd.DataFrame) -> Figure:
    """Per scenario: defender and attacker spending per day, with the cost-exchange ratio."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(9, 0.9 + 0.8 * len(table)))
    y = np.arange(len(table))
    ax.barh(y - 0.18, table["cost_per_day_usd"] / 1e6, height=0.36, color="#4C72B0", label="defender")
    ax.barh(y + 0.18, table["attacker_cost_per_day_usd"] / 1e6, height=0.36, color="#DD8452",
            label="attacker")
    for i, row in enumerate(table.to_dict("records")):
        ratio = row["cost_exchange_ratio"]
        text = "n/a" if ratio is None or pd.isna(ratio) else f"ratio {ratio:.2f}"
        ax.annotate(text, xy=(max(row["cost_per_day_usd"], row["attacker_cost_per_day_usd"]) / 1e6, i),
                    xytext=(6, 0), textcoords="offset points", va="center", fontsize=9)
    ax.set_yticks(y, table["scenario"])
    ax.invert_yaxis()
    ax.set_xlabel("spending per day, million USD (mean over runs and days)")
    ax.set_title("Cost exchange: defender against attacker spending")
    ax.legend(loc="lower right")
    ax.margins(x=0.2)
    fig.tight_layout()
    return fig


def tornado_chart(table: pd.DataFrame, interceptor: str, horizon_days: int) -> Figure:
    """Bars from the base result to the result at each parameter's low and high value."""
    apply_house_style()
    rows = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(10, 0.9 + 0.45 * len(rows)))
    base = float(table["base_days"].iloc[0])
    y = np.arange(len(rows))
    low = rows["days_at_low"].to_numpy(float)
    high = rows["days_at_high"].to_numpy(float)
    ax.barh(y, low - base, left=base, color="#8172B3", height=0.6, label="parameter at its low value")
    ax.barh(y, high - base, left=base, color="#CCB974", height=0.6, label="parameter at its high value")
    ax.axvline(base, color="0.2", lw=1)
    labels = [f"{r['parameter']}  [{_fmt(r['low'])} .. {_fmt(r['high'])}]" for r in rows.to_dict("records")]
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_xlabel(f"median day {interceptor} runs out (capped at the horizon, {horizon_days} days)")
    ax.set_title(f"What moves the day {interceptor} runs out (base: day {base:g})")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def _fmt(value: object) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.3g}"
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def depletion_heatmap(
    table: pd.DataFrame, x_key: str, y_key: str, value: str, horizon_days: int, *, title: str = ""
) -> Figure:
    """Heatmap of a sweep table: `value` (days) over two grid keys; empty cells = later than the horizon."""
    apply_house_style()
    grid = table.pivot_table(index=y_key, columns=x_key, values=value, aggfunc="first", dropna=False)
    grid = grid.sort_index(ascending=False)
    shown = grid.fillna(horizon_days).clip(upper=horizon_days)
    labels = grid.map(lambda v: f">{horizon_days}" if pd.isna(v) else f"{v:.0f}")
    fig, ax = plt.subplots(figsize=(3.5 + 1.2 * grid.shape[1], 1.6 + 0.6 * grid.shape[0]))
    sns.heatmap(shown, annot=labels, fmt="", cmap="rocket", vmin=0, vmax=horizon_days, ax=ax,
                cbar_kws={"label": "days"})
    ax.tick_params(axis="y", rotation=0)
    ax.set_xlabel(x_key)
    ax.set_ylabel(y_key)
    ax.set_title(title or f"{value} over {x_key} x {y_key}")
    fig.tight_layout()
    return fig
