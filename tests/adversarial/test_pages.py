"""Text from an input reaches a shared page only as text, checked in headless Chromium: a claims
file, a scenario and an experiment carrying a stylesheet, a style attribute and Markdown cannot
blank the page, recolour it or rewrite a verdict (a claims file made every verdict a green
"holds", `body{display:none}` blanked the page), and ordinary text with `<` shows it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from analysis.paths import DATA_DIR, SCENARIO_DIR
from analysis.record import SAMPLE_RECORD, load_record, waves
from analysis.reporting import runner
from analysis.stats.claims import check_claims, load_claims

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--host-resolver-rules=MAP * ~NOTFOUND"]
CSS = "<style>body{display:none} strong{color:green}</style>"  # no quote: Markdown would make it &quot;
STYLED = '<span style="color:green;font-size:40px">holds</span>'
PLAIN = "fewer than <500 & more than 3<4 **holds**"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not found at /usr/bin/chromium"),
]


def _payload(mark: str) -> str:
    return f"{mark}: {CSS}{STYLED} {PLAIN}"


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _hostile(directory: Path) -> dict[str, Path]:
    claims = yaml.safe_load((DATA_DIR / "claims" / "article-2025-10-11.yaml").read_text())
    for index, claim in enumerate(claims["claims"]):
        claim["text"] = f"{_payload(f'C{index}')} {claim['text']}"
    scenario = yaml.safe_load((SCENARIO_DIR / "baseline.yaml").read_text())
    scenario["name"] = _payload("S-name")[:190]
    scenario["period"] = _payload("S-period")[:190]
    scenario["description"] = _payload("S-description")
    experiment = yaml.safe_load((DATA_DIR / "experiments" / "baseline-assumptions.yaml").read_text())
    experiment["description"] = _payload("E-description")
    for index, spec in enumerate(experiment["inputs"].values()):
        spec["label"] = f"I{index} <style>*{{color:red}}</style> a<b"
        spec["source"] = _payload(f"E-source{index}")
    for index, failure in enumerate(experiment["failures"].values()):
        failure["label"] = f"F{index} {CSS[:60]} a<b **holds**"[:120]
    shutil.copy(SCENARIO_DIR / "baseline.yaml", directory / "baseline.yaml")
    experiment["scenario"] = "baseline.yaml"
    return {"claims": _write(directory / "claims.yaml", claims),
            "scenario": _write(directory / "scenario.yaml", scenario),
            "experiment": _write(directory / "experiment.yaml", experiment)}


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    inputs = _hostile(tmp_path_factory.mktemp("inputs"))
    out = tmp_path_factory.mktemp("reports")
    found = {}
    for notebook, parameter in (("03-check-article-claims", "claims"),
                                ("04-model-interceptor-depletion", "scenario"),
                                ("07-explore-assumptions", "experiment")):
        outcome = runner.run_reports([notebook], set_name="ci", overrides=[f"{parameter}={inputs[parameter]}"],
                                     record=SAMPLE_RECORD, output_dir=out, force=True)
        (result,) = outcome.results
        assert result.status == "ok", result.message
        found[notebook] = out / notebook / f"{result.set_name}.html"
    found["claims"] = inputs["claims"]
    return found


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _rendered(browser, path: Path) -> dict:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    seen = page.evaluate("""() => ({
        bodyDisplay: getComputedStyle(document.body).display,
        text: document.body.innerText,
        styles: Array.from(document.querySelectorAll('style')).map(s => s.textContent),
        styled: Array.from(document.querySelectorAll('[style]')).map(e => e.outerHTML.slice(0, 200)),
        strongAfter: Array.from(document.querySelectorAll('strong')).map(
            s => getComputedStyle(s, '::after').content),
        colours: Array.from(new Set(Array.from(document.querySelectorAll('.jp-RenderedMarkdown strong, '
            + '.jp-RenderedMarkdown p, .jp-RenderedMarkdown li')).map(e => getComputedStyle(e).color))),
    })""")
    context.close()
    return seen


def _inert(seen: dict) -> None:
    assert seen["bodyDisplay"] != "none"
    payloads = ("body{display:none}", "strong{color:green}", "color:green", "*{color:red}")
    assert not [s for s in seen["styles"] if any(p in s.replace(" ", "") for p in payloads)]
    assert not [e for e in seen["styled"] if "green" in e or "40px" in e]
    assert set(seen["strongAfter"]) <= {"none", "normal"}, set(seen["strongAfter"])
    assert len(seen["colours"]) == 1, seen["colours"]  # every sentence in the page's own colour


def test_claims_cannot_rewrite_their_verdicts(browser, pages):
    seen = _rendered(browser, pages["03-check-article-claims"])
    _inert(seen)
    claims = load_claims(pages["claims"])
    results = check_claims(claims, waves(load_record(SAMPLE_RECORD)), window_days=1)
    said = {r.verdict for r in results}
    assert "does not hold" in said or "not shown" in said  # not every verdict "holds"
    for result in results:
        if result.kind in {"wave", "rate"}:
            shown = " ".join(result.claim.split())
            assert f'"{shown}": {result.verdict}.' in " ".join(seen["text"].split()), result.id
    assert PLAIN in seen["text"] and "body{display:none}" in seen["text"]  # shown as text


def test_scenario_text_stays_text(browser, pages):
    seen = _rendered(browser, pages["04-model-interceptor-depletion"])
    _inert(seen)
    assert "S-name: <style>body{display:none}" in seen["text"] and PLAIN in seen["text"]


def test_experiment_labels_and_sources_stay_text(browser, pages):
    seen = _rendered(browser, pages["07-explore-assumptions"])
    _inert(seen)
    assert "E-description: <style>" in seen["text"] and "a<b" in seen["text"]
    assert "F0 <style>" in seen["text"]
