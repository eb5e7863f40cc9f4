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


def chain(per_day: float, layers: list[tuple[int, float, float, int | None]], dispersion: float = 1.0,
          stock: int = 10**6) -> dict:
    """One threat class through interceptor layers (shots, pk, delivered a day, capacity), all engaged."""
    return {
        "name": "chain", "horizon_days": 60, "seed": 5,
        "threats": {"t": {"per_day": per_day, "dispersion": dispersion}},
        "interceptors": {f"i{n}": {"stock": stock, "deliveries_per_month": delivered * 365 / 12}
                         for n, (_, _, delivered, _) in enumerate(layers)},
        "layers": [{"name": f"l{n}", "interceptor": f"i{n}", "engages": {"t": {"shots": shots, "pk": pk}},
                    "engage_probability": 1.0, "capacity_per_day": capacity}
                   for n, (shots, pk, _, capacity) in enumerate(layers)],
    }


def test_the_long_run_of_two_layers_is_the_worked_example() -> None:
    # A (1 shot, pk 0.85, 5 a day) before B (2 shots, pk 0.3, 6 a day), 10 threats a day: A sustains
    # 5 a day; past that A fires 5 and stops 4.25, so B meets x - 4.25 and fires 2 (x - 4.25) = 6 at
    # x = 7.25, not the 20 a day B's deliveries allow while A is stocked
    table = sustainability.sustainable_rates(scenario_from_dict(chain(10, [(1, 0.85, 5, None), (2, 0.3, 6, None)])))
    rows = table.set_index("interceptor")
    assert rows.loc["i0", "sustainable_threats_per_day"] == pytest.approx(5.0, rel=1e-9)
    assert rows.loc["i1", "sustainable_threats_per_day"] == pytest.approx(7.25, rel=1e-9)
    assert rows.loc["i1", "sustainable_multiple"] == pytest.approx(0.725, rel=1e-9)
    assert table.attrs["defense_multiple"] == pytest.approx(0.5, rel=1e-9)
    assert table.attrs["limiting"] == "i0"
    # what each fires today with every stock in hand: A 10, B 2 x (10 - 8.5) = 3
    assert rows.loc["i0", "used_per_day"] == pytest.approx(10)
    assert rows.loc["i1", "used_per_day"] == pytest.approx(3)
    # production: together A 10 and B 3 a day; B alone (A at its 5) needs 2 x (10 - 4.25) = 11.5
    assert rows.loc["i1", "needed_deliveries_per_month_together"] == pytest.approx(3 * 365 / 12)
    assert rows.loc["i1", "needed_deliveries_per_month_alone"] == pytest.approx(11.5 * 365 / 12)


def test_the_long_run_of_three_layers_by_hand() -> None:
    # 20 a day through A (1 shot, pk 0.5, 4 a day), B (1 shot, pk 0.5, 6 a day), C (2 shots, pk 0.5:
    # kill 0.75, 3 a day). A: x <= 4. B: past 4, A stops 2, B meets x - 2 <= 6: x <= 8. C: for x in
    # [4, 8] it meets (x - 2) / 2 and fires x - 2 <= 3: x <= 5 (while all are stocked it would be
    # 2 x / 4 <= 3: x <= 6). Defense multiple: 4 / 20.
    table = sustainability.sustainable_rates(scenario_from_dict(
        chain(20, [(1, 0.5, 4, None), (1, 0.5, 6, None), (2, 0.5, 3, None)])))
    rows = table.set_index("interceptor")["sustainable_threats_per_day"]
    assert rows.tolist() == pytest.approx([4.0, 8.0, 5.0], rel=1e-9)
    assert table.attrs["defense_multiple"] == pytest.approx(0.2, rel=1e-9)


def test_capacity_below_deliveries_is_sustainable_at_any_attack() -> None:
    # 3 engagements a day at most, 5 delivered: never drains; the next layer then carries the rest
    table = sustainability.sustainable_rates(scenario_from_dict(chain(10, [(1, 0.5, 5, 3), (1, 1.0, 4, None)])))
    rows = table.set_index("interceptor")["sustainable_threats_per_day"]
    assert math.isinf(rows["i0"])
    # A stops 1.5 a day at any attack: B fires x - 1.5 <= 4 at x = 5.5
    assert rows["i1"] == pytest.approx(5.5, rel=1e-9)


def test_every_interceptors_multiple_against_the_engine() -> None:
    # the worked example with Poisson arrivals: each interceptor at 0.9 x its own multiple runs
    # short in at most 20% of runs over three years, at 1.15 x in at least 80% (it starts at four
    # months of its deliveries, the other at its reserve, 0): A at 0.5 x today, and B at 0.725 x
    # today, where A (drained) fires only what is delivered and lets more through to B
    scenario = scenario_from_dict(chain(10, [(1, 0.85, 5, None), (2, 0.3, 6, None)]))
    check = sustainability.engine_check(scenario, runs=300, seed=3)
    assert sorted(set(check["interceptor"])) == ["i0", "i1"] and check["agrees"].all(), check
    rows = check.set_index(["interceptor", "factor"])
    assert rows.loc[("i1", 0.9), "multiple"] == pytest.approx(0.9 * 0.725)
    assert rows.loc[("i0", 0.9), "ran_out_share"] <= 0.2 and rows.loc[("i0", 1.15), "ran_out_share"] >= 0.8
    # and the stock's mean change a day matches deliveries less use while it lasts (0.9 x: +0.5)
    low = rows.loc[("i0", 0.9)]
    assert low["stock_change_per_day"] == pytest.approx(low["expected_change_per_day"],
                                                       abs=4 * low["stock_change_mcse"] + 0.02)


def test_at_the_sustainable_rate_the_engine_neither_drains_nor_grows() -> None:
    data = layered_scenario(per_day=20)
    rate = sustainability.sustainable_rates(scenario_from_dict(data))["sustainable_threats_per_day"].iloc[0]
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
    # every figure tried holds in all runs or in none: the answer is settled and says so
    assert found.settled and f"between {expected - 1:,} and {expected:,} a month" in found.certainty
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
    # a stock of S funds E = floor(S / n) engagements, d a day: the first threat goes unanswered
    # on day floor(E / d) + 1
    assert stock_row["days_at_low"] == 100 // 10 + 1
    assert stock_row["days_at_high"] == 300 // 10 + 1
    assert stock_row["base_days"] == 150 // 10 + 1
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
            engaged = min(d, stock // 2)
            stock -= engaged * 2
            if engaged < d and stock < 2:  # a threat left unanswered for lack of interceptors
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
    # the reused base is the closed-form day floor(floor(S / n) / d) + 1 for the base and the low end
    assert row["days_at_low"] == row["base_days"] == 150 // 10 + 1
    assert row["days_at_high"] == 300 // 10 + 1


def test_production_table_finds_the_closed_form_and_a_second_target_where_the_first_is_out_of_reach() -> None:
    per_day, stock, horizon = 10, 300, 100
    data = fixed_scenario(per_day=per_day, stock=stock, horizon=horizon)
    # a second interceptor whose layer stops half of what it meets: 74% is out of reach for it
    data["threats"]["drone"] = {"per_day": per_day, "dispersion": 0}
    data["interceptors"]["gun"] = {"stock": 10**6, "deliveries_per_month": 0, "unit_cost_usd": 1e3}
    data["layers"].append({"name": "gun", "interceptor": "gun", "engages": {"drone": {"shots": 1, "pk": 0.5}},
                           "engage_probability": 1.0})
    data["attacker_costs_usd"]["drone"] = 5e4
    table = sustainability.production_table(scenario_from_dict(data), target=0.74, confidence=0.9, runs=20,
                                            hold_margin=0.1)
    assert list(table.index) == ["sam", "gun"] and table.loc["gun", "classes"] == ("drone",)

    # sam: pk 1, fixed arrivals: kills over the horizon = min(d H, S + delivered by day H)
    def holds(monthly: int) -> bool:
        return min(per_day * horizon, stock + math.floor(horizon * monthly * 12 / 365 + 1e-9)) >= 0.74 * per_day * horizon

    expected = next(m for m in range(10_000) if holds(m))
    # the search stops within max(1, 2% of the answer) of the smallest figure that holds
    assert expected <= table.loc["sam", "needed"] <= expected + max(1, 0.02 * expected)
    assert table.loc["sam", "delivered_now"] == 0 and table.loc["sam", "holding_now"] == 0.0
    assert pd.isna(table.loc["sam"].get("second_target"))
    # gun: one shot at pk 0.5 stops half; the second target is that less the margin, which a
    # million in stock holds with no deliveries at all
    assert pd.isna(table.loc["gun", "needed"]) and "below the target" in table.loc["gun", "note"]
    assert table.loc["gun", "second_target"] == pytest.approx(0.5 - 0.1)
    assert table.loc["gun", "needed_second"] == 0


def test_heatmap_axes_take_the_class_the_interceptor_fires_most_at() -> None:
    data = fixed_scenario(per_day=10, shots=2, stock=300, deliveries=30)
    data["threats"]["cruise"] = {"per_day": 4, "dispersion": 0}
    data["layers"][0]["engages"]["cruise"] = {"shots": 6, "pk": 1.0}  # 24 a day at cruise, 20 at ballistic
    data["attacker_costs_usd"]["cruise"] = 1e6
    scenario = scenario_from_dict(data)
    axes = sustainability.heatmap_axes(scenario, "sam", steps=4)
    assert axes["class"] == "cruise" and axes["intensity_key"] == "threats.cruise.per_day"
    assert axes["intensities"] == [2.0, 4.0, 6.0, 8.0]  # 0.5 to 2 times today's 4 a day
    assert axes["deliveries_key"] == "interceptors.sam.deliveries_per_month"
    assert axes["deliveries"] == [15, 30, 60, 120]  # 0.5 to 4 times today's 30 a month, geometric
    assert sustainability.heatmap_axes(scenario, "sam", "ballistic", steps=2)["intensities"] == [5.0, 20.0]


def test_the_defense_multiple_over_the_deliveries_of_one_interceptor_by_hand() -> None:
    # the worked example (A: 1 shot, pk 0.85, 5 a day; B: 2 shots, pk 0.3, 6 a day; 10 threats a day):
    # half A's deliveries: A holds 2.5 a day (0.25 x); B holds x with 2 (x - 0.85 x 2.5) = 6, 5.125 a day;
    # twice them: A holds 10 a day (1.0 x), B then meets 0.15 x and fires 0.3 x <= 6 up to 20 a day
    scenario = scenario_from_dict(chain(10, [(1, 0.85, 5, None), (2, 0.3, 6, None)]))
    found = sustainability.defense_multiple_by_deliveries(scenario, "i0")
    assert found[0.5] == pytest.approx(0.25, abs=1e-6) and found[2.0] == pytest.approx(1.0, abs=1e-6)
    assert sustainability.defense_multiple_by_deliveries(scenario, "i0", (1.0,))[1.0] == pytest.approx(0.5, abs=1e-6)
