"""`python -m analysis explore FILE -o OUT.parquet`: Sobol indices and PRIM boxes over the assumptions."""

from __future__ import annotations

import argparse

from analysis.cli.common import UsageError, add_parallel_arguments, add_record_arguments
from analysis.model.limits import MAX_RUN_DAYS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "explore",
        help="sample every assumption over its range, simulate each experiment, and say which "
             "assumptions matter (Sobol) and where the defense fails (PRIM)",
        description=(
            "Run the experiments of an experiment file (data/experiments/*.yaml: a scenario, "
            "inputs with their distributions, outcomes, failure conditions) and write one parquet "
            "row per experiment with its inputs and every figure of simulate's JSON. Finished "
            "experiments are kept in OUT.parquet.parts/ so an interrupted run resumes; the table "
            "is the same on every scheduler and with any number of workers. --json writes the "
            "summary: Sobol first-order and total indices per outcome with bootstrap intervals "
            "(and the do-nothing input random_numbers: the Monte Carlo noise floor) and PRIM "
            "boxes per failure with coverage, density and a sentence."
        ),
    )
    parser.add_argument("experiment", metavar="FILE", help="experiment file (see data/experiments/)")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.parquet",
                        help="the table of experiments (written atomically at the end)")
    parser.add_argument("--json", metavar="SUMMARY", help="write the summary as JSON ('-': print it)")
    parser.add_argument("--robustness", type=int, default=0, metavar="M",
                        help="also redo the headline failure share and its top three drivers with each "
                             "range halved (the design's experiments, reweighted) and widened (M new "
                             "experiments each): the summary's 'robustness' (default 0: skip)")
    parser.add_argument("--max-run-days", type=float, metavar="N",
                        help=f"refuse a study of more experiments x runs x days (default "
                             f"{MAX_RUN_DAYS:.0e}, about a day of two cores)")
    add_parallel_arguments(parser)
    add_record_arguments(parser, catalogue=False)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from analysis.cli.common import (
        check_destination,
        check_resumable_destination,
        note,
        say,
        write_output,
    )
    from analysis.model.explore import load_experiment, run_explore, summarise
    from analysis.model.parallel import resolve_workers

    if not str(args.output).endswith(".parquet"):
        raise UsageError(f"-o {args.output}: the output is a .parquet file")
    if args.robustness < 0:
        raise UsageError(f"--robustness {args.robustness}: the new experiments of each widened range, 0 to skip")
    check_resumable_destination(args.output, "-o")  # before any work
    check_destination(args.json, "--json")
    workers = resolve_workers(args.workers)
    if args.max_run_days is not None and not args.max_run_days >= 1:
        raise UsageError(f"--max-run-days {args.max_run_days:g}: at least 1")
    experiment = load_experiment(args.experiment, record=args.record,
                                 max_run_days=args.max_run_days or MAX_RUN_DAYS)
    spec = experiment.spec
    note(f"explore: {experiment.source}: {spec.design.method} design, n = {spec.design.n}, "
         f"{len(spec.inputs)} inputs, {spec.runs:,} runs per experiment, on scheduler "
         f"{args.scheduler} ({workers} worker{'s' if workers > 1 else ''})")
    result = run_explore(experiment, output=args.output, scheduler=args.scheduler, workers=workers,
                         on_dashboard=lambda link: note(f"Dask dashboard: {link}"))
    note(f"wrote {args.output}: {len(result.table):,} experiments ({result.computed:,} simulated, "
         f"{len(result.table) - result.computed:,} resumed), {len(result.failed)} failed")
    for row in result.failed.head(5).to_dict("records"):
        note(f"failed: experiment {row['experiment']}: {row['error']}")
    summary = summarise(result)
    if args.robustness and experiment.failures:
        from analysis.model.explore import robustness

        table = robustness(result, m=args.robustness, scheduler=args.scheduler, workers=workers)
        summary["robustness"] = {"failure": table.attrs["failure"], "outcome": table.attrs["outcome"],
                                 "m": args.robustness,
                                 "rows": [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
                                          for row in table.to_dict("records")]}
    if args.json:
        done = write_output(json.dumps(summary, indent=2) + "\n", args.json, "summary")
        if done:
            note(done)
    if args.json != "-":
        for line in describe(summary):
            say(line)
    return 1 if len(result.failed) else 0


def describe(summary: dict) -> list[str]:
    """The answers in a few lines: the assumptions that matter most per outcome, and the boxes."""
    from analysis.model.explore import ranked_inputs

    lines = [f"{summary['experiment']}: {summary['design']['experiments']:,} experiments of "
             f"{summary['runs']:,} runs ({summary['design']['method']}, n = {summary['design']['n']})"]
    noise = summary.get("noise_input")
    for outcome, indices in summary["sobol"].items():
        if indices is None:
            lines.append(f"  {outcome}: no Sobol indices ({summary['sobol_notes'].get(outcome)})")
            continue
        top = ", ".join(f"{summary['inputs'][name]['label']} {st:.2f}"
                        for name, st in ranked_inputs(summary, outcome)[:3])
        floor = indices.get(noise) if noise else None
        noise_text = f"; noise floor {floor['ST']:.3f}" if floor and floor["ST"] is not None else ""
        lines.append(f"  {outcome}: total index {top}{noise_text}")
    for name, boxes in summary["prim"].items():
        failure = summary["failures"][name]
        share = "" if failure["share"] is None else (
            f" in {failure['share']:.0%} of the experiments (95% interval {failure['low']:.0%} to "
            f"{failure['high']:.0%})")
        lines.append(f"  {failure['label']}:{share}" + (f"; {failure['note']}" if failure["note"] else ""))
        lines += [f"    {box['sentence']}" for box in boxes]
    robust = summary.get("robustness")
    if robust:
        lines.append(f"  {robust['failure']} with each range halved or widened (the interval above covers the "
                     "sampling of experiments only):")
        for row in robust["rows"]:
            what = "as given" if row["input"] is None else f"{summary['inputs'][row['input']]['label']}, {row['variant']}"
            top = ", ".join(summary["inputs"][n]["label"] for n, _ in row["drivers"])
            share = "-" if row["share"] is None else f"{row['share']:.0%}"
            lines.append(f"    {what}: {share}; drivers: {top}")
    return lines
