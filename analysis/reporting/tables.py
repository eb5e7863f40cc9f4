"""Tables a journalist can read: `show_table` turns a DataFrame into a styled table for a report.

Only the display changes; the frame passed in is left as it is. Shares become whole percentages
("88%"), with one decimal in a table where an interval is narrower than a point ("87.8%",
"87.6–88.0%"); an interval of a share that spans about 0-100% reads "too few attacks to tell".
Counts are whole with thousands separators ("12,345"), a pair of bound columns becomes one interval
column ("87–89%"), changes can carry their sign ("+104%"), no value reads "-0", missing values show
as "–", dates as "12 Oct 2025", booleans as yes/no, and column names lose their underscores. A
meaningful (named) index becomes ordinary columns; a bare 0..n index is dropped. The rules are
those of `analysis.reporting.words`, shared with the reports' text.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Mapping
from html import escape
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from analysis.reporting import words

MISSING = words.MISSING  # en dash: a missing value
RANGE_DASH = "–"  # en dash between the bounds of an interval

_TABLE_STYLES = [
    {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: bold; "
                                     "font-size: 1.05em; padding: 0 0 0.4em 0; color: #222;"},
    {"selector": "th", "props": "text-align: left; vertical-align: bottom; padding: 4px 10px;"},
    {"selector": "td", "props": "text-align: left; padding: 4px 10px; vertical-align: top;"},
    {"selector": "", "props": "border-collapse: collapse; margin-bottom: 1em;"},
]


_missing = words.is_missing  # one test of "missing" for text and tables


def format_percent(value: Any, decimals: int = 1) -> str:
    """A share (0.8778) as a percentage with `decimals` decimals ("87.8%"); missing as "–"."""
    return words.percent(value, decimals)


def format_signed_percent(value: Any, decimals: int = 0) -> str:
    """A relative change (1.036) as a signed percentage ("+104%"); "0%" has no sign."""
    if _missing(value):
        return MISSING
    return words.signed(float(value) * 100, decimals) + "%"


def format_count(value: Any) -> str:
    """A count, whole, with thousands separators ("12,345"); a mean below 10 keeps two significant
    figures ("3.6" a day), a larger one is whole ("197"); missing as "–"."""
    if _missing(value):
        return MISSING
    number = float(value)
    if number.is_integer() or abs(number) >= 10:
        return words.count(number)
    return words.significant(number, 2)


def format_value(value: Any, decimals: int | None = None) -> str:
    """Any other value: floats to `decimals` decimals (or 3 significant digits, with thousands
    separators from 1,000 on), whole numbers with separators, booleans as yes/no, dates as
    "12 Oct 2025", missing as "–"."""
    if _missing(value):
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        return f"{value:%d %b %Y}" if value == value.normalize() else f"{value:%d %b %Y %H:%M}"
    if isinstance(value, int) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu"):
        return f"{int(value):,}"
    if isinstance(value, float) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") == "f"):
        number = float(value)
        if math.isinf(number):
            return "∞" if number > 0 else "−∞"
        if decimals is not None:
            return words.number(number, decimals)
        if abs(number) >= 999.5:
            return words.number(number)
        return words.unsigned_zero(f"{number:.3g}")
    return str(value)


def format_interval(low: Any, high: Any, formatter: Callable[[Any], str], share: bool = False) -> str:
    """Two bounds as one range, "87.2–88.4%" for percentages; one missing bound gives "up to 88.4%"
    or "50.0% or more", both missing "–". `share`: the bounds are of a share (0-1), and an interval
    spanning about all of it reads "too few attacks to tell"."""
    if share and words.spans_everything(low, high):
        return words.TOO_FEW
    if _missing(low) or _missing(high):
        return words.bounds(low, high, formatter)
    low_text, high_text = formatter(low), formatter(high)
    if high_text.startswith(("-", "+")) or low_text.startswith(("-", "+")):
        return f"{low_text} to {high_text}"  # "-3.5–-0.5" or "+1–+5" would read as a typo
    if low_text.endswith("%") and high_text.endswith("%"):
        low_text = low_text[:-1]
    return f"{low_text}{RANGE_DASH}{high_text}"


def _label(name: Any, rename: Mapping[Any, str]) -> str:
    if name in rename:
        return rename[name]
    return str(name).replace("_", " ")


def show_table(
    frame: pd.DataFrame,
    *,
    percent: Iterable[str] = (),
    counts: Iterable[str] = (),
    changes: Iterable[str] = (),
    signed: Mapping[str, int] | None = None,
    significant: Mapping[str, int] | None = None,
    intervals: Mapping[str, tuple[str, str]] | None = None,
    decimals: Mapping[str, int] | None = None,
    dates: Mapping[str, str] | None = None,
    rename: Mapping[Any, str] | None = None,
    columns: Iterable[str] | None = None,
    caption: str | None = None,
    hide_index: bool = True,
    percent_decimals: int | None = None,
) -> Styler:
    """A styled copy of `frame` for a report (`display(show_table(...))` or the cell's last line).

    - `percent`: share columns (0-1) shown as "88%", with `percent_decimals` decimals; by default
      none, or one when an interval of shares in the table is narrower than a point;
    - `counts`: count columns shown whole as "12,345";
    - `changes`: relative changes (1.036 for +103.6%) shown as "+104%";
    - `signed`: `{column: n}` differences (percentage points, points a year) with their sign and n
      decimals ("+3", "-0.5"; never "-0"), an interval of them as "-4 to +10";
    - `significant`: `{column: n}` counts not to be read to the unit (forecasts) to n significant
      figures, whole ("7,100"), as the text gives them;
    - `intervals`: `{label: (low column, high column)}`, each pair shown as one column `label`
      ("87–89%" if the low column is in `percent`; "too few attacks to tell" when it spans about
      0-100%), in place of the low column;
    - `decimals`: `{column: n}` floats to n decimals; `dates`: `{column: strftime format}`;
    - `rename`: display names (columns not named lose their underscores);
    - `columns`: the columns to show, in order (after the index is turned into columns; interval
      labels may be named here); default all;
    - `hide_index`: an index of labels becomes ordinary columns and a bare 0..n index is dropped.
    Other floats show to 3 significant digits, booleans as yes/no, missing values as "–".
    """
    percent, counts, changes = set(percent), set(counts), set(changes)
    significant, signed = dict(significant or {}), dict(signed or {})
    intervals = dict(intervals or {})
    decimals, dates, rename = dict(decimals or {}), dict(dates or {}), dict(rename or {})
    table = frame.copy()
    if hide_index:
        bare = isinstance(table.index, pd.RangeIndex) and table.index.name is None
        if not bare:  # labels such as weapon classes or dates are data: keep them as columns
            table = table.rename_axis([n if n is not None else "" for n in table.index.names])
        table = table.reset_index(drop=bare)
        table.columns.name = None
    if isinstance(table.columns, pd.MultiIndex):
        table.columns = [" ".join(str(p) for p in c if str(p)) for c in table.columns]
    unknown = (percent | counts | changes | set(significant) | set(signed) | set(decimals) | set(dates)
               | {c for pair in intervals.values() for c in pair}) - set(table.columns)
    if unknown:
        raise KeyError(f"show_table: no column(s) {sorted(unknown)} in the table")
    if percent_decimals is None:  # a decimal only where an interval of shares is narrower than a point
        percent_decimals = words.percent_decimals(*[
            bounds for low, high in intervals.values() if low in percent
            for bounds in zip(table[low], table[high], strict=True)])

    def formatter_of(column: str) -> Callable[[Any], str]:
        if column in percent:
            return lambda v: format_percent(v, percent_decimals)
        if column in changes:
            return format_signed_percent
        if column in signed:
            places_signed = signed[column]
            return lambda v: words.signed(v, places_signed)
        if column in significant:
            digits = significant[column]
            return lambda v: words.significant_count(v, digits)
        if column in counts:
            return format_count
        if column in dates:
            pattern = dates[column]
            return lambda v: MISSING if _missing(v) else pd.Timestamp(v).strftime(pattern)
        places = decimals.get(column)
        return lambda v: format_value(v, places)

    shown = pd.DataFrame(index=table.index)
    paired = {low: (label, high) for label, (low, high) in intervals.items()}
    dropped = {high for _, high in paired.values()}
    for column in table.columns:
        if column in paired:
            label, high = paired[column]
            fmt = formatter_of(column)
            shown[label] = [format_interval(lo, hi, fmt, share=column in percent)
                            for lo, hi in zip(table[column], table[high], strict=True)]
        elif column not in dropped:
            fmt = formatter_of(column)
            shown[column] = [fmt(v) for v in table[column]]
    if columns is not None:
        shown = shown[list(columns)]
    numeric = {c for c in shown.columns
               if c in intervals or (c in table.columns and pd.api.types.is_numeric_dtype(table[c])
                                     and not pd.api.types.is_bool_dtype(table[c]))}
    right = [_label(c, rename) for c in shown.columns if c in numeric]
    shown.columns = [_label(c, rename) for c in shown.columns]

    digest = hashlib.sha1(f"{caption}|{list(shown.columns)}|{shown.to_numpy().tolist()}".encode()).hexdigest()
    styler = Styler(shown, uuid=digest[:8], cell_ids=False)
    styler.set_table_styles(_TABLE_STYLES)
    if right:  # per-column selectors (td.colN) outrank the table-wide left alignment
        styler.set_table_styles(
            {c: [{"selector": "th", "props": "text-align: right;"},
                 {"selector": "td", "props": "text-align: right; white-space: nowrap;"}] for c in right},
            overwrite=False)
    # Styler writes cell text, labels and caption into HTML as they are: escape them all, since
    # claims, scenarios and the record put third parties' text in tables.
    styler.format(escape="html")
    styler.format_index(escape="html", axis="columns")
    styler.format_index(escape="html", axis="index")
    styler.format_index_names(escape="html", axis="index")
    styler.format_index_names(escape="html", axis="columns")
    if caption:
        styler.set_caption(escape(caption))
    if hide_index:
        styler.hide(axis="index")
    return styler
