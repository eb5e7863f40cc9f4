"""The wave table: one row per attack, the rows of one post whose report windows overlap."""

from __future__ import annotations

import hashlib
import heapq
import re

import numpy as np
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




# --------------------------------------------------------------------------- by the clock


SPAN_COLUMNS = ["rank", "start", "end", "hours", "report_date", "attacks", "wave_ids",
                *[f"{c}_launched" for c in COUNTED_CLASSES], "unknown_launched", "total_launched",
                "total_neutralised", "largest_attack", "missing_counts", "overlapping", "same_models"]


def within_hours(wave_table: pd.DataFrame, hours: float = 24.0, national_only: bool = True) -> pd.DataFrame:
    """The attacks added up by the clock: the largest totals of launches within `hours` hours.

    The rule: attacks (posts) whose windows fit, from the first start to the last end, inside one
    span of `hours` hours are added up, whether their windows overlap or follow each other (a
    day post and the night post after it). Spans are chosen largest first, and an attack counts
    in one span only, so no launch is counted twice and the spans' totals add up to the attacks'.
    An attack longer than `hours` is a span of its own. National attacks only unless told
    (regional posts can repeat the national ones).

    One row per span, largest first: `rank`, `start`, `end`, `hours` (first start to last end),
    `report_date` (of its last attack), `attacks`, `wave_ids`, launches per class and
    `total_launched`, `total_neutralised`, `largest_attack` (the largest single post's launches),
    `missing_counts` (rows without a count, as in the wave table), `overlapping` (two of its posts'
    windows overlap by more than an hour: they may repeat each other, which the record cannot
    tell) and `same_models` (such posts also name a model in common).
    """
    table = wave_table.loc[~wave_table["regional"].astype(bool)] if national_only else wave_table
    table = table.sort_values(["start", "end", "wave_id"], kind="stable").reset_index(drop=True)
    if table.empty:
        return pd.DataFrame(columns=SPAN_COLUMNS)
    limit = pd.Timedelta(hours=float(hours))
    start = table["start"].to_numpy()
    end = table["end"].to_numpy()
    size = table["total_launched"].fillna(0).astype("int64").to_numpy()
    # each attack as the first of a span: the attacks starting no earlier that end within it
    members = []
    for i in range(len(table)):
        last = start[i] + limit.to_timedelta64()
        j, found = i, []
        while j < len(table) and start[j] <= last:
            if end[j] <= last or j == i:
                found.append(j)
            j += 1
        members.append(found)
    used = np.zeros(len(table), dtype=bool)
    heap = [(-int(size[m].sum()), i) for i, m in enumerate(members)]
    heapq.heapify(heap)
    spans = []
    while heap:
        negative, i = heapq.heappop(heap)
        if used[i]:
            continue
        current = [j for j in members[i] if not used[j]]
        total = int(size[current].sum())
        if total != -negative:  # some of its attacks went to a larger span: try again later
            heapq.heappush(heap, (-total, i))
            continue
        used[current] = True
        spans.append(current)
    span_of = np.empty(len(table), dtype=int)
    for number, chosen in enumerate(spans):
        span_of[chosen] = number
    counts = [*[f"{c}_launched" for c in COUNTED_CLASSES], "unknown_launched", "total_launched",
              "total_neutralised"]
    frame = table.assign(_span=span_of)
    grouped = frame.groupby("_span", sort=True)
    out = grouped.agg(start=("start", "min"), end=("end", "max"), report_date=("report_date", "max"),
                      attacks=("wave_id", "size"), wave_ids=("wave_id", "; ".join),
                      missing_counts=("missing_counts", "sum"))
    sums = frame[counts].fillna(0).astype("int64").groupby(frame["_span"]).sum()
    out[counts] = sums[counts]
    out["largest_attack"] = frame["total_launched"].fillna(0).astype("int64").groupby(frame["_span"]).max()
    out["hours"] = (out["end"] - out["start"]) / pd.Timedelta(hours=1)
    out["overlapping"], out["same_models"] = False, False
    for number in out.index[out["attacks"] > 1]:
        out.loc[number, ["overlapping", "same_models"]] = _repeats(table.iloc[spans[number]])
    out = out.sort_values(["total_launched", "start"], ascending=[False, True],
                          kind="stable").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out[SPAN_COLUMNS]


def _repeats(part: pd.DataFrame) -> tuple[bool, bool]:
    """(two posts' windows overlap by more than an hour, such posts also name a model in common)."""
    overlapping = same_models = False
    rows = part.to_dict("records")
    for a in range(len(rows)):
        for b in range(a + 1, len(rows)):
            first, second = rows[a], rows[b]
            shared = min(first["end"], second["end"]) - max(first["start"], second["start"])
            if shared > pd.Timedelta(hours=1):
                overlapping = True
                models = set(str(first["models"]).split("; ")) & set(str(second["models"]).split("; "))
                same_models = same_models or bool(models - {""})
    return overlapping, same_models
