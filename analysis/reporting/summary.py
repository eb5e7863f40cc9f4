"""Headline figures of a report, each with its uncertainty, in a form both people and the runner read.

A notebook builds a `Summary`, adds its figures and displays it as its last output. The display
carries two representations: an HTML table for readers, and JSON under `SUMMARY_MIMETYPE` that the
report runner extracts from the executed notebook into `<set>.summary.json`.
"""

from __future__ import annotations

import base64
import io
import json
import math
from dataclasses import asdict, dataclass, field
from html import escape
from typing import Any

SUMMARY_MIMETYPE = "application/vnd.airdef.summary+json"
SHARE_UNITS = {"share", "fraction", "proportion"}  # shown as percentages to readers


@dataclass
class Figure:
    """One headline number: a point estimate with its interval (or None where there is none)."""

    name: str
    value: float | int | str | None
    low: float | None = None
    high: float | None = None
    unit: str = ""
    interval: str = ""  # what the interval is, e.g. "95% Wilson", "10th-90th percentile"
    note: str = ""
    qualifier: str = ""  # ">" when the true value lies beyond `value` (censored at a horizon)
    label: str = ""  # the figure named in words for readers (the index shows it); default: name
    decimals: int | None = None  # decimals a reader sees (as the report's text gives the figure)
    significant: int | None = None  # or significant figures of a count not read to the unit (a forecast)


def _clean(value: Any) -> Any:
    """JSON has no NaN: missing numbers become null; numpy scalars and arrays become Python values.

    Applied recursively, since `json.dumps` never calls its `default` hook for plain floats.
    """
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return _clean(value.tolist())
    if hasattr(value, "isoformat"):  # datetimes and pandas timestamps
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass
class Summary:
    """The headline figures of one report, with provenance and an optional main-figure thumbnail."""

    title: str
    figures: list[Figure] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # free-form, machine-readable detail
    thumbnail_png_base64: str | None = None
    thumbnail_alt: str = ""  # what the thumbnail shows (from the figure's titles, labels, legend)

    def add(
        self,
        name: str,
        value: float | int | str | None,
        low: float | None = None,
        high: float | None = None,
        *,
        unit: str = "",
        interval: str = "",
        note: str = "",
        qualifier: str = "",
        label: str = "",
        decimals: int | None = None,
        significant: int | None = None,
    ) -> Summary:
        """Add a figure: `name` is its stable key (the cross-report tests and scripts read it),
        `label` the words a reader sees ("ballistic missiles destroyed or failed to reach their
        target, last 6 months"); without a label readers see the name without underscores.
        `decimals`: how many decimals readers see (a ratio 0.26 as the text gives it, not 0.262;
        shares show as percentages); `significant`: a count to that many significant figures, whole
        (a forecast of 7,112 as 7,100, as the text gives it); the JSON keeps the figure as computed."""
        if any(f.name == name for f in self.figures):
            raise ValueError(f"summary figure {name!r} added twice")
        self.figures.append(
            Figure(name, _clean(value), _clean(low), _clean(high), unit, interval, note, qualifier,
                   label, decimals, significant)
        )
        return self

    def set_main_figure(self, figure: Any, width_inches: float = 4.0, dpi: int = 60) -> Summary:
        """Keep a small PNG of a matplotlib figure for the index page."""
        original = figure.get_size_inches().copy()
        scale = width_inches / original[0]
        figure.set_size_inches(original * scale)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        figure.set_size_inches(original)
        self.thumbnail_png_base64 = base64.b64encode(buffer.getvalue()).decode("ascii")
        self.thumbnail_alt = alt_text(figure)
        return self

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "figures": [asdict(f) for f in self.figures],
            "provenance": _clean(self.provenance),
            "extra": json.loads(json.dumps(_clean(self.extra), allow_nan=False, default=str)),
            "thumbnail_png_base64": self.thumbnail_png_base64,
            "thumbnail_alt": self.thumbnail_alt,
        }

    def _repr_html_(self) -> str:
        rows = []
        for f in self.figures:
            value, unit, interval = format_figure(asdict(f))
            rows.append(
                "<tr>"
                + "".join(
                    f"<td>{escape(str(cell))}</td>"
                    for cell in (figure_label(asdict(f)), value, unit, interval, f.interval, f.note)
                )
                + "</tr>"
            )
        header = "".join(
            f"<th>{h}</th>" for h in ("figure", "value", "unit", "interval", "kind", "note")
        )
        return (
            f"<h3>Headline figures: {escape(self.title)}</h3>"
            f"<table class='airdef-summary'><thead><tr>{header}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        return {
            "text/html": self._repr_html_(),
            "text/plain": f"Summary({self.title!r}, {len(self.figures)} figures)",
            SUMMARY_MIMETYPE: self.to_dict(),
        }


def format_number(value: Any, decimals: int | None = None) -> str:
    """A figure for a table: n/a for None, whole numbers with thousands separators, other floats
    to `decimals` decimals if given, else to 3 significant digits below 1000 and to the unit from
    there on; anything else as str()."""
    # here, not on top: every kernel imports this module, and words is not light
    from analysis.reporting import words

    if value is None:
        return "n/a"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float) and decimals is not None:
        text = words.number(value, decimals)
        return "0" if text.strip("0.") == "" else text  # never "-0.0"
    if isinstance(value, float):
        if abs(value) >= 999.5:  # .3g would print 999.9 as 1e+03
            return words.number(value)
        return words.unsigned_zero(f"{value:.3g}")
    return str(value)


def format_interval(low: Any, high: Any, decimals: int | None = None) -> str:
    """'low to high'; with one bound missing (e.g. beyond a simulation's horizon) 'low or more'
    or 'up to high'."""
    if low is None and high is None:
        return ""
    if high is None:
        return f"{format_number(low, decimals)} or more"
    if low is None:
        return f"up to {format_number(high, decimals)}"
    return f"{format_number(low, decimals)} to {format_number(high, decimals)}"


def format_figure(figure: dict[str, Any]) -> tuple[str, str, str]:
    """(value, unit, interval) of a summary figure as a reader sees them: shares as percentages."""
    from analysis.reporting import words

    value, low, high = figure.get("value"), figure.get("low"), figure.get("high")
    unit = figure.get("unit") or ""
    qualifier = figure.get("qualifier") or ""
    if unit in SHARE_UNITS and all(isinstance(v, float | int | None) for v in (value, low, high)):
        # As in the tables: whole percents, one decimal where the interval is narrower than a point;
        # an interval that spans about every share says so.
        places = words.percent_decimals((low, high))

        def percent(share: Any) -> Any:
            return None if share is None else words.percent(share, places)

        text = f"{qualifier} {percent(value) or 'n/a'}".strip()
        interval = words.TOO_FEW if words.spans_everything(low, high) else format_interval(percent(low), percent(high))
        return text, "", interval
    decimals = figure.get("decimals")
    if unit == "USD" and isinstance(value, int | float):  # money as the pages write it: $64,000

        def dollars(amount: Any) -> Any:
            return None if amount is None else words.money(amount)

        return f"{qualifier} {dollars(value)}".strip(), "", format_interval(dollars(low), dollars(high))
    digits = figure.get("significant")
    if digits and all(isinstance(v, int | float | None) for v in (value, low, high)):

        def counted(amount: Any) -> Any:
            return None if amount is None else words.significant_count(amount, digits)

        return f"{qualifier} {counted(value) or 'n/a'}".strip(), unit, format_interval(counted(low), counted(high))
    return (f"{qualifier} {format_number(value, decimals)}".strip(), unit,
            format_interval(low, high, decimals))


def figure_label(figure: dict[str, Any]) -> str:
    """The words a reader sees for a figure: its label, else its name without underscores."""
    label = str(figure.get("label") or "").strip()
    return label or str(figure.get("name", "")).replace("_", " ")


def shareable_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary as it is shared (summary JSON, index): no absolute machine path in any text."""
    from analysis.reporting.sanitize import scrub_paths_in

    return {k: (v if k == "thumbnail_png_base64" else scrub_paths_in(v)) for k, v in summary.items()}


def extract_summary(notebook: Any) -> dict[str, Any] | None:
    """The last summary displayed in an executed notebook (an nbformat node or plain dict)."""
    found = None
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if SUMMARY_MIMETYPE in data:
                found = data[SUMMARY_MIMETYPE]
    return found


# --------------------------------------------------------------------------------------------
# Alt text: what each figure shows, for readers who cannot see it (and for the index thumbnail).
# Here rather than in plots/ so that every report kernel can have it without importing seaborn.

ALT_TEXT_CHARS = 1200  # a chart's description and finding fit; a runaway text does not


def describe(figure: Any, text: str) -> Any:
    """Say what `figure` shows, in a sentence or two (its main finding); the alt text gives it
    after the description of the chart itself. Returns the figure."""
    figure._airdef_alt_text = " ".join(str(text).split())
    return figure


def alt_text(figure: Any) -> str:
    """The figure's alt text: what the chart draws (`alt.describe_chart`: panels, marks, axes,
    series, the shape of the data) and then its finding (`describe`), at most ALT_TEXT_CHARS."""
    from analysis.reporting.alt import chart_alt_text  # matplotlib is loaded once a figure exists

    return _shortened(chart_alt_text(figure, getattr(figure, "_airdef_alt_text", "")))


def _shortened(text: str) -> str:
    """At most ALT_TEXT_CHARS: whole sentences where they fit, else whole words and '...'."""
    if len(text) <= ALT_TEXT_CHARS:
        return text
    cut = text[: ALT_TEXT_CHARS - 3]
    sentence_end = cut.rfind(". ")
    if sentence_end > ALT_TEXT_CHARS // 2:
        return cut[: sentence_end + 1]
    return cut.rsplit(" ", 1)[0].rstrip() + "..."


def _figure_alt_metadata(figure: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """IPython mimebundle hook: no data of its own (the PNG comes from the inline backend), only
    the alt text as the image's metadata, which the report template writes into `alt`."""
    return {}, {"image/png": {"alt": alt_text(figure)}}


def describe_displayed_figures() -> None:
    """In IPython, attach `alt_text` to every matplotlib figure displayed (idempotent; imports
    nothing heavy). The report runner calls it in every kernel; `apply_house_style` too."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    shell.display_formatter.mimebundle_formatter.for_type_by_name(
        "matplotlib.figure", "Figure", _figure_alt_metadata)
