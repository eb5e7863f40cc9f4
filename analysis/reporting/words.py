"""Plain words for the depletion reports: names of interceptors, layers, classes and parameters,
money and dates as a reader writes them (display only: the numbers are left as computed)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from analysis.record.facts import format_date

INTERCEPTOR_LABELS = {
    "pac3_mse": "PAC-3 MSE",
    "medium_sam": "medium-range SAM",
    "interceptor_drone": "interceptor drones",
}
LAYER_LABELS = {
    "patriot": "Patriot",
    "medium_sam": "medium-range SAM (NASAMS, IRIS-T)",
    "interceptor_drones": "interceptor drones",
    "electronic_warfare": "electronic warfare",
    "mobile_fire_groups": "mobile fire groups",
}
CLASS_LABELS = {"drone": "drones", "cruise": "cruise missiles", "ballistic": "ballistic missiles"}
CLASS_SINGULAR = {"drone": "drone", "cruise": "cruise missile", "ballistic": "ballistic missile"}
# One definition of an attack for every report's glossary and the index (a test holds them to it).
ATTACK_DEFINITION = ("**attack**: the drones and missiles one post of the Air Force reports for one "
                     "night or day of strikes (the rows of the post whose time windows overlap); "
                     "national and regional posts are counted apart.")
# what "stopped" means in the record for each class (the Air Force's counts)
STOPPED = {"drone": "shot down or jammed", "cruise": "destroyed or failed to reach their target",
           "ballistic": "destroyed or failed to reach their target"}


def interceptor_label(name: str) -> str:
    """"pac3_mse" as "PAC-3 MSE"; unknown names lose their underscores."""
    return INTERCEPTOR_LABELS.get(name, str(name).replace("_", " "))


def layer_label(name: str) -> str:
    """"patriot" as "Patriot"; unknown names lose their underscores."""
    return LAYER_LABELS.get(name, str(name).replace("_", " "))


# the tempo forecast's models (analysis.stats.forecast.models) as chart legends name them
MODEL_LABELS = {"naive": "naive (the last period again)", "moving-average": "moving average",
                "nb-trend": "trend (negative binomial)", "ets": "exponential smoothing",
                "combined": "combined"}


def model_label(name: str) -> str:
    """A forecast model's code name in words ("ets" as "exponential smoothing")."""
    return MODEL_LABELS.get(name, str(name))


def listed(items: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c" ("" for none)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def class_label(name: str, singular: bool = False) -> str:
    """"cruise" as "cruise missiles" (or "cruise missile")."""
    labels = CLASS_SINGULAR if singular else CLASS_LABELS
    return labels.get(name, str(name).replace("_", " ") + ("" if singular else "s"))


def classes_label(names: str | Sequence[str]) -> str:
    """"ballistic, cruise" as "ballistic missiles and cruise missiles"."""
    parts = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
    return listed([class_label(n) for n in parts if n])


def is_plural(label: str) -> bool:
    """Whether an interceptor's label names many ("interceptor drones") or one ("PAC-3 MSE")."""
    return label.endswith("s")


def runs_short(interceptor: str, cls: str | None = None) -> str:
    """"PAC-3 MSE runs short of ballistic missiles", "interceptor drones run short"."""
    label = interceptor_label(interceptor)
    verb = "run" if is_plural(label) else "runs"
    return f"{label} {verb} short" + (f" of {class_label(cls)}" if cls else "")


def parameter_label(key: str) -> str:
    """A dotted scenario key in words: "threats.cruise.per_day" as "cruise missiles a day"."""
    parts = str(key).split(".")
    if parts[0] == "threats" and len(parts) == 3 and parts[2] == "per_day":
        return f"{class_label(parts[1])} a day"
    if parts[0] == "interceptors" and len(parts) == 3:
        what = {"stock": "stock", "deliveries_per_month": "delivered a month"}.get(
            parts[2], parts[2].replace("_", " "))
        return f"{interceptor_label(parts[1])} {what}"
    if parts[0] == "layers" and len(parts) == 4 and parts[2] == "engage_probability":
        return f"{layer_label(parts[1])}: share of {class_label(parts[3])} engaged"
    if parts[0] == "layers" and len(parts) == 5 and parts[2] == "engages":
        if parts[4] == "shots":
            return f"{layer_label(parts[1])}: interceptors fired per {class_label(parts[3], singular=True)}"
        if parts[4] == "pk":
            return f"{layer_label(parts[1])}: chance one interceptor destroys a {class_label(parts[3], singular=True)}"
    if parts[:2] == ["calibration", "target"] and len(parts) == 3:
        return f"share of {class_label(parts[2])} stopped (the observed rate the model matches)"
    return str(key).replace("_", " ")


def parameter_value(key: str, value: Any) -> str:
    """A parameter's value in its unit: probabilities as percentages, counts whole, rates to 3 digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    key = str(key)
    if key.endswith(".pk") or ".engage_probability." in key or key.startswith("calibration.target."):
        return f"{float(value) * 100:.0f}%"
    if key.endswith((".stock", ".shots", ".deliveries_per_month")):
        return f"{float(value):,.0f}"
    if isinstance(value, int | float):
        return f"{float(value):.3g}"
    return str(value)


def money(value: Any) -> str:
    """US dollars to two significant figures, as a reader writes them: "$11 million", "$64,000",
    "$2.5 billion", "$4.0 million", "$120,000" (not "$123,456")."""
    if is_missing(value):
        return MISSING
    value = float(value)
    for scale, word in ((1e9, " billion"), (1e6, " million")):
        if abs(value) >= scale * 0.9995:  # 999,600 is "$1.0 million", not "$1,000,000"
            return f"${significant(value / scale, 2, keep_zeros=True)}{word}"
    return f"${significant(value, 2)}"


def over_horizon(days: int) -> str:
    """"over the year" for 365 days, else "over the 120 days"."""
    return "over the year" if days == 365 else f"over the {days:,} days"


def after_horizon(days: int) -> str:
    """"after the year" for 365 days, else "after day 120"."""
    return "after the year" if days == 365 else f"after day {days:,}"


def date(value: dt.date | None) -> str:
    """"14 December 2026" (no leading zero); "–" for none."""
    if value is None:
        return "–"
    return format_date(value)


def day_and_date(day: float | None, when: dt.date | None, horizon: int) -> str:
    """"day 190, 14 December 2026", or "after day 365" when later than the horizon."""
    if day is None:
        return f"after day {horizon}"
    return f"day {day:,.0f}, {date(when)}"


def share(value: Any, digits: int = 0) -> str:
    """A share as a percentage ("35%"); never "-0%"."""
    return percent(value, digits)


# ------------------------------------------------------------------------------------------------
# Numbers as a paper prints them, one rule for every report: counts whole, shares to whole
# percents in text (a decimal only where an interval is narrower than a point), money and model
# outputs to two significant figures, no "-0" anywhere, and an interval that spans about every
# possible share said in words. Display only: the figures stay as computed.

MISSING = "–"  # en dash: no value
TOO_FEW = "too few attacks to tell"
# An interval of a share from at most 5% to at least 95% says nothing a reader can use.
SPANS_EVERYTHING = (0.05, 0.95)


def is_missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def unsigned_zero(text: str) -> str:
    """"-0", "-0.0", "+0.00" as "0", "0.0", "0.00": a value that rounds to zero has no sign."""
    digits = text.lstrip("+-−")
    return digits if digits.replace(",", "").replace(".", "").strip("0") == "" else text


def number(value: Any, decimals: int = 0) -> str:
    """12,345 (thousands separated); `decimals` decimals; never "-0" or "-0.0"."""
    if is_missing(value):
        return MISSING
    value = float(value)
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return unsigned_zero(f"{value:,.{decimals}f}")


def count(value: Any) -> str:
    """A count as a whole number: "12,345" (3.6 drones a day is "4"; use `significant` for rates)."""
    return number(value, 0)


def signed(value: Any, decimals: int = 0) -> str:
    """A change with its sign: "+4.2", "-3", and "0" for one that rounds to zero (never "-0")."""
    if is_missing(value):
        return MISSING
    text = number(value, decimals)
    return text if text.startswith("-") or text.replace(".", "").strip("0") == "" else f"+{text}"


def significant(value: Any, digits: int = 2, keep_zeros: bool = False) -> str:
    """`value` to `digits` significant figures: 3,480.4 as "3,500", 98.63 as "99", 0.263 as
    "0.26", 3.62 as "3.6". `keep_zeros`: 4.0 stays "4.0" (else "4")."""
    if is_missing(value):
        return MISSING
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return number(value)
    magnitude = math.floor(math.log10(abs(value)))
    rounded = round(value, digits - 1 - magnitude)
    if rounded and math.floor(math.log10(abs(rounded))) > magnitude:  # 9.96 -> 10: one digit more
        magnitude += 1
    decimals = max(0, digits - 1 - magnitude)
    text = number(rounded, decimals)
    if not keep_zeros and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def significant_count(value: Any, digits: int = 2) -> str:
    """A count a reader should not take to the unit (a forecast, an estimate), whole and to `digits`
    significant figures: 7,112 as "7,100", 10,286 as "10,000", 97 as "97", 2.6 as "3"."""
    if is_missing(value):
        return MISSING
    value = float(value)
    if abs(value) < 10**digits:
        return count(value)
    return count(float(significant(value, digits).replace(",", "")))


def percent(value: Any, decimals: int = 0) -> str:
    """A share (0.8778) as a percentage: "88%" (`decimals` more digits); never "-0%"."""
    if is_missing(value):
        return MISSING
    return number(float(value) * 100, decimals) + "%"


def points(value: Any, decimals: int = 0) -> str:
    """A difference of two shares (fractions) in percentage points: "+4 points", "-0.5 points"
    with one decimal, "0 points"."""
    if is_missing(value):
        return MISSING
    text = signed(float(value) * 100, decimals)
    return f"{text} point" + ("" if text.lstrip("+-") in {"1", "1.0"} else "s")


def spans_everything(low: Any, high: Any) -> bool:
    """Whether an interval of a share runs from about 0 to about 100% (5% or less to 95% or more,
    as whole percents read): too few attacks to tell."""
    if is_missing(low) or is_missing(high):
        return False
    return round(float(low) * 100) <= SPANS_EVERYTHING[0] * 100 and round(float(high) * 100) >= SPANS_EVERYTHING[1] * 100


def percent_decimals(*intervals: tuple[Any, Any]) -> int:
    """Decimals a table gives its shares: one where an interval is narrower than a point (its
    bounds would read the same in whole percents), none else."""
    widths = [abs(float(high) - float(low)) for low, high in intervals
              if not is_missing(low) and not is_missing(high)]
    return 1 if any(width < 0.01 for width in widths) else 0


def bounds(low: Any, high: Any, shown: Callable[[Any], str], join: str = " to ") -> str:
    """Two bounds, each as `shown` writes it: "a to b"; one missing: "up to b", "a or more"; none: "–"."""
    if is_missing(low) and is_missing(high):
        return MISSING
    if is_missing(low):
        return f"up to {shown(high)}"
    if is_missing(high):
        return f"{shown(low)} or more"
    return f"{shown(low)}{join}{shown(high)}"


def percent_range(low: Any, high: Any, decimals: int = 0, join: str = " to ") -> str:
    """A share's interval: "87% to 89%", or "too few attacks to tell" when it spans about
    everything; one bound missing: "up to 89%", "87% or more"."""
    if spans_everything(low, high):
        return TOO_FEW
    return bounds(low, high, lambda share: percent(share, decimals), join)


def percent_with_interval(value: Any, low: Any, high: Any, level: str = "95%", decimals: int = 0) -> str:
    """"88% (95% interval 87% to 89%)"; "63% (too few attacks to tell)" when the interval spans
    about everything; "88%" without bounds."""
    shown = percent(value, decimals)
    if is_missing(low) and is_missing(high):
        return shown
    if spans_everything(low, high):
        return f"{shown} ({TOO_FEW})"
    return f"{shown} ({level} interval {percent_range(low, high, decimals)})"
