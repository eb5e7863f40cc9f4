"""Calibrate a scenario's engagement probabilities to an observed interception rate per class.

While stocks last and capacity does not bind, a threat of class k leaks through every layer with
probability L = prod over layers engaging k of (1 - c_i q_i), where c_i is the layer's engagement
probability and q_i = 1 - (1 - pk_i)^shots_i its kill probability per engagement. Calibration gives
every adjusted layer engaging k one common engagement probability c and solves 1 - L(c) = target:
in closed form when one layer is adjusted, else by root-finding (L is monotone in c). A target the
layers cannot reach (even c = 1 is too low, or c = 0 is already too high) gets the nearest end, and
the report says so. The target is a given figure (e.g. 0.74, the overall effectiveness General
Syrskyi quoted on 11 Oct 2025) or the record's neutralised / launched of national rows over a period.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from scipy.optimize import brentq

from analysis.errors import ScenarioError
from analysis.model.scenarios import Scenario


def layered_leak(kill_probabilities: list[float], engage_probabilities: list[float]) -> float:
    """Probability a threat survives every layer: prod (1 - c_i q_i)."""
    leak = 1.0
    for q, c in zip(kill_probabilities, engage_probabilities, strict=True):
        leak *= 1.0 - c * q
    return leak


def record_rates(record: Any, start: Any, end: Any, classes: tuple[str, ...]) -> dict[str, float]:
    """Neutralised / launched per class over national rows with report dates in [start, end]."""
    import pandas as pd

    dates = pd.to_datetime(record["report_date"]).dt.normalize()
    rows = record[
        (record["command"] == "national")
        & (dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(end))
        & record["weapon_class"].isin(list(classes))
    ]
    rates = {}
    for cls, group in rows.groupby("weapon_class"):
        launched = pd.to_numeric(group["launched"], errors="coerce").fillna(0).sum()
        neutralised = pd.to_numeric(group["neutralised"], errors="coerce").fillna(0).sum()
        if launched > 0:
            rates[str(cls)] = float(min(neutralised / launched, 1.0))
    return rates


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


def calibrate(scenario: Scenario, record: Any = None) -> tuple[Scenario, dict[str, Any]]:
    """The scenario with calibrated engagement probabilities, and a report of what was done."""
    spec = scenario.calibration
    if spec is None:
        return scenario, {}
    if spec.target is not None:
        targets = dict(spec.target)
        origin = "given figure"
    else:
        if record is None:
            raise ScenarioError(f"{scenario.source}: key 'calibration.from_record': needs the record")
        start, end = spec.from_record
        targets = record_rates(record, start, end, scenario.classes)
        origin = f"record, national rows reported {start} to {end} (neutralised / launched)"
    chosen = set(spec.layers) if spec.layers is not None else {layer.name for layer in scenario.layers}
    new_c = {layer.name: dict(layer.engage_probability) for layer in scenario.layers}
    report: dict[str, Any] = {"applied": True, "method": "layered leak formula, while stocks last",
                              "target_source": origin, "classes": {}}
    for cls, target in targets.items():
        fixed, adjusted, names = [], [], []
        for layer in scenario.layers:
            if cls not in layer.engages:
                continue
            q = layer.engages[cls].kill_probability
            if layer.name in chosen:
                adjusted.append(q)
                names.append(layer.name)
            else:
                fixed.append((q, layer.engage_probability[cls]))
        if not adjusted:
            report["classes"][cls] = {"target": target, "engage_probability": None,
                                      "layers": [], "reachable": False,
                                      "note": "no adjustable layer engages this class"}
            continue
        c, reachable = solve_engage_probability(target, fixed, adjusted)
        for name in names:
            new_c[name][cls] = c
        achieved = 1.0 - layered_leak([q for q, _ in fixed], [c0 for _, c0 in fixed]) * (
            layered_leak(adjusted, [c] * len(adjusted))
        )
        report["classes"][cls] = {"target": target, "engage_probability": c, "layers": names,
                                  "reachable": reachable, "formula_rate": achieved}
    layers = tuple(
        replace(layer, engage_probability=new_c[layer.name]) for layer in scenario.layers
    )
    data = scenario.to_dict()
    for raw, layer in zip(data["layers"], layers, strict=True):
        raw["engage_probability"] = dict(layer.engage_probability)
    data.pop("calibration", None)
    calibrated = replace(scenario, layers=layers, calibration=None, data=data)
    return calibrated, report

