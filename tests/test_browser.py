"""Reports in headless Chromium: every figure loads, nothing leaves the machine, no script error."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from analysis.reporting import runner

CHROMIUM = Path("/usr/bin/chromium")
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # any remote request fails fast, and is recorded
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="headless Chromium not found at /usr/bin/chromium "
                              "(apt-get install chromium; .ci/run installs it)"),
]


@pytest.fixture(scope="module")
def reports_dir(record_path, tmp_path_factory) -> Path:
    """Reports of notebook 01 (ci) and of the runner fixture, plus a failed and a skipped entry."""
    out = tmp_path_factory.mktemp("reports")
    notebooks = tmp_path_factory.mktemp("notebooks")
    shutil.copytree(FIXTURES, notebooks, dirs_exist_ok=True)
    outcome = runner.run_reports(["01-explore-strike-record", notebooks / "91-runner-fixture.ipynb"],
                                 set_name="ci", record=record_path, output_dir=out, force=True)
    assert not outcome.failed, [r.message for r in outcome.failed]
    (notebooks / "91-runner-fixture.yaml").write_text("default: {}\nci:\n  fail: true\n")
    runner.run_reports([notebooks / "91-runner-fixture.ipynb"], set_name="ci", output_dir=out)
    return out


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()


def _open(browser, path: Path) -> dict:
    """Load a page; return its requests, images and errors."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    errors: list[str] = []

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
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    images = page.evaluate(
        "Array.from(document.images).map(i => ({src: i.src.slice(0, 60), ok: i.complete && i.naturalWidth > 0}))"
    )
    links = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    context.close()
    return {"requests": requests, "errors": errors, "images": images, "links": links}


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


def test_index_lists_every_report_and_its_links_resolve(browser, reports_dir):
    seen = _open(browser, reports_dir / "index.html")
    local = [u for u in seen["links"] if u.startswith("file:")]
    assert any(u.endswith("01-explore-strike-record/ci.html") for u in local)
    for url in local:
        assert Path(url.removeprefix("file://").split("#")[0]).is_file(), url
    text = (reports_dir / "index.html").read_text()
    assert "FAILED" in text and "the fixture was asked to fail" in text
    assert "95% Wilson" in text and "missile_attacks_daily_2026-06-07.csv" in text


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
