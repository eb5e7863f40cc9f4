"""Every input file of a report enters its freshness key by content: a claims file, scenario or
experiment given with `-p` (wherever it lives, and the scenario an experiment names beside it),
the project's own experiments and sources, the record and its catalogue. Edit one in place, and
the report is no longer "cached"."""

from __future__ import annotations

import shutil
from pathlib import Path

from analysis.paths import DATA_DIR, NOTEBOOK_DIR
from analysis.reporting import dependencies, jobs


def _key(notebook: str, overrides: list[str]) -> str:
    (job,) = jobs.plan_jobs([NOTEBOOK_DIR / f"{notebook}.ipynb"], None, False, overrides)
    return job.cache_key


def test_a_claims_file_outside_the_project_is_keyed_by_content(tmp_path):
    claims = tmp_path / "my-claims.yaml"
    shutil.copy(DATA_DIR / "claims" / "article-2025-10-11.yaml", claims)
    before = _key("03-check-article-claims", [f"claims={claims}"])
    assert _key("03-check-article-claims", [f"claims={claims}"]) == before  # nothing changed
    claims.write_text(claims.read_text().replace("nearly", "almost", 1))
    assert _key("03-check-article-claims", [f"claims={claims}"]) != before


def test_a_scenario_and_a_list_of_scenarios_are_keyed_by_content(tmp_path):
    scenario = tmp_path / "mine.yaml"
    shutil.copy(DATA_DIR / "scenarios" / "baseline.yaml", scenario)
    one = _key("04-model-interceptor-depletion", [f"scenario={scenario}"])
    several = _key("05-assess-sustainability", [f"scenarios=baseline, {scenario}"])
    scenario.write_text(scenario.read_text().replace("horizon_days: 365", "horizon_days: 364"))
    assert _key("04-model-interceptor-depletion", [f"scenario={scenario}"]) != one
    assert _key("05-assess-sustainability", [f"scenarios=baseline, {scenario}"]) != several


def test_an_experiment_and_the_scenario_beside_it_are_keyed_by_content(tmp_path):
    experiment = tmp_path / "study.yaml"
    scenario = tmp_path / "local-scenario.yaml"
    shutil.copy(DATA_DIR / "scenarios" / "baseline.yaml", scenario)
    text = (DATA_DIR / "experiments" / "baseline-assumptions.yaml").read_text()
    lines = [f"scenario: {scenario.name}" if line.startswith("scenario:") else line for line in text.splitlines()]
    experiment.write_text("\n".join(lines) + "\n")
    before = _key("07-explore-assumptions", [f"experiment={experiment}"])
    scenario.write_text(scenario.read_text().replace("horizon_days: 365", "horizon_days: 364"))
    after_scenario = _key("07-explore-assumptions", [f"experiment={experiment}"])
    assert after_scenario != before  # the scenario the experiment names, beside it
    experiment.write_text(experiment.read_text() + "# edited\n")
    assert _key("07-explore-assumptions", [f"experiment={experiment}"]) != after_scenario


def test_the_projects_experiments_and_sources_are_in_the_key(tmp_path, monkeypatch):
    """data/experiments/ and data/sources.yaml were not fingerprinted: an edit left reports
    'cached'."""
    assert dependencies.EXPERIMENT_DIR in dependencies.INPUT_DIRS
    assert dependencies.SOURCES_FILE == DATA_DIR / "sources.yaml"
    copies = []
    for folder in dependencies.INPUT_DIRS:
        copy = tmp_path / folder.name
        shutil.copytree(folder, copy)
        copies.append(copy)
    sources = tmp_path / "sources.yaml"
    shutil.copy(dependencies.SOURCES_FILE, sources)
    monkeypatch.setattr(dependencies, "INPUT_DIRS", tuple(copies))
    monkeypatch.setattr(dependencies, "SOURCES_FILE", sources)
    before = dependencies.inputs_fingerprint()
    experiment = next((tmp_path / "experiments").glob("*.yaml"))
    experiment.write_text(experiment.read_text() + "# edited\n")
    after_experiment = dependencies.inputs_fingerprint()
    sources.write_text(sources.read_text() + "# edited\n")
    assert len({before, after_experiment, dependencies.inputs_fingerprint()}) == 3


def test_names_that_are_no_files_key_nothing_and_break_nothing():
    assert dependencies.input_file_digests({"convention": "neutralised", "runs": 3, "x": "n" * 5000,
                                            "y": "a\x00b"}, Path(NOTEBOOK_DIR)) == {}
