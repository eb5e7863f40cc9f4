"""The headline figures of the depletion reports, computed once for both (reports 04 and 05).

`depletion_briefing(scenario, runs=..., seed=...)` simulates the scenario and gathers what a reader
is told first: for each interceptor and class it covers, the day it can no longer answer every
threat of that class (median, 10th-90th percentile of runs, Monte Carlo error, as dates from
`start`); the same day with the assumed stock halved and doubled (the range over the assumption
beside the range over the attack's randomness); what it fires a day; the share of each class
stopped before any shortage and over the last weeks of the horizon; spending, cost per threat
stopped and the cost-exchange ratio, with the ratio the defense would have if no stock ran short;
whether the assumptions fit the record they are calibrated on (the back-cast of each stock,
analysis.model.backcast); today's attack beside the record's latest three months; and what
counting missiles that failed on their own as stopped would add to the interceptors fired.
Same scenario, seed and runs give the same figures in every report.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np

from analysis.model import montecarlo as mc
from analysis.model.longrun import long_run
from analysis.model.results import SimulationResult
from analysis.model.scenarios import Scenario

END_DAYS = 60  # "the last weeks": the share stopped over the horizon's last 60 days
STOCK_FACTORS = (0.5, 2.0)
RANGE_RUNS = 2000  # runs of each stock-range simulation (at most)


def day_date(start: dt.date, day: float | None) -> dt.date | None:
    """The calendar date of simulated day `day` (day 1 = `start`)."""
    if day is None or not math.isfinite(day):
        return None
    return start + dt.timedelta(days=int(day) - 1)


def _class_days(result: SimulationResult, interceptor: str, cls: str, start: dt.date) -> dict[str, Any]:
    days = result.class_depletion_days(interceptor, cls)
    share = float(np.isfinite(days).mean())
    median = mc.quantile(days, 0.5)
    low, high = mc.quantile(days, 0.1), mc.quantile(days, 0.9)
    finite = [v if math.isfinite(v) else None for v in (median, low, high)]
    return {
        "interceptor": interceptor, "class": cls,
        "median": finite[0], "p10": finite[1], "p90": finite[2],
        "mcse": mc.quantile_se(days, 0.5), "share_by_horizon": share,
        "share_mcse": mc.proportion_se(share, result.runs),
        "median_date": day_date(start, finite[0]), "p10_date": day_date(start, finite[1]),
        "p90_date": day_date(start, finite[2]),
    }


def _end_rates(result: SimulationResult, days: int = END_DAYS) -> dict[str, dict[str, Any]]:
    """Share of each class stopped over the horizon's last `days` days: all runs, and the
    10th-90th percentile over the band runs (the attack's randomness)."""
    days = min(days, result.horizon_days)
    rates = {}
    for k, cls in enumerate(result.classes):
        arrivals = result.mean_arrivals[k, -days:].sum()
        kills = result.mean_kills[k, -days:].sum()
        band_arrivals = result.band_arrivals[k, -days:, :].sum(axis=0).astype(float)
        band_kills = result.band_kills[k, -days:, :].sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            per_run = np.where(band_arrivals > 0, band_kills / band_arrivals, np.nan)
        band = mc.band(per_run)
        rates[cls] = {"rate": float(kills / arrivals) if arrivals > 0 else None,
                      "p10": band["p10"], "p90": band["p90"], "mcse": band["mcse"]["mean"],
                      "days": days}
    return rates


def _stocked_costs(scenario: Scenario, figures: Any) -> dict[str, float | None]:
    """Spending a day, threats stopped a day and attack spending a day at today's attack with every
    stock in hand (expected values): what the cost-exchange ratio would be without shortages."""
    from analysis.model.longrun import steady_state

    flow = steady_state(scenario, figures.arrivals_per_day, 1.0, limited=False)
    spending = sum(flow.demand[n] * i.unit_cost_usd for n, i in scenario.interceptors.items())
    engagements_cost = 0.0
    flows = dict(figures.arrivals_per_day)
    for layer in scenario.layers:  # engagements of layers that charge for them, in the same flow
        for cls, engagement in layer.engages.items():
            engaged = flows[cls] * layer.engage_probability[cls]
            if layer.capacity_per_day is not None:
                engaged = min(engaged, layer.capacity_per_day)
            engagements_cost += engaged * layer.cost_per_engagement_usd
            flows[cls] -= engaged * engagement.kill_probability
    spending += engagements_cost
    attack = None
    if scenario.has_attacker_costs:
        attack = sum(figures.arrivals_per_day[c] * scenario.attacker_costs_usd[c] for c in scenario.classes)
    stopped = sum(flow.kills.values())
    return {"spending_per_day_usd": spending, "attacker_per_day_usd": attack,
            "cost_per_kill_usd": spending / stopped if stopped else None,
            "cost_exchange_ratio": spending / attack if attack else None}


def depletion_briefing(
    scenario: Scenario, *, runs: int, seed: int, start: dt.date, record: Any = None,
    stock_factors: tuple[float, ...] = STOCK_FACTORS,
) -> dict[str, Any]:
    """The headline figures of one scenario (module doc); JSON-ready apart from dates."""
    from analysis.model.depletion import simulate

    result = simulate(scenario, runs=runs, seed=seed, record=record)
    summary = result.summary()
    solved = result.scenario
    figures = long_run(solved, record)
    pairs = [_class_days(result, i, c, start) for i, c in result.pairs
             if any(layer.interceptor == i and layer.engage_probability.get(c, 0) > 0
                    for layer in solved.layers)]
    ends = _end_rates(result)
    before = summary["interception_rate_while_stocked"]
    first = min((p for p in pairs if p["median"] is not None), key=lambda p: p["median"], default=None)
    # the interceptors a reader hears about: the first to run short, and the one answering the class
    # whose share stopped falls most (relative to where it was), by its earliest shortage
    falls = {c: 1.0 - (ends[c]["rate"] or 0.0) / before[c] if before.get(c) else 0.0 for c in result.classes}
    short = [p for p in pairs if p["median"] is not None]
    deepest = max(short, key=lambda p: (falls[p["class"]], -p["median"]), default=None)
    if deepest is not None:
        deepest = min((p for p in short if p["interceptor"] == deepest["interceptor"]), key=lambda p: p["median"])
    key_pairs = []
    for pair in (first, deepest):
        if pair is not None and all(pair["interceptor"] != k["interceptor"] for k in key_pairs):
            key_pairs.append(pair)
    range_runs = min(runs, RANGE_RUNS)
    stock_range: dict[str, list[dict[str, Any]]] = {}
    for pair in key_pairs:
        base_stock = scenario.interceptors[pair["interceptor"]].stock
        stock_range[pair["interceptor"]] = []
        for factor in stock_factors:
            stock = int(round(base_stock * factor))
            variant = scenario.with_overrides({f"interceptors.{pair['interceptor']}.stock": stock},
                                              origin="stock range")
            other = simulate(variant, runs=range_runs, seed=seed, record=record)
            stock_range[pair["interceptor"]].append(
                {"factor": factor, "stock": stock, "runs": range_runs,
                 **_class_days(other, pair["interceptor"], pair["class"], start)})
    from analysis.model.backcast import backcast, record_at_hand
    from analysis.model.calibration import target_choice
    from analysis.model.record_classes import latest_attack
    from analysis.model.sustainability import expected_use

    frame = record_at_hand(record)
    consistency = backcast(scenario, frame)
    latest = latest_attack(frame, scenario.classes)
    choice = target_choice(scenario, frame) if frame is not None else None

    by_class_use: dict[tuple[str, str], float] = {}  # interceptors a day by class, all stocked
    for row in expected_use(solved, figures.arrivals_per_day).to_dict("records"):
        if row["interceptor"] is not None:
            by_class_use[(row["interceptor"], row["class"])] = (
                by_class_use.get((row["interceptor"], row["class"]), 0.0) + row["use_per_day"])
    return {
        "scenario": scenario.name, "description": scenario.description, "source": scenario.source,
        "runs": result.runs, "seed": result.seed, "horizon_days": result.horizon_days,
        "start": start, "end": day_date(start, result.horizon_days),
        "arrivals_per_day": figures.arrivals_per_day,
        "interceptors": {name: {"stock": i.stock, "deliveries_per_month": i.deliveries_per_month,
                                "unit_cost_usd": i.unit_cost_usd,
                                "used_per_day": figures.interceptors.get(name, {}).get("used_per_day"),
                                "use_by_class": {c: v for (n, c), v in by_class_use.items() if n == name}}
                         for name, i in scenario.interceptors.items()},
        "run_out": pairs, "first": first, "key_pairs": key_pairs, "stock_range": stock_range,
        "rates_before_shortage": summary["interception_rate_while_stocked"],
        "rates_over_horizon": {c: v["mean"] for c, v in summary["interception_rate_by_class"].items()},
        "rates_at_end": ends,
        "targets": {c: v["target"] for c, v in (summary["calibration"] or {}).get("classes", {}).items()},
        "interception_rate": summary["interception_rate"],
        "leakers_per_day": summary["leakers_per_day"],
        "costs": {"spending_per_day_usd": summary["cost_per_day_usd"],
                  "attacker_per_day_usd": summary["attacker_cost_per_day_usd"],
                  "cost_per_kill_usd": summary["cost_per_kill_usd"],
                  "cost_exchange_ratio": summary["cost_exchange_ratio"],
                  "mcse": summary["mcse"], "missing": summary["attacker_costs_missing"]},
        "costs_if_stocked": _stocked_costs(solved, figures),
        "long_run": figures.as_dict(),
        "backcast": consistency.as_dict(),
        "latest_months": latest,
        "target_choice": None if choice is None else choice.to_dict("records"),
        "doctrine": {layer.name: {cls: {"salvo": e.salvo, "held": e.held, "shots": e.shots}
                                  for cls, e in layer.engages.items()}
                     for layer in scenario.layers if layer.interceptor},
        "calibration": summary["calibration"],
        "summary": summary,
        "result": result,
    }
