"""What a shared page may hold: notebook HTML sanitised, no machine paths, errors cut to their line.

Reports are shared, and claims, scenarios and records come from third parties: nothing from them
may run as script, load anything, or change what a page shows. Text from an input reaches a page
only as text: tables escape it at the source (`tables.py`), and every report text module and
notebook passes it through `markdown_text` before it joins a Markdown sentence (so `<`, `*`, `[`
and the rest show as themselves, and a claim cannot make itself a heading, a link, a verdict in
bold or a stylesheet). Then every fragment of HTML a notebook produced (Markdown cells, Markdown and
HTML outputs) passes an allow-list sanitiser (nh3, the binding of the maintained Rust crate
ammonia): no script, no event attribute, no `style=`, no `javascript:` or `data:` link, no
element that loads anything, and no stylesheet from Markdown at all. The only stylesheets kept
are the project's own table styles (pandas Styler writes them in an HTML output beside their
table): each rule must select inside a table of the same fragment, with layout properties only
(alignment, padding, borders, font weight and size; no colour, no content, no display), so a
page's verdicts and colours come from the project's template alone. The report template adds a
Content-Security-Policy on top, so a fragment that slipped through would still not run.

`ShareablePreprocessor` applies all of it to a notebook before export; the template `airdef`
registers it (conf.json), so `jupyter nbconvert --to html --template airdef` gets it too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import nh3
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from analysis.paths import PROJECT_ROOT

# Elements a report's text and tables need; none of them loads or runs anything.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "style", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", "var",
})
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "ol": {"start"},
    "col": {"span"},
    "colgroup": {"span"},
    "table": {"border"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})  # and relative links; never javascript: or data:
_STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL | re.IGNORECASE)
# What a kept table stylesheet may say: layout only, in plain values (no url(), no escapes, no
# quotes, no colour, no generated content, nothing that hides or moves).
TABLE_CSS_PROPERTIES = frozenset({
    "text-align", "vertical-align", "white-space", "padding", "padding-top", "padding-right",
    "padding-bottom", "padding-left", "margin-bottom", "margin-top", "border-collapse",
    "border-bottom", "border-top", "font-weight", "font-size", "font-style", "caption-side",
})
_CSS_VALUE = re.compile(r"[A-Za-z0-9 .%#-]{1,80}")
_CSS_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
_TABLE_SELECTOR = re.compile(
    r"#(?P<id>T_[A-Za-z0-9_]{1,40})(?:\s+(?:caption|thead|tbody|tr|th|td)(?:\.[A-Za-z0-9_-]{1,40})*)?")
_TABLE_ID = re.compile(r"<table\b[^>]*\bid=\"(T_[A-Za-z0-9_]{1,40})\"")

# Output kinds a shared page shows; anything else (JavaScript, widgets, LaTeX rendered raw) is
# dropped or shown as text.
SAFE_OUTPUT_TYPES = frozenset({"text/plain", "text/html", "image/png", "image/jpeg"})

ERROR_LINE_CHARS = 300  # one quoted line of an error at most this long
ERROR_MESSAGE_LINES = 6  # lines of an exception message kept (the problems a schema lists)
TRACEBACK_FRAME_LINES = 40
STREAM_LINE_CHARS = 1_000


def clean_html(fragment: str, *, table_styles: bool = False) -> str:
    """`fragment` with only the allowed elements, attributes and link schemes; script, its
    content and every event and style attribute gone. Stylesheets are dropped, except (with
    `table_styles`, for a notebook's HTML outputs) the rules of `_table_stylesheet`."""
    cleaned = nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "textarea", "title", "noscript", "template", "iframe",
                            "object", "svg", "math"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
    tables = set(_TABLE_ID.findall(cleaned)) if table_styles else set()

    def keep_table_rules(match: re.Match[str]) -> str:
        kept = _table_stylesheet(match.group(1), tables)
        return f"<style>\n{kept}</style>" if kept else ""

    return _STYLE_BLOCK.sub(keep_table_rules, cleaned)


def _table_stylesheet(css: str, tables: set[str]) -> str:
    """The rules of `css` that style a table of the same fragment (`#T_id ...`, as pandas
    Styler writes them) with layout properties in plain values; '' when a block holds anything
    else (then none of it is trusted)."""
    if not tables:
        return ""
    rules = _CSS_RULE.findall(css)
    if _CSS_RULE.sub("", css).strip() or not rules:
        return ""  # text outside rules: @import, comments, a stray brace
    kept = []
    for selectors, body in rules:
        for selector in selectors.split(","):
            match = _TABLE_SELECTOR.fullmatch(selector.strip())
            if match is None or match["id"] not in tables:
                return ""
        declarations = []
        for declaration in body.split(";"):
            if not declaration.strip():
                continue
            name, colon, value = declaration.partition(":")
            name, value = name.strip().lower(), value.strip()
            if colon and name in TABLE_CSS_PROPERTIES and _CSS_VALUE.fullmatch(value):
                declarations.append(f"  {name}: {value};")
        if declarations:
            kept.append(f"{selectors.strip()} {{\n" + "\n".join(declarations) + "\n}\n")
    return "".join(kept)


def markdown_text(value: object) -> str:
    """Text from an input file (a claim, a scenario's name or period, a label, a source), ready
    to join a Markdown sentence and show as itself: runs of white space become one space (no
    new block can start), `&`, `<` and `>` become entities and every other ASCII punctuation
    mark is escaped with a backslash (no emphasis, link, heading, list, code or autolink).
    Rendered, the words are exactly the input's; `<` shows as `<`."""
    text = " ".join(str(value).split())
    return "".join(_MARKDOWN_ESCAPES.get(ch, ch) for ch in text)


def markdown_plain(markdown: str) -> str:
    """A sentence of the report texts as plain text (for alt text): bold marks removed, the
    escapes of `markdown_text` undone."""
    import html

    return html.unescape(_ESCAPED.sub(r"\1", markdown.replace("**", "")))


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_MARKDOWN_ESCAPES = {ch: "\\" + ch for ch in "!\"#$%'()*+,-./:;=?@[\\]^_`{|}~"}
_MARKDOWN_ESCAPES |= {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def markdown_html(source: str) -> str:
    """Markdown rendered as nbconvert renders it (headings with anchors), then sanitised."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return clean_html(markdown2html_mistune(source))


# --------------------------------------------------------------------------------------------
# Machine paths and long error messages

# An absolute POSIX path of two or more parts, not part of a URL or of a relative path.
_ABSOLUTE_PATH = re.compile(r"(?<![\w./~-])(?:/[^\s/'\"<>:;,()\[\]{}|`=*?]+){2,}/?")


def _path_roots() -> list[tuple[str, str]]:
    """(prefix, what it becomes): inside the project a path is shown relative to it."""
    roots = [(str(PROJECT_ROOT) + os.sep, "")]
    real = os.path.realpath(PROJECT_ROOT) + os.sep
    if real != roots[0][0]:
        roots.append((real, ""))
    return roots


def shareable_path(path: str | os.PathLike[str]) -> str:
    """A path as a shared page shows it: relative to the project inside it, else its file name."""
    text = str(path)
    if not os.path.isabs(text):
        return text
    for prefix, replacement in _path_roots():
        if text.startswith(prefix):
            return replacement + text[len(prefix):]
    return Path(text).name or text


_ANSI_CODE = re.compile(r"(\x1b\[[0-9;]*[A-Za-z])")  # colours in tracebacks: "\x1b[0;32m/path"


def scrub_paths(text: str) -> str:
    """Every absolute path in `text` made shareable (project-relative, else the file name)."""
    if "/" not in text:
        return text
    parts = _ANSI_CODE.split(text)  # odd items are colour codes: a path may follow one directly
    return "".join(
        part if index % 2 else _ABSOLUTE_PATH.sub(lambda m: shareable_path(m.group(0).rstrip("/")), part)
        for index, part in enumerate(parts)
    )


def scrub_paths_in(value: Any) -> Any:
    """`scrub_paths` on every string in nested dicts and lists (a summary, notebook metadata)."""
    if isinstance(value, str):
        return scrub_paths(value)
    if isinstance(value, dict):
        return {k: scrub_paths_in(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_paths_in(v) for v in value]
    return value


def cut_line(line: str, limit: int = ERROR_LINE_CHARS) -> str:
    return line if len(line) <= limit else line[: limit - 3].rstrip() + "..."


def short_message(text: str, lines: int = 1, limit: int = ERROR_LINE_CHARS) -> str:
    """An error message fit for a status line or a shared page: machine paths removed, at most
    `lines` lines of at most `limit` characters (never a whole file an input error quoted)."""
    kept = [cut_line(line.rstrip(), limit) for line in scrub_paths(str(text)).splitlines() if line.strip()]
    if len(kept) > lines:
        kept = kept[:lines] + [f"(and {len(kept) - lines} more lines)"]
    return "\n".join(kept)


def _cut_block(text: str, lines: int, limit: int) -> str:
    kept = text.splitlines()
    more = len(kept) - lines
    kept = [cut_line(line, limit) for line in kept[:lines]]
    if more > 0:
        kept.append(f"... ({more} more lines)")
    return "\n".join(kept)


def shareable_error(output: dict[str, Any]) -> dict[str, Any]:
    """An error output with its message and traceback cut short and machine paths removed."""
    output["evalue"] = _cut_block(scrub_paths(str(output.get("evalue", ""))), ERROR_MESSAGE_LINES,
                                  ERROR_LINE_CHARS)
    frames = [scrub_paths(str(frame)) for frame in output.get("traceback", [])]
    if frames:
        last = _cut_block(frames[-1], ERROR_MESSAGE_LINES, ERROR_LINE_CHARS)
        frames = [_cut_block(f, TRACEBACK_FRAME_LINES, ERROR_LINE_CHARS) for f in frames[:-1]] + [last]
    output["traceback"] = frames
    return output


# --------------------------------------------------------------------------------------------
# A whole notebook


def shareable_outputs(outputs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Outputs as a shared page may show them (see `shareable_notebook`)."""
    kept = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            output["text"] = "\n".join(cut_line(line, STREAM_LINE_CHARS)
                                       for line in scrub_paths(str(output.get("text", ""))).split("\n"))
        elif kind == "error":
            shareable_error(output)
        elif kind in {"display_data", "execute_result"}:
            data = dict(output.get("data", {}))
            shown: dict[str, Any] = {}
            if "text/markdown" in data:
                shown["text/html"] = scrub_paths(markdown_html(_text(data["text/markdown"])))
            elif "text/html" in data:
                shown["text/html"] = scrub_paths(clean_html(_text(data["text/html"]), table_styles=True))
            for kind_ in ("image/png", "image/jpeg"):
                if kind_ in data:
                    shown[kind_] = data[kind_]
            if "text/plain" in data:
                shown["text/plain"] = scrub_paths(_text(data["text/plain"]))
            elif not shown and "text/latex" in data:
                shown["text/plain"] = _text(data["text/latex"])
            # Machine-readable parts a page never renders (the report's summary) stay as they are.
            shown |= {k: v for k, v in data.items() if k.startswith("application/vnd.airdef")}
            output["data"] = shown
            metadata = output.get("metadata", {})
            output["metadata"] = {k: v for k, v in metadata.items() if k in shown}
        kept.append(output)
    return kept


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def scrub_run_metadata(notebook: Any) -> None:
    """Papermill's record of the run (input and output paths, parameters) without machine paths."""
    metadata = notebook.get("metadata", {})
    if "papermill" in metadata:
        metadata["papermill"] = scrub_paths_in(dict(metadata["papermill"]))


def shareable_notebook(notebook: Any) -> Any:
    """Sanitise a notebook node in place for sharing, and return it.

    Markdown cells and Markdown or HTML outputs become sanitised HTML; JavaScript, widget and
    other active outputs are dropped; error messages and tracebacks are cut to the lines at fault;
    absolute machine paths in outputs and in the parameters papermill injected become
    project-relative paths or file names.
    """
    scrub_run_metadata(notebook)
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            cell["source"] = markdown_html(_text(cell.get("source", "")))
            cell.pop("attachments", None)
        elif cell.get("cell_type") == "code":
            if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
                cell["source"] = scrub_paths(_text(cell.get("source", "")))
            cell["outputs"] = shareable_outputs(cell.get("outputs", []))
        elif cell.get("cell_type") == "raw":  # shown as it is when its mimetype is text/html
            cell["source"] = clean_html(_text(cell.get("source", "")))
    return notebook


class ShareablePreprocessor(Preprocessor):
    """nbconvert preprocessor: `shareable_notebook` before a notebook is exported (enabled by
    default; the template `airdef` lists it in its conf.json)."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        return shareable_notebook(nb), resources
