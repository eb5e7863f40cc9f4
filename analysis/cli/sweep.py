"""`python -m analysis sweep GRID.yaml -o FILE.parquet`: simulate every point of a scenario grid."""

from __future__ import annotations

import argparse

from analysis.cli.common import UsageError
from analysis.model.limits import MAX_RUN_DAYS, MAX_SWEEP_POINTS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sweep",
        help="simulate every combination of a grid of scenario values (one parquet row per point)",
        description=(
            "Simulate every point of a grid file (a base scenario and dotted scenario keys mapped to "
            "lists of values) and write one row per point with the summary figures. Finished "
            "points are kept in FILE.parquet.parts/ so an interrupted sweep resumes; seeds come "
            "from each point's values, so every scheduler gives the same numbers."
        ),
    )
    parser.add_argument("grid", metavar="GRID.yaml", help="grid file (see analysis/model/sweep.py)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.parquet",
                        help="where the table goes (written atomically at the end)")
    parser.add_argument("--scheduler", default="local", metavar="local|processes|ADDRESS",
                        help="local: worker processes on this machine (default); processes: a Dask LocalCluster on "
                        "127.0.0.1; ADDRESS: an existing Dask scheduler, e.g. tcp://10.0.0.5:8786")
    parser.add_argument("--runs", type=int, metavar="N", help="Monte Carlo runs per point (overrides the grid)")
    parser.add_argument("--no-calibrate", action="store_true",
                        help="ignore the base scenario's calibration block at every point: engage "
                             "probabilities it leaves unset are then 1 (the same as "
                             "'overrides: {calibration: off}' in the grid file)")
    parser.add_argument("--max-points", type=int, metavar="N",
                        help=f"refuse a grid of more points (default {MAX_SWEEP_POINTS:,})")
    parser.add_argument("--max-run-days", type=float, metavar="N",
                        help=f"refuse a sweep of more points x runs x days (default {MAX_RUN_DAYS:.0e}, "
                             "about a day of two cores)")
    parser.add_argument("--workers", type=int, default=0, metavar="N",
                        help="worker processes, on this machine (local) or in the LocalCluster "
                             "(processes) (default: every core; 1 with local: in this process; "
                             "results do not depend on it)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.cli.common import check_resumable_destination, note
    from analysis.model.parallel import resolve_workers
    from analysis.model.sweep import SweepLimits, describe_failures, load_grid, run_sweep

    workers = resolve_workers(args.workers)
    if args.output == "-":
        raise UsageError("-o -: a sweep writes a .parquet file and keeps finished points beside it "
                         "to resume; name a file")
    if not str(args.output).endswith(".parquet"):
        raise UsageError(f"-o {args.output}: the output is a .parquet file")
    check_resumable_destination(args.output, "-o")
    limits = SweepLimits(points=MAX_SWEEP_POINTS if args.max_points is None else args.max_points,
                         run_days=MAX_RUN_DAYS if args.max_run_days is None else args.max_run_days)
    if limits.points < 1 or not limits.run_days >= 1:
        raise UsageError("--max-points and --max-run-days: at least 1")
    if args.runs is not None and args.runs < 1:
        raise UsageError(f"--runs {args.runs}: at least 1")
    grid = load_grid(args.grid, {"calibration": None} if args.no_calibrate else None, limits)
    note(f"sweep: {grid.size} points of {grid.source} on scheduler {args.scheduler}")
    result = run_sweep(
        grid,
        scheduler=args.scheduler,
        output=args.output,
        runs=args.runs,
        workers=workers,
        limits=limits,
        on_dashboard=lambda link: note(f"Dask dashboard: {link}"),
    )
    resumed = grid.size - result.computed
    note(f"wrote {args.output}: {len(result.table)} points "
         f"({result.computed} simulated, {resumed} resumed), {len(result.failures)} failed")
    if len(result.failures):
        for line in describe_failures(result, grid.axes):
            note(f"failed: {line}")
        return 1
    return 0
