"""Interception rates with honest uncertainty: the binomial interval and one over waves that covers.

Every rate is a share of launches pooled over the waves of a group. Two intervals go with it: the
binomial one (`ci_low`, `ci_high`: every munition an independent coin; far too narrow for a record
whose nights differ) and the interval over waves (`od_low`, `od_high`: `wave_interval`, that is
`analysis.stats.intervals.share_interval` on the group's waves in time order, which allows for the
spread from night to night and for nights that run in streaks; checked by the coverage study in
`benchmarks/coverage.py`). Rows that cannot be true (more shot down or jammed than launched) are
left out of every rate, with a note, not capped.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from analysis.errors import AnalysisError
from analysis.record import COMBINED_FROM, SPLIT_FROM
from analysis.record import waves as find_waves
from analysis.stats.intervals import CLUSTER_METHOD, interval_note, share_interval

IntervalMethod = Literal["wilson", "jeffreys"]
INTERVAL_METHODS: tuple[str, ...] = ("wilson", "jeffreys")


def binomial_interval(
    successes: float | np.ndarray,
    trials: float | np.ndarray,
    method: IntervalMethod = "wilson",
    alpha: float = 0.05,
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """The (low, high) 1 - alpha interval of a binomial proportion, for scalars or arrays.

    `wilson` is the Wilson score interval; `jeffreys` the equal-tailed Jeffreys interval with the
    usual boundary rule (low = 0 when successes = 0, high = 1 when successes = trials; Brown, Cai
    and DasGupta 2001); both bounds lie in [0, 1], exactly 0 (1) at 0 (all) successes. Zero trials
    give NaN. Scalars in, floats out; arrays in, arrays out.
    """
    if method not in INTERVAL_METHODS:
        raise ValueError(f"method must be one of {INTERVAL_METHODS}, got {method!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    scalar = np.ndim(successes) == 0 and np.ndim(trials) == 0
    k, n = np.broadcast_arrays(
        np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    )
    if np.any((k < 0) | (k > n)):
        raise ValueError("successes must lie between 0 and trials")
    valid = n > 0
    low = np.full(k.shape, np.nan)
    high = np.full(k.shape, np.nan)
    if np.any(valid):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lo, hi = proportion_confint(k[valid], n[valid], alpha=alpha, method=method)
        lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
        # Both intervals reach the boundary exactly at 0 or n successes (Wilson by its formula,
        # Jeffreys by the boundary rule); set it exactly, not as a rounding residue like 7e-18.
        lo = np.where(k[valid] == 0, 0.0, lo)
        hi = np.where(k[valid] == n[valid], 1.0, hi)
        low[valid] = np.clip(lo, 0.0, 1.0)
        high[valid] = np.clip(hi, 0.0, 1.0)
    if scalar:
        return float(low.reshape(-1)[0]), float(high.reshape(-1)[0])
    return low, high


# --- rates by group --------------------------------------------------------------------------


CONVENTIONS: tuple[str, ...] = ("neutralised", "destroyed")
COMMANDS: tuple[str, ...] = ("national", "all")
# What `--by` accepts, and the record column (or period) each key groups on.
GROUP_KEYS: dict[str, str] = {
    "class": "weapon_class",
    "family": "family",
    "model": "model",
    "month": "M",
    "quarter": "Q",
    "year": "Y",
    "command": "command",
    "convention": "convention",
}
PERIOD_KEYS = ("month", "quarter", "year")
# The reporting-convention changes of the record (README trap 3): first day of each new period.
CONVENTION_CHANGES = (SPLIT_FROM, COMBINED_FROM)


class RateError(AnalysisError):
    """A rate was asked for in a way the record cannot answer honestly."""


def select_rows(
    record: pd.DataFrame,
    command: str = "national",
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Rows of the tidy record for one command choice and a report-date window (inclusive)."""
    if command not in COMMANDS:
        raise RateError(f"command must be one of {COMMANDS}, got {command!r}")
    rows = record
    if command == "national":
        rows = rows[rows["command"] == "national"]
    dates = pd.to_datetime(rows["report_date"])
    if start not in (None, ""):
        rows = rows[dates >= pd.Timestamp(start)]
        dates = pd.to_datetime(rows["report_date"])
    if end not in (None, ""):
        rows = rows[dates <= pd.Timestamp(end)]
    return rows


def parse_by(by: str | list[str] | tuple[str, ...]) -> list[str]:
    keys = [k.strip() for k in by.split(",")] if isinstance(by, str) else list(by)
    keys = [k for k in keys if k]
    for key in keys:
        if key not in GROUP_KEYS:
            raise RateError(f"--by: unknown grouping key {key!r}; use any of {', '.join(GROUP_KEYS)}")
    if len(set(keys)) != len(keys):
        raise RateError(f"--by: a grouping key is repeated in {keys}")
    return keys


def usable_counts(rows: pd.DataFrame, convention: str) -> pd.DataFrame:
    """Rows with a launched count above zero and a known count of `convention`, as floats.

    A row that counts more `convention` than launched cannot be true (one row of the 2026-06-07
    snapshot: 15 destroyed and 11 not reached of 16 launched); it is left out, not capped, and its
    line numbers are in `attrs["impossible_lines"]` (`data check` lists it too).
    """
    launched = pd.to_numeric(rows["launched"], errors="coerce").astype(float)
    counted = pd.to_numeric(rows[convention], errors="coerce").astype(float)
    impossible = counted.gt(launched).fillna(False)
    keep = launched.gt(0) & counted.notna() & ~impossible
    out = rows.loc[keep].copy()
    out["_n"] = launched[keep].to_numpy()
    out["_k"] = counted[keep].to_numpy()
    lines = rows.loc[impossible, "line"] if "line" in rows.columns else rows.index[impossible]
    out.attrs = {**rows.attrs, "impossible_lines": [int(x) for x in lines]}
    return out


def impossible_rows_note(lines: list[int], convention: str) -> str:
    """The note for rows left out because they count more than was launched ('' when none)."""
    if not lines:
        return ""
    shown = ", ".join(str(line) for line in lines[:5]) + (" ..." if len(lines) > 5 else "")
    plural = "s" if len(lines) != 1 else ""
    counted = {"neutralised": "stopped", "destroyed": "shot down"}.get(convention, convention)
    return (f"{len(lines)} row{plural} of the record left out: more {counted} than launched, "
            f"which cannot be true (line{plural} {shown}; `data check` lists them)")


def row_wave_ids(record: pd.DataFrame, wave_table: pd.DataFrame | None = None) -> pd.Series:
    """The `wave_id` of `analysis.record.waves` for each row of the tidy record (same index).

    `analysis.record` offers no row-to-wave mapping, so each row is placed in the wave of the wave
    table that holds it: same command and post (`source`), and the row's window [start, later of
    start and end] inside the wave's [start, end]. Waves of one post never overlap or touch, so the
    match is unique and the project keeps one wave definition: the wave table's. Rows without a
    start or end (the wave table leaves them out) get a wave of their own, `row-<line>`.
    `wave_table`, if given, must be `waves(record)` (passed to save finding the waves twice).
    """
    missing = [c for c in ("start", "end", "command", "source") if c not in record.columns]
    if missing:
        raise RateError(f"record lacks column(s) {', '.join(missing)} needed to find its waves")
    table = find_waves(record) if wave_table is None else wave_table
    if "line" in record.columns:
        own = "row-" + record["line"].astype("string").fillna("?").astype(str)
    else:
        own = pd.Series([f"row-{i}" for i in range(len(record))], index=record.index, dtype=str)
    ids = own.astype(object)
    timed = record["start"].notna() & record["end"].notna()
    if not timed.any() or table.empty:
        return ids.astype(str)
    rows = pd.DataFrame({
        "_row": np.flatnonzero(timed.to_numpy()),
        "command": record.loc[timed, "command"].astype(str).to_numpy(),
        "source": record.loc[timed, "source"].fillna("").astype(str).to_numpy(),
        "row_start": record.loc[timed, "start"].to_numpy(),
        "row_until": record.loc[timed, ["start", "end"]].max(axis=1).to_numpy(),
    })
    candidates = table[["wave_id", "command", "source", "start", "end"]].assign(
        command=lambda t: t["command"].astype(str), source=lambda t: t["source"].fillna("").astype(str)
    )
    matched = rows.merge(candidates, on=["command", "source"], how="inner")
    matched = matched[(matched["start"] <= matched["row_start"]) & (matched["row_until"] <= matched["end"])]
    if matched["_row"].duplicated().any():  # cannot happen while waves() keeps its rule
        raise RateError("row_wave_ids: a row of the record lies in two waves of the wave table")
    values = ids.to_numpy(copy=True)
    values[matched["_row"].to_numpy()] = matched["wave_id"].to_numpy()
    return pd.Series(values, index=record.index, dtype=str)


def with_wave_ids(record: pd.DataFrame, wave_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The record with a `wave_id` column (see `row_wave_ids`); unchanged if it already has one.

    Rate functions add it themselves when missing; add it once up front when calling many of them
    on the same record (finding the waves costs about half a second on the full record).
    """
    if "wave_id" in record.columns:
        return record
    out = record.copy()
    out["wave_id"] = row_wave_ids(record, wave_table)
    out.attrs = dict(record.attrs)
    return out


def cluster_key(rows: pd.DataFrame) -> pd.Series:
    """The wave each row belongs to: the `wave_id` column that `with_wave_ids` adds."""
    if "wave_id" not in rows.columns:
        raise RateError("internal: rows reached the clustering without a wave_id column")
    return rows["wave_id"].astype(str)


def quasi_dispersion(successes: np.ndarray, trials: np.ndarray) -> float:
    """Pearson dispersion phi of clustered binomial counts around their pooled rate.

    phi = sum((k_i - R n_i)^2 / (R (1 - R) n_i)) / (m - 1), with R = sum k / sum n and m clusters:
    1 for binomial counts, above 1 when the rate moves from wave to wave. NaN with fewer than two
    clusters or a pooled rate of exactly 0 or 1 (no variance to compare with).
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    m = len(n)
    total = n.sum()
    if m < 2 or total <= 0:
        return float("nan")
    rate = k.sum() / total
    if rate <= 0 or rate >= 1:
        return float("nan")
    pearson = ((k - rate * n) ** 2 / (rate * (1 - rate) * n)).sum()
    return float(pearson / (m - 1))


def wave_interval(
    successes: np.ndarray, trials: np.ndarray, alpha: float = 0.05
) -> tuple[float, float, str]:
    """(low, high, note) of the pooled share of per-wave counts: the interval over waves.

    The one interval of every share the project reports (rates, headlines, reports, claims):
    `analysis.stats.intervals.share_interval` for one group. The waves must come in time order,
    oldest first (the wave table's order; grouping by `wave_id`, which starts with the report date,
    keeps it). NaN for fewer than two waves. The note (`intervals.interval_note`) says when the
    waves are too few, or run in streaks too long, for the interval to be sure of its level ('' otherwise).
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    keep = n > 0
    k, n = k[keep], n[keep]
    if len(n) < 2:
        return float("nan"), float("nan"), interval_note(k, n)
    low, high, _df = share_interval(k, n, alpha)
    return float(low[0]), float(high[0]), interval_note(k, n)


def rate_table(
    record: pd.DataFrame,
    by: str | list[str] | tuple[str, ...] = ("class",),
    convention: str = "neutralised",
    command: str = "national",
    method: IntervalMethod = "wilson",
    alpha: float = 0.05,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    mixing: Literal["split", "refuse"] = "split",
) -> pd.DataFrame:
    """Interception rates of the tidy record by any grouping, each with two 1 - alpha intervals.

    Columns: the grouping keys, `launched`, the `convention` count, `rate`, `ci_low`, `ci_high`
    (the binomial interval), `method` (both intervals named, e.g. "wilson; over attacks in time order
    (...)"), then `waves`, `dispersion` (Pearson phi across waves, descriptive: 1 = binomial),
    `od_low`, `od_high` (the interval over waves, see `wave_interval`) and `note` (too few waves,
    or waves in streaks too long, for the interval to be sure of its level). Rows that cannot be
    true are left out; `attrs` names them (`impossible_lines`, `note`).

    Under `destroyed` the count means different things in each reporting-convention period, so a
    group never pools them: with `mixing="split"` the key `convention` is added to the grouping
    (every row labelled), with `mixing="refuse"` a `RateError` is raised instead. `neutralised`
    (destroyed + did not reach) is comparable across periods and is not split unless asked.
    """
    if convention not in CONVENTIONS:
        raise RateError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    if mixing not in ("split", "refuse"):
        raise ValueError(f"mixing must be 'split' or 'refuse', got {mixing!r}")
    keys = parse_by(by)
    # Waves are found on the whole record, so a date window never cuts one into two.
    rows = usable_counts(select_rows(with_wave_ids(record), command, start, end), convention)
    if convention == "destroyed" and "convention" not in keys:
        if mixing == "refuse":
            spans = _groups_spanning_conventions(rows, keys)
            if spans:
                raise RateError(
                    f"convention 'destroyed': the group {spans[0]} pools reporting conventions "
                    f"{spans[1]}, whose 'destroyed' counts are not comparable; group by convention "
                    "or use 'neutralised'"
                )
        else:
            keys = [*keys, "convention"]
    frame = with_group_columns(rows, keys)
    frame["_cluster"] = cluster_key(frame)
    per_wave = frame.groupby([*keys, "_cluster"], sort=True, observed=True, dropna=False)[["_n", "_k"]].sum()
    records = []
    for group, waves in per_wave.groupby(level=list(range(len(keys))), sort=True, dropna=False) if keys else [((), per_wave)]:
        group = group if isinstance(group, tuple) else (group,)
        n, k = waves["_n"].to_numpy(), waves["_k"].to_numpy()
        od_low, od_high, note = wave_interval(k, n, alpha)
        records.append((*group, n.sum(), k.sum(), od_low, od_high, quasi_dispersion(k, n), len(n), note))
    table = pd.DataFrame(
        records, columns=[*keys, "launched", convention, "od_low", "od_high", "dispersion", "waves", "note"]
    )
    table["launched"] = table["launched"].round().astype("int64")
    table[convention] = table[convention].round().astype("int64")
    table["rate"] = table[convention] / table["launched"]
    low, high = binomial_interval(table[convention].to_numpy(), table["launched"].to_numpy(), method, alpha)
    table["ci_low"], table["ci_high"] = low, high
    table["method"] = f"{method}; {CLUSTER_METHOD}"
    table = table[[*keys, *rate_columns(convention)]]
    lines = rows.attrs.get("impossible_lines", [])
    table.attrs.update(convention=convention, command=command, alpha=alpha, keys=keys,
                       rows_used=len(rows), impossible_lines=lines,
                       note=impossible_rows_note(lines, convention))
    return table


def rate_columns(convention: str) -> list[str]:
    """The columns of `rate_table` after the grouping keys."""
    return ["launched", convention, "rate", "ci_low", "ci_high", "method", "waves", "dispersion",
            "od_low", "od_high", "note"]


def with_group_columns(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    frame = rows.copy()
    dates = pd.to_datetime(frame["report_date"])
    for key in keys:
        column = GROUP_KEYS[key]
        if key in PERIOD_KEYS:
            frame[key] = dates.dt.to_period(column)
        else:
            frame[key] = frame[column].astype(str)
    return frame


def _groups_spanning_conventions(rows: pd.DataFrame, keys: list[str]) -> tuple[str, list[str]] | None:
    frame = with_group_columns(rows, keys)
    if not keys:
        found = sorted(frame["convention"].astype(str).unique())
        return ("(all rows)", found) if len(found) > 1 else None
    counts = frame.groupby(keys, observed=True)["convention"].nunique()
    mixed = counts[counts > 1]
    if mixed.empty:
        return None
    group = mixed.index[0]
    group = group if isinstance(group, tuple) else (group,)
    label = ", ".join(f"{k}={v}" for k, v in zip(keys, group, strict=True))
    mask = np.ones(len(frame), dtype=bool)
    for k, v in zip(keys, group, strict=True):
        mask &= (frame[k] == v).to_numpy()
    return label, sorted(frame.loc[mask, "convention"].astype(str).unique())
