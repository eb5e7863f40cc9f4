"""Sizes and names have limits that are stated and can be raised; labels are unique before any
run; a report quotes no raw line of the record; a PRIM sentence never reads "between 3.00 and
3.00"."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from analysis.cli import main
from analysis.model.explore.prim import describe_limits
from analysis.paths import DATA_DIR
from analysis.record import SAMPLE_RECORD
from analysis.reporting import runner

FIXTURES = Path(__file__).parent.parent / "fixtures" / "notebooks"


def _grid(tmp_path: Path, first: int, second: int, runs: int = 10) -> Path:
    path = tmp_path / "grid.yaml"
    path.write_text(
        f"scenario: baseline\nruns: {runs}\nhorizon_days: 30\noverrides: {{calibration: off}}\ngrid:\n"
        f"  threats.drone.per_day: [{', '.join(str(10 + i) for i in range(first))}]\n"
        f"  interceptors.pac3_mse.deliveries_per_month: [{', '.join(str(1 + i) for i in range(second))}]\n")
    return path


def test_a_million_point_grid_is_refused_at_once(tmp_path, capsys):
    """A 1,000 x 1,000 grid started a 1,000,000-point sweep."""
    started = time.perf_counter()
    assert main(["sweep", str(_grid(tmp_path, 1000, 1000)), "-o", str(tmp_path / "s.parquet")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert time.perf_counter() - started < 60
    assert len(err) == 1 and "1,000,000 points, over the limit of 100,000" in err[0], err
    assert "--max-points" in err[0]
    assert not (tmp_path / "s.parquet.parts").exists()


def test_the_sweep_limits_are_stated_and_can_be_raised(tmp_path, capsys):
    grid = _grid(tmp_path, 2, 2)
    out = str(tmp_path / "s.parquet")
    assert main(["sweep", str(grid), "-o", out, "--workers", "1", "--max-points", "3"]) == 1
    assert "4 points, over the limit of 3" in capsys.readouterr().err
    assert main(["sweep", str(grid), "-o", out, "--workers", "1", "--max-run-days", "1000"]) == 1
    assert "4 points x 10 runs x 30 days is 1.2e+03 run-days" in capsys.readouterr().err
    assert main(["sweep", str(grid), "-o", out, "--workers", "1", "--runs", "1000", "--max-run-days", "1e5"]) == 1
    assert "4 points x 1,000 runs" in capsys.readouterr().err  # --runs counts too
    assert main(["sweep", str(grid), "-o", out, "--workers", "1", "--max-points", "4"]) == 0
    assert main(["sweep", str(grid), "-o", out, "--max-points", "0"]) == 2


def test_the_exploration_limit_is_stated_and_can_be_raised(capsys):
    assert main(["explore", "baseline-assumptions", "-o", "x.parquet", "--max-run-days", "1000"]) == 1
    err = capsys.readouterr().err
    assert "over the limit of 1e+03" in err and "--max-run-days" in err


def _experiment_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (DATA_DIR / "experiments" / "baseline-assumptions.yaml").read_text()
    assert old in text
    path = tmp_path / "study.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


def test_two_failures_of_one_label_are_refused_before_any_run(tmp_path, capsys):
    """They crashed report 07 after 35 s of runs."""
    text = (DATA_DIR / "experiments" / "baseline-assumptions.yaml").read_text()
    failures = text[text.index("failures:"):]
    first = next(line for line in failures.splitlines()[1:] if line.strip() and not line.strip().startswith("#"))
    indent = first[: len(first) - len(first.lstrip())]
    path = tmp_path / "study.yaml"
    path.write_text(text.replace("failures:\n", "failures:\n"
                                 f"{indent}twin-a: {{when: \"interception_rate.mean < 70%\", label: it fails}}\n"
                                 f"{indent}twin-b: {{when: \"interception_rate.mean < 60%\", label: It fails}}\n", 1))
    started = time.perf_counter()
    assert main(["explore", str(path), "-o", str(tmp_path / "e.parquet")]) == 1
    err = capsys.readouterr().err
    assert time.perf_counter() - started < 30
    assert "twin-b and twin-a have the same label" in err and "line" in err, err
    assert not (tmp_path / "e.parquet.parts").exists()


def test_two_inputs_of_one_label_are_refused(tmp_path, capsys):
    text = (DATA_DIR / "experiments" / "baseline-assumptions.yaml").read_text()
    labels = [line.split("label:", 1)[1].split(",")[0].split("}")[0].strip()
              for line in text.splitlines() if "label:" in line and "inputs" not in line]
    assert len(labels) >= 2
    path = tmp_path / "study.yaml"
    path.write_text(text.replace(labels[1], labels[0], 1))
    assert main(["explore", str(path), "-o", str(tmp_path / "e.parquet")]) == 1
    assert "have the same label" in capsys.readouterr().err


@pytest.mark.parametrize(("limits", "ranges", "expected"), [
    ({"k": (2.996, 3.004)}, {"k": (2.9, 3.1, False)}, "k is between 2.996 and 3.004"),
    ({"k": (2.996, 3.004)}, None, "k is between 2.996 and 3.004"),
    ({"p": (0.6123, 0.8745)}, {"p": (0.5, 0.95, False)}, "p is between 0.61 and 0.87"),
    ({"s": (None, 412.3)}, {"s": (100, 1000, True)}, "s is at most 412"),
    ({"s": (411.6, 412.3)}, {"s": (100, 1000, True)}, "s is between 411.6 and 412.3"),
    ({"d": (1.234, None)}, {"d": (1, 4, False)}, "d is at least 1.2"),
])
def test_prim_sentences_round_to_the_inputs_precision_and_never_read_the_same(limits, ranges, expected):
    assert describe_limits(limits, {}, ranges) == expected


@pytest.mark.slow
@pytest.mark.xdist_group("runner")
def test_a_report_quotes_no_raw_line_of_the_record(tmp_path, monkeypatch):
    """A warning about the record (an unknown model) printed the record's raw line in a report."""
    monkeypatch.delenv("AIRDEF_RECORD", raising=False)
    notebooks = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, notebooks)
    notebook = nbformat.read(notebooks / "92-record-fixture.ipynb", as_version=4)
    notebook.cells[2].source = (
        "from analysis.record import load_record\nfrom analysis.reporting.summary import Summary\n\n"
        "record_table = load_record(record or None)  # warns: Geran-3 is not in the class table\n"
        "Summary('Record rows').add('rows', len(record_table), unit='rows')")
    nbformat.write(notebook, notebooks / "95-warning-fixture.ipynb")
    out = tmp_path / "reports"
    outcome = runner.run_reports([notebooks / "95-warning-fixture.ipynb"], record=SAMPLE_RECORD, output_dir=out)
    (result,) = outcome.results
    assert result.status == "ok", result.message
    raw = next(line for line in SAMPLE_RECORD.read_text().splitlines() if ",Geran-3," in line)
    shared = [p for p in (out / "95-warning-fixture").iterdir() if p.suffix in {".html", ".ipynb", ".json"}]
    assert shared
    texts = {p.name: p.read_text() for p in shared}
    assert any("Geran-3" in text and "warning: " in text for text in texts.values())  # the warning is there
    for name, text in texts.items():
        assert raw not in text and "sample-20260422-1004" not in text, name
    json.loads(texts[f"{result.set_name}.summary.json"])
