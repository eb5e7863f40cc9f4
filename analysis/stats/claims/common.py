"""What every kind of claim check shares: the verdicts, the wave table's quantities, the result."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.numbers import number as number_text
from analysis.numbers import percent_text
from analysis.stats.claims.schema import CLASS_GROUPS, Period

HOLDS = "holds"
PARTLY = "partly holds"  # wave claims only: the figures are right, the night or some figures not
NOT_SHOWN = "not shown"  # a change: the record cannot tell it from no change
CANNOT_TELL = "the record cannot tell"  # a rate: no reading precise enough to decide
NOT_CONFIRMED = "not confirmed"  # a rate: informative readings disagree among themselves
DOES_NOT_HOLD = "does not hold"
CANNOT_CHECK = "cannot be checked"
VERDICTS = (HOLDS, PARTLY, NOT_SHOWN, CANNOT_TELL, NOT_CONFIRMED, DOES_NOT_HOLD, CANNOT_CHECK)
ALPHA = 0.05


def _sum_columns(waves: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Row sums that stay missing when every column is missing (a missing count is not zero)."""
    present = [c for c in columns if c in waves.columns]
    if not present:
        return pd.Series(np.nan, index=waves.index, dtype=float)
    block = waves[present].apply(pd.to_numeric, errors="coerce").astype(float)
    return block.sum(axis=1, min_count=1)


def _group_counts(waves: pd.DataFrame, group: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Launched, destroyed and not-reached per wave for a group of classes."""
    if group == "all" and "total_launched" in waves.columns:
        cols = ["total_launched", "total_destroyed", "total_not_reached"]
        launched, destroyed, not_reached = (_sum_columns(waves, [c]) for c in cols)
        return launched, destroyed, not_reached
    launched, destroyed, not_reached = (
        _sum_columns(waves, [f"{c}_{part}" for c in CLASS_GROUPS[group]])
        for part in ("launched", "destroyed", "not_reached"))
    return launched, destroyed, not_reached


def wave_quantity(waves: pd.DataFrame, name: str) -> pd.Series:
    """A quantity of `WAVE_QUANTITIES` per wave (row) of the wave table."""
    if name == "shahed_real":
        return _sum_columns(waves, ["shahed_real"])
    group, _, part = name.partition("_")
    launched, destroyed, not_reached = _group_counts(waves, group)
    if part == "launched":
        return launched
    if part == "destroyed":
        return destroyed
    # neutralised = destroyed + did not reach; a missing not-reached count adds nothing.
    return destroyed + not_reached.fillna(0)


SHORT_UNITS = {"drone_launched": "drones", "shahed_real": "real Shaheds",
               "ballistic_launched": "ballistic missiles", "missile_launched": "missiles",
               "all_launched": "drones and missiles"}
QUANTITY_LABELS = {
    "drone_launched": "drones launched (decoys included)",
    "shahed_real": "real Shaheds (the rest of the Shahed-type drones were decoys)",
    "ballistic_launched": "ballistic missiles launched",
    "missile_launched": "missiles of all kinds launched",
    "cruise_launched": "cruise missiles launched",
    "all_launched": "drones and missiles launched",
    "all_neutralised": "drones and missiles stopped (shot down, jammed or failed to reach)",
}
# Shown beside every matched wave, whatever the claim names, so a reader sees the whole wave.
CONTEXT_QUANTITIES = ("drone_launched", "shahed_real", "cruise_launched", "ballistic_launched",
                      "missile_launched", "all_launched", "all_neutralised")
CONVENTION_WORDS = {"neutralised": "stopped (shot down, jammed or failed to reach)",
                    "destroyed": "shot down"}
GROUP_WORDS = {"all": "all weapons", "missile": "missiles", "drone": "drones"}


def label(quantity: str) -> str:
    return QUANTITY_LABELS.get(quantity, quantity.replace("_", " "))


def national_waves(waves: pd.DataFrame) -> pd.DataFrame:
    """National-command waves only (regional posts overlap them and count differently)."""
    if "command" not in waves.columns:
        return waves
    return waves[waves["command"] == "national"]


def report_dates(waves: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(waves["report_date"]).dt.normalize()


def in_period(waves: pd.DataFrame, period: Period) -> pd.DataFrame:
    dates = report_dates(waves)
    return waves[(dates >= pd.Timestamp(period.start)) & (dates <= pd.Timestamp(period.end))]


def per_wave_counts(waves: pd.DataFrame, period: Period, classes: str,
                    convention: str) -> tuple[np.ndarray, np.ndarray, int]:
    """(successes, launched, impossible) per national wave of a period with launches of `classes`.

    A wave that counts more stopped than launched cannot be true and is left out (`impossible`
    counts them), not capped."""
    national = in_period(national_waves(waves), period)
    launched = wave_quantity(national, f"{classes}_launched")
    successes = wave_quantity(national, f"{classes}_{convention}")
    usable = launched.notna() & successes.notna() & (launched > 0)
    impossible = usable & (successes > launched)
    keep = usable & ~impossible
    return (successes[keep].to_numpy(dtype=float), launched[keep].to_numpy(dtype=float),
            int(impossible.sum()))


# --------------------------------------------------------------------------- results


@dataclass
class ClaimResult:
    """What the record says about one claim, and the verdict."""

    id: str
    claim: str
    kind: str
    verdict: str
    reason: str
    matched: dict[str, Any] | None = None
    record: dict[str, Any] = field(default_factory=dict)
    runner_up: dict[str, Any] | None = None
    claimed_night: list[dict[str, Any]] = field(default_factory=list)  # waves on the claimed date
    details: list[dict[str, Any]] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    headline: dict[str, Any] = field(default_factory=dict)  # value, low, high, unit for summaries

    def to_dict(self) -> dict[str, Any]:
        return jsonable({
            "id": self.id, "claim": self.claim, "kind": self.kind, "verdict": self.verdict,
            "matched": self.matched, "record": self.record, "reason": self.reason,
            "runner_up": self.runner_up, "claimed_night": self.claimed_night,
            "details": self.details, "source": self.source, "headline": self.headline,
        })


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    return value


def number(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def fmt(value: float | None) -> str:
    """A count or a rate as a paper prints it: whole from 100 up ("188 a day", not "187.8"), one
    decimal below where it is not whole ("3.5"); never "-0"."""
    if value is None:
        return "n/a"
    value = float(value)
    return number_text(value) if value.is_integer() or abs(value) >= 100 else number_text(value, 1)


def pct(value: float | None) -> str:
    """A share in the claims' sentences: whole percents ("86%"; "under 1%" for a few of many)."""
    return "n/a" if value is None or not math.isfinite(value) else percent_text(value)
