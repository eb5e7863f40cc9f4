"""The depletion engine against closed forms, the fluid solution and its own reproducibility."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.model.calibration import layered_leak
from analysis.model.depletion import NEVER, deterministic, simulate
from analysis.model.scenarios import scenario_from_dict


def _scenario(
    *, stock=1000, deliveries=0.0, per_day=10, dispersion=0.0, shots=2, pk=1.0, c=1.0,
    capacity=None, horizon=120, runs=400, extra_layers=(),
):
    return scenario_from_dict({
        "name": "test", "horizon_days": horizon, "runs": runs, "seed": 7,
        "threats": {"ballistic": {"per_day": per_day, "dispersion": dispersion}},
        "interceptors": {"sam": {"stock": stock, "deliveries_per_month": deliveries,
                                 "unit_cost_usd": 1.0e6}},
        "layers": [{"name": "sam", "interceptor": "sam",
                    "engages": {"ballistic": {"shots": shots, "pk": pk}},
                    "engage_probability": c, "capacity_per_day": capacity}, *extra_layers],
        "attacker_costs_usd": {"ballistic": 3.0e6},
    })


@pytest.mark.parametrize(("stock", "per_day", "shots"), [(100, 10, 2), (400, 3, 2), (101, 10, 2),
                                                         (999, 7, 3), (50, 60, 1)])
def test_fixed_arrivals_perfect_kills_no_deliveries_run_out_on_the_closed_form_day(stock, per_day, shots):
    result = simulate(_scenario(stock=stock, per_day=per_day, shots=shots), runs=50)
    # the stock funds E = floor(S / n) engagements, d a day: the first threat left unanswered
    # comes on the first day t with d t > E
    expected = (stock // shots) // per_day + 1
    assert (result.depletion_day[0] == expected).all()
    assert result.class_out_day[0].tolist() == result.depletion_day[0].tolist()
    summary = result.summary()["days_to_depletion"]["sam"]
    assert summary["median"] == summary["p10"] == summary["p90"] == summary["mean"] == expected
    assert summary["prob_by_horizon"] == 1.0


def test_with_deliveries_the_stock_runs_out_at_the_net_rate():
    # 5 a day delivered (5 x 365 / 12 a month), 10 threats x 2 shots used: net drain m = 15 a day;
    # the stock falls below one engagement (2 shots) on the first day with S - t m < n
    per_day_delivered = 5
    result = simulate(_scenario(stock=1000, deliveries=per_day_delivered * 365 / 12), runs=20)
    assert (result.deliveries[0] == per_day_delivered).all()
    expected = (1000 - 2) // 15 + 1
    assert (result.depletion_day[0] == expected).all()
    # afterwards each day's deliveries fund floor(5 + leftover) / 2 engagements: stock stays < 2+5
    assert result.mean_stock[0, -1] < 2


def test_deliveries_at_or_above_use_never_deplete_and_quantiles_are_censored():
    result = simulate(_scenario(stock=100, deliveries=20 * 365 / 12), runs=30)
    assert (result.depletion_day == NEVER).all()
    summary = result.summary()["days_to_depletion"]["sam"]
    assert summary["median"] is None and summary["mean"] is None
    assert summary["prob_by_horizon"] == 0.0


def test_leak_fraction_matches_the_layered_formula_while_stocks_last():
    layers = [
        {"name": "gun", "engages": {"ballistic": {"shots": 1, "pk": 0.3}},
         "engage_probability": 0.6},
        {"name": "ew", "engages": {"ballistic": {"shots": 3, "pk": 0.2}},
         "engage_probability": 0.5},
    ]
    scenario = _scenario(stock=10**7, per_day=40, dispersion=1.0, shots=2, pk=0.6, c=0.7,
                         horizon=60, extra_layers=layers)
    result = simulate(scenario, runs=1000)
    arrivals = result.run_arrivals.sum()
    leak = 1 - result.run_kills.sum() / arrivals
    q = [1 - 0.4**2, 0.3, 1 - 0.8**3]
    expected = layered_leak(q, [0.7, 0.6, 0.5])
    standard_error = math.sqrt(expected * (1 - expected) / arrivals)
    assert abs(leak - expected) < 4 * standard_error
    assert (result.depletion_day == NEVER).all()


def test_fixed_arrivals_certain_kills_equal_the_fluid_solution_exactly():
    scenario = _scenario(stock=500, deliveries=100, per_day=6, shots=2)
    result = simulate(scenario, runs=10)
    fluid = deterministic(scenario)
    # the fluid model spends fractions of engagements, the engine whole ones: equal while stocked
    stocked = fluid["stock"][0] >= 2 * 6
    np.testing.assert_allclose(result.mean_stock[0][stocked], fluid["stock"][0][stocked])


def test_monte_carlo_mean_approaches_the_stock_and_flow_solution_as_dispersion_falls():
    errors = {}
    for dispersion in (4.0, 1.0, 0.0):
        scenario = _scenario(stock=600, deliveries=60, per_day=8, dispersion=dispersion, shots=2,
                             pk=0.8, c=0.9, horizon=90)
        result = simulate(scenario, runs=2000)
        fluid = deterministic(scenario)
        errors[dispersion] = np.abs(result.mean_stock[0] - fluid["stock"][0]).max()
    assert errors[0.0] < errors[1.0] < errors[4.0]
    assert errors[0.0] < 0.02 * 600


def test_capacity_caps_all_classes_together_in_the_order_listed():
    scenario = scenario_from_dict({
        "name": "cap", "horizon_days": 5,
        "threats": {"cruise": {"per_day": 4, "dispersion": 0}, "ballistic": {"per_day": 3, "dispersion": 0}},
        "interceptors": {"sam": {"stock": 10**6}},
        "layers": [{"name": "sam", "interceptor": "sam", "capacity_per_day": 5,
                    "engages": {"ballistic": {"shots": 2, "pk": 1.0}, "cruise": {"shots": 1, "pk": 1.0}}}],
    })
    result = simulate(scenario, runs=5)
    # ballistic listed first takes 3 of the 5 engagements, cruise gets the other 2
    assert result.mean_kills[1].tolist() == [3.0] * 5
    assert result.mean_kills[0].tolist() == [2.0] * 5
    assert result.mean_shots[0].tolist() == [3 * 2 + 2 * 1.0] * 5


def test_a_layer_that_cannot_engage_passes_threats_to_the_next():
    extra = [{"name": "backup", "engages": {"ballistic": {"shots": 1, "pk": 1.0}},
              "cost_per_engagement_usd": 10.0}]
    result = simulate(_scenario(stock=0, per_day=5, extra_layers=extra, horizon=10), runs=3)
    assert (result.depletion_day[0] == 1).all()  # the first threats go unanswered on day 1
    assert result.run_kills.sum() == 5 * 10 * 3
    assert result.summary()["cost_per_day_usd"] == pytest.approx(5 * 10.0)


def test_costs_and_cost_exchange_follow_shots_and_arrivals():
    result = simulate(_scenario(stock=10**6, per_day=4, shots=2, horizon=30), runs=10)
    summary = result.summary()
    assert summary["cost_per_day_usd"] == pytest.approx(4 * 2 * 1.0e6)
    assert summary["attacker_cost_per_day_usd"] == pytest.approx(4 * 3.0e6)
    assert summary["cost_exchange_ratio"] == pytest.approx(8 / 12)
    assert summary["cost_per_kill_usd"] == pytest.approx(2.0e6)


def _numbers(result):
    return (result.depletion_day, result.run_arrivals, result.run_kills, result.run_final_stock)


def test_same_seed_same_numbers_and_chunk_size_does_not_matter():
    scenario = _scenario(stock=300, deliveries=30, per_day=5, dispersion=2.0, pk=0.7, c=0.9)
    a = simulate(scenario, runs=5000, chunk_runs=2000)
    b = simulate(scenario, runs=5000, chunk_runs=6000)
    c = simulate(scenario, runs=5000, chunk_runs=2000)
    for x, y, z in zip(_numbers(a), _numbers(b), _numbers(c), strict=True):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(x, z)
    d = simulate(scenario, runs=5000, seed=8)
    assert not np.array_equal(a.run_arrivals, d.run_arrivals)


def test_arrivals_are_common_random_numbers_across_deliveries():
    low = _scenario(stock=200, deliveries=10, per_day=5, dispersion=2.0, pk=0.7, c=0.9)
    high = low.with_overrides({"interceptors.sam.deliveries_per_month": 200})
    a = simulate(low, runs=300, keep_runs=True)
    b = simulate(high, runs=300, keep_runs=True)
    np.testing.assert_array_equal(a.kept["arrivals"], b.kept["arrivals"])
    assert a.run_shots.sum() < b.run_shots.sum()


def test_arrivals_dispersion_gives_mean_and_variance():
    for dispersion in (0.5, 1.0, 3.0):
        result = simulate(_scenario(stock=0, per_day=20, dispersion=dispersion, horizon=50), runs=400)
        daily = result.band_arrivals[0].ravel()
        assert daily.mean() == pytest.approx(20, rel=0.03)
        assert daily.var() / daily.mean() == pytest.approx(dispersion, rel=0.1)
    fractional = simulate(_scenario(stock=0, per_day=2.25, dispersion=0, horizon=200), runs=100)
    values = np.unique(fractional.band_arrivals)
    assert set(values.tolist()) == {2, 3}
    assert fractional.band_arrivals.mean() == pytest.approx(2.25, abs=0.02)


def test_record_threats_resample_whole_days_times_scale():
    days = pd.date_range("2025-01-01", "2025-01-10", freq="D")
    rows = []
    for i, day in enumerate(days[:8]):  # two days without a wave count as zero
        rows.append({"report_date": day, "command": "national", "weapon_class": "drone",
                     "launched": 10.0 * (i + 1), "neutralised": 8.0 * (i + 1)})
        rows.append({"report_date": day, "command": "national", "weapon_class": "ballistic",
                     "launched": 1.0, "neutralised": 0.0})
        rows.append({"report_date": day, "command": "regional", "weapon_class": "drone",
                     "launched": 999.0, "neutralised": 999.0})
    record = pd.DataFrame(rows)
    scenario = scenario_from_dict({
        "name": "rec", "horizon_days": 200,
        "threats": {"from_record": {"start": "2025-01-01", "end": "2025-01-10"}, "scale": 1.5,
                    "classes": ["drone", "ballistic"]},
        "interceptors": {"sam": {"stock": 0}},
        "layers": [{"name": "sam", "interceptor": "sam", "engages": {"drone": {"shots": 1, "pk": 1}}}],
    })
    result = simulate(scenario, runs=200, record=record)
    drone, ballistic = result.band_arrivals
    # drones and ballistic missiles of one day come together: ballistic 1.5 (1 or 2) on wave days
    assert ((drone == 0) == (ballistic == 0)).all()
    assert set(np.unique(ballistic).tolist()) == {0, 1, 2}
    assert drone.mean() == pytest.approx(1.5 * 10 * 36 / 10, rel=0.05)


def test_simulate_command_writes_the_summary_json(tmp_path, capsys):
    import json

    from analysis.cli import main

    out = tmp_path / "out.json"
    assert main(["simulate", "baseline", "--runs", "60", "--seed", "5", "--json", str(out),
                 "--set", "horizon_days=40"]) == 0
    printed = capsys.readouterr().out
    written = json.loads(out.read_text())
    for name in ("pac3_mse", "medium_sam", "interceptor_drone", "interception rate", "60 runs"):
        assert name in printed
    assert main(["simulate", "baseline", "--runs", "60", "--seed", "5", "--json", "-",
                 "--set", "horizon_days=40"]) == 0
    assert json.loads(capsys.readouterr().out) == written
    assert written["runs"] == 60 and written["horizon_days"] == 40
    for name in ("pac3_mse", "medium_sam", "interceptor_drone"):
        assert set(written["days_to_depletion"][name]) >= {"median", "p10", "p90", "mean",
                                                            "prob_by_horizon"}
    assert written["calibration"]["applied"]
    assert main(["simulate", "baseline", "--set", "threats.drone.perday=1"]) == 2  # usage: no such key
    assert "threats.drone.perday" in capsys.readouterr().err


def test_a_free_layer_kills_binomially_with_engage_times_kill_probability():
    # the free layer's single draw must give the two-draw scheme's law: binomial(N, c q) per day
    ew = [{"name": "ew", "engages": {"ballistic": {"shots": 2, "pk": 0.4}},
           "engage_probability": 0.6}]
    result = simulate(_scenario(stock=0, per_day=30, extra_layers=ew, horizon=100), runs=500)
    assert (result.depletion_day[0] == 1).all()  # the SAM cannot engage: only the free layer kills
    daily = result.band_kills[0].ravel().astype(float)
    p = 0.6 * (1 - 0.6**2)
    mean, var = 30 * p, 30 * p * (1 - p)
    n = daily.size
    assert abs(daily.mean() - mean) < 4 * math.sqrt(var / n)
    # standard error of a sample variance: sqrt((mu4 - var^2) / n), mu4 of the binomial
    mu4 = 30 * p * (1 - p) * (1 + 3 * (30 - 2) * p * (1 - p))
    assert abs(daily.var() - var) < 4 * math.sqrt((mu4 - var**2) / n)


def _two_draw_reference(runs, horizon, per_day, dispersion, ew, sam, stock, rng):
    """The model drawn the old way (engaged, then killed) in plain numpy: per-run total kills."""
    p = 1 / dispersion
    left = np.full(runs, stock)
    kills = np.zeros(runs, dtype=np.int64)
    for _ in range(horizon):
        alive = rng.negative_binomial(per_day * p / (1 - p), p, runs)
        engaged = rng.binomial(alive, ew[0])
        killed = rng.binomial(engaged, ew[1])
        alive -= killed
        kills += killed
        engaged = np.minimum(rng.binomial(alive, sam[0]), left // sam[2])
        left -= engaged * sam[2]
        kills += rng.binomial(engaged, 1 - (1 - sam[1]) ** sam[2])
    return kills


def test_free_layer_then_a_stock_limited_layer_match_the_two_draw_scheme():
    data = _scenario(stock=300, per_day=12, dispersion=3.0, shots=2, pk=0.6, c=0.8,
                     horizon=40).to_dict()
    data["layers"].insert(0, {"name": "ew", "engages": {"ballistic": {"shots": 1, "pk": 0.5}},
                              "engage_probability": 0.7})
    scenario = scenario_from_dict(data)
    runs = 6000
    engine = simulate(scenario, runs=runs).run_kills[0].astype(float)
    reference = _two_draw_reference(runs, 40, 12, 3.0, (0.7, 0.5), (0.8, 0.6, 2), 300,
                                    np.random.default_rng(11)).astype(float)
    se_mean = math.sqrt(engine.var() / runs + reference.var() / runs)
    assert abs(engine.mean() - reference.mean()) < 4 * se_mean

    def var_se(x):
        centred = x - x.mean()
        return math.sqrt(((centred**4).mean() - x.var() ** 2) / x.size)

    assert abs(engine.var() - reference.var()) < 4 * math.hypot(var_se(engine), var_se(reference))


def test_chunk_size_does_not_matter_with_dry_blocks_and_free_layers():
    # no deliveries: every run runs dry, so whole blocks skip their draws from some day on
    ew = [{"name": "ew", "engages": {"ballistic": {"shots": 1, "pk": 0.5}},
           "engage_probability": 0.7}]
    scenario = _scenario(stock=60, per_day=5, dispersion=2.0, pk=0.7, c=0.9, horizon=40,
                         extra_layers=ew)
    a = simulate(scenario, runs=4500, chunk_runs=2000)
    b = simulate(scenario, runs=4500, chunk_runs=10000)
    assert (a.depletion_day != NEVER).all()
    for x, y in zip(_numbers(a), _numbers(b), strict=True):
        np.testing.assert_array_equal(x, y)


def test_cost_per_engagement_counts_on_a_layer_with_an_interceptor_too():
    data = _scenario(stock=3000, per_day=6, dispersion=1.0, shots=2, pk=0.7, c=0.8,
                     horizon=60).to_dict()
    data["layers"][0]["cost_per_engagement_usd"] = 500.0
    result = simulate(scenario_from_dict(data), runs=300)
    # each engagement fires exactly 2 interceptors, so engagements = shots / 2 in every run
    expected = result.run_shots[0] * 1.0e6 + result.run_shots[0] / 2 * 500.0
    np.testing.assert_allclose(result.run_defender_cost, expected)
    assert result.run_shots.sum() > 0
    # with fixed arrivals, certain engagement and no stock limit: 4 a day, 2 shots each
    fixed = _scenario(stock=10**6, per_day=4, shots=2, horizon=30).to_dict()
    fixed["layers"][0]["cost_per_engagement_usd"] = 500.0
    summary = simulate(scenario_from_dict(fixed), runs=5).summary()
    assert summary["cost_per_day_usd"] == pytest.approx(4 * 2 * 1.0e6 + 4 * 500.0)
    # no stock, no engagements: nothing spent
    empty = _scenario(stock=0, per_day=4, shots=2, horizon=30).to_dict()
    empty["layers"][0]["cost_per_engagement_usd"] = 500.0
    assert simulate(scenario_from_dict(empty), runs=5).summary()["cost_per_day_usd"] == 0.0


def test_a_stock_of_zero_whose_deliveries_match_use_never_runs_out():
    # 5 a day delivered each morning, 5 threats a day, one shot each, every one killed
    result = simulate(_scenario(stock=0, deliveries=5 * 365 / 12, per_day=5, shots=1, horizon=60),
                      runs=5)
    assert (result.depletion_day == NEVER).all()
    summary = result.summary()
    assert summary["days_to_depletion"]["sam"]["prob_by_horizon"] == 0.0
    assert summary["interception_rate"]["mean"] == 1.0
    assert summary["interception_rate_while_stocked"]["ballistic"] == 1.0


def test_running_out_per_class_with_two_shot_and_one_shot_engagements():
    # 1 ballistic (2 shots) then 1 cruise (1 shot) a day, stock 7, no deliveries, pk 1:
    # day 1: 7 -> 5 -> 4; day 2: 4 -> 2 -> 1; day 3: 1 left, the ballistic missile is
    # unanswered (1 < 2), the cruise missile is engaged -> 0; day 4: the cruise missile too
    data = {
        "name": "per-class", "horizon_days": 6,
        "threats": {"ballistic": {"per_day": 1, "dispersion": 0}, "cruise": {"per_day": 1, "dispersion": 0}},
        "interceptors": {"sam": {"stock": 7}},
        "layers": [{"name": "sam", "interceptor": "sam",
                    "engages": {"ballistic": {"shots": 2, "pk": 1}, "cruise": {"shots": 1, "pk": 1}}}],
    }
    result = simulate(scenario_from_dict(data), runs=3)
    summary = result.summary()
    assert summary["days_to_depletion_by_class"]["sam"]["ballistic"]["median"] == 3
    assert summary["days_to_depletion_by_class"]["sam"]["cruise"]["median"] == 4
    assert summary["days_to_depletion"]["sam"]["median"] == 4  # by then it answers neither
    assert result.mean_kills.sum(axis=1).tolist() == [2.0, 3.0]  # (ballistic, cruise)


@pytest.mark.parametrize("dispersion", [1.0, 4.0])
def test_days_to_depletion_follow_their_exact_distribution(dispersion):
    # one layer, every threat engaged and killed, 2 shots, stock 200 (E = 100 engagements), no
    # deliveries: the first threat left unanswered comes on T = min{t : A_t >= E + 1}, A_t the
    # arrivals of t days: Poisson(5 t), or negative binomial with t r "successes" (a sum of t
    # negative binomials with the same p), so P(T <= t) = P(A_t >= 101) exactly
    from scipy import stats

    runs, horizon, mean, engagements = 4000, 60, 5.0, 100
    result = simulate(_scenario(stock=200, per_day=mean, dispersion=dispersion, shots=2, horizon=horizon),
                      runs=runs, seed=17)
    days = np.arange(1, horizon + 1)
    if dispersion == 1.0:
        exact = stats.poisson(mean * days).sf(engagements)
    else:
        p = 1 / dispersion
        exact = stats.nbinom(mean * p / (1 - p) * days, p).sf(engagements)
    observed = (result.depletion_day[0][None, :] <= days[:, None]).mean(axis=1)
    error = np.sqrt(exact * (1 - exact) / runs)
    assert np.all(np.abs(observed - exact) <= 4 * error + 1e-9)
    summary = result.summary()["days_to_depletion"]["sam"]
    for q, key in ((0.1, "p10"), (0.5, "median"), (0.9, "p90")):
        exact_quantile = int(days[np.argmax(exact >= q)])
        assert abs(summary[key] - exact_quantile) <= 1
        assert summary["mcse"][key] is not None and summary["mcse"][key] <= 1.5
