"""Who gets a shared stock and capacity: the allocation rules, exactly, without randomness."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.model.allocation import Claim, allocate
from analysis.model.depletion import simulate
from analysis.model.scenarios import scenario_from_dict


def _all_wanted(claim, eligible):
    return eligible.copy()  # engage probability 1: every threat reaching the layer is wanted


def _run(rule, remaining, stock, capacity, claims):
    stock = None if stock is None else np.array(stock, dtype=np.int64)
    capacity = None if capacity is None else np.array(capacity, dtype=np.int64)
    engaged, short = allocate(rule, np.array(remaining, dtype=np.int64), stock, capacity, claims, _all_wanted)
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
    # pool = 50 - 40 = 10; wants 20 x 1 and 5 x 2 = 30 shots: f = 1/3 -> 6 and 1 (8 shots), the
    # rounding's extra to cruise (7, pool 1 left, too little for ballistic); then ballistic takes its
    # other 4 from its reserve: 7 cruise and 5 ballistic, 50 - 7 - 10 = 33 left
    claims = [Claim(0, 1), Claim(1, 2, reserve=40)]
    engaged, stock, _, _ = _run("proportional", [[20], [5]], [50], None, claims)
    assert engaged == [[7], [5]] and stock.tolist() == [33]


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
