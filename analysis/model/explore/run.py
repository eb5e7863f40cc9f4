"""Running the experiments: in batches on any scheduler, resumable, the same table on every one.

Each experiment is the base scenario with its input values applied, simulated with its runs and
its seed (design.py: the file's seed, or matrix B's), exactly as `simulate --set` would. Its row
holds the experiment's index, the design matrix it belongs to, its inputs, seed and runs, every
figure of simulate's JSON flattened to dotted names, status, error and seconds. Experiments are
grouped in batches (one task each); each finished batch is kept in `OUTPUT.parts/` at once, and a
rerun computes only the experiments not yet done (an experiment's key is its base scenario, runs,
seed and input values: outcomes and failures can change without simulating again). Rows are
ordered by experiment, so the table does not depend on the scheduler or the number of workers.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.model.explore.design import Design, build_design
from analysis.model.explore.spec import NOISE_INPUT, Experiment, ExperimentError
from analysis.model.parallel import progress_bar, resolve_workers, run_tasks
from analysis.model.parts import PartStore

META_FIRST = ["experiment", "part"]
META_LAST = ["status", "error", "seconds", "experiment_key"]
BATCHES_PER_WORKER = 8  # enough batches to balance the workers, few enough to keep overhead low
MAX_BATCH = 32

Evaluator = Callable[[dict[str, Any], int, int], Mapping[str, Any]]


@dataclass
class ExploreResult:
    """The table (one row per experiment, in design order), the design, and what was computed."""

    experiment: Experiment
    design: Design
    table: pd.DataFrame
    computed: int
    dashboard: str | None = None

    @property
    def failed(self) -> pd.DataFrame:
        return self.table[self.table["status"] != "ok"]


def _python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def experiment_values(design: Design, index: int) -> dict[str, Any]:
    """The scenario overrides of one experiment (the do-nothing input is not a scenario key)."""
    row = design.values.iloc[index]
    return {k: _python(row[k]) for k in design.values.columns if k != NOISE_INPUT}


def experiment_key(experiment: Experiment, values: Mapping[str, Any], seed: int) -> str:
    payload = {"base": experiment.base, "runs": experiment.spec.runs, "seed": int(seed),
               "values": {k: repr(float(v)) for k, v in sorted(values.items())}}
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


# --- in the workers ------------------------------------------------------------------------------

_RECORDS: dict[str | None, Any] = {}  # the record, loaded once per worker process


def simulate_figures(scenario: dict[str, Any], runs: int, seed: int, record: str | None = None) -> Mapping[str, Any]:
    """The engine's summary of one experiment (what `simulate --json` prints)."""
    from analysis.model import depletion, scenarios

    parsed = scenarios.scenario_from_dict(scenario)
    frame = None
    if parsed.needs_record:
        if record not in _RECORDS:
            _RECORDS[record] = depletion.resolve_record(record, parsed)
        frame = _RECORDS[record]
    return depletion.simulate(parsed, runs=runs, seed=seed, record=frame).summary()


def evaluate_batch(task: tuple) -> list[dict[str, Any]]:
    """Simulate a batch of experiments; a failing experiment becomes a row with status 'error'."""
    from analysis.model.sweep import evaluate_point

    base, runs, items, evaluator = task
    return [{"experiment": index, **evaluate_point(base, values, runs, seed, evaluator)}
            for index, values, seed in items]


# --- in the parent -------------------------------------------------------------------------------


def batch_size(todo: int, workers: int) -> int:
    return max(1, min(MAX_BATCH, math.ceil(todo / (workers * BATCHES_PER_WORKER))))


def run_explore(
    experiment: Experiment,
    *,
    output: str | os.PathLike[str] | None = None,
    scheduler: str = "local",
    workers: int | None = None,
    progress: bool | None = None,
    evaluator: Evaluator | None = None,
    on_dashboard: Callable[[str], None] | None = None,
    design: Design | None = None,
) -> ExploreResult:
    """Simulate every experiment of the design (see the module docstring).

    `workers`: processes (None: every core; 1 with 'local': in this process). `evaluator`
    replaces the engine: a module-level function of (scenario mapping, runs, seed) returning a
    nested summary. With `output`, finished batches are kept and the table is written at the end.
    `design`: experiments other than the file's (e.g. the robustness study's), run the same way.
    """
    if output is not None and not str(output).endswith(".parquet"):
        raise ExperimentError(f"{output}: the output is a .parquet file")
    workers = resolve_workers(workers)
    design = build_design(experiment) if design is None else design
    check_outcomes(experiment, evaluator)
    evaluator = evaluator or functools.partial(simulate_figures, record=experiment.record)
    values = [experiment_values(design, i) for i in range(design.size)]
    keys = [experiment_key(experiment, values[i], design.seeds[i]) for i in range(design.size)]
    store = PartStore(output, "experiment_key", "batch")
    done = store.finished(set(keys))
    rows: dict[int, dict[str, Any]] = {}
    for index, key in enumerate(keys):
        if key in done:
            rows[index] = {**done[key], "experiment": index}
    todo = [i for i in range(design.size) if i not in rows]
    size = batch_size(len(todo), workers)
    batches = [todo[i:i + size] for i in range(0, len(todo), size)]
    tasks = [(experiment.base, experiment.spec.runs,
              [(i, values[i], int(design.seeds[i])) for i in batch], evaluator)
             for batch in batches]
    if tasks:
        store.prepare()

    def finish(position: int, result: list[dict[str, Any]]) -> None:
        finished = []
        for row in result:
            index = int(row["experiment"])
            full = _row(experiment, design, index, keys[index], row)
            rows[index] = full
            finished.append(full)
        name = hashlib.sha256("".join(keys[i] for i in batches[position]).encode()).hexdigest()[:20]
        store.write(name, finished)
        bar.update(len(finished))

    def lost(position: int, message: str) -> None:  # a lost worker fails its batch only
        finish(position, [{"experiment": i, "status": "error", "error": message, "seconds": math.nan}
                          for i in batches[position]])

    with progress_bar(design.size, design.size - len(todo), progress, "experiment", "explore") as bar:
        dashboard = run_tasks(evaluate_batch, tasks, on_result=finish, on_error=lost,
                              scheduler=scheduler, workers=workers, on_dashboard=on_dashboard,
                              name="explore-batch")
    table = assemble(experiment, [rows[i] for i in range(design.size)])
    store.publish(table)
    return ExploreResult(experiment=experiment, design=design, table=table, computed=len(todo),
                         dashboard=dashboard)


def _row(experiment: Experiment, design: Design, index: int, key: str, result: Mapping[str, Any]) -> dict[str, Any]:
    row = {"experiment": index, "part": design.part[index]}
    row.update({k: _python(v) for k, v in design.values.iloc[index].items()})
    row.update({"seed": int(design.seeds[index]), "runs": experiment.spec.runs})
    row.update({k: v for k, v in result.items() if k != "experiment"})
    row["experiment_key"] = key
    return row


def assemble(experiment: Experiment, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The table in design order: meta, inputs, seed, runs, figures, then status columns."""
    table = pd.DataFrame(rows)
    for column in META_LAST:
        if column not in table:
            table[column] = pd.NA
    inputs = [c for c in [*experiment.spec.inputs, NOISE_INPUT] if c in table]
    front = [*META_FIRST, *inputs, "seed", "runs"]
    figures = sorted(c for c in table.columns if c not in front and c not in META_LAST)
    table = table[[*front, *figures, *META_LAST]].sort_values("experiment", kind="stable")
    table = table.reset_index(drop=True)
    table["error"] = table["error"].fillna("").astype(str)
    return table


def check_outcomes(experiment: Experiment, evaluator: Evaluator | None = None) -> None:
    """Every outcome and every path a failure reads is a figure of simulate's JSON (checked on a
    one-run simulation of the base scenario before any work); the error names the line."""
    from analysis.model.sweep import flatten_summary

    probe = (evaluator or functools.partial(simulate_figures, record=experiment.record))(
        {**experiment.base, "runs": 1}, 1, experiment.spec.seed)
    known = set(flatten_summary(probe))
    for position, path in enumerate(experiment.spec.outcomes):
        if path not in known:
            raise _unknown(experiment, ("outcomes", position), path, known)
    for rule in experiment.failures:
        for path in rule.condition.outcomes:
            if path not in known:
                raise _unknown(experiment, ("failures", rule.name), path, known)


def _unknown(experiment: Experiment, keys: tuple, path: str, known: set[str]) -> ExperimentError:
    import difflib

    close = difflib.get_close_matches(path, sorted(known), n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(close)}?)" if close else " (see `simulate --json -`)"
    return ExperimentError(f"{experiment.where(keys)}: {path!r}: no such figure in simulate's JSON{hint}")
