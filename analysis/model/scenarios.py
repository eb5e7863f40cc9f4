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
    start_date: 2026-06-08                 # optional: day 1; schedules may then give dates
    threats:                               # arrivals per day by class, in this order
      drone:     {per_day: 180, dispersion: 2.0}  # variance/mean: 0 fixed, 1 Poisson, >1 neg. binomial
      cruise:
        per_day: 4
        dispersion: 3.0
        changes:                           # optional, in day order: values from a day on
          - {from_day: 91, set: {per_day: 6}}
      sam: {per_day: 0.3, dispersion: 5}   # a class no layer engages: launched, and gets through
    # or resample the record's national waves (all classes of one day together), day by day or
    # in blocks of consecutive days (lulls and the largest attacks come as they came):
    # threats: {from_record: {start: 2025-07-01, end: 2025-12-31}, scale: 1.5,
    #           classes: [drone, cruise, ballistic, sam], arrivals: record-blocks, block_days: 14}
    # or draw each run's daily arrivals from the tempo forecast (analysis.model.forecast_threats):
    # threats: {from_forecast: {start: 2026-06-08, classes: [drone], model: auto, by: week}}
    interceptors:
      pac3_mse:
        stock: 400
        deliveries_per_month: 20
        unit_cost_usd: 4.0e6
        deliveries:                        # optional, in day order
          - {day: 45, count: 120}          # a dated lump (a donation), on top of the monthly flow
          - {from_day: 181, per_month: 40} # from this day the monthly flow is 40
        output_per_year: 600               # optional: world output a year, for the back-cast check
    layers:                                # tried in order; a threat not killed goes on
      - name: patriot
        interceptor: pac3_mse              # omit for a layer that spends no interceptors (guns, EW)
        engages:
          ballistic: {shots: 2, pk: 0.7, salvo: partial}  # fewer left than shots: fire them
          cruise: {shots: 1, pk: 0.9}      # salvo: hold (default) keeps them for a full salvo;
                                           # held: keep (with hold) keeps them from other classes
        engage_probability: 0.9            # or per class: {ballistic: 0.9, cruise: 0.6}; omitted:
                                           # solved by calibration, else 1
        capacity_per_day: null             # most engagements a day, all classes together
        cost_per_engagement_usd: 0         # optional: spending per engagement (on top of interceptors)
        allocation: priority               # or proportional: who gets a shared stock and capacity
        reserve: {ballistic: 40}           # optional: interceptors only this class may use
        changes:                           # optional, in day order: values from a day on
          - {from_day: 91, set: {engages.ballistic.pk: 0.4}}
    attacker_costs_usd: {drone: 50000, cruise: 6.5e6}   # optional
    calibration:                           # optional: solve engage probabilities for these rates
      target: {ballistic: 0.4}             # a figure per class, or one number for every class
      period: {start: 2025-12-01, end: 2026-05-31}  # optional: the days the targets describe
      # from_record: {start: 2025-07-01, end: 2025-12-31}   # or the record's rate over a period
      missiles: destroyed                  # or neutralised: what a missile "stopped" counts
      layers: [patriot]                    # optional: which layers to adjust (default: all)
    # calibration: off                     # the same as no calibration block

What a layer's `changes` may set: `engages.CLASS.pk`, `engages.CLASS.shots`,
`engage_probability` (every class) or `engage_probability.CLASS`, `capacity_per_day`. A change
holds from its day to the next change of the same value; calibration solves the engage
probabilities of day 1, and a change of a kill probability keeps them (the layer engages as many
and stops fewer). `Scenario.on_day(day)` is the scenario with every value in force on that day.

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
    LAYER_CHANGE_KEYS,
    RECORD_CLASSES,
    DeliveryLump,
    ForecastSpec,
    ForecastThreatsSpec,
    RecordThreatsSpec,
    ScenarioFile,
    change_key,
    change_value,
    reference_problems,
    resolve_day,
)

__all__ = [
    "DEFAULT_RUNS", "DEFAULT_SEED", "RECORD_CLASSES", "Calibration", "Engagement", "Interceptor",
    "Layer", "RecordThreats", "Scenario", "ThreatClass", "apply_overrides", "load_scenario",
    "resolve_scenario_path", "scenario_from_dict",
]


DAYS_PER_MONTH_FACTOR = 12.0 / 365.0  # a monthly figure as a daily one


@dataclass(frozen=True)
class ThreatClass:
    """Arrivals of one class: mean per day and dispersion (variance / mean), and from which day
    on other values hold (`changes`: (day, per_day or None, dispersion or None), in day order)."""

    name: str
    per_day: float
    dispersion: float
    changes: tuple[tuple[int, float | None, float | None], ...] = ()

    def on_day(self, day: int) -> ThreatClass:
        """The values in force on `day` (no changes left)."""
        per_day, dispersion = self.per_day, self.dispersion
        for when, new_mean, new_dispersion in self.changes:
            if when <= day:
                per_day = per_day if new_mean is None else new_mean
                dispersion = dispersion if new_dispersion is None else new_dispersion
        return ThreatClass(self.name, per_day, dispersion)


@dataclass(frozen=True)
class RecordThreats:
    """Arrivals resampled from the record's national waves in a period: whole days one at a time
    (`record-days`) or blocks of `block_days` consecutive days (`record-blocks`)."""

    start: dt.date
    end: dt.date
    scale: float
    classes: tuple[str, ...]
    command: str = "national"
    arrivals: str = "record-days"
    block_days: int | None = None


@dataclass(frozen=True)
class Interceptor:
    """Stock on day 1, the monthly flow of deliveries, and `schedule`: dated lumps (day, count,
    None) and changes of the flow (day, None, per_month), in day order."""

    name: str
    stock: int
    deliveries_per_month: float
    unit_cost_usd: float
    schedule: tuple[tuple[int, int | None, float | None], ...] = ()
    output_per_year: float | None = None  # the world's output a year (sourced), for the back-cast

    @property
    def deliveries_per_day(self) -> float:
        """Deliveries arrive evenly: the monthly figure x 12 / 365 per day (the flow of day 1)."""
        return self.deliveries_per_month * DAYS_PER_MONTH_FACTOR

    def flows(self) -> list[tuple[int, float]]:
        """(first day, deliveries a day) of each stretch of the monthly flow, from day 1."""
        stretches = [(1, self.deliveries_per_day)]
        for day, _, per_month in self.schedule:
            if per_month is None:
                continue
            rate = per_month * DAYS_PER_MONTH_FACTOR
            if day <= stretches[-1][0]:
                stretches[-1] = (stretches[-1][0], rate)
            else:
                stretches.append((day, rate))
        return stretches

    def lumps(self) -> list[tuple[int, int]]:
        """(day, count) of the dated lumps."""
        return [(day, count) for day, count, _ in self.schedule if count is not None]

    def on_day(self, day: int) -> Interceptor:
        """The monthly flow in force on `day`, without the schedule (the stock as it is)."""
        rate = [r for first, r in self.flows() if first <= day][-1]
        return Interceptor(self.name, self.stock, rate / DAYS_PER_MONTH_FACTOR, self.unit_cost_usd,
                           (), self.output_per_year)


@dataclass(frozen=True)
class Engagement:
    """How a layer engages one class: interceptors per threat and single-shot kill probability;
    with fewer left than `shots`, `salvo` says whether the layer holds them for a full engagement
    (`hold`) or fires what is left (`partial`), and `held` whether other classes of the layer may
    use a held stock (`share`) or not (`keep`: the class keeps one full salvo for itself)."""

    shots: int
    pk: float
    salvo: str = "hold"
    held: str = "share"

    @property
    def kill_probability(self) -> float:
        """Chance an engagement kills: 1 - (1 - pk)^shots."""
        return 1.0 - (1.0 - self.pk) ** self.shots

    def kill_probability_of(self, fired: int) -> float:
        """Chance an engagement of `fired` interceptors kills (a partial salvo fires fewer)."""
        return 1.0 - (1.0 - self.pk) ** fired


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
    changes: tuple[tuple[int, tuple[tuple[str, Any], ...]], ...] = ()  # (day, ((key, value), ...))

    @property
    def effective_reserve(self) -> dict[str, int]:
        """Interceptors kept for each class: its `reserve`, and at least one full salvo for a class
        whose held stock others may not use (`held: keep`)."""
        kept = dict(self.reserve)
        for cls, engagement in self.engages.items():
            if engagement.held == "keep":
                kept[cls] = max(kept.get(cls, 0), engagement.shots)
        return {cls: count for cls, count in kept.items() if count}

    def on_day(self, day: int) -> Layer:
        """The layer with the values of its changes in force on `day` (no changes left)."""
        from dataclasses import replace

        engages = dict(self.engages)
        engage = dict(self.engage_probability)
        capacity = self.capacity_per_day
        for when, values in self.changes:
            if when > day:
                continue
            for key, value in values:
                pattern, cls = change_key(key, list(self.engages))
                value = change_value(LAYER_CHANGE_KEYS[pattern], value)
                if pattern == "engages.X.pk":
                    engages[cls] = replace(engages[cls], pk=value)
                elif pattern == "engages.X.shots":
                    engages[cls] = replace(engages[cls], shots=value)
                elif pattern == "engage_probability":
                    engage = dict.fromkeys(engage, value)
                elif pattern == "engage_probability.X":
                    engage[cls] = value
                else:
                    capacity = value
        return replace(self, engages=engages, engage_probability=engage, capacity_per_day=capacity, changes=())


@dataclass(frozen=True)
class Calibration:
    target: dict[str, float] | None  # class -> interception rate; None when from the record
    from_record: tuple[dt.date, dt.date] | None
    layers: tuple[str, ...] | None
    period: tuple[dt.date, dt.date] | None = None  # the days given targets describe
    missiles: str = "destroyed"  # what a missile "stopped" counts (destroyed or neutralised)

    @property
    def days(self) -> tuple[dt.date, dt.date] | None:
        """The period the targets describe: the record's period, or the one stated with them."""
        return self.from_record or self.period


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
    start_date: dt.date | None = None  # day 1, when the scenario gives it

    @property
    def change_days(self) -> tuple[int, ...]:
        """Days (after day 1) on which a layer's or a threat's values change, in order."""
        days = {day for layer in self.layers for day, _ in layer.changes}
        if self.threats is not None:
            days |= {day for threat in self.threats.values() for day, _, _ in threat.changes}
        return tuple(sorted(day for day in days if day > 1))

    def on_day(self, day: int) -> Scenario:
        """The scenario with every value in force on `day`: each layer's and threat's changes and
        each interceptor's monthly flow of that day, no schedules (the stocks as they are). What
        the long run takes: `on_day(horizon_days)` is where the scenario settles. Built from the
        normalised form, so overrides and calibration work on it as on any scenario."""
        data = self.to_dict()
        for name, raw in data["interceptors"].items():
            raw["deliveries_per_month"] = self.interceptors[name].on_day(day).deliveries_per_month
            raw["deliveries"] = []
        if self.threats is not None:
            for cls, raw in data["threats"].items():
                now = self.threats[cls].on_day(day)
                raw.update(per_day=now.per_day, dispersion=now.dispersion, changes=[])
        for raw, layer in zip(data["layers"], self.layers, strict=True):
            now = layer.on_day(day)
            for cls, engagement in now.engages.items():
                raw["engages"][cls].update(pk=engagement.pk, shots=engagement.shots)
            for when, values in layer.changes:  # an engage probability a change sets is held
                for key, value in values if when <= day else ():
                    if key == "engage_probability":
                        raw["engage_probability"] = dict.fromkeys(layer.engages, value)
                    elif key.startswith("engage_probability."):
                        raw["engage_probability"][key.split(".", 1)[1]] = value
            raw["capacity_per_day"] = now.capacity_per_day
            raw["changes"] = []
        document = YamlDocument(data=data, source=f"{self.source} (values of day {day})", lines=self.lines)
        return _replace_source(parse_scenario(document), self.source, self.lines)

    @property
    def settled(self) -> Scenario:
        """The values in force on the horizon's last day (`on_day`): the long run's scenario."""
        if not self.change_days and not any(i.schedule for i in self.interceptors.values()):
            return self
        return self.on_day(self.horizon_days)

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
    start = model.start_date
    if isinstance(model.threats, RecordThreatsSpec):
        spec = model.threats
        record = RecordThreats(spec.from_record.start, spec.from_record.end, spec.scale,
                               tuple(spec.classes), spec.command, spec.arrivals, spec.block_days)
    elif isinstance(model.threats, ForecastThreatsSpec):
        forecast = model.threats.from_forecast
    else:
        threats = {name: ThreatClass(name, spec.per_day, spec.dispersion, tuple(
                       (resolve_day(c.from_day, start), c.set.per_day, c.set.dispersion) for c in spec.changes))
                   for name, spec in model.threats.items()}
    interceptors = {
        name: Interceptor(name, spec.stock, spec.deliveries_per_month, spec.unit_cost_usd, tuple(
            (resolve_day(step.day, start), step.count, None) if isinstance(step, DeliveryLump)
            else (resolve_day(step.from_day, start), None, step.per_month) for step in spec.deliveries),
            spec.output_per_year)
        for name, spec in model.interceptors.items()
    }
    layers = []
    for layer, raw in zip(model.layers, data["layers"], strict=True):
        given = {cls: value for cls, value in raw["engage_probability"].items() if value is not None}
        layers.append(Layer(
            name=raw["name"],
            interceptor=layer.interceptor,
            engages={cls: Engagement(spec.shots, spec.pk, spec.salvo, spec.held) for cls, spec in layer.engages.items()},
            engage_probability={cls: given.get(cls, 1.0) for cls in layer.engages},
            capacity_per_day=layer.capacity_per_day,
            cost_per_engagement_usd=layer.cost_per_engagement_usd,
            engage_given=frozenset(given),
            allocation=layer.allocation,
            reserve={cls: count for cls, count in raw["reserve"].items() if count},
            changes=tuple((resolve_day(change.from_day, start), tuple(change.set.items()))
                          for change in layer.changes),
        ))
    calibration = None
    if model.calibration is not None:
        spec = model.calibration
        target = data["calibration"]["target"]
        calibration = Calibration(
            target=None if target is None else {c: v for c, v in target.items() if v is not None},
            from_record=None if spec.from_record is None else (spec.from_record.start, spec.from_record.end),
            layers=None if spec.layers is None else tuple(spec.layers),
            period=None if spec.period is None else (spec.period.start, spec.period.end),
            missiles=spec.missiles,
        )
    return Scenario(
        name=model.name, horizon_days=model.horizon_days, runs=model.runs, seed=model.seed,
        classes=classes, threats=threats, record_threats=record, interceptors=interceptors,
        layers=tuple(layers), attacker_costs_usd=dict(data["attacker_costs_usd"]),
        calibration=calibration, description=model.description, period=model.period,
        source=document.source,
        data=data, lines=dict(document.lines), forecast_threats=forecast, start_date=start,
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
