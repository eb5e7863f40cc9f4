"""Plain words for the depletion reports: names of interceptors, layers, classes and parameters,
money and dates as a reader writes them (display only: the numbers are left as computed)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from analysis.numbers import (  # noqa: F401  (the reports' number rules, re-exported)
    MISSING,
    SPANS_EVERYTHING,
    TOO_FEW,
    bounds,
    change_in_points,
    count,
    is_missing,
    number,
    percent,
    percent_decimals,
    percent_range,
    percent_text,
    percent_with_interval,
    points,
    points_decimals,
    signed,
    significant,
    significant_count,
    spans_everything,
    unsigned_zero,
)
from analysis.record.facts import format_date

INTERCEPTOR_LABELS = {
    "pac3_mse": "PAC-3 MSE",
    "pac2_gemt": "PAC-2 GEM-T",
    "medium_sam": "medium-range SAM",
    "interceptor_drone": "interceptor drones",
}
LAYER_LABELS = {
    "patriot": "Patriot",
    "patriot_gem_t": "Patriot (GEM-T)",
    "medium_sam": "medium-range SAM (NASAMS, IRIS-T)",
    "interceptor_drones": "interceptor drones",
    "electronic_warfare": "electronic warfare",
    "mobile_fire_groups": "mobile fire groups",
}
CLASS_LABELS = {"drone": "drones", "cruise": "cruise missiles", "ballistic": "ballistic missiles",
                "kinzhal": "Kinzhal missiles", "sam": "S-300/S-400 missiles at ground targets"}
CLASS_SINGULAR = {"drone": "drone", "cruise": "cruise missile", "ballistic": "ballistic missile",
                  "kinzhal": "Kinzhal missile", "sam": "S-300/S-400 missile at a ground target"}
# One definition of an attack for every report's glossary and the index (a test holds them to it).
ATTACK_DEFINITION = ("**attack**: the drones and missiles one post of the Air Force reports for one "
                     "night or day of strikes (the rows of the post whose time windows overlap); "
                     "national and regional posts are counted apart.")
# what "stopped" means in the record for each class (the Air Force's counts)
STOPPED = {"drone": "shot down or jammed", "cruise": "destroyed or failed to reach their target",
           "ballistic": "destroyed or failed to reach their target",
           "kinzhal": "destroyed or failed to reach their target", "sam": "destroyed or failed to reach their target"}


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


def listed(items: Sequence[str], separator: str = ", ") -> str:
    """"a", "a and b", "a, b and c" ("" for none); `separator` "; " for items holding commas."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return separator.join(items[:-1]) + " and " + items[-1]


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


def day_and_date(day: float | None, when: dt.date | None, horizon: int, of_scenario: bool = False) -> str:
    """The day of a scenario first, its calendar date only beside it: "day 190 (14 December 2026)",
    "day 190 of the scenario (14 December 2026)" with `of_scenario`; "after day 365" when later
    than the horizon."""
    named = " of the scenario" if of_scenario else ""
    if day is None:
        return f"after day {horizon}{named}"
    return f"day {day:,.0f}{named} ({date(when)})"


def per_day(value: Any) -> str:
    """A rate a day as a paper prints it: whole from 20 ("197"), else two significant figures
    ("3.6", "0.85", "0.14"); never "-0"."""
    if is_missing(value):
        return MISSING
    return number(value) if abs(float(value)) >= 20 else significant(value, 2)


#: Said first on every page of a scenario (reports 04, 05, 07).
SCENARIO_FRAME = "**A scenario: what follows if these assumptions held, not a forecast of events.**"


def scenario_start(start: dt.date, record_end: dt.date, built: dt.date | None = None) -> str:
    """Where a scenario's days sit in the calendar, said before any of its dates: day 1, how it
    stands to the record's last day, and that dates before the build date are days of the
    scenario, not events that happened."""
    gap = (start - record_end).days
    where = ("the day after the record's last day" if gap == 1 else "the record's last day" if gap == 0 else
             f"{gap:,} days after the record's last day" if gap > 1 else f"{-gap:,} days before the record's last day")
    text = f"Day 1 of the scenario is {date(start)}: it starts on {where} ({date(record_end)})"
    built = built or dt.date.today()
    if start <= built:
        text += (f", so its dates up to {date(built)}, when this report was built, are days of the scenario, "
                 "not what happened")
    return text + "."


def share(value: Any, digits: int = 0) -> str:
    """A share as a percentage ("35%"); never "-0%"."""
    return percent(value, digits)
