"""Sustainability of the air defense: what attack the deliveries keep up with, and which
assumptions move the days the stocks last most.

- `expected_use(scenario)`: per layer and class, the chance an arriving threat reaches the layer
  (every earlier layer stocked), the interceptors it spends on it on average, and the daily use at
  the scenario's arrival rates: the layered leak formula, in closed form.
- `sustainable_rates(scenario)`: the long run (analysis.model.longrun) as a table, one row per
  interceptor: the multiple of today's attack and the threats a day its deliveries sustain with
  every interceptor limited by its own deliveries, what it fires now and what is delivered.
- `engine_check(scenario, ...)`: the long-run figures against the Monte Carlo: for every
  interceptor, at 0.9 and 1.15 times its own multiple, over three years, the share of runs in which
  it runs short (with its Monte Carlo error), it starting at four months of its deliveries and
  every other interceptor at its reserve; it agrees at most 20% below, at least 80% above. Where
  it does not and the attack comes in waves, the same point is simulated again on the same mean
  attack drawn as independent Poisson days (`without_waves`): if that agrees, the multiple holds
  on average and the waves are what empty a stock of four months (verdict `waves`).
- `tornado(scenario, ranges)`: one parameter at a time at its low and high value, the median day
  the interceptor (or one class of it) runs out, capped at the horizon, sorted by swing.
- `depletion_grid(scenario, ...)`: the sweep (analysis.model.sweep) of days-to-depletion over attack
  intensity x deliveries, as a table ready for a heatmap.
- `production_table(scenario, ...)`: `required_production` (analysis.model.production, re-exported
  here) for every interceptor a layer fires, with a second target where the first is out of reach.
- `heatmap_axes(scenario, focus)`: the heatmap's attack and delivery values around today's.

Calibration follows the one rule of analysis.model.calibration everywhere: every variant (a pk
in the tornado, a grid point) keeps the values it sets and is calibrated again for the rest, the
same as `python -m analysis simulate --set`. Where the calibration target is the uncertain
figure, the tornado varies the target itself.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import ScenarioError
from analysis.model import montecarlo as mc
from analysis.model.longrun import long_run, mean_arrivals
from analysis.model.production import (  # noqa: F401 - the analyses of report 05 in one place
    DEFAULT_TARGET,
    ProductionRequirement,
    calibrated,
    fluid_rate,
    holding_share,
    interceptor_classes,
    record_frame,
    required_production,
    stocked_rate,
)
from analysis.model.scenarios import Scenario, apply_overrides, scenario_from_dict

CHECK_FACTORS = (0.9, 1.15)
CHECK_DAYS = 3 * 365
CHECK_STOCK_DAYS = 120  # the check starts the interceptor checked at four months of its deliveries
CHECK_SHARES = (0.2, 0.8)  # agreement: runs short in at most 20% below its multiple, at least 80% above
CHECK_RUNS = 200  # runs of each check simulation in report 05 (a share to about +-3 points)
# half the spread of the record's monthly rates, December 2025 - May 2026 [record-2026-h1-monthly-rates]
# (missiles destroyed); the Kinzhal's months (a handful of launches each) go from 0 to 0.154
TARGET_SPREAD = {"drone": 0.053, "cruise": 0.137, "ballistic": 0.2, "kinzhal": 0.077}


def expected_use(
    scenario: Scenario, arrivals_per_day: Mapping[str, float] | None = None, record: Any = None,
) -> pd.DataFrame:
    """Per layer and class engaged: reach probability, expected shots per arriving threat, use per day.

    While stocks last and capacity does not bind, a threat of class k reaches layer j with
    probability prod over earlier layers i engaging k of (1 - c_i q_i), and layer j spends on it
    c_j x shots_j on average. `capacity_per_day` is listed but not applied here.
    """
    rates = mean_arrivals(scenario, record, arrivals_per_day)
    reach = dict.fromkeys(scenario.classes, 1.0)
    rows = []
    for order, layer in enumerate(scenario.layers):
        for cls, engagement in layer.engages.items():
            c = layer.engage_probability[cls]
            shots_per_threat = reach[cls] * c * engagement.shots
            rows.append({
                "order": order, "layer": layer.name, "interceptor": layer.interceptor, "class": cls,
                "arrivals_per_day": rates[cls], "reach_probability": reach[cls],
                "engage_probability": c, "shots": engagement.shots,
                "kill_probability": engagement.kill_probability,
                "shots_per_arriving_threat": shots_per_threat,
                "use_per_day": rates[cls] * shots_per_threat,
                "capacity_per_day": layer.capacity_per_day,
            })
            reach[cls] *= 1.0 - c * engagement.kill_probability
    return pd.DataFrame(rows)


def sustainable_rates(
    scenario: Scenario, arrivals_per_day: Mapping[str, float] | None = None, record: Any = None,
) -> pd.DataFrame:
    """The long run per interceptor (analysis.model.longrun), calibrated by the one rule.

    Columns: interceptor, classes (engaged, comma-separated), threats_per_day (of those classes
    now), used_per_day (now, all stocked), delivered_per_day, sustainable_multiple,
    sustainable_threats_per_day (inf: any attack), net_drain_per_day (now),
    needed_deliveries_per_month_together / _alone, is_limiting; `attrs["defense_multiple"]`.
    """
    record = record_frame(scenario, record)
    figures = long_run(calibrated(scenario, record), record, arrivals_per_day)
    rows = []
    for name, item in figures.interceptors.items():
        rows.append({
            "interceptor": name, "classes": ", ".join(item["classes"]),
            "threats_per_day": item["threats_per_day"], "used_per_day": item["used_per_day"],
            "delivered_per_day": item["delivered_per_day"],
            "sustainable_multiple": item["sustainable_multiple"],
            "sustainable_threats_per_day": item["sustainable_threats_per_day"],
            "net_drain_per_day": item["used_per_day"] - item["delivered_per_day"],
            "needed_deliveries_per_month_together": item["needed_deliveries_per_month_together"],
            "needed_deliveries_per_month_alone": item["needed_deliveries_per_month_alone"],
            "deliveries_per_month": item["deliveries_per_month"],
            "is_limiting": name == figures.limiting,
        })
    table = pd.DataFrame(rows)
    table.attrs["defense_multiple"] = figures.defense_multiple
    table.attrs["limiting"] = figures.limiting
    table.attrs["arrivals_per_day"] = figures.arrivals_per_day
    return table


def class_rates(scenario: Scenario, record: Any = None) -> pd.DataFrame:
    """Per interceptor and class it answers, the rate of that class its deliveries keep up with,
    the others at today's (analysis.model.longrun.class_rate), calibrated by the one rule.
    Columns: interceptor, class, per_day (inf: any), multiple, today_per_day, answered_today."""
    record = record_frame(scenario, record)
    figures = long_run(calibrated(scenario, record), record, per_class=True)
    rows = [{"interceptor": name, "class": cls, **item}
            for name, by_class in (figures.classes or {}).items() for cls, item in by_class.items()]
    return pd.DataFrame(rows, columns=["interceptor", "class", "multiple", "per_day", "today_per_day", "answered_today"])


def defense_multiple_by_deliveries(
    scenario: Scenario, interceptor: str, factors: Sequence[float] = (0.5, 2.0), record: Any = None,
) -> dict[float, float]:
    """The whole defense's long-run multiple with `interceptor`'s deliveries a month times each
    factor, the rest as assumed (the range the deliveries assumption alone spans)."""
    record = record_frame(scenario, record)
    key = f"interceptors.{interceptor}.deliveries_per_month"
    now = scenario.interceptors[interceptor].deliveries_per_month
    return {factor: float(sustainable_rates(scenario.with_overrides({key: now * factor}, origin="deliveries range"),
                                            record=record).attrs["defense_multiple"])
            for factor in factors}


def scaled(scenario: Scenario, factor: float) -> Scenario:
    """The scenario with every class's arrivals multiplied by `factor`."""
    if scenario.forecast_threats is not None:
        return scenario.with_overrides(
            {"threats.from_forecast.scale": scenario.forecast_threats.scale * factor},
            origin="attack multiple")
    if scenario.threats is None:
        return scenario.with_overrides({"threats.scale": scenario.record_threats.scale * factor},
                                       origin="attack multiple")
    return scenario.with_overrides({f"threats.{c}.per_day": scenario.threats[c].per_day * factor
                                    for c in scenario.classes}, origin="attack multiple")


def reserve_of(scenario: Scenario, interceptor: str) -> int:
    """The interceptors the layers firing `interceptor` keep for one class (their reserves, a held
    salvo included): the stock it settles near when it is drained."""
    return sum(sum(layer.effective_reserve.values()) for layer in scenario.layers if layer.interceptor == interceptor)


def engine_check(
    scenario: Scenario, *, runs: int = 1000, seed: int | None = None, record: Any = None,
    factors: Sequence[float] = CHECK_FACTORS, days: int = CHECK_DAYS,
    stock_days: float = CHECK_STOCK_DAYS,
) -> pd.DataFrame:
    """Every interceptor's long-run multiple against the Monte Carlo (module doc).

    For each interceptor with a finite multiple, at each factor x its multiple, the attack is
    simulated for `days` days with that interceptor starting at `stock_days` of its deliveries
    (so that a 15% shortfall empties it within three years) and every other at its reserve
    (`reserve_of`: what it holds once drained). The long run says: below the multiple it keeps up,
    above it drains; the engine agrees when it runs short (of any class it covers) in at most
    `CHECK_SHARES[0]` of runs below and in at least `CHECK_SHARES[1]` above, as far as the runs can
    tell (the 95% interval of the share reaches that side). Where it does not and the attack
    comes in waves (`has_waves`), the point is simulated again without them (`without_waves`, same
    runs and seed): `verdict` is `agrees`, `waves` (the multiple holds on the same mean attack;
    the waves empty the stock) or `disagrees`. Columns: interceptor, limiting, factor, multiple,
    ran_out_share and its mcse, count and interval, long_run_says, agrees, without_waves_share and
    count (None where not run), verdict, the mean change of its stock a day against what the long
    run expects (deliveries - use), runs, days, start_stock; `attrs["note"]` says which
    interceptors could not be checked and why.
    A scenario whose values change is checked as it settles (its last day's values)."""
    from analysis.model.depletion import simulate

    record = record_frame(scenario, record)
    solved = calibrated(scenario, record).settled
    figures = long_run(solved, record)
    columns = ["interceptor", "limiting", "factor", "multiple", "ran_out_share", "mcse"]
    rows, notes = [], []
    for name, item in figures.interceptors.items():
        multiple = item["sustainable_multiple"]
        if not math.isfinite(multiple):
            notes.append(f"{name} keeps up with any attack (nothing to check)")
            continue
        if multiple <= 0:
            notes.append(f"{name} drains at any attack (its deliveries cannot keep up with any)")
            continue
        delivered = solved.interceptors[name].deliveries_per_day
        stocks = {f"interceptors.{n}.stock": (int(round(delivered * stock_days)) if n == name else reserve_of(solved, n))
                  for n in solved.interceptors}
        for factor in factors:
            try:
                variant = scaled(solved, factor * multiple).with_overrides(
                    {"horizon_days": days, **stocks}, origin="engine check")
                result = simulate(variant, runs=runs, seed=seed, record=record, calibrate=False)
            except ScenarioError as error:  # e.g. the attack it needs is beyond a bound of the schema
                notes.append(f"the engine check could not run for {name} at {factor:g} x its multiple "
                             f"({factor * multiple:,.4g} x today's attack): {error}")
                break
            # the stock stopped keeping up: the first shortage of any class it covers (the
            # interceptor's own day, when it can engage no class, may never come while it
            # answers a cheaper class)
            ran_out = np.isfinite(result.first_shortage_days(name))
            i = result.interceptors.index(name)
            start = stocks[f"interceptors.{name}.stock"]
            change = (result.run_final_stock[i] - start) / days
            share = float(ran_out.mean())
            low, high = mc.share_interval(int(ran_out.sum()), runs)
            drains = factor > 1  # what the long run says: below the multiple it keeps up, above it drains
            agrees = _agrees(low, high, drains)
            smooth = None
            if not agrees and has_waves(variant):
                # the same mean attack without the waves: the multiple is a statement about means
                calm = simulate(without_waves(variant, record), runs=runs, seed=seed, record=record, calibrate=False)
                smooth = np.isfinite(calm.first_shortage_days(name))
            rows.append({
                "interceptor": name, "limiting": name == figures.limiting, "factor": factor,
                "multiple": factor * multiple, "ran_out_share": share, "mcse": mc.proportion_se(share, runs),
                "ran_out_count": int(ran_out.sum()),
                "ran_out_interval": [low, high],
                "long_run_says": "drains" if drains else "keeps up",
                "agrees": agrees,
                "without_waves_share": None if smooth is None else float(smooth.mean()),
                "without_waves_count": None if smooth is None else int(smooth.sum()),
                "verdict": ("agrees" if agrees else "waves" if smooth is not None and _agrees(
                    *mc.share_interval(int(smooth.sum()), runs), drains) else "disagrees"),
                "stock_change_per_day": float(change.mean()), "stock_change_mcse": mc.mean_se(change),
                "expected_change_per_day": steady_delivery_gap(solved, name, factor * multiple,
                                                               figures.arrivals_per_day),
                "runs": runs, "days": days, "start_stock": start,
            })
    table = pd.DataFrame(rows, columns=None if rows else columns)
    if figures.interceptors and all(math.isinf(item["sustainable_multiple"]) for item in figures.interceptors.values()):
        notes = ["nothing to check: no interceptor drains at any attack"]
    table.attrs["note"] = "; ".join(notes)
    return table


def _agrees(low: float, high: float, drains: bool) -> bool:
    """Whether a share of runs short with this 95% interval agrees with what the long run says."""
    return bool(high >= CHECK_SHARES[1] if drains else low <= CHECK_SHARES[0])


def has_waves(scenario: Scenario) -> bool:
    """Whether the scenario's days vary more than independent Poisson days: arrivals from the
    record or the forecast, or a class with dispersion above 1."""
    return scenario.threats is None or any(t.dispersion > 1 for t in scenario.threats.values())


def without_waves(scenario: Scenario, record: Any = None) -> Scenario:
    """The scenario with every class's mean arrivals a day (`longrun.mean_arrivals`) drawn as
    independent Poisson days: the attack the long run's mean flows describe, without its waves."""
    means = mean_arrivals(scenario, record)
    return scenario.with_overrides(
        {"threats": {cls: {"per_day": means[cls], "dispersion": 1.0} for cls in scenario.classes}},
        origin="without waves")


def steady_delivery_gap(scenario: Scenario, interceptor: str, multiple: float,
                        arrivals: Mapping[str, float]) -> float:
    """Deliveries less demand a day at `multiple` (positive: the stock grows on average)."""
    from analysis.model.longrun import steady_state

    flow = steady_state(scenario, arrivals, multiple)
    return scenario.interceptors[interceptor].deliveries_per_day - flow.demand[interceptor]


# --- sensitivity ---------------------------------------------------------------------------------


def capped_median_days(result: Any, interceptor: str, cls: str | None = None) -> tuple[float, bool]:
    """Median day `interceptor` (or its class `cls`) runs out, capped at the horizon; and whether
    the cap applied."""
    days = result.depletion_days(interceptor) if cls is None else result.class_depletion_days(interceptor, cls)
    median = float(np.median(np.minimum(days, result.horizon_days)))
    return median, bool(np.median(days) > result.horizon_days)


def default_ranges(scenario: Scenario, interceptor: str) -> pd.DataFrame:
    """Low/high values of the parameters that drive `interceptor`, each with where the range comes
    from (the keys of data/sources.yaml in brackets)."""
    rows = []
    stock = scenario.interceptors[interceptor].stock
    deliveries = scenario.interceptors[interceptor].deliveries_per_month
    rows.append((f"interceptors.{interceptor}.stock", stock * 0.5, stock * 2.0,
                 "stocks are not public: half to twice the assumed stock [assumed-stocks]"))
    rows.append((f"interceptors.{interceptor}.deliveries_per_month", deliveries * 0.5,
                 max(deliveries * 2.0, 1.0),
                 "Ukraine's share of output is not public: half to twice [assumed-deliveries]"))
    targets = scenario.calibration.target if scenario.calibration is not None else None
    for layer in scenario.layers:
        if layer.interceptor != interceptor:
            continue
        for cls, engagement in layer.engages.items():
            base = f"layers.{layer.name}.engages.{cls}"
            rows.append((f"{base}.pk", max(0.0, engagement.pk - 0.2), min(1.0, engagement.pk + 0.2),
                         "no authoritative public value: +-0.2 [assumed-kill-probabilities]"))
            high_shots = 4 if cls == "ballistic" else engagement.shots + 1
            rows.append((f"{base}.shots", max(1, engagement.shots - (cls != "ballistic")), max(high_shots, 2),
                         "firing doctrine is not published [assumed-shots]"))
            solved = scenario.calibration is not None and cls not in layer.engage_given
            if not solved:
                c = layer.engage_probability[cls]
                rows.append((f"layers.{layer.name}.engage_probability.{cls}", max(0.0, c - 0.2),
                             min(1.0, c + 0.2), "set in the scenario: +-0.2 (assumption)"))
    for cls in interceptor_classes(scenario, interceptor):
        if targets and targets.get(cls) is not None:
            spread = TARGET_SPREAD.get(cls, 0.1)
            rows.append((f"calibration.target.{cls}", max(0.0, targets[cls] - spread),
                         min(1.0, targets[cls] + spread),
                         "the record's monthly rates of the period swing this much "
                         "[record-2026-h1-monthly-rates]"))
        if scenario.threats is not None:
            per_day = scenario.threats[cls].per_day
            rows.append((f"threats.{cls}.per_day", per_day * 0.5, per_day * 2.0,
                         "attack intensity: half to twice the scenario's (assumption)"))
    return pd.DataFrame(rows, columns=["parameter", "low", "high", "source"])


def tornado(
    scenario: Scenario,
    interceptor: str,
    ranges: pd.DataFrame | None = None,
    *,
    runs: int = 1000,
    seed: int | None = None,
    record: Any = None,
    cls: str | None = None,
) -> pd.DataFrame:
    """One-at-a-time sensitivity of the median day `interceptor` (or its class `cls`) runs out.

    Every variant uses the same seed (common random numbers) and the one calibration rule. Returns
    one row per parameter with base, low and high values and results and `swing` = |high result -
    low result|, largest first; `mcse` is the largest Monte Carlo error of the medians compared.
    """
    from analysis.model.depletion import simulate

    record = record_frame(scenario, record)
    seed = scenario.seed if seed is None else seed
    ranges = default_ranges(scenario, interceptor) if ranges is None else ranges
    base_data = scenario.to_dict()
    done: dict[str, tuple[float, bool, float | None]] = {}

    def median_at(overrides: Mapping[str, Any]) -> tuple[float, bool, float | None]:
        data = apply_overrides(base_data, overrides, source=f"{scenario.source} (tornado)")
        # an end of a range equal to the base value (e.g. 2 shots, range 2-4) is the base
        # scenario again: same seed, same numbers, so simulate each distinct scenario once
        key = json.dumps(data, sort_keys=True, default=str)
        if key not in done:
            variant = scenario_from_dict(data, source=scenario.source)
            result = simulate(variant, runs=runs, seed=seed, record=record)
            median, capped = capped_median_days(result, interceptor, cls)
            days = result.depletion_days(interceptor) if cls is None else result.class_depletion_days(interceptor, cls)
            done[key] = (median, capped, mc.quantile_se(np.minimum(days, result.horizon_days), 0.5))
        return done[key]

    base_days, base_capped, base_se = median_at({})
    rows = []
    for item in ranges.to_dict("records"):
        key = item["parameter"]
        low, high = item["low"], item["high"]
        if key.endswith(".shots") or key.endswith(".stock"):
            low, high = int(round(low)), int(round(high))
        low_days, low_capped, low_se = median_at({key: low})
        high_days, high_capped, high_se = median_at({key: high})
        errors = [e for e in (base_se, low_se, high_se) if e is not None]
        rows.append({
            "parameter": key, "base_value": _lookup(base_data, key), "low": low, "high": high,
            "days_at_low": low_days, "days_at_high": high_days, "base_days": base_days,
            "swing": abs(high_days - low_days), "capped": low_capped or high_capped or base_capped,
            "mcse": max(errors) if errors else None, "source": item.get("source", ""),
        })
    return pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def _lookup(data: Mapping[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if isinstance(node, list):
            matches = [x for x in node if isinstance(x, Mapping) and str(x.get("name")) == part]
            node = matches[0] if matches else node[int(part)]
        elif isinstance(node, Mapping):
            node = node.get(part)
        else:
            return node
    return node


def depletion_grid(
    scenario: Scenario,
    intensity_key: str,
    intensity_values: Sequence[float],
    deliveries_key: str,
    deliveries_values: Sequence[float],
    *,
    runs: int = 500,
    scheduler: str = "local",
    record: Any = None,
    output: str | None = None,
) -> pd.DataFrame:
    """Sweep (analysis.model.sweep) of the scenario over intensity x deliveries (each point
    calibrated by the one rule). Each point's seed derives from its values."""
    from analysis.model.sweep import grid_from_dict, run_sweep

    grid = grid_from_dict(
        {"runs": runs, "grid": {intensity_key: list(intensity_values), deliveries_key: list(deliveries_values)}},
        source=f"{scenario.source} (heatmap grid)",
        base_scenario=scenario.to_dict(),
    )
    return run_sweep(grid, scheduler=scheduler, output=output, progress=False).table


def production_table(
    scenario: Scenario, *, target: float, confidence: float, runs: int, seed: int | None = None,
    record: Any = None, hold_margin: float = 0.05,
) -> pd.DataFrame:
    """Per interceptor that some layer fires: the deliveries a month that hold `target` of its
    classes stopped in `confidence` of runs (`required_production`), beside today's.

    Where no production reaches the target (the layers stop less even with full stocks), a second
    target is searched: the share stopped with full stocks less `hold_margin`. Columns: classes
    (tuple), delivered_now, holding_now, needed (NaN: out of reach), holding_then, note, certainty,
    and for a second target second_target, needed_second, second_note; indexed by interceptor.
    """
    record = record_frame(scenario, record)
    solved = calibrated(scenario, record)
    rows = []
    for interceptor in scenario.interceptors:
        classes = interceptor_classes(solved, interceptor)
        if not classes:
            continue
        found = required_production(scenario, interceptor, target=target, confidence=confidence,
                                    runs=runs, seed=seed, record=record)
        row = {"interceptor": interceptor, "classes": classes,
               "delivered_now": found.current_deliveries_per_month, "holding_now": found.current_probability,
               "needed": found.deliveries_per_month, "holding_then": found.probability,
               "note": found.note, "certainty": found.certainty}
        best = stocked_rate(solved, classes) if scenario.threats is not None else None
        if not found.reachable and best is not None and best < target:
            second = required_production(scenario, interceptor, target=max(0.0, best - hold_margin),
                                         confidence=confidence, runs=runs, seed=seed, record=record)
            row.update({"second_target": second.target, "needed_second": second.deliveries_per_month,
                        "second_note": second.note or second.certainty})
        rows.append(row)
    return pd.DataFrame(rows).set_index("interceptor") if rows else pd.DataFrame(
        columns=["classes", "delivered_now", "holding_now", "needed", "holding_then", "note", "certainty"],
    ).rename_axis("interceptor")


def heatmap_axes(
    scenario: Scenario, focus: str, cls: str | None = None, *, steps: int = 4, record: Any = None,
    arrivals_per_day: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The heatmap's two axes for interceptor `focus`: the arrivals a day of its class (`cls`, or
    the class it fires most at) from 0.5 to 2 times today's, and its deliveries a month from 0.5 to
    4 times today's (at least 1), `steps` values each. Returns class, intensity_key,
    intensities, deliveries_key, deliveries."""
    if scenario.threats is None:
        raise ScenarioError(f"{scenario.source}: the heatmap needs a scenario with per_day threat rates")
    if cls is None:
        use = expected_use(calibrated(scenario, record_frame(scenario, record)), arrivals_per_day, record)
        fired = use[use["interceptor"] == focus].groupby("class")["use_per_day"].sum()
        if fired.empty:
            raise ScenarioError(f"{scenario.source}: no layer fires interceptor {focus!r}")
        cls = str(fired.idxmax())
    now = scenario.interceptors[focus].deliveries_per_month
    return {
        "class": cls,
        "intensity_key": f"threats.{cls}.per_day",
        "intensities": [round(scenario.threats[cls].per_day * f, 2) for f in np.linspace(0.5, 2.0, steps)],
        "deliveries_key": f"interceptors.{focus}.deliveries_per_month",
        "deliveries": sorted({round(max(now, 1.0) * f) for f in np.geomspace(0.5, 4.0, steps)}),
    }
