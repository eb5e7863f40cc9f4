"""Figures of the claim checks: the waves around a claimed date, and the readings of a claimed rate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.reporting.plots.style import CLASS_COLORS, apply_house_style
from analysis.stats.claims import Claim, ClaimResult, national_waves, report_dates, wave_quantity

MISSILE_STACK = ("cruise", "ballistic", "mixed", "other")
CLAIM_COLOR = "black"
VERDICT_COLORS = {"holds": "#55A868", "partly holds": "#CCB974", "does not hold": "#C44E52",
                  "cannot be checked": "#8C8C8C"}


def plot_waves_around(
    waves: pd.DataFrame,
    claims: list[Claim],
    results: list[ClaimResult],
    days: int = 10,
) -> plt.Figure:
    """National waves around the dates of the wave claims: drones above, missiles by class below.

    The claimed figures are drawn at the claimed date (a black bar mark), the matched wave is
    outlined, and the claimed night is shaded, so a reader sees both where the article put the
    figures and where the record has them.
    """
    apply_house_style()
    wave_claims = [c for c in claims if c.kind == "wave" and c.date is not None]
    if not wave_claims:
        raise ValueError("no wave claims to plot")
    centre = min(c.date for c in wave_claims)
    last = max(c.date for c in wave_claims)
    low, high = centre - dt.timedelta(days=days), last + dt.timedelta(days=days)
    national = national_waves(waves)
    dates = report_dates(national)
    shown = national[(dates >= pd.Timestamp(low)) & (dates <= pd.Timestamp(high))]
    # Several national posts can share a report date: one bar per date.
    day = report_dates(shown)
    per_day = pd.DataFrame({
        "drone": wave_quantity(shown, "drone_launched"),
        "shahed_real": wave_quantity(shown, "shahed_real"),
        **{c: wave_quantity(shown, f"{c}_launched") for c in MISSILE_STACK},
    }).groupby(day).sum(min_count=1)

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6.4), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 2]})
    x = mdates.date2num(per_day.index.to_pydatetime()) if len(per_day) else np.array([])
    width = 0.8
    top.bar(x, per_day["drone"].fillna(0), width, color=CLASS_COLORS["drone"],
            label="drones launched (incl. decoys)")
    real = per_day["shahed_real"]
    if real.notna().any():
        top.bar(x, real.fillna(0), width * 0.45, color="#A9C1E6", edgecolor="none",
                label="of which real Shaheds (where reported)")
    bottom_stack = np.zeros(len(per_day))
    for cls in MISSILE_STACK:
        values = per_day[cls].fillna(0).to_numpy()
        if values.any():
            bottom.bar(x, values, width, bottom=bottom_stack, color=CLASS_COLORS[cls],
                       label=f"{cls} missiles")
            bottom_stack += values

    matched_dates = {r.matched["report_date"] for r in results
                     if r.kind == "wave" and r.matched and "report_date" in r.matched}
    for ax in (top, bottom):
        for claim_date in {c.date for c in wave_claims}:
            ax.axvspan(mdates.date2num(claim_date) - 0.5, mdates.date2num(claim_date) + 0.5,
                       color="0.85", zorder=0)
        for matched in matched_dates:
            ax.axvline(mdates.date2num(pd.Timestamp(matched).to_pydatetime()), color="0.2",
                       linewidth=0.8, linestyle=":", zorder=0)

    for claim in wave_claims:
        for fig_claim in claim.figures:
            ax = top if fig_claim.quantity in ("drone_launched", "shahed_real", "all_launched") else bottom
            xc = mdates.date2num(claim.date)
            ax.hlines(fig_claim.claimed, xc - 0.45, xc + 0.45, color=CLAIM_COLOR, linewidth=2.5)
            words = f"{fig_claim.words} {fig_claim.claimed:g}".strip()
            what = {"drone_launched": "drones", "shahed_real": "Shaheds",
                    "ballistic_launched": "ballistic"}.get(fig_claim.quantity, fig_claim.quantity)
            ax.annotate(f"article: {words} {what}", xy=(xc + 0.5, fig_claim.claimed),
                        xytext=(4, 0), textcoords="offset points", va="center", fontsize=9)

    # Headroom above the tallest bar or claim keeps the legends clear of the data and the labels.
    for ax in (top, bottom):
        ax.set_ylim(0, max(ax.get_ylim()[1], 1.0) * 1.35)
    top.set_ylabel("drones")
    bottom.set_ylabel("missiles")
    top.set_title("Waves around the night the article names (shaded); dotted: the wave that matches")
    top.legend(loc="upper left", fontsize=9, ncol=2)
    bottom.legend(loc="upper left", fontsize=9, ncol=4)
    bottom.xaxis.set_major_locator(mdates.DayLocator(interval=2))
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    bottom.set_xlabel("report date (the morning a wave was reported)")
    bottom.set_xlim(mdates.date2num(low) - 0.6, mdates.date2num(high) + 0.6)
    fig.tight_layout()
    return fig


def plot_rate_readings(result: ClaimResult, claimed: float) -> plt.Figure:
    """Every reading of a rate claim with its 95% interval, beside the claimed rate.

    One row per distinct figure (conventions that coincide are drawn once); the main reading is
    bold; readings that mix drone-reporting conventions are left out.
    """
    apply_house_style()
    rows: dict[tuple, dict[str, Any]] = {}
    for d in result.details:
        if d["rate"] is None or d["mixes_conventions"]:
            continue
        key = (d["period"], d["classes"], d["successes"], d["launched"])
        if key not in rows or d["primary"]:
            rows[key] = d
    items = list(rows.values())
    fig, ax = plt.subplots(figsize=(10, 0.32 * len(items) + 1.6))
    colors = {"all": "0.2", "drone": CLASS_COLORS["drone"], "missile": CLASS_COLORS["ballistic"]}
    labels = []
    for y, d in enumerate(items):
        color = colors.get(d["classes"], CLASS_COLORS.get(d["classes"], "0.4"))
        ax.plot([d["ci_low"], d["ci_high"]], [y, y], color=color, linewidth=2)
        ax.plot(d["rate"], y, "o", color=color, markersize=7 if d["primary"] else 5)
        convention = "" if d["convention"] == "neutralised" else f", {d['convention']}"
        labels.append(f"{d['classes']}, {d['period']}{convention}" + ("  (main reading)"
                                                                   if d["primary"] else ""))
    ax.axvline(claimed, color=CLAIM_COLOR, linestyle="--", linewidth=1.2)
    ax.annotate(f"claimed {100 * claimed:g}%", xy=(claimed, 1.0), xycoords=("data", "axes fraction"),
                xytext=(4, -2), textcoords="offset points", va="top", fontsize=9)
    ax.set_yticks(range(len(items)), labels, fontsize=9)
    for tick, d in zip(ax.get_yticklabels(), items, strict=True):
        if d["primary"]:
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{100 * v:.0f}%"))
    ax.set_xlabel("share of launched weapons neutralised (shot down or suppressed; 'destroyed' where marked),"
                  " with 95% wave-level interval")
    ax.set_title("The claimed rate against every reading of the record")
    fig.tight_layout()
    return fig
