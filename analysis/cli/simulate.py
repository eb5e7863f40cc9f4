"""`python -m analysis simulate`: the interceptor depletion Monte Carlo of one scenario.

A short readable summary on the terminal, each mean and quantile with its Monte Carlo standard
error; the full figures as JSON with `--json FILE` (`-` for standard output). The arguments that
name and change a scenario (`add_scenario_arguments`, `scenario_from_args`) are shared with
`sustain`."""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.model.scenarios import Scenario


def add_scenario_arguments(parser: argparse.ArgumentParser, *, runs_help: str) -> None:
    """SCENARIO, --runs, --seed, --set, --no-calibrate, --record, --json."""
    from analysis.cli.common import RECORD_HELP, add_dedupe_argument

    parser.add_argument("scenario", metavar="SCENARIO", help="scenario file, or a name in data/scenarios/")
    parser.add_argument("--runs", type=int, metavar="N", help=runs_help)
    parser.add_argument("--seed", type=int, metavar="S", help="random seed (default: the scenario's)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a scenario value by dotted key, e.g. threats.drone.per_day=300 or "
                             "layers.patriot.engage_probability.cruise=0.8 (a value you set is held; "
                             "calibration solves only what is left unset)")
    parser.add_argument("--no-calibrate", action="store_true",
                        help="ignore the scenario's calibration block: engage probabilities it leaves "
                             "unset are then 1 (the same as --set calibration=off)")
    parser.add_argument("--record", metavar="PATH", help=RECORD_HELP)
    add_dedupe_argument(parser)
    parser.add_argument("--json", metavar="FILE",
                        help="write every figure as JSON to FILE ('-': standard output, no text)")


def parse_overrides(pairs: list[str]) -> dict:
    """KEY=VALUE strings into a mapping, values read as YAML (numbers, null, lists), each within
    the bounds of `analysis.inputs` (no aliases, small); a bad one is an error naming it."""
    from analysis.errors import ScenarioError
    from analysis.inputs import parse_yaml_text, shown

    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ScenarioError(f"--set {shown(pair)}: expected KEY=VALUE")
        if not value.strip():
            raise ScenarioError(f"--set {key}: no value after '=' (write {key}=null for none)")
        # read as an input file's value is: 1e20 a number, "365" text, 5,000 digits refused
        document = parse_yaml_text(value, f"--set {key}={shown(value)[1:-1]}", error=ScenarioError)
        overrides[key] = document.data
    return overrides


def scenario_from_args(args: argparse.Namespace, min_runs: int = 1) -> Any:
    """The scenario the arguments name, overrides applied; errors name the file and the key.

    An option out of range, or a `--set` the scenario refuses, is a usage error (exit 2): the
    scenario file itself is bad input (exit 1). `min_runs`: 0 where `--runs 0` means "skip"."""
    from analysis.cli.common import UsageError
    from analysis.errors import ScenarioError
    from analysis.model.scenarios import load_scenario
    from analysis.model.schema import MAX_RUNS

    if args.runs is not None and not min_runs <= args.runs <= MAX_RUNS:
        raise UsageError(f"--runs {args.runs:,}: from {min_runs} to {MAX_RUNS:,} (the Monte Carlo error "
                         "falls as 1/sqrt(runs); for more, run several seeds and pool them)")
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed {args.seed}: a seed is a whole number from 0")
    scenario = load_scenario(args.scenario)
    try:
        overrides = parse_overrides(args.set)
        if args.no_calibrate:
            overrides["calibration"] = None
        return scenario.with_overrides(overrides, origin="--set") if overrides else scenario
    except ScenarioError as error:
        raise UsageError(str(error)) from None


def calibration_warnings(report: dict | None, scenario: Scenario) -> None:
    """Targets calibration could not reach, on the terminal (not only in the JSON), each at the
    scenario file's line that sets the target (`warning: FILE:LINE: calibration: ...`)."""
    from analysis.cli.common import note
    from analysis.model.calibration import unreachable_notes

    for cls, text in unreachable_notes(report).items():
        own = ("calibration", "target", cls)
        if own in scenario.lines and not scenario.lines[own]:  # the target came from --set
            where = f"{scenario.source}, --set calibration.target.{cls}: "
        else:
            line = next((scenario.lines[key] for key in (own, own[:2], own[:1]) if scenario.lines.get(key)), None)
            where = f"{scenario.source}:{line}: " if line else f"{scenario.source}: "
        note(f"warning: {where}calibration: {text}")


def register(subparsers: argparse._SubParsersAction) -> None:
    from analysis.cli.common import add_parallel_arguments

    parser = subparsers.add_parser(
        "simulate",
        help="run the interceptor depletion model on a scenario (YAML in data/scenarios/)",
        description=(
            "Simulate a scenario day by day over many runs: stocks, shots, kills, threats that got "
            "through, costs. Prints a short summary (± is the Monte Carlo standard error); --json FILE "
            "writes (and --json - prints) every figure: per interceptor days_to_depletion {median, "
            "p10, p90, mean, prob_by_horizon, mcse} and by class, interception_rate, leakers_per_day, "
            "cost_per_day_usd, cost_exchange_ratio (defender / attacker spending), and what "
            "calibration did. A bare name (baseline) is looked up in data/scenarios/."
        ),
    )
    add_scenario_arguments(parser, runs_help="Monte Carlo runs (default: the scenario's)")
    parser.add_argument("--chunk-runs", type=int, metavar="N",
                        help="runs held in memory at once (results do not depend on it)")
    add_parallel_arguments(parser, scheduler=False)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from analysis.cli.common import UsageError, check_destination, note, say, write_output
    from analysis.model.parallel import resolve_workers, simulate

    check_destination(args.json, "--json")
    scenario = scenario_from_args(args)
    if args.chunk_runs is not None and args.chunk_runs < 1:
        raise UsageError(f"--chunk-runs {args.chunk_runs}: at least 1 (runs held in memory at once)")
    result = simulate(scenario, runs=args.runs, seed=args.seed, chunk_runs=args.chunk_runs,
                      record=args.record, calibrate=not args.no_calibrate,
                      workers=resolve_workers(args.workers))
    summary = result.summary()
    calibration_warnings(summary["calibration"], scenario)
    from analysis.model.backcast import backcast
    from analysis.model.backcast import describe as describe_backcast

    consistency = backcast(scenario, args.record)
    summary["backcast"] = consistency.as_dict()
    for warning in consistency.warnings:
        note(f"warning: {scenario.source}: back-cast: {warning}")
    text = json.dumps(summary, indent=2, default=str)
    if args.json == "-":
        write_output(text, "-")
        return 0
    say(describe(summary))
    say("\n".join(describe_backcast(consistency)))
    if args.json:
        note(write_output(text + "\n", args.json, "full figures"))
    return 0


def significant(value: float) -> str:
    """A standard error to two significant digits, without an exponent."""
    if value == 0:
        return "0"
    text = f"{value:.2g}"
    return f"{value:,.0f}" if "e" in text and value >= 1 else (f"{value:.6f}".rstrip("0") if "e" in text else text)


def pm(value: Any, error: Any, scale: float = 1.0, unit: str = "", digits: int = 1) -> str:
    """'12.3 ±0.41' with the unit on both: the value to `digits`, its error to two digits."""
    if value is None:
        return "–"
    text = f"{value * scale:,.{digits}f}{unit}"
    if error is None or not math.isfinite(error):
        return text
    return f"{text} ±{significant(error * scale)}{unit}"


def days_text(figure: dict, horizon: int, runs: int) -> str:
    """'day 190 ±1 (10-90% of runs: 147 ±2 to 239 ±3); runs out within 365 days in over 99.7%
    (1,000 of 1,000 runs)': each day with its Monte Carlo error, the share with its 95% interval."""
    from analysis.model.montecarlo import share_text

    errors = figure.get("mcse", {})

    def day(key: str) -> str:
        value = figure[key]
        if value is None:
            return f"> {horizon}"
        error = errors.get(key)
        return f"{value:,.0f}" + ("" if error is None else f" ±{significant(error)}")

    count = figure.get("runs_out_count", round(figure["prob_by_horizon"] * runs))
    return (f"day {day('median')} (10-90% of runs: {day('p10')} to {day('p90')}); "
            f"runs out within {horizon} days in {share_text(count, runs)}")


def describe(summary: dict) -> str:
    """The simulate summary in lines a person reads: bands are 10th-90th percentiles of runs, ± the
    Monte Carlo standard error."""
    horizon = summary["horizon_days"]

    def band(figure: dict, scale: float = 1.0, unit: str = "", digits: int = 1) -> str:
        errors = figure.get("mcse", {})
        return (f"{pm(figure['mean'], errors.get('mean'), scale, unit, digits)} (10-90% of runs: "
                f"{pm(figure['p10'], errors.get('p10'), scale, unit, digits)} to "
                f"{pm(figure['p90'], errors.get('p90'), scale, unit, digits)})")

    lines = [f"{summary['scenario']}: {summary['runs']:,} runs x {horizon} days, seed {summary['seed']} "
             "(± Monte Carlo standard error)"]
    calibration = summary.get("calibration") or {}
    if calibration.get("applied"):
        lines.append(f"  calibrated to {calibration.get('target_source')}: "
                     + ", ".join(f"{c} {v['target']:.1%}" for c, v in calibration["classes"].items()))
    else:
        lines.append("  not calibrated: engage probabilities as set (1 where the scenario sets none)")
    lines.append("  first day each interceptor could not engage a class it covers (median):")
    for name, classes in summary.get("days_to_depletion_by_class", {}).items():
        for cls, figure in classes.items():
            lines.append(f"    {name:<18} {cls:<10} {days_text(figure, horizon, summary['runs'])}")
    several = [name for name, classes in summary.get("days_to_depletion_by_class", {}).items() if len(classes) > 1]
    if several:
        lines.append("  first day it could engage none of them (while it still answers one class, it has not run out):")
        for name in several:
            lines.append(f"    {name:<29} {days_text(summary['days_to_depletion'][name], horizon, summary['runs'])}")
    lines.append(f"  interception rate: {band(summary['interception_rate'], 100, '%')}")
    for name, rate in summary.get("interception_rate_by_class", {}).items():
        lines.append(f"    {name:<20} {band(rate, 100, '%')}")
    lines.append(f"  threats getting through a day: {band(summary['leakers_per_day'])}")
    errors = summary.get("mcse", {})
    lines.append(f"  defender spending a day: ${pm(summary['cost_per_day_usd'], errors.get('cost_per_day_usd'), 1e-6, 'M', 2)}; "
                 f"per threat stopped: ${pm(summary['cost_per_kill_usd'], errors.get('cost_per_kill_usd'), 1e-3, 'k', 0)}")
    if summary.get("cost_exchange_ratio") is None:
        missing = ", ".join(summary.get("attacker_costs_missing") or []) or "no attacker spending"
        lines.append(f"  cost-exchange ratio: not available (no attacker cost for: {missing})")
    else:
        lines.append(f"  attacker spending a day: ${pm(summary['attacker_cost_per_day_usd'], errors.get('attacker_cost_per_day_usd'), 1e-6, 'M', 2)}; "
                     f"cost-exchange ratio (defender / attacker): {pm(summary['cost_exchange_ratio'], errors.get('cost_exchange_ratio'), 1, '', 2)}")
    return "\n".join(lines)
