"""Scenarios of the interceptor depletion model: YAML files validated on load, and overrides.

A scenario says how many threats arrive per day and of which class, which interceptors exist (stock,
deliveries, unit cost), which defensive layers try each threat in turn, and what the attacker's
munitions cost. The file format, with the meaning of every key::

    name: baseline-2025-10
    description: free text                 # optional
    horizon_days: 365
    runs: 10000
    seed: 20251010
    threats:                               # arrivals per day by class, in this order
      drone:     {per_day: 180, dispersion: 2.0}  # variance/mean: 0 fixed, 1 Poisson, >1 neg. binomial
      cruise:    {per_day: 4,   dispersion: 3.0}
    # or resample whole days of the record's national waves (all classes of one day together):
    # threats: {from_record: {start: 2025-07-01, end: 2025-12-31}, scale: 1.5,
    #           classes: [drone, cruise, ballistic]}
    interceptors:
      pac3_mse: {stock: 400, deliveries_per_month: 40, unit_cost_usd: 4.0e6}
    layers:                                # tried in order; a threat not killed goes on
      - name: patriot
        interceptor: pac3_mse              # omit for a layer that spends no interceptors (guns, EW)
        engages: {ballistic: {shots: 2, pk: 0.7}, cruise: {shots: 1, pk: 0.9}}
        engage_probability: 0.9            # or per class: {ballistic: 0.9, cruise: 0.6}
        capacity_per_day: null             # most engagements a day, all classes together
        cost_per_engagement_usd: 0         # optional: spending per engagement (on top of interceptors)
    attacker_costs_usd: {drone: 50000, cruise: 6.5e6}
    calibration:                           # optional: solve engage probabilities for these rates
      target: {ballistic: 0.4}             # a figure per class, or one number for every class
      # from_record: {start: 2025-07-01, end: 2025-12-31}   # or the record's rate over a period
      layers: [patriot]                    # optional: which layers to adjust (default: all)

`load_scenario(path)` and `scenario_from_dict(data)` validate everything and raise
`ScenarioError` naming the file, the key (dotted, e.g. `layers.0.engages.ballistic.pk`) and the
value. `apply_overrides(data, {"threats.drone.per_day": 300})` changes a raw scenario mapping by
dotted keys; a layer can be named by index or by name (`layers.patriot.engage_probability`).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import ScenarioError

TOP_KEYS = {
    "name", "description", "horizon_days", "runs", "seed", "threats", "interceptors", "layers",
    "attacker_costs_usd", "calibration",
}
REQUIRED_TOP_KEYS = ("name", "horizon_days", "threats", "interceptors", "layers")
THREAT_KEYS = {"per_day", "dispersion"}
RECORD_THREAT_KEYS = {"from_record", "scale", "classes", "command"}
PERIOD_KEYS = {"start", "end"}
INTERCEPTOR_KEYS = {"stock", "deliveries_per_month", "unit_cost_usd"}
LAYER_KEYS = {
    "name", "interceptor", "engages", "engage_probability", "capacity_per_day",
    "cost_per_engagement_usd",
}
ENGAGEMENT_KEYS = {"shots", "pk"}
CALIBRATION_KEYS = {"target", "from_record", "layers"}
RECORD_CLASSES = ("drone", "cruise", "ballistic")
DEFAULT_RUNS = 10_000
DEFAULT_SEED = 20251010


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
    engage_probability: dict[str, float]  # per engaged class
    capacity_per_day: int | None
    cost_per_engagement_usd: float = 0.0


@dataclass(frozen=True)
class Calibration:
    target: dict[str, float] | None  # class -> interception rate; None when from the record
    from_record: tuple[dt.date, dt.date] | None
    layers: tuple[str, ...] | None


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. `to_dict()` gives back a mapping `scenario_from_dict` accepts."""

    name: str
    horizon_days: int
    runs: int
    seed: int
    classes: tuple[str, ...]
    threats: dict[str, ThreatClass] | None  # parametric arrivals, or None ...
    record_threats: RecordThreats | None  # ... when arrivals come from the record
    interceptors: dict[str, Interceptor]
    layers: tuple[Layer, ...]
    attacker_costs_usd: dict[str, float]
    calibration: Calibration | None = None
    description: str = ""
    source: str = "<dict>"
    data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def needs_record(self) -> bool:
        """Whether simulating (or calibrating) this scenario reads the public record."""
        return self.record_threats is not None or (
            self.calibration is not None and self.calibration.from_record is not None
        )

    def to_dict(self) -> dict[str, Any]:
        """The scenario as a plain mapping (the validated input, with defaults filled in)."""
        return copy.deepcopy(self.data)

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """A new scenario with dotted-key overrides applied and validated again."""
        return scenario_from_dict(apply_overrides(self.to_dict(), overrides), source=self.source)


# --- validation helpers --------------------------------------------------------------------------


def _fail(source: str, key: str, value: Any, problem: str) -> ScenarioError:
    return ScenarioError(f"{source}: key {key!r}: value {value!r}: {problem}")


def _mapping(source: str, key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(source, key, value, "must be a mapping")
    return value


def _no_unknown(source: str, key: str, value: Mapping[str, Any], allowed: set[str]) -> None:
    for k in value:
        if k not in allowed:
            where = f"{key}.{k}" if key else str(k)
            raise _fail(source, where, value[k], f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _number(
    source: str, key: str, value: Any, *, low: float | None = None, high: float | None = None,
    integer: bool = False, what: str = "",
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, str):
            try:  # YAML reads 4.0e6 as a string without a dot: accept it
                value = int(value) if integer and value.strip().lstrip("+-").isdigit() else float(value)
            except ValueError:
                raise _fail(source, key, value, "must be a number") from None
        else:
            raise _fail(source, key, value, "must be a number")
    if not math.isfinite(value):
        raise _fail(source, key, value, "must be finite")
    # ints are whole as they are (float() would round those above 2**53); floats must be integral
    if integer and isinstance(value, float) and not value.is_integer():
        raise _fail(source, key, value, "must be a whole number")
    if low is not None and value < low:
        raise _fail(source, key, value, what or f"must be at least {low:g}")
    if high is not None and value > high:
        raise _fail(source, key, value, what or f"must be at most {high:g}")
    return int(value) if integer else float(value)


def _probability(source: str, key: str, value: Any) -> float:
    return _number(source, key, value, low=0.0, high=1.0, what="a probability must lie in 0..1")


def _date(source: str, key: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _fail(source, key, value, "must be a date YYYY-MM-DD") from None


def _period(source: str, key: str, value: Any) -> tuple[dt.date, dt.date]:
    period = _mapping(source, key, value)
    _no_unknown(source, key, period, PERIOD_KEYS)
    for k in PERIOD_KEYS:
        if k not in period:
            raise _fail(source, f"{key}.{k}", None, "is required")
    start = _date(source, f"{key}.start", period["start"])
    end = _date(source, f"{key}.end", period["end"])
    if end < start:
        raise _fail(source, f"{key}.end", str(end), "ends before the start")
    return start, end


# --- parsing -------------------------------------------------------------------------------------


def _parse_threats(source: str, raw: Any) -> tuple[tuple[str, ...], dict | None, RecordThreats | None]:
    threats = _mapping(source, "threats", raw)
    if "from_record" in threats:
        _no_unknown(source, "threats", threats, RECORD_THREAT_KEYS)
        start, end = _period(source, "threats.from_record", threats["from_record"])
        scale = _number(source, "threats.scale", threats.get("scale", 1.0), low=0.0)
        classes = threats.get("classes", list(RECORD_CLASSES))
        if not isinstance(classes, list) or not classes:
            raise _fail(source, "threats.classes", classes, "must be a non-empty list")
        for i, c in enumerate(classes):
            if c not in RECORD_CLASSES:
                raise _fail(source, f"threats.classes.{i}", c,
                            f"the record's classes are {', '.join(RECORD_CLASSES)}")
        command = threats.get("command", "national")
        if command not in ("national", "regional"):
            raise _fail(source, "threats.command", command, "must be national or regional")
        record = RecordThreats(start, end, scale, tuple(classes), command)
        return tuple(classes), None, record
    if not threats:
        raise _fail(source, "threats", dict(threats), "needs at least one threat class")
    parsed: dict[str, ThreatClass] = {}
    for name, spec in threats.items():
        key = f"threats.{name}"
        spec = _mapping(source, key, spec)
        _no_unknown(source, key, spec, THREAT_KEYS)
        if "per_day" not in spec:
            raise _fail(source, f"{key}.per_day", None, "is required")
        per_day = _number(source, f"{key}.per_day", spec["per_day"], low=0.0,
                          what="arrivals per day cannot be negative")
        dispersion = _number(source, f"{key}.dispersion", spec.get("dispersion", 1.0), low=0.0,
                             what="dispersion (variance / mean) cannot be negative")
        parsed[str(name)] = ThreatClass(str(name), per_day, dispersion)
    return tuple(parsed), parsed, None


def _parse_interceptors(source: str, raw: Any) -> dict[str, Interceptor]:
    interceptors = _mapping(source, "interceptors", raw)
    parsed: dict[str, Interceptor] = {}
    for name, spec in interceptors.items():
        key = f"interceptors.{name}"
        spec = _mapping(source, key, spec)
        _no_unknown(source, key, spec, INTERCEPTOR_KEYS)
        if "stock" not in spec:
            raise _fail(source, f"{key}.stock", None, "is required")
        stock = _number(source, f"{key}.stock", spec["stock"], low=0, integer=True,
                        what="a stock cannot be negative")
        deliveries = _number(source, f"{key}.deliveries_per_month",
                             spec.get("deliveries_per_month", 0.0), low=0.0,
                             what="deliveries cannot be negative")
        cost = _number(source, f"{key}.unit_cost_usd", spec.get("unit_cost_usd", 0.0), low=0.0,
                       what="a cost cannot be negative")
        parsed[str(name)] = Interceptor(str(name), int(stock), deliveries, cost)
    return parsed


def _parse_layers(
    source: str, raw: Any, classes: tuple[str, ...], interceptors: dict[str, Interceptor]
) -> tuple[Layer, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(source, "layers", raw, "must be a non-empty list of layers")
    layers: list[Layer] = []
    names: set[str] = set()
    for i, spec in enumerate(raw):
        key = f"layers.{i}"
        spec = _mapping(source, key, spec)
        _no_unknown(source, key, spec, LAYER_KEYS)
        name = str(spec.get("name", f"layer{i}"))
        if name in names:
            raise _fail(source, f"{key}.name", name, "two layers have this name")
        names.add(name)
        interceptor = spec.get("interceptor")
        if interceptor is not None and interceptor not in interceptors:
            raise _fail(source, f"{key}.interceptor", interceptor,
                        f"no such interceptor (defined: {', '.join(interceptors) or 'none'})")
        engages_raw = _mapping(source, f"{key}.engages", spec.get("engages"))
        if not engages_raw:
            raise _fail(source, f"{key}.engages", dict(engages_raw), "engages no class")
        engages: dict[str, Engagement] = {}
        for cls, eng in engages_raw.items():
            ekey = f"{key}.engages.{cls}"
            if cls not in classes:
                raise _fail(source, ekey, cls, f"no such threat class (defined: {', '.join(classes)})")
            eng = _mapping(source, ekey, eng)
            _no_unknown(source, ekey, eng, ENGAGEMENT_KEYS)
            shots = _number(source, f"{ekey}.shots", eng.get("shots", 1), low=1, integer=True,
                            what="shots per engagement must be at least 1")
            pk = _probability(source, f"{ekey}.pk", eng.get("pk"))
            engages[str(cls)] = Engagement(int(shots), pk)
        c_raw = spec.get("engage_probability", 1.0)
        if isinstance(c_raw, Mapping):
            _no_unknown(source, f"{key}.engage_probability", c_raw, set(engages))
            c = {cls: _probability(source, f"{key}.engage_probability.{cls}", c_raw.get(cls, 1.0))
                 for cls in engages}
        else:
            value = _probability(source, f"{key}.engage_probability", c_raw)
            c = dict.fromkeys(engages, value)
        capacity = spec.get("capacity_per_day")
        if capacity is not None:
            capacity = int(_number(source, f"{key}.capacity_per_day", capacity, low=0, integer=True,
                                   what="a capacity cannot be negative"))
        cost = _number(source, f"{key}.cost_per_engagement_usd",
                       spec.get("cost_per_engagement_usd", 0.0), low=0.0,
                       what="a cost cannot be negative")
        layers.append(Layer(name, interceptor, engages, c, capacity, cost))
    return tuple(layers)


def _parse_calibration(
    source: str, raw: Any, classes: tuple[str, ...], layers: tuple[Layer, ...]
) -> Calibration | None:
    if raw is None:
        return None
    spec = _mapping(source, "calibration", raw)
    _no_unknown(source, "calibration", spec, CALIBRATION_KEYS)
    if ("target" in spec) == ("from_record" in spec):
        raise _fail(source, "calibration", dict(spec), "give exactly one of target or from_record")
    target = None
    period = None
    if "target" in spec:
        t = spec["target"]
        if isinstance(t, Mapping):
            target = {}
            for cls, value in t.items():
                if cls not in classes:
                    raise _fail(source, f"calibration.target.{cls}", cls, "no such threat class")
                target[str(cls)] = _probability(source, f"calibration.target.{cls}", value)
        else:
            value = _probability(source, "calibration.target", t)
            target = dict.fromkeys(classes, value)
    else:
        period = _period(source, "calibration.from_record", spec["from_record"])
    chosen = spec.get("layers")
    if chosen is not None:
        known = {layer.name for layer in layers}
        if not isinstance(chosen, list):
            raise _fail(source, "calibration.layers", chosen, "must be a list of layer names")
        for i, name in enumerate(chosen):
            if name not in known:
                raise _fail(source, f"calibration.layers.{i}", name, "no such layer")
        chosen = tuple(chosen)
    return Calibration(target, period, chosen)


def scenario_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a raw scenario mapping; `source` names the file in error messages."""
    data = _mapping(source, "(top level)", data)
    _no_unknown(source, "", data, TOP_KEYS)
    for key in REQUIRED_TOP_KEYS:
        if key not in data:
            raise _fail(source, key, None, "is required")
    name = str(data["name"])
    horizon = int(_number(source, "horizon_days", data["horizon_days"], low=1, integer=True))
    runs = int(_number(source, "runs", data.get("runs", DEFAULT_RUNS), low=1, integer=True))
    seed = int(_number(source, "seed", data.get("seed", DEFAULT_SEED), low=0, integer=True))
    classes, threats, record_threats = _parse_threats(source, data["threats"])
    interceptors = _parse_interceptors(source, data["interceptors"])
    layers = _parse_layers(source, data["layers"], classes, interceptors)
    costs_raw = _mapping(source, "attacker_costs_usd", data.get("attacker_costs_usd", {}) or {})
    costs: dict[str, float] = {}
    for cls, value in costs_raw.items():
        if cls not in classes:
            raise _fail(source, f"attacker_costs_usd.{cls}", cls, "no such threat class")
        costs[str(cls)] = _number(source, f"attacker_costs_usd.{cls}", value, low=0.0,
                                  what="a cost cannot be negative")
    for cls in classes:
        costs.setdefault(cls, 0.0)
    calibration = _parse_calibration(source, data.get("calibration"), classes, layers)
    normalised = copy.deepcopy(dict(data))
    normalised.update({"runs": runs, "seed": seed})
    return Scenario(
        name=name, horizon_days=horizon, runs=runs, seed=seed, classes=classes, threats=threats,
        record_threats=record_threats, interceptors=interceptors, layers=layers,
        attacker_costs_usd=costs, calibration=calibration,
        description=str(data.get("description", "") or ""), source=source, data=normalised,
    )


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
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ScenarioError(f"{path.name}:{where}: not valid YAML: {error}") from None
    return scenario_from_dict(data, source=path.name)


# --- overrides -----------------------------------------------------------------------------------


def apply_overrides(data: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a raw scenario mapping with dotted-key overrides applied.

    `threats.drone.per_day`, `interceptors.pac3_mse.deliveries_per_month`,
    `layers.0.engages.ballistic.pk` or `layers.patriot.engage_probability`. The path up to the last
    key must exist, and the last key must be a known scenario key (validated afterwards anyway):
    a typo raises `ScenarioError` rather than silently adding a key.
    """
    result = copy.deepcopy(dict(data))
    for dotted, value in overrides.items():
        parts = str(dotted).split(".")
        node: Any = result
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            where = ".".join(parts[: depth + 1])
            if isinstance(node, list):
                index = _layer_index(node, part)
                if index is None:
                    raise _fail("overrides", where, value, "no such list item or layer name")
                if last:
                    node[index] = value
                else:
                    node = node[index]
                continue
            if not isinstance(node, dict):
                raise _fail("overrides", where, value, "cannot descend into a non-mapping")
            if last:
                if part not in node and not _known_leaf(parts):
                    raise _fail("overrides", str(dotted), value, "unknown scenario key")
                node[part] = value
            else:
                if part not in node:
                    if _known_leaf(parts) and depth == len(parts) - 2 and parts[0] == "layers":
                        node[part] = {}  # e.g. a per-class engage probability not yet a mapping
                    else:
                        raise _fail("overrides", where, value, "unknown scenario key")
                if not isinstance(node[part], dict | list):
                    if parts[0] == "layers" and part == "engage_probability":
                        # turn a single probability into a per-class mapping before setting one class
                        node[part] = {}
                    else:
                        raise _fail("overrides", where, value, "cannot descend into a value")
                node = node[part]
    return result


def _layer_index(items: list[Any], part: str) -> int | None:
    if part.lstrip("-").isdigit():
        index = int(part)
        return index if -len(items) <= index < len(items) else None
    for i, item in enumerate(items):
        if isinstance(item, Mapping) and str(item.get("name")) == part:
            return i
    return None


def _known_leaf(parts: list[str]) -> bool:
    """Whether a dotted key ends in a key the scenario format knows (so it may be added)."""
    leaf = parts[-1]
    head = parts[0]
    if head == "interceptors":
        return len(parts) == 3 and leaf in INTERCEPTOR_KEYS
    if head == "threats":
        return (len(parts) == 3 and leaf in THREAT_KEYS) or (len(parts) == 2 and leaf in RECORD_THREAT_KEYS)
    if head == "layers":
        return (len(parts) == 3 and leaf in LAYER_KEYS) or (
            len(parts) == 4 and parts[2] == "engage_probability"
        ) or (len(parts) == 5 and parts[2] == "engages" and leaf in ENGAGEMENT_KEYS)
    if head == "attacker_costs_usd":
        return len(parts) == 2
    return len(parts) == 1 and leaf in TOP_KEYS
