"""The headline figures of reports 04 and 05: one computation, the same in both, worded plainly."""

from __future__ import annotations

import datetime as dt

import nbformat
import pytest
import yaml

from analysis.model.briefing import day_date, depletion_briefing
from analysis.model.scenarios import load_scenario
from analysis.paths import NOTEBOOK_DIR
from analysis.reporting import depletion_text as text
from analysis.reporting.parameters import notebook_parameters
from analysis.reporting.words import money

NB04 = NOTEBOOK_DIR / "04-model-interceptor-depletion.ipynb"
NB05 = NOTEBOOK_DIR / "05-assess-sustainability.ipynb"
SHARED = ("runs", "seed", "horizon_days", "start_date", "record")


def _values(path, set_name):
    defaults = {name: spec.default for name, spec in notebook_parameters(path).items()}
    sets = yaml.safe_load(path.with_suffix(".yaml").read_text())
    return {**defaults, **(sets.get(set_name) or {})}


@pytest.mark.parametrize("set_name", ["default", "ci"])
def test_reports_04_and_05_compute_the_reference_figures_alike(set_name):
    # the same function, scenario, runs, seed, horizon and start: the same numbers in both reports
    a, b = _values(NB04, set_name), _values(NB05, set_name)
    assert a["scenario"] == b["scenarios"].split(",")[0].strip()
    assert {k: a[k] for k in SHARED} == {k: b[k] for k in SHARED}
    for path in (NB04, NB05):
        source = "\n".join(c.source for c in nbformat.read(path, 4).cells)
        assert "depletion_briefing(" in source and "text.answer_one(" in source


@pytest.fixture(scope="module")
def briefing():
    scenario = load_scenario("baseline").with_overrides({"horizon_days": 200})
    return depletion_briefing(scenario, runs=300, seed=1, start=dt.date(2026, 6, 8))


def test_the_briefing_is_reproducible_and_dates_follow_the_days(briefing):
    again = depletion_briefing(load_scenario("baseline").with_overrides({"horizon_days": 200}),
                               runs=300, seed=1, start=dt.date(2026, 6, 8))
    assert again["run_out"] == briefing["run_out"] and again["stock_range"] == briefing["stock_range"]
    for pair in briefing["run_out"]:
        if pair["median"] is not None:
            assert pair["median_date"] == dt.date(2026, 6, 8) + dt.timedelta(days=pair["median"] - 1)
    assert day_date(dt.date(2026, 6, 8), 1) == dt.date(2026, 6, 8)
    # half the stock runs short sooner than twice the stock, for each interceptor reported
    for items in briefing["stock_range"].values():
        low, high = items
        assert low["stock"] < high["stock"]
        assert (low["median"] or 10**9) <= (high["median"] or 10**9)


def test_the_answer_states_assumptions_ranges_dates_and_what_is_left_out(briefing):
    answer = text.answer_one(briefing, "December 2025 to May 2026", "7 June 2026")
    first = briefing["key_pairs"][0]
    assert f"day {first['median']:,.0f}" in answer
    assert "assumed stock of" in answer and "half or twice the assumed stock" in answer
    assert "80% of runs" in answer and "2026" in answer and "record through 7 June 2026" in answer
    assert "PAC-2 GEM-T" in answer and "not a forecast" in answer
    for jargon in (" pk", "while stocked", "fluid", "leaker", "pac3_mse", "interceptor_drone"):
        assert jargon not in answer


def test_a_ratio_that_falls_because_the_defense_ran_out_is_said(briefing):
    changed = dict(briefing)
    changed["costs"] = {**briefing["costs"], "cost_exchange_ratio": 0.2}
    changed["costs_if_stocked"] = {**briefing["costs_if_stocked"], "cost_exchange_ratio": 0.35}
    assert "lower because interceptors ran out" in text.cost_sentence(changed)
    changed["costs_if_stocked"] = {**briefing["costs_if_stocked"], "cost_exchange_ratio": 0.21}
    assert "ran out" not in text.cost_sentence(changed)
    changed["costs"] = {**briefing["costs"], "cost_exchange_ratio": None, "missing": ["drone"]}
    assert "no cost-exchange ratio" in text.cost_sentence(changed)


@pytest.mark.parametrize(("value", "shown"), [(10_916_776.3, "$11 million"), (63_633.25, "$64,000"),
                                              (2.5e9, "$2.5 billion"), (4.0e6, "$4.0 million"), (2500, "$2,500")])
def test_money_is_rounded_as_a_reader_writes_it(value, shown):
    assert money(value) == shown
