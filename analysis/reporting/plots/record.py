"""The strike record at a glance: the tables and figures of notebook 01.

Table functions take the tidy record (or its wave table) and return DataFrames; plot functions
take those tables and return matplotlib figures in the house style, with the drone-reporting
conventions marked on every time axis.
"""

from __future__ import annotations

import re
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from analysis.errors import ParameterError
from analysis.reporting.plots.style import (
    CLASS_COLORS,
    CLASS_ORDER,
    apply_house_style,
    mark_conventions,
)

SHAHED_PATTERN = r"shahed"  # "Shahed-136/131" and the few rows joining it with other models


# ----------------------------------------------------------------------------------- selecting


def parse_period(start: str, end: str, record: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The report-date period from the notebook's `start`/`end` strings ("" end = last date)."""
    bounds = []
    for name, text, fallback in (("start", start, record["report_date"].min()),
                                 ("end", end, record["report_date"].max())):
        if not text:
            bounds.append(pd.Timestamp(fallback).normalize())
            continue
        try:
            bounds.append(pd.Timestamp(text).normalize())
        except ValueError:
            raise ParameterError(f"parameter {name} = {text!r} is not a date (YYYY-MM-DD)") from None
    if bounds[0] > bounds[1]:
        raise ParameterError(f"parameter start = {start!r} is after end = {end or bounds[1].date()!r}")
    return bounds[0], bounds[1]


def in_period(table: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Rows (of the record or the wave table) reported between start and end, inclusive."""
    return table.loc[table["report_date"].between(start, end)]


# ----------------------------------------------------------------------------------- tables


def monthly_launches(record: pd.DataFrame, command: str | None = "national") -> pd.DataFrame:
    """Launches per calendar month (rows) and weapon class (columns); `command=None` for both."""
    rows = record if command is None else record.loc[record["command"] == command]
    month = rows["report_date"].dt.to_period("M").dt.to_timestamp()
    table = rows.groupby([month, rows["weapon_class"]])["launched"].sum().unstack(fill_value=0)
    columns = [c for c in CLASS_ORDER if c in table.columns]
    table = table[columns].astype("int64")
    table.index.name = "month"
    return table


def totals_by_command(record: pd.DataFrame) -> pd.DataFrame:
    """Launches per weapon class (rows) reported by the national and regional commands (columns)."""
    table = record.groupby(["weapon_class", "command"])["launched"].sum().unstack(fill_value=0)
    table = table.reindex([c for c in CLASS_ORDER if c in table.index])
    for command in ("national", "regional"):
        if command not in table.columns:
            table[command] = 0
    return table[["national", "regional"]].astype("int64")


def national_waves(wave_table: pd.DataFrame, min_size: int) -> pd.DataFrame:
    """National-command waves with at least `min_size` launches (the attacks that make the tempo)."""
    national = wave_table.loc[~wave_table["regional"]]
    return national.loc[national["total_launched"].fillna(0) >= min_size]


def weekly_tempo(waves: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Per week (Monday start): number of waves, launches, and the largest wave."""
    weeks = pd.date_range(start - pd.Timedelta(days=start.weekday()), end, freq="W-MON")
    week = waves["report_date"] - pd.to_timedelta(waves["report_date"].dt.weekday, unit="D")
    grouped = waves.groupby(week)["total_launched"]
    table = pd.DataFrame({
        "waves": grouped.size(),
        "launched": grouped.sum(),
        "largest": grouped.max(),
    }).reindex(weeks, fill_value=0)
    table.index.name = "week"
    return table.astype("int64")


def rate_interval(count: int, exposure: float, level: float = 0.95) -> tuple[float, float, float]:
    """A Poisson rate (count / exposure) with its exact (Garwood) interval."""
    alpha = 1 - level
    low = stats.chi2.ppf(alpha / 2, 2 * count) / 2 if count > 0 else 0.0
    high = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return count / exposure, low / exposure, high / exposure


def recent_tempo(waves: pd.DataFrame, end: pd.Timestamp, weeks: int) -> dict[str, Any]:
    """Waves per week over the last `weeks` weeks up to `end`, with a Poisson interval."""
    since = end - pd.Timedelta(weeks=weeks) + pd.Timedelta(days=1)
    count = int(waves["report_date"].between(since, end).sum())
    rate, low, high = rate_interval(count, weeks)
    return {"since": since, "count": count, "per_week": rate, "low": low, "high": high}


def largest_waves(waves: pd.DataFrame, top: int) -> pd.DataFrame:
    """The `top` national waves by launches, with their mix."""
    columns = ["report_date", "total_launched", "drone_launched", "cruise_launched",
               "ballistic_launched", "total_neutralised", "source"]
    table = waves.sort_values("total_launched", ascending=False).head(top)[columns]
    return table.reset_index(drop=True)


def shahed_rows(record: pd.DataFrame) -> pd.DataFrame:
    """National 'Shahed-type' rows with launches, whether or not they give the count of real Shaheds
    (`shahed_real`, from `is_shahed`): `monthly_shahed_share` needs both to say how much it covers."""
    shahed = record["model"].str.contains(SHAHED_PATTERN, case=False, na=False)
    rows = record.loc[shahed & (record["command"] == "national")]
    return rows.loc[rows["launched"].notna() & (rows["launched"] > 0)]


def monthly_shahed_share(rows: pd.DataFrame) -> pd.DataFrame:
    """Per month: real Shaheds among Shahed-type launches, on the reports that give the real count.

    `rows` are `shahed_rows`. Columns: `launched_counted` (Shahed-type launched in the rows that give
    `shahed_real`), `shahed_real`, `share` with its Wilson interval `low`, `high`; `launched_all`
    (every Shahed-type launch of the month) and `coverage` = launched_counted / launched_all, the
    share of the month's Shahed-type launches whose report gives the count. Months run from the first
    month with a count; a later month without one has coverage 0 and NaN share. Empty if no row
    gives the count.
    """
    from analysis.stats.rates import binomial_interval

    columns = ["launched_counted", "shahed_real", "share", "low", "high", "launched_all", "coverage"]
    month = rows["report_date"].dt.to_period("M").dt.to_timestamp()
    given = rows["shahed_real"].notna()
    launched = rows["launched"].astype("Float64").fillna(0)
    frame = pd.DataFrame({"launched_all": launched, "launched_counted": launched.where(given, 0),
                          "shahed_real": rows["shahed_real"].astype("Float64").fillna(0)})
    table = frame.groupby(month).sum().astype("int64")
    table.index.name = "month"
    first = month[given].min() if given.any() else None
    if first is None:
        return pd.DataFrame(columns=columns, index=pd.DatetimeIndex([], name="month"))
    table = table.loc[table.index >= first]
    real = np.minimum(table["shahed_real"], table["launched_counted"]).to_numpy()
    counted = table["launched_counted"].to_numpy()
    low, high = binomial_interval(real, counted)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["share"] = np.where(counted > 0, real / np.maximum(counted, 1), np.nan)
    table["low"], table["high"] = low, high
    table["coverage"] = table["launched_counted"] / table["launched_all"]
    return table[columns]


_NOTE_KIND = re.compile(r":\s*([^:]+)$")


def data_quality(record: pd.DataFrame) -> pd.DataFrame:
    """What the loader corrected or flagged, and what a reader should know, as (issue, rows)."""
    notes = record.attrs.get("notes", [])
    kinds: dict[str, int] = {}
    for note in notes:
        match = _NOTE_KIND.search(note)
        kind = match.group(1).strip() if match else note
        kind = re.sub(r"'[^']*'", "'...'", kind)[:70]
        kinds[f"loader: {kind}"] = kinds.get(f"loader: {kind}", 0) + 1
    checks = {
        "rows without a launched count": int(record["launched"].isna().sum()),
        "rows without a destroyed count": int(record["destroyed"].isna().sum()),
        "rows of unknown weapon class": int((record["weapon_class"] == "unknown").sum()),
        "rows mixing weapon classes": int((record["weapon_class"] == "mixed").sum()),
        "rows with a date-only start": int((~record["start_has_time"]).sum()),
        "regional rows (can overlap national)": int((record["command"] == "regional").sum()),
    }
    table = pd.DataFrame(
        [(k, v, "loader note") for k, v in kinds.items()]
        + [(k, v, "count in the record") for k, v in checks.items()],
        columns=["issue", "rows", "kind"],
    )
    return table


# ----------------------------------------------------------------------------------- figures


def _date_axis(ax: Any) -> None:
    """Ticks that stay readable in the index's thumbnail: years on long spans, half-years else."""
    low, high = ax.get_xlim()
    if high - low > 2.5 * 365:
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    else:
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _pos: f"{y:,.0f}"))  # 8,000 rather than 8000
    mark_conventions(ax)


def plot_monthly_launches(monthly: pd.DataFrame, title: str) -> plt.Figure:
    """Stacked bars of launches per month by weapon class."""
    apply_house_style()
    fig, ax = plt.subplots()
    bottom = np.zeros(len(monthly))
    for weapon_class in monthly.columns:
        values = monthly[weapon_class].to_numpy()
        ax.bar(monthly.index, values, width=25, bottom=bottom, label=weapon_class,
               color=CLASS_COLORS[weapon_class], align="edge")
        bottom += values
    ax.set_title(title)
    ax.set_ylabel("launches per month")
    ax.set_xlabel("month reported")
    ax.legend(title="weapon class", ncols=len(monthly.columns), loc="upper left",
              bbox_to_anchor=(0, -0.18))
    _date_axis(ax)
    fig.tight_layout()
    return fig


def plot_national_vs_regional(national: pd.DataFrame, regional: pd.DataFrame) -> plt.Figure:
    """Monthly launches reported by the national command against the regional commands."""
    apply_house_style()
    fig, ax = plt.subplots()
    ax.plot(national.index, national.sum(axis=1), marker="o", markersize=3, label="national command",
            color="#4C72B0")
    ax.plot(regional.index, regional.sum(axis=1), marker="o", markersize=3, label="regional commands",
            color="#DD8452")
    ax.set_title("National versus regional reports: launches per month, all classes")
    ax.set_ylabel("launches per month")
    ax.set_xlabel("month reported")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.18), ncols=2)
    _date_axis(ax)
    fig.tight_layout()
    return fig


def plot_tempo(weekly: pd.DataFrame, min_size: int) -> plt.Figure:
    """Waves per week (bars) and the largest wave of each week (points)."""
    apply_house_style()
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(10, 6.4))
    top.bar(weekly.index, weekly["waves"], width=6, color="#4C72B0", align="edge")
    top.set_title(f"Tempo: national waves of at least {min_size} launches per week")
    top.set_ylabel("waves per week")
    bottom.scatter(weekly.index[weekly["largest"] > 0], weekly.loc[weekly["largest"] > 0, "largest"],
                   s=10, color="#C44E52")
    bottom.set_title("Largest wave of each week")
    bottom.set_ylabel("launches in the wave")
    bottom.set_xlabel("week reported (Monday start)")
    for ax in (top, bottom):
        _date_axis(ax)
    fig.tight_layout()
    return fig


def plot_shahed_share(share: pd.DataFrame) -> plt.Figure:
    """Monthly share of real Shaheds among 'Shahed-type' launches, with 95% Wilson intervals."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.errorbar(share.index, share["share"] * 100,
                yerr=[(share["share"] - share["low"]) * 100, (share["high"] - share["share"]) * 100],
                fmt="o-", color="#4C72B0", capsize=3)
    ax.set_ylim(0, 100)
    ax.set_title("Real Shaheds among 'Shahed-type' launches (the rest are decoys)")
    ax.set_ylabel("real Shaheds, % of launches")
    ax.set_xlabel("month reported")
    _date_axis(ax)
    fig.tight_layout()
    return fig


def plot_data_quality(quality: pd.DataFrame) -> plt.Figure:
    """Horizontal bars: rows affected by each data-quality issue."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(quality) + 1.2))
    colors = ["#C44E52" if k == "loader note" else "#8C8C8C" for k in quality["kind"]]
    ax.barh(quality["issue"], quality["rows"], color=colors)
    ax.invert_yaxis()
    for y, value in enumerate(quality["rows"]):
        ax.annotate(f"{value:,}", (value, y), xytext=(3, 0), textcoords="offset points", va="center",
                    fontsize=9)
    ax.set_xscale("symlog")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _pos: f"{x:,.0f}"))  # 1,000 rather than 10^3
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    ax.set_xlabel("rows of the record (log scale)")
    ax.set_title("Data quality: red = corrected or flagged by the loader, grey = counts to know")
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig
