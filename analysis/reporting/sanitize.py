"""What a shared page may hold: notebook HTML sanitised, no machine paths, errors cut to their line.

Reports are shared, and claims, scenarios and records come from third parties: nothing from them
may run as script or load anything in a reader's browser. Tables escape their text at the source
(`tables.py`); here every fragment of HTML a notebook produced (Markdown cells, Markdown and HTML
outputs) passes an allow-list sanitiser (nh3, the binding of the maintained Rust crate ammonia):
no script, no event attribute, no `javascript:` or `data:` link, no element that loads anything.
The report template adds a Content-Security-Policy on top, so a fragment that slipped through
would still not run.

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
# A stylesheet may stay only if it can load nothing (no url(), @import, escapes that could hide them).
_UNSAFE_CSS = re.compile(r"url\s*\(|@|\\|expression|image|<|&", re.IGNORECASE)
_STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL | re.IGNORECASE)

# Output kinds a shared page shows; anything else (JavaScript, widgets, LaTeX rendered raw) is
# dropped or shown as text.
SAFE_OUTPUT_TYPES = frozenset({"text/plain", "text/html", "image/png", "image/jpeg"})

ERROR_LINE_CHARS = 300  # one quoted line of an error at most this long
ERROR_MESSAGE_LINES = 6  # lines of an exception message kept (the problems a schema lists)
TRACEBACK_FRAME_LINES = 40
STREAM_LINE_CHARS = 1_000


def clean_html(fragment: str) -> str:
    """`fragment` with only the allowed elements, attributes and link schemes; script, its
    content and every event attribute gone; stylesheets kept only when they load nothing."""
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

    def keep_if_inert(match: re.Match[str]) -> str:
        return "" if _UNSAFE_CSS.search(match.group(1)) else match.group(0)

    return _STYLE_BLOCK.sub(keep_if_inert, cleaned)


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
                shown["text/html"] = scrub_paths(clean_html(_text(data["text/html"])))
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
