"""Plots of sustainability: scenarios side by side, sustainable rates, cost exchange, tornado, heatmap.

Also the plain-English labels and sentences the notebook shows with them (interceptor, layer and
parameter names, money, the production notes): display only, the numbers are left as computed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from analysis.reporting.plots.style import apply_house_style

INTERCEPTOR_LABELS = {
    "pac3_mse": "PAC-3 MSE",
    "medium_sam": "medium-range SAM",
    "interceptor_drone": "interceptor drones",
}
LAYER_LABELS = {
    "patriot": "Patriot",
    "medium_sam": "medium-range SAM",
    "interceptor_drones": "interceptor drones",
    "electronic_warfare": "electronic warfare",
    "mobile_fire_groups": "mobile fire groups",
}
CLASS_LABELS = {"drone": "drones", "cruise": "cruise missiles", "ballistic": "ballistic missiles"}
CLASS_SINGULAR = {"drone": "drone", "cruise": "cruise missile", "ballistic": "ballistic missile"}


def interceptor_label(name: str) -> str:
    """"pac3_mse" as "PAC-3 MSE"; unknown names lose their underscores."""
    return INTERCEPTOR_LABELS.get(name, str(name).replace("_", " "))


def layer_label(name: str) -> str:
    """"patriot" as "Patriot"; unknown names lose their underscores."""
    return LAYER_LABELS.get(name, str(name).replace("_", " "))


def class_label(name: str, singular: bool = False) -> str:
    """"cruise" as "cruise missiles" (or "cruise missile")."""
    labels = CLASS_SINGULAR if singular else CLASS_LABELS
    return labels.get(name, str(name).replace("_", " ") + ("" if singular else "s"))


def classes_label(names: str | Sequence[str]) -> str:
    """"ballistic, cruise" as "ballistic missiles, cruise missiles"."""
    parts = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
    return ", ".join(class_label(n) for n in parts if n)


def parameter_label(key: str) -> str:
    """A dotted scenario key in words: "threats.cruise.per_day" as "cruise missiles per day",
    "interceptors.pac3_mse.deliveries_per_month" as "PAC-3 MSE deliveries per month"."""
    parts = str(key).split(".")
    if parts[0] == "threats" and len(parts) == 3 and parts[2] == "per_day":
        return f"{class_label(parts[1])} per day"
    if parts[0] == "interceptors" and len(parts) == 3:
        what = {"stock": "stock", "deliveries_per_month": "deliveries per month"}.get(
            parts[2], parts[2].replace("_", " "))
        return f"{interceptor_label(parts[1])} {what}"
    if parts[0] == "layers" and len(parts) == 4 and parts[2] == "engage_probability":
        return f"{layer_label(parts[1])}: share of {class_label(parts[3])} engaged"
    if parts[0] == "layers" and len(parts) == 5 and parts[2] == "engages":
        if parts[4] == "shots":
            return f"{layer_label(parts[1])}: interceptors fired per {class_label(parts[3], singular=True)}"
        if parts[4] == "pk":
            return f"{layer_label(parts[1])}: kill probability per {class_label(parts[3], singular=True)} engaged"
    return str(key).replace("_", " ")


def parameter_value(key: str, value: Any) -> str:
    """A parameter's value in its unit: probabilities as percentages, counts whole, rates to 3 digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    key = str(key)
    if key.endswith((".pk",)) or ".engage_probability." in key:
        return f"{float(value) * 100:.0f}%"
    if key.endswith((".stock", ".shots", ".deliveries_per_month")):
        return f"{float(value):,.0f}"
    if isinstance(value, int | float):
        return f"{float(value):.3g}"
    return str(value)


def format_money(value: Any) -> str:
    """US dollars as "$10.9M" (or "$850k", "$1.2B"); missing as "–"."""
    if value is None or pd.isna(value):
        return "–"
    value = float(value)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"${value / size:,.1f}{suffix}"
    return f"${value:,.0f}"


def plain_note(note: Any) -> str:
    """A note from `analysis.model.sustainability` in words: numbers such as "1e+06" written out,
    "fluid solution" as "expected-value model"; missing or empty as ""."""
    if note is None or (isinstance(note, float) and math.isnan(note)) or not str(note).strip():
        return ""
    text = re.sub(r"\d+(?:\.\d+)?e\+\d+", lambda m: f"{float(m.group()):,.0f}", str(note))
    text = text.replace("the fluid solution", "the expected-value model (no run-to-run spread)")
    for name, label in {**CLASS_LABELS}.items():
        text = re.sub(rf"\b{name}\b(?! missiles)", label, text)
    return text


def depletion_sentences(names: Sequence[str], reports: Mapping[str, Mapping[str, Any]],
                        first_out: Mapping[str, tuple[str, float] | None]) -> str:
    """One markdown bullet per scenario: what runs out first, the interception rate, leakers a day."""
    lines = []
    for name in names:
        report = reports[name]
        rate = report["interception_rate"]["mean"]
        if first_out[name]:
            interceptor, day = first_out[name]
            lines.append(
                f"- **{name}**: {interceptor_label(interceptor)} run out first, around day {day:.0f} in "
                f"the median run; over the horizon the defence stops {rate:.0%} of what is launched and "
                f"{report['leakers_per_day']['mean']:.0f} threats a day get through.")
        else:
            lines.append(f"- **{name}**: no interceptor runs out within the horizon in the median run; "
                         f"the defence stops {rate:.0%} of what is launched.")
    return "\n".join(lines)


def cost_sentences(overview: pd.DataFrame) -> str:
    """One markdown bullet per scenario: defender and attacker spending a day and their ratio."""
    lines = []
    for row in overview.to_dict("records"):
        ratio = row["cost_exchange_ratio"]
        ratio_text = "no ratio" if ratio is None or pd.isna(ratio) else f"the defence spends ${ratio:.2f} per $1 of attack"
        lines.append(f"- **{row['scenario']}**: the defence spends {format_money(row['cost_per_day_usd'])} a day "
                     f"against {format_money(row['attacker_cost_per_day_usd'])} of attack ({ratio_text}).")
    return "\n".join(lines)


def production_notes(production: pd.DataFrame, target_label: str) -> str:
    """Markdown bullets: why a production figure is missing, per interceptor (empty if none)."""
    lines = []
    for interceptor, row in production.iterrows():
        first = plain_note(row.get("note"))
        second = plain_note(row.get("second note"))
        if first:
            lines.append(f"- **{interceptor_label(interceptor)}**, {target_label}: {first}.")
        if second:
            lines.append(f"- **{interceptor_label(interceptor)}**, second target: {second}.")
    return "\n".join(lines)


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
            labels.append(f"{scenario}: {interceptor_label(interceptor)}")
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
    ax.set_yticks(y, [f"{layer_label(r['layer'])}\n({classes_label(r['classes'])})" for r in table.to_dict("records")])
    ax.invert_yaxis()
    ax.set_xscale("symlog", linthresh=1)
    ax.xaxis.set_major_formatter(plt.matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel("threats arriving per day (log scale)")
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
    labels = [f"{parameter_label(r['parameter'])}  "
              f"[{parameter_value(r['parameter'], r['low'])}–{parameter_value(r['parameter'], r['high'])}]"
              for r in rows.to_dict("records")]
    ax.set_yticks(y, labels, fontsize=9)
    name = interceptor_label(interceptor)
    ax.set_xlabel(f"median day the {name} stock runs out (capped at the horizon, {horizon_days} days)")
    ax.set_title(f"What moves the day {name} run out (today's assumptions: day {base:.0f})")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


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
                cbar_kws={"label": "median day it runs out"})
    ax.tick_params(axis="y", rotation=0)
    ax.set_xlabel(parameter_label(x_key))
    ax.set_ylabel(parameter_label(y_key))
    ax.set_title(title or f"{value} over {parameter_label(x_key)} x {parameter_label(y_key)}")
    fig.tight_layout()
    return fig
