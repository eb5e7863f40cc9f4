"""Overrides change only what they name: property tests over random scenarios and override paths."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analysis.errors import ScenarioError
from analysis.model.scenarios import scenario_from_dict

CLASSES = ["drone", "cruise", "ballistic", "glide"]
PROBABILITY_LEAVES = {"pk", "dispersion", "per_day", "deliveries_per_month", "unit_cost_usd",
                      "cost_per_engagement_usd"}
WHOLE_LEAVES = {"stock", "shots", "capacity_per_day", "horizon_days", "runs", "seed"}


@st.composite
def scenarios(draw):
    classes = draw(st.lists(st.sampled_from(CLASSES), min_size=1, max_size=3, unique=True))
    interceptors = draw(st.lists(st.sampled_from(["pac3", "amraam"]), min_size=1, max_size=2, unique=True))
    probability = st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 3))
    layers = []
    for n in range(draw(st.integers(1, 3))):
        engaged = draw(st.lists(st.sampled_from(classes), min_size=1, max_size=len(classes), unique=True))
        layer = {"name": f"layer_{n}",
                 "engages": {c: {"shots": draw(st.integers(1, 3)), "pk": draw(probability)} for c in engaged}}
        interceptor = draw(st.sampled_from([None, *interceptors]))
        if interceptor:
            layer["interceptor"] = interceptor
            if draw(st.booleans()):
                layer["reserve"] = {engaged[0]: draw(st.integers(0, 50))}
        form = draw(st.sampled_from(["none", "one", "some"]))
        if form == "one":
            layer["engage_probability"] = draw(probability)
        elif form == "some":
            layer["engage_probability"] = {c: draw(probability) for c in engaged[: draw(st.integers(1, len(engaged)))]}
        if draw(st.booleans()):
            layer["capacity_per_day"] = draw(st.integers(0, 500))
        layer["allocation"] = draw(st.sampled_from(["priority", "proportional"]))
        layers.append(layer)
    data = {
        "name": "random", "horizon_days": draw(st.integers(1, 400)),
        "threats": {c: {"per_day": draw(st.floats(0, 500).map(lambda x: round(x, 2))),
                        "dispersion": draw(st.floats(0, 20).map(lambda x: round(x, 2)))} for c in classes},
        "interceptors": {i: {"stock": draw(st.integers(0, 1000)),
                             "deliveries_per_month": draw(st.floats(0, 100).map(lambda x: round(x, 1)))}
                         for i in interceptors},
        "layers": layers,
    }
    costs = draw(st.sampled_from(["none", "some", "all"]))
    if costs != "none":
        data["attacker_costs_usd"] = {c: 1000.0 * (k + 1) for k, c in enumerate(classes)
                                      if costs == "all" or k == 0}
    if draw(st.booleans()):
        data["calibration"] = {"target": draw(st.one_of(probability, st.fixed_dictionaries(
            {classes[0]: probability})))}
    return data


def leaves(data, path=()):
    """(path, value) of every number or null leaf of a normalised scenario."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from leaves(value, (*path, index))
    elif data is None or (isinstance(data, int | float) and not isinstance(data, bool)):
        yield path, data


def new_value(path, draw):
    leaf = path[-1] if not isinstance(path[-1], int) else path[-2]
    if leaf in WHOLE_LEAVES or "reserve" in path:
        return draw(st.integers(1, 50))
    if leaf in PROBABILITY_LEAVES or "engage_probability" in path or "target" in path or "attacker_costs_usd" in path:
        return draw(st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 4)))
    return draw(st.integers(1, 50))


def _valid(data):
    try:
        return scenario_from_dict(data)
    except ScenarioError:
        return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=scenarios(), choice=st.data())
def test_an_override_changes_its_key_and_nothing_else(data, choice):
    scenario = _valid(data)
    assume(scenario is not None)
    before = scenario.to_dict()
    # empty slots that do not hold a number (a day 1, a period of days)
    structural = {"from_record", "interceptor", "layers", "start_date", "period"}
    paths = [p for p, _ in leaves(before) if p[-1] not in structural
             and (p[0] != "calibration" or scenario.calibration is not None)]
    path = choice.draw(st.sampled_from(paths))
    value = new_value(path, choice.draw)
    dotted = ".".join(str(p) for p in path)
    if path[0] == "layers" and choice.draw(st.booleans()):  # a layer by name, as users write it
        dotted = ".".join(str(p) for p in ("layers", before["layers"][path[1]]["name"], *path[2:]))
    try:
        after = scenario.with_overrides({dotted: value}).to_dict()
    except ScenarioError as error:
        # setting an engage probability, or a target for a class whose layers all have one, can
        # leave calibration nothing to solve: refused, and said
        assert "calibration" in str(error)
        assert "engage_probability" in dotted or dotted.startswith("calibration.target.")
        return
    expected = copy.deepcopy(before)
    node = expected
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert after == expected


def test_one_class_of_a_single_engage_probability_keeps_the_others():
    data = {
        "name": "x", "horizon_days": 5,
        "threats": {"cruise": {"per_day": 2}, "ballistic": {"per_day": 1}},
        "interceptors": {"pac3": {"stock": 10}},
        "layers": [{"name": "patriot", "interceptor": "pac3", "engage_probability": 0.7,
                    "engages": {"cruise": {"pk": 0.8}, "ballistic": {"shots": 2, "pk": 0.7}}}],
        "attacker_costs_usd": 5, "calibration": None,
    }
    data.pop("attacker_costs_usd")
    scenario = scenario_from_dict(data).with_overrides({"layers.patriot.engage_probability.cruise": 0.2})
    assert scenario.layers[0].engage_probability == {"cruise": 0.2, "ballistic": 0.7}
    target = scenario_from_dict({**data, "calibration": {"target": 0.5}, "layers": [
        {**data["layers"][0], "engage_probability": None}]})
    changed = target.with_overrides({"calibration.target.cruise": 0.9})
    assert changed.calibration.target == {"cruise": 0.9, "ballistic": 0.5}


@pytest.mark.parametrize("key", ["threats.drone.perday", "layers.sentinel.pk", "layers.7.name",
                                 "interceptors.thaad.stock", "horizon", "layers.patriot.engages.glide.pk"])
def test_a_key_that_does_not_exist_is_refused_with_its_name(key):
    data = {"name": "x", "horizon_days": 5, "threats": {"drone": {"per_day": 2}},
            "interceptors": {"pac3": {"stock": 10}},
            "layers": [{"name": "patriot", "interceptor": "pac3", "engages": {"drone": {"pk": 0.5}}}]}
    with pytest.raises(ScenarioError, match="unknown scenario key|no such layer"):
        scenario_from_dict(data).with_overrides({key: 1})
