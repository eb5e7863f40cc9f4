"""Sustainability: sustainable rates, required production, tornado and the heatmap grid, each checked
against a closed form or against the engine itself."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.model import sustainability
from analysis.model.depletion import simulate
from analysis.model.scenarios import scenario_from_dict


def fixed_scenario(per_day: int = 10, shots: int = 1, stock: int = 300, deliveries: float = 0.0,
                   horizon: int = 100) -> dict:
    """Fixed arrivals, pk 1, everything engaged: the closed-form case."""
    return {
        "name": "closed-form",
        "horizon_days": horizon,
        "runs": 20,
        "seed": 3,
        "threats": {"ballistic": {"per_day": per_day, "dispersion": 0}},
        "interceptors": {"sam": {"stock": stock, "deliveries_per_month": deliveries, "unit_cost_usd": 1e6}},
        "layers": [{"name": "sam", "interceptor": "sam",
                    "engages": {"ballistic": {"shots": shots, "pk": 1.0}}, "engage_probability": 1.0}],
        "attacker_costs_usd": {"ballistic": 3e6},
    }


def layered_scenario(per_day: float, stock: int = 1_000_000, capacity: int | None = None) -> dict:
    """Electronic warfare in front of an interceptor layer: the reach probability matters."""
    return {
        "name": "layered",
        "horizon_days": 200,
        "runs": 2000,
        "seed": 5,
        "threats": {"drone": {"per_day": per_day, "dispersion": 1.0}},
        "interceptors": {"sam": {"stock": stock, "deliveries_per_month": 365, "unit_cost_usd": 1e5}},
        "layers": [
            {"name": "ew", "engages": {"drone": {"shots": 1, "pk": 0.4}}, "engage_probability": 0.5},
            {"name": "sam", "interceptor": "sam", "engages": {"drone": {"shots": 2, "pk": 0.6}},
             "engage_probability": 0.8, "capacity_per_day": capacity},
        ],
        "attacker_costs_usd": {"drone": 5e4},
    }


def test_sustainable_rate_is_the_closed_form() -> None:
    scenario = scenario_from_dict(layered_scenario(per_day=20))
    table = sustainability.sustainable_rates(scenario)
    row = table.set_index("layer").loc["sam"]
    deliveries_per_day = 365 * 12 / 365
    reach = 1 - 0.5 * 0.4  # past the EW layer
    expected = deliveries_per_day / (reach * 0.8 * 2)
    assert row["sustainable_rate_per_day"] == pytest.approx(expected)
    assert row["sustainable_multiple"] == pytest.approx(expected / 20)
    use = sustainability.expected_use(scenario).set_index("layer")
    assert use.loc["sam", "reach_probability"] == pytest.approx(reach)


def test_at_the_sustainable_rate_the_engine_neither_drains_nor_grows() -> None:
    rate = sustainability.sustainable_rates(scenario_from_dict(layered_scenario(per_day=20)))[
        "sustainable_rate_per_day"].iloc[0]
    stock = 1_000_000
    changes = {}
    for factor in (1.0, 1.2):
        scenario = scenario_from_dict(layered_scenario(per_day=rate * factor, stock=stock))
        result = simulate(scenario, runs=2000, seed=5)
        change = result.run_final_stock[0] - stock
        changes[factor] = (change.mean(), change.std(ddof=1) / math.sqrt(change.size))
    mean, error = changes[1.0]
    assert abs(mean) < 4 * error + 1  # whole-missile deliveries may leave one short
    drain, drain_error = changes[1.2]
    assert drain < -10 * drain_error  # the test can tell: 20% above it the stock falls


def test_capacity_below_deliveries_is_sustainable_at_any_rate() -> None:
    # 5 engagements a day x 2 shots = 10 a day at most, deliveries 12 a day
    scenario = scenario_from_dict(layered_scenario(per_day=20, capacity=5))
    row = sustainability.sustainable_rates(scenario).iloc[0]
    assert math.isinf(row["sustainable_rate_per_day"])
    # capacity 8 (16 shots a day) can exceed the 12 delivered: the bisection over capacities finds
    # the crossing below the cap, where the closed form without capacity holds
    scenario = scenario_from_dict(layered_scenario(per_day=20, capacity=8))
    row = sustainability.sustainable_rates(scenario).iloc[0]
    assert row["sustainable_rate_per_day"] == pytest.approx(12 / (0.8 * 0.8 * 2), rel=1e-6)


def test_required_production_matches_the_closed_form() -> None:
    per_day, stock, horizon, target = 10, 300, 100, 0.74
    scenario = scenario_from_dict(fixed_scenario(per_day=per_day, stock=stock, horizon=horizon))
    found = sustainability.required_production(
        scenario, "sam", target=target, confidence=0.9, runs=20, tolerance=0.0)

    # pk 1, fixed arrivals, more arrivals than deliveries: every interceptor there is gets used, so
    # kills over the horizon = min(d H, S + delivered by day H); smallest whole monthly figure:
    def holds(monthly: int) -> bool:
        delivered = math.floor(horizon * monthly * 12 / 365 + 1e-9)
        return min(per_day * horizon, stock + delivered) >= target * per_day * horizon

    expected = next(m for m in range(10_000) if holds(m))
    assert found.reachable and found.deliveries_per_month == expected
    assert found.probability == 1.0
    assert all(share == (1.0 if holds(int(d)) else 0.0) for d, share in found.steps if d == int(d))


def test_required_production_says_when_the_layers_cannot_reach_the_target() -> None:
    data = fixed_scenario()
    data["layers"][0]["engages"]["ballistic"]["pk"] = 0.5
    found = sustainability.required_production(scenario_from_dict(data), "sam", target=0.74, runs=20)
    assert not found.reachable and "below the target" in found.note


def test_tornado_ranks_stock_first_and_matches_the_depletion_closed_form() -> None:
    scenario = scenario_from_dict(fixed_scenario(per_day=10, shots=2, stock=300, horizon=60))
    ranges = pd.DataFrame([
        ("interceptors.sam.stock", 200, 600, "test"),
        ("layers.sam.engages.ballistic.pk", 0.5, 0.9, "test: pk does not change shots fired"),
    ], columns=["parameter", "low", "high", "source"])
    table = sustainability.tornado(scenario, "sam", ranges, runs=20)
    assert list(table["parameter"]) == ["interceptors.sam.stock", "layers.sam.engages.ballistic.pk"]
    stock_row = table.iloc[0]
    # a stock of S with d threats a day at n shots each runs out on day ceil(S / (d n))
    assert stock_row["days_at_low"] == math.ceil(200 / 20)
    assert stock_row["days_at_high"] == math.ceil(600 / 20)
    assert stock_row["base_days"] == math.ceil(300 / 20)
    assert table.iloc[1]["swing"] == 0


def test_depletion_grid_matches_the_stock_and_flow_closed_form() -> None:
    scenario = scenario_from_dict(fixed_scenario(per_day=5, shots=2, stock=400, horizon=120))
    table = sustainability.depletion_grid(
        scenario, "threats.ballistic.per_day", [5, 8], "interceptors.sam.deliveries_per_month",
        [0, 61], runs=20)
    assert (table["status"] == "ok").all() and len(table) == 4

    def first_passage(d: int, monthly: float) -> float:
        stock = 400
        for t in range(1, 121):
            stock += math.floor(t * monthly * 12 / 365 + 1e-9) - math.floor((t - 1) * monthly * 12 / 365 + 1e-9)
            stock -= min(d, stock // 2) * 2
            if stock < 2:
                return t
        return np.nan

    for row in table.to_dict("records"):
        expected = first_passage(int(row["threats.ballistic.per_day"]),
                                 row["interceptors.sam.deliveries_per_month"])
        got = row["days_to_depletion.sam.median"]
        assert (np.isnan(expected) and pd.isna(got)) or got == expected


def test_stocked_rate_is_the_layered_formula_and_the_engine_agrees() -> None:
    scenario = scenario_from_dict(layered_scenario(per_day=20))
    expected = 1 - (1 - 0.5 * 0.4) * (1 - 0.8 * (1 - (1 - 0.6) ** 2))
    assert sustainability.stocked_rate(scenario, ["drone"]) == pytest.approx(expected)
    summary = simulate(scenario, runs=400, seed=9).summary()
    # 400 runs x 200 days x 20 threats: the standard error is about 0.0008
    assert summary["interception_rate_by_class"]["drone"]["mean"] == pytest.approx(expected, abs=0.004)


def test_tornado_simulates_a_range_end_equal_to_the_base_once(monkeypatch) -> None:
    scenario = scenario_from_dict(fixed_scenario(per_day=10, shots=2, stock=300, horizon=60))
    ranges = pd.DataFrame([("interceptors.sam.stock", 300, 600, "test: low end is the base")],
                          columns=["parameter", "low", "high", "source"])
    calls = []
    real = simulate

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("analysis.model.depletion.simulate", counting)
    table = sustainability.tornado(scenario, "sam", ranges, runs=20)
    assert len(calls) == 2  # the base (= the low end) and the high end
    row = table.iloc[0]
    # the reused base is the closed-form day ceil(S / (d n)) for both the base and the low end
    assert row["days_at_low"] == row["base_days"] == math.ceil(300 / 20)
    assert row["days_at_high"] == math.ceil(600 / 20)
