"""`python -m analysis simulate`: the interceptor depletion Monte Carlo of one scenario.

A short readable summary on the terminal; the full figures as JSON with `--json FILE` (`-` for
standard output)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="run the interceptor depletion model on a scenario (YAML in data/scenarios/)",
        description=(
            "Simulate a scenario day by day over many runs: stocks, shots, kills, leakers, costs. "
            "Prints a short summary; --json FILE writes (and --json - prints) the JSON: per interceptor days_to_depletion {median, p10, p90, mean, "
            "prob_by_horizon}, interception_rate {mean, p10, p90}, leakers_per_day, "
            "cost_per_day_usd, cost_exchange_ratio (defender / attacker spending), and what "
            "calibration did. A bare name (baseline) is looked up in data/scenarios/."
        ),
    )
    parser.add_argument("scenario", metavar="SCENARIO.yaml", help="scenario file or name")
    parser.add_argument("--runs", type=int, metavar="N", help="Monte Carlo runs (default: the scenario's)")
    parser.add_argument("--seed", type=int, metavar="S", help="random seed (default: the scenario's)")
    parser.add_argument("--chunk-runs", type=int, metavar="N",
                        help="runs held in memory at once (results do not depend on it)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a scenario value by dotted key, e.g. "
                             "threats.drone.per_day=300 or layers.patriot.engage_probability=0.8")
    parser.add_argument("--record", metavar="PATH",
                        help="record file for scenarios that use it (default: $AIRDEF_RECORD, "
                             "then the fetched copy in data/external/)")
    parser.add_argument("--json", metavar="FILE",
                        help="write the full summary as JSON to FILE ('-': print it instead of the text)")
    parser.set_defaults(func=run)


def parse_overrides(pairs: list[str]) -> dict:
    """KEY=VALUE strings into a mapping, values read as YAML (numbers, null, lists), each within
    the bounds of `analysis.inputs` (no aliases, small); a bad one is an error naming it."""
    import re

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
        document = parse_yaml_text(value, f"--set {key}={shown(value)[1:-1]}", error=ScenarioError)
        data = document.data
        if isinstance(data, str) and re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+", data.strip()):
            data = float(data)  # YAML 1.1 reads 1e20 (no dot, no sign) as text
        overrides[key] = data
    return overrides


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from analysis.errors import AnalysisError
    from analysis.io import atomic_write_text
    from analysis.model.depletion import simulate
    from analysis.model.scenarios import load_scenario

    scenario = load_scenario(args.scenario)
    if args.set:
        scenario = scenario.with_overrides(parse_overrides(args.set), origin="--set")
    if args.runs is not None and args.runs < 1:
        raise AnalysisError(f"--runs: value {args.runs}: must be at least 1")
    result = simulate(scenario, runs=args.runs, seed=args.seed, chunk_runs=args.chunk_runs,
                      record=args.record)
    summary = result.summary()
    text = json.dumps(summary, indent=2)
    if args.json == "-":
        print(text)
        return 0
    print(describe(summary))
    if args.json:
        atomic_write_text(Path(args.json), text + "\n")
        print(f"full figures: {args.json}")
    return 0


def describe(summary: dict) -> str:
    """The simulate summary in a few lines a person reads: bands are 10th-90th percentiles."""

    def band(figure: dict, scale: float = 1.0, unit: str = "", digits: int = 1) -> str:
        low, high = figure.get("p10"), figure.get("p90")
        middle = figure.get("median", figure.get("mean"))
        if middle is None:
            middle_text = f"> {summary['horizon_days']}"
        else:
            middle_text = f"{middle * scale:,.{digits}f}{unit}"
        low_text = "?" if low is None else f"{low * scale:,.{digits}f}{unit}"
        high_text = (f"> {summary['horizon_days']}" if high is None
                     else f"{high * scale:,.{digits}f}{unit}")
        return f"{middle_text} (10-90%: {low_text} to {high_text})"

    lines = [f"{summary['scenario']}: {summary['runs']:,} runs x {summary['horizon_days']} days, "
             f"seed {summary['seed']}"]
    calibration = summary.get("calibration") or {}
    if calibration.get("applied"):
        lines.append(f"  calibrated to {calibration.get('target_source')}: "
                     + ", ".join(f"{c} {v['target']:.1%}" for c, v in calibration["classes"].items()))
    lines.append("  days until each interceptor runs out (median):")
    for name, days in summary["days_to_depletion"].items():
        lines.append(f"    {name:<20} {band(days, digits=0)}; runs out within the horizon in "
                     f"{days['prob_by_horizon']:.0%} of runs")
    lines.append(f"  interception rate: {band(summary['interception_rate'], 100, '%')}")
    for name, rate in summary.get("interception_rate_by_class", {}).items():
        lines.append(f"    {name:<20} {band(rate, 100, '%')}")
    lines.append(f"  leakers per day: {band(summary['leakers_per_day'])}")
    lines.append(f"  defender spending per day: ${summary['cost_per_day_usd'] / 1e6:,.2f}M; "
                 f"cost-exchange ratio (defender / attacker): {summary['cost_exchange_ratio']:.2f}")
    return "\n".join(lines)
