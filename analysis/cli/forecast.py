"""`python -m analysis forecast`: national launches per class and period from the record's end,
with intervals from sample paths, and (`--backtest`) how each model did on the record's past."""

from __future__ import annotations

import argparse

from analysis.cli.common import add_record_arguments

DESCRIPTION = (
    "Forecast national launches per weapon class (drone, cruise, ballistic) and period from the "
    "record's last day: median and central interval (--level) from simulated sample paths. The "
    "series starts on 2024-08-01, when the record became a complete daily series; a period the "
    "record ends in is its launches so far plus the forecast of the days to come. Candidate "
    "models: naive (last period's daily rate), moving-average, nb-trend (negative-binomial "
    "regression with trend over the last year, weekday for daily data), ets (exponential "
    "smoothing of the log rate) and combined (an equal mixture of the four). --model auto "
    "(default) takes per class the one with the lowest CRPS in the rolling-origin backtest (the "
    "record cut at every month end from January 2025), the naive one unless another beats it. "
    "CSV columns (-o): class, period (YYYY-MM for months, the ISO date of the first day "
    "otherwise), median, low, high, level, observed (launches already in the record), "
    "observed_days, days, model. --json holds these rows under 'forecast', the totals over the "
    "horizon, per class the model, why, its fitted parameters, and the backtest summary. "
    "--backtest prints per class and horizon the coverage of the 50/80/90%% intervals, the mean "
    "absolute error, the CRPS and the 90%% interval score of every model beside the naive one "
    "(without --by: by month, 1-3 ahead, and by week, 1-12 ahead)."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "forecast", help="forecast launches per class and period, with intervals tested on the past",
        description=DESCRIPTION,
    )
    add_record_arguments(parser)
    parser.add_argument("--by", choices=("day", "week", "month"),
                        help="period of the forecast (default: month; --backtest: month and week)")
    parser.add_argument("--horizon", type=int, metavar="N",
                        help="periods ahead, the one the record ends in first when it is not "
                             "complete (default: 3 months, 12 weeks or 28 days; at most 3 years)")
    parser.add_argument("--level", type=float, default=0.9, metavar="P",
                        help="central interval of the forecast, in [0.5, 0.99] (default: 0.9)")
    parser.add_argument("--classes", default="drone,cruise,ballistic", metavar="LIST",
                        help="comma-separated classes (default: drone,cruise,ballistic)")
    parser.add_argument("--model", default="auto", metavar="NAME",
                        help="auto (default: chosen per class by the backtest), naive, "
                             "moving-average, nb-trend, ets or combined")
    parser.add_argument("--paths", type=int, default=2000, metavar="N",
                        help="sample paths per forecast, in [100, 100000] (default: 2000)")
    parser.add_argument("--seed", type=int, default=20260607, metavar="S",
                        help="random seed (same seed, same numbers; default: 20260607)")
    parser.add_argument("--backtest", action="store_true",
                        help="print the backtest table instead of the forecast")
    parser.add_argument("--json", metavar="FILE", help="write the JSON to FILE ('-': standard output)")
    parser.add_argument("-o", "--output", metavar="FILE.csv",
                        help="write the forecast (with --backtest: the backtest table) as CSV "
                             "('-': standard output)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.cli.common import UsageError, check_destination
    from analysis.record import load_record
    from analysis.stats.forecast import ForecastError
    from analysis.stats.forecast.launches import check_paths, check_seed
    from analysis.stats.forecast.series import (
        check_classes,
        check_horizon,
        check_level,
        check_resolution,
    )

    # every option is checked before the record is read; a bad one is a usage error (exit 2)
    try:
        check_seed(args.seed)
        check_paths(args.paths)
        classes = check_classes(args.classes)
        level = check_level(args.level)
        resolutions = [check_resolution(args.by)] if args.by else (
            ["month", "week"] if args.backtest else ["month"])
        for by in resolutions:
            horizon = None if args.horizon is None else check_horizon(args.horizon, by)
    except ForecastError as error:
        raise UsageError(str(error)) from None
    if args.json and args.json == args.output:
        raise UsageError("--json and -o name the same destination")
    check_destination(args.json, "--json")  # before any work
    check_destination(args.output, "-o")
    record = load_record(args.record, args.catalogue)
    if args.backtest:
        return _backtest(args, record, classes, resolutions, horizon)
    return _forecast(args, record, classes, resolutions[0], horizon, level)


def _forecast(args, record, classes, by, horizon, level) -> int:
    import json

    from analysis.cli.common import STDOUT, note, say, write_output
    from analysis.stats.forecast import forecast_launches

    result = forecast_launches(record, by=by, horizon=horizon, level=level, classes=classes,
                               model=args.model, paths=args.paths, seed=args.seed)
    data_on_stdout = STDOUT in (args.json, args.output)
    if args.output:
        done = write_output(result.table.to_csv(index=False, float_format="%.6g"), args.output,
                            "forecast CSV")
        if done:
            note(done)
    if args.json:
        done = write_output(json.dumps(result.to_json(), indent=2, default=str), args.json,
                            "forecast JSON")
        if done:
            note(done)
    text = describe_forecast(result)
    if data_on_stdout:
        note(text)
    else:
        say(text)
    return 0


def _backtest(args, record, classes, resolutions, horizon) -> int:
    import json

    import pandas as pd

    from analysis.cli.common import STDOUT, note, say, write_output
    from analysis.stats.forecast import backtest, choose_models, daily_launches, summarise

    daily = daily_launches(record, classes)
    summaries, chosen = [], {}
    for by in resolutions:
        if len(resolutions) > 1:
            note(f"backtest by {by} ...")
        detail = backtest(daily, by, horizon=horizon, seed=args.seed,
                          paths=min(args.paths, 1000))
        summaries.append(summarise(detail))
        chosen[by] = choose_models(detail, by)
    table = pd.concat(summaries, ignore_index=True)
    if args.output:
        done = write_output(table.to_csv(index=False, float_format="%.6g"), args.output,
                            "backtest CSV")
        if done:
            note(done)
    if args.json:
        payload = {"record": daily.attrs["record"], "record_end": str(daily.attrs["end"].date()),
                   "backtest": table.to_dict("records"),
                   "chosen": {by: {cls: {"model": c.model, "reason": c.reason,
                                         "mean_crps": c.mean_crps} for cls, c in picks.items()}
                              for by, picks in chosen.items()}}
        done = write_output(json.dumps(payload, indent=2, default=str), args.json, "backtest JSON")
        if done:
            note(done)
    text = describe_backtest(table, chosen, daily.attrs["record"], daily.attrs["end"])
    if STDOUT in (args.json, args.output):
        note(text)
    else:
        say(text)
    return 0


def describe_forecast(result) -> str:
    """The forecast as a person reads it: one line per class and period, then the models."""
    pct = f"{result.level:.0%}"
    lines = [f"National launches forecast from {result.record} (last day {result.end.date()}), "
             f"by {result.by}: median and {pct} interval from {result.paths:,} sample paths"]
    for cls in result.classes:
        rows = result.table[result.table["class"] == cls]
        lines.append(f"  {cls} ({result.choices[cls].model}):")
        for row in rows.itertuples():
            seen = (f"  ({row.observed:,.0f} in the record's {row.observed_days} of {row.days} days)"
                    if row.observed_days else "")
            lines.append(f"    {row.period:<10} {row.median:>9,.0f}   {pct}: "
                         f"{row.low:,.0f} to {row.high:,.0f}{seen}")
    lines.append("  model per class:")
    lines += [f"    {cls}: {result.choices[cls].reason}" for cls in result.classes]
    lines += [f"  note: {text}" for text in result.notes]
    return "\n".join(lines)


def describe_backtest(table, chosen, record: str, end) -> str:
    """The backtest table per resolution and class, every model beside the naive one."""
    lines = [f"Rolling-origin backtest on {record} (last day {end.date()}): cut at every month end "
             "from 2025-01-31; coverage = share of held-out periods inside the interval "
             "(nominal 50/80/90%); MAE of the median; CRPS and 90% interval score (lower is better); "
             "vs naive = CRPS / naive CRPS"]
    header = (f"    {'model':<15}{'horizon':<11}{'n':>4}{'cov50':>7}{'cov80':>7}{'cov90':>7}"
              f"{'MAE':>10}{'CRPS':>10}{'IS90':>11}{'vs naive':>9}")
    for (by, cls), rows in table.groupby(["by", "class"], sort=False):
        lines.append(f"  {cls} by {by}: default {chosen[by][cls].reason}")
        lines.append(header)
        for row in rows.sort_values("horizon", kind="stable").itertuples():
            lines.append(
                f"    {row.model:<15}{row.horizon_label:<11}{row.forecasts:>4}"
                f"{row.coverage_50:>7.0%}{row.coverage_80:>7.0%}{row.coverage_90:>7.0%}"
                f"{row.mae:>10,.1f}{row.crps:>10,.1f}{row.interval_score_90:>11,.0f}"
                f"{row.crps_vs_naive:>9.2f}")
    return "\n".join(lines)
