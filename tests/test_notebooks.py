"""Every numbered notebook runs as committed (as a user opening it would) and through the runner.

(a) each notebook top to bottom with its default parameters, no papermill, from another working
directory; (b) each through the report runner with its `ci` parameter set, its summary JSON
checked; for notebook 01 the figures are checked against sums computed here from the raw CSV.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest

from analysis.paths import NOTEBOOK_DIR
from analysis.reporting import jobs, runner

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb"))


def _per_notebook() -> list:
    """One parameter per notebook, grouped by notebook so xdist keeps a notebook's runs together."""
    return [pytest.param(p, id=p.stem, marks=pytest.mark.xdist_group(p.stem)) for p in NOTEBOOKS]


def test_there_are_numbered_notebooks():
    assert NOTEBOOKS, f"no notebooks matching NN-*.ipynb in {NOTEBOOK_DIR}"


@pytest.mark.slow
@pytest.mark.parametrize("path", _per_notebook())
def test_notebook_runs_as_committed_from_another_directory(path: Path, tmp_path, record_path, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("AIRDEF_RECORD", str(record_path))
    monkeypatch.chdir(tmp_path)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel starts in tmp_path
    )
    client.execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    from analysis.reporting.summary import extract_summary

    summary = extract_summary(notebook)
    assert summary and summary["figures"], f"{path.name}: the last output should be a Summary"
    assert not list(tmp_path.iterdir()), f"{path.name} wrote into the working directory"


@pytest.mark.slow
@pytest.mark.parametrize("path", _per_notebook())
def test_notebook_ci_set_through_the_runner(path: Path, tmp_path, record_path):
    assert "ci" in jobs.parameter_sets(path), f"{path.with_suffix('.yaml').name} needs a ci set"
    outcome = runner.run_reports([path], set_name="ci", record=record_path, output_dir=tmp_path,
                                 force=True)
    (result,) = outcome.results
    assert result.status == "ok", result.message
    summary = json.loads((tmp_path / path.stem / "ci.summary.json").read_text())
    assert any(f["value"] is not None for f in summary["figures"]), "no figure has a value"
    for figure in summary["figures"]:
        assert figure["name"], figure
        bounds = (figure["low"], figure["value"], figure["high"])
        if all(isinstance(b, int | float) for b in bounds):
            assert figure["low"] <= figure["value"] <= figure["high"], figure
    provenance = summary["report"]
    assert provenance["data"]["record"]["sha256"] and provenance["code"]["version"]
    assert (tmp_path / path.stem / "ci.html").is_file() and (tmp_path / "index.html").is_file()
    if path.stem == "01-explore-strike-record":
        _check_01_against_raw_csv(summary, record_path)


def national_waves(source: str) -> bool:
    publisher = re.sub(r"^(?:https?://)?(?:www\.)?(?:(?:m\.)?facebook\.com/|t\.me/)?", "", source.strip())
    return not publisher.split("/", 1)[0].lower().startswith("pvk")


def _count(text: str) -> float:
    return float(text) if text.strip() else 0.0


def _check_01_against_raw_csv(summary: dict, record_path: Path) -> None:
    """Monthly national launches, national totals and the Shahed share, summed with csv."""
    first, last = summary["extra"]["period"]
    by_month: dict[str, float] = defaultdict(float)
    national_total = 0.0
    shahed_launched = shahed_real = 0.0
    with record_path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            day = row["time_end"].strip()[:10]
            if not (first <= day <= last) or not national_waves(row["source"]):
                continue
            launched = _count(row["launched"])
            by_month[day[:7]] += launched
            national_total += launched
            if "shahed" in row["model"].lower() and row.get("is_shahed", "").strip() and launched > 0:
                shahed_launched += launched
                shahed_real += _count(row["is_shahed"])
    reported = summary["extra"]["national_launches_by_month"]
    assert set(reported) == {m for m, v in by_month.items() if v or m in reported}
    for month, value in by_month.items():
        assert sum(reported.get(month, {}).values()) == value, month
    totals = summary["extra"]["totals_by_command"]
    assert sum(t["national"] for t in totals.values()) == national_total
    figures = {f["name"]: f for f in summary["figures"]}
    share = figures["real Shaheds among Shahed-type launches"]
    assert share["value"] == pytest.approx(shahed_real / shahed_launched, rel=1e-12)
    assert share["low"] < share["value"] < share["high"]
