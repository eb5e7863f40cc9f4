"""The statistics' figures on a record file, beside the interval used before: what changed.

Prints, for the record given (default: the one every command finds, see the README):

1. the headline shares (from August 2024) with the 95% interval over attacks in time order and the
   interval that treated attacks as independent (`intervals.cluster_interval`, used before);
2. saturation per class and count (`saturation.defense_table`): drones shot down and lost to
   jamming apart where the record gives them (1 August 2024 to 22 July 2025), months as units;
3. each claim of the seed article with its verdict;
4. what each class's monthly share does, in words, with the trend.

    .venv/bin/python benchmarks/record_figures.py [--record PATH]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.record import RecordWarning, load_record, waves  # noqa: E402
from analysis.stats import changepoints, claims, headlines, rates, saturation, trend  # noqa: E402
from analysis.stats.intervals import cluster_interval  # noqa: E402

CLASSES = ("drone", "cruise", "ballistic")


def headline_rows(record: pd.DataFrame) -> list[str]:
    first = pd.Timestamp(headlines.COMPLETE_FROM)
    table = headlines.class_headlines(record, CLASSES)
    lines = ["| class | counting | share | 95% interval (time series) | before (attacks independent) | attacks | note |",
             "|---|---|---:|---|---|---:|---|"]
    for _, row in table[table["period"] == "complete"].iterrows():
        rows = rates.usable_counts(rates.select_rows(record, "national", first, None), row["convention"])
        rows = rows[rows["weapon_class"] == row["class"]]
        per_wave = rows.groupby(rows["wave_id"].astype(str))[["_k", "_n"]].sum()
        old_low, old_high, _ = cluster_interval(per_wave["_k"].to_numpy(), per_wave["_n"].to_numpy())
        lines.append(f"| {row['class']} | {row['counting']} | {100 * row['rate']:.1f}% | "
                     f"{100 * row['low']:.1f}-{100 * row['high']:.1f}% | "
                     f"{100 * old_low[0]:.1f}-{100 * old_high[0]:.1f}% | {row['waves']} | {row['note']} |")
    return lines


def saturation_rows(wave_table: pd.DataFrame) -> list[str]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "overflow encountered in exp", RuntimeWarning)
        table, _ = saturation.defense_table(wave_table, classes=CLASSES)
    lines = ["| class | counting | days | attacks | months | odds ratio per doubling (95%) | smallest / largest quarter | headline |",
             "|---|---|---|---:|---:|---|---|---|"]
    for _, row in table.iterrows():
        effect = (f"{row['odds_ratio']:.2f} ({row['or_low']:.2f}-{row['or_high']:.2f})"
                  if np.isfinite(row["odds_ratio"]) else row["note"])
        lines.append(f"| {row['class']} | {row['counting']} | {row['start']:%Y-%m-%d} to {row['end']:%Y-%m-%d} | "
                     f"{row['waves']} | {row['months']} | {effect} | {100 * row['share_smallest']:.0f}% / "
                     f"{100 * row['share_largest']:.0f}% | {'yes' if row['headline'] else ''} |")
    return lines


def claim_rows(wave_table: pd.DataFrame) -> list[str]:
    loaded = claims.load_claims(claims.default_claims_path())
    lines = ["| claim | verdict | the record |", "|---|---|---|"]
    for result in claims.check_claims(loaded, wave_table):
        value, low, high = (result.headline.get(k) for k in ("value", "low", "high"))
        unit = result.headline.get("unit", "")
        if value is None:
            figure = ""
        elif unit == "share":
            figure = f"{100 * value:.1f}%" + (f" ({100 * low:.1f}-{100 * high:.1f}%)" if low is not None else "")
        else:
            figure = f"{value:,.1f}" + (f" ({low:,.1f} to {high:,.1f})" if low is not None else "")
        lines.append(f"| {result.id} | {result.verdict} | {figure} |")
    return lines


def series_rows(record: pd.DataFrame) -> list[str]:
    lines = []
    for weapon_class in CLASSES:
        series = trend.monthly_series(record, weapon_class)
        found = changepoints.search_breaks(series)
        lines.append(f"- {weapon_class}: {changepoints.describe_series(series, found)} "
                     f"Trend: {trend.trend_test(series)['verdict']}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", help="record file (default: the snapshot beside the checkout)")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RecordWarning)
        record = load_record(args.record or None)
    wave_table = waves(record)
    record = rates.with_wave_ids(record, wave_table)
    print(f"record: {record.attrs.get('record_path', '')}\n")
    print("\n".join(headline_rows(record)), end="\n\n")
    print("\n".join(saturation_rows(wave_table)), end="\n\n")
    print("\n".join(claim_rows(wave_table)), end="\n\n")
    print("\n".join(series_rows(record)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
