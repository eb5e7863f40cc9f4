"""Every report's pages as a reader gets them: the default set and the `ci` set of every notebook,
read in headless Chromium, held to what a paper would print.

- the default set: the notebook as committed, run top to bottom by nbclient (the run the tests of
  notebooks check, shared through `committed_run`: no second run), written out as the runner
  writes a report (executed notebook, HTML with and without code, summary), with an index;
- the ci set: through the report runner (`ci_run`, shared with the tests of notebooks), on the
  snapshot where it is beside the checkout, else on the synthetic sample; no record where a
  notebook needs none.

On each page: no "-0", no interval of a share over about 0-100% ("too few attacks to tell"), the
interval level on the first screen, every observed share beside its period, no sideways scroll on
a 420 px phone, alt text that describes each chart, no legend over a title, bar or data point.
Report by report: 03 names its source and who said what, with no file name; 02's press table
explains every difference; 01 marks its partial and low-coverage months; the index opens with
what the record shows; 04 and 05 read as scenarios (the frame first, days before dates), 07
writes its conditions in words and gives 05's reference day. A check known to fail can be listed
in PHASE_B, marked xfail(strict=True) with the item it waits for (none is today).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import nbformat
import pytest
from conftest import NEEDS_CHROMIUM, snapshot_path
from html_checks import (
    intervals_over_everything,
    minus_zero,
    read_page,
    shares_without_period,
    states_interval_level,
    table_blocks,
)

from analysis.paths import NOTEBOOK_DIR, PROJECT_ROOT
from analysis.provenance import code_version
from analysis.reporting import execute, index, jobs
from analysis.reporting.summary import extract_summary, shareable_summary

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb"))
STEMS = {path.stem[:2]: path.stem for path in NOTEBOOKS}
SETS = ("default", "ci")
RECORD_REPORTS = {"01", "02", "03", "06", "08"}  # every share they give is observed in the record
SCENARIO_REPORTS = {"04", "05", "07"}

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("report-pages"), NEEDS_CHROMIUM]

# Checks known to fail, (check, report) and the item they wait for, marked xfail(strict=True): a
# check that starts to pass fails until its entry is taken off. Issue 22's phase B emptied it.
PHASE_B: dict[tuple[str, str], str] = {}  # phase B done: every check holds on both sets


def _cases(check: str, reports: set[str] | None = None) -> list:
    cases = []
    for key in sorted(STEMS):
        if reports is not None and key not in reports:
            continue
        for set_name in SETS:
            reason = PHASE_B.get((check, key))  # on both sets: each fails them today
            marks = [pytest.mark.xfail(reason=f"issue 22 phase B, {reason}", strict=True)] if reason else []
            cases.append(pytest.param(key, set_name, id=f"{key}-{set_name}", marks=marks))
    return cases


def _publish(path: Path, run, out: Path, record: Path) -> None:
    """The committed run as the runner writes a report: executed notebook, HTML with and without
    code, status and a summary that vouches for the files (so the index lists it as ok)."""
    (job,) = jobs.plan_jobs([path], "default", False, record=record, output_dir=out)
    executed = execute.shareable_executed(nbformat.read(run.executed, as_version=4))
    provenance = {"parameters": jobs.shown_parameters(job.parameters), "data": jobs.describe_data(job),
                  "code": code_version(), "run_at": jobs.now()}
    contents = {".ipynb": nbformat.writes(executed).encode("utf-8"),
                ".html": execute.export_html(executed, job, False, provenance).encode("utf-8"),
                ".code.html": execute.export_html(executed, job, True, provenance).encode("utf-8")}
    job.report_dir.mkdir(parents=True, exist_ok=True)
    for suffix, data in contents.items():
        job.path(suffix).write_bytes(data)
    summary = shareable_summary(extract_summary(executed))
    summary["report"] = {"notebook": job.name, "set": job.set_name, "seconds": run.seconds,
                         "files": {suffix: jobs.fingerprint(data) for suffix, data in contents.items()},
                         **provenance}
    job.path(".summary.json").write_text(json.dumps(summary, default=str))
    jobs.write_status(job, "ok", seconds=run.seconds)


@pytest.fixture(scope="module")
def report_dirs(committed_run, ci_run, notebook_record_path, tmp_path_factory) -> dict[str, dict[str, Path]]:
    """{set: {report key: folder of the report}} and, under "index", the index of each set."""
    default = tmp_path_factory.mktemp("default-reports")
    found: dict[str, dict[str, Path]] = {"default": {}, "ci": {}, "index": {}}
    record_kind = "snapshot" if snapshot_path(notebook_record_path.name) == notebook_record_path else "sample"
    for path in NOTEBOOKS:
        run = committed_run(path)
        assert not run.error, f"{path.stem} (as committed): {run.error}"
        _publish(path, run, default, notebook_record_path)
        found["default"][path.stem[:2]] = default / path.stem
        needs = bool(nbformat.read(path, as_version=4).metadata.get("airdef", {}).get("needs_record"))
        kind, record = (record_kind, notebook_record_path) if needs else ("no-record", None)
        result, where = ci_run(path, kind, record)
        assert result.status in {"ok", "cached"}, f"{path.stem} (ci): {result.message}"
        found["ci"][path.stem[:2]] = where / path.stem
        if needs:
            found["index"]["ci"] = where / "index.html"
    index.write_index(default)
    found["index"]["default"] = default / "index.html"
    return found


@pytest.fixture(scope="module")
def pages(browser, report_dirs) -> dict[tuple[str, str], dict]:
    """Every report page (and each index) read once: {(report key or "index", set): what it shows}."""
    read = {}
    for set_name in SETS:
        for key, folder in report_dirs[set_name].items():
            page = read_page(browser, folder / f"{set_name}.html")
            page["summary"] = json.loads((folder / f"{set_name}.summary.json").read_text())
            page["executed"] = nbformat.read(folder / f"{set_name}.ipynb", as_version=4)
            page["code_phone_width"] = read_page(browser, folder / f"{set_name}.code.html")["phone_width"]
            read[key, set_name] = page
        read["index", set_name] = read_page(browser, report_dirs["index"][set_name])
    return read


def _blocks(page: dict) -> list[str]:
    return page["blocks"] + [row for table in page["tables"] for row in table_blocks(table)]


# ------------------------------------------------------------------------------------------------
# Every page


@pytest.mark.parametrize(("key", "set_name"), [*_cases("phone"), *[pytest.param("index", s, id=f"index-{s}")
                                                                   for s in SETS]])
def test_no_page_scrolls_sideways_on_a_phone(pages, key, set_name):
    page = pages[key, set_name]
    assert page["phone_width"] <= 420, f"{key}/{set_name} is {page['phone_width']} px wide at 420 px"
    if key != "index":
        assert page["code_phone_width"] <= 420, f"{key}/{set_name} with code: {page['code_phone_width']} px"


@pytest.mark.parametrize(("key", "set_name"), _cases("minus-zero"))
def test_no_minus_zero(pages, key, set_name):
    page = pages[key, set_name]
    found = minus_zero("\n".join(_blocks(page) + page["alts"]))
    assert not found, f"{key}/{set_name}: {found}"


@pytest.mark.parametrize(("key", "set_name"), _cases("everything"))
def test_no_interval_over_every_share(pages, key, set_name):
    """"0.1-100.0%" says nothing: such an interval reads "too few attacks to tell"."""
    found = intervals_over_everything("\n".join(_blocks(pages[key, set_name])))
    assert not found, f"{key}/{set_name}: {found}"


@pytest.mark.parametrize(("key", "set_name"), _cases("level"))
def test_the_first_screen_states_the_interval_level(pages, key, set_name):
    first = pages[key, set_name]["first_screen"]
    assert states_interval_level(first), f"{key}/{set_name}: no interval level on the first screen: {first[:600]}"


@pytest.mark.parametrize(("key", "set_name"), _cases("period"))
def test_every_observed_share_is_given_with_its_period(pages, key, set_name):
    """In a report on the record every share; in a scenario report every share it says is
    observed (the record's rates the model matches)."""
    missing = shares_without_period(_blocks(pages[key, set_name]), observed_only=key in SCENARIO_REPORTS)
    assert not missing, f"{key}/{set_name}: shares without a period: {missing[:3]}"


@pytest.mark.parametrize(("key", "set_name"), _cases("charts"))
def test_every_chart_is_described_and_no_legend_covers_anything(pages, key, set_name):
    """Alt text from `alt.describe_chart` (its axes) before the finding; no legend over a title, a
    bar or data (`plots.style.layout_problems`, recorded by `show`)."""
    page = pages[key, set_name]
    assert page["alts"], f"{key}/{set_name} shows no chart"
    for alt in page["alts"]:
        assert alt.startswith("Chart: ") and ("axis" in alt or "heatmap" in alt.lower()), alt[:200]
    problems = [problem for cell in page["executed"].cells for output in cell.get("outputs", [])
                for problem in output.get("metadata", {}).get("image/png", {}).get("airdef_layout_problems", [])]
    assert not problems, f"{key}/{set_name}: {problems}"


# ------------------------------------------------------------------------------------------------
# Report by report

DATE = r"\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"


def _date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d %B %Y").date()


@pytest.mark.parametrize(("key", "set_name"), _cases("scenario-days", {"04", "05"}))
def test_scenario_days_read_as_days_of_a_scenario(pages, key, set_name):
    """Item 1: the frame first; "day N of the scenario" before any date; no date already past
    unless the page says the scenario starts on the record's last day."""
    page = pages[key, set_name]
    opening = " ".join(page["blocks"][:2]).lower()  # under the title (the header, title and intro, is not a block)
    assert "scenario" in opening and "not a forecast" in opening, f"no frame first: {opening[:300]}"
    text = "\n".join(_blocks(page))
    dated_first = re.findall(rf"{DATE},? \(?day \d+", text)
    assert not dated_first, f"a date ahead of its day number: {dated_first[:3]}"
    through = [_date(d) for d in re.findall(rf"(?:record|data) through ({DATE})", text)]
    past = [d for d in re.findall(DATE, text)
            if through and max(through) < _date(d) < dt.date.today()]
    if past:
        assert re.search(r"starts on (?:the record's last day|.{0,40}the record's last day)", text), (
            f"dates already past ({past[:3]}) without saying the scenario starts on the record's last day")


@pytest.mark.parametrize(("key", "set_name"), _cases("conditions", {"07"}))
def test_07_writes_conditions_in_words(pages, key, set_name):
    page = pages[key, set_name]
    raw = re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+(?:\.[a-z0-9_]+)+\b|(?<=\s)(?:<=|>=)(?=\s)", "\n".join(_blocks(page)))
    assert not raw, f"raw condition strings: {raw[:5]}"


@pytest.mark.parametrize(("key", "set_name"), _cases("reference-day", {"07"}))
def test_05_and_07_give_one_reference_day(pages, key, set_name):
    """07's day as assumed is 05's day for the reference scenario (one computation): the day
    PAC-3 MSE runs short of ballistic missiles in the median run, or "after day H" when later than
    the horizon."""
    summary = pages["05", set_name]["summary"]
    reference = [d for d in summary["extra"]["reference_run_out"]
                 if d["interceptor"] == "pac3_mse" and d["class"] == "ballistic"]
    assert reference, "05 gives no reference day for PAC-3 MSE against ballistic missiles"
    median = reference[0]["median"]
    page = pages[key, set_name]
    text = "\n".join(_blocks(page) + page["alts"])
    stated = {int(n) for n in re.findall(r"as assumed: day (\d+)", text)}
    if median is None:  # later than 05's horizon: 07 gives no earlier day as the one assumed
        assert not stated, f"07 says day {sorted(stated)} where 05 says after its horizon"
        assert re.search(r"as assumed: after (?:day \d+|the year)", text), "07 does not give 05's reference day"
    else:
        assert stated == {round(median)}, f"07 says day {sorted(stated)} where 05 says day {round(median)}"


@pytest.mark.parametrize("set_name", SETS)
def test_03_names_its_source_and_who_said_what(pages, set_name):
    from analysis.stats.claims import load_claims

    page = pages["03", set_name]
    text = "\n".join(_blocks(page))
    claims = load_claims(PROJECT_ROOT / "data" / "claims" / "article-2025-10-11.yaml")
    for source in claims.sources.values():
        for field in ("outlet", "title", "url"):
            value = getattr(source, field, None)
            if value:
                assert value in text, f"the source's {field} {value!r} is not on the page"
        assert " ".join(source.said_by.split()) in " ".join(text.split()), f"{source.said_by!r} not named"
        if source.date:
            assert f"{source.date.day} {source.date:%B %Y}" in text
    outside_provenance = "\n".join(_blocks(page) + page["alts"])
    assert ".yaml" not in outside_provenance, "a file name in the report's text"


@pytest.mark.parametrize("set_name", SETS)
def test_02_explains_every_published_figure_it_does_not_match(pages, set_name):
    table = next(t for t in pages["02", set_name]["tables"] if "published" in t["caption"].lower())
    header = [h.lower() for h in table["header"]]
    status, why = header.index("status"), header.index("what explains it")
    for row in table["rows"]:
        if row[status] != "matches":
            assert row[why] and row[why] != "–", f"{row[0]}: {row[status]} with no explanation"
    drones = [row for row in table["rows"] if row[0].lower().startswith(("drone", "shahed"))]
    assert all("decoy" in " ".join(row).lower() for row in drones), "a drone figure that hides its decoys"


@pytest.mark.parametrize(("key", "set_name"), _cases("drone-share", {"02"}))
def test_02_says_its_drone_share_includes_decoys_and_jamming(pages, key, set_name):
    first = pages[key, set_name]["first_screen"].lower()
    assert "decoy" in first and "jam" in first


@pytest.mark.parametrize("set_name", SETS)
def test_01_marks_partial_and_low_coverage_months_on_its_charts(pages, set_name):
    """Every chart over time marks the months (or weeks) the period covers only in part, and the
    chart of real Shaheds the months its reports barely cover (as their alt text, read from the
    figure, says)."""
    page = pages["01", set_name]
    first, last = (dt.date.fromisoformat(d[:10]) for d in page["summary"]["extra"]["period"])
    partial = first.day != 1 or (last + dt.timedelta(days=1)).day != 1
    over_time = [alt for alt in page["alts"] if re.search(r"\b(?:month|week) reported\b", alt)]
    shaheds = [alt for alt in over_time if "Real Shaheds" in alt]
    assert len(over_time) >= 4 and len(shaheds) == 1
    if partial:
        for alt in over_time:
            if alt not in shaheds:
                assert "partial month" in alt or "partly in the period" in alt, alt[:300]
    table = next(t for t in page["tables"] if t["caption"].startswith("Real Shaheds among"))
    coverage = [h.lower() for h in table["header"]].index("coverage")
    share = [h.lower() for h in table["header"]].index("real share")
    barely = [row for row in table["rows"] if row[share] != "–" and float(row[coverage].rstrip("%")) < 50]
    if barely:
        assert "reports covering under 50%" in shaheds[0], shaheds[0][:300]


@pytest.mark.parametrize("set_name", SETS)
def test_the_index_opens_with_what_the_record_shows(pages, report_dirs, set_name):
    page = pages["index", set_name]
    lead = page["first_screen"]
    assert re.search(rf"Data through {DATE}", lead)
    text = page["text"]
    assert not re.search(r"\b[a-z]+-\d{4}-h\d\b", text.split("Test runs")[0]), "a scenario's file name as a title"
    if set_name == "default":
        summary = next(b for b in page["blocks"] if b.startswith("What the record shows"))
        assert len(re.findall(r"[.!?](?:\s|$)", summary)) == 4  # the heading's sentence and three
        assert "Test runs" not in text
    else:
        assert "Test runs" in text and text.index("Test runs") < text.index("ci")
