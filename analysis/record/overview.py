"""The record at a glance, as counts: launches by month and class, national against regional
reports, waves per week, the largest waves and what the loader corrected (notebook 01).

Counts only; the figures with intervals built on them are in `analysis.stats.latest`, and the
plots that draw them in `analysis.reporting.plots.record`.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.errors import ParameterError
from analysis.record.weapons import WEAPON_CLASSES

SHAHED_PATTERN = r"shahed"  # "Shahed-136/131" and the few rows joining it with other models


def parse_period(start: str, end: str, record: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The report-date period of a notebook's `start`/`end` strings, within the record's dates.

    An empty `start` or `end` is the record's first or last report date, and a date outside the
    record is brought back to it, so that a period never claims days the record does not hold.
    """
    first = pd.Timestamp(record["report_date"].min()).normalize()
    last = pd.Timestamp(record["report_date"].max()).normalize()
    bounds = []
    for name, text, fallback in (("start", start, first), ("end", end, last)):
        if not text:
            bounds.append(fallback)
            continue
        try:
            bounds.append(pd.Timestamp(text).normalize())
        except ValueError:
            raise ParameterError(f"parameter {name} = {text!r} is not a date (YYYY-MM-DD)") from None
    if bounds[0] > bounds[1]:
        raise ParameterError(f"parameter start = {start!r} is after end = {end or bounds[1].date()!r}")
    if bounds[0] > last or bounds[1] < first:
        raise ParameterError(
            f"parameters start = {start!r}, end = {end!r}: the record holds report dates from "
            f"{first:%Y-%m-%d} to {last:%Y-%m-%d} only")
    return max(bounds[0], first), min(bounds[1], last)


def in_period(table: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Rows (of the record or the wave table) reported between start and end, inclusive."""
    return table.loc[table["report_date"].between(start, end)]


def monthly_launches(record: pd.DataFrame, command: str | None = "national") -> pd.DataFrame:
    """Launches per calendar month (rows) and weapon class (columns); `command=None` for both.

    Every month from the first to the last is a row, 0 where nothing was reported."""
    rows = record if command is None else record.loc[record["command"] == command]
    month = rows["report_date"].dt.to_period("M").dt.to_timestamp()
    table = rows.groupby([month, rows["weapon_class"]])["launched"].sum().unstack(fill_value=0)
    columns = [c for c in WEAPON_CLASSES if c in table.columns]
    table = table[columns].astype("int64")
    if len(table):
        table = table.reindex(pd.date_range(table.index.min(), table.index.max(), freq="MS"),
                              fill_value=0)
    table.index.name = "month"
    return table


def totals_by_command(record: pd.DataFrame) -> pd.DataFrame:
    """Launches per weapon class (rows) reported by the national and regional commands (columns)."""
    table = record.groupby(["weapon_class", "command"])["launched"].sum().unstack(fill_value=0)
    table = table.reindex([c for c in WEAPON_CLASSES if c in table.index])
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


def recent_tempo(waves: pd.DataFrame, end: pd.Timestamp, weeks: int) -> dict:
    """Waves in the last `weeks` whole weeks up to `end`, and the fewest and most in one of them.

    Counts as observed (`count`, `per_week` = count / weeks, `fewest`, `most`, `since`): the
    number of attacks is a fact of the record, not an estimate, so it carries a range, not an
    interval."""
    since = end - pd.Timedelta(weeks=weeks) + pd.Timedelta(days=1)
    dates = waves["report_date"]
    inside = dates.between(since, end)
    week_of = ((dates[inside] - since).dt.days // 7).value_counts()
    per_week = week_of.reindex(range(weeks), fill_value=0)
    count = int(inside.sum())
    return {"since": since, "count": count, "per_week": count / weeks,
            "fewest": int(per_week.min()), "most": int(per_week.max())}


def largest_waves(waves: pd.DataFrame, top: int) -> pd.DataFrame:
    """The `top` national waves by launches, with their mix."""
    columns = ["report_date", "total_launched", "drone_launched", "cruise_launched",
               "ballistic_launched", "total_neutralised", "source"]
    table = waves.sort_values("total_launched", ascending=False).head(top)[columns]
    return table.reset_index(drop=True)


def shahed_rows(record: pd.DataFrame) -> pd.DataFrame:
    """National 'Shahed-type' rows with launches, whether or not they give the count of real Shaheds
    (`shahed_real`, from `is_shahed`): a share computed on them must say how much it covers."""
    shahed = record["model"].str.contains(SHAHED_PATTERN, case=False, na=False)
    rows = record.loc[shahed & (record["command"] == "national")]
    return rows.loc[rows["launched"].notna() & (rows["launched"] > 0)]


_NOTE_KIND = re.compile(r":\s*([^:]+)$")
_NOTE_LINE = re.compile(r"^(\d+): (.*)$", re.S)


def loader_notes(record: pd.DataFrame) -> pd.DataFrame:
    """What the loader corrected or flagged, one row per note: `line` of the record (missing for a
    note about the whole file) and `note`, with the record's folder left out (it names this
    machine, not the data)."""
    prefix = f"{record.attrs.get('record_path', '')}:"
    rows = []
    for note in record.attrs.get("notes", []):
        text = note[len(prefix):].lstrip() if prefix != ":" and note.startswith(prefix) else note
        match = _NOTE_LINE.match(text)
        line, text = (int(match.group(1)), match.group(2)) if match else (None, text)
        rows.append((line, text))
    table = pd.DataFrame(rows, columns=["line", "note"])
    table["line"] = table["line"].astype("Int64")
    return table


def data_quality(record: pd.DataFrame) -> pd.DataFrame:
    """What the loader corrected or flagged, and what a reader should know, as (issue, rows, kind)."""
    notes = record.attrs.get("notes", [])
    kinds: dict[str, int] = {}
    for note in notes:
        match = _NOTE_KIND.search(note)
        kind = match.group(1).strip() if match else note
        kind = re.sub(r"'[^']*'", "'...'", kind)
        if len(kind) > 120:  # a runaway note: cut at a word, and say so (never mid-word)
            kind = kind[:117].rsplit(" ", 1)[0] + "..."
        kinds[f"loader: {kind}"] = kinds.get(f"loader: {kind}", 0) + 1
    checks = {
        "rows without a launched count": int(record["launched"].isna().sum()),
        "rows without a destroyed count": int(record["destroyed"].isna().sum()),
        "rows of unknown weapon class": int((record["weapon_class"] == "unknown").sum()),
        "rows mixing weapon classes": int((record["weapon_class"] == "mixed").sum()),
        "rows with a date-only start": int((~record["start_has_time"]).sum()),
        "regional rows (can overlap national)": int((record["command"] == "regional").sum()),
    }
    return pd.DataFrame(
        [(k, v, "loader note") for k, v in kinds.items()]
        + [(k, v, "count in the record") for k, v in checks.items()],
        columns=["issue", "rows", "kind"],
    )
