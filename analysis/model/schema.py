"""Declared schemas of the model's input files: scenarios and grids.

Each file is read with `analysis.inputs.load_yaml` (bounded) and validated here with pydantic
(`InputModel`: unknown keys refused); errors name file, line, key and value. What pydantic cannot
see on one field (a layer naming an interceptor that does not exist, a class no threat has) is
checked by `reference_problems`, which reports in the same form.

The limits below keep every value inside what the engine can count and the machine can hold: they
are far beyond any real attack or stock, and an error names the limit.

A new kind of `threats` (for example `from_forecast`) is added by a model and an entry in
`THREAT_KINDS` (the key that marks it -> the model).

Time: a day in a schedule (`deliveries`, `changes`) is a day number (1 = the first simulated day)
or a date when the scenario has a `start_date`; `resolve_day` turns either into a day number and
`reference_problems` checks that a date has a start to count from and that each list is in day
order. What a layer's `changes` may set is listed in `LAYER_CHANGE_KEYS`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from analysis.inputs import InputModel

MAX_HORIZON_DAYS = 36_500  # a hundred years
MAX_RUNS = 10_000_000
MAX_PER_DAY = 1_000_000  # threats of one class a day
MAX_DISPERSION = 1_000_000
MAX_STOCK = 1_000_000_000
MAX_DELIVERIES_PER_MONTH = 10_000_000
MAX_SHOTS = 1_000
MAX_CAPACITY = 1_000_000_000
MAX_USD = 1e12
MAX_SCALE = 1_000
MAX_SEED = 2**128  # numpy's SeedSequence takes any non-negative integer; this is plenty
MAX_SCHEDULE = 1_000  # dated deliveries or changes in one list
RECORD_CLASSES = ("drone", "cruise", "ballistic")
# classes a scenario may draw from the record (analysis.model.record_classes: `kinzhal` where a row
# names it alone, `sam` for S-300/S-400 fired at ground targets); rows of other classes are left out
RECORD_THREAT_CLASSES = ("drone", "cruise", "ballistic", "kinzhal", "sam")
DEFAULT_RUNS = 10_000
DEFAULT_SEED = 20251010


# --- value types: one clear message each ----------------------------------------------------------


def _number(value: Any) -> float:
    """A finite number. Text is refused, digits or not: a quoted "365" is text (the input
    reader takes `4.0e6` and `1e20` as numbers, as YAML 1.2 does)."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    if isinstance(value, str):
        raise ValueError("must be a number, not text (write it without quotes)")
    if not isinstance(value, int | float):
        raise ValueError("must be a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be finite")
    return value


def _whole(value: Any) -> int:
    """A whole number; ints keep every digit (float() would round those above 2**53)."""
    number = _number(value)
    if isinstance(number, float):
        if not number.is_integer():
            raise ValueError("must be a whole number")
        return int(number)
    return number


def _shown_limit(limit: float) -> str:
    return f"{limit:,.0f}" if float(limit).is_integer() else f"{limit:g}"


def _bounded(low: float | None, high: float | None, what: str = "") -> Any:
    def check(value: Any) -> Any:
        if low is not None and value < low:
            raise ValueError(what or f"must be at least {_shown_limit(low)}")
        if high is not None and value > high:
            raise ValueError(f"must be at most {_shown_limit(high)}")
        return value
    return check


def _number_type(low: float | None, high: float | None, what: str = "") -> Any:
    return Annotated[float, BeforeValidator(lambda v: _bounded(low, high, what)(float(_number(v))))]


def _whole_type(low: int | None, high: int | None, what: str = "") -> Any:
    return Annotated[int, BeforeValidator(lambda v: _bounded(low, high, what)(_whole(v)))]


Probability = _number_type(0.0, 1.0, "a probability must lie in 0..1")
Money = _number_type(0.0, MAX_USD, "a cost cannot be negative")
# Names appear in dotted keys (`layers.patriot.engage_probability`): no dots, not a bare number.
Name = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$", max_length=60)]


def _per_class(scalar: Any) -> Any:
    """One value for every class, or a mapping class -> value (errors point into the mapping)."""
    return Annotated[
        Annotated[scalar, Tag("[one value]")] | Annotated[dict[Name, scalar], Tag("[per class]")],
        Discriminator(lambda v: "[per class]" if isinstance(v, Mapping) else "[one value]"),
    ]


def _period_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError("must be a date YYYY-MM-DD") from None


Date = Annotated[dt.date, BeforeValidator(_period_date)]


def _day_ref(value: Any) -> int | dt.date:
    """A day of the simulation: a whole number from 1, or a date (YYYY-MM-DD)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and not value.strip().lstrip("+-").isdigit():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("must be a day number from 1 or a date YYYY-MM-DD") from None
    try:
        day = _whole(value)
    except ValueError:
        raise ValueError("must be a day number from 1 or a date YYYY-MM-DD") from None
    if not 1 <= day <= MAX_HORIZON_DAYS:
        raise ValueError(f"a day number lies in 1..{MAX_HORIZON_DAYS:,} (day 1 is the first simulated day)")
    return day


# A day in a schedule: day 1 is the first simulated day; a date counts from the scenario's start_date.
Day = Annotated[int | dt.date, BeforeValidator(_day_ref)]


def resolve_day(value: int | dt.date | str, start: dt.date | None) -> int:
    """The day number of a schedule's day (a date counts from `start`, day 1); ValueError when a
    date has no start to count from or falls before it."""
    if isinstance(value, str):
        value = _day_ref(value)
    if isinstance(value, dt.date):
        if start is None:
            raise ValueError("a date needs the scenario's start_date (day 1) to count from; "
                             "give start_date or a day number")
        day = (value - start).days + 1
        if day < 1:
            raise ValueError(f"falls before the scenario's start_date ({start})")
        return day
    return int(value)


# --- scenario ------------------------------------------------------------------------------------


class Period(InputModel):
    start: Date
    end: Date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"ends ({self.end}) before it starts ({self.start})")
        return self


PerDay = _number_type(0.0, MAX_PER_DAY, "arrivals per day cannot be negative")
Dispersion = _number_type(0.0, MAX_DISPERSION, "dispersion (variance / mean) cannot be negative")


class ThreatValues(InputModel):
    """What a threat's change sets from its day on."""

    per_day: PerDay | None = None
    dispersion: Dispersion | None = None

    @model_validator(mode="after")
    def _something(self) -> ThreatValues:
        if self.per_day is None and self.dispersion is None:
            raise ValueError("set per_day, dispersion or both")
        return self


class ThreatChange(InputModel):
    """`{from_day: 91, set: {per_day: 4}}`: from this day on, these values."""

    from_day: Day
    set: ThreatValues


class ThreatSpec(InputModel):
    """Arrivals of one class: mean per day and dispersion (variance / mean), and their changes."""

    per_day: PerDay
    dispersion: Dispersion = 1.0
    changes: list[ThreatChange] = Field(default_factory=list, max_length=MAX_SCHEDULE)


def _distinct(classes: list[str]) -> list[str]:
    if len(set(classes)) != len(classes):
        raise ValueError("a class is listed twice")
    return classes


# Classes the record counts, each at most once (arrivals from the record or from its forecast).
RecordClassList = Annotated[list[Literal["drone", "cruise", "ballistic", "kinzhal", "sam"]], AfterValidator(_distinct),
                            Field(min_length=1)]
Scale = _number_type(0.0, MAX_SCALE, "a scale cannot be negative")


class RecordThreatsSpec(InputModel):
    """Whole days of the record's waves in a period, resampled and scaled: one day at a time
    (`record-days`) or blocks of `block_days` consecutive days (`record-blocks`)."""

    from_record: Period
    scale: Scale = 1.0
    classes: RecordClassList = Field(default_factory=lambda: list(RECORD_CLASSES))
    command: Literal["national", "regional"] = "national"
    arrivals: Literal["record-days", "record-blocks"] = "record-days"
    block_days: _whole_type(1, MAX_HORIZON_DAYS, "a block is at least one day") | None = None

    @model_validator(mode="after")
    def _blocks(self) -> RecordThreatsSpec:
        if self.arrivals == "record-blocks" and self.block_days is None:
            raise ValueError("arrivals: record-blocks needs block_days (how many consecutive days a block holds)")
        if self.arrivals != "record-blocks" and self.block_days is not None:
            raise ValueError("block_days goes with arrivals: record-blocks")
        days = (self.from_record.end - self.from_record.start).days + 1
        if self.block_days is not None and self.block_days > days:
            raise ValueError(f"block_days {self.block_days} is longer than the period's {days} days")
        return self


class ForecastSpec(InputModel):
    """Daily arrivals from the tempo forecast (analysis.model.forecast_threats has the meaning)."""

    start: Date | None = None
    classes: RecordClassList = Field(default_factory=lambda: list(RECORD_CLASSES))
    model: Literal["auto", "naive", "moving-average", "nb-trend", "ets", "combined"] = "auto"
    by: Literal["week", "day"] = "week"
    scale: Scale = 1.0


class ForecastThreatsSpec(InputModel):
    """`threats: {from_forecast: {...}}`: every class's arrivals from the forecast."""

    from_forecast: ForecastSpec


# The key that marks a kind of `threats` mapping -> its tag; anything else is per-class figures.
THREAT_KINDS = {"from_record": "[from the record]", "from_forecast": "[from the forecast]"}


def _threat_kind(value: Any) -> str:
    if isinstance(value, Mapping):
        for key, tag in THREAT_KINDS.items():
            if key in value:
                return tag
    return "[per class]"


Threats = Annotated[
    Annotated[dict[Name, ThreatSpec], Tag("[per class]"), Field(min_length=1)]
    | Annotated[RecordThreatsSpec, Tag("[from the record]")]
    | Annotated[ForecastThreatsSpec, Tag("[from the forecast]")],
    Discriminator(_threat_kind),
]


PerMonth = _number_type(0.0, MAX_DELIVERIES_PER_MONTH, "deliveries cannot be negative")


class DeliveryLump(InputModel):
    """`{day: 45, count: 120}`: a dated lump (a donation) on top of the monthly flow."""

    day: Day
    count: _whole_type(0, MAX_STOCK, "a delivery cannot be negative")


class DeliveryFlow(InputModel):
    """`{from_day: 181, per_month: 40}`: from this day on, the monthly flow is this."""

    from_day: Day
    per_month: PerMonth


def _delivery_kind(value: Any) -> str:
    flow = isinstance(value, DeliveryFlow) or (isinstance(value, Mapping) and "from_day" in value)
    return "[monthly flow]" if flow else "[dated lump]"


DeliveryStep = Annotated[
    Annotated[DeliveryLump, Tag("[dated lump]")] | Annotated[DeliveryFlow, Tag("[monthly flow]")],
    Discriminator(_delivery_kind),
]


class InterceptorSpec(InputModel):
    stock: _whole_type(0, MAX_STOCK, "a stock cannot be negative")
    deliveries_per_month: PerMonth = 0.0
    unit_cost_usd: Money = 0.0
    deliveries: list[DeliveryStep] = Field(default_factory=list, max_length=MAX_SCHEDULE)
    # the world's output a year (sourced), against which the back-cast stock is checked
    output_per_year: _number_type(0.0, MAX_STOCK, "an output cannot be negative") | None = None


class EngagementSpec(InputModel):
    shots: _whole_type(1, MAX_SHOTS, "shots per engagement must be at least 1") = 1
    pk: Probability
    salvo: Literal["hold", "partial"] = "hold"  # fewer left than `shots`: keep them, or fire them
    held: Literal["share", "keep"] = "share"  # salvo: hold: may other classes use a held stock?

    @model_validator(mode="after")
    def _held_with_hold(self) -> EngagementSpec:
        if self.held == "keep" and self.salvo != "hold":
            raise ValueError("held: keep goes with salvo: hold (a partial salvo fires what is left "
                             "and holds nothing back)")
        return self


class LayerChange(InputModel):
    """`{from_day: 91, set: {engages.ballistic.pk: 0.4}}`: from this day on, these values
    (the keys `LAYER_CHANGE_KEYS` lists; checked by `reference_problems`)."""

    from_day: Day
    set: dict[str, Any] = Field(min_length=1, max_length=100)


class LayerSpec(InputModel):
    name: Name | None = None
    interceptor: Name | None = None
    engages: dict[Name, EngagementSpec] = Field(min_length=1)
    engage_probability: _per_class(Probability | None) | None = None
    capacity_per_day: _whole_type(0, MAX_CAPACITY, "a capacity cannot be negative") | None = None
    cost_per_engagement_usd: Money = 0.0
    allocation: Literal["priority", "proportional"] = "priority"
    reserve: dict[Name, _whole_type(0, MAX_STOCK, "a reserve cannot be negative")] = Field(default_factory=dict)
    changes: list[LayerChange] = Field(default_factory=list, max_length=MAX_SCHEDULE)


class CalibrationSpec(InputModel):
    target: _per_class(Probability | None) | None = None
    from_record: Period | None = None
    layers: list[Name] | None = None
    # the days given targets describe (from_record is its own period): the back-cast's period
    period: Period | None = None
    # what a missile "stopped" counts: destroyed (default: those that failed on their own were
    # not intercepted) or neutralised (destroyed or failed to reach the target)
    missiles: Literal["destroyed", "neutralised"] = "destroyed"

    @model_validator(mode="after")
    def _one_source(self) -> CalibrationSpec:
        if (self.target is None) == (self.from_record is None):
            raise ValueError("give exactly one of target or from_record")
        if self.period is not None and self.from_record is not None:
            raise ValueError("period goes with target (from_record is its own period)")
        return self


def _calibration_switch(value: Any) -> Any:
    """`calibration: off` (YAML reads off as false) switches calibration off, like no block."""
    if value is False or (isinstance(value, str) and value.strip().lower() in {"off", "none"}):
        return None
    if value is True:
        raise ValueError("give a mapping with target or from_record, or off")
    return value


class ScenarioFile(InputModel):
    """A scenario file as written (see analysis.model.scenarios for the meaning of each key)."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    period: str = Field("", max_length=200)  # the attack the rates describe, in words (reports)
    horizon_days: _whole_type(1, MAX_HORIZON_DAYS, "at least one day")
    runs: _whole_type(1, MAX_RUNS, "at least one run") = DEFAULT_RUNS
    seed: _whole_type(0, MAX_SEED, "a seed cannot be negative") = DEFAULT_SEED
    start_date: Date | None = None  # day 1 of the simulation: schedules may then give dates
    threats: Threats
    interceptors: dict[Name, InterceptorSpec] = Field(default_factory=dict)
    layers: list[LayerSpec] = Field(min_length=1)
    attacker_costs_usd: dict[Name, Money | None] = Field(default_factory=dict)
    calibration: Annotated[CalibrationSpec | None, BeforeValidator(_calibration_switch)] = None

    @field_validator("attacker_costs_usd", mode="before")
    @classmethod
    def _no_costs(cls, value: Any) -> Any:
        return {} if value is None else value

    @property
    def classes(self) -> tuple[str, ...]:
        if isinstance(self.threats, RecordThreatsSpec):
            return tuple(self.threats.classes)
        if isinstance(self.threats, ForecastThreatsSpec):
            return tuple(self.threats.from_forecast.classes)
        return tuple(self.threats)


def reference_problems(model: ScenarioFile) -> list[tuple[tuple, Any, str]]:
    """(key path, value, problem) for what one field cannot check: names that must exist."""
    problems: list[tuple[tuple, Any, str]] = []
    classes = model.classes
    listed = ", ".join(classes)
    names: dict[str, int] = {}
    for i, layer in enumerate(model.layers):
        name = layer.name or f"layer{i}"
        if name in names:
            problems.append((("layers", i, "name"), name, f"layer {names[name]} has this name too"))
        names.setdefault(name, i)
        if layer.interceptor is not None and layer.interceptor not in model.interceptors:
            problems.append((("layers", i, "interceptor"), layer.interceptor,
                             f"no such interceptor (defined: {', '.join(model.interceptors) or 'none'})"))
        for cls in layer.engages:
            if cls not in classes:
                problems.append((("layers", i, "engages", cls), cls,
                                 f"no such threat class (defined: {listed})"))
        for cls in layer.reserve:
            if cls not in layer.engages:
                problems.append((("layers", i, "reserve", cls), cls,
                                 f"this layer does not engage it (engages: {', '.join(layer.engages)})"))
        if layer.reserve and layer.interceptor is None:
            problems.append((("layers", i, "reserve"), dict(layer.reserve),
                             "a reserve keeps interceptors: this layer has none"))
        if isinstance(layer.engage_probability, Mapping):
            for cls in layer.engage_probability:
                if cls not in layer.engages:
                    problems.append((("layers", i, "engage_probability", cls), cls,
                                     f"this layer does not engage it (engages: {', '.join(layer.engages)})"))
    for cls in model.attacker_costs_usd:
        if cls not in classes:
            problems.append((("attacker_costs_usd", cls), cls, f"no such threat class (defined: {listed})"))
    calibration = model.calibration
    if calibration is not None:
        if isinstance(calibration.target, Mapping):
            for cls in calibration.target:
                if cls not in classes:
                    problems.append((("calibration", "target", cls), cls,
                                     f"no such threat class (defined: {listed})"))
        for i, name in enumerate(calibration.layers or []):
            if name not in names:
                problems.append((("calibration", "layers", i), name,
                                 f"no such layer (defined: {', '.join(names)})"))
    problems += _calibration_problems(model)
    problems += _schedule_problems(model)
    return problems


# What a layer's change may set: (dotted key pattern, kind of value). `X` is a class the layer engages.
LAYER_CHANGE_KEYS = {
    "engages.X.pk": "probability",
    "engages.X.shots": "shots",
    "engage_probability": "probability",
    "engage_probability.X": "probability",
    "capacity_per_day": "capacity",
}


def change_key(key: str, classes: Mapping[str, Any] | list[str]) -> tuple[str, str | None] | str:
    """(pattern of LAYER_CHANGE_KEYS, class or None) of a change's key, or the problem with it."""
    parts = str(key).split(".")
    if len(parts) == 3 and parts[0] == "engages" and parts[2] in ("pk", "shots"):
        if parts[1] not in classes:
            return f"this layer does not engage {parts[1]} (engages: {', '.join(classes)})"
        return f"engages.X.{parts[2]}", parts[1]
    if parts == ["engage_probability"] or parts == ["capacity_per_day"]:
        return parts[0], None
    if len(parts) == 2 and parts[0] == "engage_probability":
        if parts[1] not in classes:
            return f"this layer does not engage {parts[1]} (engages: {', '.join(classes)})"
        return "engage_probability.X", parts[1]
    return ("not a value a change can set (these can: engages.CLASS.pk, engages.CLASS.shots, "
            "engage_probability, engage_probability.CLASS, capacity_per_day)")


def change_value(kind: str, value: Any) -> Any:
    """A change's value checked as its key needs; ValueError with the reason."""
    if kind == "probability":
        return _bounded(0.0, 1.0, "a probability must lie in 0..1")(float(_number(value)))
    if kind == "shots":
        return _bounded(1, MAX_SHOTS, "shots per engagement must be at least 1")(_whole(value))
    if value is None:
        return None  # capacity: no daily limit
    return _bounded(0, MAX_CAPACITY, "a capacity cannot be negative")(_whole(value))


def _in_order(items: list[tuple[tuple, Any]], start: dt.date | None) -> list[tuple[tuple, Any, str]]:
    """Problems of a schedule's days: dates without a start, dates before it, days out of order."""
    problems = []
    last = None
    for keys, value in items:
        try:
            day = resolve_day(value, start)
        except ValueError as reason:
            problems.append((keys, value.isoformat() if isinstance(value, dt.date) else value, str(reason)))
            continue
        if last is not None and day < last:
            problems.append((keys, value, f"out of day order: day {day} comes after day {last} "
                                          "(list a schedule in day order)"))
        last = day if last is None else max(last, day)
    return problems


def _schedule_problems(model: ScenarioFile) -> list[tuple[tuple, Any, str]]:
    """Deliveries and changes: days resolvable and in order, and what a layer's change sets."""
    problems: list[tuple[tuple, Any, str]] = []
    start = model.start_date
    for name, interceptor in model.interceptors.items():
        problems += _in_order([(("interceptors", name, "deliveries", j, "day" if isinstance(step, DeliveryLump)
                                 else "from_day"), step.day if isinstance(step, DeliveryLump) else step.from_day)
                               for j, step in enumerate(interceptor.deliveries)], start)
    if not isinstance(model.threats, RecordThreatsSpec | ForecastThreatsSpec):
        for cls, spec in model.threats.items():
            problems += _in_order([(("threats", cls, "changes", j, "from_day"), change.from_day)
                                   for j, change in enumerate(spec.changes)], start)
    for i, layer in enumerate(model.layers):
        problems += _in_order([(("layers", i, "changes", j, "from_day"), change.from_day)
                               for j, change in enumerate(layer.changes)], start)
        for j, change in enumerate(layer.changes):
            for key, value in change.set.items():
                where = ("layers", i, "changes", j, "set", key)
                found = change_key(key, layer.engages)
                if isinstance(found, str):
                    problems.append((where, key, found))
                    continue
                try:
                    change_value(LAYER_CHANGE_KEYS[found[0]], value)
                except ValueError as reason:
                    problems.append((where, value, str(reason)))
    return problems


def _given(layer: LayerSpec, cls: str) -> bool:
    """Whether the file sets this layer's engage probability for `cls`."""
    value = layer.engage_probability
    return value.get(cls) is not None if isinstance(value, Mapping) else value is not None


def _calibration_problems(model: ScenarioFile) -> list[tuple[tuple, Any, str]]:
    """A class calibration must solve for, whose every layer has its engage probability set."""
    calibration = model.calibration
    if calibration is None:
        return []
    if isinstance(calibration.target, Mapping):
        targets = [cls for cls, value in calibration.target.items() if value is not None]
    elif calibration.target is not None:
        targets = list(model.classes)
    else:  # from the record: every class some layer engages
        targets = [cls for cls in model.classes if any(cls in layer.engages for layer in model.layers)]
    chosen = set(calibration.layers) if calibration.layers is not None else None
    problems = []
    for cls in targets:
        layers = [(i, layer) for i, layer in enumerate(model.layers) if cls in layer.engages]
        if not layers:
            continue  # nothing engages it: the report says the target is out of reach
        free = [i for i, layer in layers
                if not _given(layer, cls) and (chosen is None or (layer.name or f"layer{i}") in chosen)]
        if not free:
            held = ", ".join(f"layers.{layer.name or f'layer{i}'}.engage_probability.{cls}"
                             for i, layer in layers if _given(layer, cls)) or "none set"
            key = ("calibration", "target", cls) if calibration.target is not None else ("calibration",)
            problems.append((key, cls,
                             f"calibration solves the engage probabilities a scenario leaves unset, and "
                             f"every layer engaging {cls} it may adjust has one ({held}); drop the target, "
                             "leave one unset, or switch calibration off (calibration: off in the scenario or in a grid's "
                             "overrides, or --no-calibrate)"))
    return problems


# --- grid ----------------------------------------------------------------------------------------


GridValue = bool | int | float | str | None


class GridFile(InputModel):
    """A sweep: a base scenario, overrides for every point, and axes of values."""

    scenario: str = Field(min_length=1)
    runs: _whole_type(1, MAX_RUNS, "at least one run") | None = None
    seed: _whole_type(0, MAX_SEED, "a seed cannot be negative") | None = None
    horizon_days: _whole_type(1, MAX_HORIZON_DAYS, "at least one day") | None = None
    overrides: dict[str, Any] = Field(default_factory=dict)
    common_random_numbers: bool = False
    grid: dict[str, Annotated[list[GridValue], Field(min_length=1)]] = Field(min_length=1)


def value_kind(value: Any) -> str:
    """The kind a grid column holds: number, text, true/false or empty."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "number"
    return "text"
