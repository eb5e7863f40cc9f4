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

from analysis.stats.forecast.backtest import (
    Choice,
    Scale,
    backtest,
    choose_models,
    interval_scales,
    summarise,
)
from analysis.stats.forecast.models import MODEL_NAMES, Fitted, check_model, fit_model
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
    period_words,
    split_history,
    to_periods,
)

MAX_PATHS = 100_000
#: Months of the record whose fewest launches a lower bound is compared with.
FLOOR_MONTHS = 24


@dataclass
class ScaledFit(Fitted):
    """A fitted model whose paths are widened (factor above 1) or narrowed around their median on
    log(1 + launches), period by period, below and above the median by factors of their own:
    quantiles map one to one, so a calibrated 90% interval is the model's, scaled at each end."""

    inner: Fitted | None = None
    low: float = 1.0
    high: float = 1.0

    def simulate(self, starts, days, paths, rng):
        draws = self.inner.simulate(starts, days, paths, rng)
        centre = np.log1p(np.median(draws, axis=0, keepdims=True))
        deviation = np.log1p(draws) - centre
        factor = np.where(deviation < 0, self.low, self.high)
        return np.maximum(np.expm1(centre + factor * deviation), 0.0)


def calibrated(fitted: Fitted, scale: Scale | None) -> Fitted:
    """`fitted` with its paths scaled by the backtest's factors (unchanged without them)."""
    if scale is None or not (np.isfinite(scale.low) and np.isfinite(scale.high)):
        return fitted
    return ScaledFit(name=fitted.name, by=fitted.by,
                     params={**fitted.params, "interval_scale": {"below": scale.low, "above": scale.high}},
                     inner=fitted, low=scale.low, high=scale.high)


def lower_bound_notes(table: pd.DataFrame, history: Periods, by: str, level: float,
                      months: int = FLOOR_MONTHS) -> list[str]:
    """A reason for every lower bound below the fewest launches of any complete period of the last
    `months` months: the record's own largest fall from one period to the next over those months
    if it reaches that low, else that nothing in them went so low."""
    notes = []
    complete = history.counts.loc[history.complete]
    recent = complete.loc[complete.index >= complete.index.max() - pd.DateOffset(months=months - 1)]
    for cls in table["class"].unique():
        if cls not in recent.columns or recent.empty:
            continue
        counts = recent[cls]
        floor, when = float(counts.min()), counts.idxmin()
        rows = table[(table["class"] == cls) & (table["observed_days"] == 0) & (table["low"] < floor)]
        if rows.empty:
            continue
        falls = (counts / counts.shift(1)).dropna()
        falls = falls[np.isfinite(falls)]
        worst = float(falls.min()) if len(falls) else float("nan")
        first = rows.iloc[0]
        ratio = first["low"] / first["median"] if first["median"] > 0 else 0.0
        label = period_words(when, by)
        unit = {"month": "month", "week": "week", "day": "day"}[by]
        text = (f"{cls}: the {level:.0%} interval's lower end ({first['low']:,.0f} in "
                f"{period_words(pd.Timestamp(first['period']), by)}"
                f"{' and later' if len(rows) > 1 else ''}) is below the fewest launched in any {unit} of the "
                f"last {months} months ({floor:,.0f}, {label})")
        if np.isfinite(worst) and worst <= ratio:
            text += (f"; the record has fallen that far from one {unit} to the next (to {worst:.0%} of the "
                     "one before), and the intervals are as wide as the backtest's misses")
        else:
            text += ("; nothing in those months fell so far, so read that end as the spread of the model "
                     "tested on the backtest, not as a likely month")
        notes.append(text)
    return notes

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
    scales: dict[str, Scale] = field(default_factory=dict)  # interval calibration per class
    seed: int = DEFAULT_SEED
    paths: int = DEFAULT_PATHS
    notes: list[str] = field(default_factory=list)

    def totals(self, level: float | None = None, periods: int | None = None) -> pd.DataFrame:
        """Per class, launches over all the periods forecast, or over the first `periods` of them
        (the observed part included): the sum of each sample path."""
        level = self.level if level is None else level
        labels = self.future.labels
        count = len(labels) if periods is None else max(1, min(int(periods), len(labels)))
        rows = []
        for cls in self.classes:
            total = self.samples[cls][:, :count].sum(axis=1)
            q = path_quantiles(total[:, None], level)
            rows.append({"class": cls, "first_period": labels[0],
                         "last_period": labels[count - 1], "median": float(q["median"][0]),
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
                             "interval_scale": (self.scales[cls].__dict__ if cls in self.scales else None),
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
    scales: dict[str, Scale] = {}
    if run_backtest:
        detail = backtest(daily, by, seed=seed)
        summary = summarise(detail)
        chosen = choose_models(detail, by)
    if model == "auto":
        choices = chosen
    else:
        choices = {cls: Choice(model, f"{model}: named by the user", {}) for cls in classes}
    if run_backtest:
        scales = interval_scales(detail, by, choices)
    else:
        notes.append("no backtest: the intervals are the model's own, not calibrated on the record's past")
    rows, samples, params = [], {}, {}
    for cls in classes:
        name = choices[cls].model
        try:
            fitted = calibrated(fit_model(name, histories[cls]), scales.get(cls))
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
    table = pd.DataFrame(rows)
    notes += lower_bound_notes(table, to_periods(daily, by), by, level)
    if future.observed_days[0] > 0:
        notes.append(f"{future.labels[0]} is partly in the record ({int(future.observed_days[0])} of "
                     f"{int(future.days[0])} days): its forecast is the launches recorded so far plus "
                     "the forecast of the days to come")
    return LaunchForecast(
        by=by, level=level, classes=classes, end=daily.attrs["end"], record=daily.attrs["record"],
        table=table, choices=choices, params=params, samples=samples, future=future,
        history=to_periods(daily, by), backtest_detail=detail, backtest_summary=summary,
        scales=scales, seed=seed, paths=paths, notes=notes,
    )
