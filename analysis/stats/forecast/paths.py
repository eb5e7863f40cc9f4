"""Sample paths of the periods ahead, the part of a period already in the record added back."""

from __future__ import annotations

import numpy as np

from analysis.stats.forecast.models import Fitted
from analysis.stats.forecast.scores import QUANTILE_METHOD
from analysis.stats.forecast.series import Future

#: Sample paths per forecast: quantiles to 90% intervals within about a percentile point.
DEFAULT_PATHS = 2000
DEFAULT_SEED = 20260607


def period_paths(fitted: Fitted, future: Future, observed: np.ndarray, paths: int,
                 rng: np.random.Generator) -> np.ndarray:
    """(paths, periods) launches in each future period, whole numbers.

    A period partly in the record (the one it ends in) is its `observed` launches plus the model's
    draw for that period scaled to the share of its days still to come.
    """
    drawn = fitted.simulate(future.starts, future.days, paths, rng)
    return np.rint(np.asarray(observed) + drawn * future.unobserved_share)


def path_quantiles(samples: np.ndarray, level: float) -> dict[str, np.ndarray]:
    """Median and central `level` interval of each column of (paths, periods) samples."""
    tail = (1.0 - level) / 2.0
    low, median, high = np.quantile(samples, (tail, 0.5, 1.0 - tail), axis=0, method=QUANTILE_METHOD)
    return {"median": median, "low": low, "high": high}


def stream(seed: int, *key: int) -> np.random.Generator:
    """The random stream of one forecast, keyed by what it forecasts (never by the data)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))
