"""Exit codes follow one table everywhere (README, `--help`, `cli.common.EXIT_CODES`): a usage
error (an unknown parameter, a malformed `-p`, an option out of range) exits 2, a bad input file
1; every case is one line. A declared notebook parameter given with `-p` is used (`-p record=PATH`
included) or refused with a reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.record import SAMPLE_RECORD
from analysis.reporting import runner

SAMPLE = str(SAMPLE_RECORD)
FIXTURES = Path(__file__).parent.parent / "fixtures" / "notebooks"


def _error_line(capsys) -> str:
    err = [line for line in capsys.readouterr().err.strip().splitlines() if not line.startswith("warning:")]
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


@pytest.mark.parametrize(("args", "says"), [
    (["report", "02-estimate-interception-rates", "-p", "confidence"], "expected NAME=VALUE"),
    (["report", "02-estimate-interception-rates", "-p", "nope=1"], "unknown parameter nope"),
    (["report", "02-estimate-interception-rates", "--params", "nope"], "no parameter set 'nope'"),
    (["report", "04-model-interceptor-depletion", "-p", "runs=5"], "out of range"),
    (["report", "04-model-interceptor-depletion", "-p", "runs=many"], "not a number"),
    (["report", str(FIXTURES / "91-runner-fixture.ipynb"), "-p", f"record={SAMPLE}"],
     "unknown parameter record"),
    (["simulate", "baseline", "--runs", "0"], "--runs 0"),
    (["simulate", "baseline", "--runs", "-1"], "--runs -1"),
    (["simulate", "baseline", "--workers", "-1"], "--workers -1"),
    (["simulate", "baseline", "--set", "threats.drone.perday=3"], "threats.drone.perday"),
    (["simulate", "baseline", "--set", "nokey"], "expected KEY=VALUE"),
    (["rates", "--record", SAMPLE, "--by", "nonsense", "-o", "-"], "unknown grouping key 'nonsense'"),
    (["rates", "--record", SAMPLE, "--start", "yesterday", "-o", "-"], "not a date"),
    (["sweep", "data/grids/baseline-ballistic-x-pac3.yaml", "-o", "x.csv"], "a .parquet file"),
    (["explore", "baseline-assumptions", "-o", "x.csv"], "a .parquet file"),
    (["explore", "baseline-assumptions", "-o", "x.parquet", "--workers", "-2"], "--workers -2"),
])
def test_usage_errors_exit_2_in_one_line(capsys, args, says):
    assert main(args) == 2
    line = _error_line(capsys)
    assert says in line, line


@pytest.mark.parametrize(("args", "code"), [
    (["simulate", "no-such-scenario"], 1),
    (["rates", "--record", "no-such-record.csv", "-o", "-"], 1),
    (["claims", "--claims", "no-such-claims.yaml", "--record", SAMPLE], 1),
])
def test_bad_input_files_exit_1(capsys, args, code):
    assert main(args) == code
    _error_line(capsys)


def test_a_parameter_set_file_with_a_bad_value_is_bad_input_not_usage(tmp_path, capsys):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, notebooks)
    (notebooks / "91-runner-fixture.yaml").write_text("default: {}\nci: {n: many}\n")
    assert main(["report", str(notebooks / "91-runner-fixture.ipynb"), "--all",
                 "--output-dir", str(tmp_path / "out")]) == 1
    assert "n = 'many'" in _error_line(capsys)


def test_p_record_is_the_record_as_record_is(tmp_path, monkeypatch):
    """`-p record=PATH` was ignored and the report skipped for want of a record: now it is the
    record, found, checksummed into the key, and handed to the kernel as --record would."""
    monkeypatch.delenv("AIRDEF_RECORD", raising=False)
    notebooks = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, notebooks)
    record = tmp_path / "missile_attacks_daily_x.csv"
    record.write_text("time_start,time_end,model,launched,destroyed,source\n"
                      "2025-01-01,2025-01-01,Shahed-136/131,3,2,kpszsu\n")
    path = notebooks / "92-record-fixture.ipynb"
    rest, chosen = runner.record_from_overrides([path], [f"record={record}"], None)
    assert rest == [] and Path(chosen) == record
    out = tmp_path / "out"
    outcome = runner.run_reports([path], overrides=[f"record={record}"], output_dir=out)
    (result,) = outcome.results
    assert result.status == "ok", result.message
    summary = json.loads((out / "92-record-fixture" / f"{result.set_name}.summary.json").read_text())
    assert summary["report"]["data"]["record"]["file"] == record.name
    with pytest.raises(Exception, match="name different files"):
        runner.record_from_overrides([path], [f"record={record}"], SAMPLE)


def test_one_place_maps_every_exception_to_a_code_and_a_line():
    """An error raised while a stop was handled (a stop that cut a library's import short broke
    the cleanup: "module 'dask' has no attribute 'utils'") is still the stop."""
    import signal

    from analysis.cli.common import exit_status
    from analysis.stopping import Interrupted

    try:
        try:
            raise Interrupted(signal.SIGTERM)
        except KeyboardInterrupt:
            raise AttributeError("module 'dask' has no attribute 'utils'") from None
    except AttributeError as error:
        assert exit_status(error) == (143, "interrupted")
    assert exit_status(KeyboardInterrupt()) == (130, "interrupted")
    assert exit_status(FileNotFoundError(2, "No such file or directory", "x.csv")) == (
        1, "error: x.csv: No such file or directory")
    code, line = exit_status(ValueError("boom"))
    assert code == 1 and line.startswith("error: unexpected ValueError: boom") and "\n" not in line
