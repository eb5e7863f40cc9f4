"""Declared schemas of the model's input files: scenarios and grids.

Each file is read with `analysis.inputs.load_yaml` (bounded) and validated here with pydantic
(`InputModel`: unknown keys refused); errors name file, line, key and value. What pydantic cannot
see on one field (a layer naming an interceptor that does not exist, a class no threat has) is
checked by `reference_problems`, which reports in the same form.

The limits below keep every value inside what the engine can count and the machine can hold: they
are far beyond any real attack or stock, and an error names the limit.

A new kind of `threats` (for example `from_forecast`) is added by a model and an entry in
`THREAT_KINDS` (the key that marks it -> the model).
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
RECORD_CLASSES = ("drone", "cruise", "ballistic")
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


# --- scenario ------------------------------------------------------------------------------------


class Period(InputModel):
    start: Date
    end: Date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"ends ({self.end}) before it starts ({self.start})")
        return self


class ThreatSpec(InputModel):
    """Arrivals of one class: mean per day and dispersion (variance / mean)."""

    per_day: _number_type(0.0, MAX_PER_DAY, "arrivals per day cannot be negative")
    dispersion: _number_type(0.0, MAX_DISPERSION, "dispersion (variance / mean) cannot be negative") = 1.0


def _distinct(classes: list[str]) -> list[str]:
    if len(set(classes)) != len(classes):
        raise ValueError("a class is listed twice")
    return classes


# Classes the record counts, each at most once (arrivals from the record or from its forecast).
RecordClassList = Annotated[list[Literal["drone", "cruise", "ballistic"]], AfterValidator(_distinct),
                            Field(min_length=1)]
Scale = _number_type(0.0, MAX_SCALE, "a scale cannot be negative")


class RecordThreatsSpec(InputModel):
    """Whole days of the record's waves in a period, resampled and scaled."""

    from_record: Period
    scale: Scale = 1.0
    classes: RecordClassList = Field(default_factory=lambda: list(RECORD_CLASSES))
    command: Literal["national", "regional"] = "national"


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


class InterceptorSpec(InputModel):
    stock: _whole_type(0, MAX_STOCK, "a stock cannot be negative")
    deliveries_per_month: _number_type(0.0, MAX_DELIVERIES_PER_MONTH, "deliveries cannot be negative") = 0.0
    unit_cost_usd: Money = 0.0


class EngagementSpec(InputModel):
    shots: _whole_type(1, MAX_SHOTS, "shots per engagement must be at least 1") = 1
    pk: Probability


class LayerSpec(InputModel):
    name: Name | None = None
    interceptor: Name | None = None
    engages: dict[Name, EngagementSpec] = Field(min_length=1)
    engage_probability: _per_class(Probability | None) | None = None
    capacity_per_day: _whole_type(0, MAX_CAPACITY, "a capacity cannot be negative") | None = None
    cost_per_engagement_usd: Money = 0.0
    allocation: Literal["priority", "proportional"] = "priority"
    reserve: dict[Name, _whole_type(0, MAX_STOCK, "a reserve cannot be negative")] = Field(default_factory=dict)


class CalibrationSpec(InputModel):
    target: _per_class(Probability | None) | None = None
    from_record: Period | None = None
    layers: list[Name] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> CalibrationSpec:
        if (self.target is None) == (self.from_record is None):
            raise ValueError("give exactly one of target or from_record")
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
