"""Hostile input files: a key given twice, a quoted number, a 5,000-digit integer, a wrong file
given as a scenario, grid, experiment, claims file or record. Each gets one line naming the file
and line, with the README's exit code; nothing of a wrong file is quoted (errors reach shared
pages, and a wrong file may hold secrets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.cli import main
from analysis.inputs import InputError, load_yaml, parse_yaml_text
from analysis.record import SAMPLE_RECORD

SAMPLE = str(SAMPLE_RECORD)
SECRET = "s3cr3t-Token-9f8e7d"
HUGE = "9" * 5000


def _one_line(capsys) -> str:
    err = [line for line in capsys.readouterr().err.strip().splitlines() if not line.startswith("warning:")]
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


# --- a key given twice -------------------------------------------------------------------------


def test_a_key_given_twice_is_refused_with_both_lines(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("name: a\nthreats:\n  drone: {per_day: 3}\nname: b\n")
    with pytest.raises(InputError, match=r"twice\.yaml, lines 1 and 4: 'name' is given twice"):
        load_yaml(path)
    with pytest.raises(InputError, match=r"lines 2 and 3: 'a\.b' is given twice"):
        parse_yaml_text("a:\n  b: 1\n  b: 2\n", "x")


@pytest.mark.parametrize(("command", "text"), [
    (["simulate", "{path}", "--runs", "10"], "name: x\nhorizon_days: 30\nhorizon_days: 365\n"),
    (["claims", "--claims", "{path}", "--record", SAMPLE], "title: a\ntitle: b\n"),
    (["sweep", "{path}", "-o", "{dir}/s.parquet"], "scenario: baseline\ngrid: {}\nscenario: x\n"),
    (["explore", "{path}", "-o", "{dir}/e.parquet"], "scenario: baseline\nruns: 10\nruns: 20\n"),
])
def test_every_input_file_refuses_a_key_given_twice(tmp_path, capsys, command, text):
    path = tmp_path / "twice.yaml"
    path.write_text(text)
    code = main([a.replace("{path}", str(path)).replace("{dir}", str(tmp_path)) for a in command])
    line = _one_line(capsys)
    assert code == 1 and "given twice" in line and "lines " in line, line


# --- strings are not numbers -----------------------------------------------------------------


@pytest.mark.parametrize(("command", "key"), [
    (["simulate", "{path}", "--runs", "10"], "horizon_days"),
    (["explore", "{path}", "-o", "{dir}/e.parquet"], "runs"),
])
def test_a_quoted_number_is_text_not_a_number(tmp_path, capsys, command, key):
    """A shipped file with one number quoted ("365"): refused at its line, not taken as 365."""
    source = Path("data/scenarios/baseline.yaml" if command[0] == "simulate"
                  else "data/experiments/baseline-assumptions.yaml").read_text()
    lines = source.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
    value = lines[index].split(":", 1)[1].split("#")[0].strip()
    lines[index] = f'{key}: "{value}"'
    path = tmp_path / "quoted.yaml"
    path.write_text("\n".join(lines) + "\n")
    code = main([a.replace("{path}", str(path)).replace("{dir}", str(tmp_path)) for a in command])
    line = _one_line(capsys)
    assert code == 1 and key in line and f"line {index + 1}" in line, line
    assert "text" in line or "valid integer" in line, line


def test_numbers_written_as_yaml_1_2_writes_them_are_numbers():
    data = parse_yaml_text("a: 1e20\nb: 4.0e6\nc: '365'\nd: -2E-3\ne: 12\n", "x").data
    assert data == {"a": 1e20, "b": 4.0e6, "c": "365", "d": -2e-3, "e": 12}


# --- a 5,000-digit integer ---------------------------------------------------------------------


@pytest.mark.parametrize(("command", "text", "code"), [
    (["simulate", "{path}", "--runs", "10"], "name: x\nhorizon_days: {huge}\n", 1),
    (["simulate", "baseline", "--runs", "10", "--set", "threats.drone.per_day={huge}"], None, 2),
    (["claims", "--claims", "{path}", "--record", SAMPLE], "title: x\nsources: {a: {huge}}\n", 1),
])
def test_a_5000_digit_integer_is_one_line(tmp_path, capsys, command, text, code):
    path = tmp_path / "huge.yaml"
    if text:
        path.write_text(text.replace("{huge}", HUGE))
    got = main([a.replace("{path}", str(path)).replace("{huge}", HUGE) for a in command])
    line = _one_line(capsys)
    assert got == code and "5,000 characters" in line and len(line) < 400, line


# --- a wrong file given as an input: named, never quoted ----------------------------------------


def _secret_files(tmp_path: Path) -> dict[str, Path]:
    env = tmp_path / "settings.env"
    env.write_text(f"API_TOKEN={SECRET}\nDB_PASSWORD={SECRET}\n")
    other_yaml = tmp_path / "compose.yaml"
    other_yaml.write_text(f"services:\n  db:\n    password: {SECRET}\n{SECRET}: token\n")  # a key is content too
    listing = tmp_path / "list.yaml"
    listing.write_text(f"- {SECRET}\n- {SECRET}\n")
    return {"env": env, "yaml": other_yaml, "list": listing}


@pytest.mark.parametrize("kind", ["env", "yaml", "list"])
@pytest.mark.parametrize("command", [
    ["simulate", "{path}", "--runs", "10"],
    ["sustain", "{path}", "--runs", "0"],
    ["sweep", "{path}", "-o", "{dir}/s.parquet"],
    ["explore", "{path}", "-o", "{dir}/e.parquet"],
    ["claims", "--claims", "{path}", "--record", SAMPLE],
    ["rates", "--record", "{path}", "--catalogue", "data/sample/missiles_and_uavs_sample.csv", "-o", "-"],
    ["data", "check", "{path}", "--catalogue", "data/sample/missiles_and_uavs_sample.csv"],
])
def test_a_wrong_file_is_named_but_never_quoted(tmp_path, capsys, kind, command):
    path = _secret_files(tmp_path)[kind]
    code = main([a.replace("{path}", str(path)).replace("{dir}", str(tmp_path)) for a in command])
    captured = capsys.readouterr()
    assert code == 1
    assert SECRET not in captured.err + captured.out
    assert path.name in captured.err and "Traceback" not in captured.err


# --- the memory limit's environment variable ----------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "1e308", "inf", "abc", "-1", "0"])
def test_a_memory_limit_that_is_not_a_number_of_gigabytes_is_a_usage_error(monkeypatch, capsys, value):
    """nan and 1e308 ended in a traceback; abc and -1 were ignored in silence."""
    monkeypatch.setenv("AIRDEF_MEMORY_LIMIT_GB", value)
    assert main(["simulate", "baseline", "--runs", "10"]) == 2
    line = _one_line(capsys)
    assert "AIRDEF_MEMORY_LIMIT_GB" in line and "gigabytes" in line, line


@pytest.mark.slow
@pytest.mark.xdist_group("runner")
def test_a_wrong_file_never_reaches_a_shared_page(tmp_path, monkeypatch):
    """A .env given as the record had its first line (a secret) quoted into index.html and
    failed.html; a scenario path showed the file's first 60 characters."""
    import shutil

    from analysis.record import SAMPLE_CATALOGUE
    from analysis.reporting import runner

    monkeypatch.delenv("AIRDEF_RECORD", raising=False)
    files = _secret_files(tmp_path)
    record = tmp_path / "missile_attacks_daily_x.csv"
    shutil.copy(files["env"], record)
    shutil.copy(SAMPLE_CATALOGUE, tmp_path / "missiles_and_uavs_x.csv")
    out = tmp_path / "reports"
    first = runner.run_reports(["01-explore-strike-record"], set_name="ci", record=record, output_dir=out)
    second = runner.run_reports(["04-model-interceptor-depletion"], set_name="ci", output_dir=out,
                                overrides=[f"scenario={files['env']}"])
    assert [r.status for r in first.results + second.results] == ["failed", "failed"]
    shared = [p for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert any(p.name.endswith(".failed.html") for p in shared) and (out / "index.html") in shared
    for page in shared:
        assert SECRET not in page.read_text(errors="replace"), page.name
    index = (out / "index.html").read_text()
    assert "not a record file of the expected kind" in index and "not a scenario file" in index
