"""Calibration: the engage probabilities a scenario leaves unset, solved to match observed rates.

The rule (one for every command, grid and notebook): **a value the user sets is held;
calibration solves the rest.** A scenario with a `calibration` block gives a target interception
rate per class (a figure, or the record's share stopped over a period: destroyed / launched for
missiles, since a missile that failed to reach its target on its own was not intercepted and
firing at it spent nothing; neutralised / launched for drones, whose jammed share is what the
electronic-warfare layer stops; `missiles: neutralised` counts missiles' failures too, and
`target_choice` shows what that choice does to the interceptors fired). For each class
with a target, calibration solves one common engage probability c for the layers engaging the
class whose engage probability the scenario does not set (restricted to `calibration.layers` when
given); layers with a value keep it. With no layer left to adjust, the scenario is refused (with
the way out). `calibration: off` in the file, `--set calibration=off` or `--no-calibrate` switches
it off; engage probabilities left unset are then 1 (every threat reaching the layer is engaged).

What is solved: while stocks last and capacity does not bind, a threat of class k leaks through
every layer with probability L = prod over layers engaging k of (1 - c_i q_i), where q_i = 1 -
(1 - pk_i)^shots_i is the layer's kill probability per engagement. Calibration solves 1 - L = target
for the common c: in closed form when one layer is adjusted, else by root-finding (L falls as c
rises). A target the layers cannot reach (even c = 1 stops too few, or c = 0 already too many)
gets the nearest end, and the report says so.

An observed rate fixes only the products c_i q_i: pk (in q) and the engage probability are not
separately identified. The split matters for consumption: a layer that engages more threats with a
lower pk stops the same share but fires more interceptors (`split_consumption` shows how much).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pandas as pd
from scipy.optimize import brentq

from analysis.errors import ScenarioError
from analysis.model.scenarios import Scenario

OFF_HINT = "calibration: off in the scenario, or --no-calibrate"


def layered_leak(kill_probabilities: list[float], engage_probabilities: list[float]) -> float:
    """Probability a threat survives every layer: prod (1 - c_i q_i)."""
    leak = 1.0
    for q, c in zip(kill_probabilities, engage_probabilities, strict=True):
        leak *= 1.0 - c * q
    return leak


def record_rates(record: Any, start: Any, end: Any, classes: tuple[str, ...],
                 missiles: str = "destroyed") -> dict[str, float]:
    """The share stopped per class over national rows with report dates in [start, end]: destroyed
    / launched for missiles (or neutralised, with `missiles="neutralised"`), neutralised for drones
    (analysis.model.record_classes)."""
    from analysis.model.record_classes import shares

    return shares(record, start, end, classes, missiles)


def solve_engage_probability(
    target: float, fixed: list[tuple[float, float]], adjusted: list[float]
) -> tuple[float, bool]:
    """The common engagement probability c of the `adjusted` layers (their kill probabilities q)
    giving interception rate `target`, with `fixed` (q, c) layers unchanged; and whether reachable.
    """
    fixed_leak = layered_leak([q for q, _ in fixed], [c for _, c in fixed])
    wanted = 1.0 - target

    def excess(c: float) -> float:
        return fixed_leak * layered_leak(adjusted, [c] * len(adjusted)) - wanted

    if excess(0.0) <= 0:
        return 0.0, math.isclose(excess(0.0), 0.0, abs_tol=1e-12)
    if excess(1.0) > 0:
        return 1.0, False
    if len(adjusted) == 1:
        q = adjusted[0]
        return min(1.0, max(0.0, (1.0 - wanted / fixed_leak) / q)), True
    return float(brentq(excess, 0.0, 1.0, xtol=1e-12)), True


def targets_of(scenario: Scenario, record: Any = None) -> tuple[dict[str, float], str]:
    """The target rate per class and where it comes from."""
    spec = scenario.calibration
    if spec.target is not None:
        return dict(spec.target), "given figure"
    if record is None:
        raise ScenarioError(f"{scenario.source}: calibration.from_record: needs the record")
    start, end = spec.from_record
    counted = ("destroyed / launched for missiles" if spec.missiles == "destroyed"
               else "neutralised / launched for missiles")
    return (record_rates(record, start, end, scenario.classes, spec.missiles),
            f"record, national rows reported {start} to {end} ({counted}, neutralised / launched for drones)")


def calibrate(scenario: Scenario, record: Any = None) -> tuple[Scenario, dict[str, Any]]:
    """The scenario with its unset engage probabilities solved, and a report of what was done."""
    spec = scenario.calibration
    if spec is None:
        return scenario, {}
    targets, origin = targets_of(scenario, record)
    chosen = set(spec.layers) if spec.layers is not None else {layer.name for layer in scenario.layers}
    new_c = {layer.name: dict(layer.engage_probability) for layer in scenario.layers}
    report: dict[str, Any] = {"applied": True, "method": "layered leak formula, before any shortage",
                              "target_source": origin, "classes": {}}
    for cls, target in targets.items():
        fixed, adjusted, names, held = [], [], [], []
        for layer in scenario.layers:
            if cls not in layer.engages:
                continue
            q = layer.engages[cls].kill_probability
            if layer.name in chosen and cls not in layer.engage_given:
                adjusted.append(q)
                names.append(layer.name)
            else:
                fixed.append((q, layer.engage_probability[cls]))
                if cls in layer.engage_given:
                    held.append(layer.name)
        if not adjusted:
            if fixed:  # the schema refuses this for given targets; from the record it lands here
                raise ScenarioError(
                    f"{scenario.source}: calibration: {cls}: every layer engaging it has its engage "
                    f"probability set, so calibration has nothing to solve; unset one or switch "
                    f"calibration off ({OFF_HINT})")
            report["classes"][cls] = {
                "target": target, "engage_probability": None, "layers": [], "held": [],
                "reachable": False, "formula_rate": 0.0,
                "note": f"no layer engages {cls}: nothing stops it"}
            continue
        c, reachable = solve_engage_probability(target, fixed, adjusted)
        for name in names:
            new_c[name][cls] = c
        achieved = 1.0 - layered_leak([q for q, _ in fixed], [c0 for _, c0 in fixed]) * (
            layered_leak(adjusted, [c] * len(adjusted)))
        entry = {"target": target, "engage_probability": c, "layers": names, "held": held,
                 "reachable": reachable, "formula_rate": achieved}
        if not reachable and c <= 0.0:  # the held layers alone already stop more
            entry["note"] = (f"target {target:.1%} for {cls} is out of reach: the layers stop "
                             f"{achieved:.1%} at least (engage probability 0 on "
                             f"{', '.join(names)}; the held layers alone stop that much)")
        elif not reachable:
            entry["note"] = (f"target {target:.1%} for {cls} is out of reach: the layers stop "
                             f"{achieved:.1%} at most (engage probability {c:g})")
        report["classes"][cls] = entry
    layers = tuple(replace(layer, engage_probability=new_c[layer.name]) for layer in scenario.layers)
    data = scenario.to_dict()
    for raw, layer in zip(data["layers"], layers, strict=True):
        raw["engage_probability"] = dict(layer.engage_probability)
    data["calibration"] = None
    calibrated = replace(scenario, layers=layers, calibration=None, data=data)
    return calibrated, report


def unreachable_notes(report: dict[str, Any] | None) -> dict[str, str]:
    """The calibration report's notes on targets out of reach, by class (for the terminal)."""
    if not report:
        return {}
    return {cls: entry["note"] for cls, entry in report.get("classes", {}).items()
            if not entry.get("reachable", True) and entry.get("note")}


def split_consumption(scenario: Scenario, layer: str, cls: str, pks: list[float],
                      record: Any = None) -> pd.DataFrame:
    """How the pk / engage-probability split changes what a layer fires, at the same observed rate.

    For each single-shot kill probability `pk` of `layer` against `cls`, the scenario is
    calibrated again (same targets) and the layer's interceptor use a day for `cls` is computed
    while everything is stocked (analysis.model.longrun). Columns: pk, kill probability per
    engagement, solved engage probability, interception rate of the class, interceptors a day.
    """
    from analysis.model.longrun import mean_arrivals, steady_state

    index = next((i for i, x in enumerate(scenario.layers) if x.name == layer), None)
    if index is None or cls not in scenario.layers[index].engages:
        raise ScenarioError(f"{scenario.source}: layers.{layer}.engages.{cls}: no such layer and class")
    arrivals = mean_arrivals(scenario, record)
    rows = []
    for pk in pks:
        variant = scenario.with_overrides({f"layers.{index}.engages.{cls}.pk": pk}, origin="pk split")
        solved, report = calibrate(variant, record)
        chosen = solved.layers[index]
        flow = steady_state(solved, arrivals, 1.0, limited=False)
        reach = 1.0
        for earlier in solved.layers[:index]:
            if cls in earlier.engages:
                reach *= 1.0 - earlier.engage_probability[cls] * earlier.engages[cls].kill_probability
        rows.append({
            "pk": pk,
            "kill_probability": chosen.engages[cls].kill_probability,
            "engage_probability": chosen.engage_probability[cls],
            "interception_rate": flow.kills[cls] / flow.arrivals[cls] if flow.arrivals[cls] else None,
            "interceptors_per_day": arrivals[cls] * reach * chosen.engage_probability[cls]
            * chosen.engages[cls].shots,
            "reachable": report.get("classes", {}).get(cls, {}).get("reachable", True),
        })
    return pd.DataFrame(rows)


def target_choice(scenario: Scenario, record: Any) -> pd.DataFrame | None:
    """What counting missiles that failed on their own as stopped does to consumption: the
    interceptors each fires a day, every stock in hand, calibrated to the record's destroyed share
    of missiles and to its neutralised share (drones neutralised in both), over the scenario's
    calibration period. None without a calibration period or a record. Columns: interceptor,
    fired_destroyed, fired_neutralised, added (the share the neutralised target adds)."""
    from analysis.model.longrun import mean_arrivals, steady_state

    spec = scenario.calibration
    if spec is None or spec.days is None or record is None:
        return None
    start, end = spec.days
    fired = {}
    for rule in ("destroyed", "neutralised"):
        targets = record_rates(record, start, end, scenario.classes, rule)
        chosen = {cls: targets[cls] for cls in scenario.classes
                  if cls in targets and (spec.target is None or cls in spec.target)}
        variant = scenario.with_overrides({"calibration": {"target": chosen}}, origin=f"{rule} targets")
        solved, _ = calibrate(variant, record)
        fired[rule] = steady_state(solved, mean_arrivals(solved, record), 1.0, limited=False).demand
    rows = [{"interceptor": name, "fired_destroyed": fired["destroyed"][name],
             "fired_neutralised": fired["neutralised"][name],
             "added": (fired["neutralised"][name] / fired["destroyed"][name] - 1.0) if fired["destroyed"][name] else None}
            for name in scenario.interceptors if any(layer.interceptor == name for layer in scenario.layers)]
    return pd.DataFrame(rows)
