"""Rolling-origin backtest: the record cut at every month end from January 2025, each model fitted
to what came before the cut only, its forecast of the periods after scored against what happened.

A forecast made at a cut sees the daily series up to and including the cut day and nothing else
(`daily.loc[:cut]`); the outcomes it is scored on are whole periods starting after the cut and
ending on or before the record's last day. Horizon h is the h-th such period. Each forecast draws
its paths from a stream keyed by resolution, class, model and cut, so a change of the data after
a cut cannot change the forecast made at it.

The backtest also decides and calibrates:

- **the model** (`choose_models`): the candidate with the lowest mean CRPS replaces the naive
  forecast only when it beats it by a one-sided Diebold-Mariano test over the cuts at 10%
  (`DM_LEVEL`): per cut, the mean over horizons of its CRPS minus the naive forecast's; the
  variance of their mean allows for forecasts of neighbouring cuts that overlap (Newey-West over
  as many lags as months ahead overlap), with Harvey, Leybourne and Newbold's small-sample
  correction and Student's t on cuts - 1 degrees of freedom. A lower mean CRPS by chance (802
  against 811, p = 0.89) does not count;
- **the width of the intervals** (`interval_scales`): the chosen model's paths are widened or
  narrowed around their median on the log scale (log(1 + launches)), below and above it apart, by
  the factors that leave 5% of the backtest's outcomes beyond each end of the 90% interval; the
  factors' own test is leave one cut out (the coverage of each cut's forecasts under the factors
  fitted on the other cuts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import threadpool_limits

from analysis.stats.forecast.models import (
    BASELINE,
    MEMBERS,
    MODEL_NAMES,
    Fitted,
    check_model,
    combine,
    fit_model,
)
from analysis.stats.forecast.paths import DEFAULT_SEED, period_paths, stream
from analysis.stats.forecast.scores import (
    QUANTILE_METHOD,
    central_interval,
    crps_sample,
    interval_score,
)
from analysis.stats.forecast.series import (
    CLASSES,
    RESOLUTIONS,
    ForecastError,
    History,
    split_history,
    to_periods,
)
from analysis.stats.rates import binomial_interval

FIRST_CUT = pd.Timestamp("2025-01-31")
LEVELS = (0.5, 0.8, 0.9)
BACKTEST_HORIZON = {"month": 3, "week": 12, "day": 28}
BACKTEST_PATHS = 1000
FEW_CUTS = 6  # fewer cuts than this: the choice is stated as weak
DAYS_PER_GROUP = 7  # daily horizons are summarised by week ahead
DM_LEVEL = 0.10  # a candidate replaces the naive forecast only below this one-sided p-value
#: Lags of the Diebold-Mariano variance: cuts a month apart whose forecasts overlap (3 months or
#: 12 weeks ahead overlap the next two cuts; 28 days ahead none).
DM_LAGS = {"month": 2, "week": 2, "day": 0}
CALIBRATED_LEVEL = 0.9


def cut_dates(daily: pd.DataFrame, first_cut: pd.Timestamp | str = FIRST_CUT) -> list[pd.Timestamp]:
    """Month ends from `first_cut` up to the day before the series' last day."""
    end = daily.index[-1]
    cuts = pd.date_range(pd.Timestamp(first_cut), end - pd.Timedelta(days=1), freq="ME")
    return list(cuts)


def _truncated(daily: pd.DataFrame, cut: pd.Timestamp) -> pd.DataFrame:
    part = daily.loc[:cut].copy()
    part.attrs = {**daily.attrs, "end": cut}
    return part


def backtest(
    daily: pd.DataFrame,
    by: str,
    models: Sequence[str] = MODEL_NAMES,
    *,
    horizon: int | None = None,
    paths: int = BACKTEST_PATHS,
    seed: int = DEFAULT_SEED,
    first_cut: pd.Timestamp | str = FIRST_CUT,
) -> pd.DataFrame:
    """One row per cut, class, model and horizon scored: the forecast and the outcome.

    Columns: by, class, model, cut, horizon, period, actual, median, low_50/high_50 ... low_90/
    high_90, covered_50 ... covered_90, abs_error (of the median), crps, interval_score_90.
    Models that cannot be fitted at a cut (too few periods yet) are left out at that cut.
    """
    horizon = horizon or BACKTEST_HORIZON[by]
    models = [check_model(name, auto=False) for name in models]
    # hundreds of small fits: one BLAS thread is several times faster than threads competing
    with threadpool_limits(limits=1, user_api="blas"):
        return _backtest(daily, by, models, horizon, paths, seed, first_cut)


def _backtest(daily, by, models, horizon, paths, seed, first_cut) -> pd.DataFrame:
    periods = to_periods(daily, by)
    whole = pd.Series(periods.complete, index=periods.starts)
    actuals = periods.counts[whole.to_numpy()]
    rows = []
    for cut in cut_dates(daily, first_cut):
        try:
            histories, future = split_history(_truncated(daily, cut), by, horizon + 1)
        except ForecastError:
            continue  # too early for this resolution
        scored = np.flatnonzero((future.starts > cut) & future.starts.isin(actuals.index))[:horizon]
        if not scored.size:
            continue
        for cls in daily.columns:
            observed = future.observed[cls]
            outcome = actuals.loc[future.starts[scored], cls].to_numpy(dtype=float)
            fits: dict[str, Fitted | None] = {}
            for name in models:
                fitted = _fit_once(name, histories[cls], fits)
                if fitted is None:
                    continue
                rng = stream(seed, RESOLUTIONS.index(by), CLASSES.index(cls), MODEL_NAMES.index(name),
                             cut.toordinal())
                samples = period_paths(fitted, future, observed, paths, rng)[:, scored].T  # (period, path)
                row = {"by": by, "class": cls, "model": name, "cut": cut.date(),
                       "horizon": np.arange(1, scored.size + 1),
                       "period": future.starts[scored], "actual": outcome,
                       "median": np.quantile(samples, 0.5, axis=1, method=QUANTILE_METHOD)}
                for level in LEVELS:
                    low, high = central_interval(samples, level)
                    tag = f"{round(level * 100)}"
                    row[f"low_{tag}"], row[f"high_{tag}"] = low, high
                    row[f"covered_{tag}"] = (outcome >= low) & (outcome <= high)
                row["abs_error"] = np.abs(row["median"] - outcome)
                row["crps"] = crps_sample(samples, outcome)
                row["interval_score_90"] = interval_score(row["low_90"], row["high_90"], outcome, 0.9)
                rows.append(pd.DataFrame(row))
    if not rows:
        raise ForecastError(
            f"{daily.attrs.get('record', 'record')}: no backtest by {by}: the record needs whole "
            f"{by}s both before a month end from {pd.Timestamp(first_cut).date()} and after it")
    return pd.concat(rows, ignore_index=True)


def _fit_once(name: str, history: History, fits: dict[str, Fitted | None]) -> Fitted | None:
    """A model fitted at one cut, members of the combination fitted once (None: not fittable yet)."""
    if name not in fits:
        try:
            if name == "combined":
                members = {n: f for n in MEMBERS if (f := _fit_once(n, history, fits)) is not None}
                fits[name] = combine(members, history.by)
            else:
                fits[name] = fit_model(name, history)
        except ForecastError:
            fits[name] = None
    return fits[name]


def horizon_group(by: str, horizon: pd.Series) -> pd.Series:
    """Horizons as reported: months and weeks as they are, days by week ahead."""
    if by == "day":
        return (horizon - 1) // DAYS_PER_GROUP + 1
    return horizon


def horizon_label(by: str, group: int) -> str:
    if by == "day":
        first = (group - 1) * DAYS_PER_GROUP + 1
        return f"days {first}-{first + DAYS_PER_GROUP - 1}"
    return f"{group} {by}" + ("" if group == 1 else "s")


def summarise(detail: pd.DataFrame) -> pd.DataFrame:
    """Per resolution, class, model and horizon: forecasts scored, coverage of the 50/80/90%
    intervals, mean absolute error, mean CRPS and interval score, and CRPS against the naive one."""
    frames = []
    for by, part in detail.groupby("by", sort=False):
        part = part.assign(horizon=horizon_group(str(by), part["horizon"]))
        table = part.groupby(["class", "model", "horizon"], sort=False).agg(
            forecasts=("actual", "size"), cuts=("cut", "nunique"),
            coverage_50=("covered_50", "mean"), coverage_80=("covered_80", "mean"),
            coverage_90=("covered_90", "mean"), mae=("abs_error", "mean"), crps=("crps", "mean"),
            interval_score_90=("interval_score_90", "mean")).reset_index()
        naive = table[table["model"] == BASELINE].set_index(["class", "horizon"])["crps"]
        keys = pd.MultiIndex.from_frame(table[["class", "horizon"]])
        with np.errstate(divide="ignore", invalid="ignore"):  # a naive CRPS of 0: nothing launched
            table["crps_vs_naive"] = table["crps"].to_numpy() / naive.reindex(keys).to_numpy()
        table.insert(0, "by", by)
        table.insert(4, "horizon_label", [horizon_label(str(by), int(h)) for h in table["horizon"]])
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def calibration(detail: pd.DataFrame) -> pd.DataFrame:
    """Nominal against observed coverage per resolution, class and model (all horizons pooled),
    with a 95% Wilson interval for the observed share. Forecasts from neighbouring cuts overlap
    and are correlated, so that interval is, if anything, too narrow."""
    rows = []
    for (by, cls, model), part in detail.groupby(["by", "class", "model"], sort=False):
        for level in LEVELS:
            hits = int(part[f"covered_{round(level * 100)}"].sum())
            low, high = binomial_interval(hits, len(part))
            rows.append({"by": by, "class": cls, "model": model, "nominal": level,
                         "observed": hits / len(part), "forecasts": len(part), "low": low, "high": high})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Choice:
    """The model a class is forecast with, and why."""

    model: str
    reason: str
    mean_crps: dict[str, float]
    p_value: float = float("nan")  # Diebold-Mariano, the best candidate against the naive forecast


def diebold_mariano(differences: np.ndarray, lags: int = 0) -> tuple[float, float]:
    """(statistic, one-sided p) that the mean of `differences` (a loss minus the baseline's, one
    per cut in time order) is below 0: Newey-West variance over `lags`, Harvey-Leybourne-Newbold
    small-sample correction, Student's t on len - 1 degrees of freedom. NaN with fewer than 3."""
    d = np.asarray(differences, dtype=float)
    count = len(d)
    if count < 3:
        return float("nan"), float("nan")
    centred = d - d.mean()
    lags = min(int(lags), count - 1)
    variance = (centred**2).sum() / count
    for lag in range(1, lags + 1):
        variance += 2 * (1 - lag / (lags + 1)) * (centred[lag:] * centred[:-lag]).sum() / count
    if variance <= 0:
        variance = (centred**2).sum() / count
    if variance <= 0:  # every cut the same difference
        return (-np.inf if d.mean() < 0 else np.inf if d.mean() > 0 else 0.0), float(d.mean() >= 0)
    horizon = lags + 1
    correction = np.sqrt((count + 1 - 2 * horizon + horizon * (horizon - 1) / count) / count)
    statistic = correction * d.mean() / np.sqrt(variance / count)
    return float(statistic), float(stats.t.cdf(statistic, count - 1))


def choose_models(detail: pd.DataFrame, by: str) -> dict[str, Choice]:
    """Per class, the candidate with the lowest mean CRPS in the backtest (each horizon weighted
    alike, on the cuts every model was scored at) if it beats the naive forecast by the
    Diebold-Mariano test at `DM_LEVEL` (module docstring); else the naive forecast."""
    part = detail[detail["by"] == by]
    choices = {}
    for cls, rows in part.groupby("class", sort=False):
        grid = rows.pivot_table(index=["cut", "horizon"], columns="model", values="crps")
        # a model that could be fitted at few cuts (a short record) is left out of the choice
        grid = grid.loc[:, grid.notna().mean() >= 0.5].dropna()
        if grid.empty or BASELINE not in grid.columns:
            choices[str(cls)] = Choice(BASELINE, "no backtest could score the candidates: the naive "
                                       "forecast by default", {})
            continue
        horizons = horizon_group(by, grid.index.get_level_values("horizon").to_series(index=grid.index))
        per_model = grid.groupby(horizons.to_numpy()).mean().mean()
        scores = {str(k): float(v) for k, v in per_model.items()}
        naive = scores[BASELINE]
        cuts = grid.index.get_level_values("cut").nunique()
        others = {m: v for m, v in scores.items() if m != BASELINE}
        runner = min(others, key=others.get, default=None)
        if runner is None:
            choices[str(cls)] = Choice(BASELINE, "naive: no other model could be scored", scores)
            continue
        # per cut: the mean over horizons of the candidate's CRPS minus the naive forecast's
        per_cut = (grid[runner] - grid[BASELINE]).groupby(level="cut").mean().sort_index()
        _, p_value = diebold_mariano(per_cut.to_numpy(), DM_LAGS.get(by, 0))
        told = (f"mean CRPS {scores[runner]:,.1f} against the naive forecast's {naive:,.1f} over {cuts} "
                f"cuts, Diebold-Mariano one-sided p = {p_value:.3f}"
                + (" (few cuts: a weak basis for a choice)" if cuts < FEW_CUTS else ""))
        if scores[runner] < naive and p_value < DM_LEVEL:
            choices[str(cls)] = Choice(runner, f"{runner}: beats the naive forecast in the backtest ({told})",
                                       scores, p_value)
        elif scores[runner] < naive:
            choices[str(cls)] = Choice(BASELINE, f"naive: the best other model, {runner}, scores lower but not "
                                       f"by more than chance allows ({told}, not below {DM_LEVEL:.2f})",
                                       scores, p_value)
        else:
            choices[str(cls)] = Choice(BASELINE, "naive: no candidate beat the naive forecast in the backtest "
                                       f"(best other: {runner}, {told})", scores, p_value)
    return choices


@dataclass(frozen=True)
class Scale:
    """How much a class's intervals are widened (above 1) or narrowed (below 1) below and above
    their median, from the backtest."""

    low: float
    high: float
    forecasts: int
    raw_coverage: float  # of the uncalibrated intervals in the backtest
    left_out_coverage: float  # of the calibrated ones, each cut's factors fitted on the other cuts


def _needed_scales(detail: pd.DataFrame, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Per forecast, the factor on log(1 + launches) around the median that the lower end (first)
    and the upper end (second) of its `level` interval would need to reach the outcome (0 for the
    end on the other side of the median)."""
    tag = f"{round(level * 100)}"
    median = np.log1p(detail["median"].to_numpy(dtype=float))
    low = np.log1p(detail[f"low_{tag}"].to_numpy(dtype=float))
    high = np.log1p(detail[f"high_{tag}"].to_numpy(dtype=float))
    actual = np.log1p(detail["actual"].to_numpy(dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        below = np.where(actual < median, np.where(median > low, (median - actual) / (median - low), np.inf), 0.0)
        above = np.where(actual > median, np.where(high > median, (actual - median) / (high - median), np.inf), 0.0)
    return below, above


def _tail_factor(needed: np.ndarray, tail: float) -> float:
    """The smallest factor leaving at most a share `tail` of outcomes beyond the end (at least 0.25)."""
    return float(max(np.quantile(needed, 1 - tail, method="higher"), 0.25))


def interval_scales(detail: pd.DataFrame, by: str, choices: dict[str, Choice],
                    level: float = CALIBRATED_LEVEL) -> dict[str, Scale]:
    """Per class, the factors below and above the median that make the chosen model's `level`
    intervals leave (1 - level) / 2 of the backtest's outcomes beyond each end, with the raw
    coverage and the leave-one-cut-out coverage of the calibrated intervals. Each end is scaled
    on its own: a model whose lower tail reaches far below anything the record did is pulled in
    there without narrowing its upper tail."""
    out = {}
    tail = (1 - level) / 2
    for cls, choice in choices.items():
        rows = detail[(detail["by"] == by) & (detail["class"] == cls) & (detail["model"] == choice.model)]
        if len(rows) < 6:
            continue
        below, above = _needed_scales(rows, level)
        cuts = rows["cut"].to_numpy()
        held = []
        for cut in np.unique(cuts):
            others = cuts != cut
            if others.sum() < 3:
                continue
            low, high = _tail_factor(below[others], tail), _tail_factor(above[others], tail)
            held += list((below[~others] <= low) & (above[~others] <= high))
        out[cls] = Scale(_tail_factor(below, tail), _tail_factor(above, tail), len(rows),
                         float(np.mean((below <= 1) & (above <= 1))),
                         float(np.mean(held)) if held else float("nan"))
    return out
