"""Explore the unknowns: global sensitivity (Sobol indices) and scenario discovery (PRIM boxes).

Stocks, deliveries and kill probabilities are not public, so every depletion answer is "what
follows if these assumptions hold". An experiment file (`data/experiments/*.yaml`, `spec.py`)
gives each assumption a distribution over its plausible range; `design.py` samples them (SALib's
Sobol' or Latin hypercube designs, common random numbers); `run.py` simulates every experiment on
every core or a Dask cluster, resumably; `analyse.py` measures which assumptions drive each
outcome (Sobol indices with bootstrap intervals, and the Monte Carlo noise floor) and `prim.py`
finds the combinations of assumptions under which a stated failure happens (PRIM boxes, with
coverage, density and a sentence); `robustness.py` redoes the headline failure share and its
drivers with each range halved and widened.

    from analysis.model.explore import load_experiment, run_explore, summarise
    result = run_explore(load_experiment("data/experiments/pac3-baseline.yaml"))
    summary = summarise(result)
"""

from analysis.model.explore.analyse import (
    failure_flags,
    failure_share,
    input_frame,
    outcome_values,
    prim_boxes,
    ranked_inputs,
    sobol_indices,
    summarise,
    tornado_ranges,
)
from analysis.model.explore.robustness import robustness
from analysis.model.explore.run import ExploreResult, run_explore
from analysis.model.explore.spec import (
    NOISE_INPUT,
    Experiment,
    ExperimentError,
    ExperimentFile,
    experiment_from_spec,
    load_experiment,
    resolve_experiment_path,
)

__all__ = [
    "NOISE_INPUT", "Experiment", "ExperimentError", "ExperimentFile", "ExploreResult",
    "experiment_from_spec", "failure_flags", "failure_share", "input_frame", "load_experiment",
    "outcome_values", "prim_boxes", "ranked_inputs", "resolve_experiment_path", "robustness", "run_explore",
    "sobol_indices", "summarise", "tornado_ranges",
]
