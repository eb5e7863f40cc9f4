"""Tests of analysis.stats.saturation: a known saturation slope is recovered from simulated waves, also
when a time trend correlated with wave size would fool a naive model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.contingency_tables import StratifiedTable

from analysis.stats.saturation import (
    COMPLETE_FROM,
    defense_sentence,
    defense_table,
    fit_saturation,
    in_counts,
    leak_counts,
    plain_verdict,
    predict_saturation,
    saturation_data,
    saturation_table,
)
from analysis.stats.size_check import mantel_haenszel_odds_ratio, size_quartile_comparison


def simulated_waves(
    slope: float,
    seed: int = 5,
    waves: int = 600,
    rho: float = 0.01,
    trend: float = 0.2,
    size_growth: float = 0.0,
    start: str = "2024-08-01",
) -> pd.DataFrame:
    """A wave table, one national wave a day, whose drone log-odds move by `slope` per doubling of
    the wave and by `trend` per year, with beta noise per wave. With `size_growth` > 0 the waves
    grow over time (log2 size rises by that much a year): size and time trend are confounded."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=waves, freq="D")
    years = (dates - dates[0]).days.to_numpy() / 365.25
    log2_drones = 5.5 + size_growth * years + rng.normal(0, 1.0, size=waves)
    drones = np.clip(np.round(2 ** log2_drones), 3, 3000).astype(int)
    with_missiles = rng.random(waves) < 0.4
    cruise = np.where(with_missiles, rng.integers(5, 60, size=waves), 0)
    size = drones + cruise
    logit = 1.2 + slope * np.log2(size) + 0.3 * with_missiles + trend * years
    p = 1 / (1 + np.exp(-logit))
    a, b = p * (1 - rho) / rho, (1 - p) * (1 - rho) / rho
    drone_destroyed = rng.binomial(drones, rng.beta(a, b))
    cruise_destroyed = rng.binomial(cruise, 0.7)
    return pd.DataFrame({
        "wave_id": np.arange(waves), "command": "national", "report_date": dates,
        "convention": np.where(dates < pd.Timestamp("2025-07-23"), "split", "combined"),
        "drone_launched": drones, "drone_destroyed": drone_destroyed, "drone_not_reached": 0,
        "cruise_launched": cruise, "cruise_destroyed": cruise_destroyed, "cruise_not_reached": 0,
        "ballistic_launched": 0, "ballistic_destroyed": 0, "ballistic_not_reached": 0,
    })


@pytest.mark.parametrize("slope", [-0.25, 0.0])
def test_glm_recovers_known_saturation_slope(slope: float) -> None:
    data = saturation_data(simulated_waves(slope), "drone")
    fit = fit_saturation(data, "drone", size="wave")  # the simulation's share follows the whole wave
    row = fit.slope()
    assert row.ci_low <= slope <= row.ci_high
    assert row.estimate == pytest.approx(slope, abs=0.1)
    mixed = fit.coefficients.set_index("term").loc["mixed_wave"]
    assert abs(mixed.estimate - 0.3) < 3 * mixed.std_error  # one draw: 3 SE, not the 95% interval
    assert fit.rho == pytest.approx(0.01, abs=0.006)  # the beta noise is found and sets the weights
    assert fit.dispersion == pytest.approx(1.0, abs=0.25)  # ... and leaves no overdispersion behind
    assert fit.answer == ("falls" if slope < 0 else "unclear")
    assert fit.verdict.startswith("A smaller share is stopped in bigger attacks" if slope < 0
                                  else "No clear change of the share stopped")
    assert "20+ drones" in fit.verdict and "month" in fit.verdict and "the whole attack" in fit.verdict


def test_adjusted_model_recovers_slope_that_a_time_trend_hides_from_the_naive_one() -> None:
    # Waves double in size every year while the defence improves by 1.2 log-odds a year: the time
    # trend, correlated with size, makes bigger waves look better defended to a naive model.
    slope = -0.2
    waves = simulated_waves(slope, seed=8, waves=660, trend=1.2, size_growth=1.0)
    data = saturation_data(waves, "drone")
    naive = fit_saturation(data, "drone", time_adjust="none", size="wave").slope()
    adjusted = fit_saturation(data, "drone", time_adjust="month", size="wave").slope()
    linear = fit_saturation(data, "drone", time_adjust="linear", size="wave").slope()
    assert not naive.ci_low <= slope <= naive.ci_high
    assert naive.estimate > 0  # the naive model even reverses the sign
    assert adjusted.ci_low <= slope <= adjusted.ci_high
    assert adjusted.ci_high < 0
    assert linear.ci_low <= slope <= linear.ci_high  # the true trend is linear: both adjustments work


def test_quartile_comparison_within_quarters_sees_through_the_confounder() -> None:
    waves = simulated_waves(-0.3, seed=12, waves=660, trend=1.2, size_growth=1.0)
    data = saturation_data(waves, "drone")
    check = size_quartile_comparison(data, boot=200, size_column="size")
    assert check.answer == "falls" and check.or_high < 1
    # Pooling every quarter into one stratum lets the time trend back in: the largest waves
    # (mostly late, when the defence was better) look better defended.
    pooled = size_quartile_comparison(data.assign(quarter="all"), boot=50, size_column="size")
    assert pooled.odds_ratio > check.odds_ratio
    # The bootstrap interval (over waves) is wider than StratifiedTable's binomial one.
    assert check.or_high - check.or_low > check.binomial_high - check.binomial_low


def test_mantel_haenszel_closed_form_matches_statsmodels() -> None:
    rng = np.random.default_rng(1)
    tables = rng.integers(1, 80, size=(6, 2, 2)).astype(float)
    expected = StratifiedTable(tables.transpose(1, 2, 0)).oddsratio_pooled
    assert mantel_haenszel_odds_ratio(tables) == pytest.approx(expected, rel=1e-12)


def test_default_selection_drops_early_months_and_small_waves() -> None:
    waves = simulated_waves(-0.1, start="2024-05-01", waves=200)
    data = saturation_data(waves, "drone")
    assert data["report_date"].min() >= COMPLETE_FROM
    assert data["launched"].min() >= 20 and data.attrs["min_launched"] == 20
    everything = saturation_data(waves, "drone", start=None, min_launched=1)
    assert len(everything) == int((waves["drone_launched"] > 0).sum())


def test_prediction_band_contains_true_curve_and_falls_with_size() -> None:
    waves = simulated_waves(-0.25, trend=0.0)
    fit = fit_saturation(saturation_data(waves, "drone"), "drone", time_adjust="linear", size="wave")
    sizes = np.array([20.0, 100.0, 500.0])
    predicted = predict_saturation(fit, sizes, mixed_wave=0.0, years=1.0)
    truth = 1 / (1 + np.exp(-(1.2 - 0.25 * np.log2(sizes))))
    assert np.all(predicted["ci_low"] <= truth) and np.all(truth <= predicted["ci_high"])
    assert predicted["rate"].is_monotonic_decreasing
    by_month = fit_saturation(saturation_data(waves, "drone"), "drone", size="wave")
    assert predict_saturation(by_month, sizes)["rate"].is_monotonic_decreasing


def test_destroyed_fit_has_a_level_per_month_and_period_and_verdict_has_caveat() -> None:
    waves = simulated_waves(-0.25)
    data = saturation_data(waves, "drone", convention="destroyed")
    # July 2025 straddles the change of 2025-07-23: two strata, one per convention.
    assert {"2025-07 split", "2025-07 combined"} <= set(data["month"])
    table, fits = saturation_table(waves, convention="destroyed", classes=("drone", "cruise"))
    assert set(fits) == {"drone", "cruise"}
    assert set(table["term"]) <= {"const", "log2_class", "mixed_wave"}
    # Cruise missiles only fly in mixed waves here: the mix term is dropped, not estimated.
    assert "mixed_wave" not in fits["cruise"].design_columns
    text = plain_verdict(fits["drone"], size_quartile_comparison(data, boot=50))
    assert "largest quarter of attacks" in text and "not a controlled comparison" in text
    for confound in ("defensive effort", "split over several", "rounded"):
        assert confound in text
    # drones shot down do not count those lost to jamming: that confound is named only for "stopped"
    assert "electronic warfare" not in text
    stopped = fit_saturation(saturation_data(waves, "drone"), "drone")
    assert "electronic warfare" in plain_verdict(stopped)


def cruise_waves(slope: float, seed: int = 4, waves: int = 500) -> pd.DataFrame:
    """Cruise missiles whose share follows their own count, flown beside many more drones."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-08-01", periods=waves, freq="D")
    cruise = np.clip(np.round(2 ** rng.normal(4, 1.0, waves)), 5, 200).astype(int)
    drones = np.clip(np.round(2 ** rng.normal(7, 1.0, waves)), 20, 2000).astype(int)
    p = 1 / (1 + np.exp(-(0.5 + slope * np.log2(cruise))))
    return pd.DataFrame({
        "wave_id": np.arange(waves), "command": "national", "report_date": dates, "convention": "combined",
        "drone_launched": drones, "drone_destroyed": rng.binomial(drones, 0.85), "drone_not_reached": 0,
        "cruise_launched": cruise, "cruise_destroyed": rng.binomial(cruise, p), "cruise_not_reached": 0,
        "ballistic_launched": 0, "ballistic_destroyed": 0, "ballistic_not_reached": 0,
    })


def test_a_class_is_measured_by_its_own_count_and_the_whole_wave_is_a_second_reading() -> None:
    data = saturation_data(cruise_waves(0.4), "cruise")
    own = fit_saturation(data, "cruise").slope()
    whole = fit_saturation(data, "cruise", size="wave").slope()
    assert own.ci_low <= 0.4 <= own.ci_high
    assert not whole.ci_low <= 0.4 <= whole.ci_high  # the drones in the wave blur the cruise count
    assert fit_saturation(data, "cruise").verdict.count("number of cruise missiles in the attack") == 1


def test_the_answer_in_counts_is_n_times_the_share_not_stopped() -> None:
    data = saturation_data(cruise_waves(0.3), "cruise")
    fit = fit_saturation(data, "cruise")
    counts = leak_counts(fit, np.array([10.0, 80.0]))
    predicted = predict_saturation(fit, np.array([10.0, 80.0]))
    assert counts["through"].to_numpy() == pytest.approx(np.array([10.0, 80.0]) * (1 - predicted["rate"]))
    assert (counts["through_low"] <= counts["through"]).all() and (counts["through"] <= counts["through_high"]).all()
    # a larger share stopped in bigger waves, yet more get through in number
    text = in_counts(fit, data)
    assert "bigger attacks let more through in number, but a smaller share" in text
    with pytest.raises(Exception, match="own count"):
        leak_counts(fit_saturation(data, "cruise", size="wave"), np.array([10.0]))


def test_month_clustered_errors_are_statsmodels_cluster_robust_ones() -> None:
    """With plain binomial weights and no month levels the sandwich summed per month is the one
    statsmodels computes for a binomial GLM of (stopped, not stopped) clustered by month."""
    import statsmodels.api as sm

    data = saturation_data(simulated_waves(-0.2, seed=3, waves=400), "drone")
    fit = fit_saturation(data, "drone", time_adjust="none", beta_binomial_weights=False, size="wave")
    design = sm.add_constant(data[["log2_size", "mixed_wave"]].astype(float), has_constant="add")
    counts = np.column_stack([data["counted"], data["launched"] - data["counted"]])
    groups = pd.factorize(data["calendar_month"])[0]
    reference = sm.GLM(counts, design, family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": groups})
    row = fit.coefficients.set_index("term").loc["log2_size"]
    assert row.estimate == pytest.approx(reference.params["log2_size"], rel=1e-6)
    assert row.std_error == pytest.approx(reference.bse["log2_size"], rel=1e-4)
    assert fit.months == len(set(groups)) and fit.dof == fit.months - 1


def test_nights_that_share_their_months_luck_widen_the_size_interval() -> None:
    waves = simulated_waves(-0.2, seed=21, waves=500, rho=0.002)
    rng = np.random.default_rng(21)
    months = pd.to_datetime(waves["report_date"]).dt.to_period("M")
    luck = pd.Series(rng.normal(0, 0.6, months.nunique()), index=months.unique())
    # one month's luck, good or bad, moves every wave of it, and its big waves most
    shift = luck.loc[months].to_numpy() * np.log2(waves["drone_launched"].to_numpy()) / 6
    p = 1 / (1 + np.exp(-(1.2 - 0.2 * np.log2(waves["drone_launched"]) + shift)))
    waves["drone_destroyed"] = rng.binomial(waves["drone_launched"], p)
    data = saturation_data(waves, "drone")
    clustered = fit_saturation(data, "drone").slope()
    model_only = fit_saturation(data, "drone", cluster=False).slope()
    assert clustered.std_error > 1.5 * model_only.std_error


def test_the_defense_table_headlines_drones_shot_down_with_jamming_apart() -> None:
    """Drones whose share shot down does not change with the size of the attack while the share
    lost to jamming grows with it: 'stopped' rises, the headline (shot down) does not."""
    rng = np.random.default_rng(9)
    dates = pd.date_range("2024-08-01", "2025-07-22", freq="D")
    drones = np.clip(np.round(2 ** rng.normal(6.5, 1.0, len(dates))), 20, 3000).astype(int)
    jam = 1 / (1 + np.exp(-(-3.0 + 0.35 * np.log2(drones))))
    lost = rng.binomial(drones, jam)
    shot = rng.binomial(drones - lost, 0.75)
    waves = pd.DataFrame({
        "wave_id": np.arange(len(dates)), "command": "national", "report_date": dates, "convention": "split",
        "drone_launched": drones, "drone_destroyed": shot, "drone_not_reached": lost,
        **{f"{c}_{part}": 0 for c in ("cruise", "ballistic") for part in ("launched", "destroyed", "not_reached")},
    })
    table, fits = defense_table(waves, classes=("drone",))
    rows = table.set_index("convention")
    assert table.iloc[0]["headline"] and table.iloc[0]["counting"] == "shot down"
    assert rows.loc["not_reached", "answer"] == "rises" and rows.loc["not_reached", "share_largest"] > rows.loc["not_reached", "share_smallest"]
    shot_down = rows.loc["destroyed"]
    # shot down of launched falls a little as jamming takes more of the big attacks: never "rises"
    assert shot_down["answer"] != "rises" and shot_down["months"] == 12
    assert table.loc[table["convention"] == "neutralised", "answer"].eq("rises").all()
    sentence = defense_sentence(table, "drone")
    assert sentence.startswith(fits[("drone", "destroyed", True)].verdict)
    assert "lost to jamming or decoys" in sentence and "months as the units, 12 of them" in sentence
