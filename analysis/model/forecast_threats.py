"""Arrivals drawn from the tempo forecast: `threats: {from_forecast: {...}}` in a scenario.

    threats:
      from_forecast:
        start: 2026-06-08   # first simulated day; default: the day after the record's last day
        classes: [drone, cruise, ballistic]   # default: all three
        model: auto         # auto: per class the weekly backtest's choice; or naive,
                            # moving-average, nb-trend, ets, combined
        by: week            # week: weekly forecasts split into days like a week of the record;
                            # day: the daily forecast's own days
        scale: 1.0          # every drawn launch count multiplied by this (stochastic rounding)

The schema is `analysis.model.schema.ForecastThreatsSpec`. The forecast is fitted to the record
the simulation is given (up to the day before `start`), and each run draws one sample path of
daily arrivals for the whole horizon, so the growth of the attack and the uncertainty of its
forecast enter the days-to-depletion distribution (`analysis.stats.forecast.arrivals`). Each block of runs draws its paths from its own random
stream, so results do not depend on how runs are chunked. A fitted forecast is kept for the
same record content, specification and seed, so searches over one scenario fit it once.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from analysis.errors import ScenarioError

if TYPE_CHECKING:  # the forecast (pandas, statsmodels) is imported when a simulation needs it
    import numpy as np

    from analysis.model.schema import ForecastSpec
    from analysis.stats.forecast.arrivals import DailyArrivals

KEY = "from_forecast"
MEAN_PATHS = 1000  # paths behind the mean arrivals a day of a forecast scenario
_CACHE_SIZE = 8
_FITTED: OrderedDict[tuple, DailyArrivals] = OrderedDict()


def _record_key(record: Any, classes: tuple[str, ...]) -> tuple:
    """The record as the forecast reads it: its daily launches, by content."""
    from analysis.stats.forecast import daily_launches

    daily = daily_launches(record, classes)
    digest = hashlib.sha256(daily.to_numpy().tobytes()).hexdigest()
    return (str(daily.index[0].date()), str(daily.index[-1].date()), digest)


def fit_forecast(spec: ForecastSpec, record: Any, seed: int, source: str) -> DailyArrivals:
    """The fitted forecast of a scenario's arrivals (with `model: auto`, after its backtest)."""
    from analysis.stats.forecast import ForecastError
    from analysis.stats.forecast.arrivals import forecast_daily_arrivals

    classes = tuple(spec.classes)
    try:
        key = (spec.model_dump_json(exclude={"scale"}), int(seed), _record_key(record, classes))
        fitted = _FITTED.get(key)
        if fitted is None:
            fitted = forecast_daily_arrivals(record, start=spec.start, classes=classes,
                                             model=spec.model, by=spec.by, seed=seed)
            while len(_FITTED) >= _CACHE_SIZE:
                _FITTED.popitem(last=False)
            _FITTED[key] = fitted
        return fitted
    except ForecastError as error:
        raise ScenarioError(f"{source}: threats.{KEY}: {error}") from None


def draw_paths(forecast: DailyArrivals, spec: ForecastSpec, runs: int, days: int,
               rng: np.random.Generator, source: str) -> np.ndarray:
    """(class, day, run) daily arrivals of `runs` runs over `days` days, times `scale`."""
    import numpy as np

    from analysis.stats.forecast import ForecastError

    try:
        paths = forecast.draw(runs, days, rng)
    except ForecastError as error:
        raise ScenarioError(f"{source}: horizon_days: {error}") from None
    if spec.scale != 1.0:
        scaled = paths * spec.scale
        whole = np.floor(scaled)
        paths = whole.astype(np.int64) + (rng.random(paths.shape) < scaled - whole)
    return paths.astype(np.int32)


def mean_arrivals(spec: ForecastSpec, record: Any, seed: int, days: int, source: str) -> dict[str, float]:
    """Mean arrivals a day by class over `days` days of the forecast (from `MEAN_PATHS` paths)."""
    import numpy as np

    forecast = fit_forecast(spec, record, seed, source)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(99,))))
    paths = draw_paths(forecast, spec, MEAN_PATHS, days, rng, source)
    return {cls: float(paths[k].mean()) for k, cls in enumerate(spec.classes)}
