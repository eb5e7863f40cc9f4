"""Scenario sweeps: every combination of a grid of scenario values, simulated, one row per point.

A grid file names a base scenario, optional overrides, and under `grid:` dotted scenario keys
mapped to lists of values:

```yaml
scenario: baseline-2025-10.yaml        # relative to this file, then to data/scenarios/
runs: 2000                              # optional overrides of the base scenario's top-level keys
overrides: {threats.cruise.per_day: 6}  # optional dotted overrides applied to every point
common_random_numbers: false            # true: every point uses the base seed (smoother contrasts)
grid:
  threats.drone.per_day: [100, 200, 400]
  interceptors.pac3_mse.deliveries_per_month: [20, 40, 80]
```

Each point's seed comes from the base seed and the point's values, never from its position or the
worker that ran it, so a sweep gives the same numbers on any scheduler and in any order. Finished
points are written one parquet part each under `OUTPUT.parts/` as they complete; a rerun skips
them (resume), and the parts are combined into `OUTPUT` atomically at the end. A point that fails
becomes a row with `status = "error"` and the message; the other points are kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import ScenarioError
from analysis.inputs import YamlDocument, load_yaml, parse_model, shown
from analysis.io import atomic_write_bytes
from analysis.model.limits import MAX_RUN_DAYS, MAX_SWEEP_POINTS
from analysis.model.parallel import local_cluster, quiet_when_interrupted, run_tasks
from analysis.model.schema import GridFile, value_kind
from analysis.paths import SCENARIO_DIR

# A grid's size is refused before any point is made or run (analysis.model.limits).
MAX_POINTS = MAX_SWEEP_POINTS

# Columns every sweep table has, before the grid values and the summary figures.
META_COLUMNS = ["point", "point_key", "seed", "runs", "status", "error", "seconds"]

# A function of (scenario as a dict, runs, seed) returning the engine's nested summary.
Evaluator = Callable[[dict[str, Any], int, int], Mapping[str, Any]]


@dataclass(frozen=True)
class Grid:
    """A parsed grid file: the base scenario (as a dict, overrides applied) and the axes."""

    base: dict[str, Any]
    axes: dict[str, list[Any]]
    runs: int
    seed: int
    common_random_numbers: bool = False
    scenario_path: Path | None = None
    source: str = "<grid>"
    points: list[dict[str, Any]] = field(default_factory=list, compare=False)

    @property
    def size(self) -> int:
        return math.prod(len(values) for values in self.axes.values())


@dataclass
class SweepResult:
    """The sweep table (one row per point, in point order) and the rows that failed."""

    table: pd.DataFrame
    failures: pd.DataFrame
    computed: int  # points simulated in this call (the rest were resumed from earlier parts)
    dashboard: str | None = None


# ----------------------------------------------------------------------------- grid files


@dataclass(frozen=True)
class SweepLimits:
    """How large a sweep may be: points, and points x runs x days (see MAX_POINTS)."""

    points: int = MAX_POINTS
    run_days: float = MAX_RUN_DAYS

    def check(self, size: int, runs: int, horizon: int, where: str) -> None:
        """Refuse a sweep over either limit, saying the limit and the way past it."""
        if size > self.points:
            raise ScenarioError(f"{where}: {size:,} points, over the limit of {self.points:,}: use fewer "
                                "values per axis, or raise the limit (sweep --max-points)")
        total = size * runs * horizon
        if total > self.run_days:
            raise ScenarioError(
                f"{where}: {size:,} points x {runs:,} runs x {horizon:,} days is {total:.2g} run-days, over "
                f"the limit of {self.run_days:.0e} (about a day of two cores): use fewer points or runs, or "
                "raise the limit (sweep --max-run-days)")


def load_grid(path: str | os.PathLike[str], extra_overrides: Mapping[str, Any] | None = None,
              limits: SweepLimits | None = None) -> Grid:
    """Read and check a grid file (bounded YAML, declared schema); errors name file, line, key
    and value, and every value is checked against the base scenario before any point runs.
    `extra_overrides` apply after the file's (e.g. {"calibration": None} for --no-calibrate);
    a grid over `limits` (default: MAX_POINTS, MAX_RUN_DAYS) is refused before any point is made."""
    path = Path(path)
    document = load_yaml(path, what="grid file", error=ScenarioError)
    return grid_from_document(document, base_dir=path.parent, extra_overrides=extra_overrides,
                              limits=limits)


def _resolve_scenario_path(name: str, base_dir: Path | None, where: str) -> Path:
    candidates = [Path(name)] if Path(name).is_absolute() else []
    if base_dir is not None:
        candidates.append(base_dir / name)
    candidates += [Path(name), SCENARIO_DIR / name, SCENARIO_DIR / f"{name}.yaml"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ScenarioError(f"{where}: {name!r}: scenario file not found")


def grid_from_dict(
    data: Any,
    *,
    source: str = "<grid>",
    base_dir: Path | None = None,
    base_scenario: Mapping[str, Any] | None = None,
) -> Grid:
    """Check a grid given as a mapping; `base_scenario` (a scenario's `to_dict()`) stands in for
    the `scenario:` file."""
    if base_scenario is not None and isinstance(data, Mapping) and "scenario" not in data:
        data = {**data, "scenario": "(given)"}
    return grid_from_document(YamlDocument(data=data, source=source), base_dir=base_dir,
                              base_scenario=base_scenario)


def grid_from_document(
    document: YamlDocument,
    *,
    base_dir: Path | None = None,
    base_scenario: Mapping[str, Any] | None = None,
    extra_overrides: Mapping[str, Any] | None = None,
    limits: SweepLimits | None = None,
) -> Grid:
    from analysis.model import scenarios

    spec = parse_model(GridFile, document, error=ScenarioError)
    scenario_path = None
    if base_scenario is None:
        scenario_path = _resolve_scenario_path(spec.scenario, base_dir, document.where(("scenario",)))
        base = scenarios.load_scenario(scenario_path)
    else:
        base = scenarios.scenario_from_dict(base_scenario, source=f"{document.source} (base scenario)")
    overrides: dict[str, Any] = {key: getattr(spec, key) for key in ("runs", "seed", "horizon_days")
                                 if getattr(spec, key) is not None}
    overrides.update(spec.overrides)
    overrides.update(extra_overrides or {})
    if overrides:
        base = _checked(base, overrides, document, ("overrides",))
    size = math.prod(len(values) for values in spec.grid.values())
    (limits or SweepLimits()).check(size, int(base.runs), int(base.horizon_days), document.where(("grid",)))
    axes: dict[str, list[Any]] = {}
    for key, values in spec.grid.items():
        where = ("grid", key)
        kinds = {value_kind(v) for v in values} - {"empty"}
        if len(kinds) > 1:
            raise document.fail(where, f"{shown(values)}: mixes {' and '.join(sorted(kinds))}; "
                                "one axis holds one kind of value", ScenarioError)
        if len({_canonical(v) for v in values}) != len(values):
            raise document.fail(where, f"{shown(values)}: repeated values", ScenarioError)
        for index, value in enumerate(values):
            _checked(base, {key: value}, document, (*where, index))
        axes[key] = list(values)
    data = base.to_dict()
    return Grid(
        base=data,
        axes=axes,
        runs=int(data["runs"]),
        seed=int(data["seed"]),
        common_random_numbers=spec.common_random_numbers,
        scenario_path=scenario_path,
        source=document.source,
        points=expand_points(axes),
    )


def _checked(base: Any, overrides: Mapping[str, Any], document: YamlDocument, keys: tuple) -> Any:
    """`base.with_overrides(overrides)`, an error naming the grid file's line and key."""
    try:
        return base.with_overrides(overrides, origin="grid")
    except ScenarioError as error:
        detail = str(error).split("\n")[0]
        raise document.fail(keys, detail, ScenarioError) from None


def expand_points(axes: Mapping[str, list[Any]]) -> list[dict[str, Any]]:
    """Every combination of the axes' values, first axis slowest, as {dotted key: value}."""
    keys = list(axes)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*axes.values())]


# ----------------------------------------------------------------------------- seeds and keys


def _canonical(value: Any) -> str:
    """A text form equal for equal values of any scalar type (1 and 1.0 are the same point)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return repr(int(number)) if number.is_integer() else repr(number)
    return json.dumps(value, sort_keys=True, default=str)


def _digest(payload: Any) -> bytes:
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).digest()


def point_seed(base_seed: int, values: Mapping[str, Any]) -> int:
    """The seed of one grid point, from the base seed and the point's values only."""
    words = np.frombuffer(_digest({k: _canonical(v) for k, v in values.items()}), dtype=np.uint32)
    sequence = np.random.SeedSequence([int(base_seed), *(int(w) for w in words)])
    high, low = sequence.generate_state(2, dtype=np.uint32)
    # below 2**52, so the seed survives a round trip through a float (YAML, JSON, validation)
    return (int(high) << 20) | (int(low) & 0xFFFFF)


def point_key(grid: Grid, values: Mapping[str, Any]) -> str:
    """Names a finished point: changes when the base scenario, runs, seed rule or values change."""
    payload = {
        "base": grid.base,
        "runs": grid.runs,
        "seed": grid.seed,
        "crn": grid.common_random_numbers,
        "values": {k: _canonical(v) for k, v in values.items()},
    }
    return _digest(payload).hex()[:20]


def seed_for(grid: Grid, values: Mapping[str, Any]) -> int:
    return grid.seed if grid.common_random_numbers else point_seed(grid.seed, values)


# ----------------------------------------------------------------------------- one point


# Summary entries that describe the run rather than its results (the row has them already).
SKIPPED_SUMMARY_KEYS = {"scenario", "source", "runs", "seed", "block_runs", "horizon_days", "calibration"}


def flatten_summary(summary: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested summary -> {dotted name: scalar}; lists and arrays (curves) are left out."""
    flat: dict[str, Any] = {}
    for key, value in summary.items():
        if not prefix and key in SKIPPED_SUMMARY_KEYS:
            continue
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten_summary(value, f"{name}."))
        elif isinstance(value, bool | int | float | str | np.integer | np.floating) or value is None:
            flat[name] = value.item() if isinstance(value, np.generic) else value
    return flat


def simulate_summary(scenario: dict[str, Any], runs: int, seed: int) -> Mapping[str, Any]:
    """The default evaluator: the depletion engine's summary of one scenario."""
    from analysis.model import depletion, scenarios

    parsed = scenarios.scenario_from_dict(scenario)
    return depletion.simulate(parsed, runs=runs, seed=seed).summary()


def evaluate_point(
    base: dict[str, Any],
    values: dict[str, Any],
    runs: int,
    seed: int,
    evaluator: Evaluator | None = None,
) -> dict[str, Any]:
    """Simulate one point; never raises: a failure comes back as status 'error' with the message."""
    from analysis.model import scenarios

    started = time.perf_counter()
    row: dict[str, Any] = {"status": "ok", "error": ""}
    try:
        point = scenarios.apply_overrides(base, dict(values))
        point_dict = point.to_dict() if hasattr(point, "to_dict") else dict(point)
        point_dict["runs"], point_dict["seed"] = runs, seed
        summary = (evaluator or simulate_summary)(point_dict, runs, seed)
        row.update(flatten_summary(summary))
    except Exception as error:  # noqa: BLE001 - any failure of one point is reported, not raised
        row["status"] = "error"
        row["error"] = f"{type(error).__name__}: {error}"
    row["seconds"] = time.perf_counter() - started
    return row


# ----------------------------------------------------------------------------- the sweep


def parts_dir(output: Path) -> Path:
    return output.with_name(output.name + ".parts")


def _finished_rows(output: Path | None, wanted: set[str]) -> dict[str, dict[str, Any]]:
    """Rows already computed for this grid (status ok): from the parts, then an earlier output."""
    if output is None:
        return {}
    found: dict[str, dict[str, Any]] = {}
    sources: list[Path] = sorted(parts_dir(output).glob("point-*.parquet"))
    if output.is_file():
        sources.append(output)
    for source in sources:
        try:
            frame = pd.read_parquet(source)
        except Exception:  # noqa: BLE001 - a torn or foreign file is recomputed, not trusted
            continue
        if "point_key" not in frame or "status" not in frame:
            continue
        for record in frame.to_dict("records"):
            key = record.get("point_key")
            if key in wanted and record.get("status") == "ok" and key not in found:
                found[key] = record
    return found


def _progress(total: int, initial: int, show: bool | None) -> Any:
    from tqdm import tqdm  # the console bar: the widget one needs ipywidgets in notebooks

    if show is None:
        show = sys.stderr.isatty() and os.environ.get("CI", "").lower() not in {"1", "true", "yes"}
    return tqdm(total=total, initial=initial, unit="point", desc="sweep", disable=not show)


def _evaluate_task(task: tuple) -> dict[str, Any]:
    return evaluate_point(*task)


def run_sweep(
    grid: Grid,
    *,
    scheduler: str = "local",
    output: str | os.PathLike[str] | None = None,
    runs: int | None = None,
    workers: int | None = None,
    progress: bool | None = None,
    evaluator: Evaluator | None = None,
    on_dashboard: Callable[[str], None] | None = None,
    limits: SweepLimits | None = None,
) -> SweepResult:
    """Simulate every point of `grid` on `scheduler` ('local', 'processes' or a Dask address).

    With `output`, each finished point is written to `OUTPUT.parts/` at once, points finished by an
    earlier call are skipped, and the whole table is written to `output` atomically at the end.
    `runs` overrides the grid's runs. `workers`: with 'local', processes on this machine (default
    1: this process); with 'processes', the LocalCluster's (default 2). `evaluator` replaces the
    engine (it must be importable by the workers when other processes run the sweep).
    """
    if runs is not None:
        if runs < 1:
            raise ScenarioError(f"{grid.source}: runs must be positive, got {runs}")
        (limits or SweepLimits()).check(grid.size, runs, int(grid.base["horizon_days"]), grid.source)
        grid = Grid(
            base={**grid.base, "runs": runs}, axes=grid.axes, runs=runs, seed=grid.seed,
            common_random_numbers=grid.common_random_numbers, scenario_path=grid.scenario_path,
            source=grid.source, points=grid.points,
        )
    out_path = Path(output) if output is not None else None
    keys = [point_key(grid, values) for values in grid.points]
    done = _finished_rows(out_path, set(keys))
    todo = [i for i, key in enumerate(keys) if key not in done]
    if out_path is not None:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        if todo:
            parts_dir(out_path).mkdir(exist_ok=True)

    rows: dict[int, dict[str, Any]] = {}
    for index, key in enumerate(keys):
        if key in done:
            rows[index] = done[key]

    def finish(index: int, result: dict[str, Any]) -> None:
        values = grid.points[index]
        row = {
            "point": index,
            "point_key": keys[index],
            "seed": seed_for(grid, values),
            "runs": grid.runs,
            **values,
            **result,
        }
        rows[index] = row
        if out_path is not None:
            atomic_write_bytes(parts_dir(out_path) / f"point-{keys[index]}.parquet",
                               pd.DataFrame([row]).to_parquet(index=False))
        bar.update(1)

    dashboard = None
    bar = _progress(len(keys), len(keys) - len(todo), progress)
    try:
        if not todo:
            pass
        elif scheduler == "local" and (workers or 1) > 1 and len(todo) > 1:
            # every core of this machine: points in worker processes (analysis.model.parallel)
            tasks = [(grid.base, grid.points[i], grid.runs, seed_for(grid, grid.points[i]), evaluator)
                     for i in todo]
            run_tasks(_evaluate_task, tasks, workers=workers, name="sweep-point",
                      on_result=lambda position, row: finish(todo[position], row),
                      on_error=lambda position, message: finish(
                          todo[position], {"status": "error", "error": message, "seconds": math.nan}))
        elif scheduler == "local":
            for index in todo:
                values = grid.points[index]
                finish(index, evaluate_point(grid.base, values, grid.runs, seed_for(grid, values), evaluator))
        else:
            dashboard = _run_distributed(grid, todo, keys, scheduler, workers or 2, evaluator, finish,
                                         on_dashboard)
    finally:
        bar.close()

    table = _assemble(grid, [rows[i] for i in range(len(keys))])
    if out_path is not None:
        atomic_write_bytes(out_path, table.to_parquet(index=False))
        _clear_parts(out_path)
    failures = table[table["status"] != "ok"]
    return SweepResult(table=table, failures=failures, computed=len(todo), dashboard=dashboard)


@quiet_when_interrupted()
def _run_distributed(
    grid: Grid,
    todo: list[int],
    keys: list[str],
    scheduler: str,
    workers: int,
    evaluator: Evaluator | None,
    finish: Callable[[int, dict[str, Any]], None],
    on_dashboard: Callable[[str], None] | None,
) -> str | None:
    from dask.distributed import Client, as_completed

    cluster = local_cluster(workers) if scheduler == "processes" else None
    try:
        try:
            client = Client(cluster) if cluster is not None else Client(scheduler, timeout="10s")
        except OSError as error:
            raise ScenarioError(f"cannot reach the Dask scheduler at {scheduler!r}: {error}") from None
        with client:
            dashboard = client.dashboard_link if cluster is not None else None
            if dashboard and on_dashboard:
                on_dashboard(dashboard)
            base = client.scatter(grid.base, broadcast=True)
            futures = {}
            for index in todo:
                values = grid.points[index]
                future = client.submit(
                    evaluate_point, base, values, grid.runs, seed_for(grid, values), evaluator,
                    key=f"sweep-point-{keys[index]}", pure=False,
                )
                futures[future] = index
            for future in as_completed(futures):
                index = futures[future]
                try:
                    result = future.result()
                except Exception as error:  # noqa: BLE001 - a lost worker fails one point only
                    result = {"status": "error", "error": f"{type(error).__name__}: {error}",
                              "seconds": math.nan}
                finish(index, result)
        return dashboard
    finally:
        if cluster is not None:
            cluster.close()


def _assemble(grid: Grid, rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    table = pd.DataFrame(list(rows))
    for column in META_COLUMNS:
        if column not in table:
            table[column] = pd.NA
    figures = sorted(c for c in table.columns if c not in META_COLUMNS and c not in grid.axes)
    ordered = ["point", *grid.axes, "seed", "runs", *figures, "status", "error", "seconds", "point_key"]
    table = table[ordered].sort_values("point", kind="stable").reset_index(drop=True)
    table["error"] = table["error"].fillna("").astype(str)
    return table


def _clear_parts(output: Path) -> None:
    directory = parts_dir(output)
    if directory.is_dir():
        for part in directory.glob("point-*.parquet"):
            part.unlink(missing_ok=True)
        for leftover in directory.glob(".*.tmp"):
            leftover.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # something else is in there: leave it
            directory.rmdir()


def describe_failures(result: SweepResult, axes: Iterable[str]) -> list[str]:
    """One line per failed point: its index, its values and the message."""
    lines = []
    axes = list(axes)
    for row in result.failures.to_dict("records"):
        values = ", ".join(f"{key}={row[key]!r}" for key in axes)
        lines.append(f"point {row['point']} ({values}): {row['error']}")
    return lines
