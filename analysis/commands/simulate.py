"""`python -m analysis simulate`: the interceptor depletion Monte Carlo of one scenario, as JSON."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="run the interceptor depletion model on a scenario (YAML in data/scenarios/)",
        description=(
            "Simulate a scenario day by day over many runs: stocks, shots, kills, leakers, costs. "
            "Prints JSON: per interceptor days_to_depletion {median, p10, p90, mean, "
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
    parser.add_argument("--json", metavar="FILE", help="also write the JSON to FILE")
    parser.set_defaults(func=run)


def parse_overrides(pairs: list[str]) -> dict:
    """KEY=VALUE strings into a mapping, values read as YAML (numbers, null, lists)."""
    import yaml

    from analysis.errors import ScenarioError

    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ScenarioError(f"--set: value {pair!r}: expected KEY=VALUE")
        overrides[key.strip()] = yaml.safe_load(value)
    return overrides


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from analysis.depletion import simulate
    from analysis.errors import AnalysisError
    from analysis.scenarios import load_scenario

    scenario = load_scenario(args.scenario)
    if args.set:
        scenario = scenario.with_overrides(parse_overrides(args.set))
    if args.runs is not None and args.runs < 1:
        raise AnalysisError(f"--runs: value {args.runs}: must be at least 1")
    result = simulate(scenario, runs=args.runs, seed=args.seed, chunk_runs=args.chunk_runs,
                      record=args.record)
    text = json.dumps(result.summary(), indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0
