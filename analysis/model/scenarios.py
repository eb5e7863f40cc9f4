"""Scenarios of the interceptor depletion model: YAML files validated on load, and overrides.

A scenario says how many threats arrive per day and of which class, which interceptors exist (stock,
deliveries, unit cost), which defensive layers try each threat in turn, and what the attacker's
munitions cost. The file format, with the meaning of every key::

    name: baseline-2025-10
    description: free text                 # optional
    period: October 2025                   # optional: the attack the rates describe (reports)
    horizon_days: 365
    runs: 10000
    seed: 20251010
    threats:                               # arrivals per day by class, in this order
      drone:     {per_day: 180, dispersion: 2.0}  # variance/mean: 0 fixed, 1 Poisson, >1 neg. binomial
      cruise:    {per_day: 4,   dispersion: 3.0}
    # or resample whole days of the record's national waves (all classes of one day together):
    # threats: {from_record: {start: 2025-07-01, end: 2025-12-31}, scale: 1.5,
    #           classes: [drone, cruise, ballistic]}
    # or draw each run's daily arrivals from the tempo forecast (analysis.model.forecast_threats):
    # threats: {from_forecast: {start: 2026-06-08, classes: [drone], model: auto, by: week}}
    interceptors:
      pac3_mse: {stock: 400, deliveries_per_month: 40, unit_cost_usd: 4.0e6}
    layers:                                # tried in order; a threat not killed goes on
      - name: patriot
        interceptor: pac3_mse              # omit for a layer that spends no interceptors (guns, EW)
        engages: {ballistic: {shots: 2, pk: 0.7}, cruise: {shots: 1, pk: 0.9}}
        engage_probability: 0.9            # or per class: {ballistic: 0.9, cruise: 0.6}; omitted:
                                           # solved by calibration, else 1
        capacity_per_day: null             # most engagements a day, all classes together
        cost_per_engagement_usd: 0         # optional: spending per engagement (on top of interceptors)
        allocation: priority               # or proportional: who gets a shared stock and capacity
        reserve: {ballistic: 40}           # optional: interceptors only this class may use
    attacker_costs_usd: {drone: 50000, cruise: 6.5e6}   # optional
    calibration:                           # optional: solve engage probabilities for these rates
      target: {ballistic: 0.4}             # a figure per class, or one number for every class
      # from_record: {start: 2025-07-01, end: 2025-12-31}   # or the record's rate over a period
      layers: [patriot]                    # optional: which layers to adjust (default: all)
    # calibration: off                     # the same as no calibration block

The schema is `analysis.model.schema.ScenarioFile`. `load_scenario(path)` reads a file through
`analysis.inputs.load_yaml` and `scenario_from_dict(data)` validates a mapping; both raise
`ScenarioError` naming the file, the line, the key (dotted, e.g. `layers.0.engages.ballistic.pk`) and
the value.

A validated scenario keeps its *normalised* form (`Scenario.to_dict()`): every optional key present,
every per-class mapping written out for every class it can hold (`engage_probability` of a layer
for each class it engages, `attacker_costs_usd` and a calibration `target` for every class, `null`
where nothing was given). Overrides apply to that form, so `layers.patriot.engage_probability.cruise`
changes the cruise value and nothing else, even where the file gave one number for all classes.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.errors import ScenarioError
from analysis.inputs import YamlDocument, load_yaml, parse_model, shown
from analysis.model.schema import (
    DEFAULT_RUNS,
    DEFAULT_SEED,
    RECORD_CLASSES,
    ForecastSpec,
    ForecastThreatsSpec,
    RecordThreatsSpec,
    ScenarioFile,
    reference_problems,
)

__all__ = [
    "DEFAULT_RUNS", "DEFAULT_SEED", "RECORD_CLASSES", "Calibration", "Engagement", "Interceptor",
    "Layer", "RecordThreats", "Scenario", "ThreatClass", "apply_overrides", "load_scenario",
    "resolve_scenario_path", "scenario_from_dict",
]


@dataclass(frozen=True)
class ThreatClass:
    """Arrivals of one class: mean per day and dispersion (variance / mean)."""

    name: str
    per_day: float
    dispersion: float


@dataclass(frozen=True)
class RecordThreats:
    """Arrivals resampled from whole days of the record's national waves in a period."""

    start: dt.date
    end: dt.date
    scale: float
    classes: tuple[str, ...]
    command: str = "national"


@dataclass(frozen=True)
class Interceptor:
    name: str
    stock: int
    deliveries_per_month: float
    unit_cost_usd: float

    @property
    def deliveries_per_day(self) -> float:
        """Deliveries arrive evenly: the monthly figure x 12 / 365 per day."""
        return self.deliveries_per_month * 12.0 / 365.0


@dataclass(frozen=True)
class Engagement:
    """How a layer engages one class: interceptors per threat and single-shot kill probability."""

    shots: int
    pk: float

    @property
    def kill_probability(self) -> float:
        """Chance an engagement kills: 1 - (1 - pk)^shots."""
        return 1.0 - (1.0 - self.pk) ** self.shots


@dataclass(frozen=True)
class Layer:
    name: str
    interceptor: str | None
    engages: dict[str, Engagement]  # in the order listed: the order capacity is used in
    engage_probability: dict[str, float]  # per engaged class (1 where the file gives none)
    capacity_per_day: int | None
    cost_per_engagement_usd: float = 0.0
    engage_given: frozenset[str] = frozenset()  # classes whose engage probability the file sets
    allocation: str = "priority"  # who gets a shared stock and capacity (analysis.model.allocation)
    reserve: dict[str, int] = field(default_factory=dict)  # interceptors kept for one class


@dataclass(frozen=True)
class Calibration:
    target: dict[str, float] | None  # class -> interception rate; None when from the record
    from_record: tuple[dt.date, dt.date] | None
    layers: tuple[str, ...] | None


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. `to_dict()` gives its normalised form, which `scenario_from_dict` accepts."""

    name: str
    horizon_days: int
    runs: int
    seed: int
    classes: tuple[str, ...]
    threats: dict[str, ThreatClass] | None  # parametric arrivals, or None ...
    record_threats: RecordThreats | None  # ... when arrivals come from the record
    interceptors: dict[str, Interceptor]
    layers: tuple[Layer, ...]
    attacker_costs_usd: dict[str, float | None]  # None: not given (no cost-exchange ratio)
    calibration: Calibration | None = None
    description: str = ""
    period: str = ""  # the attack the rates describe, in words, e.g. "December 2025 to May 2026"
    source: str = "<dict>"
    data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    lines: Mapping[tuple, int] = field(default_factory=dict, repr=False, compare=False)
    forecast_threats: ForecastSpec | None = None  # arrivals drawn from the tempo forecast

    @property
    def needs_record(self) -> bool:
        """Whether simulating (or calibrating) this scenario reads the public record."""
        return self.record_threats is not None or self.forecast_threats is not None or (
            self.calibration is not None and self.calibration.from_record is not None
        )

    @property
    def has_attacker_costs(self) -> bool:
        """Whether every class has an attacker cost (else no cost-exchange ratio)."""
        return all(self.attacker_costs_usd.get(c) is not None for c in self.classes)

    def to_dict(self) -> dict[str, Any]:
        """The scenario's normalised form: a plain mapping of JSON types (see the module doc)."""
        return copy.deepcopy(self.data)

    def with_overrides(self, overrides: Mapping[str, Any], origin: str = "overrides") -> Scenario:
        """A new scenario with dotted-key overrides applied to the normalised form and validated
        again; errors name this scenario's file and `origin` (e.g. `--set`)."""
        if not overrides:
            return self
        data = apply_overrides(self.to_dict(), overrides, source=f"{self.source} ({origin})")
        # the file's line no longer describes an overridden value: name the key without a line
        lines: dict[tuple, int | None] = dict(self.lines)
        for key in overrides:
            lines[_indexed(data, _split(key))] = None
        shown_keys = ", ".join(str(key) for key in overrides)
        document = YamlDocument(data=data, source=f"{self.source} ({origin} {shown_keys})", lines=lines)
        result = parse_scenario(document)
        return _replace_source(result, self.source, lines)


def _replace_source(scenario: Scenario, source: str, lines: Mapping[tuple, int]) -> Scenario:
    from dataclasses import replace

    return replace(scenario, source=source, lines=lines)


# --- parsing -------------------------------------------------------------------------------------


def parse_scenario(document: YamlDocument) -> Scenario:
    """Validate a YAML document (or any mapping wrapped in one) as a scenario."""
    model = parse_model(ScenarioFile, document, error=ScenarioError)
    problems = reference_problems(model)
    if problems:
        text = "\n".join(f"{document.where(keys)}: {shown(value)}: {problem}"
                         for keys, value, problem in problems[:5])
        more = len(problems) - 5
        raise ScenarioError(text + (f"\n(and {more} more)" if more > 0 else ""))
    return _build(model, document)


def normalised(model: ScenarioFile) -> dict[str, Any]:
    """The validated scenario as plain data, every per-class mapping written out (module doc)."""
    data = model.model_dump(mode="json", exclude={"threats"})
    if isinstance(model.threats, RecordThreatsSpec | ForecastThreatsSpec):
        data["threats"] = model.threats.model_dump(mode="json")
    else:
        data["threats"] = {name: spec.model_dump(mode="json") for name, spec in model.threats.items()}
    classes = model.classes
    for i, (layer, raw) in enumerate(zip(model.layers, data["layers"], strict=True)):
        raw["name"] = layer.name or f"layer{i}"
        given = layer.engage_probability
        if isinstance(given, Mapping):
            raw["engage_probability"] = {cls: given.get(cls) for cls in layer.engages}
        else:
            raw["engage_probability"] = dict.fromkeys(layer.engages, given)
        if layer.interceptor is not None:  # every class, so that one can be set by its key
            raw["reserve"] = {cls: layer.reserve.get(cls, 0) for cls in layer.engages}
    data["attacker_costs_usd"] = {cls: model.attacker_costs_usd.get(cls) for cls in classes}
    if model.calibration is not None:
        target = model.calibration.target
        if target is not None and not isinstance(target, Mapping):
            data["calibration"]["target"] = dict.fromkeys(classes, target)
        elif target is not None:
            data["calibration"]["target"] = {cls: target.get(cls) for cls in classes}
    return data


def _build(model: ScenarioFile, document: YamlDocument) -> Scenario:
    data = normalised(model)
    classes = model.classes
    threats = record = forecast = None
    if isinstance(model.threats, RecordThreatsSpec):
        spec = model.threats
        record = RecordThreats(spec.from_record.start, spec.from_record.end, spec.scale,
                               tuple(spec.classes), spec.command)
    elif isinstance(model.threats, ForecastThreatsSpec):
        forecast = model.threats.from_forecast
    else:
        threats = {name: ThreatClass(name, spec.per_day, spec.dispersion)
                   for name, spec in model.threats.items()}
    interceptors = {
        name: Interceptor(name, spec.stock, spec.deliveries_per_month, spec.unit_cost_usd)
        for name, spec in model.interceptors.items()
    }
    layers = []
    for layer, raw in zip(model.layers, data["layers"], strict=True):
        given = {cls: value for cls, value in raw["engage_probability"].items() if value is not None}
        layers.append(Layer(
            name=raw["name"],
            interceptor=layer.interceptor,
            engages={cls: Engagement(spec.shots, spec.pk) for cls, spec in layer.engages.items()},
            engage_probability={cls: given.get(cls, 1.0) for cls in layer.engages},
            capacity_per_day=layer.capacity_per_day,
            cost_per_engagement_usd=layer.cost_per_engagement_usd,
            engage_given=frozenset(given),
            allocation=layer.allocation,
            reserve={cls: count for cls, count in raw["reserve"].items() if count},
        ))
    calibration = None
    if model.calibration is not None:
        spec = model.calibration
        target = data["calibration"]["target"]
        calibration = Calibration(
            target=None if target is None else {c: v for c, v in target.items() if v is not None},
            from_record=None if spec.from_record is None else (spec.from_record.start, spec.from_record.end),
            layers=None if spec.layers is None else tuple(spec.layers),
        )
    return Scenario(
        name=model.name, horizon_days=model.horizon_days, runs=model.runs, seed=model.seed,
        classes=classes, threats=threats, record_threats=record, interceptors=interceptors,
        layers=tuple(layers), attacker_costs_usd=dict(data["attacker_costs_usd"]),
        calibration=calibration, description=model.description, period=model.period,
        source=document.source,
        data=data, lines=dict(document.lines), forecast_threats=forecast,
    )


def scenario_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a raw scenario mapping; `source` names it in error messages."""
    return parse_scenario(YamlDocument(data=data, source=source))


def resolve_scenario_path(path: str | Path) -> Path:
    """A scenario file: the path itself, or a bare name (`baseline`) in `data/scenarios/`."""
    from analysis.paths import SCENARIO_DIR

    path = Path(path)
    if not path.is_file() and not path.is_absolute():
        for candidate in (SCENARIO_DIR / path, SCENARIO_DIR / f"{path}.yaml"):
            if candidate.is_file():
                return candidate
    if not path.is_file():
        raise ScenarioError(f"{path}: scenario file not found")
    return path


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file; a bare name is looked up in `data/scenarios/`."""
    path = resolve_scenario_path(path)
    document = load_yaml(path, what="scenario file", error=ScenarioError, source=path.name)
    return parse_scenario(document)


@dataclass(frozen=True)
class Comparison:
    """Scenarios to compare side by side, the first being the reference."""

    scenarios: dict[str, Scenario]
    files: dict[str, Path]
    left_out: dict[str, str]  # name -> why it is not compared (e.g. it needs the record)


def load_comparison(names: str | list[str], horizon_days: int = 0, record: Any = None,
                    origin: str = "scenarios") -> Comparison:
    """Load a comma-separated list (or list) of scenario names; a scenario that draws on the record
    is left out, with the reason, when no record is available (the others still compare)."""
    from analysis.record import find_record

    wanted = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
    wanted = [name for name in wanted if name]
    if not wanted:
        raise ScenarioError(f"{origin}: name at least one scenario")
    if record is None or isinstance(record, str | Path):
        have_record = find_record(record or None) is not None
    else:
        have_record = True  # a record already loaded
    chosen: dict[str, Scenario] = {}
    files: dict[str, Path] = {}
    left_out: dict[str, str] = {}
    for index, name in enumerate(wanted):
        path = resolve_scenario_path(name)
        loaded = load_scenario(path)
        if horizon_days:
            loaded = loaded.with_overrides({"horizon_days": horizon_days}, origin="parameter horizon_days")
        if loaded.needs_record and not have_record:
            why = ("it draws on the public record, and none was found (fetch it with "
                   "`python -m analysis data fetch` or pass a record file)")
            if index == 0:
                raise ScenarioError(f"{origin}: the reference scenario {name} needs the record: {why}")
            left_out[name] = why
            continue
        chosen[name], files[name] = loaded, path
    return Comparison(chosen, files, left_out)


# --- overrides -----------------------------------------------------------------------------------


def _split(dotted: Any) -> tuple:
    return tuple(str(dotted).split("."))


def _indexed(data: Mapping[str, Any], parts: tuple) -> tuple:
    """A dotted key's parts with layers named by index, as the file's lines are keyed."""
    if len(parts) > 1 and parts[0] == "layers":
        index = _item_index(list(data.get("layers") or []), parts[1])
        if index is not None:
            return ("layers", index, *parts[2:])
    return parts


def apply_overrides(data: Mapping[str, Any], overrides: Mapping[str, Any],
                    source: str = "overrides") -> dict[str, Any]:
    """A copy of a scenario mapping (best its normalised form) with dotted-key overrides applied.

    `threats.drone.per_day`, `interceptors.pac3_mse.deliveries_per_month`,
    `layers.0.engages.ballistic.pk` or `layers.patriot.engage_probability.cruise` (a layer by index
    or by name). Every key on the path must exist: a typo raises `ScenarioError` naming it rather
    than adding a key that nothing reads. A whole mapping may be replaced by one value (e.g.
    `layers.patriot.engage_probability=0.8` for every class); validation afterwards checks it.
    """
    result = copy.deepcopy(dict(data))
    for dotted, value in overrides.items():
        parts = _split(dotted)
        node: Any = result
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            where = ".".join(parts[: depth + 1])
            if isinstance(node, list):
                index = _item_index(node, part)
                if index is None:
                    raise ScenarioError(f"{source}: {where}: {shown(value)}: no such layer "
                                        f"(by number 0..{len(node) - 1} or by name)")
                key: Any = index
            elif isinstance(node, dict):
                if part not in node and _reserve_without_interceptor(result, parts, depth):
                    raise ScenarioError(f"{source}: {where}: {shown(value)}: a reserve needs an "
                                        f"interceptor, and layer {parts[1]} has none")
                if part not in node:
                    known = ", ".join(str(k) for k in node) or "none"
                    raise ScenarioError(f"{source}: {where}: {shown(value)}: unknown scenario key "
                                        f"(here: {known})")
                key = part
            else:
                parent = ".".join(parts[:depth]) or "(top level)"
                raise ScenarioError(f"{source}: {dotted}: {shown(value)}: {parent} is "
                                    f"{shown(node)}, not a mapping with keys")
            if last:
                node[key] = value
            else:
                node = node[key]
    return result


def _reserve_without_interceptor(data: Mapping[str, Any], parts: tuple, depth: int) -> bool:
    """Whether parts[depth] is a class under `layers.X.reserve` of a layer without interceptor."""
    if depth != 3 or parts[0] != "layers" or parts[2] != "reserve":
        return False
    index = _item_index(list(data.get("layers") or []), parts[1])
    return index is not None and data["layers"][index].get("interceptor") is None


def _item_index(items: list[Any], part: str) -> int | None:
    if part.lstrip("-").isdigit():
        index = int(part)
        return index if -len(items) <= index < len(items) else None
    for i, item in enumerate(items):
        if isinstance(item, Mapping) and str(item.get("name")) == part:
            return i
    return None
