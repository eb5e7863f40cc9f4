"""Helpers of the tests of shared HTML: what in a page could run script or load anything."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements that load something or run script; a shared page has none of them but its own figures
# (img with a data: PNG).
LOADING_TAGS = frozenset({
    "script", "img", "iframe", "object", "embed", "link", "meta", "base", "form", "input",
    "video", "audio", "source", "svg", "math", "frame", "frameset", "applet", "picture",
})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "data", "background", "formaction", "poster",
                            "srcset", "xlink:href"})


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {k: v or "" for k, v in attrs}))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def inert_problems(html: str, page: bool = False) -> list[str]:
    """What in `html` could run script or load anything (empty when it is inert). `page`: a whole
    report page, which may hold its own figures (img src=data:image/png) and its policy (meta)."""
    parser = _Elements()
    parser.feed(html)
    problems = []
    for tag, attributes in parser.found:
        own_figure = page and tag == "img" and attributes.get("src", "").startswith(
            ("data:image/png;base64,", "data:image/jpeg;base64,"))
        own_meta = page and tag == "meta" and (
            attributes.get("http-equiv") == "Content-Security-Policy"
            or "charset" in attributes or attributes.get("name") == "viewport")
        if tag in LOADING_TAGS and not (own_figure or own_meta):
            problems.append(f"<{tag} {sorted(attributes)}>")
        for name, value in attributes.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and not own_figure:
                url = re.sub(r"[\s\x00-\x1f]+", "", value).lower()
                remote_link = tag == "a" and name == "href" and url.startswith(("https:", "http:", "mailto:"))
                if url.startswith(("javascript:", "vbscript:", "data:", "http:", "https:", "//")) \
                        and not remote_link:
                    problems.append(f"<{tag} {name}={value[:50]}>")
            if name == "style" and re.search(r"url\s*\(|expression|@import", value, re.I):
                problems.append(f"<{tag} style={value[:50]}>")
    for css in parser.styles:
        if re.search(r"@import|url\s*\((?!\s*['\"]?data:)", css, re.I):
            problems.append(f"stylesheet that loads: {css[:60]}")
    return problems
