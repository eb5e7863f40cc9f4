"""The forecast of national launches per class and period from the record's end.

`forecast_launches(record, by="month", horizon=3, level=0.9)` fits each candidate model to the
record's complete periods from August 2024, chooses per class the one the backtest scores best
(the naive forecast unless another beats it), and gives each period's median and central
interval from sample paths (so a sum over periods is drawn from the same paths and carries its
own, correct uncertainty).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.stats.forecast.backtest import Choice, backtest, choose_models, summarise
from analysis.stats.forecast.models import MODEL_NAMES, check_model, fit_model
from analysis.stats.forecast.paths import (
    DEFAULT_PATHS,
    DEFAULT_SEED,
    path_quantiles,
    period_paths,
    stream,
)
from analysis.stats.forecast.scores import QUANTILE_METHOD
from analysis.stats.forecast.series import (
    CLASSES,
    COVERAGE_START,
    RESOLUTIONS,
    ForecastError,
    Future,
    Periods,
    check_classes,
    check_horizon,
    check_level,
    check_resolution,
    daily_launches,
    split_history,
    to_periods,
)

MAX_PATHS = 100_000
MAX_SEED = 2**63 - 1
FAN_QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


@dataclass
class LaunchForecast:
    """A forecast: its table, the model of each class and why, the paths and the backtest."""

    by: str
    level: float
    classes: tuple[str, ...]
    end: pd.Timestamp  # the record's last day
    record: str
    table: pd.DataFrame  # class, period, median, low, high, level, observed, observed_days, days, model
    choices: dict[str, Choice]
    params: dict[str, dict[str, Any]]
    samples: dict[str, np.ndarray]  # class -> (paths, periods) launches per period
    future: Future
    history: Periods  # the record by period, for plots
    backtest_detail: pd.DataFrame | None = None
    backtest_summary: pd.DataFrame | None = None
    seed: int = DEFAULT_SEED
    paths: int = DEFAULT_PATHS
    notes: list[str] = field(default_factory=list)

    def totals(self, level: float | None = None) -> pd.DataFrame:
        """Per class, launches over all the periods forecast (the observed part included)."""
        level = self.level if level is None else level
        rows = []
        for cls in self.classes:
            total = self.samples[cls].sum(axis=1)
            q = path_quantiles(total[:, None], level)
            rows.append({"class": cls, "first_period": self.future.labels[0],
                         "last_period": self.future.labels[-1], "median": float(q["median"][0]),
                         "low": float(q["low"][0]), "high": float(q["high"][0]), "level": level})
        return pd.DataFrame(rows)

    def fan(self, quantiles: tuple[float, ...] = FAN_QUANTILES) -> pd.DataFrame:
        """Per class and future period, quantiles of the paths (columns q05 ... q95)."""
        frames = []
        for cls in self.classes:
            values = np.quantile(self.samples[cls], quantiles, axis=0, method=QUANTILE_METHOD)
            frame = pd.DataFrame({f"q{round(q * 100):02d}": v for q, v in zip(quantiles, values, strict=True)})
            frame.insert(0, "start", self.future.starts)
            frame.insert(0, "class", cls)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def record_table(self) -> pd.DataFrame:
        """The record by period and class (long): launches, and whether the period is complete."""
        counts = self.history.counts.copy()
        counts["complete"] = self.history.complete
        return (counts.rename_axis("start").reset_index()
                .melt(id_vars=["start", "complete"], var_name="class", value_name="launched"))

    def to_json(self) -> dict[str, Any]:
        """The forecast rows, the model of each class with its parameters, and the backtest."""
        table = self.table.copy()
        out: dict[str, Any] = {
            "record": self.record, "record_end": str(self.end.date()),
            "series": f"national launches per {self.by}, report dates from {COVERAGE_START.date()}",
            "by": self.by, "level": self.level, "paths": self.paths, "seed": self.seed,
            "forecast": table.to_dict("records"),
            "totals": self.totals().to_dict("records"),
            "models": {cls: {"model": self.choices[cls].model, "reason": self.choices[cls].reason,
                             "backtest_mean_crps": self.choices[cls].mean_crps,
                             "params": self.params[cls]} for cls in self.classes},
            "notes": self.notes,
        }
        if self.backtest_summary is not None:
            out["backtest"] = self.backtest_summary.to_dict("records")
        return out


def check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed <= MAX_SEED:
        raise ForecastError(f"--seed: {seed!r}: must be a whole number in [0, 2**63 - 1]")
    return int(seed)


def check_paths(paths: int) -> int:
    if isinstance(paths, bool) or not isinstance(paths, int | np.integer) or not 100 <= paths <= MAX_PATHS:
        raise ForecastError(f"--paths: {paths!r}: must be a whole number in [100, {MAX_PATHS:,}]")
    return int(paths)


def forecast_launches(
    record: pd.DataFrame,
    *,
    by: str = "month",
    horizon: int | None = None,
    level: float = 0.9,
    classes: str | Iterable[str] | None = CLASSES,
    model: str = "auto",
    paths: int = DEFAULT_PATHS,
    seed: int = DEFAULT_SEED,
    run_backtest: bool = True,
) -> LaunchForecast:
    """Forecast national launches per class for `horizon` periods from the record's end.

    `model="auto"` takes, per class, the model the backtest scores best (the naive forecast where
    none beats it); a model name forces it for every class. `run_backtest=False` skips the
    backtest (only with a named model).
    """
    by = check_resolution(by)
    horizon = check_horizon(horizon, by)
    level = check_level(level)
    classes = check_classes(classes)
    model = check_model(model)
    paths = check_paths(paths)
    seed = check_seed(seed)
    if model == "auto" and not run_backtest:
        raise ForecastError("--model auto chooses by the backtest: name a model to skip it")
    daily = daily_launches(record, classes)
    histories, future = split_history(daily, by, horizon)
    detail = summary = None
    notes = []
    if run_backtest:
        detail = backtest(daily, by, seed=seed)
        summary = summarise(detail)
        chosen = choose_models(detail, by)
    if model == "auto":
        choices = chosen
    else:
        choices = {cls: Choice(model, f"{model}: named by the user", {}) for cls in classes}
    rows, samples, params = [], {}, {}
    for cls in classes:
        name = choices[cls].model
        try:
            fitted = fit_model(name, histories[cls])
        except ForecastError as error:
            raise ForecastError(f"{daily.attrs['record']}: {cls} by {by}: {error}") from None
        rng = stream(seed, RESOLUTIONS.index(by), CLASSES.index(cls), MODEL_NAMES.index(name), 0)
        draws = period_paths(fitted, future, future.observed[cls], paths, rng)
        samples[cls] = draws
        params[cls] = fitted.params
        q = path_quantiles(draws, level)
        for k, label in enumerate(future.labels):
            rows.append({"class": cls, "period": label, "median": float(q["median"][k]),
                         "low": float(q["low"][k]), "high": float(q["high"][k]), "level": level,
                         "observed": float(future.observed[cls][k]),
                         "observed_days": int(future.observed_days[k]),
                         "days": int(future.days[k]), "model": name})
    if future.observed_days[0] > 0:
        notes.append(f"{future.labels[0]} is partly in the record ({int(future.observed_days[0])} of "
                     f"{int(future.days[0])} days): its forecast is the launches recorded so far plus "
                     "the forecast of the days to come")
    return LaunchForecast(
        by=by, level=level, classes=classes, end=daily.attrs["end"], record=daily.attrs["record"],
        table=pd.DataFrame(rows), choices=choices, params=params, samples=samples, future=future,
        history=to_periods(daily, by), backtest_detail=detail, backtest_summary=summary,
        seed=seed, paths=paths, notes=notes,
    )
