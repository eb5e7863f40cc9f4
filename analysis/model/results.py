"""What one simulation gives (`SimulationResult`) and its headline figures (`summary()`).

Summary JSON (what `python -m analysis simulate --json` writes); every mean and quantile has its
Monte Carlo standard error beside it under `mcse` (analysis.model.montecarlo)::

    {"scenario", "source", "runs", "seed", "horizon_days", "block_runs", "calibration" (or null),
     "days_to_depletion": {interceptor: {median, p10, p90, mean, prob_by_horizon, censored_share,
                                         mcse: {median, p10, p90, mean, prob_by_horizon}}},
     "days_to_depletion_by_class": {interceptor: {class: {... as above}}},
     "interceptors": {interceptor: {shots_per_day, stock_at_horizon: {mean, p10, p90, mcse},
                                    spending_per_day_usd, mcse: {shots_per_day, spending_per_day_usd}}},
     "interception_rate": {mean, p10, p90, mcse}, "interception_rate_by_class": {class: {...}},
     "interception_rate_while_stocked": {class: rate or null},
     "leakers_per_day": {mean, p10, p90, mcse}, "leakers_per_day_by_class": {class: mean},
     "arrivals_per_day": {class: mean},
     "cost_per_day_usd", "attacker_cost_per_day_usd", "cost_per_kill_usd", "cost_exchange_ratio",
     "attacker_costs_missing": [classes without a cost],
     "backcast" (added by the `simulate` command: analysis.model.backcast's figures),
     "mcse": {the four costs, "interception_rate_while_stocked": {class: se},
              "leakers_per_day_by_class": {class: se}}}

A days figure also gives `runs_out_count` (runs that ran out by the horizon) and
`prob_by_horizon_interval`, a 95% interval for that share (analysis.model.montecarlo.share_interval:
at 0 of N runs a standard error of 0 would say nothing).

Days to depletion: per interceptor and class, the first day the interceptor could not engage that
class (analysis.model.depletion, "Running out"); per interceptor, the first day it could engage no
class it covers (not the latest of its classes' days: an interceptor still answering one class
every day has not run out). Quantiles count runs that never run out as "later than the
horizon": a quantile beyond the horizon, and `mean` whenever any run is censored, is null.
"Interception rate while stocked" counts only each run's days before its first shortage of any
interceptor for any class, the days on which no stock limit bound; it is what calibration
reproduces. The attacker's spending, and so the cost-exchange ratio, is null when any class has no
attacker cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from analysis.model import montecarlo as mc
from analysis.model.scenarios import Scenario

NEVER = np.iinfo(np.int32).max  # day of a run that does not run out within the horizon
QUANTILES = (0.1, 0.5, 0.9)


@dataclass
class SimulationResult:
    """Per-run totals, per-day means and bands, and the summary of one simulation."""

    scenario: Scenario
    runs: int
    seed: int
    interceptors: list[str]
    classes: list[str]
    days: np.ndarray  # 1..H
    deliveries: np.ndarray  # (interceptor, day) whole missiles arriving that morning
    depletion_day: np.ndarray  # (interceptor, run) int32, NEVER when not by the horizon
    run_arrivals: np.ndarray  # (class, run) totals
    run_kills: np.ndarray  # (class, run)
    run_shots: np.ndarray  # (interceptor, run)
    run_final_stock: np.ndarray  # (interceptor, run)
    run_defender_cost: np.ndarray  # (run,)
    run_attacker_cost: np.ndarray  # (run,)
    mean_stock: np.ndarray  # (interceptor, day) mean over all runs at the end of each day
    mean_arrivals: np.ndarray  # (class, day)
    mean_kills: np.ndarray  # (class, day)
    mean_shots: np.ndarray  # (interceptor, day)
    band_stock: np.ndarray  # (interceptor, day, band run) end-of-day stock of the first runs
    band_arrivals: np.ndarray  # (class, day, band run)
    band_kills: np.ndarray  # (class, day, band run)
    stocked_arrivals: np.ndarray  # (class,) summed over runs and days before any shortage
    stocked_kills: np.ndarray  # (class,)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (interceptor, class) it covers
    class_out_day: np.ndarray | None = None  # (pair, run) int32: first day short of that class
    calibration: dict[str, Any] | None = None
    kept: dict[str, np.ndarray] | None = None  # keep_runs=True: full daily series of every run
    extra: dict[str, Any] = field(default_factory=dict)
    # (class, run) arrivals and kills of each run's days before its first shortage (their sums are
    # stocked_arrivals and stocked_kills); None: the while-stocked rates have no standard error
    run_stocked_arrivals: np.ndarray | None = None
    run_stocked_kills: np.ndarray | None = None

    @property
    def horizon_days(self) -> int:
        return int(self.days.size)

    # --- per-day series for plots --------------------------------------------------------------

    def stock_quantiles(self, quantiles: tuple[float, ...] = QUANTILES) -> dict[str, np.ndarray]:
        """Per interceptor, an array (quantile, day) of end-of-day stock over the band runs."""
        return {
            name: np.quantile(self.band_stock[i], quantiles, axis=1)
            for i, name in enumerate(self.interceptors)
        }

    def interception_rate_by_day(self) -> np.ndarray:
        """Mean over all runs: kills / arrivals per day, all classes together (NaN: no arrivals)."""
        arrivals = self.mean_arrivals.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(arrivals > 0, self.mean_kills.sum(axis=0) / arrivals, np.nan)

    def interception_rate_by_class_and_day(self) -> np.ndarray:
        """(class, day) kills / arrivals over all runs (NaN: nothing of that class arrived)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.mean_arrivals > 0, self.mean_kills / self.mean_arrivals, np.nan)

    def interception_rate_quantiles(self, quantiles: tuple[float, ...] = QUANTILES) -> np.ndarray:
        """(quantile, day) of the daily interception rate over the band runs (days without arrivals skipped)."""
        arrivals = self.band_arrivals.sum(axis=0).astype(float)
        kills = self.band_kills.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(arrivals > 0, kills / arrivals, np.nan)
        return _nanquantile_rows(rate, quantiles)

    def leakers_by_day(self) -> np.ndarray:
        """Mean threats getting through per day over all runs, all classes together."""
        return (self.mean_arrivals - self.mean_kills).sum(axis=0)

    def leaker_quantiles(self, quantiles: tuple[float, ...] = QUANTILES) -> np.ndarray:
        """(quantile, day) of threats getting through per day over the band runs."""
        leakers = (self.band_arrivals - self.band_kills).sum(axis=0)
        return np.quantile(leakers, quantiles, axis=1)

    def survival(self) -> dict[str, np.ndarray]:
        """Per interceptor, P(not yet run out at the end of day t) for t = 0..H (exact, all runs)."""
        t = np.arange(self.horizon_days + 1)
        return {
            name: (self.depletion_day[i][None, :] > t[:, None]).mean(axis=1)
            for i, name in enumerate(self.interceptors)
        }

    def depletion_days(self, interceptor: str) -> np.ndarray:
        """Per-run first day the interceptor could engage no class it covers, inf if not by the horizon."""
        return _as_days(self.depletion_day[self.interceptors.index(interceptor)])

    def first_shortage_days(self, interceptor: str) -> np.ndarray:
        """Per-run first day the interceptor ran short of any class it covers (the earliest of its
        classes' days), inf if not by the horizon: when its stock first stopped keeping up."""
        mine = [p for p, (name, _) in enumerate(self.pairs) if name == interceptor]
        if not mine:
            return np.full(self.runs, np.inf)
        return _as_days(self.class_out_day[mine].min(axis=0))

    def class_depletion_days(self, interceptor: str, cls: str) -> np.ndarray:
        """Per-run first day the interceptor could not engage `cls`, inf if not by the horizon."""
        return _as_days(self.class_out_day[self.pairs.index((interceptor, cls))])

    def run_interception_rate(self) -> np.ndarray:
        """Per run, kills / arrivals over the horizon (NaN where nothing arrived)."""
        arrivals = self.run_arrivals.sum(axis=0).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(arrivals > 0, self.run_kills.sum(axis=0) / arrivals, np.nan)

    # --- the summary ---------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """The headline figures; exactly the JSON of the `simulate` command (module doc)."""
        horizon = self.horizon_days
        total_days = self.runs * horizon
        depletion = {name: _days_figures(self.depletion_days(name), self.runs)
                     for name in self.interceptors}
        by_class: dict[str, dict[str, Any]] = {name: {} for name in self.interceptors}
        for interceptor, cls in self.pairs:
            by_class[interceptor][cls] = _days_figures(self.class_depletion_days(interceptor, cls), self.runs)
        interceptors = {}
        for i, name in enumerate(self.interceptors):
            unit_cost = self.scenario.interceptors[name].unit_cost_usd
            shots = self.run_shots[i] / horizon
            interceptors[name] = {
                "shots_per_day": float(shots.mean()),
                "stock_at_horizon": mc.band(self.run_final_stock[i]),
                "spending_per_day_usd": float(shots.mean() * unit_cost),
                "mcse": {"shots_per_day": mc.mean_se(shots),
                         "spending_per_day_usd": _times(mc.mean_se(shots), unit_cost)},
            }
        rates = {}
        stocked, stocked_se, leakers, leakers_se = {}, {}, {}, {}
        for k, cls in enumerate(self.classes):
            arrivals = self.run_arrivals[k].astype(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                rates[cls] = mc.band(np.where(arrivals > 0, self.run_kills[k] / arrivals, np.nan))
            stocked[cls] = (float(self.stocked_kills[k] / self.stocked_arrivals[k])
                            if self.stocked_arrivals[k] > 0 else None)
            stocked_se[cls] = (mc.ratio_se(self.run_stocked_kills[k], self.run_stocked_arrivals[k])
                               if stocked[cls] is not None and self.run_stocked_arrivals is not None else None)
            through = (self.run_arrivals[k] - self.run_kills[k]) / horizon
            leakers[cls] = float(through.mean())
            leakers_se[cls] = mc.mean_se(through)
        missing = [c for c in self.classes if self.scenario.attacker_costs_usd.get(c) is None]
        defender = self.run_defender_cost / horizon
        attacker = self.run_attacker_cost / horizon
        kills = self.run_kills.sum(axis=0).astype(float)
        cost_per_kill = float(self.run_defender_cost.sum() / kills.sum()) if kills.sum() > 0 else None
        exchange = (float(defender.sum() / attacker.sum())
                    if not missing and attacker.sum() > 0 else None)
        return {
            "scenario": self.scenario.name,
            "source": self.scenario.source,
            "runs": self.runs,
            "seed": self.seed,
            "horizon_days": horizon,
            "block_runs": self.extra.get("block_runs"),
            "calibration": self.calibration,
            "days_to_depletion": depletion,
            "days_to_depletion_by_class": by_class,
            "interceptors": interceptors,
            "interception_rate": mc.band(self.run_interception_rate()),
            "interception_rate_by_class": rates,
            "interception_rate_while_stocked": stocked,
            "leakers_per_day": mc.band((self.run_arrivals - self.run_kills).sum(axis=0) / horizon),
            "leakers_per_day_by_class": leakers,
            "arrivals_per_day": {cls: float(self.run_arrivals[k].sum() / total_days)
                                 for k, cls in enumerate(self.classes)},
            "cost_per_day_usd": float(defender.mean()),
            "attacker_cost_per_day_usd": None if missing else float(attacker.mean()),
            "cost_per_kill_usd": cost_per_kill,
            "cost_exchange_ratio": exchange,
            "attacker_costs_missing": missing,
            "mcse": {
                "cost_per_day_usd": mc.mean_se(defender),
                "attacker_cost_per_day_usd": None if missing else mc.mean_se(attacker),
                "cost_per_kill_usd": mc.ratio_se(self.run_defender_cost, kills) if cost_per_kill is not None else None,
                "cost_exchange_ratio": mc.ratio_se(defender, attacker) if exchange is not None else None,
                "interception_rate_while_stocked": stocked_se,
                "leakers_per_day_by_class": leakers_se,
            },
        }


def _as_days(day: np.ndarray) -> np.ndarray:
    days = day.astype(float)
    days[day == NEVER] = np.inf
    return days


def _times(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def _finite_or_none(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _days_figures(days: np.ndarray, runs: int) -> dict[str, Any]:
    """Quantiles of per-run days (inf: later than the horizon) with their standard errors."""
    finite = np.isfinite(days)
    share = float(finite.mean())
    count = int(finite.sum())
    return {
        "median": _finite_or_none(mc.quantile(days, 0.5)),
        "p10": _finite_or_none(mc.quantile(days, 0.1)),
        "p90": _finite_or_none(mc.quantile(days, 0.9)),
        "mean": float(days.mean()) if finite.all() else None,
        "prob_by_horizon": share,
        "runs_out_count": count,
        "prob_by_horizon_interval": list(mc.share_interval(count, runs)),
        "censored_share": 1.0 - share,
        "mcse": {
            "median": mc.quantile_se(days, 0.5),
            "p10": mc.quantile_se(days, 0.1),
            "p90": mc.quantile_se(days, 0.9),
            "mean": mc.mean_se(days) if finite.all() else None,
            "prob_by_horizon": mc.proportion_se(share, runs),
        },
    }


def _nanquantile_rows(values: np.ndarray, quantiles: tuple[float, ...]) -> np.ndarray:
    """np.nanquantile over axis 1 without the all-NaN warning (rows of NaN give NaN)."""
    out = np.full((len(quantiles), values.shape[0]), np.nan)
    has = np.isfinite(values).any(axis=1)
    if has.any():
        out[:, has] = np.nanquantile(values[has], quantiles, axis=1)
    return out
