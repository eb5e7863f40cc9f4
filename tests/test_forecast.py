"""The tempo forecast: series and periods, models against known truths, scores against closed
forms, the backtest's cut (a leak would change a forecast), the choice rule and bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.stats.forecast import (
    ForecastError,
    backtest,
    choose_models,
    daily_launches,
    forecast_launches,
)
from analysis.stats.forecast.backtest import Choice, diebold_mariano, interval_scales
from analysis.stats.forecast.models import (
    MODEL_NAMES,
    fit_model,
    fit_nb_trend,
)
from analysis.stats.forecast.scores import crps_sample, interval_score
from analysis.stats.forecast.series import History, split_history, to_periods
from analysis.stats.forecast.study import TrendTruth, naive_random_walk_study, nb_trend_study


def synthetic_record(daily: pd.DataFrame, name: str = "synthetic.csv") -> pd.DataFrame:
    """A tidy record with one national row per day and class (what the forecast reads); the last
    day is the record's last report date, as a file's last post would be."""
    long = daily.rename_axis("report_date").reset_index().melt(
        id_vars="report_date", var_name="weapon_class", value_name="launched")
    long["command"] = "national"
    record = long.reset_index(drop=True)
    record.attrs["record_path"] = name
    return record


def nb_daily(start: str, end: str, rates: dict[str, float], growth: float = 0.0, alpha: float = 0.3,
             seed: int = 1) -> pd.DataFrame:
    """Daily counts per class from a negative-binomial trend (log growth per year)."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(start, end, freq="D")
    years = np.arange(len(days)) / 365.25
    columns = {}
    for cls, rate in rates.items():
        mu = rate * np.exp(growth * years)
        columns[cls] = rng.poisson(rng.gamma(1 / alpha, mu * alpha)).astype(float)
    return pd.DataFrame(columns, index=days)


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    return synthetic_record(nb_daily("2024-08-01", "2025-09-17",
                                     {"drone": 150.0, "cruise": 3.0, "ballistic": 1.5}, growth=0.4))


# --- the series -----------------------------------------------------------------------------------


def test_daily_series_starts_in_august_2024_keeps_national_rows_and_fills_quiet_days():
    record = pd.DataFrame({
        "report_date": pd.to_datetime(["2024-07-30", "2024-08-02", "2024-08-02", "2024-08-05",
                                       "2024-08-05", "2024-08-05"]),
        "weapon_class": ["drone", "drone", "cruise", "drone", "drone", "mixed"],
        "command": ["national", "national", "national", "regional", "national", "national"],
        "launched": [50, 10, 2, 99, 7, 4],
    })
    daily = daily_launches(record, ["drone", "cruise"])
    assert daily.index[0] == pd.Timestamp("2024-08-01") and daily.index[-1] == pd.Timestamp("2024-08-05")
    assert daily["drone"].tolist() == [0, 10, 0, 0, 7]  # July and the regional row left out
    assert daily["cruise"].sum() == 2 and daily.attrs["end"] == pd.Timestamp("2024-08-05")


def test_partial_periods_at_both_ends_are_kept_out_of_the_fit_and_the_last_is_forecast():
    daily = pd.DataFrame({"drone": 1.0}, index=pd.date_range("2024-08-01", "2025-03-12"))
    daily.attrs = {"record": "x", "end": daily.index[-1]}
    weeks = to_periods(daily, "week")
    assert weeks.starts[0] == pd.Timestamp("2024-07-29") and weeks.observed_days[0] == 4
    histories, future = split_history(daily, "week", 3)
    assert histories["drone"].starts[0] == pd.Timestamp("2024-08-05")  # the partial first week dropped
    assert (histories["drone"].counts == 7).all()
    assert future.starts[0] == pd.Timestamp("2025-03-10") and future.observed_days[0] == 3
    histories, future = split_history(daily, "month", 2)
    assert histories["drone"].starts[-1] == pd.Timestamp("2025-02-01")
    assert future.labels == ["2025-03", "2025-04"] and future.observed["drone"][0] == 12


def test_a_forecast_of_the_month_the_record_ends_in_adds_the_launches_already_recorded(synthetic):
    result = forecast_launches(synthetic, by="month", horizon=2, model="naive", run_backtest=False,
                               paths=500)
    first = result.table[result.table["class"] == "drone"].iloc[0]
    assert first["period"] == "2025-09" and first["observed_days"] == 17 and first["days"] == 30
    daily = daily_launches(synthetic)
    assert first["observed"] == daily.loc["2025-09", "drone"].sum()
    assert first["low"] >= first["observed"]
    # the rest of the month at about the naive rate (August's daily rate)
    august_rate = daily.loc["2025-08", "drone"].mean()
    assert first["median"] == pytest.approx(first["observed"] + 13 * august_rate, rel=0.05)


def test_totals_over_the_first_periods_are_the_sums_of_those_periods_of_each_path(synthetic):
    """06 gives the total over the months the backtest tested (the first three) on its first
    screen: the quantiles of each path's sum over those months, read here from the paths."""
    result = forecast_launches(synthetic, by="month", horizon=4, model="naive", run_backtest=False, paths=400)
    everything, first_two = result.totals(), result.totals(periods=2)
    assert list(first_two["last_period"]) == [result.future.labels[1]] * len(result.classes)
    assert list(everything["last_period"]) == [result.future.labels[-1]] * len(result.classes)
    drone = first_two[first_two["class"] == "drone"].iloc[0]
    sums = result.samples["drone"][:, 0] + result.samples["drone"][:, 1]
    assert drone["median"] == pytest.approx(np.median(sums), rel=0.01)
    assert drone["low"] <= np.quantile(sums, 0.1) and drone["high"] >= np.quantile(sums, 0.9)
    assert result.totals(periods=99).equals(everything)


# --- models against known truths -------------------------------------------------------------------


def test_nb_trend_recovers_a_known_trend_and_its_interval_holds_its_level():
    study = nb_trend_study(TrendTruth(rate_per_day=200.0, log_growth_per_year=0.5, alpha=0.05),
                           replicates=150, paths=600)
    assert 0.90 <= study["trend_coverage_95"] <= 0.99
    assert study["trend_mean"] == pytest.approx(0.5, abs=0.05)
    coverage = study["coverage"].set_index("horizon")["coverage"]
    assert coverage.between(0.82, 0.96).all(), coverage  # nominal 90%, 150 replicates


def test_nb_trend_intervals_hold_for_a_small_falling_overdispersed_series():
    study = nb_trend_study(TrendTruth(rate_per_day=4.0, log_growth_per_year=-0.4, alpha=0.3),
                           replicates=150, paths=600, seed=11)
    assert 0.90 <= study["trend_coverage_95"] <= 0.99
    assert study["coverage"]["coverage"].between(0.82, 0.96).all(), study["coverage"]


def test_naive_intervals_hold_their_level_on_a_random_walk():
    coverage = naive_random_walk_study(replicates=300, paths=600)["coverage"]
    assert coverage.between(0.85, 0.95).all(), coverage


def test_daily_nb_trend_finds_a_known_weekday_effect():
    rng = np.random.default_rng(5)
    days = pd.date_range("2025-01-06", periods=364, freq="D")
    saturday = 0.7  # log effect against Monday
    mu = 50.0 * np.exp(np.where(days.day_of_week == 5, saturday, 0.0))
    counts = rng.poisson(rng.gamma(1 / 0.2, mu * 0.2)).astype(float)
    fitted = fit_nb_trend(History("day", days, counts, np.ones(len(days))))
    effects = fitted.params["weekday_log_effects_vs_monday"]
    assert effects["Sat"] == pytest.approx(saturday, abs=0.15)
    assert abs(effects["Wed"]) < 0.15 and fitted.params["alpha"] == pytest.approx(0.2, rel=0.35)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_model_draws_whole_non_negative_paths_around_a_flat_series(name):
    rng = np.random.default_rng(2)
    starts = pd.date_range("2024-09-02", periods=40, freq="7D")
    counts = rng.poisson(700, len(starts)).astype(float)
    fitted = fit_model(name, History("week", starts, counts, np.full(40, 7.0)))
    future = pd.date_range(starts[-1] + pd.Timedelta(weeks=1), periods=4, freq="7D")
    draws = fitted.simulate(future, np.full(4, 7.0), 2000, np.random.default_rng(3))
    assert draws.shape == (2000, 4) and (draws >= 0).all()
    assert np.median(draws[:, 0]) == pytest.approx(700, rel=0.1)


# --- scores ---------------------------------------------------------------------------------------


def test_sample_crps_matches_the_closed_form_of_a_normal_and_of_a_point_forecast():
    rng = np.random.default_rng(0)
    sigma, outcome = 2.0, 1.3
    z = outcome / sigma
    closed = sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / math.sqrt(math.pi))
    sample = rng.normal(0.0, sigma, 200_000)
    assert crps_sample(sample[None, :], np.array([outcome]))[0] == pytest.approx(closed, rel=0.01)
    assert crps_sample(np.full((1, 50), 4.0), np.array([1.0]))[0] == pytest.approx(3.0)


def test_interval_score_is_the_width_plus_the_penalty_for_a_miss():
    assert interval_score(np.array([2.0]), np.array([6.0]), np.array([4.0]), 0.9)[0] == 4.0
    # 3 below the interval at 90%: width 4 + 2 / 0.1 x 3
    assert interval_score(np.array([2.0]), np.array([6.0]), np.array([-1.0]), 0.9)[0] == pytest.approx(64.0)


# --- the backtest ----------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["month", "week"])
def test_the_backtest_never_sees_data_after_its_cut(synthetic, by):
    """Multiply every launch from the day after the 2025-05-31 cut by 50: the forecasts made at
    that cut and before must not move (only the outcomes they are scored against do). A fit that
    saw even one day after its cut would move them."""
    daily = daily_launches(synthetic)
    changed = daily.copy()
    changed.loc["2025-06-01":] *= 50
    changed.attrs = dict(daily.attrs)
    forecast_columns = ["median", "low_50", "high_50", "low_90", "high_90"]
    before = backtest(daily, by, paths=300)
    after = backtest(changed, by, paths=300)
    early = before["cut"] <= pd.Timestamp("2025-05-31").date()
    assert (before["cut"] == pd.Timestamp("2025-05-31").date()).sum() > 5
    pd.testing.assert_frame_equal(before.loc[early, forecast_columns], after.loc[early, forecast_columns])
    assert not before.loc[~early, "median"].equals(after.loc[~early, "median"])
    # every scored period starts after its cut and lies whole within the record
    assert (pd.to_datetime(before["period"]) > pd.to_datetime(before["cut"])).all()
    last_whole = pd.Timestamp("2025-08-01") if by == "month" else pd.Timestamp("2025-09-08")
    assert pd.to_datetime(before["period"]).max() == last_whole


def test_the_backtest_scores_months_one_to_three_ahead_from_every_month_end_from_january_2025(synthetic):
    detail = backtest(daily_launches(synthetic, ["cruise"]), "month", models=["naive"], paths=200)
    cuts = sorted(detail["cut"].unique())
    assert cuts[0] == pd.Timestamp("2025-01-31").date() and cuts[-1] == pd.Timestamp("2025-07-31").date()
    assert set(detail["horizon"]) == {1, 2, 3}
    assert len(detail) == 3 * 5 + 2 + 1  # the last cuts have fewer whole months after them


def _detail(scores: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame([{"by": "month", "class": "drone", "model": model, "cut": cut, "horizon": 1,
                          "crps": value + cut} for model, value in scores.items() for cut in range(6)])


def test_the_choice_is_the_lowest_crps_and_the_naive_forecast_unless_another_beats_it():
    chosen = choose_models(_detail({"naive": 10.0, "ets": 8.0, "nb-trend": 9.0}), "month")["drone"]
    assert chosen.model == "ets" and chosen.reason.startswith("ets: beats the naive forecast")
    assert chosen.p_value < 0.1
    kept = choose_models(_detail({"naive": 10.0, "ets": 10.5, "nb-trend": 12.0}), "month")["drone"]
    assert kept.model == "naive" and "no candidate beat the naive forecast" in kept.reason


def test_a_lower_mean_crps_by_chance_does_not_replace_the_naive_forecast():
    rng = np.random.default_rng(3)
    cuts = 16
    noise = rng.normal(0, 80, cuts)  # cut to cut, the candidate is sometimes better, sometimes worse
    rows = [{"by": "month", "class": "drone", "model": model, "cut": cut, "horizon": 1, "crps": value}
            for cut in range(cuts)
            for model, value in (("naive", 800.0), ("combined", 790.0 + noise[cut]))]
    choice = choose_models(pd.DataFrame(rows), "month")["drone"]
    assert choice.model == "naive" and "not by more than chance allows" in choice.reason
    assert choice.mean_crps["combined"] < choice.mean_crps["naive"] and choice.p_value >= 0.1


def test_diebold_mariano_by_hand():
    d = np.array([-3.0, -1.0, -2.0, 0.5, -2.5, -1.0])
    mean, count = d.mean(), len(d)
    gamma0 = ((d - mean) ** 2).sum() / count
    gamma1 = ((d[1:] - mean) * (d[:-1] - mean)).sum() / count
    variance = gamma0 + 2 * 0.5 * gamma1  # Bartlett weight 1 - 1/2 at lag 1
    correction = np.sqrt((count + 1 - 4 + 2 / count) / count)  # Harvey-Leybourne-Newbold, h = 2
    statistic = correction * mean / np.sqrt(variance / count)
    assert diebold_mariano(d, lags=1) == pytest.approx((statistic, stats.t.cdf(statistic, count - 1)))
    assert np.isnan(diebold_mariano(d[:2])[1])


def test_interval_scales_narrow_intervals_that_are_too_wide_and_check_themselves_on_left_out_cuts():
    rng = np.random.default_rng(5)
    rows = []
    for cut in range(15):
        for horizon in (1, 2, 3):
            median = 100.0
            actual = float(np.expm1(np.log1p(median) + rng.normal(0, 0.1)))
            # the model's 90% interval spans +-0.5 on log(1 + x): five times the outcomes' spread
            rows.append({"by": "month", "class": "drone", "model": "naive", "cut": cut, "horizon": horizon,
                         "median": median, "actual": actual,
                         "low_90": float(np.expm1(np.log1p(median) - 0.5)),
                         "high_90": float(np.expm1(np.log1p(median) + 0.5))})
    scale = interval_scales(pd.DataFrame(rows), "month", {"drone": Choice("naive", "", {})})["drone"]
    assert scale.raw_coverage == 1.0 and scale.low < 0.5 and scale.high < 0.5
    # about 0.1 x 1.64 / 0.5 = 0.33 each side; left out one cut at a time they hold about 90%
    assert 0.25 <= scale.low <= 0.5 and 0.8 <= scale.left_out_coverage <= 1.0 and scale.forecasts == 45


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("options", "message"), [
    ({"horizon": 0}, "--horizon: 0: must be at least 1"),
    ({"horizon": 10_000}, "--horizon: 10000: at most 36 months"),
    ({"by": "week", "horizon": 157}, "at most 156 weeks"),
    ({"classes": "drone,hypersonic"}, "--classes: 'hypersonic': unknown class"),
    ({"classes": ""}, "--classes: name at least one"),
    ({"level": 1.5}, "--level: 1.5: must lie in [0.5, 0.99]"),
    ({"model": "arima"}, "--model: 'arima': unknown model"),
    ({"by": "year"}, "--by: 'year': must be one of"),
    ({"paths": 10}, "--paths: 10: must be a whole number"),
])
def test_bad_options_are_refused_before_any_fit(synthetic, options, message):
    with pytest.raises(ForecastError) as error:
        forecast_launches(synthetic, **options)
    assert message in str(error.value)


def test_a_record_too_short_to_fit_says_how_much_it_has_and_needs():
    short = synthetic_record(nb_daily("2024-08-01", "2024-11-20", {"drone": 100.0}), "short.csv")
    with pytest.raises(ForecastError, match=r"short.csv: 3 complete months .* needs at least 6"):
        forecast_launches(short, by="month")
    early = synthetic_record(nb_daily("2024-05-01", "2024-07-20", {"drone": 100.0}), "early.csv")
    with pytest.raises(ForecastError, match="before the record became a complete daily series"):
        forecast_launches(early)


def test_the_forecast_study_of_make_validate_runs_and_reports_every_cell():
    from benchmarks import forecast_study

    rows = forecast_study.run_study(quick=True, replicates=30)
    assert {(r["model"], r["by"]) for r in rows} == {("nb-trend", "month"), ("nb-trend", "week"),
                                                      ("naive", "month")}
    assert all(0.0 <= r["coverage_mean"] <= 1.0 for r in rows)
    assert "cells hold the 90% interval" in forecast_study.verdicts(rows)[0]


def test_a_lower_bound_below_two_years_of_months_comes_with_its_reason():
    from analysis.stats.forecast.launches import ScaledFit, lower_bound_notes
    from analysis.stats.forecast.series import Periods

    starts = pd.date_range("2024-06-01", periods=24, freq="MS")
    counts = pd.DataFrame({"ballistic": np.r_[np.full(12, 60.0), 21.0, np.full(11, 80.0)],
                           "drone": np.r_[np.full(20, 5000.0), 2500.0, np.full(3, 5000.0)]}, index=starts)
    history = Periods("month", starts, counts, starts.days_in_month.to_numpy(float), starts.days_in_month.to_numpy(float))
    table = pd.DataFrame([
        {"class": "ballistic", "period": "2026-06", "median": 70.0, "low": 5.0, "high": 200.0, "observed_days": 0},
        {"class": "drone", "period": "2026-06", "median": 5000.0, "low": 3000.0, "high": 7000.0, "observed_days": 0},
    ])
    (note,) = lower_bound_notes(table, history, "month", 0.9)
    assert note.startswith("ballistic: the 90% interval's lower end (5 in June 2026)")
    assert "fewest launched in any month of the last 24 months (21, June 2025)" in note
    assert "nothing in those months fell so far" in note  # 60 to 21 is a fall to 35%, not to 7%
    table.loc[0, "low"] = 30.0
    assert lower_bound_notes(table, history, "month", 0.9) == []
    # the calibration maps each quantile of the paths, below and above the median apart

    class Fixed:
        def simulate(self, starts, days, paths, rng):
            return np.tile(np.array([[10.0], [100.0], [1000.0]]), (1, 2))

    scaled = ScaledFit(name="naive", by="month", inner=Fixed(), low=0.5, high=2.0)
    drawn = scaled.simulate(None, np.ones(2), 3, None)
    assert drawn[1, 0] == pytest.approx(100.0)
    assert drawn[0, 0] == pytest.approx(np.expm1(np.log1p(100) - 0.5 * (np.log1p(100) - np.log1p(10))))
    assert drawn[2, 0] == pytest.approx(np.expm1(np.log1p(100) + 2.0 * (np.log1p(1000) - np.log1p(100))))
