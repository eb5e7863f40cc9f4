"""Figures of the claim checks: the waves around a claimed date, and the readings of a claimed rate.

They draw what `analysis.stats.claims` computed (`waves_around`, `reading_rows`); nothing here
counts or tests.
"""

from __future__ import annotations

from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.reporting.plots.style import CLASS_COLORS, LIGHT_COLOR, apply_house_style

MISSILE_STACK = ("cruise", "ballistic", "sam", "mixed", "other")
CLAIM_COLOR = "black"
SHORT_WORDS = {"drone_launched": "drones", "shahed_real": "Shaheds", "ballistic_launched": "ballistic",
               "all_launched": "drones and missiles", "missile_launched": "missiles"}
DRONE_PANEL = ("drone_launched", "shahed_real", "all_launched")


def plot_waves_around(around: dict[str, Any]) -> plt.Figure:
    """National waves around the dates of the wave claims: drones above, missiles by class below.

    `around` is `analysis.stats.claims.wave_claims.waves_around(...)`. The claimed figures are drawn
    at the claimed date (a black bar mark), the matching wave is marked by a dotted line, and the
    claimed night is shaded, so a reader sees where the article put the figures and where the
    record has them.
    """
    apply_house_style()
    per_day: pd.DataFrame = around["per_day"]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6.4), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 2]})
    x = mdates.date2num(per_day.index.to_pydatetime()) if len(per_day) else np.array([])
    width = 0.8
    top.bar(x, per_day["drone"].fillna(0), width, color=CLASS_COLORS["drone"],
            label="drones launched (decoys included)")
    real = per_day["shahed_real"]
    if real.notna().any():
        top.bar(x, real.fillna(0), width * 0.45, color=LIGHT_COLOR, edgecolor="none",
                label="of which real Shaheds (where reported)")
    stacked = np.zeros(len(per_day))
    for cls in MISSILE_STACK:
        values = per_day[cls].fillna(0).to_numpy()
        if values.any():
            bottom.bar(x, values, width, bottom=stacked, color=CLASS_COLORS[cls], label=f"{cls} missiles")
            stacked += values
    for ax in (top, bottom):
        for i, claim_date in enumerate(around["claim_dates"]):
            ax.axvspan(mdates.date2num(claim_date) - 0.5, mdates.date2num(claim_date) + 0.5,
                       color="0.85", zorder=0, label="night the article names" if ax is top and i == 0 else None)
        for i, matched in enumerate(around["matched_dates"]):
            ax.axvline(mdates.date2num(matched.to_pydatetime()), color="0.2", linewidth=0.8,
                       linestyle=":", zorder=0, label="attack that matches best" if ax is top and i == 0 else None)
    for i, figure in enumerate(around["figures"]):
        ax = top if figure["quantity"] in DRONE_PANEL else bottom
        xc = mdates.date2num(figure["date"])
        ax.hlines(figure["claimed"], xc - 0.45, xc + 0.45, color=CLAIM_COLOR, linewidth=2.5,
                  label="the article's figure" if i == 0 else None)
        words = f"{figure['words']} {figure['claimed']:g}".strip()
        what = SHORT_WORDS.get(figure["quantity"], figure["quantity"].replace("_", " "))
        ax.annotate(f"article: {words} {what}", xy=(xc + 0.5, figure["claimed"]), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=9)
    # Headroom above the tallest bar or claim keeps the legends clear of the data and the labels.
    for ax in (top, bottom):
        ax.set_ylim(0, max(ax.get_ylim()[1], 1.0) * 1.35)
    top.set_ylabel("drones")
    bottom.set_ylabel("missiles")
    top.set_title("Attacks around the night the article names")
    top.legend(loc="upper left", fontsize=9, ncol=3)
    bottom.legend(loc="upper left", fontsize=9, ncol=4)
    bottom.xaxis.set_major_locator(mdates.DayLocator(interval=2))
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    bottom.set_xlabel("report date (the morning an attack was reported)")
    bottom.set_xlim(mdates.date2num(around["low"]) - 0.6, mdates.date2num(around["high"]) + 0.6)
    fig.tight_layout()
    return fig


def plot_rate_readings(rows: list[dict[str, Any]], claimed: float) -> plt.Figure:
    """Every distinct reading of a rate claim (`analysis.stats.claims.reading_rows`) with its 95%
    interval, beside the claimed rate; the main reading in bold."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(10, 0.32 * len(rows) + 1.8))
    colors = {"all": "0.2", "drone": CLASS_COLORS["drone"], "missile": CLASS_COLORS["ballistic"]}
    labels = []
    for y, d in enumerate(rows):
        color = colors.get(d["classes"], CLASS_COLORS.get(d["classes"], "0.4"))
        ax.plot([d["ci_low"], d["ci_high"]], [y, y], color=color, linewidth=2)
        ax.plot(d["rate"], y, "o", color=color, markersize=7 if d["primary"] else 5)
        counting = "" if d["convention"] == "neutralised" else ", shot down only"
        what = {"all": "all weapons", "drone": "drones", "missile": "missiles"}.get(d["classes"], d["classes"])
        labels.append(f"{what}, {d['period']}{counting}" + ("  (main reading)" if d["primary"] else ""))
    ax.axvline(claimed, color=CLAIM_COLOR, linestyle="--", linewidth=1.2, label=f"claimed {100 * claimed:g}%")
    ax.plot([], [], color="0.2", linewidth=2, marker="o", label="record: share and 95% interval")
    ax.set_yticks(range(len(rows)), labels, fontsize=9)
    for tick, d in zip(ax.get_yticklabels(), rows, strict=True):
        if d["primary"]:
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{100 * v:.0f}%"))
    ax.set_xlabel("share of launched weapons stopped (shot down, jammed or failed to reach; "
                  "'shot down only' where marked)")
    ax.set_title("The claimed rate against every reading of the record")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06 - 1.2 / (0.32 * len(rows) + 1.8)), ncol=2,
              fontsize=9, frameon=False)
    fig.tight_layout()
    return fig
