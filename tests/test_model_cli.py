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
    data = json.loads(capsys.readouterr().out)
    b = data["interceptors"]["b"]
    assert b["sustainable_threats_per_day"] == pytest.approx(7.25)
    assert b["sustainable_multiple"] == pytest.approx(0.725)
    assert b["used_per_day"] == pytest.approx(3.0) and b["delivered_per_day"] == pytest.approx(6.0)
    assert data["defense_multiple"] == pytest.approx(0.5)
    assert data["required_production"]["b"]["deliveries_per_month_alone"] == pytest.approx(11.5 * 365 / 12)
    assert [row["factor"] for row in data["engine_check"]] == [0.9, 1.15]


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
    assert "  target: {drone: 0.878, cruise: 0.811, ballistic: 0.348}" in source
    path = tmp_path / "hopeful.yaml"
    path.write_text(source.replace("ballistic: 0.348}", "ballistic: 0.99}"))
    line = source.splitlines().index(next(x for x in source.splitlines() if x.startswith("  target:"))) + 1
    assert main(["sustain", str(path)]) == 0
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
    assert len(note) == 1 and "0.9 x the defense multiple" in note[0] and "threats.drone.per_day" in note[0]
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
