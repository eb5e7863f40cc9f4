"""Daily arrivals drawn from the forecast for the depletion model: a week keeps the record's
day-by-day shape and its classes together, weekly totals are kept whole, a start inside the
record sees only the days before it, and a horizon beyond the forecast's reach is refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.stats.forecast import ForecastError
from analysis.stats.forecast.arrivals import forecast_daily_arrivals
from tests.test_forecast import nb_daily, synthetic_record


def saturday_record() -> pd.DataFrame:
    """70 drones and 6 cruise missiles every Saturday, nothing on other days."""
    days = pd.date_range("2024-08-01", "2025-06-30", freq="D")
    saturday = (days.day_of_week == 5).astype(float)
    daily = pd.DataFrame({"drone": 70.0 * saturday, "cruise": 6.0 * saturday, "ballistic": 0.0},
                         index=days)
    return synthetic_record(daily, "saturdays.csv")


def test_arrivals_keep_the_weekday_the_record_launches_on_and_its_weekly_level():
    arrivals = forecast_daily_arrivals(saturday_record(), classes="drone,cruise", model="naive")
    assert arrivals.start == pd.Timestamp("2025-07-01") and arrivals.fitted_until == pd.Timestamp("2025-06-30")
    drawn = arrivals.draw(500, 56, np.random.default_rng(1))  # (class, day, run)
    assert drawn.shape == (2, 56, 500) and drawn.dtype == np.int64
    days = pd.date_range("2025-07-01", periods=56)
    not_saturday = days.day_of_week != 5
    assert drawn[:, not_saturday].sum() == 0
    # the naive forecast of a constant series: 70 a week, exactly (no spread to draw)
    assert (drawn[0, ~not_saturday] == 70).all() and (drawn[1, ~not_saturday] == 6).all()


def test_a_split_week_keeps_its_total_and_the_classes_of_a_night_together():
    record = synthetic_record(nb_daily("2024-08-01", "2025-06-29", {"drone": 200.0, "cruise": 0.0}))
    # cruise missiles only on nights with many drones: a combined strike
    daily = record.pivot_table(index="report_date", columns="weapon_class", values="launched").fillna(0)
    strike_days = daily.index[daily["drone"] > 300]
    strikes = pd.DataFrame({"report_date": strike_days, "weapon_class": "cruise",
                            "command": "national", "launched": 20.0})
    record = pd.concat([record, strikes], ignore_index=True)
    record.attrs["record_path"] = "strikes.csv"
    arrivals = forecast_daily_arrivals(record, classes="drone,cruise", model="nb-trend")
    rng_draw, rng_check = np.random.default_rng(7), np.random.default_rng(7)
    drawn = arrivals.draw(300, 28, rng_draw)
    # the same stream drawn by the weekly models alone gives the weekly totals the split must keep
    starts = pd.date_range(arrivals.first_period, periods=4, freq="7D")
    totals = [np.rint(arrivals.models[c].simulate(starts, np.full(4, 7.0), 300, rng_check))
              for c in ("drone", "cruise")]
    assert arrivals.first_period == pd.Timestamp("2025-06-30")  # Monday after the last day
    weekly = drawn.reshape(2, 4, 7, 300).sum(axis=2)  # (class, week, run)
    np.testing.assert_array_equal(weekly[0], totals[0].T)
    np.testing.assert_array_equal(weekly[1], totals[1].T)
    cruise_days = drawn[1] > 0
    assert cruise_days.any() and (drawn[0][cruise_days] > 0).mean() > 0.99


def test_a_start_inside_the_record_sees_only_the_days_before_it():
    record = synthetic_record(nb_daily("2024-08-01", "2025-09-30", {"drone": 150.0}, growth=0.5))
    changed = record.copy()
    changed.loc[changed["report_date"] >= pd.Timestamp("2025-05-14"), "launched"] *= 40
    changed.attrs = dict(record.attrs)
    first = forecast_daily_arrivals(record, start="2025-05-14", classes="drone", model="ets")
    second = forecast_daily_arrivals(changed, start="2025-05-14", classes="drone", model="ets")
    assert first.fitted_until == pd.Timestamp("2025-05-13")
    a = first.draw(200, 30, np.random.default_rng(3))
    b = second.draw(200, 30, np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)


def test_a_horizon_beyond_three_years_and_an_unknown_resolution_are_refused():
    arrivals = forecast_daily_arrivals(saturday_record(), classes="drone", model="naive")
    with pytest.raises(ForecastError, match="reach beyond the forecast's 156 weeks"):
        arrivals.draw(10, 1200, np.random.default_rng(0))
    with pytest.raises(ForecastError, match="by: 'month'"):
        forecast_daily_arrivals(saturday_record(), by="month")
