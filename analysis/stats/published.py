"""Rates reported in public beside the record's own figure for the same period and class."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.stats.rates import (
    IntervalMethod,
    binomial_interval,
    cluster_key,
    quasi_interval,
    select_rows,
    usable_counts,
    with_wave_ids,
)

PUBLISHED_RATES_PATH = Path(__file__).with_name("published_rates.csv")
# What each published class covers in the record: weapon classes, or one model family.
CLASS_SELECTORS: dict[str, dict[str, tuple[str, ...]]] = {
    "drone": {"weapon_class": ("drone",)},
    "shahed": {"model": ("Shahed-136/131",)},
    "cruise": {"weapon_class": ("cruise",)},
    "ballistic": {"weapon_class": ("ballistic",)},
    "missiles": {"weapon_class": ("cruise", "ballistic", "mixed")},
    "all": {"weapon_class": ("drone", "cruise", "ballistic", "mixed", "other", "unknown")},
}
REQUIRED = ("label", "period_start", "period_end", "class", "convention", "rate", "source")


class PublishedRatesError(AnalysisError):
    """The table of published rates cannot be read."""


def load_published_rates(path: Path = PUBLISHED_RATES_PATH) -> pd.DataFrame:
    """The published rates (`published_rates.csv`, each row with its source), checked row by row."""
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
    for column in ("rate", "rate_low", "rate_high", "successes", "trials"):
        table[column] = pd.to_numeric(table.get(column, ""), errors="coerce")
    for column in ("period_start", "period_end"):
        table[column] = pd.to_datetime(table[column])
    return table


def compare_published(
    record: pd.DataFrame,
    published: pd.DataFrame | None = None,
    command: str = "national",
    method: IntervalMethod = "wilson",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Each published rate beside the record's rate for the same period, class and convention.

    Adds `record_launched`, `record_counted`, `record_rate`, its binomial interval
    (`record_ci_low`, `record_ci_high`), the overdispersion-aware interval (`record_od_low`,
    `record_od_high`), `record_waves` and `inside` (the published rate lies in the latter).
    """
    published = load_published_rates() if published is None else published
    record = with_wave_ids(record)  # waves found on the whole record, before any period is cut
    rows = []
    for claim in published.itertuples(index=False):
        selected = select_rows(record, command, claim.period_start, claim.period_end)
        for column, values in CLASS_SELECTORS[claim[published.columns.get_loc("class")]].items():
            selected = selected[selected[column].isin(values)]
        counted = usable_counts(selected, claim.convention)
        if counted.empty:
            rows.append({})
            continue
        per_wave = counted.assign(_cluster=cluster_key(counted)).groupby("_cluster")[["_n", "_k"]].sum()
        n, k = per_wave["_n"].to_numpy(), per_wave["_k"].to_numpy()
        low, high = binomial_interval(k.sum(), n.sum(), method, alpha)
        od_low, od_high, _phi = quasi_interval(k, n, method, alpha)
        rows.append({"record_launched": int(n.sum()), "record_counted": int(k.sum()),
                     "record_rate": k.sum() / n.sum(), "record_ci_low": low, "record_ci_high": high,
                     "record_od_low": od_low, "record_od_high": od_high, "record_waves": len(n)})
    # Named columns: with no published period inside the record every row is empty.
    record_columns = ["record_launched", "record_counted", "record_rate", "record_ci_low",
                      "record_ci_high", "record_od_low", "record_od_high", "record_waves"]
    table = pd.concat(
        [published.reset_index(drop=True), pd.DataFrame(rows, columns=record_columns)], axis=1
    )
    inside = (table["rate"] >= table["record_od_low"]) & (table["rate"] <= table["record_od_high"])
    table["inside"] = np.where(table["record_rate"].isna(), pd.NA, inside)
    return table
