"""The sentences about weapon families, S-300/S-400 fired at the ground and what got through
(reports 01, 02 and 08). The figures come from `analysis.stats.families`; this module words them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.stats.headlines import pct, span


def share_words(row: pd.Series | dict, after: str = "") -> str:
    """'28% (95% interval 23% to 34%)', or '28%' without bounds; `after` goes between the share and
    its interval ('28% of the time (95% interval ...)')."""
    if not np.isfinite(row["rate"]):
        return "not known"
    text = pct(row["rate"]) + (f" {after}" if after else "")
    if np.isfinite(row["low"]) and np.isfinite(row["high"]):
        return f"{text} (95% interval {span(row['low'], row['high'])})"
    return text


def sam_sentence(readings: pd.DataFrame, since: str) -> str:
    """Why S-300/S-400 fired at ground targets are counted apart from ballistic missiles, and the
    ballistic share destroyed both ways (`families.sam_readings`); '' when the period has none.

    `since` names the period ("from August 2024")."""
    launched, destroyed = readings.attrs.get("sam_launched", 0), readings.attrs.get("sam_counted", 0)
    if not launched:
        return ""
    rows = readings.loc[readings["convention"] == "destroyed"]
    apart, pooled = rows.iloc[0], rows.iloc[1]
    shot = "none" if destroyed == 0 else f"{destroyed:,}"
    return (f"S-300 and S-400 surface-to-air missiles fired at ground targets ({launched:,} launched "
            f"{since}, {shot} destroyed) are counted apart from ballistic missiles, since the defense "
            "does not engage them on such short flights. Pooled with them, as the record's catalogue "
            f"and many tallies do, ballistic missiles were destroyed {share_words(pooled, 'of the time')} "
            f"instead of {share_words(apart)}.")


def sam_period_sentence(readings: pd.DataFrame, period: str) -> str:
    """S-300/S-400 fired at ground targets in a period, in counts (`families.sam_readings` of the
    period), and that the ballistic shares leave them out; '' when the period has none."""
    launched, destroyed = readings.attrs.get("sam_launched", 0), readings.attrs.get("sam_counted", 0)
    if not launched:
        return ""
    shot = "none" if destroyed == 0 else f"{destroyed:,}"
    return (f"In {period}, {launched:,} S-300/S-400 surface-to-air missiles were fired at ground "
            f"targets ({shot} destroyed): counted among the missiles launched and what got through, "
            "but apart from the ballistic missiles, whose shares leave them out.")
