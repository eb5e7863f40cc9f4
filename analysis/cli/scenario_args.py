"""Arguments shared by the commands that run a scenario (`simulate`, `sustain`): not a command."""

from __future__ import annotations

import argparse
from typing import Any


def add_scenario_arguments(parser: argparse.ArgumentParser, *, runs_help: str) -> None:
    """SCENARIO, --runs, --seed, --set, --no-calibrate, --record, --json."""
    from analysis.cli.common import RECORD_HELP

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
    parser.add_argument("--json", metavar="FILE",
                        help="write every figure as JSON to FILE ('-': standard output, no text)")


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


def scenario_from_args(args: argparse.Namespace) -> Any:
    """The scenario the arguments name, overrides applied; errors name the file and the key."""
    from analysis.errors import AnalysisError
    from analysis.model.scenarios import load_scenario
    from analysis.model.schema import MAX_RUNS

    if args.runs is not None and not 0 <= args.runs <= MAX_RUNS:
        raise AnalysisError(f"--runs {args.runs:,}: from 1 to {MAX_RUNS:,} (the Monte Carlo error falls "
                            "as 1/sqrt(runs); for more, run several seeds and pool them)")
    if args.seed is not None and args.seed < 0:
        raise AnalysisError(f"--seed {args.seed}: a seed is a whole number from 0")
    scenario = load_scenario(args.scenario)
    overrides = parse_overrides(args.set)
    if args.no_calibrate:
        overrides["calibration"] = None
    return scenario.with_overrides(overrides, origin="--set") if overrides else scenario


def calibration_warnings(report: dict | None) -> None:
    """Targets calibration could not reach, on the terminal (not only in the JSON)."""
    from analysis.cli.common import note
    from analysis.model.calibration import unreachable_notes

    for line in unreachable_notes(report):
        note(f"warning: calibration: {line}")
