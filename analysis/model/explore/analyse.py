"""From the table of experiments to answers: Sobol indices (SALib), failures and PRIM boxes, the summary.

- `outcome_values(result, path)`: one outcome per experiment, in design order. A day to depletion
  beyond the horizon (null in simulate's JSON) counts as horizon + 1 ("later than the horizon"),
  so that it can be compared and ranked; a failed experiment gives NaN.
- `sobol_indices(result, path)`: first-order (S1) and total (ST) indices of every input with
  bootstrap intervals (SALib's `sobol.analyze`, Saltelli's and Jansen's estimators; the interval
  is S +- conf, at `conf_level`). The do-nothing input `random_numbers` is listed too: its ST is
  the share of the outcome's variance that is Monte Carlo noise (design.py).
- `failure_flags(result)`: which experiments meet each failure condition; `failure_share`: how
  often, with a 95% Wilson interval over the independent draws of the design.
- `summarise(result)`: the JSON of `python -m analysis explore --json`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from analysis.model.explore.prim import Box, box_sentence, find_boxes
from analysis.model.explore.run import ExploreResult
from analysis.model.explore.spec import NOISE_INPUT, is_integer_key

DEPLETION_FIGURES = ("median", "p10", "p90", "mean")
RESAMPLES = 1000
CONF_LEVEL = 0.95


def is_depletion_day(path: str) -> bool:
    parts = path.split(".")
    return len(parts) == 3 and parts[0] == "days_to_depletion" and parts[2] in DEPLETION_FIGURES


def outcome_values(result: ExploreResult, path: str) -> np.ndarray:
    """One outcome per experiment (see the module docstring)."""
    table = result.table
    if path in table:
        values = pd.to_numeric(table[path], errors="coerce").to_numpy(dtype=float)
    else:
        values = np.full(len(table), np.nan)
    ok = (table["status"] == "ok").to_numpy()
    if is_depletion_day(path):
        horizon = (table["horizon_days"].to_numpy(dtype=float) if "horizon_days" in table
                   else np.full(len(table), float(result.experiment.horizon_days)))
        values = np.where(ok & np.isnan(values), horizon + 1, values)
    return np.where(ok, values, np.nan)


def sobol_indices(
    result: ExploreResult, path: str, *, resamples: int = RESAMPLES, conf_level: float = CONF_LEVEL,
) -> tuple[pd.DataFrame | None, str]:
    """(table of S1, S1_conf, ST, ST_conf per input, note); None with the reason when not possible."""
    if result.design.method != "sobol":
        return None, "a Latin hypercube design gives no Sobol indices (use design method sobol)"
    values = outcome_values(result, path)
    missing = int(np.isnan(values).sum())
    if missing:
        return None, f"{missing} experiment(s) have no value of {path} (failed); indices need them all"
    if np.ptp(values) == 0:
        return None, f"{path} is the same in every experiment: no variance to share out"
    from SALib.analyze import sobol

    indices = sobol.analyze(result.design.problem, values, calc_second_order=False,
                            num_resamples=resamples, conf_level=conf_level,
                            seed=result.experiment.spec.seed % 2**32)
    frame = pd.DataFrame({name: np.asarray(indices[name], dtype=float)
                          for name in ("S1", "S1_conf", "ST", "ST_conf")},
                         index=pd.Index(result.design.problem["names"], name="input"))
    return frame, ""


def failure_flags(result: ExploreResult) -> pd.DataFrame:
    """One boolean column per failure: the experiments that meet its condition."""
    experiment = result.experiment
    columns = {}
    for rule in experiment.failures:
        values = {path: outcome_values(result, path) for path in rule.condition.outcomes}
        columns[rule.name] = rule.condition.evaluate(values)
    return pd.DataFrame(columns, index=result.table.index)


def input_frame(result: ExploreResult) -> pd.DataFrame:
    """The inputs of every experiment (the do-nothing input left out), for PRIM and plots."""
    return result.table[list(result.experiment.spec.inputs)].astype(float)


def prim_boxes(result: ExploreResult, failure: str) -> list[Box]:
    """PRIM boxes of one failure over the experiments that ran (settings from the file's `prim`)."""
    settings = result.experiment.spec.prim
    ok = (result.table["status"] == "ok").to_numpy()
    flags = failure_flags(result)[failure].to_numpy()
    boxes = find_boxes(input_frame(result)[ok], flags[ok], density=settings.density,
                       max_boxes=settings.max_boxes, peel_alpha=settings.peel_alpha,
                       mass_min=settings.mass_min, max_restricted=settings.max_restricted)
    # an input of whole numbers is limited by whole numbers (the same experiments are inside)
    return [replace(box, limits={name: _whole(name, low, high) for name, (low, high) in box.limits.items()})
            for box in boxes]


def _whole(name: str, low: float | None, high: float | None) -> tuple[float | None, float | None]:
    if not is_integer_key(name):
        return low, high
    return (None if low is None else float(math.ceil(low)),
            None if high is None else float(math.floor(high)))


def failure_share(result: ExploreResult, failure: str, alpha: float = 0.05) -> dict[str, Any]:
    """Share of experiments meeting a failure, with a Wilson interval.

    The interval counts only independent draws of the assumptions: the rows of A and B in a Sobol
    design (the AB rows reuse their values), every row of a Latin hypercube.
    """
    from statsmodels.stats.proportion import proportion_confint

    ok = (result.table["status"] == "ok").to_numpy()
    independent = ok & np.isin(result.design.part, ["A", "B", "LHS"])
    flags = failure_flags(result)[failure].to_numpy()
    count, total = int(flags[independent].sum()), int(independent.sum())
    if not total:
        return {"share": None, "low": None, "high": None, "failing": 0, "experiments": 0}
    low, high = proportion_confint(count, total, alpha=alpha, method="wilson")
    return {"share": count / total, "low": float(low), "high": float(high), "failing": count,
            "experiments": total}


def tornado_ranges(result_or_experiment: Any) -> pd.DataFrame:
    """The inputs' low and high values as ranges for the one-at-a-time tornado
    (analysis.model.sustainability.tornado), with their sources."""
    experiment = getattr(result_or_experiment, "experiment", result_or_experiment)
    return pd.DataFrame(
        [(name, spec.low, spec.high, spec.source) for name, spec in experiment.spec.inputs.items()],
        columns=["parameter", "low", "high", "source"])


def _no_box_note(share: float | None, boxes: list[Box], density: float) -> str:
    if boxes:
        return ""
    if not share:
        return "it happens in no experiment"
    if share >= density:
        return (f"it happens in {share:.0%} of all the experiments, already above the density "
                f"threshold of {density:.0%}: no box narrows it down")
    return f"no box of inputs reaches a density of {density:.0%}"


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def summarise(result: ExploreResult, *, resamples: int = RESAMPLES) -> dict[str, Any]:
    """The explore summary (the JSON of `python -m analysis explore --json`)."""
    experiment = result.experiment
    spec = experiment.spec
    labels = {name: experiment.label(name) for name in spec.inputs}
    ranges = {name: (r.low, r.high, is_integer_key(name)) for name, r in spec.inputs.items()}
    sobol: dict[str, Any] = {}
    notes: dict[str, str] = {}
    for path in spec.outcomes:
        frame, note = sobol_indices(result, path, resamples=resamples)
        if frame is None:
            sobol[path] = None
            notes[path] = note
            continue
        sobol[path] = {name: {key: _finite(row[key]) for key in ("S1", "S1_conf", "ST", "ST_conf")}
                       for name, row in frame.iterrows()}
    ok = (result.table["status"] == "ok").to_numpy()
    failures: dict[str, Any] = {}
    prim: dict[str, Any] = {}
    for rule in experiment.failures:
        failures[rule.name] = {"condition": rule.condition.source, "label": rule.label,
                               **failure_share(result, rule.name)}
        boxes = prim_boxes(result, rule.name)
        prim[rule.name] = [
            {"box": {name: [low, high] for name, (low, high) in box.limits.items()},
             "coverage": box.coverage, "density": box.density, "mass": box.mass,
             "experiments": box.experiments, "failing": box.cases,
             "sentence": box_sentence(box, rule.label, labels, ranges)}
            for box in boxes
        ]
        failures[rule.name]["note"] = _no_box_note(failures[rule.name]["share"], boxes, spec.prim.density)
    return {
        "experiment": experiment.name,
        "source": experiment.source,
        "description": spec.description,
        "scenario": experiment.base.get("name"),
        "design": {"method": spec.design.method, "n": spec.design.n, "experiments": result.design.size,
                   "inputs": len(spec.inputs)},
        "runs": spec.runs,
        "seed": spec.seed,
        "horizon_days": experiment.horizon_days,
        "failed_experiments": int((~ok).sum()),
        "inputs": {name: {"dist": r.dist, "low": r.low, "high": r.high, "mode": r.mode,
                          "label": labels[name], "source": r.source}
                   for name, r in spec.inputs.items()},
        "noise_input": NOISE_INPUT if spec.design.method == "sobol" else None,
        "outcomes": list(spec.outcomes),
        "sobol": sobol,
        "sobol_notes": notes,
        "sobol_method": (f"SALib sobol.analyze, first and total order, {resamples} bootstrap "
                         f"resamples, S +- conf is a {CONF_LEVEL:.0%} interval; days beyond the "
                         "horizon count as horizon + 1"),
        "failures": failures,
        "prim": prim,
        "prim_settings": spec.prim.model_dump(),
        "calibration": experiment.calibration,
    }


def ranked_inputs(summary: dict[str, Any], outcome: str) -> list[tuple[str, float]]:
    """Inputs by total index for one outcome, largest first (the do-nothing input left out)."""
    indices = summary["sobol"].get(outcome) or {}
    ranked = [(name, v["ST"]) for name, v in indices.items() if name != NOISE_INPUT and v["ST"] is not None]
    return sorted(ranked, key=lambda item: item[1], reverse=True)
