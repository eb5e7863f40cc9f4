"""Forecasts of the attack's tempo: national launches per class and period, with intervals from
sample paths, models chosen by a rolling-origin backtest on the record's own past.

    series.py     the daily series from August 2024, periods, the partial last period, checks
    models.py     naive, moving average, negative-binomial trend, exponential smoothing
    paths.py      sample paths of the periods ahead, quantiles, random streams
    scores.py     CRPS, interval score
    backtest.py   the rolling-origin backtest and the choice of model
    launches.py   `forecast_launches`: the forecast from the record's end
"""

from analysis.stats.forecast.backtest import backtest, calibration, choose_models, summarise
from analysis.stats.forecast.launches import LaunchForecast, forecast_launches
from analysis.stats.forecast.models import MODEL_NAMES
from analysis.stats.forecast.series import CLASSES, COVERAGE_START, ForecastError, daily_launches

__all__ = [
    "CLASSES",
    "COVERAGE_START",
    "MODEL_NAMES",
    "ForecastError",
    "LaunchForecast",
    "backtest",
    "calibration",
    "choose_models",
    "daily_launches",
    "forecast_launches",
    "summarise",
]
