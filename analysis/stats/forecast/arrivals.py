"""Daily arrivals drawn from the forecast, for the depletion model: one sample path per run.

By week (the default): each class's weekly launches are drawn from its model (the one the weekly
backtest chose, or the one named), and each simulated week is split into days like a week of the
record: one of the last `SHAPE_WEEKS` complete weeks is drawn at random, the same week for every
class (so that drones, cruise and ballistic missiles keep coming together on the nights of a
combined strike), and each class's weekly total is spread over the days in that week's
proportions (a multinomial draw; a class the drawn week did not see is spread like its average
week). By day: the daily model's paths as they are.

The forecast is fitted to the record up to the day before `start` (or to its end, when `start` is
later): a start inside the record asks what the forecast would have said then.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.stats.forecast.backtest import Choice, backtest, choose_models
from analysis.stats.forecast.models import Fitted, check_model, fit_model
from analysis.stats.forecast.paths import DEFAULT_SEED
from analysis.stats.forecast.series import (
    CLASSES,
    MAX_HORIZON,
    ForecastError,
    check_classes,
    daily_launches,
    split_history,
    to_periods,
)

ARRIVAL_RESOLUTIONS = ("week", "day")
SHAPE_WEEKS = 26  # half a year of the record's weeks gives each simulated week its days


@dataclass
class DailyArrivals:
    """Fitted forecasts that draw daily arrivals from `start`, one path per run."""

    classes: tuple[str, ...]
    by: str
    start: pd.Timestamp  # the first simulated day
    fitted_until: pd.Timestamp  # the last day of the record the models saw
    first_period: pd.Timestamp  # the period the paths start with (contains fitted_until + 1)
    models: dict[str, Fitted]
    choices: dict[str, Choice]
    week_shapes: np.ndarray  # (weeks, 7, class) launches of the record's recent whole weeks

    def draw(self, runs: int, days: int, rng: np.random.Generator) -> np.ndarray:
        """(class, day, run) whole launches for days start .. start + days - 1."""
        offset = (self.start - self.first_period).days
        step = 7 if self.by == "week" else 1
        periods = math.ceil((offset + days) / step)
        if periods > MAX_HORIZON[self.by]:
            raise ForecastError(
                f"from_forecast: {offset + days} days from {self.first_period.date()} reach beyond "
                f"the forecast's {MAX_HORIZON[self.by]} {self.by}s")
        starts = pd.date_range(self.first_period, periods=periods, freq=f"{step}D")
        lengths = np.full(periods, float(step))
        totals = {cls: np.rint(self.models[cls].simulate(starts, lengths, runs, rng)).astype(np.int64)
                  for cls in self.classes}  # (run, period)
        if self.by == "day":
            daily = np.stack([totals[cls] for cls in self.classes])  # (class, run, day)
        else:
            daily = self._split_weeks(totals, runs, periods, rng)
        return np.ascontiguousarray(daily[:, :, offset:offset + days].transpose(0, 2, 1))

    def _split_weeks(self, totals: dict[str, np.ndarray], runs: int, weeks: int,
                     rng: np.random.Generator) -> np.ndarray:
        shapes = self.week_shapes.astype(float)
        pick = rng.integers(0, shapes.shape[0], size=(runs, weeks))
        out = np.zeros((len(self.classes), runs, weeks * 7), dtype=np.int64)
        for k, cls in enumerate(self.classes):
            weekly = shapes[:, :, k]
            average = weekly.sum(axis=0) + 1e-9
            shares = np.where(weekly.sum(axis=1, keepdims=True) > 0, weekly, average)
            shares = shares / shares.sum(axis=1, keepdims=True)
            out[k] = rng.multinomial(totals[cls], shares[pick]).reshape(runs, weeks * 7)
        return out


def forecast_daily_arrivals(
    record: pd.DataFrame,
    *,
    start: pd.Timestamp | str | None = None,
    classes: str | Iterable[str] | None = CLASSES,
    model: str = "auto",
    by: str = "week",
    seed: int = DEFAULT_SEED,
) -> DailyArrivals:
    """Fit the forecast of each class for daily arrivals from `start` (default: the day after the
    record's last day). `model="auto"` takes the backtest's choice at resolution `by`."""
    if by not in ARRIVAL_RESOLUTIONS:
        raise ForecastError(f"by: {by!r}: daily arrivals come from a forecast by "
                            f"{' or '.join(ARRIVAL_RESOLUTIONS)}")
    classes = check_classes(classes)
    model = check_model(model)
    daily = daily_launches(record, classes)
    end = daily.index[-1]
    first_day = end + pd.Timedelta(days=1) if start is None else pd.Timestamp(start).normalize()
    fitted_until = min(end, first_day - pd.Timedelta(days=1))
    daily = daily.loc[:fitted_until].copy()
    daily.attrs["end"] = fitted_until
    histories, future = split_history(daily, by, 1)
    if model == "auto":
        choices = choose_models(backtest(daily, by, seed=seed), by)
    else:
        choices = {cls: Choice(model, f"{model}: named in the scenario", {}) for cls in classes}
    models = {}
    for cls in classes:
        try:
            models[cls] = fit_model(choices[cls].model, histories[cls])
        except ForecastError as error:
            raise ForecastError(f"from_forecast: {cls} by {by}: {error}") from None
    weeks = to_periods(daily, "week")
    whole = weeks.starts[weeks.complete][-SHAPE_WEEKS:]
    day_rows = daily.loc[whole[0]:whole[-1] + pd.Timedelta(days=6), list(classes)].to_numpy()
    shapes = day_rows.reshape(len(whole), 7, len(classes))
    return DailyArrivals(classes=classes, by=by, start=first_day, fitted_until=fitted_until,
                         first_period=future.starts[0], models=models, choices=choices,
                         week_shapes=shapes)
