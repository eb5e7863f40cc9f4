"""Numbers as a paper prints them, one rule for every layer that writes them: counts whole, shares
to whole percents in text (a decimal only where an interval is narrower than a point), money and
model outputs to two significant figures, no "-0" anywhere, and an interval that spans about every
possible share said in words. Display only: the figures stay as computed.

Pure functions of numbers, with no words about the record: the statistics layer writes its verdicts
with them and `analysis.reporting.words` gives them to the reports, so a verdict and the page that
prints it follow one rule (and the statistics layer need not import the reporting one).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

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


def percent_text(value: Any) -> str:
    """A share in running text, to the whole percent: "88%"; a share above 0 that would read "0%"
    reads "under 1%", one below 100% that would read "100%" reads "over 99%" (2 of 488 is not none)."""
    if is_missing(value):
        return MISSING
    value = float(value)
    if 0 < value < 0.005:
        return "under 1%"
    if 0.995 <= value < 1:
        return "over 99%"
    return percent(value)


def points_decimals(*values: Any) -> int:
    """Decimals for changes in percentage points (given in points): one where the interval of the
    change is narrower than 2 points, so its ends do not read alike, else none."""
    finite = [float(v) for v in values if not is_missing(v) and math.isfinite(float(v))]
    return 1 if len(finite) >= 2 and max(finite) - min(finite) < 2 else 0


def change_in_points(change: Any, low: Any = None, high: Any = None, level: str = "95%", per: str = "") -> str:
    """A change of a share, given in percentage points: "+4 points (95% interval -2 to +13)",
    "-1 point a year (...)" with `per` " a year"; whole points unless the interval is narrower than
    2 points; never "-0". Without bounds: "+4 points"; `level` "": "(-2 to +13)", for a second
    interval in one sentence."""
    if is_missing(change):
        return MISSING
    decimals = points_decimals(low, high) if not (is_missing(low) or is_missing(high)) else 0
    shown = signed(change, decimals)
    unit = "point" if shown.lstrip("+-") in {"1", "1.0"} else "points"
    text = f"{shown} {unit}{per}"
    if is_missing(low) or is_missing(high):
        return text
    before = f"{level} interval " if level else ""
    return f"{text} ({before}{signed(low, decimals)} to {signed(high, decimals)})"
