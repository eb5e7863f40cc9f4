"""First screens of every report's default set and of the index, as a reader sees them.

    .venv/bin/python -m analysis report --all --params default --record RECORD --output-dir DIR
    .venv/bin/python docs/images/first-screen/screenshots.py DIR docs/images/first-screen/issue-22 before

writes NN-before.png (and index-before.png): the first 1,000 x 800 px of DIR/NN-*/default.html in
headless Chromium, with nothing loaded from outside the page (as the browser tests open reports).
"""

from __future__ import annotations

import argparse
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND"]
FIRST_SCREEN = {"width": 1000, "height": 800}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", type=Path, help="folder the reports were written to")
    parser.add_argument("out", type=Path, help="folder for the pictures")
    parser.add_argument("label", help="'before' or 'after': the pictures are NN-<label>.png")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    pages = {path.parent.name[:2]: path for path in sorted(options.reports.glob("[0-9][0-9]-*/default.html"))}
    pages["index"] = options.reports / "index.html"
    options.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for name, path in pages.items():
            context = browser.new_context(viewport=FIRST_SCREEN)
            context.route("**/*", lambda route, request: route.continue_()
                          if request.url.startswith(("file:", "data:")) else route.abort())
            page = context.new_page()
            page.goto(path.resolve().as_uri())
            page.wait_for_load_state("load")
            page.screenshot(path=str(options.out / f"{name}-{options.label}.png"))
            context.close()
            print(options.out / f"{name}-{options.label}.png")
        browser.close()


if __name__ == "__main__":
    main()
