"""The long run (analysis.model.longrun) on cases worked by hand: every search ends, reserves and
capacity are shared as the engine shares them, and the engine agrees."""

from __future__ import annotations

import math

import pytest

from analysis.model import sustainability
from analysis.model.longrun import long_run, sustainable_multiple
from analysis.model.scenarios import scenario_from_dict


def one_layer(deliveries_per_day: float, per_day: float = 1.0, stock: int = 10) -> dict:
    return {
        "name": "one-layer", "horizon_days": 100, "runs": 20, "seed": 1,
        "threats": {"x": {"per_day": per_day, "dispersion": 0}},
        "interceptors": {"a": {"stock": stock, "deliveries_per_month": deliveries_per_day * 365 / 12}},
        "layers": [{"name": "A", "interceptor": "a", "engages": {"x": {"shots": 1, "pk": 0.5}}}],
    }


def test_nothing_delivered_drains_at_any_attack_and_the_search_ends() -> None:
    # deliveries 0: any attack above nothing drains the stock, so the multiple is 0 (it used to
    # halve its bracket towards 5e-324 for ever)
    scenario = scenario_from_dict(one_layer(0.0))
    assert sustainable_multiple(scenario, {"x": 1.0}, "a") == 0.0
    figures = long_run(scenario)
    assert figures.defense_multiple == 0.0 and figures.limiting == "a"
    assert figures.interceptors["a"]["sustainable_threats_per_day"] == 0.0
    check = sustainability.engine_check(scenario, runs=10)
    assert check.empty and "drains at any attack" in check.attrs["note"]


@pytest.mark.parametrize("delivered", [1e-9, 0.5, 3.0, 1e5])
def test_one_layer_sustains_its_deliveries_exactly(delivered: float) -> None:
    # one shot per threat, every threat engaged: it fires x a day and drains above x = delivered
    multiple = sustainable_multiple(scenario_from_dict(one_layer(delivered)), {"x": 1.0}, "a")
    assert multiple == pytest.approx(delivered, rel=1e-9)


def test_capacity_below_deliveries_sustains_any_attack() -> None:
    data = one_layer(2.0)
    data["layers"][0]["capacity_per_day"] = 1
    assert math.isinf(sustainable_multiple(scenario_from_dict(data), {"x": 1.0}, "a"))
