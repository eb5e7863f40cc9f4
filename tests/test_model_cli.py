"""`simulate` and `sustain` on the command line: figures, JSON, and hostile values refused clearly."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from analysis.cli import main
from analysis.paths import PROJECT_ROOT

EXAMPLE = {
    "name": "worked-example", "horizon_days": 30, "runs": 50,
    "threats": {"t": {"per_day": 10, "dispersion": 1}},
    "interceptors": {"a": {"stock": 100, "deliveries_per_month": 5 * 365 / 12},
                     "b": {"stock": 100, "deliveries_per_month": 6 * 365 / 12}},
    "layers": [{"name": "A", "interceptor": "a", "engages": {"t": {"shots": 1, "pk": 0.85}}},
               {"name": "B", "interceptor": "b", "engages": {"t": {"shots": 2, "pk": 0.3}}}],
}


def test_sustain_prints_a_table_and_writes_the_json(tmp_path, capsys):
    path = tmp_path / "example.yaml"
    path.write_text(yaml.safe_dump(EXAMPLE))
    assert main(["sustain", str(path), "--runs", "0"]) == 0
    text = capsys.readouterr().out
    assert "defense multiple: 0.50" in text and "7.2" in text
    assert main(["sustain", str(path), "--runs", "100", "--json", "-"]) == 0

    def no_nan(constant):
        raise AssertionError(f"{constant} in the JSON")

    data = json.loads(capsys.readouterr().out, parse_constant=no_nan)
    # Poisson days: no rerun without waves, so nothing measured there (null, not NaN)
    assert all(row["without_waves_share"] is None and row["verdict"] == "agrees" for row in data["engine_check"])
    b = data["interceptors"]["b"]
    assert b["sustainable_threats_per_day"] == pytest.approx(7.25)
    assert b["sustainable_multiple"] == pytest.approx(0.725)
    assert b["used_per_day"] == pytest.approx(3.0) and b["delivered_per_day"] == pytest.approx(6.0)
    assert data["defense_multiple"] == pytest.approx(0.5)
    assert data["required_production"]["b"]["deliveries_per_month_alone"] == pytest.approx(11.5 * 365 / 12)
    assert [(row["interceptor"], row["factor"]) for row in data["engine_check"]] == [
        ("a", 0.9), ("a", 1.15), ("b", 0.9), ("b", 1.15)]


def test_simulate_without_attacker_costs_says_the_ratio_is_not_available(tmp_path, capsys):
    path = tmp_path / "example.yaml"
    path.write_text(yaml.safe_dump(EXAMPLE))
    assert main(["simulate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "cost-exchange ratio: not available (no attacker cost for: t)" in out
    assert "±" in out  # Monte Carlo errors beside the figures


def test_an_unreachable_calibration_target_is_said_on_the_terminal(capsys):
    assert main(["simulate", "baseline", "--runs", "50", "--set", "horizon_days=10",
                 "--set", "calibration.target.ballistic=0.99"]) == 0
    err = capsys.readouterr().err
    assert ("warning: baseline.yaml, --set calibration.target.ballistic: calibration: target 99.0% for "
            "ballistic is out of reach") in err


def test_an_unreachable_target_in_a_file_is_said_at_its_line(tmp_path, capsys):
    source = (PROJECT_ROOT / "data" / "scenarios" / "baseline.yaml").read_text()
    assert "  target: {drone: 0.878, cruise: 0.798, ballistic: 0.338, kinzhal: 0.080}" in source
    path = tmp_path / "hopeful.yaml"
    path.write_text(source.replace("ballistic: 0.338,", "ballistic: 0.99,"))
    line = source.splitlines().index(next(x for x in source.splitlines() if x.startswith("  target:"))) + 1
    assert main(["sustain", str(path), "--runs", "0"]) == 0  # the warning comes before any check
    err = capsys.readouterr().err
    assert f"warning: hopeful.yaml:{line}: calibration: target 99.0% for ballistic is out of reach" in err


def test_a_held_value_that_leaves_calibration_nothing_to_solve_is_refused(capsys):
    assert main(["simulate", "baseline", "--set", "layers.patriot.engage_probability=0.8"]) == 2  # a --set the scenario refuses: a usage error
    err = capsys.readouterr().err
    assert "calibration" in err and "--no-calibrate" in err
    assert main(["simulate", "baseline", "--runs", "50", "--set", "horizon_days=5", "--no-calibrate",
                 "--set", "layers.patriot.engage_probability=0.8"]) == 0


def _run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, timeout=120)


@pytest.mark.parametrize(("args", "named"), [
    (["--runs", "1000000000000"], ["--runs", "10,000,000"]),
    (["--runs", "10000000", "--set", "horizon_days=36500"], ["run-days", "seeds"]),
    (["--set", "horizon_days=100000000"], ["baseline.yaml", "horizon_days", "100000000", "36,500"]),
    (["--set", "interceptors.pac3_mse.stock=1e30"], ["interceptors.pac3_mse.stock", "1e+30"]),
    (["--set", "threats.drone.per_day=1e20"], ["threats.drone.per_day", "1e+20"]),
    (["--seed", "-1"], ["--seed", "-1"]),
    (["--chunk-runs", "0"], ["--chunk-runs", "0"]),
    (["--set", "x=[1,2"], ["--set x=[1,2", "not valid YAML"]),
    (["--set", "threats.drone.perday=1"], ["threats.drone.perday", "unknown scenario key"]),
])
def test_hostile_values_get_one_clear_error(args, named):
    done = _run("simulate", "baseline", *args)
    assert done.returncode in (1, 2), done.stderr
    assert "Traceback" not in done.stderr
    for word in named:
        assert word in done.stderr, (word, done.stderr)


@pytest.mark.parametrize(("content", "message"), [(b"name: x\n\xff\n", "not UTF-8"), (b"", "is empty")])
def test_unreadable_scenario_files(tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    for command in ("simulate", "sustain"):
        done = _run(command, str(path))
        assert done.returncode == 1 and "bad.yaml" in done.stderr and message in done.stderr
        assert "Traceback" not in done.stderr


def test_sustain_keeps_its_table_when_the_check_cannot_run(tmp_path, capsys):
    # 10 delivered a day against 1 threat a day: a multiple of 10. The check would simulate
    # 0.9 x 10 x 900,000 drones a day (they meet only a layer without interceptors), beyond the
    # 1,000,000 a day a scenario may hold: the table stays, and one line says why there is no check
    data = {
        "name": "big-multiple", "horizon_days": 30,
        "threats": {"drone": {"per_day": 900_000, "dispersion": 1}, "missile": {"per_day": 1, "dispersion": 0}},
        "interceptors": {"a": {"stock": 10, "deliveries_per_month": 10 * 365 / 12}},
        "layers": [{"name": "guns", "engages": {"drone": {"pk": 0.5}}},
                   {"name": "A", "interceptor": "a", "engages": {"missile": {"shots": 1, "pk": 0.5}}}],
    }
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["sustain", str(path), "--runs", "10"]) == 0
    out = capsys.readouterr().out
    assert "defense multiple: 10.00 x today's attack (first to drain: a)" in out
    note = [line for line in out.splitlines() if "the engine check could not run" in line]
    assert len(note) == 1 and "for a at 0.9 x its multiple" in note[0] and "threats.drone.per_day" in note[0]
    assert main(["sustain", str(path), "--runs", "10", "--json", "-"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["defense_multiple"] == pytest.approx(10.0) and figures["engine_check"] is None
    assert "could not run" in figures["engine_check_note"]


def test_sustain_names_no_interceptor_first_to_drain_when_none_drains(tmp_path, capsys):
    data = {**EXAMPLE, "layers": [{**EXAMPLE["layers"][0], "capacity_per_day": 4}]}
    path = tmp_path / "capped.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["sustain", str(path), "--runs", "10"]) == 0
    out = capsys.readouterr().out
    assert "defense multiple: any x today's attack (first to drain: none)" in out
    assert "note: nothing to check: no interceptor drains at any attack" in out


@pytest.mark.parametrize("command", [["simulate", "baseline", "--runs", "10", "--json"],
                                     ["sustain", "baseline", "--runs", "10", "--json"],
                                     ["rates", "-o"], ["waves", "-o"]])
@pytest.mark.parametrize(("where", "says"), [("folder", "is a folder"), ("missing", "does not exist"),
                                             ("file-as-folder", "is not a folder")])
def test_an_output_that_cannot_be_written_is_refused_before_any_work(tmp_path, monkeypatch, capsys,
                                                                      command, where, says):
    def no_work(*args, **kwargs):
        raise AssertionError("the command started work before checking where its output goes")

    for name in ("analysis.model.depletion.simulate", "analysis.model.longrun.long_run",
                 "analysis.record.load_record"):
        monkeypatch.setattr(name, no_work)
    (tmp_path / "plain").write_text("x")
    target = {"folder": tmp_path, "missing": tmp_path / "no" / "such" / "out.json",
              "file-as-folder": tmp_path / "plain" / "out.json"}[where]
    assert main([*command, str(target)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(target) in err[0] and says in err[0]
    assert not (tmp_path / "no").exists()  # a mistyped folder outside the project is not created


def test_write_output_turns_a_failed_write_into_one_error_naming_the_file(tmp_path, monkeypatch):
    from analysis.cli import common
    from analysis.errors import AnalysisError

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("analysis.io.atomic_write_text", full)
    target = tmp_path / "out.json"
    with pytest.raises(AnalysisError, match=f"cannot write {target}: No space left on device"):
        common.write_output("{}", str(target))


def test_write_output_creates_a_missing_folder_only_inside_the_project(tmp_path):
    import shutil

    from analysis.cli import common
    from analysis.errors import AnalysisError

    inside = PROJECT_ROOT / ".cache" / "test-write-output" / "sub"
    shutil.rmtree(inside.parent, ignore_errors=True)
    try:
        assert common.write_output("{}\n", str(inside / "out.json")) is not None
        assert (inside / "out.json").read_text() == "{}\n"
    finally:
        shutil.rmtree(inside.parent, ignore_errors=True)
    with pytest.raises(AnalysisError, match="does not exist"):
        common.write_output("{}\n", str(tmp_path / "missing" / "out.json"))
    assert not (tmp_path / "missing").exists()


def test_a_reserve_on_a_layer_without_interceptor_is_named(capsys):
    assert main(["simulate", "baseline", "--runs", "10",
                 "--set", "layers.electronic_warfare.reserve.drone=3"]) == 2  # a usage error
    err = capsys.readouterr().err
    assert "layers.electronic_warfare.reserve.drone: 3: a reserve needs an interceptor" in err
    assert "unknown scenario key" not in err


def test_sweep_takes_no_calibrate_as_the_calibration_message_says(tmp_path, capsys):
    grid = tmp_path / "grid.yaml"
    grid.write_text("scenario: baseline\nruns: 20\nhorizon_days: 5\n"
                    "grid:\n  layers.patriot.engage_probability: [0.5, 0.9]\n")
    out = tmp_path / "out.parquet"
    assert main(["sweep", str(grid), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "--no-calibrate" in err and "overrides" in err
    assert main(["sweep", str(grid), "-o", str(out), "--no-calibrate"]) == 0
    import pandas as pd

    assert (pd.read_parquet(out)["status"] == "ok").all()
    grid.write_text("scenario: baseline\nruns: 20\nhorizon_days: 5\noverrides: {calibration: off}\n"
                    "grid:\n  layers.patriot.engage_probability: [0.5, 0.9]\n")
    assert main(["sweep", str(grid), "-o", str(tmp_path / "again.parquet")]) == 0


def test_sweep_help_names_the_module_that_describes_grid_files(capsys):
    with pytest.raises(SystemExit):
        main(["sweep", "--help"])
    named = capsys.readouterr().out.split("(see ")[1].split(")")[0]
    assert named == "analysis/model/sweep.py" and (PROJECT_ROOT / named).is_file()


def test_sustain_states_the_attack_the_class_rates_and_the_back_cast(capsys, record_path):
    assert main(["sustain", "baseline", "--runs", "0", "--record", str(record_path)]) == 0
    out = capsys.readouterr().out
    assert "today's attack a day (December 2025 to May 2026): drone 196.90, cruise 3.57, ballistic 2.20" in out
    assert "the record's latest three months (2026-03-01 to 2026-05-31): drone 230.38" in out
    assert "per class, the others at today's rate" in out
    assert "pac3_mse           ballistic  keeps up with 0.85 a day" in out
    assert "back-cast to 2025-12-01 (the calibration period's 182 days" in out
    line = next(x for x in out.splitlines() if x.strip().startswith("pac3_mse") and "a year of world output" in x)
    assert "300 +" in line and "= " in line and "600" in line
    assert "warning" not in capsys.readouterr().err


def test_simulate_prints_the_back_cast_and_warns_when_a_stock_does_not_fit(capsys, record_path):
    assert main(["simulate", "baseline", "--runs", "20", "--set", "horizon_days=10", "--record", str(record_path)]) == 0
    out, err = capsys.readouterr()
    assert "back-cast to 2025-12-01" in out and "warning" not in err
    assert main(["simulate", "baseline", "--runs", "20", "--set", "horizon_days=10", "--set",
                 "interceptors.pac3_mse.stock=500", "--record", str(record_path), "--json", "-"]) == 0
    out, err = capsys.readouterr()
    assert "warning: baseline.yaml: back-cast: pac3_mse: the assumptions imply" in err
    assert "more than a year of the world's output (600)" in err
    row = json.loads(out)["backcast"]["interceptors"][0]
    assert row["interceptor"] == "pac3_mse" and not row["within"]


@pytest.mark.record
def test_the_baselines_figures_are_the_records(record_path):
    # arrivals, dispersion and calibration targets of the shipped baseline, from the record itself
    from analysis.model.record_classes import daily_counts, shares
    from analysis.model.scenarios import load_scenario
    from analysis.record import load_record

    record = load_record(record_path)
    baseline = load_scenario("baseline")
    start, end = baseline.calibration.period
    classes = list(baseline.classes)
    counts = daily_counts(record, start, end, classes)
    for cls in classes:
        threat = baseline.threats[cls]
        assert threat.per_day == pytest.approx(counts[cls].mean(), rel=5e-3), cls  # as written: three digits
        assert threat.dispersion == pytest.approx(counts[cls].var() / counts[cls].mean(), abs=0.06), cls
    assert baseline.calibration.target == pytest.approx(shares(record, start, end, classes), abs=0.0006)
