"""Interception at the grain readers ask about: weapon families, not only classes.

A class average hides its families' stories (Kinzhal is not Kh-101). This module gives:

- `sam_readings`: the ballistic share with and without the S-300/S-400 surface-to-air missiles
  fired at ground targets (class `sam`, never destroyed: no layer engages them on such short
  flights), the one place the project shows the old pooled figure beside its own.

Shares are the record's counts over launches, national posts, with the interval over attacks of
`analysis.stats.rates.wave_interval` (the one the class rates use).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.stats.rates import select_rows, usable_counts, wave_interval, with_wave_ids

#: The readings of the ballistic share `sam_readings` gives, in order, with the classes each pools.
SAM_READINGS: dict[str, tuple[str, ...]] = {
    "ballistic, S-300/S-400 apart": ("ballistic",),
    "ballistic with S-300/S-400 (as often published)": ("ballistic", "sam"),
}


def pooled_rows_share(rows: pd.DataFrame, convention: str) -> dict:
    """Launched, counted, share and its interval over attacks of rows of the tidy record (with a
    `wave_id` column), every row of a wave summed first: `rates.wave_interval`."""
    usable = usable_counts(rows, convention)
    per_wave = usable.groupby(usable["wave_id"].astype(str))[["_k", "_n"]].sum()
    k, n = per_wave["_k"].to_numpy(float), per_wave["_n"].to_numpy(float)
    low, high, note = wave_interval(k, n)
    return {"launched": int(n.sum()), "counted": int(k.sum()),
            "rate": k.sum() / n.sum() if n.sum() else np.nan, "low": low, "high": high,
            "waves": len(n), "note": note}


def sam_readings(record: pd.DataFrame, start: pd.Timestamp | str | None = None,
                 end: pd.Timestamp | str | None = None, command: str = "national",
                 conventions: tuple[str, ...] = ("destroyed", "neutralised")) -> pd.DataFrame:
    """The ballistic share with S-300/S-400 fired at ground targets apart (the project's class)
    and pooled with them (as the record's catalogue and many tallies group them), per counting.

    Columns: `reading`, `convention`, `launched`, `counted`, `rate`, `low`, `high`, `waves`,
    `note`; attrs `sam_launched`, `sam_counted` (the S-300/S-400 rows alone, `destroyed`).
    """
    rows = select_rows(with_wave_ids(record), command, start, end)
    table = []
    for reading, classes in SAM_READINGS.items():
        chosen = rows.loc[rows["weapon_class"].isin(classes)]
        for convention in conventions:
            table.append({"reading": reading, "convention": convention,
                          **pooled_rows_share(chosen, convention)})
    out = pd.DataFrame(table)
    sam = pooled_rows_share(rows.loc[rows["weapon_class"] == "sam"], "destroyed")
    out.attrs.update(sam_launched=sam["launched"], sam_counted=sam["counted"])
    return out
