"""The command line's conventions: '-' for standard output, notes on standard error, one-line
warnings naming the record's file and line, documented exit codes, --version, the two names."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import __version__
from analysis.cli import build_parser, main, program_name
from analysis.cli.common import EXIT_CODES, show_warning, write_output
from analysis.errors import AnalysisError
from analysis.paths import PROJECT_ROOT
from analysis.record import SAMPLE_RECORD


def run(*args: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=PROJECT_ROOT, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=300, check=False)


def _parsers(parser) -> list:
    """The parser and every command's parser, nested ones (data check) included."""
    found = [parser]
    for action in parser._actions:
        if hasattr(action, "choices") and isinstance(action.choices, dict):
            for child in action.choices.values():
                found += _parsers(child)
    return found


def test_every_help_ends_with_the_conventions_and_the_exit_codes() -> None:
    parsers = _parsers(build_parser("python -m analysis"))
    assert len(parsers) >= 10
    for parser in parsers:
        text = parser.format_help()
        assert "'-' as a file name" in text, parser.prog
        for code, meaning in EXIT_CODES.items():
            assert f"  {code:<4} {meaning}" in text, (parser.prog, code)


def test_the_readme_documents_every_exit_code_and_both_names() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    for code in EXIT_CODES:
        assert f"| {code} |" in readme, code
    assert "`airdef COMMAND`" in readme and "`python -m analysis COMMAND`" in readme


def test_version_and_the_two_names(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.strip() == f"airdef-analysis {__version__}"
    assert program_name("/usr/local/bin/airdef") == "airdef"
    assert program_name("/x/analysis/__main__.py") == "python -m analysis"


def test_a_warning_is_one_line_naming_file_and_line() -> None:
    stream = io.StringIO()
    show_warning(UserWarning("two\n  lines"), UserWarning, "record.csv", 12, file=stream)
    assert stream.getvalue() == "warning: record.csv:12: two lines\n"


def test_standard_output_is_data_and_warnings_name_the_record_row() -> None:
    done = run("waves", "--record", str(SAMPLE_RECORD), "-o", "-")
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(io.StringIO(done.stdout))
    assert len(table) > 900 and "wave_id" in table.columns  # nothing but the CSV on stdout
    geran = next(i for i, line in enumerate(SAMPLE_RECORD.read_text().splitlines(), start=1)
                 if ",Geran-3," in line)
    (warning,) = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert warning.startswith(f"warning: {SAMPLE_RECORD.relative_to(PROJECT_ROOT)}:{geran}: model 'Geran-3'") \
        or warning.startswith(f"warning: {SAMPLE_RECORD}:{geran}: model 'Geran-3'")
    assert "wrote" not in done.stderr  # no note when the data went to standard output


@pytest.mark.parametrize("args", [
    ("rates", "--by", "class", "-o", "-"),
    ("claims", "--json", "-"),
    ("claims", "--json"),
])
def test_dash_writes_to_standard_output(args) -> None:
    done = run(*args, "--record", str(SAMPLE_RECORD))
    assert done.returncode == 0, done.stderr
    if args[0] == "rates":
        assert set(pd.read_csv(io.StringIO(done.stdout))["class"]) >= {"drone", "cruise", "ballistic"}
    else:
        assert {c["id"] for c in json.loads(done.stdout)} >= {"wave-drones", "effectiveness-74"}
    assert not (PROJECT_ROOT / "-").exists()


def test_a_file_output_gets_a_note_on_standard_error(tmp_path: Path) -> None:
    out = tmp_path / "claims.json"
    done = run("claims", "--record", str(SAMPLE_RECORD), "--json", str(out))
    assert done.returncode == 0 and done.stdout == ""
    assert f"wrote 7 claims: {out}" in done.stderr and json.loads(out.read_text())


def test_an_unwritable_output_is_one_line_and_leaves_nothing_half_written(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("kept")
    with pytest.raises(AnalysisError, match=f"{blocker}/out.csv: .* is not a folder"):
        write_output("a,b\n", str(blocker / "out.csv"))
    assert blocker.read_text() == "kept"
    done = run("rates", "--record", str(SAMPLE_RECORD), "-o", str(blocker / "out.csv"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()  # refused before any work: no warning, one error
    assert line.startswith("error: -o ") and str(blocker / "out.csv") in line


def test_a_closed_standard_output_stops_quietly_with_141() -> None:
    process = subprocess.Popen([sys.executable, "-m", "analysis", "waves", "--record", str(SAMPLE_RECORD),
                                "-o", "-"], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader goes away before anything is written
    _, err = process.communicate(timeout=300)
    assert process.returncode == 141 and b"Traceback" not in err and b"BrokenPipe" not in err


def test_usage_errors_exit_2_and_a_missing_record_exits_3(monkeypatch, tmp_path, capsys) -> None:
    assert run("rates", "--no-such-option", "-o", "x.csv").returncode == 2
    assert run("sweep", "data/grids/baseline-ballistic-x-pac3.yaml", "-o", "-").returncode == 2
    from analysis import paths

    monkeypatch.delenv("AIRDEF_RECORD", raising=False)
    monkeypatch.setattr(paths, "EXTERNAL_DIR", tmp_path)  # nothing fetched
    with warnings.catch_warnings():
        assert main(["waves", "-o", "-"]) == 3
    assert capsys.readouterr().err.startswith("error: no record file")
