"""Are the assumptions consistent with the record they are calibrated on? The back-cast of each stock.

A scenario calibrated to the shares stopped over a period of the record also says what its layers
fired over that period: with every stock in hand (calibration assumes no shortage then), each
interceptor fired its long-run demand a day (analysis.model.longrun, `limited=False`) at the attack
of the period. Taking the assumed stock to hold at the end of the period, and the assumed monthly
deliveries (of day 1) to have come all through it, the stock at the start of the period was

    implied start = assumed stock + fired over the period - delivered over the period.

A negative start means the deliveries brought more than was fired, by more than the stock (the
stock, or the deliveries, are too large for the use the calibration implies); a start above a
year of the world's output (`output_per_year`, sourced in the scenario) means a stock no one could
have held. Either gets a warning; the shipped scenarios pass.

The attack of the period is the record's, counted in the scenario's classes
(analysis.model.record_classes), where a record is at hand; a class the record does not count, or
any class without a record, takes the scenario's own arrivals a day (and the result says so).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from analysis.model.scenarios import Scenario
from analysis.model.schema import RECORD_THREAT_CLASSES


@dataclass
class Backcast:
    """The back-cast of every interceptor a layer fires (module doc)."""

    period: tuple[Any, Any] | None
    days: int
    arrivals_per_day: dict[str, float]
    arrivals_from: str  # where the period's attack comes from, in words
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""  # why there is no back-cast, when there is none

    @property
    def warnings(self) -> list[str]:
        return [row["warning"] for row in self.rows if row["warning"]]

    def as_dict(self) -> dict[str, Any]:
        return {"period": None if self.period is None else [str(d) for d in self.period], "days": self.days,
                "arrivals_per_day": self.arrivals_per_day, "arrivals_from": self.arrivals_from,
                "interceptors": self.rows, "note": self.note}


def period_arrivals(scenario: Scenario, start: Any, end: Any, record: Any = None) -> tuple[dict[str, float], str]:
    """Mean arrivals a day of each class over [start, end]: the record's where it counts the class,
    else the scenario's own; and where they come from, in words."""
    from analysis.model.longrun import mean_arrivals

    if record is None:
        return mean_arrivals(scenario, record), "the scenario's own attack (no record at hand to read the period's)"
    from analysis.model.record_classes import daily_counts

    counted = [c for c in scenario.classes if c in RECORD_THREAT_CLASSES]
    missing = [c for c in scenario.classes if c not in counted]
    own = mean_arrivals(scenario, record) if missing else {}  # only for classes the record cannot count
    table = daily_counts(record, start, end, counted)
    arrivals = {c: (float(table[c].mean()) if c in counted else own[c]) for c in scenario.classes}
    words = f"the record's launches of {start} to {end}"
    if missing:
        words += f" ({', '.join(missing)}: the scenario's own, the record does not count them apart)"
    return arrivals, words


def backcast(scenario: Scenario, record: Any = None) -> Backcast:
    """The back-cast of each stock to the start of the calibration period (module doc)."""
    from analysis.model.longrun import steady_state
    from analysis.model.production import calibrated

    spec = scenario.calibration
    if spec is None or spec.days is None:
        return Backcast(None, 0, {}, "", note="the scenario states no calibration period: nothing to back-cast")
    start, end = spec.days
    days = (end - start).days + 1
    frame = record_at_hand(record)
    solved = calibrated(scenario, frame)
    arrivals, words = period_arrivals(solved, start, end, frame)
    flow = steady_state(solved, arrivals, 1.0, limited=False)
    result = Backcast((start, end), days, arrivals, words)
    for name, interceptor in solved.interceptors.items():
        if not any(layer.interceptor == name for layer in solved.layers):
            continue
        fired = flow.demand[name] * days
        delivered = interceptor.deliveries_per_day * days
        implied = interceptor.stock + fired - delivered
        output = interceptor.output_per_year
        warning = ""
        if implied < 0:
            warning = (f"{name}: the assumptions imply {implied:,.0f} at the start of the period, a negative "
                       f"stock: {delivered:,.0f} delivered over it is {delivered - fired:,.0f} more than the "
                       f"{fired:,.0f} fired, more than the assumed stock of {interceptor.stock:,}")
        elif output is not None and implied > output:
            warning = (f"{name}: the assumptions imply {implied:,.0f} in stock at the start of the period, more "
                       f"than a year of the world's output ({output:,.0f}): the assumed stock, or the use the "
                       "calibration implies, is too large")
        result.rows.append({
            "interceptor": name, "stock": interceptor.stock, "fired_per_day": flow.demand[name],
            "fired": fired, "delivered": delivered, "implied_start": implied,
            "output_per_year": output, "warning": warning,
            "within": implied >= 0 and (output is None or implied <= output),
        })
    return result


def record_at_hand(record: Any = None) -> Any:
    """The tidy record: a frame as given, a path read, else the one at its default place; None
    when there is none (the back-cast then takes the scenario's own attack)."""
    if record is not None and not isinstance(record, str | os.PathLike):
        return record
    from analysis.errors import AnalysisError
    from analysis.record import find_record, load_record

    try:
        path = find_record(record or None)
        return None if path is None else load_record(path)
    except AnalysisError:
        if record:
            raise
        return None


def describe(result: Backcast) -> list[str]:
    """The back-cast in lines a person reads (terminal)."""
    if result.period is None:
        return [f"  back-cast: {result.note}"]
    start, end = result.period
    lines = [f"  back-cast to {start} (the calibration period's {result.days} days, at {result.arrivals_from}): "
             "assumed stock + fired - delivered"]
    for row in result.rows:
        cap = (f"; a year of world output {row['output_per_year']:,.0f}" if row["output_per_year"] is not None
               else "; no sourced output to check against")
        lines.append(f"    {row['interceptor']:<18} {row['stock']:>8,} + {row['fired']:>9,.0f} - {row['delivered']:>9,.0f} "
                     f"= {row['implied_start']:>9,.0f} on {start}{cap}")
    for warning in result.warnings:
        lines.append(f"  warning: {warning}")
    return lines
