"""Plots of report 05: scenarios side by side, the long run, cost, tornado, heatmap.

They draw what analysis.model computed; names and money in plain words (analysis.reporting.words).
Colours are the house palette, with no red/green pairs.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from analysis.reporting.plots.style import (
    NEUTRAL_COLOR,
    PAIR_COLORS,
    apply_house_style,
    legend_below,
    log_ticks,
    number_ticks,
    series_colors,
)
from analysis.reporting.words import (
    after_horizon,
    class_label,
    classes_label,
    interceptor_label,
    parameter_label,
    parameter_value,
)

NOW = NEUTRAL_COLOR  # grey: today
SUSTAINED, ATTACK = PAIR_COLORS  # blue: what deliveries sustain, the defense; orange: the attack
LOW_END, HIGH_END = PAIR_COLORS  # an assumption at the low and the high end of its range


def depletion_by_scenario(table: pd.DataFrame, horizon_days: int) -> Figure:
    """Median day each interceptor runs short of a class, per scenario, with the 10th-90th
    percentile of runs. `table`: scenario, interceptor, class, median, p10, p90 (None: later)."""
    apply_house_style()
    scenarios = list(dict.fromkeys(table["scenario"]))
    keys = list(dict.fromkeys(zip(table["interceptor"], table["class"], strict=True)))
    colors = dict(zip(keys, series_colors(len(keys)), strict=True))
    fig, ax = plt.subplots(figsize=(10, 1.2 + 0.5 * len(table)))
    y = 0.0
    ticks, labels = [], []
    for scenario in scenarios:
        for key in keys:
            row = table[(table["scenario"] == scenario) & (table["interceptor"] == key[0]) & (table["class"] == key[1])]
            if row.empty:
                continue
            row = row.iloc[0]
            median, low, high = (_or_horizon(row[c], horizon_days) for c in ("median", "p10", "p90"))
            ax.barh(y, median, color=colors[key], height=0.7)
            ax.plot([low, high], [y, y], color="0.15", lw=1.5)
            if pd.isna(row["median"]):
                ax.annotate(after_horizon(horizon_days), xy=(horizon_days, y), xytext=(4, 0), textcoords="offset points",
                            va="center", fontsize=8, color="0.3")
            ticks.append(y)
            labels.append(f"{scenario}: {interceptor_label(key[0])}, {class_label(key[1])}")
            y += 1
        y += 0.6
    ax.axvline(horizon_days, color="0.4", ls="--", lw=1)
    ax.set_yticks(ticks, labels)
    ax.invert_yaxis()
    ax.set_xlabel("day it can no longer answer every threat of the class (bar: median run; line: 80% of runs)")
    ax.set_title("When each interceptor runs short, scenario by scenario")
    fig.tight_layout()
    return fig


def _or_horizon(value: object, horizon_days: int) -> float:
    return float(horizon_days) if value is None or pd.isna(value) else float(value)


def sustainable_rates_chart(table: pd.DataFrame) -> Figure:
    """Per interceptor: interceptors fired a day at today's attack against those delivered a day,
    and the multiple of today's attack the deliveries sustain in the long run."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.8 * len(table)))
    y = np.arange(len(table))
    ax.barh(y - 0.18, table["used_per_day"], height=0.36, color=NOW, label="fired a day at today's attack")
    ax.barh(y + 0.18, table["delivered_per_day"], height=0.36, color=SUSTAINED, label="delivered a day")
    for i, row in enumerate(table.to_dict("records")):
        multiple = row["sustainable_multiple"]
        text = "sustains any attack" if math.isinf(multiple) else f"sustains {multiple:.2f} x today's attack"
        ax.annotate(text, xy=(max(row["used_per_day"], row["delivered_per_day"]), i), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize=9)
    ax.set_yticks(y, [f"{interceptor_label(r['interceptor'])}\n({classes_label(r['classes'])})"
                      for r in table.to_dict("records")])
    ax.invert_yaxis()
    log_ticks(ax.xaxis, symlog=True)  # a delivery of 0 a day has no bar
    ax.set_xlabel("interceptors a day (log scale)")
    ax.set_title("What each interceptor fires against what is delivered")
    legend_below(ax, gap=0.3)
    ax.margins(x=0.35)
    fig.tight_layout()
    return fig


def cost_exchange_chart(table: pd.DataFrame) -> Figure:
    """Per scenario: defense and attack spending a day (million USD) and the cost-exchange ratio."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.8 * len(table)))
    y = np.arange(len(table))
    attack = table["attacker_cost_per_day_usd"].astype(float).fillna(0)
    ax.barh(y - 0.18, table["cost_per_day_usd"] / 1e6, height=0.36, color=SUSTAINED, label="defense")
    ax.barh(y + 0.18, attack / 1e6, height=0.36, color=ATTACK, label="attack")
    for i, row in enumerate(table.to_dict("records")):
        ratio = row["cost_exchange_ratio"]
        text = "ratio not available" if ratio is None or pd.isna(ratio) else f"ratio {ratio:.2f}"
        ax.annotate(text, xy=(max(row["cost_per_day_usd"], attack.iloc[i]) / 1e6, i), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize=9)
    ax.set_yticks(y, table["scenario"])
    ax.invert_yaxis()
    number_ticks(ax.xaxis, prefix="$", suffix="M")
    ax.set_xlabel("spending a day, million US dollars (mean over runs and days)")
    ax.set_title("What the defense and the attack spend")
    legend_below(ax, gap=0.22)
    ax.margins(x=0.25)
    fig.tight_layout()
    return fig


def tornado_chart(table: pd.DataFrame, what: str, horizon_days: int, base_label: str = "as assumed: day {day}") -> Figure:
    """Bars from the base result to the result at each parameter's low and high value."""
    apply_house_style()
    rows = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(10, 1.2 + 0.45 * len(rows)))
    base = float(table["base_days"].iloc[0])
    y = np.arange(len(rows))
    low = rows["days_at_low"].to_numpy(float)
    high = rows["days_at_high"].to_numpy(float)
    ax.barh(y, low - base, left=base, color=LOW_END, height=0.6, label="assumption at its low value")
    ax.barh(y, high - base, left=base, color=HIGH_END, height=0.6, label="assumption at its high value")
    ax.axvline(base, color="0.2", lw=1, label=base_label.format(day=f"{base:.0f}"))
    labels = [f"{parameter_label(r['parameter'])}  "
              f"[{parameter_value(r['parameter'], r['low'])}–{parameter_value(r['parameter'], r['high'])}]"
              for r in rows.to_dict("records")]
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_xlabel(f"median day {what} (capped at the {horizon_days}-day horizon)")
    ax.set_title(f"Which assumptions move the day {what}")
    legend_below(ax, ncols=3, fontsize=8, gap=0.16)
    fig.tight_layout()
    return fig


def depletion_heatmap(
    table: pd.DataFrame, x_key: str, y_key: str, value: str, horizon_days: int, *, title: str = "",
    error: str | None = None,
) -> Figure:
    """Heatmap of a sweep table: `value` (days) over two grid keys; ">H": later than the horizon.
    `error`: a column of Monte Carlo errors, the largest shown in the colour bar's label."""
    apply_house_style()
    grid = table.pivot_table(index=y_key, columns=x_key, values=value, aggfunc="first", dropna=False)
    grid = grid.sort_index(ascending=False)
    shown = grid.fillna(horizon_days).clip(upper=horizon_days)
    labels = grid.map(lambda v: f">{horizon_days}" if pd.isna(v) else f"{v:.0f}")
    fig, ax = plt.subplots(figsize=(3.5 + 1.2 * grid.shape[1], 1.6 + 0.6 * grid.shape[0]))
    bar_label = "median day (darker: sooner)"
    if error and error in table:
        largest = pd.to_numeric(table[error], errors="coerce").max()
        if pd.notna(largest):
            bar_label += f"\nMonte Carlo error of a cell: at most ±{largest:.1f} days"
    sns.heatmap(shown, annot=labels, fmt="", cmap="cividis", vmin=0, vmax=horizon_days, ax=ax,
                cbar_kws={"label": bar_label})
    ax.tick_params(axis="y", rotation=0)
    ax.set_xlabel(parameter_label(x_key))
    ax.set_ylabel(parameter_label(y_key))
    ax.set_title(title or f"{value} over {parameter_label(x_key)} x {parameter_label(y_key)}")
    fig.tight_layout()
    return fig
