"""`python -m analysis sustain`: what attack each interceptor's deliveries keep up with, in the long run.

The long-run figures (analysis.model.longrun: each interceptor limited by its own deliveries, the
later layers meeting what an earlier one no longer stops), the defense multiple, the production
that would sustain today's attack, and the Monte Carlo check of the defense multiple at 0.9 and
1.15 times it over three years (`--runs 0` skips it)."""

from __future__ import annotations

import argparse
import math
from typing import Any

from analysis.cli.simulate import add_scenario_arguments

DEFAULT_CHECK_RUNS = 1000


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sustain",
        help="long-run sustainable attack per interceptor and for the whole defense (deliveries only)",
        description=(
            "For each interceptor: the multiple of today's attack, and the threats a day, its "
            "deliveries sustain in the long run with every interceptor limited by its own deliveries; "
            "what it fires a day now; the deliveries a month that would sustain today's attack. The "
            "defense multiple is the largest multiple at which no interceptor drains. The check "
            "simulates 0.9 and 1.15 times it for three years (--runs N, 0 to skip). --json gives per "
            "interceptor sustainable_multiple, sustainable_threats_per_day, used_per_day, "
            "delivered_per_day, plus defense_multiple and required_production."
        ),
    )
    add_scenario_arguments(parser, runs_help=f"runs of each check simulation (default {DEFAULT_CHECK_RUNS}; 0 skips)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from analysis.cli.common import check_destination, note, say, write_output
    from analysis.cli.simulate import calibration_warnings, scenario_from_args
    from analysis.model import sustainability
    from analysis.model.calibration import calibrate
    from analysis.model.longrun import long_run

    check_destination(args.json, "--json")
    scenario = scenario_from_args(args, min_runs=0)  # --runs 0 skips the check
    record = sustainability.record_frame(scenario, args.record)
    solved, report = calibrate(scenario, record) if not args.no_calibrate else (scenario, {})
    calibration_warnings(report, scenario)
    figures = long_run(solved, record)
    data = figures.as_dict()
    data["source"] = scenario.source
    data["required_production"] = {
        name: {"deliveries_per_month_now": item["deliveries_per_month"],
               "deliveries_per_month_together": item["needed_deliveries_per_month_together"],
               "deliveries_per_month_alone": item["needed_deliveries_per_month_alone"]}
        for name, item in data["interceptors"].items()}
    data["calibration"] = report or None
    to_terminal = args.json != "-"
    if to_terminal:
        say(describe(data))  # the table first: the check takes a while, and may fail
    runs = DEFAULT_CHECK_RUNS if args.runs is None else args.runs
    data["engine_check"], data["engine_check_note"] = None, None
    if runs > 0:
        check = sustainability.engine_check(scenario, runs=runs, seed=args.seed, record=record)
        data["engine_check"] = check.to_dict("records") if len(check) else None
        data["engine_check_note"] = check.attrs.get("note")
    else:
        data["engine_check_note"] = "the engine check was skipped (--runs 0)"
    if not to_terminal:
        write_output(json.dumps(data, indent=2), "-")
        return 0
    lines = describe_check(data)
    if lines:
        say(lines)
    if args.json:
        note(write_output(json.dumps(data, indent=2) + "\n", args.json, "full figures"))
    return 0


def _figure(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "any"
    return f"{value:,.{digits}f}"


def describe(data: dict) -> str:
    """The long-run table and the check in lines a person reads."""
    lines = [f"{data['scenario']}: the long run, each interceptor limited by its own deliveries",
             "  today's attack a day: " + ", ".join(f"{c} {v:,.2f}" for c, v in data["arrivals_per_day"].items())]
    header = (f"  {'interceptor':<18} {'engages':<18} {'fires now':>10} {'delivered':>10} "
              f"{'sustains (x today)':>19} {'threats a day':>14} {'needed a month (all / alone)':>29}")
    lines.append(header)
    for name, item in data["interceptors"].items():
        needed = (f"{_figure(item['needed_deliveries_per_month_together'], 0)} / "
                  f"{_figure(item['needed_deliveries_per_month_alone'], 0)}")
        lines.append(
            f"  {name:<18} {', '.join(item['classes']):<18} {item['used_per_day']:>10,.2f} "
            f"{item['delivered_per_day']:>10,.2f} {_figure(item['sustainable_multiple']):>19} "
            f"{_figure(item['sustainable_threats_per_day'], 2):>14} {needed:>29}")
    lines.append(f"  defense multiple: {_figure(data['defense_multiple'])} x today's attack "
                 f"(first to drain: {data['limiting_interceptor'] or 'none'})")
    lines.append("  (fires now: a day at today's attack with every stock in hand; needed a month: to "
                 "sustain today's attack with every interceptor delivered that much / with the others as they are)")
    return "\n".join(lines)


def describe_check(data: dict) -> str:
    """The engine check in lines a person reads (or why there is none)."""
    from analysis.model.montecarlo import share_text

    lines = []
    rows = data.get("engine_check") or []
    for row in rows:
        lines.append(
            f"  check, {row['factor']:.2f} x the defense multiple, {row['days']:,} days, "
            f"from {row['start_stock']:,} {row['interceptor']} (four months of deliveries): runs short in "
            f"{share_text(row['ran_out_count'], row['runs'])}")
    wrong = [row for row in rows if not row.get("agrees", True)]
    if wrong:
        said = "; ".join(f"at {row['factor']:.2f} x it should {'drain' if row['long_run_says'] == 'drains' else 'keep up'}"
                         f" but runs short in {row['ran_out_share']:.0%} of runs" for row in wrong)
        lines.append(f"  the engine contradicts the long-run figure ({said}): the long run follows mean "
                     "flows, and day-to-day swings (waves against a daily capacity) can change what is "
                     "fired; trust the simulation, not the defense multiple, here")
    if data.get("engine_check_note") and not rows:
        lines.append(f"  note: {data['engine_check_note']}")
    return "\n".join(lines)
