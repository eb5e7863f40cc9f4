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
from processes import alive, descendants

from analysis.errors import ParameterError
from analysis.paths import PROJECT_ROOT
from analysis.reporting import dependencies, jobs, runner

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
    monkeypatch.setattr(jobs, "package_fingerprint", lambda dependencies=None: "pinned-for-test")


def _remote_references(html: str) -> list[str]:
    """src= / href= attributes that point to another host."""
    return re.findall(r"""(?:src|href)\s*=\s*["']?((?:https?:)?//[^"' >]+)""", html)


def test_parameter_sets_are_checked_before_any_kernel(notebooks):
    (notebooks / f"{RUNNER}.yaml").write_text("default: {}\nci:\n  n: 500\n")
    with pytest.raises(ParameterError, match=r"91-runner-fixture \(91-runner-fixture.yaml, set ci\).*n = 500"):
        jobs.plan_jobs([notebooks / f"{RUNNER}.ipynb"], None, True)
    (notebooks / f"{RUNNER}.yaml").write_text("default: {}\nci:\n  points: 5\n")
    with pytest.raises(ParameterError, match="unknown parameter points"):
        jobs.plan_jobs([notebooks / f"{RUNNER}.ipynb"], None, True)


def test_overrides_are_typed_and_give_their_own_report_name(notebooks):
    path = notebooks / f"{RUNNER}.ipynb"
    with pytest.raises(ParameterError, match=r"label = 'c' is not allowed: one of a, b"):
        jobs.plan_jobs([path], "ci", False, ["label=c"])
    with pytest.raises(ParameterError, match="unknown parameter m"):
        jobs.plan_jobs([path], None, False, ["m=3"])
    (job,) = jobs.plan_jobs([path], "ci", False, ["n=7"])
    assert job.parameters == {"n": 7, "label": "b", "fail": False}
    assert job.set_name.startswith("ci+n=7")
    (missing,) = jobs.plan_jobs([path], None, False)
    assert missing.set_name == "default"
    with pytest.raises(ParameterError, match="no parameter set 'nightly'"):
        jobs.plan_jobs([path], "nightly", False)


def test_cache_key_follows_notebook_parameters_and_data(notebooks, tmp_path, stable_package):
    path = notebooks / f"{RUNNER}.ipynb"
    data = tmp_path / "record.csv"
    data.write_text("a,b\n1,2\n")
    first = {j.set_name: j.cache_key for j in jobs.plan_jobs([path], None, True)}
    again = {j.set_name: j.cache_key for j in jobs.plan_jobs([path], None, True)}
    assert first == again and first["default"] != first["ci"]
    path.write_text(path.read_text().replace("how many points", "how many dots"))
    edited = {j.set_name: j.cache_key for j in jobs.plan_jobs([path], None, True)}
    assert edited["default"] != first["default"]
    # A notebook that needs the record keys on the record's checksum, not on its path.
    record_nb = notebooks / f"{NEEDS_RECORD}.ipynb"
    (one,) = jobs.plan_jobs([record_nb], None, False, record=data)
    moved = tmp_path / "moved.csv"
    shutil.copy(data, moved)
    (two,) = jobs.plan_jobs([record_nb], None, False, record=moved)
    assert one.cache_key == two.cache_key
    moved.write_text("a,b\n1,3\n")
    (three,) = jobs.plan_jobs([record_nb], None, False, record=moved)
    assert three.cache_key != one.cache_key


def _code_notebook(path: Path, *cells: str) -> Path:
    """A minimal notebook with these code cells."""
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "source": cell} for cell in cells],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook))
    return path


@pytest.fixture()
def package_copy(tmp_path, monkeypatch) -> Path:
    """A private copy of the package for the runner to key on (tests edit it)."""
    copy = tmp_path / "pkg" / "analysis"
    shutil.copytree(dependencies.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    monkeypatch.setattr(dependencies, "PACKAGE_DIR", copy)
    return copy


def test_dependency_closure_follows_imports_not_the_whole_package(notebooks, tmp_path):
    path = _code_notebook(tmp_path / "summary-only.ipynb",
                          "%matplotlib inline\nimport numpy as np", "from analysis.reporting import summary as s")
    code = dependencies.code_dependencies(path)
    assert code.scope == "imports"
    assert {"analysis", "analysis.reporting.summary", "analysis.reporting.runner"} <= set(code.modules)
    # analysis.reporting.summary's own imports, as its source has them, are in; the depletion model is not.
    summary_source = (dependencies.PACKAGE_DIR / "reporting" / "summary.py").read_text()
    imported = set(re.findall(r"^\s*from (analysis\.[\w.]+) import", summary_source, re.M))
    assert imported <= set(code.modules)
    assert "analysis.model.sweep" not in code.modules and "analysis.model.depletion" not in code.modules
    assert "reporting/templates/airdef/index.html.j2" in code.data  # the runner's template shapes the HTML
    # The fixture notebook (from analysis.reporting.summary import ...; from analysis.reporting.parameters import ...)
    fixture = dependencies.code_dependencies(notebooks / f"{RUNNER}.ipynb")
    assert {"analysis.reporting.summary", "analysis.reporting.parameters"} <= set(fixture.modules)
    assert "analysis.model.sweep" not in fixture.modules
    # Transitively: sustainability imports sweep inside a function; that counts.
    nb05 = _code_notebook(tmp_path / "sust.ipynb", "from analysis.model import sustainability")
    assert "analysis.model.sweep" in dependencies.code_dependencies(nb05).modules
    # Code run by a magic is code too.
    timed = _code_notebook(tmp_path / "timed.ipynb", "%%capture\nimport analysis.model.sweep",
                           "%time from analysis.stats import trend")
    traced = dependencies.code_dependencies(timed)
    assert traced.scope == "imports" and {"analysis.model.sweep", "analysis.stats.trend"} <= set(traced.modules)


def test_relative_and_package_imports_are_followed(tmp_path):
    package = tmp_path / "analysis"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("from . import leaf\n")
    (package / "sub" / "leaf.py").write_text("from ..base import x\nfrom .. import other\n")
    (package / "base.py").write_text("x = 1\n")
    (package / "other.py").write_text("NAME = 'table.csv'\n")
    (package / "table.csv").write_text("a\n")
    (package / "unused.py").write_text("")
    (package / "unused.csv").write_text("a\n")
    assert dependencies.module_closure(["analysis.sub"], package) == [
        "analysis", "analysis.base", "analysis.other", "analysis.sub", "analysis.sub.leaf"]
    assert [p.name for p in dependencies._data_files(["analysis.other"], package)] == ["table.csv"]


def test_key_changes_with_a_module_the_notebook_uses_only(package_copy, tmp_path):
    path = _code_notebook(tmp_path / "summary-only.ipynb", "from analysis.reporting.summary import Summary")
    (before,) = jobs.plan_jobs([path], None, False)
    with (package_copy / "model" / "sweep.py").open("a") as handle:
        handle.write("\n# an edit the notebook does not depend on\n")
    (unrelated,) = jobs.plan_jobs([path], None, False)
    assert unrelated.cache_key == before.cache_key
    with (package_copy / "reporting" / "summary.py").open("a") as handle:
        handle.write("\n# an edit the notebook depends on\n")
    (related,) = jobs.plan_jobs([path], None, False)
    assert related.cache_key != before.cache_key
    assert "analysis.reporting.summary" in related.code.modules and related.code.scope == "imports"


def test_what_cannot_be_traced_keys_on_the_whole_package(package_copy, tmp_path):
    whole = {p.relative_to(package_copy).with_suffix("").as_posix().replace("/", ".")
             for p in package_copy.rglob("*.py")}
    cases = {
        "unparsable": "from analysis.reporting import (summary\n",
        "dynamic": "import importlib\nmod = importlib.import_module('analysis.' + 'sweep')",
        "missing": "import analysis.no_such_module",
        "magic": "%run ../scripts/anything.py",
        "shell": "!python -m analysis sweep grid.yaml",
        "timeit options": "%timeit -n 3 import analysis.model.sweep",
    }
    keys = {}
    for name, cell in cases.items():
        path = _code_notebook(tmp_path / f"{name}.ipynb", "from analysis.reporting.summary import Summary", cell)
        code = dependencies.code_dependencies(path)
        assert code.scope.startswith("whole package: "), (name, code.scope)
        assert "analysis.model.sweep" in code.modules and len(code.modules) == len(whole)
        (job,) = jobs.plan_jobs([path], None, False)
        keys[name] = job.cache_key
    # ...so an edit anywhere reruns it: never a stale report.
    (package_copy / "model" / "sweep.py").write_text((package_copy / "model" / "sweep.py").read_text() + "\n# edit\n")
    for name in cases:
        (job,) = jobs.plan_jobs([tmp_path / f"{name}.ipynb"], None, False)
        assert job.cache_key != keys[name], name
    # A module of the package that no longer parses: its importers key on everything too.
    (package_copy / "reporting" / "tables.py").write_text("def broken(:\n")
    path = _code_notebook(tmp_path / "tables.ipynb", "from analysis.reporting.tables import show_table")
    assert dependencies.code_dependencies(path).scope.startswith("whole package: analysis/reporting/tables.py")


@pytest.mark.slow
@pytest.mark.xdist_group("runner")
def test_run_writes_reports_skips_unchanged_and_keeps_good_report_on_failure(
    notebooks, tmp_path, stable_package, capsys
):
    out = tmp_path / "reports"
    path = notebooks / f"{RUNNER}.ipynb"
    started = time.perf_counter()
    first = runner.run_reports([path], all_sets=True, output_dir=out)
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
        assert summary["report"]["code_scope"] == "imports"
        assert "analysis.reporting.summary" in summary["report"]["code_modules"]
        assert "analysis.model.sweep" not in summary["report"]["code_modules"]
        assert summary["thumbnail_png_base64"]
        hidden = (out / RUNNER / f"{set_name}.html").read_text()
        shown = (out / RUNNER / f"{set_name}.code.html").read_text()
        assert _remote_references(hidden) == [] and _remote_references(shown) == []
        assert "<script src" not in hidden
        assert "check_parameters" in shown and "check_parameters" not in hidden
        assert "data:image/png;base64," in hidden
    index = (out / "index.html").read_text()
    assert index.count('class="card"') == 2 and "Runner fixture" in index
    assert _remote_references(index) == []

    # Nothing changed: nothing reruns, and it takes a fraction of the first run.
    started = time.perf_counter()
    second = runner.run_reports([path], all_sets=True, output_dir=out)
    assert [r.status for r in second.results] == ["cached", "cached"]
    assert time.perf_counter() - started < first_seconds / 3

    # The notebook breaks: the good report stays, the failed run is kept beside it.
    good_html = (out / RUNNER / "default.html").read_bytes()
    good_summary = (out / RUNNER / "default.summary.json").read_bytes()
    (notebooks / f"{RUNNER}.yaml").write_text("default:\n  fail: true\nci:\n  n: 2\n  label: b\n")
    third = runner.run_reports([path], all_sets=True, output_dir=out)
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
    monkeypatch.setattr(runner, "find_record", lambda explicit: None)
    monkeypatch.setattr(runner, "try_fetch_record", lambda: "data fetch failed: offline (test)")
    out = tmp_path / "reports"
    outcome = runner.run_reports(
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
    assert "1 report could not\nrun: no copy of the public record was found." in index  # said on top


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
    assert bad.returncode == 2  # an out-of-range parameter is a usage error
    assert "Traceback" not in bad.stderr
    assert "91-runner-fixture (-p): parameter n = 1000 is out of range" in bad.stderr


def test_editing_a_scenario_or_claims_file_changes_the_inputs_fingerprint(tmp_path):
    scenarios, claims = tmp_path / "scenarios", tmp_path / "claims"
    scenarios.mkdir()
    claims.mkdir()
    (scenarios / "a.yaml").write_text("name: a\n")
    (claims / "c.yaml").write_text("claims: []\n")
    before = dependencies.inputs_fingerprint((scenarios, claims))
    assert dependencies.inputs_fingerprint((scenarios, claims)) == before
    (scenarios / "a.yaml").write_text("name: b\n")
    edited = dependencies.inputs_fingerprint((scenarios, claims))
    assert edited != before
    (claims / "d.yaml").write_text("claims: []\n")
    assert dependencies.inputs_fingerprint((scenarios, claims)) not in {before, edited}


SLOW = "93-slow-fixture"
ECHO = "94-echo-fixture"


@pytest.mark.slow
@pytest.mark.xdist_group("runner")
def test_a_report_with_a_damaged_file_is_not_fresh_and_any_set_label_is_listed(
    notebooks, tmp_path, stable_package
):
    out = tmp_path / "reports"
    path = notebooks / f"{SLOW}.ipynb"
    # A label with dots and '=' (the override of a float): listed in the index, not "missing".
    first = runner.run_reports([path], overrides=["seconds=0.25"], output_dir=out)
    (result,) = first.results
    assert result.status == "ok" and result.set_name.startswith("default+seconds=0.25-")
    label = result.set_name
    summary = json.loads((out / SLOW / f"{label}.summary.json").read_text())
    assert set(summary["report"]["files"]) == {".html", ".code.html", ".ipynb"}
    index = (out / "index.html").read_text()
    assert f'id="{SLOW}--{label}"' in index and ">missing<" not in index
    assert [r.status for r in runner.run_reports([path], overrides=["seconds=0.25"],
                                                 output_dir=out).results] == ["cached"]
    # Each file damaged in turn: no longer fresh, and the index says so.
    from analysis.reporting.index import write_index

    (job,) = jobs.plan_jobs([path], None, False, ["seconds=0.25"], output_dir=out)
    assert jobs.is_fresh(job)
    for suffix, damage in ((".ipynb", "truncate"), (".html", "empty"), (".code.html", "replace")):
        target = out / SLOW / f"{label}{suffix}"
        whole = target.read_bytes()
        target.write_bytes({"truncate": whole[: len(whole) // 2], "empty": b"",
                            "replace": whole.replace(b"Slow fixture", b"Slow fixturE")}[damage])
        assert not jobs.is_fresh(job), suffix
        write_index(out)
        assert "DAMAGED" in (out / "index.html").read_text(), suffix
        target.write_bytes(whole)
        assert jobs.is_fresh(job), suffix
    # ...and the runner reruns a damaged report.
    (out / SLOW / f"{label}.html").write_bytes(b"")
    (again,) = runner.run_reports([path], overrides=["seconds=0.25"], output_dir=out).results
    assert again.status == "ok" and (out / SLOW / f"{label}.html").stat().st_size > 0
    assert "DAMAGED" not in (out / "index.html").read_text()


@pytest.mark.slow
@pytest.mark.xdist_group("runner")
def test_failures_quote_one_line_and_no_machine_path(notebooks, tmp_path):
    out = tmp_path / "reports"
    secret = tmp_path / "secrets" / "passwords.txt"
    secret.parent.mkdir()
    secret.write_text("".join(f"user{i}:secret-{i}:/home/user{i}:/bin/sh\n" for i in range(200)))
    outcome = runner.run_reports([notebooks / f"{ECHO}.ipynb"], output_dir=out,
                                 overrides=["fail=true", f"path={secret}", "text=x"])
    (failed,) = outcome.failed
    assert failed.set_name.startswith("default+fail=True,path=passwords.txt,text=x-")
    assert "user199:secret-199" in failed.message and "user0:" not in failed.message  # its last line
    shared = [out / "index.html", *(out / ECHO).glob("*.failed.*"), *(out / ECHO).glob("*.status.json")]
    assert len(shared) == 4
    for page in shared:
        text = page.read_text()
        assert text.count("secret-") <= 14, page.name  # a few lines at most, never the file
        for machine in (str(tmp_path), str(PROJECT_ROOT), sys.prefix, str(Path.home()) + "/"):
            assert machine not in text, (page.name, machine)


def _start_reports(notebooks: Path, out: Path) -> subprocess.Popen:
    """`report --all --jobs 2` on the slow fixture (two sets) and the runner fixture, waiting until
    both workers run a kernel."""
    command = [sys.executable, "-m", "analysis", "report", str(notebooks / f"{SLOW}.ipynb"),
               str(notebooks / f"{RUNNER}.ipynb"), "--all", "--jobs", "2", "--force",
               "--output-dir", str(out)]
    run = subprocess.Popen(command, cwd=PROJECT_ROOT, env={**os.environ, "CI": "true"},
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(list((out / SLOW).glob(".*.running.ipynb"))) < 2 or len(descendants(run.pid)) < 4:
        assert run.poll() is None and time.monotonic() < deadline, run.communicate()
        time.sleep(0.2)
    time.sleep(1.0)  # the kernels are busy in the slow cell
    return run


@pytest.mark.slow
@pytest.mark.xdist_group("runner")
def test_ctrl_c_stops_report_all_jobs_2_within_seconds(notebooks, tmp_path):
    import signal

    out = tmp_path / "reports"
    run = _start_reports(notebooks, out)
    processes = descendants(run.pid)
    run.send_signal(signal.SIGINT)
    started = time.monotonic()
    stdout, stderr = run.communicate(timeout=60)
    stopped_after = time.monotonic() - started
    assert run.returncode == 130 and stopped_after < 10, (stopped_after, stderr)
    assert "Traceback" not in stderr and "Traceback" not in stdout
    assert stderr.strip().splitlines()[-1].startswith(f"interrupted: stopped {SLOW}/"), stderr
    time.sleep(1.5)  # kernels notice a dead parent within a second
    assert alive(processes) == [], "worker or kernel processes outlived the runner"
    leftovers = [p.name for p in out.rglob(".*") if p.name.endswith((".running.ipynb", ".tmp"))]
    assert leftovers == []
    for set_name in ("default", "ci"):
        status = json.loads((out / SLOW / f"{set_name}.status.json").read_text())
        assert status["status"] == "interrupted"
    index = (out / "index.html").read_text()
    assert "The last run was interrupted" in index and f"{SLOW}/default" in index
    last_run = json.loads((out / "last-run.json").read_text())
    assert sorted(last_run["not_run"]) == [f"{RUNNER}/ci", f"{RUNNER}/default"]
    assert f"Not run: {RUNNER}/" in index

    # The runner killed outright (no chance to clean up): its workers and kernels end too, and
    # remove their temporary notebooks.
    run = _start_reports(notebooks, out)
    processes = descendants(run.pid)
    run.kill()
    run.communicate(timeout=30)
    deadline = time.monotonic() + 15
    while (alive(processes) or list(out.rglob(".*.running.ipynb"))) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert alive(processes) == [] and list(out.rglob(".*.running.ipynb")) == []


@pytest.mark.slow
@pytest.mark.parametrize("what", ["sweep", "explore"])
def test_ctrl_c_stops_a_sweep_or_an_exploration_on_dask_within_seconds(tmp_path, what):
    import signal

    if what == "sweep":
        source = tmp_path / "grid.yaml"
        source.write_text("scenario: baseline\nruns: 20000\ngrid:\n"
                          "  threats.ballistic.per_day: [1.0, 2.0, 3.0, 4.0]\n"
                          "  interceptors.pac3_mse.deliveries_per_month: [10, 20, 40, 80]\n")
    else:  # the shipped study: hundreds of experiments, far from done when interrupted
        source = PROJECT_ROOT / "data" / "experiments" / "baseline-assumptions.yaml"
    output = tmp_path / f"{what}.parquet"
    command = [sys.executable, "-m", "analysis", what, str(source), "-o", str(output),
               "--scheduler", "processes", "--workers", "2"]
    # Ctrl-C while the Dask cluster starts, and while its workers are busy.
    for processes_up, busy_s in ((1, 0.0), (3, 3.0)):
        run = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while len(descendants(run.pid)) < processes_up:
            assert run.poll() is None and time.monotonic() < deadline, run.communicate()
            time.sleep(0.1)
        time.sleep(busy_s)
        processes = descendants(run.pid)
        run.send_signal(signal.SIGINT)
        started = time.monotonic()
        stdout, stderr = run.communicate(timeout=60)
        assert run.returncode == 130 and time.monotonic() - started < 15, stderr
        assert "Traceback" not in stderr and stderr.strip().splitlines()[-1] == "interrupted", stderr
        time.sleep(1.0)
        assert alive(processes) == []
        assert not output.exists()  # no half table; finished points wait in the parts folder



def test_the_template_ships_where_nbconvert_looks_for_templates():
    """A regular install copies the template into share/jupyter/nbconvert/templates/airdef."""
    import tomllib

    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    shipped = config["tool"]["setuptools"]["data-files"]["share/jupyter/nbconvert/templates/airdef"]
    folder = PROJECT_ROOT / "analysis" / "reporting" / "templates" / "airdef"
    assert sorted(shipped) == sorted(p.relative_to(PROJECT_ROOT).as_posix() for p in folder.iterdir())


@pytest.mark.slow
def test_nbconvert_by_hand_gives_the_same_safe_page(tmp_path):
    """`jupyter nbconvert --to html --template airdef` on an executed notebook, as a user would
    run it after papermill: the project's sanitising preprocessor and policy apply."""
    import nbformat

    notebook = nbformat.read(FIXTURES / f"{ECHO}.ipynb", as_version=4)
    notebook.cells[3].outputs = [
        nbformat.v4.new_output("display_data", data={
            "text/markdown": "**x** [y](javascript:alert(1)) <img src=x onerror=alert(2)>",
            "text/plain": "<Markdown>"}),
        nbformat.v4.new_output("display_data", data={"application/javascript": "alert(3)"}),
        nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="},
                               metadata={"image/png": {"alt": "Chart: a line."}}),
    ]
    path = tmp_path / "by-hand.ipynb"
    nbformat.write(notebook, path)
    done = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--template", "airdef", "--no-input",
         str(path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Alternative text is missing" not in done.stderr
    html = (tmp_path / "by-hand.html").read_text()
    assert "Content-Security-Policy" in html and "<script" not in html
    assert "javascript:" not in html and "onerror" not in html and "alert(3)" not in html
    assert 'alt="Chart: a line."' in html and "<strong>x</strong>" in html


def test_a_run_in_the_runners_process_leaves_the_record_variable_as_it_was(monkeypatch):
    """The record reaches kernels through $AIRDEF_RECORD for one run only (a leak made later work
    in the same process read the last report's record)."""
    from analysis.paths import RECORD_ENV
    from analysis.reporting.execute import _record_for_kernels

    monkeypatch.delenv(RECORD_ENV, raising=False)
    with _record_for_kernels("a.csv"):
        assert os.environ[RECORD_ENV] == "a.csv"
    assert RECORD_ENV not in os.environ
    monkeypatch.setenv(RECORD_ENV, "mine.csv")
    with pytest.raises(KeyboardInterrupt), _record_for_kernels("b.csv"):
        assert os.environ[RECORD_ENV] == "b.csv"
        raise KeyboardInterrupt
    assert os.environ[RECORD_ENV] == "mine.csv"
