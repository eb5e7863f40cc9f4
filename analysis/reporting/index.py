"""The index page: every report on disk, for readers first, test runs apart.

Built from the files on disk (so it also lists reports of earlier runs) through a Jinja2 template
(`templates/reports-index/index.html.j2`) that escapes every value. On top: what the record covers
("data through ..."), three sentences of what it shows (`record_summary`, from the figures the
reports computed, not computed again), and whether the last run was interrupted. Each report shows
its title in words (no scenario file names), its headline figures named in words (a figure's
`label`, else its name without underscores), its thumbnail with alt text, its state (a report
whose files no longer match its summary is shown as damaged), and the parameters, data and code it
was made with.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from analysis.io import atomic_write_text, file_lock, read_json
from analysis.paths import DATA_DIR, REPORT_DIR, SCENARIO_DIR
from analysis.reporting import words
from analysis.reporting.jobs import data_line, files_whole, now, set_names, shown_parameters
from analysis.reporting.sanitize import short_message
from analysis.reporting.summary import figure_label, format_figure
from analysis.reporting.words import ATTACK_DEFINITION

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "reports-index"
LAST_RUN_FILE = "last-run.json"  # what the latest run did (written by the runner)
TEST_SETS = frozenset({"ci"})  # parameter sets built for the tests, listed apart from the reports
FIGURES_SHOWN = 8
STATE_LABELS = {"failed": "FAILED", "skipped": "SKIPPED", "interrupted": "INTERRUPTED",
                "damaged": "DAMAGED", "missing": "MISSING"}


def is_test_set(set_name: str) -> bool:
    """`ci`, and `ci` with overrides (`ci+n=7-1a2b3c`): runs for the tests, not for readers."""
    return set_name.split("+", 1)[0] in TEST_SETS


def long_date(text: str | None) -> str:
    """'2026-06-07' -> '7 June 2026' ('' when it is not a date)."""
    try:
        day = dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return ""
    return f"{day.day} {day:%B %Y}"


# ------------------------------------------------------------------------------------------------
# What the record shows, in three sentences: from the figures the reports computed


def _rows(summary: Mapping[str, Any] | None, key: str) -> list[dict[str, Any]]:
    rows = ((summary or {}).get("extra") or {}).get(key)
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _figure(summary: Mapping[str, Any] | None, name: str) -> dict[str, Any] | None:
    return next((f for f in (summary or {}).get("figures") or [] if isinstance(f, dict) and f.get("name") == name),
                None)


def _totals_sentence(facts: Mapping[str, Any]) -> str:
    """What the record lists: launches by class and attacks, over its period (record_facts)."""
    from analysis.record.weapons import MISSILE_CLASSES

    launched = facts.get("launched_national") or {}
    drones = float(launched.get("drone", 0))
    missiles = float(sum(v for k, v in launched.items() if k in MISSILE_CLASSES))
    first, last = long_date(facts.get("first_report")), long_date(facts.get("last_report"))
    if not (first and last and drones + missiles):
        return ""
    # as report 01 says them: as counted, "at least" where the record reaches back before every day was recorded
    coverage = str(facts.get("complete_coverage_from") or "")[:10]
    lower_bound = bool(coverage) and str(facts.get("first_report"))[:10] < coverage
    since = long_date(coverage).split(" ", 1)[1] if coverage else ""
    return (f"From {first} to {last}, the Air Force's national posts list {'at least ' if lower_bound else ''}"
            f"{words.count(drones)} drones and {words.count(missiles)} missiles launched "
            f"at Ukraine, in {int(facts.get('national_waves', 0)):,} attacks"
            + (f" (before {since} not every day was recorded)." if lower_bound else "."))


def _shares_sentence(headlines: Sequence[Mapping[str, Any]]) -> str:
    """The share stopped of each class since complete coverage (report 02's headline rows)."""
    stopped = {r.get("class"): r for r in headlines if r.get("period") == "complete" and r.get("convention") == "neutralised"}
    if not {"drone", "cruise", "ballistic"} <= set(stopped):
        return ""
    start = long_date(stopped["drone"].get("start"))

    def share(cls: str) -> str:
        row = stopped[cls]
        return words.percent_with_interval(row.get("rate"), row.get("low"), row.get("high"))

    return (f"From {start.split(' ', 1)[1] if start else 'August 2024'}, {share('drone')} of the drones were shot "
            f"down or lost to jamming (decoys included), and {share('cruise')} of the cruise missiles and "
            f"{share('ballistic')} of the ballistic missiles were destroyed or failed to reach their target.")


def _latest_sentence(summary: Mapping[str, Any] | None) -> str:
    """The latest whole month and the share of drones stopped in the months to it (report 08)."""
    extra = (summary or {}).get("extra") or {}
    month, recent = extra.get("month_name"), (extra.get("periods") or {}).get("recent")
    drones, missiles = _figure(summary, f"drones launched, {month}"), _figure(summary, f"missiles launched, {month}")
    share = _figure(summary, f"drones shot down or jammed, {recent}")
    if not (month and drones and missiles):
        return ""
    text = (f"In {month}, the latest whole month, they list {words.count(drones['value'])} drones and "
            f"{words.count(missiles['value'])} missiles")
    if share:
        text += (f"; over {recent}, {words.percent_with_interval(share['value'], share['low'], share['high'])} "
                 "of the drones were shot down or lost to jamming")
    return text + "."


def record_summary(summaries: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Three sentences of what the record shows, from the reports' summaries by notebook (the
    figures as the reports give them: one computation): what it lists (01's record facts), the
    share of each class stopped (02) and the latest month (08). A report missing: its sentence
    is left out."""
    by_number = {name[:2]: summary for name, summary in summaries.items()}
    facts = next((((s.get("extra") or {}).get("record") or {}) for s in (by_number.get(k) for k in ("01", "02", "08"))
                  if s and (s.get("extra") or {}).get("record")), {})
    sentences = [_totals_sentence(facts) if facts else "",
                 _shares_sentence(_rows(by_number.get("02"), "headlines")),
                 _latest_sentence(by_number.get("08"))]
    return [sentence for sentence in sentences if sentence]


# ------------------------------------------------------------------------------------------------
# Titles in words


def names_in_words() -> dict[str, str]:
    """Scenario and experiment names as a title says them: "baseline-2026-h1" as "the baseline
    scenario (December 2025 to May 2026)", "resupply-surge" as "resupply surge"."""
    from analysis.inputs import load_yaml

    found: dict[str, str] = {}
    for path in sorted(SCENARIO_DIR.glob("*.yaml")) + sorted((DATA_DIR / "experiments").glob("*.yaml")):
        tokens = path.stem.split("-")
        plain = " ".join(t for t in tokens if not any(c.isdigit() for c in t)) or path.stem
        try:
            data = load_yaml(path).data
        except Exception:  # an input file a report could not read either: its stem is enough
            data = None
        data = data if isinstance(data, dict) else {}
        period = data.get("period") if isinstance(data.get("period"), str) else ""
        for name in {path.stem, data.get("name")} - {None}:
            if not isinstance(name, str):
                continue
            coded = any(c.isdigit() for c in name)  # "baseline-2026-h1": the code says the period
            found[name] = f"the {plain} scenario ({period})" if coded and period else plain
    return found


def title_in_words(title: str, names: Mapping[str, str]) -> str:
    """A report's title with the scenario and experiment file names it holds in words."""
    def replace(match: re.Match) -> str:
        return names.get(match.group(0), match.group(0))

    return re.sub(r"\b[a-z0-9]+(?:[-.][a-z0-9]+)+\b", replace, title)


def _figures(figures: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    rows = []
    for figure in figures[:FIGURES_SHOWN]:
        value, unit, interval = format_figure(dict(figure))
        if interval and figure.get("interval"):
            interval += f" ({figure['interval']})"
        rows.append({"label": figure_label(dict(figure)), "value": f"{value} {unit}".strip(),
                     "interval": interval, "name": str(figure.get("name", ""))})
    return rows


def _thumbnail(summary: Mapping[str, Any]) -> str:
    """The thumbnail as base64 PNG, or '' when absent or not valid base64."""
    thumb = summary.get("thumbnail_png_base64")
    if not isinstance(thumb, str) or not thumb:
        return ""
    try:
        base64.b64decode(thumb, validate=True)
    except ValueError:
        return ""
    return thumb


def _card(directory: Path, set_name: str, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One report for the template (`names`: scenario and experiment names in words)."""
    summary = read_json(directory / f"{set_name}.summary.json")
    summary = summary if isinstance(summary, dict) else None
    status = read_json(directory / f"{set_name}.status.json")
    status = status if isinstance(status, dict) else {}
    state = str(status.get("status") or ("ok" if summary else "missing"))
    if summary and state in {"ok", "cached"} and not files_whole(directory, set_name, summary):
        state = "damaged"
    base = quote(directory.name)
    page = quote(set_name)
    card: dict[str, Any] = {
        "anchor": f"{directory.name}--{set_name}",
        "notebook": directory.name,
        "set": set_name,
        "state": state,
        "state_label": STATE_LABELS.get(state, ""),
        "status_at": str(status.get("at", "")),
        "message": short_message(str(status.get("message", "")), lines=6),
        "failed_link": (f"{base}/{page}.failed.html"
                        if state == "failed" and (directory / f"{set_name}.failed.html").is_file() else ""),
        "kept": bool(summary) and state != "ok",
        "title": directory.name,
    }
    if state == "damaged":
        card["message"] = ("the report's files do not match its summary (truncated or replaced); "
                           "it will be rerun")
    if not summary:
        return card
    report = summary.get("report", {}) if isinstance(summary.get("report"), dict) else {}
    code = report.get("code", {}) if isinstance(report.get("code"), dict) else {}
    data = report.get("data", {}) if isinstance(report.get("data"), dict) else {}
    record = data.get("record") if isinstance(data.get("record"), dict) else None
    figures = summary.get("figures", []) if isinstance(summary.get("figures"), list) else []
    card.update(
        title=title_in_words(str(summary.get("title") or directory.name), names or {}),
        summary=summary if state in {"ok", "cached"} else None,
        html=f"{base}/{page}.html",
        code_html=f"{base}/{page}.code.html",
        notebook_file=f"{base}/{page}.ipynb",
        summary_file=f"{base}/{page}.summary.json",
        thumbnail=_thumbnail(summary),
        thumbnail_alt=str(summary.get("thumbnail_alt") or f"Main figure of {summary.get('title') or directory.name}"),
        figures=_figures([f for f in figures if isinstance(f, dict)]),
        more=max(0, len(figures) - FIGURES_SHOWN),
        parameters=json.dumps(shown_parameters(report.get("parameters", {}) or {})),
        data=data_line(data),
        code=f"{code.get('version')} commit {code.get('git_commit')}",
        run_at=str(report.get("run_at", "")),
        seconds=report.get("seconds", "?"),
        record=_record_key(record),
        data_through=long_date((record or {}).get("period", {}).get("last") if record else None),
    )
    return card


def _record_key(record: Mapping[str, Any] | None) -> tuple[str, str, str, str] | None:
    """(file, sha256, first report date, last report date) of the record a report used."""
    if not record or not record.get("sha256"):
        return None
    period = record.get("period") if isinstance(record.get("period"), dict) else {}
    return (str(record.get("file", "")), str(record["sha256"]), str(period.get("first", "")),
            str(period.get("last", "")))


def _records(cards: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The records the reports were made with, newest data first, with how many reports each."""
    counts: dict[tuple, int] = {}
    for card in cards:
        if card.get("record"):
            counts[card["record"]] = counts.get(card["record"], 0) + 1
    records = [
        {"file": file, "sha256": sha[:12], "first": long_date(first), "last": long_date(last),
         "last_iso": last, "reports": n}
        for (file, sha, first, last), n in counts.items()
    ]
    return sorted(records, key=lambda r: (r["last_iso"], r["reports"]), reverse=True)


def _groups(cards: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reports for readers, then test runs; in each, notebooks in order with their sets."""
    groups = []
    for tests in (False, True):
        notebooks: dict[str, list[dict[str, Any]]] = {}
        for card in cards:
            if is_test_set(card["set"]) == tests:
                notebooks.setdefault(card["notebook"], []).append(card)
        if notebooks:
            groups.append({"tests": tests, "notebooks": [
                {"name": name, "title": next((c["title"] for c in found if c.get("html")), name),
                 "cards": found}
                for name, found in sorted(notebooks.items())]})
    return groups


def render_index(output_dir: Path) -> str:
    """The index page's HTML for the reports in `output_dir`."""
    import jinja2

    cards = []
    names = names_in_words()
    for directory in sorted(p for p in output_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        cards += [_card(directory, set_name, names) for set_name in set_names(directory)]
    # What the record shows: from the readers' reports (a notebook's default set first), never a test run.
    readers: dict[str, Mapping[str, Any]] = {}
    for card in sorted(cards, key=lambda c: c["set"] != "default"):
        if card.get("summary") and not is_test_set(card["set"]):
            readers.setdefault(card["notebook"], card["summary"])
    counts: dict[str, int] = {}
    for card in cards:
        counts[card["state"]] = counts.get(card["state"], 0) + 1
    records = _records([c for c in cards if not is_test_set(c["set"])]) or _records(cards)
    newest = records[0]["last_iso"] if records else ""
    for card in cards:
        card["older_record"] = bool(card.get("record") and newest and card["record"][3] < newest)
    last_run = read_json(output_dir / LAST_RUN_FILE)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.get_template("index.html.j2")
    return template.render(
        written=now(),
        tally=", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "no reports yet",
        records=records,
        data_through=records[0]["last"] if records else "",
        record_summary=record_summary(readers),
        last_run=last_run if isinstance(last_run, dict) else None,
        groups=_groups(cards),
        cards=cards,
        waiting_for_record=counts.get("skipped", 0),  # the runner skips only for want of the record
        attack=ATTACK_DEFINITION.replace("**", "").removeprefix("attack: "),
    )


def write_index(output_dir: Path | str = REPORT_DIR) -> Path:
    """reports/index.html from every report on disk (so it also lists reports of earlier runs)."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    with file_lock(output_dir / ".index.lock"):
        index = output_dir / "index.html"
        atomic_write_text(index, render_index(output_dir))
    return index


def write_last_run(output_dir: Path, record: Mapping[str, Any]) -> None:
    """What the latest run did, for the index (e.g. that it was interrupted, and which reports)."""
    atomic_write_text(Path(output_dir) / LAST_RUN_FILE, json.dumps(dict(record), indent=2, default=str))
