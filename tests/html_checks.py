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


# ------------------------------------------------------------------------------------------------
# What a reader sees on a report page: its text in blocks, its first screen, its width on a phone.

FIRST_SCREEN = {"width": 1000, "height": 800}  # as docs/images/first-screen/ shows it
PHONE_WIDTH = 420

_READ_PAGE = """() => {
  const outside = el => !el || el.closest('.airdef-header') || el.closest('.jp-InputArea');
  const blocks = [];
  for (const el of document.querySelectorAll('p, li, h1, h2, h3, h4, dd')) {
    if (!outside(el) && el.innerText.trim()) blocks.push(el.innerText.trim());
  }
  const tables = [];
  for (const table of document.querySelectorAll('table')) {
    if (outside(table)) continue;
    tables.push({
      caption: table.caption ? table.caption.innerText.trim() : '',
      header: Array.from(table.querySelectorAll('thead th')).map(th => th.innerText.trim()),
      rows: Array.from(table.querySelectorAll('tbody tr')).map(
        tr => Array.from(tr.children).map(cell => cell.innerText.trim())),
    });
  }
  const seen = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.textContent.trim();
    if (!text) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (Array.from(range.getClientRects()).some(r => r.width > 0 && r.top < innerHeight && r.bottom > 0)) {
      seen.push(text);
    }
  }
  return {blocks, tables, first_screen: seen.join(' '), text: document.body.innerText,
          alts: Array.from(document.images).map(i => i.alt)};
}"""


def read_page(browser, path) -> dict:
    """A page as a reader meets it: its text blocks (paragraphs, list items, headings) and tables
    outside the navigation and provenance, its first screen at 1,000 x 800 px, its images' alt
    texts, and how wide it lays out on a 420 px phone screen (wider: it scrolls sideways)."""
    context = browser.new_context(viewport=FIRST_SCREEN)
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    found = page.evaluate(_READ_PAGE)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": FIRST_SCREEN["height"]})
    found["phone_width"] = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    return found


def table_blocks(table: dict) -> list[str]:
    """Each row of a table read with its caption and header, as a reader reads a cell."""
    head = " ".join([table["caption"], *table["header"]])
    return [f"{head} | {' '.join(row)}" for row in table["rows"]] or [head]


def minus_zero(text: str) -> list[str]:
    """Numbers written with a minus that are zero: "-0", "-0.0", "-0%", "−0 points"."""
    return [m.group(0) for m in re.finditer(r"(?<![\w.,/:+-])[-\u2212](\d[\d,]*(?:\.\d+)?)", text)
            if float(m.group(1).replace(",", "")) == 0]


_RANGE = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d+)?)%?\s*(?:\u2013|-|to)\s*(\d{1,3}(?:\.\d+)?)%")


def intervals_over_everything(text: str, low: float = 5.0, high: float = 95.0) -> list[str]:
    """Ranges of percentages from at most `low` to at least `high` ("0.1-100.0%"): an interval
    that says nothing, which a page should give as "too few attacks to tell"."""
    return [m.group(0) for m in _RANGE.finditer(text)
            if float(m.group(1)) <= low and float(m.group(2)) >= high]


INTERVAL_LEVEL = re.compile(
    r"\b\d{2}%\s+(?:[\w-]+\s+){0,2}?(?:intervals?|of (?:the )?(?:simulated )?runs|bands?)\b"
    r"|\bintervals? (?:are|is) \d{2}%", re.I)


def states_interval_level(text: str) -> bool:
    """Whether a text says what level its intervals have ("95% interval", "80% of runs")."""
    return bool(INTERVAL_LEVEL.search(text))


MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December"
          "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
PERIOD = re.compile(rf"\b(?:{MONTHS})\b|\b(?:19|20)\d\d\b|\b\d+\s+(?:days|weeks|months|nights)\b"
                    r"|\bnight of\b|\bweek to\b", re.I)
# "95% interval", "80% of runs", "(95%, spread between attacks)": levels, not shares
_LEVELS = re.compile(INTERVAL_LEVEL.pattern + r"|\(\d{2}%[,)]|\b\d{2}% (?:Wilson|bootstrap|Newcombe|over attacks)",
                     re.I)
SHARE = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d+)?%")
OBSERVED = re.compile(r"\b(?:observed|the record|record's|reported|posts?|Air Force|published)\b", re.I)


def shares_without_period(blocks: list[str], observed_only: bool = False) -> list[str]:
    """Blocks (a paragraph, a list item, a table row with its caption and header) that give a
    share but no period it was observed over (a month, a year, "30 days to ...", "night of ...").
    `observed_only`: only blocks that say the share is observed (the record, the posts); the
    pages of a scenario give model shares, which have no period."""
    missing = []
    for block in blocks:
        if not SHARE.search(_LEVELS.sub("", block)):
            continue
        if observed_only and not OBSERVED.search(block):
            continue
        if not PERIOD.search(block):
            missing.append(block[:200])
    return missing
