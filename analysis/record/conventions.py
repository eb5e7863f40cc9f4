"""The drone-reporting conventions of the record (trap 3 of the record's README), by report date.

Before SPLIT_FROM suppressed drones were not reported apart (`early`); from SPLIT_FROM drones shot
down and drones "locationally lost" were reported apart (`split`); from COMBINED_FROM `destroyed`
is the combined "shot down or suppressed" figure (`combined`). Every module takes the dates from here,
as it takes COMPLETE_COVERAGE_FROM, the first report date from which every day is covered.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SPLIT_FROM = pd.Timestamp("2024-07-10")
#: From this report date every day is covered; before it the record holds the large attacks and
#: some single shoot-downs, so earlier months are incomplete as a time series.
COMPLETE_COVERAGE_FROM = pd.Timestamp("2024-08-01")
COMBINED_FROM = pd.Timestamp("2025-07-23")
CONVENTIONS: tuple[str, ...] = ("early", "split", "combined")


def convention_of(report_date: pd.Series) -> pd.Series:
    """The drone-reporting convention in force on each report date."""
    convention = pd.Series(
        np.select(
            [report_date < SPLIT_FROM, report_date < COMBINED_FROM],
            ["early", "split"],
            default="combined",
        ),
        index=report_date.index,
        dtype="str",
    )
    return convention.where(report_date.notna())


