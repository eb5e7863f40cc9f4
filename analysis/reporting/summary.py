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
    ) -> Summary:
        if any(f.name == name for f in self.figures):
            raise ValueError(f"summary figure {name!r} added twice")
        self.figures.append(
            Figure(name, _clean(value), _clean(low), _clean(high), unit, interval, note, qualifier)
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
        return self

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "figures": [asdict(f) for f in self.figures],
            "provenance": _clean(self.provenance),
            "extra": json.loads(json.dumps(_clean(self.extra), allow_nan=False, default=str)),
            "thumbnail_png_base64": self.thumbnail_png_base64,
        }

    def _repr_html_(self) -> str:
        rows = []
        for f in self.figures:
            value, unit, interval = format_figure(asdict(f))
            rows.append(
                "<tr>"
                + "".join(
                    f"<td>{escape(str(cell))}</td>"
                    for cell in (f.name, value, unit, interval, f.interval, f.note)
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


def format_number(value: Any) -> str:
    """A figure for a table: n/a for None, whole numbers with thousands separators, other floats
    to 3 significant digits below 1000 and to the unit from there on, anything else as str()."""
    if value is None:
        return "n/a"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):
        if abs(value) >= 999.5:  # .3g would print 999.9 as 1e+03
            return f"{value:,.0f}"
        return f"{value:.3g}"
    return str(value)


def format_interval(low: Any, high: Any) -> str:
    """'low to high'; with one bound missing (e.g. beyond a simulation's horizon) 'low or more'
    or 'up to high'."""
    if low is None and high is None:
        return ""
    if high is None:
        return f"{format_number(low)} or more"
    if low is None:
        return f"up to {format_number(high)}"
    return f"{format_number(low)} to {format_number(high)}"


def format_figure(figure: dict[str, Any]) -> tuple[str, str, str]:
    """(value, unit, interval) of a summary figure as a reader sees them: shares as percentages."""
    value, low, high = figure.get("value"), figure.get("low"), figure.get("high")
    unit = figure.get("unit") or ""
    qualifier = figure.get("qualifier") or ""
    if unit in SHARE_UNITS and all(isinstance(v, float | int | None) for v in (value, low, high)):

        def percent(share: Any) -> Any:
            return None if share is None else f"{100 * share:.1f}%"

        text = f"{qualifier} {percent(value) or 'n/a'}".strip()
        interval = format_interval(percent(low), percent(high))
        return text, "", interval
    return f"{qualifier} {format_number(value)}".strip(), unit, format_interval(low, high)


def extract_summary(notebook: Any) -> dict[str, Any] | None:
    """The last summary displayed in an executed notebook (an nbformat node or plain dict)."""
    found = None
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if SUMMARY_MIMETYPE in data:
                found = data[SUMMARY_MIMETYPE]
    return found
