"""Rates reported in public reconciled with the record: same period and classes, counts side by side.

A published rate ("54% of missiles in October 2025, 146 of 270") counts the same events as the
record, so it is not a sample to test against an interval: the question is whether the record's
own counts give the same figure, and if not, which difference of definition explains it. For each
published figure the record is read several ways over the same report dates:

- as published: the same classes and counting (shot down, or shot down or failed to reach), the Air
  Force's national posts;
- with the other counting ("destroyed" against "destroyed or did not reach", for drones "shot down
  or jammed");
- with the regional commands' posts added;
- with the classes a writer may have included (for "missiles": guided bombs and unreported missile
  types too; for Shaheds: every drone, decoys included; for ballistic: rows that mix ballistic and
  cruise missiles).

A reading reproduces the published figure when, where the source gave its counts, both the
record's counts are within 2% (or 3 munitions) of them (late additions and corrections of the
record move a count that much), and otherwise when its rate lies within the published figure's
own precision (its range where one is given, else half a unit of its last digit). The `status` is `same figure` (the
reading as published reproduces it), `differs by definition: ...` (another reading does, named),
`not comparable: ...` (the record cannot hold the figure's events: days missing before August
2024, no launches in the period), or `differs` (no reading reproduces it; the counts are shown).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import AnalysisError
from analysis.record.conventions import COMPLETE_COVERAGE_FROM
from analysis.stats.rates import select_rows

PUBLISHED_RATES_PATH = Path(__file__).with_name("published_rates.csv")
# What each published class covers in the record: weapon classes, or one model family.
CLASS_SELECTORS: dict[str, dict[str, tuple[str, ...]]] = {
    "drone": {"weapon_class": ("drone",)},
    "shahed": {"model": ("Shahed-136/131",)},
    "cruise": {"weapon_class": ("cruise",)},
    "ballistic": {"weapon_class": ("ballistic",)},
    "missiles": {"weapon_class": ("cruise", "ballistic", "sam", "mixed")},
    "all": {"weapon_class": ("drone", "cruise", "ballistic", "sam", "mixed", "other", "unknown")},
}
# Wider selections a writer may have meant, with the words for the reason.
WIDER_CLASSES: dict[str, tuple[dict[str, tuple[str, ...]], str]] = {
    "missiles": ({"weapon_class": ("cruise", "ballistic", "sam", "mixed", "other")},
                 "guided bombs and missiles of unreported type counted as missiles"),
    "shahed": ({"weapon_class": ("drone",)}, "every drone counted (decoys and other types too)"),
    "ballistic": ({"weapon_class": ("ballistic", "sam", "mixed")},
                  "S-300/S-400 fired at ground targets and rows mixing ballistic and cruise missiles "
                  "counted as ballistic"),
}
REQUIRED = ("label", "period_start", "period_end", "class", "convention", "rate", "source")
COMPLETE_FROM = COMPLETE_COVERAGE_FROM  # the record covers every day from here (trap 9)
COUNT_TOLERANCE = 0.02  # share of a published count the record's may differ by
COUNT_SLACK = 3  # munitions: small counts may differ by this much


class PublishedRatesError(AnalysisError):
    """The table of published rates cannot be read."""


def load_published_rates(path: Path = PUBLISHED_RATES_PATH) -> pd.DataFrame:
    """The published rates (the project's own table; sources named per row), checked row by row.

    Adds `band_low`, `band_high`: the published figure's precision (its range, else half a unit of
    the last digit written).
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise PublishedRatesError(f"{path.name}: missing column(s) {', '.join(missing)}")
    for i, row in table.iterrows():
        line = i + 2
        if row["class"] not in CLASS_SELECTORS:
            raise PublishedRatesError(f"{path.name}, line {line}, column class: unknown class {row['class']!r}")
        if row["convention"] not in ("destroyed", "neutralised"):
            raise PublishedRatesError(
                f"{path.name}, line {line}, column convention: {row['convention']!r} is not destroyed or neutralised")
    half_units = [0.5 * 10 ** -len(text.partition(".")[2]) for text in table["rate"]]
    for column in ("rate", "rate_low", "rate_high", "successes", "trials"):
        table[column] = pd.to_numeric(table.get(column, ""), errors="coerce")
    for column in ("period_start", "period_end"):
        table[column] = pd.to_datetime(table[column])
    table["band_low"] = table["rate_low"].fillna(table["rate"] - pd.Series(half_units))
    table["band_high"] = table["rate_high"].fillna(table["rate"] + pd.Series(half_units))
    return table


@dataclass(frozen=True)
class Reading:
    """One way of reading the record for a published figure."""

    change: str  # "" for the reading as published, else what differs, in words
    convention: str
    command: str
    selector: dict[str, tuple[str, ...]]


def readings(row: pd.Series) -> list[Reading]:
    """The reading as published, then one change of definition at a time."""
    selector = CLASS_SELECTORS[row["class"]]
    other = "neutralised" if row["convention"] == "destroyed" else "destroyed"
    drones = row["class"] in ("drone", "shahed")
    words = {"destroyed": "shot down" if drones else "destroyed",
             "neutralised": "shot down or jammed" if drones else "destroyed or failed to reach"}
    out = [Reading("", row["convention"], "national", selector),
           Reading(f"counted as {words[other]}", other, "national", selector),
           Reading("regional commands' posts added", row["convention"], "all", selector)]
    if row["class"] in WIDER_CLASSES:
        wider, words = WIDER_CLASSES[row["class"]]
        out.append(Reading(words, row["convention"], "national", wider))
    return out


def record_counts(record: pd.DataFrame, reading: Reading, start: pd.Timestamp,
                  end: pd.Timestamp) -> tuple[float, float]:
    """(launched, counted) of the record for one reading and period (report dates, inclusive).

    Rows that cannot be true (more counted than launched) are left out, as in every rate."""
    rows = select_rows(record, reading.command, start, end)
    for column, values in reading.selector.items():
        rows = rows[rows[column].isin(values)]
    launched = pd.to_numeric(rows["launched"], errors="coerce").astype(float)
    counted = pd.to_numeric(rows[reading.convention], errors="coerce").astype(float)
    keep = launched.gt(0) & counted.notna() & ~counted.gt(launched)
    return float(launched[keep].sum()), float(counted[keep].sum())


def _close(record: float, published: float) -> bool:
    return abs(record - published) <= max(COUNT_SLACK, COUNT_TOLERANCE * published)


def reproduces(row: pd.Series, launched: float, counted: float) -> bool:
    """Whether the record's counts give the published figure (see the module docstring)."""
    if launched <= 0:
        return False
    successes, trials = row.get("successes"), row.get("trials")
    if _finite(successes) and _finite(trials):
        return _close(counted, successes) and _close(launched, trials)
    return bool(row["band_low"] - 1e-9 <= counted / launched <= row["band_high"] + 1e-9)


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


RECONCILE_COLUMNS = ["published_counts", "record_counts", "published_counted", "published_launched", "record_counted", "record_launched",
                     "record_rate", "difference_points", "status", "explained_by", "explained_rate",
                     "other_readings"]


def reconcile_published(record: pd.DataFrame, published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each published figure beside the record's counts for the same period, classes and counting.

    Adds to the published table: `published_counted`, `published_launched` (where the source gave
    them), `record_counted`, `record_launched`, `record_rate` (the reading as published),
    `difference_points` (record minus published, in percentage points), `status`, `explained_by`
    (the reading that reproduces the figure, when another than as published) with its rate
    `explained_rate`, and `other_readings` (every other reading's rate and launches, in words).
    """
    published = load_published_rates() if published is None else published
    out = []
    for _, row in published.iterrows():
        start, end = row["period_start"], row["period_end"]
        found = [(reading, *record_counts(record, reading, start, end)) for reading in readings(row)]
        _, launched, counted = found[0]
        rate = counted / launched if launched > 0 else float("nan")
        matching = [(r, k / n) for r, n, k in found if reproduces(row, n, k)]
        others = "; ".join(f"{r.change}: {_pct(k / n)} of {n:,.0f}" if n > 0 else f"{r.change}: no launches"
                           for r, n, k in found[1:])
        explained, explained_rate = "", float("nan")
        if launched <= 0:
            status = "not comparable: the record has no launches of these classes in the period"
        elif matching and matching[0][0].change == "":
            status = "same figure"
        elif matching:
            status = "differs by definition"
            explained, explained_rate = matching[0][0].change, matching[0][1]
        elif start < COMPLETE_FROM:
            status = "not comparable: the record does not cover every day before August 2024"
        else:
            status = "differs"
        out.append({
            "published_counts": (f"{row['successes']:,.0f} of {row['trials']:,.0f}"
                                 if _finite(row.get("successes")) and _finite(row.get("trials")) else ""),
            "record_counts": f"{counted:,.0f} of {launched:,.0f}",
            "published_counted": row.get("successes"), "published_launched": row.get("trials"),
            "record_counted": counted, "record_launched": launched, "record_rate": rate,
            "difference_points": 100 * (rate - row["rate"]) if launched > 0 else float("nan"),
            "status": status, "explained_by": explained, "explained_rate": explained_rate,
            "other_readings": others,
        })
    return pd.concat([published.reset_index(drop=True), pd.DataFrame(out, columns=RECONCILE_COLUMNS)],
                     axis=1)


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"
