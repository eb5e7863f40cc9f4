"""The back-cast of each stock to the start of the calibration period, on cases worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.model.backcast import backcast
from analysis.model.scenarios import scenario_from_dict


def one_layer(stock: int, deliveries_per_month: float, output: float | None = None) -> dict:
    # one class, 10 a day, 2 shots of pk 0.5 (an engagement kills 0.75); calibrated to stop 60%:
    # engage probability 0.6 / 0.75 = 0.8, so the layer fires 10 x 0.8 x 2 = 16 interceptors a day
    interceptor = {"stock": stock, "deliveries_per_month": deliveries_per_month}
    if output is not None:
        interceptor["output_per_year"] = output
    return {"name": "backcast", "horizon_days": 30,
            "threats": {"ballistic": {"per_day": 10, "dispersion": 1}},
            "interceptors": {"pac3": interceptor},
            "layers": [{"name": "patriot", "interceptor": "pac3", "engages": {"ballistic": {"shots": 2, "pk": 0.5}}}],
            "calibration": {"target": {"ballistic": 0.6}, "period": {"start": "2026-01-01", "end": "2026-01-10"}}}


def test_the_stock_at_the_start_of_the_period_by_hand():
    # 10 days: 160 fired, 30 x 12 / 365 x 10 = 9.86 delivered; holding 100 now means 250.1 then
    result = backcast(scenario_from_dict(one_layer(100, 30, output=600)), record=_record(10.0))
    assert result.period[0].isoformat() == "2026-01-01" and result.days == 10
    row = result.rows[0]
    assert row["fired_per_day"] == pytest.approx(16.0)
    assert row["fired"] == pytest.approx(160.0) and row["delivered"] == pytest.approx(30 * 12 / 365 * 10)
    assert row["implied_start"] == pytest.approx(100 + 160 - 30 * 12 / 365 * 10)
    assert row["within"] and not result.warnings


def test_a_stock_above_a_year_of_output_or_below_zero_is_warned():
    above = backcast(scenario_from_dict(one_layer(100, 30, output=200)), record=_record(10.0))
    assert not above.rows[0]["within"]
    assert "more than a year of the world's output (200)" in above.warnings[0]
    # 3,000 a month over 10 days is 986 delivered against 160 fired: more than a stock of 100
    below = backcast(scenario_from_dict(one_layer(100, 3000)), record=_record(10.0))
    assert below.rows[0]["implied_start"] == pytest.approx(100 + 160 - 3000 * 12 / 365 * 10)
    assert "a negative stock" in below.warnings[0]


def test_the_period_attack_is_the_records():
    # the record of the period had 5 ballistic missiles a day, not the scenario's 10: 80 fired
    result = backcast(scenario_from_dict(one_layer(100, 30)), record=_record(5.0))
    assert result.arrivals_per_day == {"ballistic": 5.0}
    assert result.rows[0]["fired"] == pytest.approx(80.0)
    assert "the record's launches of 2026-01-01 to 2026-01-10" in result.arrivals_from


def test_without_a_period_there_is_nothing_to_back_cast():
    data = one_layer(100, 30)
    data["calibration"].pop("period")
    assert "no calibration period" in backcast(scenario_from_dict(data), record=_record(5.0)).note


def _record(per_day: float) -> pd.DataFrame:
    days = pd.date_range("2026-01-01", "2026-01-10")
    return pd.DataFrame({"report_date": days, "command": "national", "weapon_class": "ballistic",
                         "model": "Iskander-M", "launched": per_day, "destroyed": 0.0, "neutralised": 0.0})


@pytest.mark.record
def test_every_shipped_scenario_fits_the_record_it_is_calibrated_on(record_path):
    # the shipped defaults pass the check: no stock back-cast below zero or above a year of output
    from analysis.model.scenarios import load_scenario
    from analysis.paths import SCENARIO_DIR
    from analysis.record import load_record

    record = load_record(record_path)
    checked = 0
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        scenario = load_scenario(path)
        if scenario.calibration is None or scenario.calibration.days is None:
            continue
        result = backcast(scenario, record)
        assert result.rows and not result.warnings, (path.name, result.warnings)
        checked += 1
    assert checked >= 6
