"""The index page: every report on disk, its headline figures, thumbnail, parameters and data."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from analysis.io import atomic_write_text, file_lock, read_json
from analysis.paths import REPORT_DIR
from analysis.reporting.jobs import data_line, now, shown_parameters
from analysis.reporting.summary import format_figure


def _figure_rows(figures: Sequence[Mapping[str, Any]], limit: int = 8) -> str:
    rows = []
    for figure in figures[:limit]:
        value, unit, interval = format_figure(dict(figure))
        if interval and figure.get("interval"):
            interval += f" ({figure['interval']})"
        rows.append(
            f"<tr><td>{escape(str(figure.get('name', '')))}</td>"
            f"<td class='num'>{escape(value)} {escape(unit)}</td>"
            f"<td>{escape(interval)}</td></tr>"
        )
    more = len(figures) - limit
    if more > 0:
        rows.append(f"<tr><td colspan='3'><em>and {more} more in the report</em></td></tr>")
    return "<table class='figures'>" + "".join(rows) + "</table>"


def _report_card(directory: Path, set_name: str) -> tuple[str, str]:
    """(status, HTML) for one report in the index."""
    summary = read_json(directory / f"{set_name}.summary.json")
    status = read_json(directory / f"{set_name}.status.json") or {}
    state = status.get("status", "ok" if summary else "missing")
    notes = ""
    if state in {"failed", "skipped"}:
        label = "FAILED" if state == "failed" else "SKIPPED"
        link = ""
        if state == "failed" and (directory / f"{set_name}.failed.html").is_file():
            link = f" <a href='{directory.name}/{set_name}.failed.html'>failed run</a>"
        kept = " The previous good report is shown below." if summary else ""
        notes = (f"<p class='{state}'><strong>{label}</strong> {escape(status.get('at', ''))}: "
                 f"{escape(status.get('message', ''))}{link}{kept}</p>")
    if not summary:
        return state, (f"<section class='card'><h3>{escape(directory.name)} / {escape(set_name)}</h3>"
                       f"{notes}</section>")
    report = summary.get("report", {})
    thumb = ""
    if summary.get("thumbnail_png_base64"):
        try:
            base64.b64decode(summary["thumbnail_png_base64"], validate=True)
            thumb = (f"<img class='thumb' alt='main figure of {escape(directory.name)}' "
                     f"src='data:image/png;base64,{summary['thumbnail_png_base64']}'>")
        except ValueError:
            thumb = ""
    parameters = json.dumps(shown_parameters(report.get("parameters", {})))
    code = report.get("code", {})
    html = (
        f"<section class='card'>"
        f"<h3><a href='{directory.name}/{set_name}.html'>{escape(summary.get('title') or directory.name)}</a>"
        f" <span class='set'>{escape(directory.name)} / {escape(set_name)}</span></h3>{notes}"
        f"<div class='body'>{thumb}<div>{_figure_rows(summary.get('figures', []))}"
        f"<dl><dt>parameters</dt><dd>{escape(parameters)}</dd>"
        f"<dt>data</dt><dd>{escape(data_line(report.get('data', {})))}</dd>"
        f"<dt>code</dt><dd>{escape(str(code.get('version')))} commit {escape(str(code.get('git_commit')))}</dd>"
        f"<dt>run at</dt><dd>{escape(report.get('run_at', ''))} ({report.get('seconds', '?')} s)</dd></dl>"
        f"<p><a href='{directory.name}/{set_name}.html'>report</a> &middot; "
        f"<a href='{directory.name}/{set_name}.code.html'>with code</a> &middot; "
        f"<a href='{directory.name}/{set_name}.ipynb'>notebook</a> &middot; "
        f"<a href='{directory.name}/{set_name}.summary.json'>summary JSON</a></p>"
        f"</div></div></section>"
    )
    return state, html


INDEX_CSS = """
body { font-family: system-ui, sans-serif; max-width: 1150px; margin: 1.5em auto; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #4C72B0; padding-bottom: 0.2em; margin-top: 1.5em; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 1em; margin: 0.8em 0; }
.card h3 { margin: 0.2em 0 0.5em; font-size: 1.1em; } .set { color: #777; font-weight: normal; font-size: 0.85em; }
.body { display: flex; gap: 1.2em; align-items: flex-start; }
.body > div { flex: 1 1 0; min-width: 0; }
nav table { border-collapse: collapse; font-size: 0.92em; } nav td { padding: 0.15em 0.8em 0.15em 0; }
.thumb { width: 320px; flex: none; border: 1px solid #eee; }
table.figures { border-collapse: collapse; font-size: 0.92em; }
table.figures td { padding: 0.15em 0.6em; border-bottom: 1px solid #eee; } td.num { text-align: right; font-weight: 600; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.1em 0.8em; font-size: 0.82em; color: #555; }
dt { font-weight: 600; } dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
.failed { color: #a00; } .skipped { color: #8a5a00; } a { color: #1f5fa8; }
"""


def write_index(output_dir: Path | str = REPORT_DIR) -> Path:
    """reports/index.html from every report on disk (so it also lists reports of earlier runs)."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    sections = []
    contents = []
    counts: dict[str, int] = {}
    with file_lock(output_dir / ".index.lock"):
        for directory in sorted(p for p in output_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            sets = sorted(
                {p.name.split(".")[0] for p in directory.glob("*.summary.json")}
                | {p.name.split(".")[0] for p in directory.glob("*.status.json")},
                key=lambda s: (s != "default", s),
            )
            cards = []
            for set_name in sets:
                state, html = _report_card(directory, set_name)
                counts[state] = counts.get(state, 0) + 1
                anchor = f"{directory.name}--{set_name}"
                cards.append(html.replace("<section class='card'>",
                                          f"<section class='card' id='{escape(anchor)}'>", 1))
                contents.append(
                    f"<tr><td><a href='#{escape(anchor)}'>{escape(directory.name)}</a></td>"
                    f"<td>{escape(set_name)}</td><td class='{state}'>{escape(state)}</td></tr>"
                )
            if cards:
                sections.append(f"<h2>{escape(directory.name)}</h2>" + "".join(cards))
        tally = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        page = (
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>airdef-analysis reports</title><style>{INDEX_CSS}</style></head><body>"
            "<h1>airdef-analysis reports</h1>"
            f"<p>Index written {escape(now())}: {escape(tally or 'no reports yet')}. Every report opens "
            "offline; figures carry their intervals; each lists the parameters, data checksum and code "
            "version it was made with.</p>"
            + (f"<nav><table>{''.join(contents)}</table></nav>" if contents else "")
            + ("".join(sections) or "<p>No reports yet: run <code>make reports</code>.</p>")
            + "</body></html>"
        )
        index = output_dir / "index.html"
        atomic_write_text(index, page)
    return index
