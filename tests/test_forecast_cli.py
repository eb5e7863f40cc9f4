"""`python -m analysis forecast`: the CSV and JSON it writes, the backtest it prints, and bad
input refused in one line without touching an existing output."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main

FIXTURE_RECORD = Path(__file__).parent / "fixtures" / "record" / "missile_attacks_daily_fixture.csv"


def test_forecast_writes_the_rows_the_json_and_says_which_model_and_why(record_path, tmp_path, capsys):
    csv_path, json_path = tmp_path / "f.csv", tmp_path / "f.json"
    code = main(["forecast", "--record", str(record_path), "--horizon", "2", "--paths", "400",
                 "-o", str(csv_path), "--json", str(json_path)])
    assert code == 0
    table = pd.read_csv(csv_path)
    assert list(table.columns) == ["class", "period", "median", "low", "high", "level", "observed",
                                   "observed_days", "days", "model"]
    assert table["class"].tolist() == ["drone"] * 2 + ["cruise"] * 2 + ["ballistic"] * 2
    assert table["period"].tolist()[:2] == ["2026-06", "2026-07"]
    assert ((table["low"] <= table["median"]) & (table["median"] <= table["high"])).all()
    june = table[table["period"] == "2026-06"]
    assert (june["observed_days"] == 7).all() and (june["low"] >= june["observed"]).all()
    payload = json.loads(json_path.read_text())
    assert payload["record_end"] == "2026-06-07" and len(payload["forecast"]) == 6
    for cls in ("drone", "cruise", "ballistic"):
        entry = payload["models"][cls]
        assert entry["model"] in table.loc[table["class"] == cls, "model"].tolist()
        assert entry["reason"] and entry["params"]
    assert {row["model"] for row in payload["backtest"]} == {
        "naive", "moving-average", "nb-trend", "ets", "combined"}
    out = capsys.readouterr().out
    assert "model per class:" in out and "2026-06" in out


def test_backtest_prints_json_to_standard_output_with_coverage_beside_the_naive(record_path, capsys):
    code = main(["forecast", "--record", str(record_path), "--backtest", "--by", "month",
                 "--classes", "ballistic", "--paths", "300", "--json", "-"])
    assert code == 0
    captured = capsys.readouterr()
    payload = json.loads(captured.out)
    rows = pd.DataFrame(payload["backtest"])
    assert set(rows["horizon"]) == {1, 2, 3} and set(rows["class"]) == {"ballistic"}
    assert rows[["coverage_50", "coverage_80", "coverage_90"]].stack().between(0, 1).all()
    assert (rows.loc[rows["model"] == "naive", "crps_vs_naive"] == 1).all()
    assert payload["chosen"]["month"]["ballistic"]["reason"]
    assert "Rolling-origin backtest" in captured.err  # the readable table goes to stderr


@pytest.mark.parametrize(("arguments", "message"), [
    (["--horizon", "0"], "error: --horizon: 0: must be at least 1 month"),
    (["--horizon", "10000"], "error: --horizon: 10000: at most 36 months"),
    (["--classes", "drone,shahed"], "error: --classes: 'shahed': unknown class"),
    (["--level", "2"], "error: --level: 2: must lie in [0.5, 0.99]"),
    (["--seed", "-5"], "error: --seed: -5: must be a whole number"),
    (["--paths", "100000000"], "error: --paths: 100000000: must be a whole number"),
])
def test_bad_options_fail_in_one_line_and_keep_an_existing_output(arguments, message, tmp_path, capsys):
    kept = tmp_path / "forecast.csv"
    kept.write_text("a good earlier forecast\n")
    code = main(["forecast", "--record", str(FIXTURE_RECORD), "-o", str(kept), *arguments])
    assert code == 2  # a bad option is a usage error
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err
    assert kept.read_text() == "a good earlier forecast\n"


def test_a_record_too_short_for_a_forecast_is_a_clear_error(tmp_path, capsys):
    header = FIXTURE_RECORD.read_text().splitlines()[0]
    columns = header.split(",")
    rows = []
    for day in pd.date_range("2024-08-01", "2024-11-10", freq="3D"):
        values = dict.fromkeys(columns, "")
        values.update({"time_start": f"{day.date()} 19:00", "time_end": f"{day.date()} 23:00",
                       "model": "Shahed-136/131", "target": "Ukraine", "launched": "40.0",
                       "destroyed": "30.0", "source": "kpszsu/posts/x"})
        rows.append(",".join(values[c] for c in columns))
    short = tmp_path / "missile_attacks_daily_short.csv"
    short.write_text("\n".join([header, *rows]) + "\n")
    catalogue = FIXTURE_RECORD.with_name("missiles_and_uavs_fixture.csv")
    code = main(["forecast", "--record", str(short), "--catalogue", str(catalogue)])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: missile_attacks_daily_short.csv: 3 complete months")
    assert "needs at least 6" in err and err.count("\n") == 1
