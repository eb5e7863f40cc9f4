"""The headline figures of reports 04 and 05: one computation, the same in both, worded plainly."""

from __future__ import annotations

import datetime as dt

import nbformat
import pytest
import yaml

from analysis import paths
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
        # 04 words its answer with answer_one, 05 with sustainability_text.answer: the same
        # key_pair_sentence for the reference scenario
        assert "depletion_briefing(" in source and ("text.answer_one(" in source or "prose.answer(" in source)


# half the shipped PAC-3 MSE stock, so that it runs short within the 200 days simulated
SHORTER = {"horizon_days": 200, "interceptors.pac3_mse.stock": 150}


@pytest.fixture(scope="module", autouse=True)
def _the_scenarios_as_shipped(tmp_path_factory):
    """The figures below are the shipped scenarios' own: no record at hand, whatever this machine
    has fetched into data/external/ or names in $AIRDEF_RECORD (with one, the back-cast reads it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(paths.RECORD_ENV, raising=False)
        patch.setattr(paths, "EXTERNAL_DIR", tmp_path_factory.mktemp("no-record"))
        yield


@pytest.fixture(scope="module")
def briefing():
    scenario = load_scenario("baseline").with_overrides(SHORTER)
    return depletion_briefing(scenario, runs=300, seed=1, start=dt.date(2026, 6, 8))


def test_the_briefing_is_reproducible_and_dates_follow_the_days(briefing):
    again = depletion_briefing(load_scenario("baseline").with_overrides(SHORTER),
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
    assert "SAMP/T" in answer and "not a forecast" in answer
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


def _pair(median, interceptor="pac3_mse", cls="ballistic", mcse=1.5):
    when = None if median is None else dt.date(2026, 6, 8) + dt.timedelta(days=median - 1)
    return {"interceptor": interceptor, "class": cls, "median": median, "p10": None, "p90": None,
            "mcse": mcse, "share_by_horizon": 0.4 if median is None else 0.9, "median_date": when}


def test_horizon_words_follow_the_days_simulated():
    assert text.runs_words(2000, 365) == "2,000 simulated runs of a year"
    assert text.runs_words(300, 120) == "300 simulated runs of 120 days"
    assert "simulated year" not in text.glossary(120) and "120 days" in text.glossary(120)
    assert "a year of attacks" in text.glossary(365)


def test_a_day_beyond_the_horizon_has_no_monte_carlo_error():
    start = dt.date(2026, 6, 8)
    censored = text.day_note(_pair(None), start, 120)
    assert "Monte Carlo" not in censored and "within the 120 days simulated" in censored
    found = text.day_note(_pair(100), start, 120)
    assert "Monte Carlo error ±1.5 days" in found and "15 September 2026" in found
    assert text.day_label(_pair(100)) == "PAC-3 MSE: day it can no longer answer every ballistic missile"
    assert text.day_label(_pair(100, "interceptor_drone", "drone")).startswith("interceptor drones: day they")


def test_alt_texts_say_what_each_chart_shows_and_its_finding(briefing):
    alt = text.alt_texts(briefing)
    assert set(alt) == {"shortage", "stocks", "rate", "leakers"}
    assert all(t.startswith("Chart: ") and "**" not in t for t in alt.values())
    first = briefing["key_pairs"][0]
    assert f"day {first['median']:,.0f}" in alt["shortage"]
    assert "over the 200 days" in alt["leakers"].lower()


def test_report_05_words_its_answer_from_the_figures(briefing):
    import pandas as pd

    from analysis.reporting import sustainability_text as prose

    long_run = pd.DataFrame([{"interceptor": "pac3_mse", "used_per_day": 2.8, "delivered_per_day": 0.66,
                              "deliveries_per_month": 20, "needed_deliveries_per_month_together": 83.7,
                              "needed_deliveries_per_month_alone": 105.2}])
    long_run.attrs = {"limiting": "pac3_mse", "defense_multiple": 0.239}
    check = pd.DataFrame([{"interceptor": "pac3_mse", "factor": 0.9, "agrees": True, "ran_out_share": 0.14},
                          {"interceptor": "pac3_mse", "factor": 1.15, "agrees": True, "ran_out_share": 0.87},
                          {"interceptor": "medium_sam", "factor": 0.9, "agrees": True, "ran_out_share": 0.05},
                          {"interceptor": "medium_sam", "factor": 1.15, "agrees": True, "ran_out_share": 0.92}])
    tornado = pd.DataFrame([{"parameter": "interceptors.pac3_mse.stock", "low": 200, "high": 800,
                             "days_at_low": 100.0, "days_at_high": 351.0, "base_days": 192.0}])
    day = prose.reference_day(briefing, "pac3_mse", "ballistic")
    assert day is not None
    shown = prose.with_reference_figures(tornado, briefing, "pac3_mse", "ballistic")
    assert shown["base_days"].iloc[0] == day
    # the stock row reads as the answer's half and twice the stock where its range is those stocks
    low, high = briefing["stock_range"]["pac3_mse"]
    matching = tornado.assign(low=low["stock"], high=high["stock"])
    both = prose.with_reference_figures(matching, briefing, "pac3_mse", "ballistic").iloc[0]
    capped = [briefing["horizon_days"] if r["median"] is None else r["median"] for r in (low, high)]
    assert [both["days_at_low"], both["days_at_high"]] == capped
    assert prose.with_reference_figures(tornado, {**briefing, "run_out": []}, "pac3_mse", None)["base_days"].iloc[0] == 192.0
    answer = prose.answer(long_run=long_run, check=check, reference_name="baseline",
                          briefings={"baseline": briefing, "other": briefing}, attack="May 2026",
                          record_text="7 June 2026", tornado=shown, focus_what="PAC-3 MSE runs short",
                          search_runs=500)
    assert "keep up with 0.24 times today's attack" in answer and "about 84 a month" in answer
    assert ("A simulation of three years agrees for each interceptor (PAC-3 MSE and medium-range SAM): at 0.90 "
            "times the attack its deliveries keep up with, it ran short in at most 14% of runs; at 1.15 times, in "
            "at least 87%.") in answer
    wrong = check.assign(agrees=[True, False, True, True], ran_out_share=[0.14, 0.72, 0.05, 0.92],
                         without_waves_share=[None, 0.6, None, None],
                         verdict=["agrees", "disagrees", "agrees", "agrees"])
    assert ("does not agree for PAC-3 MSE (at 1.15 times its figure it ran short in 72% of runs), whether "
            "launches come as the record's attacks or scattered at random") in prose.check_sentence(wrong)
    # outside the band only with the waves: the figure holds on the same mean attack
    waves = wrong.assign(without_waves_share=[None, 0.85, None, None], verdict=["agrees", "waves", "agrees", "agrees"])
    assert ("agrees with each interceptor's figure on the same mean attack with launches scattered at random over "
            "the days. With the quiet days and very large attacks of the record, a stock of four months' deliveries "
            "runs short in 72% of runs for PAC-3 MSE at 1.15 times its figure (85% scattered at random)"
            ) in prose.check_sentence(waves)
    # the record's attacks come with their months, as every observed figure does
    assert "very large attacks of the record (December 2025 to May 2026), a stock" in prose.check_sentence(
        waves, period="December 2025 to May 2026")
    from analysis.reporting.words import runs_short
    assert runs_short("pac3_mse", "ballistic") == "PAC-3 MSE runs short of ballistic missiles"
    assert runs_short("interceptor_drone") == "interceptor drones run short"
    top = shown.iloc[0]
    assert (f"PAC-3 MSE stock** moves the day PAC-3 MSE runs short most: from day {top['days_at_low']:,.0f} to day "
            f"{top['days_at_high']:,.0f} over 200–800") in answer
    runs = int(top["runs_at_ends"]) if "runs_at_ends" in shown and pd.notna(top["runs_at_ends"]) else 500
    assert f"the ends from {runs:,} runs each" in answer
    assert "Once the stocks are spent, today's deliveries keep up with 0.24 times today's attack**." in answer
    assert "300 simulated runs of 200 days" in answer and "- **other**" in answer and "not a forecast" in answer
    assert prose.long_run_sentence(long_run.assign(), "May 2026").startswith("**Once the stocks are spent")
    assert ("0.24 times today's attack** (the PAC-3 MSE deliveries are assumed: 0.12 with half as many or 0.48 "
            "with twice as many)") in prose.long_run_sentence(long_run, "May 2026", {0.5: 0.12, 2.0: 0.48})
    nothing = long_run.copy()
    nothing.attrs = {"limiting": None, "defense_multiple": float("inf")}
    assert "any attack" in prose.long_run_sentence(nothing, "May 2026")
    heat = pd.DataFrame({"days": [97.0, 200.0, None]})
    assert prose.heat_alt(heat, "days", "it runs short", 365).endswith("from day 97 to after day 365.")
    assert prose.heat_alt(heat.dropna(), "days", "it runs short", 365).endswith("from day 97 to day 200.")


def test_the_back_cast_doctrine_and_attack_period_in_words(briefing):
    # the briefing's back-cast: PAC-3 MSE 150 now, about 300 fired and 120 delivered over the 182 days
    cast = {row["interceptor"]: row for row in briefing["backcast"]["interceptors"]}
    pac3 = cast["pac3_mse"]
    assert pac3["implied_start"] == pytest.approx(pac3["stock"] + pac3["fired"] - pac3["delivered"])
    sentence = text.backcast_sentence(briefing)
    assert sentence.startswith("**Checked against the record.** The layers calibrated to the record's 182 days "
                               "from 1 December 2025")
    assert f"PAC-3 MSE: 150 now means about {pac3['implied_start']:,.0f} on 1 December 2025" in sentence
    assert pac3["fired"] == pytest.approx(302, abs=3) and pac3["delivered"] == pytest.approx(119.7, abs=0.1)
    assert "within a year of the world's output" in sentence and "does not fit" not in sentence
    bad = {**briefing, "backcast": {**briefing["backcast"], "interceptors": [
        {**pac3, "implied_start": 780.0, "within": False, "warning": "pac3_mse: more than a year of the world's output"}]}}
    assert "This does not fit: PAC-3 MSE: more than a year" in text.backcast_sentence(bad)  # its name, not its key
    assert list(text.backcast_table(briefing).columns)[:2] == ["interceptor", "stock now (assumed)"]
    assert text.salvo_words("partial", "share", 2) == "fires what is left"
    assert text.salvo_words("hold", "keep", 2) == "holds them, kept from other threats"
    assert text.salvo_words("hold", "share", 1) == "–"
    choice = text.target_choice_sentence({"target_choice": [
        {"interceptor": "pac3_mse", "fired_destroyed": 1.63, "fired_neutralised": 1.67, "added": 0.0245}]})
    assert choice.endswith("would change what the layers fire for the same record: PAC-3 MSE +2% (1.63 to 1.67 a day).")
    period = text.attack_period_sentence({"arrivals_per_day": {"drone": 196.9, "ballistic": 2.2},
                                          "latest_months": {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 5, 31),
                                                            "arrivals_per_day": {"drone": 230.4, "ballistic": 1.88}}},
                                         "December 2025 to May 2026")
    assert period == ("Beside the attack of December 2025 to May 2026: over the record's latest three months "
                      "(1 March 2026 to 31 May 2026) it was 230 drones, 1.9 ballistic missiles a day.")


def test_per_class_rates_in_words():
    import pandas as pd

    from analysis.reporting import sustainability_text as prose

    rates = pd.DataFrame([
        {"interceptor": "medium_sam", "class": "cruise", "per_day": 0.77, "today_per_day": 3.57},
        {"interceptor": "pac3_mse", "class": "ballistic", "per_day": 0.85, "today_per_day": 2.2},
        {"interceptor": "pac3_mse", "class": "kinzhal", "per_day": 0.0, "today_per_day": 0.137}])
    sentence = prose.class_rates_sentence(rates, "pac3_mse")
    assert sentence == ("Per kind of threat, with the others at today's rate, the deliveries keep up with: "
                        "PAC-3 MSE, 0.85 ballistic missiles a day (today 2.2) and no Kinzhal missiles a day "
                        "(today 0.14); medium-range SAM, 0.77 cruise missiles a day (today 3.6). No means the other "
                        "threats alone take every delivered interceptor.")
    assert prose.class_rates_sentence(rates.iloc[:0]) == ""
