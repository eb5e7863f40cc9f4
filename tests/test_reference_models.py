"""The benchmarks' reference models against the engine: a second (and third) method for the engine.

The per-run loop and the SimPy event model in `benchmarks/` are written from the model description
alone; here they must agree with `analysis.model.depletion.simulate` within Monte Carlo error on small
scenarios, and exactly (with a hand-computed closed form) where nothing is random.
"""

from __future__ import annotations

import numpy as np
import pytest

from analysis.model.depletion import NEVER, simulate
from analysis.model.scenarios import scenario_from_dict
from benchmarks.agreement import compare, engine_figures, format_comparison, reference_figures
from benchmarks.floor import draw_below_floor, draw_floor
from benchmarks.reference_loop import reference_scenario, simulate_loop
from benchmarks.reference_simpy import simulate_simpy

# Small but with every feature that matters: negative binomial, Poisson and fixed arrivals, two
# interceptors that both run out, a capacity limit shared by two classes, per-class engagement
# probabilities, a layer without interceptors that costs per engagement.
SMALL = {
    "name": "small",
    "horizon_days": 30,
    "threats": {
        "drone": {"per_day": 12, "dispersion": 2.0},
        "cruise": {"per_day": 3, "dispersion": 1.0},
        "ballistic": {"per_day": 2, "dispersion": 0},
    },
    "interceptors": {
        "pac3": {"stock": 40, "deliveries_per_month": 30, "unit_cost_usd": 4.0e6},
        "amraam": {"stock": 30, "deliveries_per_month": 20, "unit_cost_usd": 1.0e6},
    },
    "layers": [
        {"name": "patriot", "interceptor": "pac3",
         "engages": {"ballistic": {"shots": 2, "pk": 0.7}, "cruise": {"shots": 1, "pk": 0.9}},
         "engage_probability": 0.9},
        {"name": "nasams", "interceptor": "amraam",
         "engages": {"cruise": {"shots": 1, "pk": 0.8}, "drone": {"shots": 1, "pk": 0.9}},
         "engage_probability": {"cruise": 0.8, "drone": 0.2}, "capacity_per_day": 3},
        {"name": "guns", "engages": {"drone": {"shots": 1, "pk": 0.5}},
         "engage_probability": 0.7, "cost_per_engagement_usd": 1000},
    ],
    "attacker_costs_usd": {"drone": 50000, "cruise": 6.5e6, "ballistic": 3.0e6},
}


def _assert_agree(engine, reference, label: str) -> None:
    rows = compare(engine_figures(engine), reference_figures(reference))
    table = format_comparison(rows, "engine", label)
    assert rows and all(row.agrees(4.0) for row in rows), table
    # the scenario is meant to exercise depletion: both interceptors run out in most runs
    ran_out = [row.mean_a for row in rows if row.figure.endswith("ran out by the horizon")]
    assert min(ran_out) > 0.5, table


@pytest.fixture(scope="module")
def small_engine():
    return simulate(scenario_from_dict(SMALL), runs=6000, seed=11)


def test_per_threat_loop_agrees_with_the_engine(small_engine):
    reference = simulate_loop(reference_scenario(SMALL), runs=300, seed=1)
    _assert_agree(small_engine, reference, "loop")


def test_counting_loop_agrees_with_the_engine(small_engine):
    reference = simulate_loop(reference_scenario(SMALL), runs=300, seed=2, per_threat=False)
    _assert_agree(small_engine, reference, "loop (numpy per value)")


def test_simpy_model_agrees_with_the_engine(small_engine):
    reference = simulate_simpy(reference_scenario(SMALL), runs=150, seed=3)
    _assert_agree(small_engine, reference, "SimPy")


# Nothing random: fixed arrivals, engage probability 1, pk 1, so a closed form by hand. Deliveries
# r = 15.2 x 12 / 365 = 0.4997 a day, in whole missiles floor(t r) - floor((t-1) r): one on days
# 3, 5, 7 and 9. Three ballistic missiles a day, 2 shots each:
#   day 1: 20 -> 3 engaged, stock 14;  day 2: 14 -> 8;  day 3: 8 + 1 = 9 -> 3 engaged, stock 3;
#   day 4: 3 -> 1 engaged, stock 1 < 2: depleted at the end of day 4 (2 leak);
#   day 5: 1 + 1 = 2 -> 1 engaged, stock 0;  day 6: nothing;  day 7: 0 + 1 = 1 < 2: nothing;
#   day 8: nothing;  day 9: 1 + 1 = 2 -> 1 engaged;  day 10: nothing.
# 12 kills, 24 shots = 20 in stock + 4 delivered.
DETERMINISTIC = {
    "name": "closed-form",
    "horizon_days": 10,
    "threats": {"ballistic": {"per_day": 3, "dispersion": 0}},
    "interceptors": {"pac3": {"stock": 20, "deliveries_per_month": 15.2, "unit_cost_usd": 4.0e6}},
    "layers": [
        {"name": "patriot", "interceptor": "pac3",
         "engages": {"ballistic": {"shots": 2, "pk": 1.0}}, "engage_probability": 1.0},
    ],
    "attacker_costs_usd": {"ballistic": 3.0e6},
}


def test_closed_form_case_is_exact_in_all_three_models():
    scenario = reference_scenario(DETERMINISTIC)
    delivered = [scenario.interceptors[0].delivered_on(day) for day in range(1, 11)]
    assert delivered == [0, 0, 1, 0, 1, 0, 1, 0, 1, 0]
    expected_kills = [3, 3, 3, 1, 1, 0, 0, 0, 1, 0]
    engine = simulate(scenario_from_dict(DETERMINISTIC), runs=7, seed=1, keep_runs=True)
    loop = simulate_loop(scenario, runs=3, seed=1)
    event = simulate_simpy(scenario, runs=2, seed=1)
    for kills in (engine.kept["kills"][0].T, loop.kills[:, :, 0], event.kills[:, :, 0]):
        assert (kills == np.array(expected_kills)).all()
    assert (engine.depletion_day == 4).all()
    assert (loop.depletion_day == 4).all() and (event.depletion_day == 4).all()
    shots = 2 * sum(expected_kills)
    assert shots == 20 + sum(delivered)
    assert (engine.run_shots == shots).all() and (loop.shots == shots).all()
    assert (event.shots == shots).all()
    assert engine.run_defender_cost == pytest.approx(np.full(7, shots * 4.0e6))
    assert loop.defender_cost_usd() == pytest.approx(np.full(3, shots * 4.0e6))


def test_an_interceptor_that_starts_below_one_engagement_runs_out_on_the_first_day():
    data = {**DETERMINISTIC, "interceptors": {
        "pac3": {"stock": 1, "deliveries_per_month": 0, "unit_cost_usd": 4.0e6}}}
    engine = simulate(scenario_from_dict(data), runs=3, seed=1)
    loop = simulate_loop(reference_scenario(data), runs=2, seed=1)
    event = simulate_simpy(reference_scenario(data), runs=2, seed=1)
    assert (engine.depletion_day == 1).all() and (loop.depletion_day == 1).all()
    assert (event.depletion_day == 1).all()
    assert (engine.run_kills == 0).all() and (loop.kills == 0).all()


def test_below_the_floor_draws_fewer_numbers_for_the_same_kills():
    # a free first layer (no interceptor, no capacity, no cost) on Poisson and negative binomial
    # arrivals: thinning replaces the arrival draw and the layer's draws by two Poisson draws
    data = {
        **SMALL,
        "layers": [
            {"name": "ew", "engages": {"drone": {"shots": 1, "pk": 0.5}, "cruise": {"pk": 0.2}},
             "engage_probability": 0.6},
            *SMALL["layers"],
        ],
    }
    data["layers"][-1] = {**data["layers"][-1], "cost_per_engagement_usd": 0}
    scenario = reference_scenario(data)
    runs = 4000
    floor = draw_floor(scenario, runs, seed=1, keep_kills=True)
    below = draw_below_floor(scenario, runs, seed=2, keep_kills=True)
    assert below.values < floor.values
    # same distribution of each run's kills: means and variances within Monte Carlo error
    a, b = floor.kills.astype(float), below.kills.astype(float)
    se_mean = np.hypot(a.std(), b.std()) / np.sqrt(runs)
    assert abs(a.mean() - b.mean()) < 4 * se_mean
    assert b.var() == pytest.approx(a.var(), rel=0.15)
    # and the floor's mean matches the fluid solution: no stock limits, so kills are linear
    kills_per_day = 0.0
    for threat in scenario.threats:
        alive = threat.per_day
        for layer in scenario.layers:
            for e in layer.engagements:
                if e.threat == threat.name:
                    kills_per_day += alive * e.engage_probability * e.kill_probability
                    alive *= 1 - e.engage_probability * e.kill_probability
    assert a.mean() == pytest.approx(kills_per_day * scenario.horizon_days, abs=4 * a.std() / np.sqrt(runs))


def _two_classes(stock: int, deliveries_per_day: float, cruise_per_day: float, horizon: int) -> dict:
    """A 2-shot ballistic listed before a 1-shot cruise class on one interceptor, pk 1, fixed arrivals."""
    return {
        "name": "interceptor-day", "horizon_days": horizon,
        "threats": {"ballistic": {"per_day": 1, "dispersion": 0},
                    "cruise": {"per_day": cruise_per_day, "dispersion": 0}},
        "interceptors": {"a": {"stock": stock, "deliveries_per_month": deliveries_per_day * 365 / 12}},
        "layers": [{"name": "L", "interceptor": "a", "engage_probability": 1.0,
                    "engages": {"ballistic": {"shots": 2, "pk": 1.0}, "cruise": {"shots": 1, "pk": 1.0}}}],
    }


def _days_in_all_three(data: dict) -> tuple[list[int], dict[str, int]]:
    engine = simulate(scenario_from_dict(data), runs=3, seed=1)
    by_class = {cls: int(engine.class_out_day[engine.pairs.index(("a", cls))][0]) for cls in ("ballistic", "cruise")}
    scenario = reference_scenario(data)
    days = [int(engine.depletion_day[0, 0]), int(simulate_loop(scenario, runs=2, seed=1).depletion_day[0, 0]),
            int(simulate_simpy(scenario, runs=2, seed=1).depletion_day[0, 0])]
    assert (engine.depletion_day == engine.depletion_day[0, 0]).all()
    return days, by_class


def test_an_interceptor_that_still_answers_one_class_every_day_has_not_run_out():
    # review case: stock 1, one delivered a day. Day 1: 2 in hand, the ballistic missile takes both,
    # the cruise missile goes unanswered (cruise runs out day 1). From day 2: 1 in hand, too few for
    # the ballistic missile (ballistic runs out day 2), the cruise missile is engaged, every day. It
    # used to read "day 2" (the later of its classes' days); it can engage a class every day: never.
    days, by_class = _days_in_all_three(_two_classes(stock=1, deliveries_per_day=1, cruise_per_day=1, horizon=30))
    assert by_class == {"ballistic": 2, "cruise": 1}
    assert days == [NEVER] * 3


def test_an_interceptor_runs_out_on_the_first_day_it_can_engage_no_class():
    # stock 4, nothing delivered. Day 1: ballistic 2, cruise 1, 1 left. Day 2: too few for the
    # ballistic missile, the cruise one takes the last. Day 3: nothing for either: day 3.
    days, by_class = _days_in_all_three(_two_classes(stock=4, deliveries_per_day=0, cruise_per_day=1, horizon=10))
    assert by_class == {"ballistic": 2, "cruise": 3} and days == [3] * 3
    # a covered class that never comes still counts as out once too few are left for it: stock 2,
    # day 1 the ballistic missile takes both; day 2 it goes unanswered and no cruise missile could
    # be engaged either: day 2 (the cruise class itself never runs short: none ever came)
    days, by_class = _days_in_all_three(_two_classes(stock=2, deliveries_per_day=0, cruise_per_day=0, horizon=10))
    assert by_class == {"ballistic": 2, "cruise": NEVER} and days == [2] * 3
