"""Salvo doctrine, dated deliveries and changes, record blocks: exact cases in the engine and in
both reference models (benchmarks/reference_loop.py and reference_simpy.py), written apart from it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.errors import ScenarioError
from analysis.model.depletion import NEVER, simulate
from analysis.model.flows import delivery_schedule
from analysis.model.scenarios import scenario_from_dict
from benchmarks.reference_loop import reference_scenario, simulate_loop
from benchmarks.reference_simpy import simulate_simpy


def one_class(*, stock: int, per_day: float, shots: int = 1, pk: float = 1.0, c: float = 1.0,
              horizon: int = 40, deliveries_per_month: float = 0.0, salvo: str = "hold", **extra) -> dict:
    """One interceptor, one layer, one class of fixed arrivals."""
    interceptor = {"stock": stock, "deliveries_per_month": deliveries_per_month, "unit_cost_usd": 1.0}
    interceptor.update(extra.pop("interceptor", {}))
    layer = {"name": "L", "interceptor": "a", "engage_probability": c,
             "engages": {"x": {"shots": shots, "pk": pk, "salvo": salvo}}}
    layer.update(extra.pop("layer", {}))
    return {"name": "case", "horizon_days": horizon, "threats": {"x": {"per_day": per_day, "dispersion": 0}},
            "interceptors": {"a": interceptor}, "layers": [layer], **extra}


def all_three(data: dict, runs: int = 3) -> list:
    """The engine (runs kept), the per-threat loop and the SimPy model on one scenario."""
    scenario = reference_scenario(data)
    engine = simulate(scenario_from_dict(data), runs=runs, seed=1, keep_runs=True)
    return [engine, simulate_loop(scenario, runs=2, seed=1), simulate_loop(scenario, runs=2, seed=1, per_threat=False),
            simulate_simpy(scenario, runs=2, seed=1)]


def kills_of(model, k: int = 0) -> np.ndarray:
    """(run, day) kills of class k from any of the three models."""
    if hasattr(model, "kept"):
        return model.kept["kills"][k].T
    return model.kills[:, :, k]


def days_of(model, i: int = 0) -> set[int]:
    day = model.depletion_day[i] if hasattr(model, "kept") else model.depletion_day[:, i]
    return set(np.asarray(day).tolist())


# --- salvo doctrine ---------------------------------------------------------------------------------


def test_hold_keeps_a_short_salvo_and_partial_fires_it():
    # stock 3, nothing delivered, one threat a day, 2 shots, pk 1. Day 1: both rules fire 2 (1 left).
    # hold: the 1 left is kept for a full salvo that never comes: the threat of day 2 goes
    # unanswered (runs out on day 2), one kill in all, 2 fired. partial: day 2 fires the last one
    # (pk 1: a kill), day 3 has nothing: runs out on day 3, two kills, 3 fired.
    for salvo, kills, fired, day in (("hold", [1, 0, 0], 2, 2), ("partial", [1, 1, 0], 3, 3)):
        data = one_class(stock=3, per_day=1, shots=2, salvo=salvo, horizon=3)
        for model in all_three(data):
            assert (kills_of(model) == kills).all(), (salvo, type(model))
            shots = model.run_shots[0] if hasattr(model, "kept") else model.shots[:, 0]
            assert (np.asarray(shots) == fired).all() and days_of(model) == {day}


def test_a_partial_salvo_kills_with_the_chance_of_the_shots_it_fires():
    # stock 1, 3 shots a salvo, pk 0.4: each run's one partial engagement fires the 1 missile and
    # kills with chance 0.4 (a full salvo would kill with 1 - 0.6^3 = 0.784)
    data = one_class(stock=1, per_day=1, shots=3, pk=0.4, salvo="partial", horizon=1)
    result = simulate(scenario_from_dict(data), runs=20_000, seed=3)
    share = result.run_kills[0].mean()
    assert abs(share - 0.4) < 4 * np.sqrt(0.4 * 0.6 / 20_000)
    assert (result.run_shots[0] == 1).all() and (result.depletion_day[0] == NEVER).all()
    loop = simulate_loop(reference_scenario(data), runs=4000, seed=3)
    assert abs(loop.kills.mean() - 0.4) < 4 * np.sqrt(0.4 * 0.6 / 4000)


def two_classes(salvo: str, held: str = "share", horizon: int = 6) -> dict:
    """The review's case (b): a 2-shot class listed before a 1-shot class on one interceptor, one
    of each a day, one interceptor delivered a day, nothing in stock, pk 1."""
    ballistic = {"shots": 2, "pk": 1.0, "salvo": salvo}
    if salvo == "hold":
        ballistic["held"] = held
    return {"name": "b", "horizon_days": horizon,
            "threats": {"ballistic": {"per_day": 1, "dispersion": 0}, "cruise": {"per_day": 1, "dispersion": 0}},
            "interceptors": {"a": {"stock": 0, "deliveries_per_month": 365 / 12}},
            "layers": [{"name": "L", "interceptor": "a", "engage_probability": 1.0,
                        "engages": {"ballistic": ballistic, "cruise": {"shots": 1, "pk": 1.0}}}]}


@pytest.mark.parametrize(("salvo", "held", "ballistic", "cruise"), [
    # hold, shared: the one delivered never makes a salvo; the cruise missile takes it every day
    ("hold", "share", [0] * 6, [1] * 6),
    # hold, kept: the ballistic class keeps its salvo: a full one every other day, no cruise
    ("hold", "keep", [0, 1] * 3, [0] * 6),
    # partial: the one delivered is fired at the ballistic missile each day, none left for cruise
    ("partial", "share", [1] * 6, [0] * 6),
])
def test_the_doctrine_decides_where_a_few_missiles_go(salvo, held, ballistic, cruise):
    for model in all_three(two_classes(salvo, held)):
        assert (kills_of(model, 0) == ballistic).all(), (salvo, held, type(model))
        assert (kills_of(model, 1) == cruise).all(), (salvo, held, type(model))


def test_held_keep_needs_hold():
    data = two_classes("partial")
    data["layers"][0]["engages"]["ballistic"]["held"] = "keep"
    with pytest.raises(ScenarioError, match=r"layers\.0\.engages\.ballistic.*held: keep goes with salvo: hold"):
        scenario_from_dict(data, source="doctrine.yaml")


# --- running out counts only threats the layer would have engaged ----------------------------------


def test_a_threat_the_layer_would_not_have_engaged_is_no_shortage():
    # one missile left, 2 shots a salvo, engage probability 0.3, one threat a day: a day counts only
    # when the layer wanted to engage that day's threat: geometric with p = 0.3, median day 2
    # (P(day 1) = 0.3, P(by day 2) = 0.51); it used to be day 1 in every run
    data = one_class(stock=1, per_day=1, shots=2, c=0.3, horizon=30)
    result = simulate(scenario_from_dict(data), runs=20_000, seed=5)
    days = result.depletion_days("a")
    assert np.median(days) == 2
    assert abs((days == 1).mean() - 0.3) < 4 * np.sqrt(0.3 * 0.7 / 20_000)
    assert abs((days <= 2).mean() - 0.51) < 4 * np.sqrt(0.51 * 0.49 / 20_000)
    loop = simulate_loop(reference_scenario(data), runs=3000, seed=5)
    assert abs((loop.depletion_day[:, 0] == 1).mean() - 0.3) < 4 * np.sqrt(0.3 * 0.7 / 3000)


# --- deliveries over time ---------------------------------------------------------------------------


def test_a_dated_lump_arrives_on_its_day():
    # stock 100, 10 threats a day, one shot, pk 1, a lump of 200 on day 5: 300 interceptors answer
    # 30 days of threats; day 31 is the first short
    data = one_class(stock=100, per_day=10, horizon=40, interceptor={"deliveries": [{"day": 5, "count": 200}]})
    for model in all_three(data):
        assert days_of(model) == {31}
        assert (kills_of(model)[:, :30] == 10).all() and (kills_of(model)[:, 30:] == 0).all()
    # the same lump by date, day 1 being 8 June 2026
    dated = one_class(stock=100, per_day=10, horizon=40, start_date="2026-06-08",
                      interceptor={"deliveries": [{"day": "2026-06-12", "count": 200}]})
    scenario = scenario_from_dict(dated)
    assert scenario.interceptors["a"].lumps() == [(5, 200)]
    assert (simulate(scenario, runs=2).depletion_day == 31).all()
    assert days_of(simulate_loop(reference_scenario(dated), runs=1, seed=1)) == {31}


def test_a_ramp_changes_the_monthly_flow_from_its_day():
    # nothing in stock; 0 a month, then from day 4 half a missile a day (365 / 24 a month), then
    # from day 11 two a day: R(t) = 0.5 (t - 3) for t in 4..10, then 3.5 + 2 (t - 10). Whole
    # missiles arrive when floor(R) steps: days 5, 7, 9 (one each), then 2 a day from day 11
    # (floor(3.5 + 2) - floor(3.5) = 2 on day 11, and so on)
    data = one_class(stock=0, per_day=1, horizon=14, c=1.0, interceptor={"deliveries": [
        {"from_day": 4, "per_month": 365 / 24}, {"from_day": 11, "per_month": 2 * 365 / 12}]})
    scenario = scenario_from_dict(data)
    expected = [0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 2, 2, 2, 2]
    assert delivery_schedule(scenario)[0].tolist() == expected
    reference = reference_scenario(data)
    assert [reference.interceptors[0].delivered_on(day) for day in range(1, 15)] == expected
    # one threat a day, one shot: a kill on each day a missile is in hand
    kills = [0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1]
    for model in all_three(data):
        assert (kills_of(model) == kills).all()
    # the flow of the last stretch is what the long run takes
    assert scenario.settled.interceptors["a"].deliveries_per_month == pytest.approx(2 * 365 / 12)
    assert scenario.on_day(5).interceptors["a"].deliveries_per_month == pytest.approx(365 / 24)


def test_a_schedule_out_of_day_order_or_a_date_without_start_is_refused():
    data = one_class(stock=10, per_day=1, interceptor={"deliveries": [{"day": 9, "count": 5}, {"day": 4, "count": 5}]})
    with pytest.raises(ScenarioError, match=r"case\.yaml: interceptors\.a\.deliveries\.1\.day: 4: out of day order"):
        scenario_from_dict(data, source="case.yaml")
    data = one_class(stock=10, per_day=1, interceptor={"deliveries": [{"day": "2026-06-12", "count": 5}]})
    with pytest.raises(ScenarioError, match=r"deliveries\.0\.day: .*2026-06-12.*needs the scenario's start_date"):
        scenario_from_dict(data, source="case.yaml")


# --- values that change from a day on ---------------------------------------------------------------


def test_a_dated_change_of_kill_probability():
    # 10 threats a day, every one engaged, pk 1 until day 5 and 0 from day 6: 10 kills a day, then
    # none; the interceptors are still fired (10 a day), so 400 last exactly 40 days either way
    data = one_class(stock=400, per_day=10, horizon=45,
                     layer={"changes": [{"from_day": 6, "set": {"engages.x.pk": 0.0}}]})
    for model in all_three(data):
        assert (kills_of(model)[:, :5] == 10).all() and (kills_of(model)[:, 5:] == 0).all()
        assert days_of(model) == {41}


def test_changes_of_shots_engage_probability_capacity_and_threats():
    # from day 3 two shots a threat; from day 5 at most 4 engagements a day; the threat doubles to
    # 20 a day from day 7: fired 10, 10, 20, 20, 8, 8, 8, ... ; kills 10, 10, 10, 10, 4, 4, 4
    data = one_class(stock=10_000, per_day=10, horizon=8, layer={"changes": [
        {"from_day": 3, "set": {"engages.x.shots": 2}}, {"from_day": 5, "set": {"capacity_per_day": 4}}]})
    data["threats"]["x"]["changes"] = [{"from_day": 7, "set": {"per_day": 20}}]
    engine = simulate(scenario_from_dict(data), runs=2, keep_runs=True)
    assert engine.kept["shots"][0, :, 0].tolist() == [10, 10, 20, 20, 8, 8, 8, 8]
    assert engine.kept["arrivals"][0, :, 0].tolist() == [10] * 6 + [20] * 2
    for model in all_three(data):
        assert (kills_of(model) == [10, 10, 10, 10, 4, 4, 4, 4]).all()


def test_a_change_that_names_no_value_of_the_layer_is_refused_with_its_line():
    import yaml

    from analysis.inputs import parse_yaml_text
    from analysis.model.scenarios import parse_scenario

    data = one_class(stock=10, per_day=1, layer={"changes": [{"from_day": 3, "set": {"engages.y.pk": 0.4}}]})
    document = parse_yaml_text(yaml.safe_dump(data, sort_keys=False), "change.yaml")
    with pytest.raises(ScenarioError, match=r"change\.yaml, line \d+: layers\.0\.changes\.0\.set\.engages\.y\.pk: "
                                            r"'engages\.y\.pk': this layer does not engage y"):
        parse_scenario(document)
    data["layers"][0]["changes"] = [{"from_day": 3, "set": {"engages.x.pk": 1.5}}]
    with pytest.raises(ScenarioError, match=r"layers\.0\.changes\.0\.set\.engages\.x\.pk: 1\.5: must be at most 1"):
        scenario_from_dict(data)


# --- arrivals from the record -------------------------------------------------------------------------


def _record(days: int, sam: bool = False) -> pd.DataFrame:
    """A hand-made record: day d of 2025-01-01.. launches d drones (and, with sam, 2 S-300 a day)."""
    rows = []
    for d, day in enumerate(pd.date_range("2025-01-01", periods=days, freq="D"), start=1):
        rows.append({"report_date": day, "command": "national", "weapon_class": "drone",
                     "launched": float(d), "destroyed": float(d), "neutralised": float(d)})
        if sam:
            rows.append({"report_date": day, "command": "national", "weapon_class": "sam",
                         "launched": 2.0, "destroyed": 0.0, "neutralised": 0.0})
    return pd.DataFrame(rows)


def test_record_blocks_come_as_consecutive_days():
    record = _record(30)
    data = {"name": "blocks", "horizon_days": 40,
            "threats": {"from_record": {"start": "2025-01-01", "end": "2025-01-30"},
                        "classes": ["drone"], "arrivals": "record-blocks", "block_days": 7},
            "interceptors": {"a": {"stock": 0}},
            "layers": [{"name": "L", "interceptor": "a", "engages": {"drone": {"shots": 1, "pk": 1}}}]}
    result = simulate(scenario_from_dict(data), runs=300, seed=2, record=record, keep_runs=True)
    drones = result.kept["arrivals"][0]  # (day, run): day d of the record brings d drones
    within = np.diff(drones, axis=0)
    inside = np.array([(t + 1) % 7 != 0 for t in range(39)])  # days t -> t+1 inside one block
    # consecutive days of the record; a block that passes day 30 goes on from day 1 (circular)
    assert np.isin(within[inside], [1, -29]).all() and (within[inside] == -29).any()
    starts = drones[::7]
    assert set(np.unique(starts)) == set(range(1, 31))  # a block starts on any day of the period
    # so every day is as likely on every simulated day: the mean a day is the period's, 15.5
    # (300 runs x 40 days in blocks of 7: standard error at most that of 1,714 uniform draws, 0.21)
    assert abs(drones.mean() - 15.5) < 4 * np.sqrt((30**2 - 1) / 12 / drones.size) * 7**0.5
    # day by day (the default), consecutive simulated days are unrelated
    data["threats"].update(arrivals="record-days", block_days=None)
    days = simulate(scenario_from_dict(data), runs=300, seed=2, record=record, keep_runs=True)
    assert (np.diff(days.kept["arrivals"][0], axis=0) == 1).mean() < 0.2


def test_a_block_longer_than_the_period_is_refused():
    data = {"name": "blocks", "horizon_days": 40,
            "threats": {"from_record": {"start": "2025-01-01", "end": "2025-01-10"}, "arrivals": "record-blocks",
                        "block_days": 14},
            "interceptors": {}, "layers": [{"name": "EW", "engages": {"drone": {"pk": 0.5}}}]}
    with pytest.raises(ScenarioError, match=r"block_days 14 is longer than the period's 10 days"):
        scenario_from_dict(data, source="blocks.yaml")
    data["threats"].pop("block_days")
    with pytest.raises(ScenarioError, match=r"record-blocks needs block_days"):
        scenario_from_dict(data, source="blocks.yaml")


def test_sam_from_the_record_is_launched_and_gets_through():
    # S-300/S-400 at ground targets: the record's class `sam`, engaged by no layer
    record = _record(10, sam=True)
    data = {"name": "sam", "horizon_days": 20,
            "threats": {"from_record": {"start": "2025-01-01", "end": "2025-01-10"}, "classes": ["drone", "sam"]},
            "interceptors": {"a": {"stock": 10_000}},
            "layers": [{"name": "L", "interceptor": "a", "engages": {"drone": {"shots": 1, "pk": 1}}}]}
    result = simulate(scenario_from_dict(data), runs=50, seed=2, record=record)
    summary = result.summary()
    assert summary["arrivals_per_day"]["sam"] == 2.0
    assert summary["interception_rate_by_class"]["sam"]["mean"] == 0.0
    assert summary["leakers_per_day_by_class"]["sam"] == 2.0
    assert summary["interception_rate_by_class"]["drone"]["mean"] == 1.0
