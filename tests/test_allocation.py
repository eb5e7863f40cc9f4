"""Who gets a shared stock and capacity: the allocation rules, exactly, without randomness."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.model.allocation import Claim, allocate
from analysis.model.depletion import simulate
from analysis.model.scenarios import scenario_from_dict


def _all_wanted(claim, eligible, engageable):
    return eligible.copy()  # engage probability 1: every threat reaching the layer is wanted


def _run(rule, remaining, stock, capacity, claims):
    stock = None if stock is None else np.array(stock, dtype=np.int64)
    capacity = None if capacity is None else np.array(capacity, dtype=np.int64)
    engaged, short, _, _ = allocate(rule, np.array(remaining, dtype=np.int64), stock, capacity, claims, _all_wanted)
    return [e.tolist() for e in engaged], stock, capacity, short


def test_priority_serves_classes_in_list_order():
    claims = [Claim(0, 1), Claim(1, 1)]
    engaged, stock, _, short = _run("priority", [[10], [10]], [12], None, claims)
    assert engaged == [[10], [2]] and stock.tolist() == [0]
    assert short[0].tolist() == [False] and short[1].tolist() == [True]


def test_proportional_shares_by_what_each_class_calls_for():
    claims = [Claim(0, 1), Claim(1, 1)]
    engaged, stock, _, short = _run("proportional", [[10], [10]], [12], None, claims)
    assert engaged == [[6], [6]] and stock.tolist() == [0]
    assert short[0].tolist() == short[1].tolist() == [True]


def test_proportional_rounding_goes_in_list_order_one_each():
    # 3, 3 and 3 wanted, 5 interceptors: f = 5/9, floor(5/3) = 1 each, the 2 left to the first two
    claims = [Claim(0, 1), Claim(1, 1), Claim(2, 1)]
    engaged, stock, _, _ = _run("proportional", [[3], [3], [3]], [5], None, claims)
    assert engaged == [[2], [2], [1]] and stock.tolist() == [0]


def test_proportional_with_shots_and_capacity():
    # wants: 6 one-shot, 4 two-shot = 14 interceptors, 10 engagements; capacity 5 binds before the
    # stock of 100: f = 5/10, so 3 and 2 engagements (7 interceptors)
    claims = [Claim(0, 1), Claim(1, 2)]
    engaged, stock, capacity, _ = _run("proportional", [[6], [4]], [100], [5], claims)
    assert engaged == [[3], [2]] and stock.tolist() == [93] and capacity.tolist() == [0]


def test_a_reserve_keeps_interceptors_for_its_class_under_priority():
    # 50 in stock, 40 kept for ballistic (2 shots): cruise (listed first, 1 shot) may use 10
    claims = [Claim(0, 1), Claim(1, 2, reserve=40)]
    engaged, stock, _, short = _run("priority", [[20], [5]], [50], None, claims)
    assert engaged == [[10], [5]] and stock.tolist() == [30]
    assert short[0].tolist() == [True] and short[1].tolist() == [False]
    # without the reserve cruise takes 20 and ballistic gets 15 // 2 = 5 today, but tomorrow nothing
    engaged, stock, _, _ = _run("priority", [[20], [5]], [50], None, [Claim(0, 1), Claim(1, 2)])
    assert engaged == [[20], [5]] and stock.tolist() == [20]


def test_a_reserve_under_proportional_shares_the_pool_then_tops_up():
    # pool = 50 - 40 = 10; wants 20 x 1 and 5 x 2 = 30 shots: f = 1/3 -> 6.67 and 1.67, floors 6
    # and 1 (8 shots), equal remainders: the first extra to cruise (7, pool 1 left, too little for
    # ballistic), the last interceptor of the pool to cruise too (8); then ballistic takes its
    # other 4 from its reserve: 8 cruise and 5 ballistic, 50 - 8 - 10 = 32 left
    claims = [Claim(0, 1), Claim(1, 2, reserve=40)]
    engaged, stock, _, _ = _run("proportional", [[20], [5]], [50], None, claims)
    assert engaged == [[8], [5]] and stock.tolist() == [32]


def _two_identical(rule: str) -> dict:
    return {
        "name": "shared", "horizon_days": 20,
        "threats": {"a": {"per_day": 10, "dispersion": 0}, "b": {"per_day": 10, "dispersion": 0}},
        "interceptors": {"sam": {"stock": 0, "deliveries_per_month": 10 * 365 / 12}},
        "layers": [{"name": "sam", "interceptor": "sam", "allocation": rule,
                    "engages": {"a": {"shots": 1, "pk": 1}, "b": {"shots": 1, "pk": 1}}}],
    }


@pytest.mark.parametrize(("rule", "rates"), [("priority", (1.0, 0.0)), ("proportional", (0.5, 0.5))])
def test_two_identical_classes_share_a_stock_by_the_rule(rule, rates):
    # 10 of each a day, 10 interceptors delivered a day, every engagement kills
    summary = simulate(scenario_from_dict(_two_identical(rule)), runs=3).summary()
    got = tuple(summary["interception_rate_by_class"][c]["mean"] for c in ("a", "b"))
    assert got == rates


def test_a_reserve_in_a_scenario_file_and_its_validation():
    data = _two_identical("priority")
    data["interceptors"]["sam"] = {"stock": 100}
    data["layers"][0]["reserve"] = {"b": 60}
    result = simulate(scenario_from_dict(data), runs=2, keep_runs=True)
    # a (listed first) may use only the stock above b's 60; b takes 10 a day from the shared part
    # too: day 1 100 -> 90 -> 80, day 2 -> 70 -> 60, then a gets nothing and b the other 60
    kills_a = result.kept["kills"][0, :, 0].tolist()
    assert kills_a[:5] == [10, 10, 0, 0, 0]
    assert result.kept["kills"][1, :, 0].tolist()[:9] == [10] * 8 + [0]
    from analysis.errors import ScenarioError

    data["layers"][0]["reserve"] = {"c": 5}
    with pytest.raises(ScenarioError, match="layers.0.reserve.c.*does not engage"):
        scenario_from_dict(data)


def test_capacity_used_up_is_no_shortage_of_interceptors():
    # capacity 1, stock 1, 2 threats: one engaged, the other left by the capacity, not the stock
    engaged, stock, capacity, short = _run("priority", [[2]], [1], [1], [Claim(0, 1)])
    assert engaged == [[1]] and stock.tolist() == [0] and capacity.tolist() == [0]
    assert short[0].tolist() == [False]
    # with room for 2 engagements the same empty stock leaves one unanswered: a shortage
    engaged, _, capacity, short = _run("priority", [[2]], [1], [2], [Claim(0, 1)])
    assert engaged == [[1]] and capacity.tolist() == [1] and short[0].tolist() == [True]
    # proportional: the same judgement after the whole layer
    _, _, _, short = _run("proportional", [[2], [2]], [2], [2], [Claim(0, 1), Claim(1, 1)])
    assert [s.tolist() for s in short] == [[False], [False]]
    _, _, _, short = _run("proportional", [[2], [2]], [2], [3], [Claim(0, 1), Claim(1, 1)])
    assert [s.tolist() for s in short] == [[True], [True]]


def test_under_priority_a_class_short_at_its_turn_stays_short_when_a_later_class_uses_the_capacity():
    # cruise (1 shot) may use only the 2 above ballistic's reserve of 40: 2 of its 5 engaged with
    # capacity to spare, so short; ballistic then takes the last 3 engagements of capacity 5
    claims = [Claim(0, 1), Claim(1, 3, reserve=40)]
    engaged, stock, capacity, short = _run("priority", [[5], [4]], [42], [5], claims)
    assert engaged == [[2], [3]] and stock.tolist() == [31] and capacity.tolist() == [0]
    assert short[0].tolist() == [True] and short[1].tolist() == [False]


def test_a_layer_held_back_by_its_capacity_never_runs_out():
    # review case: stock 0, 1 delivered a day, capacity 1 a day, 2 threats a day. Each day the
    # delivery pays for the one engagement the capacity allows; the other threat is left by the
    # capacity. It used to read "runs out day 1 in 100% of runs".
    data = {
        "name": "cap", "horizon_days": 100, "runs": 200,
        "threats": {"x": {"per_day": 2, "dispersion": 0}},
        "interceptors": {"a": {"stock": 0, "deliveries_per_month": 365 / 12}},
        "layers": [{"name": "A", "interceptor": "a", "capacity_per_day": 1,
                    "engages": {"x": {"shots": 1, "pk": 0.5}}}],
    }
    result = simulate(scenario_from_dict(data))
    summary = result.summary()
    assert summary["days_to_depletion"]["a"]["prob_by_horizon"] == 0.0
    assert summary["days_to_depletion_by_class"]["a"]["x"]["prob_by_horizon"] == 0.0
    assert summary["interceptors"]["a"]["shots_per_day"] == 1.0  # exactly one engagement a day
    assert (result.run_final_stock == 0).all()


def test_proportional_leaves_no_usable_interceptor_while_threats_wait():
    # review case: 10 of p (1 shot) and 10 of q (3 shots), 10 interceptors: f = 10 / 40, shares 2.5
    # and 2.5, floors 2 and 2 (8 interceptors); equal remainders, p first: 3 (9 used); q cannot pay
    # 3 with the 1 left, p can: 4 p and 2 q, all 10 used (it gave 3 and 2 and left one unused)
    claims = [Claim(0, 1), Claim(1, 3)]
    engaged, stock, _, short = _run("proportional", [[10], [10]], [10], None, claims)
    assert engaged == [[4], [2]] and stock.tolist() == [0]
    assert [s.tolist() for s in short] == [[True], [True]]
    # the same through the engine, from a scenario (one day, pk 1)
    data = {
        "name": "alloc", "horizon_days": 1, "runs": 10,
        "threats": {"p": {"per_day": 10, "dispersion": 0}, "q": {"per_day": 10, "dispersion": 0}},
        "interceptors": {"a": {"stock": 10}},
        "layers": [{"name": "L", "interceptor": "a", "allocation": "proportional",
                    "engages": {"p": {"shots": 1, "pk": 1.0}, "q": {"shots": 3, "pk": 1.0}}}],
    }
    result = simulate(scenario_from_dict(data))
    assert result.run_kills[:, :].tolist() == [[4] * 10, [2] * 10] and (result.run_final_stock == 0).all()


def test_proportional_rounding_goes_to_the_largest_remainders_first():
    # capacity 4 over wants 5, 3 and 1 (9): f = 4/9, exact 2.22, 1.33, 0.44: floors 2, 1, 0 and one
    # engagement left, to the largest remainder (0.44, the third class), not to the first listed
    claims = [Claim(0, 1), Claim(1, 1), Claim(2, 1)]
    engaged, _, capacity, _ = _run("proportional", [[5], [3], [1]], [100], [4], claims)
    assert engaged == [[2], [1], [1]] and capacity.tolist() == [0]
    # and per run: a second run with other wants orders its remainders on its own (7, 1, 1 with
    # capacity 4: f = 4/9, exact 3.11, 0.44, 0.44: floors 3, 0, 0, the one left to the second)
    engaged, _, capacity, _ = _run("proportional", [[5, 7], [3, 1], [1, 1]], [100, 100], [4, 4], claims)
    assert engaged == [[2, 3], [1, 1], [1, 0]] and capacity.tolist() == [0, 0]
