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
    figures = long_run(solved, record, per_class=True)
    data = figures.as_dict()
    data["source"] = scenario.source
    data["period"] = scenario.period
    from analysis.model.backcast import backcast, record_at_hand
    from analysis.model.record_classes import latest_attack

    latest = latest_attack(record_at_hand(record if record is not None else args.record), solved.classes)
    data["latest_months"] = None if latest is None else {**latest, "start": str(latest["start"]),
                                                         "end": str(latest["end"])}

    consistency = backcast(scenario, record if record is not None else args.record)
    data["backcast"] = consistency.as_dict()
    for warning in consistency.warnings:
        note(f"warning: {scenario.source}: back-cast: {warning}")
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
        # figures not measured are null in the JSON, not NaN
        data["engine_check"] = check.astype(object).where(check.notna(), None).to_dict("records") if len(check) else None
        data["engine_check_note"] = check.attrs.get("note")
    else:
        data["engine_check_note"] = "the engine check was skipped (--runs 0)"
    if not to_terminal:
        write_output(json.dumps(data, indent=2, default=str), "-")
        return 0
    lines = describe_check(data)
    if lines:
        say(lines)
    if args.json:
        note(write_output(json.dumps(data, indent=2, default=str) + "\n", args.json, "full figures"))
    return 0


def _figure(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "any"
    return f"{value:,.{digits}f}"


def describe(data: dict) -> str:
    """The long-run table and the check in lines a person reads."""
    lines = [f"{data['scenario']}: the long run, each interceptor limited by its own deliveries",
             f"  today's attack a day ({data.get('period') or 'the scenario'}): "
             + ", ".join(f"{c} {v:,.2f}" for c, v in data["arrivals_per_day"].items())]
    latest = data.get("latest_months")
    if latest:
        lines.append(f"  the record's latest three months ({latest['start']} to {latest['end']}): "
                     + ", ".join(f"{c} {v:,.2f}" for c, v in latest["arrivals_per_day"].items()))
    if data.get("settled_on_day"):
        lines.append(f"  values as they stand from day {data['settled_on_day']:,} on (the scenario's changes and "
                     "deliveries settled)")
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
    if data.get("whole_missile_layers"):
        lines.append(f"  drained layers followed in whole missiles: {', '.join(data['whole_missile_layers'])}")
    classes = data.get("classes") or {}
    if classes:
        from analysis.model.longrun import ANSWERED

        lines.append(f"  per class, the others at today's rate (kept up with: its layers answer every threat of it they "
                     f"would engage in the long run; {ANSWERED:.0%} where whole missiles are followed):")
        for name, by_class in classes.items():
            for cls, item in by_class.items():
                rate = "any rate" if item["per_day"] is None else f"{item['per_day']:,.2f} a day"
                lines.append(f"    {name:<18} {cls:<10} keeps up with {rate} (today {item['today_per_day']:,.2f}; "
                             f"answers {item['answered_today']:.0%} of them in the long run at today's attack)")
    from analysis.model.backcast import Backcast
    from analysis.model.backcast import describe as describe_backcast

    if data.get("backcast"):
        raw = data["backcast"]
        lines += describe_backcast(Backcast(tuple(raw["period"]) if raw["period"] else None, raw["days"],
                                            raw["arrivals_per_day"], raw["arrivals_from"], raw["interceptors"],
                                            raw["note"]))
    return "\n".join(lines)


def _given(value: Any) -> bool:
    """A figure that is there (not None, not a table's NaN)."""
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def describe_check(data: dict) -> str:
    """The engine check of every interceptor in lines a person reads (or why there is none)."""
    from analysis.model.montecarlo import share_text
    from analysis.model.sustainability import CHECK_SHARES

    lines = []
    rows = data.get("engine_check") or []
    if rows:
        first = rows[0]
        lines.append(f"  check in the engine: each interceptor at 0.9 and 1.15 x its own multiple, {first['days']:,} "
                     f"days, {first['runs']:,} runs, it starting at four months of deliveries and every other at "
                     f"its reserve (agrees: runs short in at most {CHECK_SHARES[0]:.0%} below, at least "
                     f"{CHECK_SHARES[1]:.0%} above)")
    for row in rows:
        verdict = row["verdict"]
        shown = {"agrees": "agrees", "disagrees": "DISAGREES"}.get(verdict, "outside the band")
        if verdict != "agrees" and _given(row.get("without_waves_count")):
            shown += (f"; the same mean attack without waves (Poisson days): "
                      f"{share_text(int(row['without_waves_count']), row['runs'])}: "
                      f"{'agrees' if verdict == 'waves' else 'DISAGREES'}")
        lines.append(
            f"    {row['interceptor']:<18} {row['factor']:.2f} x ({row['multiple']:,.3g} x today's attack), "
            f"from {row['start_stock']:,}: runs short in {share_text(row['ran_out_count'], row['runs'])}: {shown}")
    waves = [row for row in rows if row.get("verdict") == "waves"]
    if waves:
        said = "; ".join(f"{row['interceptor']} at {row['factor']:.2f} x runs short in {row['ran_out_share']:.0%} "
                         f"of runs, {row['without_waves_share']:.0%} without waves" for row in waves)
        lines.append(f"  the long-run multiples hold on the same mean attack; the attack's waves change how often a "
                     f"stock of four months runs short within three years ({said}): a multiple is what deliveries "
                     "keep up with on average, and a stock must also ride out the waves")
    wrong = [row for row in rows if row.get("verdict") == "disagrees"]
    if wrong:
        said = "; ".join(f"{row['interceptor']} at {row['factor']:.2f} x should "
                         f"{'drain' if row['long_run_says'] == 'drains' else 'keep up'} but runs short in "
                         f"{row['ran_out_share']:.0%} of runs" for row in wrong)
        lines.append(f"  the engine contradicts the long-run figure ({said}), waves or not: the long run follows "
                     "mean flows, and a daily capacity or a small stock can change what is fired; trust the "
                     "simulation, not that multiple, here")
    if data.get("engine_check_note"):
        lines.append(f"  note: {data['engine_check_note']}")
    return "\n".join(lines)
