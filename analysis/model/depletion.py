"""The interceptor depletion model: a Monte Carlo of stocks, shots, kills and leakers, day by day.

Semantics (the benchmarks' reference implementations follow exactly this)
--------------------------------------------------------------------------
Each run simulates days 1..H (H = `horizon_days`). A layer's or a threat's `changes` set new
values from their day on (`Scenario.on_day`); every rule below reads the values of the day.
Within a day, in this order:

1. **Deliveries.** Each interceptor's deliveries arrive at the start of the day, in whole
   missiles: with R(t) the interceptors the monthly flow has brought by the end of day t (the
   flow in force each day: `deliveries_per_month` x 12 / 365 a day from day 1, then each
   `{from_day, per_month}` of its `deliveries`; one flow r from day 1 gives R(t) = t r), day t
   brings floor(R(t)) - floor(R(t - 1)) interceptors (so after t days exactly floor(R(t)) have
   arrived), plus the dated lumps `{day, count}` of that day. The schedule is deterministic and
   the same in every run.
2. **Arrivals.** Threats of each class arrive, drawn independently per class and day:
   dispersion D = variance / mean. D = 0: fixed, `per_day` itself when whole, else floor(m) plus
   one with probability frac(m) (stochastic rounding). D = 1: Poisson(m). D > 1: negative
   binomial with mean m and variance D m. 0 < D < 1: binomial(N, m / N) with N = ceil(m / (1 - D))
   (variance close to D m). With `threats.from_record`, a whole day of the record's national waves
   (by report date, days without a wave count as zero, all classes of that day together) is drawn
   uniformly from the period and each class count is multiplied by `scale` (stochastic rounding);
   with `arrivals: record-blocks`, each run draws a block of `block_days` consecutive days of the
   period (its first day uniform over the period; a block that passes the period's last day goes
   on from its first, so every day of the period is as likely on every simulated day and the mean
   a day is the period's) and lives through them in order, then draws the next block: lulls and
   the largest attacks come as they came. With
   `threats.from_forecast`, each run's arrivals are one sample path of daily launches drawn
   from the tempo forecast fitted to the record (`analysis.model.forecast_threats`).
3. **Layers**, in the order listed. A threat reaching a layer is "eligible" if the layer engages
   its class. Each eligible threat is wanted for an engagement with probability c
   (`engage_probability`): wanted = binomial(eligible, c). An engagement takes `shots`
   interceptors at once; the layer's daily capacity (engagements, all classes together) and its
   interceptor's stock limit how many are made, shared between the classes by the layer's
   `allocation` rule and `reserve` (analysis.model.allocation: `priority` serves the classes in
   the order `engages` lists them; `proportional` cuts every class by one factor; a reserve keeps
   interceptors for one class). **Salvo doctrine**, per layer and class, when fewer interceptors
   are left for the class than one engagement needs: `salvo: hold` (the default) keeps them for
   the next full engagement (deliveries accumulate), and with `held: keep` the class keeps one
   full salvo from the layer's other classes (a reserve of `shots`); `salvo: partial` fires what
   is left at one more wanted threat, with the kill probability of that many shots. The stock
   falls by the interceptors fired ("shots fired"), spent whether or not they kill; killed =
   binomial(engaged, 1 - (1 - pk)^shots) (a partial engagement of n: a Bernoulli of
   1 - (1 - pk)^n); every threat not killed goes on to the next layer. A layer without an
   `interceptor` is limited only by capacity.
   How the engine draws this (exact, the same distribution): a *free* layer (no interceptor, no
   capacity limit, no `cost_per_engagement_usd`) counts no engagements, so its kills are one
   binomial(eligible, c x (1 - (1 - pk)^shots)) (a binomial thinned by a binomial is a binomial);
   a run that can make no engagement of a class today draws its wanted threats only while the day
   it first runs short is still to come (nothing else depends on them), and a block of runs in
   which no run has anything to draw leaves that stream untouched.
4. **Leakers** (threats that got through) are the threats still alive after the last layer.
   A class no layer engages (S-300/S-400 fired at ground targets, `sam`) is launched and gets
   through.
5. **Running out.** An interceptor *runs out for a class* on the first day some threats of that
   class that a layer firing it wanted to engage (point 3: a threat it would not have engaged
   anyway does not count) were not engaged, while the interceptors left for that class (the
   stock less other classes' reserves) after the layer's engagements of it could not pay for one
   more engagement (with partial salvos: none were left) and the layer's capacity had room for
   one: threats went unanswered for lack of interceptors. A day on which the capacity was used
   up is not a shortage of interceptors, whatever the stock. It is a first passage: deliveries
   may let the layer engage again later (it then fires what is delivered), and the day stays.
   An interceptor *runs out* on the first day it can engage no class it covers (engages with a
   probability above 0): on that day some threats went unanswered for lack of it (a shortage
   above), and for every class it covers, in every layer firing it at that class, either threats
   of the class went unanswered that way, or it wanted none of them while the interceptors left
   for the class after the layer's turn (stock less other classes' reserves) could not have paid
   for one engagement (with capacity to spare). A day on which it engaged every threat of some
   class it wanted to, however few, does not count. So an interceptor that can still answer
   one class every day never runs out, though it ran out for another class long ago; with one
   class, its day is that class's day. A stock of 0 whose deliveries keep up with use never runs
   out; a run that does not run out within the horizon is censored.
6. **Costs.** Defender spending = interceptors fired x unit cost + engagements of every layer x
   its `cost_per_engagement_usd` (counted when fired, not when delivered; on a layer with an
   interceptor it is the cost of an engagement on top of its interceptors, e.g. crew, radar,
   launcher wear). Attacker spending = arrivals x `attacker_costs_usd` of the class (none when a
   class has no cost). Cost per kill = defender spending / kills; cost-exchange ratio = defender
   spending / attacker spending (totals over all runs).

Interception rate = kills / arrivals (per day, per run over the horizon, per class). The rate
"while stocked" counts each run's days before its first shortage (point 5) of any interceptor
for any class: the days on which no stock limit left a threat unanswered.

Random numbers and reproducibility
----------------------------------
Runs are grouped in fixed blocks of `BLOCK_RUNS`. Every (block, stream) pair has its own
`numpy.random.Generator` from `SeedSequence(seed, spawn_key=(block, kind, layer, class))`,
kind 0 = arrivals, 1 = engagement, 2 = kills (a free layer's single draw included), 3 = record
day (or block), 4 = record rounding, 5 = the forecast's sample paths (each run's daily arrivals
for the whole horizon, drawn when its block starts), 6 = the kills of partial salvos. Whether a
block draws at all depends only on that block's runs. So the same seed
gives the same numbers whatever `chunk_runs` (a chunk is a whole number of blocks), and the
arrival draws do not depend on stocks, deliveries or layers at all (common random numbers for
searches over deliveries); engagement and kill draws of one layer and class stay in their own
streams. Draws are vectorised over the runs of a block; the only Python loops are over days,
blocks, layers and classes. Memory is bounded by `chunk_runs` plus per-run totals; per-day bands
come from the first `band_runs` runs (kept whole), per-day means and every summary from all runs.
`check_size` refuses a simulation beyond `MAX_RUNS`, `MAX_RUN_DAYS` or the memory limit before
anything is allocated.

Assumptions and limits in plain words: threats of a day arrive together and are independent
across classes and days (unless resampled from the record, which keeps each day's mix, and in
blocks its runs of days); a layer's engagement chance and kill probability do not change with
saturation, and change with time only on the days the scenario states; all shots at one threat
are fired together (no shoot-look-shoot); layers share an interceptor in their order; the
defended value of what gets through is not modelled; stocks are not public (the shipped values
are labelled assumptions).

The summary (`SimulationResult.summary()`, what `python -m analysis simulate` prints) is described
in analysis.model.results.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from analysis.errors import ScenarioError
from analysis.model.allocation import Claim, allocate
from analysis.model.flows import cumulative_flow, delivery_schedule, deterministic
from analysis.model.forecast_threats import draw_paths, fit_forecast
from analysis.model.results import NEVER, QUANTILES, SimulationResult
from analysis.model.scenarios import Scenario
from analysis.model.schema import MAX_RUNS, MAX_SEED

__all__ = ["BLOCK_RUNS", "NEVER", "QUANTILES", "SimulationResult", "check_size", "delivery_schedule",
           "deterministic", "draw_arrivals", "record_daily_counts", "resolve_record", "simulate"]

BLOCK_RUNS = 2000  # runs sharing one set of random streams; a chunk is a whole number of blocks
DEFAULT_CHUNK_RUNS = 20_000
DEFAULT_BAND_RUNS = 2000
MAX_RUN_DAYS = 1_000_000_000  # runs x days: a quarter of an hour or more of one core
MEMORY_LIMIT_ENV = "AIRDEF_MEMORY_LIMIT_GB"
DEFAULT_MEMORY_LIMIT_GB = 4.0
BAND_BYTES = 256 * 2**20  # per-day bands of the first runs: fewer runs when days are many
INT32_MAX = np.iinfo(np.int32).max

ARRIVALS, ENGAGE, KILL, RECORD_DAY, RECORD_ROUND, FORECAST_PATHS, PARTIAL_KILL = range(7)


# --- size limits ---------------------------------------------------------------------------------


MEMORY_LIMIT_RANGE_GB = (0.1, 4096.0)


def memory_limit_bytes() -> int:
    """The memory a simulation may plan to use: $AIRDEF_MEMORY_LIMIT_GB (default 4 GB). A value
    that is not a number of gigabytes in MEMORY_LIMIT_RANGE_GB is a usage error, never ignored."""
    from analysis.errors import UsageError

    text = os.environ.get(MEMORY_LIMIT_ENV, "").strip()
    if not text:
        return int(DEFAULT_MEMORY_LIMIT_GB * 2**30)
    low, high = MEMORY_LIMIT_RANGE_GB
    try:
        gigabytes = float(text)
    except ValueError:
        gigabytes = math.nan
    if not low <= gigabytes <= high:  # nan, inf, text and out of range alike
        raise UsageError(f"${MEMORY_LIMIT_ENV}={text[:40]!r}: a number of gigabytes from {low:g} to "
                         f"{high:g} (default {DEFAULT_MEMORY_LIMIT_GB:g})")
    return int(gigabytes * 2**30)


def check_size(scenario: Scenario, runs: int, seed: int, chunk_runs: int, band_runs: int,
               keep_runs: bool) -> int:
    """Refuse, before allocating anything, a simulation beyond what memory and time allow; return
    the band runs to keep (fewer when the horizon is long). Errors say the limit and the way out."""
    where = scenario.source
    if not 1 <= runs <= MAX_RUNS:
        raise ScenarioError(f"{where}: runs: {runs:,}: from 1 to {MAX_RUNS:,} runs in one simulation; "
                            "for more, run several seeds and pool them (the Monte Carlo error falls "
                            "as 1/sqrt(runs): 100,000 runs already give a rate to about +-0.1 point)")
    if not 0 <= seed <= MAX_SEED:
        raise ScenarioError(f"{where}: seed: {seed}: a whole number from 0 (seeds cannot be negative)")
    if chunk_runs < 1:
        raise ScenarioError(f"{where}: chunk_runs: {chunk_runs}: at least 1 (runs held in memory at once)")
    horizon = scenario.horizon_days
    if runs * horizon > MAX_RUN_DAYS:
        raise ScenarioError(
            f"{where}: runs x horizon_days = {runs:,} x {horizon:,} = {runs * horizon:,} run-days, over "
            f"the limit of {MAX_RUN_DAYS:,} (hours of computing): use fewer runs or a shorter horizon, "
            "or split the runs over several seeds and pool them")
    for name, interceptor in scenario.interceptors.items():
        most = (interceptor.stock + float(cumulative_flow(interceptor, horizon)[-1])
                + sum(count for _, count in interceptor.lumps()))
        if most > INT32_MAX:
            raise ScenarioError(
                f"{where}: interceptors.{name}: stock {interceptor.stock:,} plus deliveries over "
                f"{horizon:,} days ({most:,.0f}) exceeds {INT32_MAX:,}, the most the engine counts")
    n_int, n_cls = len(scenario.interceptors), len(scenario.classes)
    n_pairs = sum(len(layer.engages) for layer in scenario.layers if layer.interceptor)
    series = n_int + 2 * n_cls
    band = max(1, min(band_runs, runs, BAND_BYTES // max(1, horizon * series * 4)))
    chunk = min(runs, max(1, math.ceil(chunk_runs / BLOCK_RUNS)) * BLOCK_RUNS)
    per_run = 8 * (3 * n_int + 4 * n_cls + 2) + 4 * (n_int + n_pairs)
    planned = (runs * per_run + band * horizon * series * 4 + chunk * 8 * (6 * n_cls + 4 * n_int + n_pairs)
               + horizon * 8 * series)
    if keep_runs:
        planned += runs * horizon * 4 * (2 * n_int + 2 * n_cls)
    limit = memory_limit_bytes()
    if planned > limit:
        raise ScenarioError(
            f"{where}: runs {runs:,} x horizon_days {horizon:,}" + (" with every run kept" if keep_runs else "")
            + f" needs about {planned / 2**30:,.1f} GB, over the limit of {limit / 2**30:,.1f} GB "
            f"(${MEMORY_LIMIT_ENV} raises it): use fewer runs, a smaller chunk_runs (--chunk-runs; "
            "it bounds the daily working memory), or split the runs over several seeds")
    return band


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

    Uses `report_date`, `command`, `weapon_class`, `model` and `launched` (see CONTRIBUTING);
    days without a wave count zero; rows are put in the scenario's classes as
    analysis.model.record_classes says (S-300/S-400 as `sam` where the scenario lists it); rows of
    other classes (mixed, other, unknown) are left out.
    """
    from analysis.model.record_classes import daily_counts

    return daily_counts(record, start, end, classes, "launched", command).to_numpy(dtype=float)


def resolve_record(record: Any, scenario: Scenario) -> Any:
    """The tidy record as a DataFrame, from a frame, a path, or the default location."""
    if record is not None and not isinstance(record, str | Path):
        return record
    from analysis.record import load_record, resolve_record_path

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


def _plan(layers: tuple, names: list[str], classes: list[str], pairs: list[tuple[str, str]]) -> tuple[list, list]:
    """Per layer: (index, interceptor index, capacity, cost, rule, free, claims with their engage
    and kill probabilities, pair index and the kill probability of each partial salvo's size);
    which (interceptor, class) pairs are covered (engaged with a probability above 0). `pairs` is
    extended with any pair not yet listed."""
    class_index = {c: k for k, c in enumerate(classes)}
    covered = [False] * len(pairs)
    plan = []
    for j, layer in enumerate(layers):
        i = None if layer.interceptor is None else names.index(layer.interceptor)
        kept = layer.effective_reserve
        claims = []
        for cls, engagement in layer.engages.items():
            c = layer.engage_probability[cls]
            pair = None
            if i is not None:
                if (layer.interceptor, cls) not in pairs:
                    pairs.append((layer.interceptor, cls))
                    covered.append(False)
                pair = pairs.index((layer.interceptor, cls))
                covered[pair] = covered[pair] or c > 0
            partial = engagement.salvo == "partial" and engagement.shots > 1 and i is not None
            claim = Claim(class_index[cls], engagement.shots, kept.get(cls, 0), partial)
            by_size = (np.array([engagement.kill_probability_of(n) for n in range(engagement.shots)])
                       if partial else None)
            claims.append((claim, c, engagement.kill_probability, pair, by_size))
        free = i is None and layer.capacity_per_day is None and not layer.cost_per_engagement_usd
        plan.append((j, i, layer.capacity_per_day, layer.cost_per_engagement_usd, layer.allocation,
                     free, claims))
    return plan, covered


def _plans(scenario: Scenario, names: list[str], classes: list[str]) -> tuple[dict[int, tuple], list]:
    """The plan of day 1 and of every day a layer changes ({day index: (plan, covered pairs per
    interceptor)}), and the (interceptor, class) pairs of all of them."""
    pairs: list[tuple[str, str]] = []
    days = [1, *[d for d in scenario.change_days if d <= scenario.horizon_days
                 and any(day == d for layer in scenario.layers for day, _ in layer.changes)]]
    built = {}
    for day in days:
        layers = tuple(layer.on_day(day) for layer in scenario.layers) if day > 1 or any(
            layer.changes for layer in scenario.layers) else scenario.layers
        built[day - 1] = _plan(layers, names, classes, pairs)
    out = {}
    for index, (plan, covered) in built.items():
        covered = covered + [False] * (len(pairs) - len(covered))
        mine = [[p for p in range(len(pairs)) if pairs[p][0] == name and covered[p]] for name in names]
        out[index] = (plan, mine)
    return out, pairs


def _threat_days(scenario: Scenario, horizon: int) -> dict[int, list[tuple[float, float]]] | None:
    """{day index: [(per_day, dispersion) per class]} for day 1 and every day a threat changes;
    None without parametric threats."""
    if scenario.threats is None:
        return None
    days = [1, *[d for d in scenario.change_days if d <= horizon]]
    return {day - 1: [(t.per_day, t.dispersion) for t in (scenario.threats[c].on_day(day) for c in scenario.classes)]
            for day in days}


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
    run_offset: int = 0,
) -> SimulationResult:
    """Run the Monte Carlo of `scenario` (semantics in the module docstring).

    `runs`/`seed` override the scenario's; `chunk_runs` bounds memory (rounded up to whole blocks
    of `BLOCK_RUNS`, results do not depend on it); `record` is the tidy record (DataFrame or path)
    for scenarios that resample or calibrate from it; `keep_runs` keeps every run's daily series
    in `result.kept` (memory: runs x days x series); `calibrate=False` ignores a calibration block
    (engage probabilities the scenario does not give are then 1). `run_offset` (a multiple of
    `BLOCK_RUNS`) makes these the runs run_offset.. of a larger simulation, with that
    simulation's random streams: `analysis.model.parallel` splits blocks across processes this
    way and merges the parts into exactly the one-process result.
    """
    runs = int(scenario.runs if runs is None else runs)
    seed = int(scenario.seed if seed is None else seed)
    chunk_runs = DEFAULT_CHUNK_RUNS if chunk_runs is None else int(chunk_runs)
    band = check_size(scenario, runs, seed, chunk_runs, band_runs, keep_runs)
    if run_offset < 0 or run_offset % BLOCK_RUNS:
        raise ValueError(f"run_offset {run_offset}: a non-negative multiple of {BLOCK_RUNS}")
    calibration_report = None
    record_frame = None
    if scenario.needs_record and (calibrate or scenario.record_threats is not None
                                  or scenario.forecast_threats is not None):
        record_frame = resolve_record(record, scenario)
    if calibrate and scenario.calibration is not None:
        from analysis.model.calibration import calibrate as solve

        scenario, calibration_report = solve(scenario, record=record_frame)

    chunk = max(1, math.ceil(chunk_runs / BLOCK_RUNS)) * BLOCK_RUNS
    horizon = scenario.horizon_days
    names = list(scenario.interceptors)
    classes = list(scenario.classes)
    n_int, n_cls = len(names), len(classes)
    deliveries = delivery_schedule(scenario)
    plans, pairs = _plans(scenario, names, classes)
    threat_days = _threat_days(scenario, horizon)
    n_pairs = len(pairs)
    initial = np.array([scenario.interceptors[n].stock for n in names], dtype=np.int64)
    unit_cost = np.array([scenario.interceptors[n].unit_cost_usd for n in names])
    attacker_cost = np.array([scenario.attacker_costs_usd.get(c) or 0.0 for c in classes])
    day_table = None
    block_days = None
    if scenario.record_threats is not None:
        rt = scenario.record_threats
        day_table = record_daily_counts(record_frame, rt.start, rt.end, rt.classes, rt.command)
        block_days = rt.block_days if rt.arrivals == "record-blocks" else None
    forecast = None
    if scenario.forecast_threats is not None:
        forecast = fit_forecast(scenario.forecast_threats, record_frame, seed, scenario.source)

    class_out_day = np.full((n_pairs, runs), NEVER, dtype=np.int32)
    depletion_day = np.full((n_int, runs), NEVER, dtype=np.int32)
    pair_interceptor = [names.index(name) for name, _ in pairs]
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
    run_stocked_arrivals = np.zeros((n_cls, runs), dtype=np.int64)
    run_stocked_kills = np.zeros((n_cls, runs), dtype=np.int64)
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
            for b, s in (((run_offset + s) // BLOCK_RUNS, s) for s in range(first, last, BLOCK_RUNS))
        ]

        def draw_binomial(
            count: np.ndarray, p: Any, kind: int, layer: int, cls: int,
            blocks: list = blocks,
        ) -> np.ndarray:
            array = isinstance(p, np.ndarray)  # a partial salvo's chance per run
            if not array and p >= 1.0:
                return count.copy()
            if not array and p <= 0.0:
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
                    out[part] = streams.get(kind, layer, cls).binomial(block, p[part] if array else p)
            return out

        stock = np.repeat(initial[:, None], n, axis=1)
        out_day = np.full((n_pairs, n), NEVER, dtype=np.int32)
        interceptor_day = np.full((n_int, n), NEVER, dtype=np.int32)
        any_short = np.zeros(n, dtype=bool)
        arrivals = np.zeros((n_cls, n), dtype=np.int64)
        tot_arr = np.zeros((n_cls, n), dtype=np.int64)
        stocked_arr = np.zeros((n_cls, n), dtype=np.int64)  # before the run's first shortage
        stocked_kill = np.zeros((n_cls, n), dtype=np.int64)
        tot_kill = np.zeros((n_cls, n), dtype=np.int64)
        tot_shots = np.zeros((n_int, n), dtype=np.int64)
        def_cost = np.zeros(n)
        in_band = max(0, min(band, last) - first)
        forecast_paths = None if forecast is None else [
            draw_paths(forecast, scenario.forecast_threats, part.stop - part.start, horizon,
                       streams.get(FORECAST_PATHS), scenario.source) for _, part, streams in blocks]
        block_starts: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * len(blocks)

        for day in range(horizon):
            if day in plans:
                plan, covered_pairs = plans[day]
            if threat_days is not None and day in threat_days:
                threat_values = threat_days[day]
            stock += deliveries[:, day][:, None]
            if forecast_paths is not None:
                for (_, part, _), paths in zip(blocks, forecast_paths, strict=True):
                    arrivals[:, part] = paths[:, day]
            elif day_table is None:
                for k, (mean, dispersion) in enumerate(threat_values):
                    for _, part, streams in blocks:
                        arrivals[k, part] = draw_arrivals(
                            streams.get(ARRIVALS, 0, k), mean, dispersion, part.stop - part.start,
                        )
            else:
                scale = scenario.record_threats.scale
                for b, (_, part, streams) in enumerate(blocks):
                    size = part.stop - part.start
                    if block_days is None:
                        pick = streams.get(RECORD_DAY).integers(0, day_table.shape[0], size)
                    else:  # a block of consecutive days of the record, a new one every block_days
                        if day % block_days == 0:
                            block_starts[b] = streams.get(RECORD_DAY).integers(0, day_table.shape[0], size)
                        # circular: past the period's last day a block goes on from its first
                        pick = (block_starts[b] + day % block_days) % day_table.shape[0]
                    scaled = day_table[pick].T * scale  # (class, run)
                    whole = np.floor(scaled)
                    for k in range(n_cls):
                        frac = scaled[k] - whole[k]
                        bump = streams.get(RECORD_ROUND, 0, k).random(size) < frac
                        arrivals[k, part] = whole[k].astype(np.int64) + bump
            remaining = arrivals.copy()
            kills_today = np.zeros((n_cls, n), dtype=np.int64)
            shots_today = np.zeros((n_int, n), dtype=np.int64)
            short_today = np.zeros((n_pairs, n), dtype=bool)
            out_today = np.ones((n_pairs, n), dtype=bool)  # could engage none of the class today
            for j, i, capacity, cost_per_engagement, rule, free, claims in plan:
                if free:
                    # nothing counts engagements here: the kills alone, one binomial
                    for claim, c, q, _, _ in claims:
                        killed = draw_binomial(remaining[claim.k], c * q, KILL, j, claim.k)
                        remaining[claim.k] -= killed
                        kills_today[claim.k] += killed
                    continue
                engage = {claim.k: (c, pair) for claim, c, _, pair, _ in claims}

                def wanted(claim, eligible, engageable, j=j, engage=engage, out_day=out_day,
                           interceptor_day=interceptor_day):
                    c, pair = engage[claim.k]
                    if engageable is not None and pair is not None and not engageable.all():
                        # where the layer cannot engage, the wanted threats only tell whether the
                        # run runs short today: drawn while its first shortage is still to come
                        pending = (out_day[pair] == NEVER) | (interceptor_day[pair_interceptor[pair]] == NEVER)
                        eligible = np.where(engageable | pending, eligible, 0)
                    elif engageable is not None and not engageable.all():
                        eligible = np.where(engageable, eligible, 0)
                    return draw_binomial(eligible, c, ENGAGE, j, claim.k)

                engaged, short, out, partial = allocate(
                    rule, remaining, None if i is None else stock[i],
                    None if capacity is None else np.full(n, capacity, dtype=np.int64),
                    [claim for claim, _, _, _, _ in claims], wanted,
                )
                for (claim, c, q, pair, by_size), count, lacking, none_left, fired in zip(
                        claims, engaged, short, out, partial, strict=True):
                    killed = draw_binomial(count, q, KILL, j, claim.k)
                    if i is not None:
                        shots_today[i] += count * claim.shots
                        if c > 0:
                            short_today[pair] |= lacking
                            out_today[pair] &= none_left
                    if fired is not None and fired.any():
                        # a partial salvo: as many shots as were left, the kill chance of that many
                        shots_today[i] += fired
                        killed = killed + draw_binomial((fired > 0).astype(np.int64), by_size[fired],
                                                        PARTIAL_KILL, j, claim.k)
                        count = count + (fired > 0)
                    if cost_per_engagement:
                        def_cost += count * cost_per_engagement
                    remaining[claim.k] -= killed
                    kills_today[claim.k] += killed
            # running out: first day each (interceptor, class) left threats unanswered
            newly = short_today & (out_day == NEVER)
            out_day[newly] = day + 1
            # an interceptor runs out on the first day it could engage no class it covers
            for i, mine in enumerate(covered_pairs):
                if mine:
                    empty = out_today[mine].all(axis=0) & short_today[mine].any(axis=0)
                    interceptor_day[i, empty & (interceptor_day[i] == NEVER)] = day + 1
            # "while stocked": days before a run's first shortage of any kind
            any_short |= short_today.any(axis=0)
            stocked = n - np.count_nonzero(any_short)
            if stocked == n:
                stocked_arr += arrivals
                stocked_kill += kills_today
            elif stocked:
                ok = ~any_short
                stocked_arr[:, ok] += arrivals[:, ok]
                stocked_kill[:, ok] += kills_today[:, ok]
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

        class_out_day[:, first:last] = out_day
        depletion_day[:, first:last] = interceptor_day
        run_arrivals[:, first:last] = tot_arr
        run_stocked_arrivals[:, first:last] = stocked_arr
        run_stocked_kills[:, first:last] = stocked_kill
        run_kills[:, first:last] = tot_kill
        run_shots[:, first:last] = tot_shots
        run_final[:, first:last] = stock
        run_def[first:last] = def_cost + unit_cost @ tot_shots
        run_att[first:last] = attacker_cost @ tot_arr

    stocked_arrivals = run_stocked_arrivals.sum(axis=1).astype(float)
    stocked_kills = run_stocked_kills.sum(axis=1).astype(float)
    if calibration_report:
        # how close the simulation came to the calibration target before any shortage
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
        stocked_kills=stocked_kills, pairs=pairs, class_out_day=class_out_day,
        run_stocked_arrivals=run_stocked_arrivals, run_stocked_kills=run_stocked_kills,
        calibration=calibration_report, kept=kept, extra={"block_runs": BLOCK_RUNS},
    )

