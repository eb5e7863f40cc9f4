"""Reports in headless Chromium: every figure loads, nothing leaves the machine, no script error;
and hostile text fed through every input a report shows (claims, scenarios, the record and its
catalogue, parameter values, error messages) runs no script and loads nothing."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import NEEDS_CHROMIUM
from html_checks import inert_problems

from analysis.paths import PROJECT_ROOT, SCENARIO_DIR
from analysis.reporting import runner

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
CLAIMS = PROJECT_ROOT / "data" / "claims" / "article-2025-10-11.yaml"

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("browser"), NEEDS_CHROMIUM]


@pytest.fixture(scope="module")
def reports_dir(notebook_record_path, tmp_path_factory) -> Path:
    """Reports of notebook 01 (ci) and of the runner fixture, plus a failed and a skipped entry."""
    out = tmp_path_factory.mktemp("reports")
    notebooks = tmp_path_factory.mktemp("notebooks")
    shutil.copytree(FIXTURES, notebooks, dirs_exist_ok=True)
    outcome = runner.run_reports(["01-explore-strike-record", notebooks / "91-runner-fixture.ipynb"],
                                 set_name="ci", record=notebook_record_path, output_dir=out, force=True)
    assert not outcome.failed, [r.message for r in outcome.failed]
    (notebooks / "91-runner-fixture.yaml").write_text("default: {}\nci:\n  fail: true\n")
    runner.run_reports([notebooks / "91-runner-fixture.ipynb"], set_name="ci", output_dir=out)
    return out


def _open(browser, path: Path, width: int = 1200) -> dict:
    """Load a page; return its requests, images, errors, dialogs and layout."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []

    def record_request(route, request):
        requests.append(request.url)
        if request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", record_request)
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)  # a script started by an event handler would have run by now
    images = page.evaluate(
        "Array.from(document.images).map(i => ({src: i.src.slice(0, 60), ok: i.complete && i.naturalWidth > 0,"
        " alt: i.alt}))"
    )
    links = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    text = page.inner_text("body")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    return {"requests": requests, "errors": errors, "images": images, "links": links,
            "dialogs": dialogs, "text": text, "page_width": page_width}


def _pages(reports_dir: Path) -> list[Path]:
    return sorted(reports_dir.glob("*/*.html")) + [reports_dir / "index.html"]


def test_every_page_is_self_contained_with_loaded_figures(browser, reports_dir):
    pages = _pages(reports_dir)
    assert len(pages) >= 6  # 01 ci (hidden, code), fixture ci (hidden, code), failed run, index
    for path in pages:
        seen = _open(browser, path)
        remote = [u for u in seen["requests"] if not u.startswith(("file:", "data:"))]
        assert not remote, f"{path.name} requested {remote}"
        assert not seen["errors"], f"{path.name}: {seen['errors']}"
        broken = [i["src"] for i in seen["images"] if not i["ok"]]
        assert not broken, f"{path.name}: images that did not load: {broken}"
        if path.name in {"ci.html", "ci.code.html", "index.html"}:
            assert seen["images"], f"{path.name} shows no figure"


def test_index_lists_every_report_and_its_links_resolve(browser, reports_dir, notebook_record_path):
    seen = _open(browser, reports_dir / "index.html")
    local = [u for u in seen["links"] if u.startswith("file:")]
    assert any(u.endswith("01-explore-strike-record/ci.html") for u in local)
    for url in local:
        assert Path(url.removeprefix("file://").split("#")[0]).is_file(), url
    text = (reports_dir / "index.html").read_text()
    assert "FAILED" in text and "the fixture was asked to fail" in text
    assert "95%, spread between attacks" in text and notebook_record_path.name in text


def test_screenshot_renders(browser, reports_dir):
    """A screenshot of the index is non-trivial (the README's picture is taken the same way)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto((reports_dir / "index.html").as_uri())
    with tempfile.TemporaryDirectory() as directory:
        shot = Path(directory) / "index.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000
    context.close()


# ------------------------------------------------------------------------------------------------
# Hostile inputs: every text a third party controls, through every report that shows it.

def _payload(where: str) -> str:
    """Text that runs script or loads something in a page that shows it unescaped; `where` marks
    which input it came through, so the test can tell it reached the page (under 200 characters,
    within the length limits of the input schemas)."""
    return (f"MARK-{where} <script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>"
            f"[l](javascript:alert(4))<iframe src=//a.b><style>@import url(//a.b)</style>END-{where}")


PATHS = ("claims-title", "claims-text", "claims-source", "scenario-name", "scenario-description",
         "scenario-period", "record-model", "record-target", "record-source", "catalogue")
# The inputs the reports show today (the others are fed in too, and must not run if a report ever
# shows them). Names the schemas refuse (claim ids, interceptor and layer names) fail at loading,
# and an error that quotes a payload is tested with the echo fixture below, as parameter values are.
SHOWN = {"claims-text", "claims-source", "scenario-name", "record-model", "catalogue"}  # one at least of each kind
PASSWD_ENTRY = r"\b\w[\w-]*:x:\d+:\d+:"


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):  # input files are written without anchors and aliases
        return True


def _write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.dump(data, Dumper=_NoAliases, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _hostile_csv(source: Path, target: Path, change) -> Path:
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    rows = change(rows, fields)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return target


def _hostile_inputs(directory: Path, record_path: Path, catalogue_path: Path) -> dict[str, Path]:
    """A record and catalogue with payloads in their text fields; a claims file and a scenario
    with payloads in every field their schemas accept as free text."""
    directory.mkdir(parents=True, exist_ok=True)

    def record_rows(rows, fields):
        for row, column, where in ((rows[0], "model", "record-model"), (rows[10], "model", "record-model"),
                                   (rows[20], "target", "record-target"), (rows[30], "source", "record-source")):
            row[column] = _payload(where)
        return rows

    def catalogue_rows(rows, fields):
        return [*rows, {**dict.fromkeys(fields, ""), "model": _payload("record-model"),
                        "category": _payload("catalogue")}]

    inputs = {
        "record": _hostile_csv(record_path, directory / "missile_attacks_daily_hostile.csv", record_rows),
        "catalogue": _hostile_csv(catalogue_path, directory / "missiles_and_uavs_hostile.csv", catalogue_rows),
    }
    claims = yaml.safe_load(CLAIMS.read_text(encoding="utf-8"))
    claims["title"] = _payload("claims-title")
    for claim in claims["claims"]:
        claim["text"] = f"{_payload('claims-text')} {claim['text']}"
    for source in (claims.get("sources") or {}).values():
        if isinstance(source, dict):
            source["said_by"] = _payload("claims-source")
            source["title"] = _payload("claims-source")
            source["url"] = "https://a.b/x<img/src=x/onerror=alert(6)>[l](javascript:alert(7))"
    inputs["claims"] = _write_yaml(directory / "hostile-claims.yaml", claims)
    scenario = yaml.safe_load((SCENARIO_DIR / "baseline.yaml").read_text(encoding="utf-8"))
    scenario["name"] = _payload("scenario-name")
    scenario["description"] = _payload("scenario-description")
    if "period" in scenario:
        scenario["period"] = _payload("scenario-period")
    inputs["scenario"] = _write_yaml(directory / "hostile-scenario.yaml", scenario)
    return inputs


@pytest.fixture(scope="module")
def hostile_reports(record_path, catalogue_path, tmp_path_factory) -> Path:
    """Notebooks 01, 03 and 04 (ci sets) run on hostile inputs, and 03 on /etc/passwd as claims."""
    out = tmp_path_factory.mktemp("hostile-reports")
    inputs = _hostile_inputs(tmp_path_factory.mktemp("hostile-inputs"), record_path, catalogue_path)
    runs = [
        (["01-explore-strike-record"], []),
        (["03-check-article-claims"], [f"claims={inputs['claims']}"]),
        (["03-check-article-claims"], ["claims=/etc/passwd"]),
        (["04-model-interceptor-depletion"], [f"scenario={inputs['scenario']}"]),
    ]
    outcomes = {}
    for notebooks, overrides in runs:
        outcome = runner.run_reports(notebooks, set_name="ci", overrides=overrides, record=inputs["record"],
                                     output_dir=out, force=True)
        outcomes[f"{notebooks[0]} {' '.join(overrides)}"] = [(r.status, r.message) for r in outcome.results]
    (out / "outcomes.json").write_text(json.dumps(outcomes, indent=1))
    return out


def test_hostile_inputs_run_no_script_and_load_nothing(browser, hostile_reports):
    pages = _pages(hostile_reports)
    assert len(pages) == 8  # 3 reports with and without code, the failed run, the index
    reached: set[str] = set()
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert inert_problems(html, page=True) == [], path.name
        seen = _open(browser, path, width=1000)
        assert seen["dialogs"] == [], f"{path.name}: {seen['dialogs']}"
        assert [u for u in seen["requests"] if u != path.as_uri()] == [], path.name
        assert seen["errors"] == [], f"{path.name}: {seen['errors']}"
        reached |= {where for where in PATHS if f"MARK-{where}" in seen["text"]}
        for machine in (str(PROJECT_ROOT), str(hostile_reports.parent), sys.prefix, "/etc/passwd"):
            assert machine not in html, (path.name, machine)
        # -p claims=/etc/passwd: the error quotes at most a line's worth of it, never the file.
        assert len(set(re.findall(PASSWD_ENTRY, html))) <= 8, path.name
    outcomes = json.loads((hostile_reports / "outcomes.json").read_text())
    assert SHOWN - reached == set(), f"{SHOWN - reached} reached no page; outcomes: {outcomes}"
    # The valid hostile inputs made reports; the input that must fail (the passwd file) failed.
    statuses = {run: [status for status, _ in results] for run, results in outcomes.items()}
    assert statuses["01-explore-strike-record "] == ["ok"]
    assert [v for k, v in statuses.items() if "hostile-claims.yaml" in k] == [["ok"]]
    assert [v for k, v in statuses.items() if "hostile-scenario.yaml" in k] == [["ok"]]
    assert [v for k, v in statuses.items() if "passwd" in k] == [["failed"]]


@pytest.fixture(scope="module")
def echo_reports(tmp_path_factory) -> Path:
    """The echo fixture shows a payload through Markdown, HTML, a table, print, a plot title and
    the summary; and fails quoting it and a whole file (needs no record: runs in a fresh clone)."""
    out = tmp_path_factory.mktemp("echo-reports")
    notebooks = tmp_path_factory.mktemp("echo-notebooks")
    shutil.copytree(FIXTURES, notebooks, dirs_exist_ok=True)
    secret = tmp_path_factory.mktemp("secret") / "passwords.txt"
    secret.write_text("".join(f"user{i}:secret:/home/user{i}:/bin/sh\n" for i in range(100)))
    path = notebooks / "94-echo-fixture.ipynb"
    ok = runner.run_reports([path], overrides=[f"text={_payload('parameter')}"], output_dir=out)
    assert [r.status for r in ok.results] == ["ok"], ok.results
    failed = runner.run_reports([path], output_dir=out, overrides=[
        f"text={_payload('parameter')}", "fail=true", f"path={secret}"])
    assert [r.status for r in failed.results] == ["failed"]
    return out


def test_payloads_in_every_display_path_stay_text(browser, echo_reports):
    pages = _pages(echo_reports)
    assert len(pages) == 4  # report, report with code, failed run, index
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert inert_problems(html, page=True) == [], path.name
        seen = _open(browser, path, width=1000)
        assert seen["dialogs"] == [] and seen["errors"] == [], path.name
        assert [u for u in seen["requests"] if u != path.as_uri()] == [], path.name
        assert "MARK-parameter" in seen["text"] and "END-parameter" in seen["text"], path.name
        assert seen["text"].count("user") <= 14 and str(echo_reports.parent) not in html, path.name
    report = next(p for p in pages if p.name.endswith("-0.html") or (p.name.endswith(".html") and
                  ".code." not in p.name and ".failed." not in p.name and p.name != "index.html"))
    text = _open(browser, report)["text"]
    assert "<script>alert(1)</script><img src=x onerror=alert(2)>" in text  # shown, as text, in the table


def test_the_policy_stops_a_script_that_got_through(browser, echo_reports, tmp_path):
    """The Content-Security-Policy is a second wall: a script and a remote image written straight
    into a report page (as a sanitiser bug would let through) neither run nor load."""
    report = next(p for p in (echo_reports / "94-echo-fixture").glob("*.html")
                  if ".code." not in p.name and ".failed." not in p.name)
    injected = tmp_path / "injected.html"
    injected.write_text(report.read_text(encoding="utf-8").replace(
        "<main>", "<main><script>alert('through')</script><img src='https://example.org/x.png' "
        "onerror=\"alert('handler')\"><a id=j href=\"javascript:alert('link')\">j</a>", 1))
    context = browser.new_context()
    requests, dialogs = [], []
    context.route("**/*", lambda route, request: (requests.append(request.url), route.abort()
                                                  if not request.url.startswith(("file:", "data:"))
                                                  else route.continue_()))
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(injected.as_uri())
    page.click("#j")
    page.wait_for_timeout(300)
    context.close()
    assert dialogs == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []


def test_pages_fit_1000_px_and_print(browser, reports_dir):
    """No page scrolls sideways at 1,000 px (wide tables scroll inside their output), every image
    says what it shows, and print hides the navigation and keeps figures within the page."""
    for path in _pages(reports_dir):
        seen = _open(browser, path, width=1000)
        assert seen["page_width"] <= 1000, (path.name, seen["page_width"])
        for image in seen["images"]:
            assert image["alt"] and "No description" not in image["alt"], (path.name, image)
            if path.name != "index.html":
                assert image["alt"].startswith("Chart"), image["alt"]
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto((reports_dir / "01-explore-strike-record" / "ci.html").as_uri())
    page.emulate_media(media="print")
    hidden = page.evaluate("getComputedStyle(document.querySelector('.airdef-nav')).display")
    widest = page.evaluate("Math.max(...Array.from(document.images).map(i => i.getBoundingClientRect().right))")
    pdf = page.pdf(format="A4")
    context.close()
    assert hidden == "none" and widest <= 1000 and pdf[:4] == b"%PDF"
