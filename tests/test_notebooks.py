"""Every numbered notebook runs as committed (as a user opening it would) and through the runner.

(a) each notebook top to bottom with its default parameters, no papermill, from another working
directory, on the current snapshot where it sits beside the checkout and on the synthetic sample
record (data/sample/) in a fresh clone; (b) each through the report runner with its `ci` parameter
set, on the snapshot (skipped where absent) and on the sample (always), its summary JSON checked;
for notebook 01 the figures are checked against sums computed here from the raw CSV.
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
from analysis.record import SAMPLE_RECORD
from analysis.record.weapons import MISSILE_CLASSES
from analysis.reporting import jobs

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb"))


def needs_record(path: Path) -> bool:
    return bool(nbformat.read(path, as_version=4).metadata.get("airdef", {}).get("needs_record"))


def _per_notebook() -> list:
    """One parameter per notebook, grouped by notebook so xdist keeps a notebook's runs together."""
    return [pytest.param(p, id=p.stem, marks=pytest.mark.xdist_group(p.stem)) for p in NOTEBOOKS]


def _per_notebook_and_record() -> list:
    """A notebook that reads the record on the snapshot and on the synthetic sample; one that does
    not, once without a record."""
    params = []
    for path in NOTEBOOKS:
        kinds = ["snapshot", "sample"] if needs_record(path) else ["no-record"]
        params += [pytest.param(path, kind, id=f"{path.stem}-{kind}",
                                marks=pytest.mark.xdist_group(path.stem)) for kind in kinds]
    return params


def test_there_are_numbered_notebooks():
    assert NOTEBOOKS, f"no notebooks matching NN-*.ipynb in {NOTEBOOK_DIR}"


def _markdown(path: Path) -> str:
    cells = nbformat.read(path, as_version=4).cells
    return " ".join(" ".join(c.source.split()) for c in cells if c.cell_type == "markdown")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_reports_speak_of_attacks_defined_in_one_way_and_spell_defense_one_way(path: Path):
    """One word for the same thing in every report: an *attack* (the code's "wave"), defined in the
    words of `reporting.words.ATTACK_DEFINITION` wherever a glossary defines it; "defense"."""
    from analysis.reporting.words import ATTACK_DEFINITION

    text = _markdown(path)
    if "**attack**" in text:
        assert " ".join(ATTACK_DEFINITION.split()) in text, f"{path.name}: define an attack as words.ATTACK_DEFINITION"
    assert not re.search(r"\bwaves?\b", text, re.IGNORECASE), f"{path.name}: say 'attack', not 'wave'"
    assert "defence" not in text.lower(), f"{path.name}: spell it 'defense'"


@pytest.mark.slow
@pytest.mark.parametrize("path", _per_notebook())
def test_notebook_runs_as_committed_from_another_directory(path: Path, committed_run):
    """Top to bottom with its defaults, by nbclient, its kernel in an empty directory (the run is
    shared with the page tests, which export it as the default set's report)."""
    from analysis.reporting.summary import extract_summary

    run = committed_run(path)
    assert not run.error, run.error
    notebook = nbformat.read(run.executed, as_version=4)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    summary = extract_summary(notebook)
    assert summary and summary["figures"], f"{path.name}: the last output should be a Summary"
    assert not run.written, f"{path.name} wrote into the working directory: {run.written}"


@pytest.mark.slow
@pytest.mark.parametrize(("path", "kind"), _per_notebook_and_record())
def test_notebook_ci_set_through_the_runner(path: Path, kind: str, ci_run, request):
    record = {"snapshot": lambda: request.getfixturevalue("record_path"), "sample": lambda: SAMPLE_RECORD,
              "no-record": lambda: None}[kind]()
    assert "ci" in jobs.parameter_sets(path), f"{path.with_suffix('.yaml').name} needs a ci set"
    result, tmp_path = ci_run(path, kind, record)
    assert result.status in {"ok", "cached"}, result.message
    summary = json.loads((tmp_path / path.stem / "ci.summary.json").read_text())
    assert any(f["value"] is not None for f in summary["figures"]), "no figure has a value"
    for figure in summary["figures"]:
        assert figure["name"], figure
        bounds = (figure["low"], figure["value"], figure["high"])
        if all(isinstance(b, int | float) for b in bounds):
            assert figure["low"] <= figure["value"] <= figure["high"], figure
    provenance = summary["report"]
    assert provenance["code"]["version"]
    if record is not None:  # a notebook that reads no record names none
        assert provenance["data"]["record"]["sha256"]
    assert (tmp_path / path.stem / "ci.html").is_file() and (tmp_path / "index.html").is_file()
    if path.stem == "01-explore-strike-record":
        check_01_against_raw_csv(summary, record)
        if kind == "sample":
            check_01_attacks_on_the_sample(summary, record)


# --------------------------------------------------------------- one set of figures across reports

RECORD_REPORTS = ("01-explore-strike-record", "02-estimate-interception-rates", "03-check-article-claims",
                  "06-forecast-attack-tempo", "08-summarise-latest-month")
FACT_KEYS = ("first_report", "last_report", "data_through", "national_waves", "regional_waves",
             "launched_national", "with_outcome_national", "rows_without_launched")


def _ci_summary(ci_run, stem: str, kind: str, record: Path | None) -> dict:
    path = NOTEBOOK_DIR / f"{stem}.ipynb"
    result, where = ci_run(path, kind, record)
    assert result.status in {"ok", "cached"}, f"{stem}: {result.message}"
    return json.loads((where / stem / "ci.summary.json").read_text())


def _run_out(days: list[dict]) -> list[tuple]:
    return [(d["interceptor"], d["class"], d["median"], d["p10"], d["p90"], d["median_date"]) for d in days]


@pytest.mark.slow
def test_reports_state_one_set_of_shared_figures(ci_run):
    """The figures two reports share read the same in both, exactly: the record's period, the date
    the data run through, its attacks and its launches by class (`record_facts`) in every report
    that reads the record; a month's launches in 01 (monthly totals) and 08 (its latest month),
    counted by two different functions; and the day each interceptor runs short in the reference
    scenario of 04 and 05 (one computation: same function, scenario, runs and seed). The ci sets
    on the synthetic sample, shared with the test above."""
    summaries = {stem[:2]: _ci_summary(ci_run, stem, "sample", SAMPLE_RECORD) for stem in RECORD_REPORTS}
    facts = {key: s["extra"]["record"] for key, s in summaries.items()}
    first = {k: facts["01"][k] for k in FACT_KEYS}
    for key, stated in facts.items():
        assert {k: stated[k] for k in FACT_KEYS} == first, f"report {key} states other record facts than 01"
    assert first["national_waves"] > 0 and sum(first["launched_national"].values()) > 0

    # 02 and 03 say "data through" from the same date
    assert summaries["02"]["extra"]["data_through"] == first["last_report"]
    assert summaries["03"]["extra"]["data_through"] == first["last_report"]
    # 08's latest month against the same month in 01's monthly totals
    month = summaries["08"]["extra"]["month"]
    monthly = summaries["01"]["extra"]["national_launches_by_month"][month]
    latest = {f["name"]: f["value"] for f in summaries["08"]["figures"]}
    assert latest[f"drones launched, {summaries['08']['extra']['month_name']}"] == monthly["drone"]
    missiles = sum(monthly.get(c, 0) for c in MISSILE_CLASSES)
    assert latest[f"missiles launched, {summaries['08']['extra']['month_name']}"] == missiles

    # 04 and 05: the reference scenario's days, equal and not just close
    depletion = _ci_summary(ci_run, "04-model-interceptor-depletion", "no-record", None)
    sustainability = _ci_summary(ci_run, "05-assess-sustainability", "no-record", None)
    days_04 = _run_out(depletion["extra"]["briefing"]["run_out"])
    days_05 = _run_out(sustainability["extra"]["reference_run_out"])
    assert days_04 and days_04 == days_05
    ratio_04 = depletion["extra"]["briefing"]["costs"]["cost_exchange_ratio"]
    assert ratio_04 == sustainability["extra"]["reference_costs"]["cost_exchange_ratio"]


# --------------------------------------------------------------------------- 01 against the raw CSV


def is_national(source: str) -> bool:
    publisher = re.sub(r"^(?:https?://)?(?:www\.)?(?:(?:m\.)?facebook\.com/|t\.me/)?", "", source.strip())
    return not publisher.split("/", 1)[0].lower().startswith("pvk")


def _count(text: str) -> float:
    return float(text) if text.strip() else 0.0


def raw_rows(record_path: Path) -> list[dict[str, str]]:
    with record_path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def check_01_against_raw_csv(summary: dict, record_path: Path) -> None:
    """Monthly national launches, national totals, the record's facts and the Shahed share, summed
    here with the csv module from the file the notebook read."""
    first, last = summary["extra"]["period"]
    by_month: dict[str, float] = defaultdict(float)
    national_total = whole_record_national = 0.0
    shahed_launched = shahed_real = 0.0
    days = []
    for row in raw_rows(record_path):
        day = row["time_end"].strip()[:10]
        days.append(day)
        if not is_national(row["source"]):
            continue
        launched = _count(row["launched"])
        whole_record_national += launched
        if not first <= day <= last:
            continue
        by_month[day[:7]] += launched
        national_total += launched
        # The share is computed on reports giving the real count and an outcome (destroyed).
        if ("shahed" in row["model"].lower() and row.get("is_shahed", "").strip()
                and row["destroyed"].strip() and launched > 0):
            shahed_launched += launched
            shahed_real += min(_count(row["is_shahed"]), launched)
    reported = summary["extra"]["national_launches_by_month"]
    assert {m for m, v in by_month.items() if v} <= set(reported)
    for month, counts in reported.items():
        assert sum(counts.values()) == by_month.get(month, 0.0), month
    totals = summary["extra"]["totals_by_command"]
    assert sum(t["national"] for t in totals.values()) == national_total
    facts = summary["extra"]["record"]
    assert (facts["first_report"], facts["last_report"]) == (min(days), max(days))
    assert sum(facts["launched_national"].values()) == whole_record_national
    figures = {f["name"]: f for f in summary["figures"]}
    if shahed_launched:
        share = figures["real Shaheds among Shahed-type launches"]
        assert share["value"] == pytest.approx(shahed_real / shahed_launched, rel=1e-12)
        assert share["low"] < share["value"] < share["high"]


def check_01_attacks_on_the_sample(summary: dict, record_path: Path) -> None:
    """On the sample every national post is one night except one post covering two nights, so an
    attack is a post and the date its window ends: count and size the attacks by hand."""
    first, last = summary["extra"]["period"]
    attacks: dict[tuple[str, str], float] = defaultdict(float)
    for row in raw_rows(record_path):
        day = row["time_end"].strip()[:10]
        if is_national(row["source"]) and first <= day <= last:
            attacks[(row["source"], day)] += _count(row["launched"])
    figures = {f["name"]: f for f in summary["figures"]}
    assert figures["national attacks"]["value"] == len(attacks)
    assert figures["largest attack"]["value"] == max(attacks.values())
