"""Experiment files (`data/experiments/*.yaml`): a declared schema, read through `analysis.inputs`.

```yaml
scenario: baseline                  # a name in data/scenarios/ or a path (relative to this file first)
runs: 500                           # Monte Carlo runs per experiment
seed: 20261201
overrides: {horizon_days: 365}      # optional: dotted scenario keys fixed for every experiment
design: {method: sobol, n: 256}     # sobol (Saltelli's scheme, first and total order) or lhs
inputs:                             # dotted scenario keys, as in sweeps and --set
  interceptors.pac3_mse.stock: {dist: uniform, low: 200, high: 800, label: PAC-3 MSE stock,
                                source: "why this range"}
  layers.patriot.engages.ballistic.pk: {dist: triangular, low: 0.5, mode: 0.7, high: 0.9, source: ...}
outcomes:                           # dotted paths into simulate's JSON
  - days_to_depletion.pac3_mse.median
failures:                           # named conditions on outcomes (analysis.model.explore.conditions)
  pac3-out-within-180-days: "days_to_depletion.pac3_mse.median <= 180"
  low-interception: {when: "interception_rate.mean < 74%", label: the interception rate falls below 74%}
prim: {density: 0.8, max_boxes: 3}  # optional: PRIM's density threshold and how many boxes
```

`load_experiment(path)` returns an `Experiment`: the validated file, its base scenario (overrides
applied) and every input checked against that scenario at its low, mode and high values. Each
experiment is then simulated exactly as `simulate --set` would: the project's one calibration
rule holds every value an experiment sets and solves the engage probabilities left unset, so a
kill probability drawn lower means more engagements for the same observed rate, and a calibration
target can itself be an input. Each error names the file, the line, the key and the value.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    FiniteFloat,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from analysis.errors import AnalysisError, ScenarioError
from analysis.inputs import InputModel, YamlDocument, load_yaml, parse_model, shown
from analysis.model.explore.conditions import Condition, ConditionError, parse_condition
from analysis.model.limits import MAX_RUN_DAYS  # experiments x runs x days (explore --max-run-days)
from analysis.paths import DATA_DIR

MAX_INPUTS = 40
MAX_DESIGN_N = 65_536
MAX_RUNS = 1_000_000
# Scenario keys whose values are whole numbers: sampled values are rounded for them.
INTEGER_LEAVES = {"stock", "shots", "capacity_per_day", "horizon_days"}
NOISE_INPUT = "random_numbers"  # the do-nothing input of a Sobol design (see design.py)
EXPERIMENT_DIR = DATA_DIR / "experiments"


class ExperimentError(AnalysisError):
    """An experiment file that cannot be read or does not fit its schema or its scenario."""


def _problem(message: str) -> PydanticCustomError:
    """A validation error whose message is shown as written (no 'Value error,' prefix)."""
    return PydanticCustomError("experiment", message)


def _check_condition(text: str) -> str:
    try:
        parse_condition(text)
    except ConditionError as problem:
        raise _problem(str(problem)) from None
    return text


ConditionText = Annotated[str, AfterValidator(_check_condition)]


class InputRange(InputModel):
    """What is known of one assumption: a distribution over its plausible range, and why."""

    dist: Literal["uniform", "loguniform", "triangular"]
    low: FiniteFloat
    high: FiniteFloat
    mode: FiniteFloat | None = Field(default=None, validate_default=True)
    label: str | None = Field(default=None, max_length=80)
    source: str = Field(min_length=1, max_length=500)

    @field_validator("low")
    @classmethod
    def _positive_for_log(cls, low: float, info: ValidationInfo) -> float:
        if info.data.get("dist") == "loguniform" and low <= 0:
            raise _problem("a loguniform range must start above 0")
        return low

    @field_validator("high")
    @classmethod
    def _above_low(cls, high: float, info: ValidationInfo) -> float:
        low = info.data.get("low")
        if low is not None and not high > low:
            raise _problem(f"must be above low ({low:g})")
        return high

    @field_validator("mode")
    @classmethod
    def _mode(cls, mode: float | None, info: ValidationInfo) -> float | None:
        dist, low, high = info.data.get("dist"), info.data.get("low"), info.data.get("high")
        if dist == "triangular" and mode is None:
            raise _problem("a triangular distribution needs its mode (the most likely value)")
        if dist != "triangular" and mode is not None:
            raise _problem(f"only a triangular distribution has a mode ({dist} has none)")
        if mode is not None and low is not None and high is not None and not low <= mode <= high:
            raise _problem(f"must lie between low ({low:g}) and high ({high:g})")
        return mode


class Design(InputModel):
    method: Literal["sobol", "lhs"]
    n: int = Field(ge=2, le=MAX_DESIGN_N)

    @field_validator("n")
    @classmethod
    def _power_of_two(cls, n: int, info: ValidationInfo) -> int:
        if info.data.get("method") == "sobol" and n & (n - 1):
            below = 1 << (n.bit_length() - 1)
            raise _problem(f"a Sobol design needs a power of 2 ({below} or {below * 2})")
        return n


class Failure(InputModel):
    """A condition on outcomes, written alone or as {when: condition, label: plain words}."""

    when: ConditionText = Field(min_length=1)
    label: str | None = Field(default=None, max_length=120)

    @model_validator(mode="before")
    @classmethod
    def _text_alone(cls, value: Any) -> Any:
        return {"when": value} if isinstance(value, str) else value


class PrimSettings(InputModel):
    density: float = Field(default=0.8, gt=0.0, le=1.0)  # a box must hold at least this share of failures
    max_boxes: int = Field(default=3, ge=1, le=10)
    peel_alpha: float = Field(default=0.05, gt=0.0, lt=0.5)
    mass_min: float = Field(default=0.05, gt=0.0, lt=1.0)  # smallest box, as a share of experiments
    max_restricted: int = Field(default=3, ge=1, le=MAX_INPUTS)  # inputs a box may restrict


class ExperimentFile(InputModel):
    scenario: str = Field(min_length=1)
    description: str = ""
    runs: int = Field(ge=1, le=MAX_RUNS)
    seed: int = Field(ge=0, le=2**63 - 1)
    overrides: dict[str, Any] = Field(default_factory=dict)
    design: Design
    inputs: dict[str, InputRange] = Field(min_length=1, max_length=MAX_INPUTS)
    outcomes: list[str] = Field(min_length=1, max_length=50)
    failures: dict[str, Failure] = Field(default_factory=dict, max_length=20)
    prim: PrimSettings = Field(default_factory=PrimSettings)

    @field_validator("inputs")
    @classmethod
    def _input_names(cls, inputs: dict[str, InputRange]) -> dict[str, InputRange]:
        if NOISE_INPUT in inputs:
            raise _problem(f"{NOISE_INPUT!r} is the design's own do-nothing input; name another key")
        return inputs

    @field_validator("outcomes")
    @classmethod
    def _unique(cls, outcomes: list[str]) -> list[str]:
        repeated = sorted({o for o in outcomes if outcomes.count(o) > 1})
        if repeated:
            raise _problem(f"{repeated[0]!r} is listed twice")
        return outcomes

    @field_validator("inputs")
    @classmethod
    def _input_labels(cls, inputs: dict[str, InputRange]) -> dict[str, InputRange]:
        """Sentences and charts name inputs by label: two inputs of one label could not be told
        apart (and the report's tables, keyed by label, would fail)."""
        seen: dict[str, str] = {}
        for key, spec in inputs.items():
            label = (spec.label or key).strip().casefold()
            if label in seen:
                raise _problem(f"{key} and {seen[label]} have the same label {shown(spec.label or key)}; "
                               "give each its own")
            seen[label] = key
        return inputs

    @field_validator("failures")
    @classmethod
    def _failure_labels(cls, failures: dict[str, Failure]) -> dict[str, Failure]:
        """Failures are named by label in the report (its figures and sections): two of one label
        crashed report 07 after its runs; refused here, before any."""
        seen: dict[str, str] = {}
        for name, failure in failures.items():
            label = (failure.label or failure_label(name)).strip().casefold()
            if label in seen:
                raise _problem(f"{name} and {seen[label]} have the same label "
                               f"{shown(failure.label or failure_label(name))}; give each its own")
            seen[label] = name
        return failures


@dataclass(frozen=True)
class FailureRule:
    name: str
    condition: Condition
    label: str  # plain words for sentences: "it runs out within 180 days"


@dataclass(frozen=True)
class Experiment:
    """A validated experiment file with its base scenario, ready to run."""

    spec: ExperimentFile
    base: dict[str, Any]  # the scenario as a mapping: overrides applied, calibrated once
    horizon_days: int
    source: str
    scenario_path: Path | None = None
    calibration: dict[str, Any] | None = None  # what calibration solved on the base scenario
    document: YamlDocument | None = field(default=None, compare=False, repr=False)
    failures: tuple[FailureRule, ...] = ()
    record: str | None = None  # the record file for scenarios that resample it

    @property
    def name(self) -> str:
        return Path(self.source).stem

    @property
    def inputs(self) -> dict[str, InputRange]:
        return dict(self.spec.inputs)

    def label(self, key: str) -> str:
        """How sentences name an input: its label, else its dotted key."""
        spec = self.spec.inputs.get(key)
        return spec.label if spec is not None and spec.label else key

    def where(self, keys: tuple) -> str:
        return self.document.where(keys) if self.document is not None else f"{self.source}: {'.'.join(map(str, keys))}"

    @property
    def outcome_paths(self) -> list[str]:
        """Outcomes listed, then those only the failures read."""
        paths = list(self.spec.outcomes)
        for rule in self.failures:
            paths += [p for p in rule.condition.outcomes if p not in paths]
        return paths


def resolve_scenario(name: str, base_dir: Path | None, source: str) -> Path:
    """The scenario file: beside the experiment file, as given, then in data/scenarios/."""
    from analysis.paths import SCENARIO_DIR

    candidates = [Path(name)] if Path(name).is_absolute() else []
    if base_dir is not None:
        candidates += [base_dir / name, base_dir / f"{name}.yaml"]
    candidates += [Path(name), SCENARIO_DIR / name, SCENARIO_DIR / f"{name}.yaml"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ExperimentError(f"{source}: {name!r}: no such scenario file (here or in data/scenarios/)")


def resolve_experiment_path(name: str | os.PathLike[str]) -> Path:
    """An experiment file: the path itself, or a bare name (`baseline-assumptions`) in data/experiments/."""
    path = Path(name)
    if not path.is_file() and not path.is_absolute():
        for candidate in (EXPERIMENT_DIR / path, EXPERIMENT_DIR / f"{path}.yaml"):
            if candidate.is_file():
                return candidate
    return path


def load_experiment(
    path: str | os.PathLike[str], record: str | None = None, *, runs: int | None = None,
    n: int | None = None, max_run_days: float = MAX_RUN_DAYS,
) -> Experiment:
    """Read, validate and check an experiment file against its scenario (see module docstring).

    A bare name is looked up in data/experiments/. `runs` and `n` replace the file's (a quicker
    study of the same question), validated like the file's own values.
    """
    path = resolve_experiment_path(path)
    document = load_yaml(path, what="experiment file", error=ExperimentError, source=str(path))
    if not isinstance(document.data, dict):
        raise ExperimentError(f"{path}: an experiment file is a mapping with scenario, runs, seed, "
                              "design, inputs and outcomes")
    if runs or n:
        data = dict(document.data)
        if runs:
            data["runs"] = runs
        if n and isinstance(data.get("design"), dict):
            data["design"] = {**data["design"], "n": n}
        document = YamlDocument(data=data, source=document.source, lines=document.lines)
    spec = parse_model(ExperimentFile, document, error=ExperimentError)
    scenario_path = resolve_scenario(spec.scenario, path.parent, document.where(("scenario",)))
    from analysis.model.scenarios import load_scenario

    scenario = load_scenario(scenario_path)
    return experiment_from_spec(spec, scenario, source=str(path), document=document,
                                scenario_path=scenario_path, record=record, max_run_days=max_run_days)


def experiment_from_spec(
    spec: ExperimentFile,
    scenario: Any,
    *,
    source: str = "<experiment>",
    document: YamlDocument | None = None,
    scenario_path: Path | None = None,
    record: str | None = None,
    max_run_days: float = MAX_RUN_DAYS,
) -> Experiment:
    """An `Experiment` from a validated file and a loaded scenario (the checks of `load_experiment`)."""
    from analysis.model.scenarios import apply_overrides, scenario_from_dict

    draft = Experiment(spec=spec, base={}, horizon_days=0, source=source, document=document)
    fixed = {"runs": spec.runs, "seed": spec.seed, **spec.overrides}
    try:
        scenario = scenario_from_dict(apply_overrides(scenario.to_dict(), fixed), source=scenario.source)
    except ScenarioError as problem:
        raise ExperimentError(f"{draft.where(('overrides',))}: {problem}") from None
    report = None
    if scenario.calibration is not None:  # what calibration does to the base scenario, for the record
        from analysis.model.calibration import calibrate

        _, report = calibrate(scenario, record=_record_frame(scenario, record))
    base = scenario.to_dict()
    _check_inputs(draft, base)
    horizon = int(base["horizon_days"])
    total = _experiment_count(spec) * spec.runs * horizon
    if total > max_run_days:
        raise ExperimentError(
            f"{draft.where(('design', 'n'))}: {_experiment_count(spec):,} experiments x {spec.runs:,} runs x "
            f"{horizon} days is {total:.2g} run-days, over the limit of {max_run_days:.0e} (about a day of "
            "two cores): lower n or runs, or raise the limit (explore --max-run-days)")
    rules = tuple(_failure_rule(name, value) for name, value in spec.failures.items())
    return Experiment(spec=spec, base=base, horizon_days=horizon, source=source,
                      scenario_path=scenario_path, calibration=report, document=document,
                      failures=rules, record=record)


def _record_frame(scenario: Any, record: str | None) -> Any:
    if not scenario.needs_record:
        return None
    from analysis.model.depletion import resolve_record

    return resolve_record(record, scenario)


def _experiment_count(spec: ExperimentFile) -> int:
    if spec.design.method == "sobol":
        return spec.design.n * (len(spec.inputs) + 3)  # A, B and one matrix per input and the noise
    return spec.design.n


def failure_label(name: str) -> str:
    """How a failure without a label is named in sentences: its key in words."""
    return name.replace("-", " ").replace("_", " ")


def _failure_rule(name: str, value: Failure) -> FailureRule:
    return FailureRule(name=name, condition=parse_condition(value.when),
                       label=value.label or failure_label(name))


def is_integer_key(key: str) -> bool:
    return key.rsplit(".", 1)[-1] in INTEGER_LEAVES


def _check_inputs(draft: Experiment, base: dict[str, Any]) -> None:
    """Every input names a scenario key, and the scenario accepts its low, mode and high values."""
    from analysis.model.scenarios import apply_overrides, scenario_from_dict

    for key, spec in draft.spec.inputs.items():
        if is_integer_key(key) and math.ceil(spec.low) > math.floor(spec.high):
            raise ExperimentError(f"{draft.where(('inputs', key))}: {key} takes whole numbers and "
                                  f"[{spec.low:g}, {spec.high:g}] holds none")
        for end in ("low", "mode", "high"):
            value = getattr(spec, end)
            if value is None:
                continue
            applied = round(value) if is_integer_key(key) else value
            try:
                scenario_from_dict(apply_overrides(base, {key: applied}), source=draft.source)
            except ScenarioError as problem:
                reason = str(problem).split(": ")[-1]
                if "unknown scenario key" in str(problem) or "no such" in str(problem):
                    raise ExperimentError(
                        f"{draft.where(('inputs', key))}: {shown(key)}: not a key of the scenario "
                        f"({reason})") from None
                raise ExperimentError(
                    f"{draft.where(('inputs', key, end))}: {shown(value)}: the scenario refuses "
                    f"this value of {key} ({reason})") from None
