"""The interceptor depletion model: a Monte Carlo of stocks, shots, kills and leakers, day by day.

Semantics (the benchmarks' reference implementations follow exactly this)
--------------------------------------------------------------------------
Each run simulates days 1..H (H = `horizon_days`). Within a day, in this order:

1. **Deliveries.** Each interceptor's deliveries arrive at the start of the day, evenly and in
   whole missiles: with r = deliveries_per_month x 12 / 365 per day, day t brings
   floor(t r) - floor((t - 1) r) interceptors (so after t days exactly floor(t r) have arrived).
   The schedule is deterministic and the same in every run.
2. **Arrivals.** Threats of each class arrive, drawn independently per class and day:
   dispersion D = variance / mean. D = 0: fixed, `per_day` itself when whole, else floor(m) plus
   one with probability frac(m) (stochastic rounding). D = 1: Poisson(m). D > 1: negative
   binomial with mean m and variance D m. 0 < D < 1: binomial(N, m / N) with N = ceil(m / (1 - D))
   (variance close to D m). With `threats.from_record`, a whole day of the record's national waves
   (by report date, days without a wave count as zero, all classes of that day together) is drawn
   uniformly from the period and each class count is multiplied by `scale` (stochastic rounding).
3. **Layers**, in the order listed. A threat reaching a layer is "eligible" if the layer engages
   its class. For each class in the order the layer's `engages` lists them:
   - wanted = binomial(eligible, c): each eligible threat is engaged with probability c
     (`engage_probability`);
   - capacity binds first: engaged <= capacity left today (shared by all classes of the layer);
   - then stock: an engagement takes `shots` interceptors at once and is only made while the stock
     covers them: engaged = min(wanted, capacity left, floor(stock / shots));
   - the stock falls by engaged x shots ("shots fired"), spent whether or not they kill;
   - killed = binomial(engaged, 1 - (1 - pk)^shots);
   - every threat not killed (not engaged, or engaged and missed) goes on to the next layer.
   A layer without an `interceptor` spends no interceptors and is limited only by capacity.
   How the engine draws this (exact, the same distribution): a *free* layer (no interceptor, no
   capacity limit, no `cost_per_engagement_usd`) counts no engagements, so its kills are one
   binomial(eligible, c x (1 - (1 - pk)^shots)) (a binomial thinned by a binomial is a binomial);
   a run that can make no engagement today (capacity or stock used up) draws nothing, and a
   block of runs in which no run has anything to draw leaves that stream untouched.
4. **Leakers** are the threats still alive after the last layer: arrivals - kills.
5. **Depletion.** An interceptor is *depleted* at the end of the first day its stock is below the
   fewest shots any layer spends per engagement with it (it cannot fund one more engagement). Day
   0 means it starts depleted. Deliveries may lift the stock again later; the depletion day is
   the first passage and stays. A run that never depletes within the horizon is censored.
6. **Costs.** Defender spending = interceptors fired x unit cost + engagements of every layer x
   its `cost_per_engagement_usd` (counted when fired, not when delivered; on a layer with an
   interceptor it is the cost of an engagement on top of its interceptors, e.g. crew, radar,
   launcher wear). Attacker spending = arrivals x `attacker_costs_usd` of the class. Cost per kill = defender spending /
   kills; cost-exchange ratio = defender spending / attacker spending (totals over all runs).

Interception rate = kills / arrivals (per day, per run over the horizon, per class).
"While stocked" figures count only a run's days that end before the first depletion of any
interceptor (so no stock limit bound on them).

Random numbers and reproducibility
----------------------------------
Runs are grouped in fixed blocks of `BLOCK_RUNS`. Every (block, stream) pair has its own
`numpy.random.Generator` from `SeedSequence(seed, spawn_key=(block, kind, layer, class))`,
kind 0 = arrivals, 1 = engagement, 2 = kills (a free layer's single draw included), 3 = record
day, 4 = record rounding. Whether a block draws at all depends only on that block's runs. So the same seed
gives the same numbers whatever `chunk_runs` (a chunk is a whole number of blocks), and the
arrival draws do not depend on stocks, deliveries or layers at all (common random numbers for
searches over deliveries); engagement and kill draws of one layer and class stay in their own
streams. Draws are vectorised over the runs of a block; the only Python loops are over days,
blocks, layers and classes. Memory is bounded by `chunk_runs` plus per-run totals; per-day bands
come from the first `band_runs` runs (kept whole), per-day means and every summary from all runs.

Assumptions and limits in plain words: threats of a day arrive together and are independent
across classes and days (unless resampled from the record, which keeps each day's mix); a layer's
engagement chance and kill probability do not change with saturation or time except through the
explicit capacity and stock limits; all shots at one threat are fired together (no
shoot-look-shoot); interceptors are not shared out by priority between layers beyond their order;
the defended value of what leakers hit is not modelled; stocks are not public (the shipped values
are labelled assumptions).

Summary JSON (`SimulationResult.summary()`, what `python -m analysis simulate` prints)::

    {"scenario", "source", "runs", "seed", "horizon_days", "block_runs", "calibration" (or null),
     "days_to_depletion": {interceptor: {median, p10, p90, mean, prob_by_horizon, censored_share}},
     "interceptors": {interceptor: {shots_per_day, stock_at_horizon: {mean, p10, p90},
                                    spending_per_day_usd}},
     "interception_rate": {mean, p10, p90}, "interception_rate_by_class": {class: {mean, p10, p90}},
     "interception_rate_while_stocked": {class: rate or null},
     "leakers_per_day": {mean, p10, p90}, "leakers_per_day_by_class": {class: mean},
     "arrivals_per_day": {class: mean},
     "cost_per_day_usd", "attacker_cost_per_day_usd", "cost_per_kill_usd", "cost_exchange_ratio"}

Quantiles of days to depletion count censored runs as "later than the horizon": a quantile beyond
the horizon, and `mean` whenever any run is censored, is null.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from analysis.errors import ScenarioError
from analysis.model.scenarios import Scenario

BLOCK_RUNS = 2000  # runs sharing one set of random streams; a chunk is a whole number of blocks
DEFAULT_CHUNK_RUNS = 20_000
DEFAULT_BAND_RUNS = 2000
NEVER = np.iinfo(np.int32).max  # depletion day of a run that never runs out
QUANTILES = (0.1, 0.5, 0.9)

ARRIVALS, ENGAGE, KILL, RECORD_DAY, RECORD_ROUND = range(5)


@dataclass
class SimulationResult:
    """What one simulation gives: per-run totals, per-day means and bands, and the summary."""

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
    stocked_arrivals: np.ndarray  # (class,) summed over runs and days before any depletion
    stocked_kills: np.ndarray  # (class,)
    calibration: dict[str, Any] | None = None
    kept: dict[str, np.ndarray] | None = None  # keep_runs=True: full daily series of every run
    extra: dict[str, Any] = field(default_factory=dict)

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

    def interception_rate_quantiles(self, quantiles: tuple[float, ...] = QUANTILES) -> np.ndarray:
        """(quantile, day) of the daily interception rate over the band runs (days without arrivals skipped)."""
        arrivals = self.band_arrivals.sum(axis=0).astype(float)
        kills = self.band_kills.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(arrivals > 0, kills / arrivals, np.nan)
        return _nanquantile_rows(rate, quantiles)

    def leakers_by_day(self) -> np.ndarray:
        """Mean leakers per day over all runs, all classes together."""
        return (self.mean_arrivals - self.mean_kills).sum(axis=0)

    def leaker_quantiles(self, quantiles: tuple[float, ...] = QUANTILES) -> np.ndarray:
        """(quantile, day) of leakers per day over the band runs."""
        leakers = (self.band_arrivals - self.band_kills).sum(axis=0)
        return np.quantile(leakers, quantiles, axis=1)

    def survival(self) -> dict[str, np.ndarray]:
        """Per interceptor, P(not yet depleted at the end of day t) for t = 0..H (exact, all runs)."""
        t = np.arange(self.horizon_days + 1)
        return {
            name: (self.depletion_day[i][None, :] > t[:, None]).mean(axis=1)
            for i, name in enumerate(self.interceptors)
        }

    def depletion_days(self, interceptor: str) -> np.ndarray:
        """Per-run depletion day as float, inf for runs that last the horizon."""
        day = self.depletion_day[self.interceptors.index(interceptor)].astype(float)
        day[day == NEVER] = np.inf
        return day

    def run_interception_rate(self) -> np.ndarray:
        """Per run, kills / arrivals over the horizon (NaN where nothing arrived)."""
        arrivals = self.run_arrivals.sum(axis=0).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(arrivals > 0, self.run_kills.sum(axis=0) / arrivals, np.nan)

    # --- the summary ---------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """The headline figures; exactly the JSON of the `simulate` command."""
        horizon = self.horizon_days
        total_days = self.runs * horizon
        depletion = {}
        interceptors = {}
        for i, name in enumerate(self.interceptors):
            day = self.depletion_days(name)
            finite = np.isfinite(day)
            q = np.quantile(day, QUANTILES, method="inverted_cdf")
            depletion[name] = {
                "median": _finite_or_none(q[1]),
                "p10": _finite_or_none(q[0]),
                "p90": _finite_or_none(q[2]),
                "mean": float(day.mean()) if finite.all() else None,
                "prob_by_horizon": float(finite.mean()),
                "censored_share": float(1.0 - finite.mean()),
            }
            final = self.run_final_stock[i]
            fq = np.quantile(final, QUANTILES)
            unit_cost = self.scenario.interceptors[name].unit_cost_usd
            interceptors[name] = {
                "shots_per_day": float(self.run_shots[i].sum() / total_days),
                "stock_at_horizon": {"mean": float(final.mean()), "p10": float(fq[0]),
                                     "p90": float(fq[2])},
                "spending_per_day_usd": float(self.run_shots[i].sum() * unit_cost / total_days),
            }
        rate = self.run_interception_rate()
        leakers_per_run = (self.run_arrivals - self.run_kills).sum(axis=0) / horizon
        by_class = {}
        stocked = {}
        for k, cls in enumerate(self.classes):
            arrivals = self.run_arrivals[k].astype(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                class_rate = np.where(arrivals > 0, self.run_kills[k] / arrivals, np.nan)
            by_class[cls] = _band(class_rate)
            stocked[cls] = (
                float(self.stocked_kills[k] / self.stocked_arrivals[k])
                if self.stocked_arrivals[k] > 0 else None
            )
        costed = self.scenario.has_attacker_costs  # else no attacker spending to compare with
        defender = float(self.run_defender_cost.sum())
        attacker = float(self.run_attacker_cost.sum())
        kills = float(self.run_kills.sum())
        return {
            "scenario": self.scenario.name,
            "source": self.scenario.source,
            "runs": self.runs,
            "seed": self.seed,
            "horizon_days": horizon,
            "block_runs": BLOCK_RUNS,
            "calibration": self.calibration,
            "days_to_depletion": depletion,
            "interceptors": interceptors,
            "interception_rate": _band(rate),
            "interception_rate_by_class": by_class,
            "interception_rate_while_stocked": stocked,
            "leakers_per_day": {"mean": float(leakers_per_run.mean()),
                                "p10": float(np.quantile(leakers_per_run, 0.1)),
                                "p90": float(np.quantile(leakers_per_run, 0.9))},
            "leakers_per_day_by_class": {
                cls: float((self.run_arrivals[k] - self.run_kills[k]).sum() / total_days)
                for k, cls in enumerate(self.classes)
            },
            "arrivals_per_day": {cls: float(self.run_arrivals[k].sum() / total_days)
                                 for k, cls in enumerate(self.classes)},
            "cost_per_day_usd": defender / total_days,
            "attacker_cost_per_day_usd": attacker / total_days if costed else None,
            "cost_per_kill_usd": defender / kills if kills > 0 else None,
            "cost_exchange_ratio": defender / attacker if costed and attacker > 0 else None,
        }


def _finite_or_none(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _band(values: np.ndarray) -> dict[str, float | None]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return {"mean": None, "p10": None, "p90": None}
    q = np.quantile(values, (0.1, 0.9))
    return {"mean": float(values.mean()), "p10": float(q[0]), "p90": float(q[1])}


def _nanquantile_rows(values: np.ndarray, quantiles: tuple[float, ...]) -> np.ndarray:
    """np.nanquantile over axis 1 without the all-NaN warning (rows of NaN give NaN)."""
    out = np.full((len(quantiles), values.shape[0]), np.nan)
    has = np.isfinite(values).any(axis=1)
    if has.any():
        out[:, has] = np.nanquantile(values[has], quantiles, axis=1)
    return out


# --- the deterministic schedule and the fluid (stock-and-flow) solution --------------------------


def delivery_schedule(scenario: Scenario, horizon_days: int | None = None) -> np.ndarray:
    """(interceptor, day) whole interceptors arriving on the morning of each day 1..H."""
    horizon = horizon_days or scenario.horizon_days
    t = np.arange(horizon + 1, dtype=float)
    rows = []
    for interceptor in scenario.interceptors.values():
        # a small tolerance keeps t x r exact when r is a whole number per day
        cumulative = np.floor(t * interceptor.deliveries_per_day + 1e-9)
        rows.append(np.diff(cumulative))
    return np.array(rows, dtype=np.int64).reshape(len(scenario.interceptors), horizon)


def min_shots(scenario: Scenario) -> dict[str, int | None]:
    """Per interceptor, the fewest shots any layer spends per engagement (None: no layer uses it)."""
    result: dict[str, int | None] = dict.fromkeys(scenario.interceptors)
    for layer in scenario.layers:
        if layer.interceptor is None:
            continue
        fewest = min(e.shots for e in layer.engages.values())
        current = result[layer.interceptor]
        result[layer.interceptor] = fewest if current is None else min(current, fewest)
    return result


def deterministic(scenario: Scenario) -> dict[str, np.ndarray]:
    """The fluid stock-and-flow solution: every draw replaced by its expected value.

    Arrivals are `per_day` (fractional), engagements c x eligible, kills engaged x (1 - (1-pk)^n),
    stocks continuous (an engagement takes shots while stock/shots allows). Returns end-of-day
    `stock` (interceptor, day), `arrivals` and `kills` (class, day). Parametric threats only.
    """
    if scenario.threats is None:
        raise ScenarioError(f"{scenario.source}: key 'threats': the fluid solution needs per_day figures")
    names = list(scenario.interceptors)
    horizon = scenario.horizon_days
    deliveries = delivery_schedule(scenario).astype(float)
    stock = np.array([scenario.interceptors[n].stock for n in names], dtype=float)
    out_stock = np.zeros((len(names), horizon))
    arrivals = np.array([scenario.threats[c].per_day for c in scenario.classes])
    out_kills = np.zeros((len(scenario.classes), horizon))
    class_index = {c: k for k, c in enumerate(scenario.classes)}
    for day in range(horizon):
        stock += deliveries[:, day]
        remaining = arrivals.copy()
        for layer in scenario.layers:
            capacity = math.inf if layer.capacity_per_day is None else float(layer.capacity_per_day)
            for cls, engagement in layer.engages.items():
                k = class_index[cls]
                engaged = min(remaining[k] * layer.engage_probability[cls], capacity)
                if layer.interceptor is not None:
                    i = names.index(layer.interceptor)
                    engaged = min(engaged, stock[i] / engagement.shots)
                    stock[i] -= engaged * engagement.shots
                capacity -= engaged
                killed = engaged * engagement.kill_probability
                remaining[k] -= killed
                out_kills[k, day] += killed
        out_stock[:, day] = stock
    return {"stock": out_stock, "arrivals": np.repeat(arrivals[:, None], horizon, axis=1),
            "kills": out_kills}


# --- arrivals ------------------------------------------------------------------------------------


def draw_arrivals(rng: np.random.Generator, mean: float, dispersion: float, size: int) -> np.ndarray:
    """Threat arrivals of one class and day for `size` runs (see the module docstring)."""
    if mean <= 0:
        return np.zeros(size, dtype=np.int64)
    if dispersion == 0:
        whole = math.floor(mean)
        frac = mean - whole
        if frac == 0:
            return np.full(size, whole, dtype=np.int64)
        return whole + (rng.random(size) < frac).astype(np.int64)
    if dispersion == 1:
        return rng.poisson(mean, size)
    if dispersion > 1:
        p = 1.0 / dispersion
        return rng.negative_binomial(mean * p / (1.0 - p), p, size)
    trials = math.ceil(mean / (1.0 - dispersion))
    return rng.binomial(trials, mean / trials, size)


def record_daily_counts(
    record: Any, start: Any, end: Any, classes: tuple[str, ...], command: str = "national"
) -> np.ndarray:
    """(day, class) launched per calendar day of [start, end] from the tidy record.

    Uses `report_date`, `command`, `weapon_class` and `launched` (see CONTRIBUTING); days without
    a wave count zero; rows of other classes (mixed, other, unknown) are left out.
    """
    import pandas as pd

    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    frame = record.loc[
        (record["command"] == command) & record["weapon_class"].isin(list(classes)),
        ["report_date", "weapon_class", "launched"],
    ].copy()
    frame["report_date"] = pd.to_datetime(frame["report_date"]).dt.normalize()
    frame = frame[(frame["report_date"] >= days[0]) & (frame["report_date"] <= days[-1])]
    frame["launched"] = pd.to_numeric(frame["launched"], errors="coerce").fillna(0).astype(float)
    table = frame.pivot_table(index="report_date", columns="weapon_class", values="launched",
                              aggfunc="sum", fill_value=0.0)
    table = table.reindex(index=days, columns=list(classes), fill_value=0.0).fillna(0.0)
    return table.to_numpy(dtype=float)


def resolve_record(record: Any, scenario: Scenario) -> Any:
    """The tidy record as a DataFrame, from a frame, a path, or the default location."""
    if record is not None and not isinstance(record, str | Path):
        return record
    try:
        from analysis.record import load_record, resolve_record_path
    except ImportError as error:  # the record module is not there yet
        raise ScenarioError(
            f"{scenario.source}: key 'threats.from_record': needs the public record ({error})"
        ) from None
    path = resolve_record_path(record if record else None)
    return load_record(path)


# --- the engine ----------------------------------------------------------------------------------


class _Streams:
    """Generators of one block, created on first use, keyed by (kind, layer, class)."""

    def __init__(self, seed: int, block: int) -> None:
        self.seed = seed
        self.block = block
        self._cache: dict[tuple[int, int, int], np.random.Generator] = {}

    def get(self, kind: int, layer: int = 0, cls: int = 0) -> np.random.Generator:
        key = (kind, layer, cls)
        rng = self._cache.get(key)
        if rng is None:
            sequence = np.random.SeedSequence(self.seed, spawn_key=(self.block, kind, layer, cls))
            rng = np.random.Generator(np.random.PCG64(sequence))
            self._cache[key] = rng
        return rng


def simulate(
    scenario: Scenario,
    *,
    runs: int | None = None,
    seed: int | None = None,
    chunk_runs: int | None = None,
    record: Any = None,
    keep_runs: bool = False,
    band_runs: int = DEFAULT_BAND_RUNS,
    calibrate: bool = True,
) -> SimulationResult:
    """Run the Monte Carlo of `scenario` (semantics in the module docstring).

    `runs`/`seed` override the scenario's; `chunk_runs` bounds memory (rounded up to whole blocks
    of `BLOCK_RUNS`, results do not depend on it); `record` is the tidy record (DataFrame or path)
    for scenarios that resample or calibrate from it; `keep_runs` keeps every run's daily series
    in `result.kept` (memory: runs x days x series); `calibrate=False` ignores a calibration block.
    """
    runs = int(scenario.runs if runs is None else runs)
    seed = int(scenario.seed if seed is None else seed)
    if runs < 1:
        raise ScenarioError(f"{scenario.source}: key 'runs': value {runs!r}: must be at least 1")
    calibration_report = None
    record_frame = None
    if scenario.needs_record:
        record_frame = resolve_record(record, scenario)
    if calibrate and scenario.calibration is not None:
        from analysis.model.calibration import calibrate as solve

        scenario, calibration_report = solve(scenario, record=record_frame)

    chunk = max(1, math.ceil((chunk_runs or DEFAULT_CHUNK_RUNS) / BLOCK_RUNS)) * BLOCK_RUNS
    horizon = scenario.horizon_days
    names = list(scenario.interceptors)
    classes = list(scenario.classes)
    n_int, n_cls = len(names), len(classes)
    deliveries = delivery_schedule(scenario)
    fewest = min_shots(scenario)
    threshold = np.array([fewest[n] if fewest[n] is not None else 0 for n in names])
    initial = np.array([scenario.interceptors[n].stock for n in names], dtype=np.int64)
    unit_cost = np.array([scenario.interceptors[n].unit_cost_usd for n in names])
    attacker_cost = np.array([scenario.attacker_costs_usd.get(c) or 0.0 for c in classes])
    class_index = {c: k for k, c in enumerate(classes)}
    plan = [
        (
            j,
            None if layer.interceptor is None else names.index(layer.interceptor),
            layer.capacity_per_day,
            layer.cost_per_engagement_usd,
            [(class_index[c], e.shots, layer.engage_probability[c], e.kill_probability)
             for c, e in layer.engages.items()],
        )
        for j, layer in enumerate(scenario.layers)
    ]
    day_table = None
    if scenario.record_threats is not None:
        rt = scenario.record_threats
        day_table = record_daily_counts(record_frame, rt.start, rt.end, rt.classes, rt.command)

    band = min(band_runs, runs)
    depletion_day = np.full((n_int, runs), NEVER, dtype=np.int32)
    run_arrivals = np.zeros((n_cls, runs), dtype=np.int64)
    run_kills = np.zeros((n_cls, runs), dtype=np.int64)
    run_shots = np.zeros((n_int, runs), dtype=np.int64)
    run_final = np.zeros((n_int, runs), dtype=np.int64)
    run_def = np.zeros(runs)
    run_att = np.zeros(runs)
    sum_stock = np.zeros((n_int, horizon))
    sum_arrivals = np.zeros((n_cls, horizon))
    sum_kills = np.zeros((n_cls, horizon))
    sum_shots = np.zeros((n_int, horizon))
    band_stock = np.zeros((n_int, horizon, band), dtype=np.int32)
    band_arrivals = np.zeros((n_cls, horizon, band), dtype=np.int32)
    band_kills = np.zeros((n_cls, horizon, band), dtype=np.int32)
    stocked_arrivals = np.zeros(n_cls)
    stocked_kills = np.zeros(n_cls)
    kept = None
    if keep_runs:
        kept = {
            "stock": np.zeros((n_int, horizon, runs), dtype=np.int32),
            "arrivals": np.zeros((n_cls, horizon, runs), dtype=np.int32),
            "kills": np.zeros((n_cls, horizon, runs), dtype=np.int32),
            "shots": np.zeros((n_int, horizon, runs), dtype=np.int32),
        }

    for first in range(0, runs, chunk):
        last = min(first + chunk, runs)
        n = last - first
        blocks = [
            (b, slice(s - first, min(s + BLOCK_RUNS, last) - first), _Streams(seed, b))
            for b, s in ((s // BLOCK_RUNS, s) for s in range(first, last, BLOCK_RUNS))
        ]

        def draw_binomial(
            count: np.ndarray, p: float, kind: int, layer: int, cls: int,
            blocks: list = blocks,
        ) -> np.ndarray:
            if p >= 1.0:
                return count.copy()
            if p <= 0.0:
                return np.zeros(count.shape, dtype=np.int64)
            if len(blocks) == 1:
                # a block with nothing to draw for leaves its stream untouched
                if not np.count_nonzero(count):
                    return np.zeros(count.shape, dtype=np.int64)
                return blocks[0][2].get(kind, layer, cls).binomial(count, p)
            out = np.zeros(count.shape, dtype=np.int64)
            for _, part, streams in blocks:
                block = count[part]
                if np.count_nonzero(block):
                    out[part] = streams.get(kind, layer, cls).binomial(block, p)
            return out

        stock = np.repeat(initial[:, None], n, axis=1)
        depleted = np.full((n_int, n), NEVER, dtype=np.int32)
        start_depleted = stock < threshold[:, None]
        depleted[start_depleted] = 0
        any_depleted = start_depleted.any(axis=0)
        arrivals = np.zeros((n_cls, n), dtype=np.int64)
        tot_arr = np.zeros((n_cls, n), dtype=np.int64)
        tot_kill = np.zeros((n_cls, n), dtype=np.int64)
        tot_shots = np.zeros((n_int, n), dtype=np.int64)
        def_cost = np.zeros(n)
        in_band = max(0, min(band, last) - first)

        for day in range(horizon):
            stock += deliveries[:, day][:, None]
            if day_table is None:
                for k, cls in enumerate(classes):
                    threat = scenario.threats[cls]
                    for _, part, streams in blocks:
                        arrivals[k, part] = draw_arrivals(
                            streams.get(ARRIVALS, 0, k), threat.per_day, threat.dispersion,
                            part.stop - part.start,
                        )
            else:
                scale = scenario.record_threats.scale
                for _, part, streams in blocks:
                    size = part.stop - part.start
                    pick = streams.get(RECORD_DAY).integers(0, day_table.shape[0], size)
                    scaled = day_table[pick].T * scale  # (class, run)
                    whole = np.floor(scaled)
                    for k in range(n_cls):
                        frac = scaled[k] - whole[k]
                        bump = streams.get(RECORD_ROUND, 0, k).random(size) < frac
                        arrivals[k, part] = whole[k].astype(np.int64) + bump
            remaining = arrivals.copy()
            kills_today = np.zeros((n_cls, n), dtype=np.int64)
            shots_today = np.zeros((n_int, n), dtype=np.int64)
            for j, i, capacity, cost_per_engagement, engages in plan:
                capacity_left = None if capacity is None else np.full(n, capacity, dtype=np.int64)
                free = i is None and capacity is None and not cost_per_engagement
                for k, shots, c, q in engages:
                    if free:
                        # nothing counts engagements here: the kills alone, one binomial
                        killed = draw_binomial(remaining[k], c * q, KILL, j, k)
                        remaining[k] -= killed
                        kills_today[k] += killed
                        continue
                    # the most engagements each run can make today (None: no limit)
                    limit = capacity_left
                    if i is not None:
                        can = stock[i] // shots
                        limit = can if limit is None else np.minimum(limit, can)
                    eligible = remaining[k] if limit is None else np.where(limit > 0, remaining[k], 0)
                    engaged = draw_binomial(eligible, c, ENGAGE, j, k)
                    if limit is not None:
                        np.minimum(engaged, limit, out=engaged)
                    if i is not None:
                        stock[i] -= engaged * shots
                        shots_today[i] += engaged * shots
                    if cost_per_engagement:
                        def_cost += engaged * cost_per_engagement
                    if capacity_left is not None:
                        capacity_left -= engaged
                    killed = draw_binomial(engaged, q, KILL, j, k)
                    remaining[k] -= killed
                    kills_today[k] += killed
            # depletion: first end of day with stock below the fewest shots per engagement
            newly = (stock < threshold[:, None]) & (depleted == NEVER)
            depleted[newly] = day + 1
            # "while stocked": days that end with every interceptor still able to engage (a day
            # on which a stock limit bound ends below the shots of one more engagement)
            any_depleted |= newly.any(axis=0)
            stocked = n - np.count_nonzero(any_depleted)
            if stocked == n:
                stocked_arrivals += arrivals.sum(axis=1)
                stocked_kills += kills_today.sum(axis=1)
            elif stocked:
                ok = ~any_depleted
                stocked_arrivals += arrivals[:, ok].sum(axis=1)
                stocked_kills += kills_today[:, ok].sum(axis=1)
            tot_arr += arrivals
            tot_kill += kills_today
            tot_shots += shots_today
            sum_stock[:, day] += stock.sum(axis=1)
            sum_arrivals[:, day] += arrivals.sum(axis=1)
            sum_kills[:, day] += kills_today.sum(axis=1)
            sum_shots[:, day] += shots_today.sum(axis=1)
            if in_band:
                band_stock[:, day, first:first + in_band] = stock[:, :in_band]
                band_arrivals[:, day, first:first + in_band] = arrivals[:, :in_band]
                band_kills[:, day, first:first + in_band] = kills_today[:, :in_band]
            if kept is not None:
                kept["stock"][:, day, first:last] = stock
                kept["arrivals"][:, day, first:last] = arrivals
                kept["kills"][:, day, first:last] = kills_today
                kept["shots"][:, day, first:last] = shots_today

        depletion_day[:, first:last] = depleted
        run_arrivals[:, first:last] = tot_arr
        run_kills[:, first:last] = tot_kill
        run_shots[:, first:last] = tot_shots
        run_final[:, first:last] = stock
        run_def[first:last] = def_cost + unit_cost @ tot_shots
        run_att[first:last] = attacker_cost @ tot_arr

    if calibration_report:
        # say how close the simulation came to the calibration target while stocks lasted
        for k, cls in enumerate(classes):
            entry = calibration_report["classes"].get(cls)
            if entry is not None and stocked_arrivals[k] > 0:
                entry["simulated_while_stocked"] = float(stocked_kills[k] / stocked_arrivals[k])
    return SimulationResult(
        scenario=scenario, runs=runs, seed=seed, interceptors=names, classes=classes,
        days=np.arange(1, horizon + 1), deliveries=deliveries, depletion_day=depletion_day,
        run_arrivals=run_arrivals, run_kills=run_kills, run_shots=run_shots,
        run_final_stock=run_final, run_defender_cost=run_def, run_attacker_cost=run_att,
        mean_stock=sum_stock / runs, mean_arrivals=sum_arrivals / runs,
        mean_kills=sum_kills / runs, mean_shots=sum_shots / runs, band_stock=band_stock,
        band_arrivals=band_arrivals, band_kills=band_kills, stocked_arrivals=stocked_arrivals,
        stocked_kills=stocked_kills, calibration=calibration_report, kept=kept,
    )
