"""The report runner on tiny fixture notebooks: outputs, caching, failure safety, skips, locking."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis import report
from analysis.errors import ParameterError
from analysis.paths import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
RUNNER = "91-runner-fixture"
NEEDS_RECORD = "92-record-fixture"


@pytest.fixture()
def notebooks(tmp_path) -> Path:
    """A private copy of the fixture notebooks (tests edit them)."""
    directory = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, directory)
    return directory


@pytest.fixture()
def stable_package(monkeypatch):
    """Other engineers edit the package while tests run: pin its fingerprint for cache tests."""
    monkeypatch.setattr(report, "package_fingerprint", lambda: "pinned-for-test")


def _remote_references(html: str) -> list[str]:
    """src= / href= attributes that point to another host."""
    return re.findall(r"""(?:src|href)\s*=\s*["']?((?:https?:)?//[^"' >]+)""", html)


def test_parameter_sets_are_checked_before_any_kernel(notebooks):
    (notebooks / f"{RUNNER}.yaml").write_text("default: {}\nci:\n  n: 500\n")
    with pytest.raises(ParameterError, match=r"91-runner-fixture \(91-runner-fixture.yaml, set ci\).*n = 500"):
        report.plan_jobs([notebooks / f"{RUNNER}.ipynb"], None, True)
    (notebooks / f"{RUNNER}.yaml").write_text("default: {}\nci:\n  points: 5\n")
    with pytest.raises(ParameterError, match="unknown parameter points"):
        report.plan_jobs([notebooks / f"{RUNNER}.ipynb"], None, True)


def test_overrides_are_typed_and_give_their_own_report_name(notebooks):
    path = notebooks / f"{RUNNER}.ipynb"
    with pytest.raises(ParameterError, match=r"label = 'c' is not allowed: one of a, b"):
        report.plan_jobs([path], "ci", False, ["label=c"])
    with pytest.raises(ParameterError, match="unknown parameter m"):
        report.plan_jobs([path], None, False, ["m=3"])
    (job,) = report.plan_jobs([path], "ci", False, ["n=7"])
    assert job.parameters == {"n": 7, "label": "b", "fail": False}
    assert job.set_name.startswith("ci+n=7")
    (missing,) = report.plan_jobs([path], None, False)
    assert missing.set_name == "default"
    with pytest.raises(ParameterError, match="no parameter set 'nightly'"):
        report.plan_jobs([path], "nightly", False)


def test_cache_key_follows_notebook_parameters_and_data(notebooks, tmp_path, stable_package):
    path = notebooks / f"{RUNNER}.ipynb"
    data = tmp_path / "record.csv"
    data.write_text("a,b\n1,2\n")
    first = {j.set_name: j.cache_key for j in report.plan_jobs([path], None, True)}
    again = {j.set_name: j.cache_key for j in report.plan_jobs([path], None, True)}
    assert first == again and first["default"] != first["ci"]
    path.write_text(path.read_text().replace("how many points", "how many dots"))
    edited = {j.set_name: j.cache_key for j in report.plan_jobs([path], None, True)}
    assert edited["default"] != first["default"]
    # A notebook that needs the record keys on the record's checksum, not on its path.
    record_nb = notebooks / f"{NEEDS_RECORD}.ipynb"
    (one,) = report.plan_jobs([record_nb], None, False, record=data)
    moved = tmp_path / "moved.csv"
    shutil.copy(data, moved)
    (two,) = report.plan_jobs([record_nb], None, False, record=moved)
    assert one.cache_key == two.cache_key
    moved.write_text("a,b\n1,3\n")
    (three,) = report.plan_jobs([record_nb], None, False, record=moved)
    assert three.cache_key != one.cache_key


@pytest.mark.slow
@pytest.mark.xdist_group("runner")
def test_run_writes_reports_skips_unchanged_and_keeps_good_report_on_failure(
    notebooks, tmp_path, stable_package, capsys
):
    out = tmp_path / "reports"
    path = notebooks / f"{RUNNER}.ipynb"
    started = time.perf_counter()
    first = report.run_reports([path], all_sets=True, output_dir=out)
    first_seconds = time.perf_counter() - started
    assert [r.status for r in first.results] == ["ok", "ok"], first.results

    for set_name, n in (("default", 3), ("ci", 2)):
        summary = json.loads((out / RUNNER / f"{set_name}.summary.json").read_text())
        figures = {f["name"]: f for f in summary["figures"]}
        assert figures["points"]["value"] == n  # the injected parameter reached the notebook
        assert (figures["share"]["low"], figures["share"]["high"]) == (0.4, 0.6)
        assert summary["report"]["parameters"]["n"] == n
        assert summary["report"]["code"]["version"]
        assert summary["report"]["run_at"]
        assert summary["thumbnail_png_base64"]
        hidden = (out / RUNNER / f"{set_name}.html").read_text()
        shown = (out / RUNNER / f"{set_name}.code.html").read_text()
        assert _remote_references(hidden) == [] and _remote_references(shown) == []
        assert "<script src" not in hidden
        assert "check_parameters" in shown and "check_parameters" not in hidden
        assert "data:image/png;base64," in hidden
    index = (out / "index.html").read_text()
    assert index.count("class='card'") == 2 and "Runner fixture" in index
    assert _remote_references(index) == []

    # Nothing changed: nothing reruns, and it takes a fraction of the first run.
    started = time.perf_counter()
    second = report.run_reports([path], all_sets=True, output_dir=out)
    assert [r.status for r in second.results] == ["cached", "cached"]
    assert time.perf_counter() - started < first_seconds / 3

    # The notebook breaks: the good report stays, the failed run is kept beside it.
    good_html = (out / RUNNER / "default.html").read_bytes()
    good_summary = (out / RUNNER / "default.summary.json").read_bytes()
    (notebooks / f"{RUNNER}.yaml").write_text("default:\n  fail: true\nci:\n  n: 2\n  label: b\n")
    third = report.run_reports([path], all_sets=True, output_dir=out)
    statuses = {r.set_name: r for r in third.results}
    assert statuses["ci"].status == "cached"
    failed = statuses["default"]
    assert failed.status == "failed"
    assert "91-runner-fixture/default: cell 4 (In [" in failed.message
    assert "ValueError: the fixture was asked to fail" in failed.message
    assert (out / RUNNER / "default.html").read_bytes() == good_html
    assert (out / RUNNER / "default.summary.json").read_bytes() == good_summary
    failed_nb = json.loads((out / RUNNER / "default.failed.ipynb").read_text())
    errors = [o for c in failed_nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors and errors[0]["evalue"] == "the fixture was asked to fail"
    index = (out / "index.html").read_text()
    assert "FAILED" in index and "previous good report" in index
    assert not list((out / RUNNER).glob(".*.tmp")) and not list((out / RUNNER).glob("*.running.ipynb"))


@pytest.mark.slow
@pytest.mark.xdist_group("runner")
def test_without_a_record_reports_needing_none_still_run(notebooks, tmp_path, monkeypatch):
    monkeypatch.delenv("AIRDEF_RECORD", raising=False)
    monkeypatch.setattr(report, "find_record", lambda explicit: None)
    monkeypatch.setattr(report, "fetch_record", lambda: "data fetch failed: offline (test)")
    out = tmp_path / "reports"
    outcome = report.run_reports(
        [notebooks / f"{RUNNER}.ipynb", notebooks / f"{NEEDS_RECORD}.ipynb"],
        set_name=None, all_sets=False, fetch_if_missing=True, output_dir=out,
    )
    statuses = {r.name: r for r in outcome.results}
    assert statuses[RUNNER].status == "ok"
    skipped = statuses[NEEDS_RECORD]
    assert skipped.status == "skipped"
    assert skipped.message == "needs the record (see above)"
    status = json.loads((out / NEEDS_RECORD / "default.status.json").read_text())
    assert "offline (test)" in status["message"] and "data fetch" in status["message"]
    assert not (out / NEEDS_RECORD / "default.html").exists()
    index = (out / "index.html").read_text()
    assert "SKIPPED" in index and "--record PATH" in index


@pytest.mark.slow
@pytest.mark.xdist_group("runner")
def test_cli_two_runs_at_once_and_errors_without_traceback(notebooks, tmp_path):
    out = tmp_path / "reports"
    command = [sys.executable, "-m", "analysis", "report", str(notebooks / f"{RUNNER}.ipynb"),
               "--params", "ci", "--force", "--output-dir", str(out)]
    env = {**os.environ, "CI": "true"}
    runs = [subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for run in runs:
        stdout, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr
        assert "1 ok" in stdout
    summary = json.loads((out / RUNNER / "ci.summary.json").read_text())
    assert {f["name"]: f["value"] for f in summary["figures"]}["points"] == 2
    assert not [p.name for p in (out / RUNNER).iterdir() if p.name.endswith((".tmp", ".running.ipynb"))]

    bad = subprocess.run(
        [sys.executable, "-m", "analysis", "report", str(notebooks / f"{RUNNER}.ipynb"),
         "-p", "n=1000", "--output-dir", str(out)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
    )
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert "91-runner-fixture (-p): parameter n = 1000 is out of range" in bad.stderr
