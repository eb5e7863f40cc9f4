"""The wave table: one row per attack, the rows of one post whose report windows overlap."""

from __future__ import annotations

import hashlib
import re

import pandas as pd

from analysis.record.conventions import convention_of
from analysis.record.weapons import COUNTED_CLASSES

WAVE_COUNTS: tuple[str, ...] = ("launched", "destroyed", "not_reached")


def waves(record: pd.DataFrame) -> pd.DataFrame:
    """One row per attack: the rows of one post (`source`) whose report windows overlap.

    A post sometimes reports a night wave and a separate strike (or two nights); rows of one post
    form one wave while their windows overlap or touch, sorted by start. Regional-command posts
    form their own waves (`command == "regional"`, `regional` is True), never merged into national
    ones. A wave is dated by the morning it was reported: `report_date` is the date of its last end.

    Per class in drone, cruise, ballistic, mixed, other: `<class>_launched`, `<class>_destroyed`,
    `<class>_not_reached` (0 when the class is absent; NA when a row of the class lacks the count;
    a missing `not_reached` counts as 0). `total_*` sum every row, unknown class included.
    """
    if record.empty:
        return _empty_waves()
    rows = record.loc[record["start"].notna() & record["end"].notna()].copy()
    # A date-only end on the start's day would sort before a timed start: use the later of the two.
    rows["_until"] = rows[["start", "end"]].max(axis=1)
    rows["_source"] = rows["source"].fillna("")
    rows = rows.sort_values(["command", "_source", "start", "_until", "line"], kind="stable")
    group_keys = ["command", "_source"]
    reach = rows.groupby(group_keys, sort=False)["_until"].cummax()
    previous_reach = reach.groupby([rows["command"], rows["_source"]], sort=False).shift(1)
    new_wave = previous_reach.isna() | (rows["start"] > previous_reach)
    rows["_wave"] = new_wave.cumsum().to_numpy()

    grouped = rows.groupby("_wave", sort=False)
    table = grouped.agg(
        source=("_source", "first"),
        publisher=("publisher", "first"),
        command=("command", "first"),
        start=("start", "min"),
        end=("_until", "max"),
        n_rows=("line", "size"),
        first_line=("line", "min"),
    )
    # Joined in plain Python: a per-group lambda in `agg` costs seconds on the real record.
    models_of: dict[int, dict[str, None]] = {}
    for wave, model in zip(rows["_wave"], rows["model"], strict=True):
        if isinstance(model, str):
            models_of.setdefault(wave, {})[model] = None
    table["models"] = ["; ".join(models_of.get(wave, {})) for wave in table.index]
    table["regional"] = table["command"].eq("regional")
    table["report_date"] = table["end"].dt.normalize()
    table["convention"] = convention_of(table["report_date"])

    # Which classes each wave holds at all: a class it lacks counts 0, not "missing".
    present_by_class = {
        weapon_class: rows["weapon_class"].eq(weapon_class).groupby(rows["_wave"]).any()
        .reindex(table.index)
        for weapon_class in COUNTED_CLASSES
    }
    for name in WAVE_COUNTS:
        values = rows[name] if name != "not_reached" else rows[name].fillna(0)
        missing = values.isna()
        per_class = values.fillna(0).groupby([rows["_wave"], rows["weapon_class"]]).sum()
        lacking = missing.groupby([rows["_wave"], rows["weapon_class"]]).any()
        per_class = per_class.astype("Int64").mask(lacking)
        wide = per_class.unstack("weapon_class")
        for weapon_class in COUNTED_CLASSES:
            column = wide[weapon_class] if weapon_class in wide.columns else None
            filled = (
                column.reindex(table.index) if column is not None
                else pd.Series(pd.NA, index=table.index, dtype="Int64")
            )
            table[f"{weapon_class}_{name}"] = (
                filled.where(present_by_class[weapon_class], 0).astype("Int64")
            )
        total = values.fillna(0).groupby(rows["_wave"]).sum().astype("Int64")
        table[f"total_{name}"] = total.mask(missing.groupby(rows["_wave"]).any())
    table["total_neutralised"] = table["total_destroyed"] + table["total_not_reached"]
    table["unknown_launched"] = (
        rows["launched"].where(rows["weapon_class"].eq("unknown"), 0).fillna(0)
        .groupby(rows["_wave"]).sum().astype("Int64")
    )
    table["shahed_real"] = rows["shahed_real"].groupby(rows["_wave"]).sum(min_count=1)
    table["shahed_real"] = table["shahed_real"].astype("Int64")
    table["missing_counts"] = (
        (rows["launched"].isna() | rows["destroyed"].isna()).groupby(rows["_wave"]).sum()
        .astype("int64")
    )
    table["wave_id"] = [
        _wave_id(report_date, publisher, source, start)
        for report_date, publisher, source, start in zip(
            table["report_date"], table["publisher"], table["source"], table["start"], strict=True
        )
    ]
    table = table.sort_values(["start", "command", "source"], kind="stable").reset_index(drop=True)
    return _wave_dtypes(table[_wave_columns()])


def _wave_count_columns() -> list[str]:
    return [c for c in _wave_columns()
            if c.endswith(("_launched", "_destroyed", "_not_reached", "_neutralised")) or c == "shahed_real"]


def _wave_dtypes(table: pd.DataFrame) -> pd.DataFrame:
    """One dtype per kind of column, whatever the record's own count dtypes (float64 included):
    counts nullable Int64 (whole numbers, NA where a row lacks the count, so a CSV never shows 16.0),
    row tallies int64, `regional` bool, times datetime64[s]."""
    counts = _wave_count_columns()
    as_numbers = table[counts].apply(pd.to_numeric, errors="coerce")
    fractional = as_numbers.notna() & (as_numbers.round() != as_numbers)
    if fractional.any().any():  # cannot happen with load_record's whole-number counts
        raise ValueError(f"waves: fractional counts in {list(fractional.columns[fractional.any()])}")
    table = table.astype({**dict.fromkeys(counts, "Int64"), "n_rows": "int64", "first_line": "int64",
                          "missing_counts": "int64", "regional": bool})
    for column in ("start", "end", "report_date"):
        table[column] = table[column].astype("datetime64[s]")
    return table


def _wave_id(report_date: pd.Timestamp, publisher: str, source: str, start: pd.Timestamp) -> str:
    """A readable id that stays the same across snapshots while the post and its start stay."""
    digest = hashlib.sha1(f"{source}|{start.isoformat()}".encode()).hexdigest()[:8]
    slug = re.sub(r"[^A-Za-z0-9]+", "", publisher)[:12] or "nosource"
    return f"{report_date:%Y-%m-%d}-{slug}-{digest}"


def _wave_columns() -> list[str]:
    columns = [
        "wave_id", "report_date", "start", "end", "source", "publisher", "command", "regional",
        "convention", "n_rows", "first_line", "models",
    ]
    for weapon_class in COUNTED_CLASSES:
        columns += [f"{weapon_class}_{name}" for name in WAVE_COUNTS]
    columns += [
        "unknown_launched", "shahed_real", "total_launched", "total_destroyed",
        "total_not_reached", "total_neutralised", "missing_counts",
    ]
    return columns


def _empty_waves() -> pd.DataFrame:
    return _wave_dtypes(pd.DataFrame({column: pd.Series(dtype="object") for column in _wave_columns()}))


