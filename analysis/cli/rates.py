"""`python -m analysis rates`: interception rates by any grouping, each with its 95% interval."""

from __future__ import annotations

import argparse

from analysis.cli.common import add_record_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rates",
        help="interception rates by class, model, period or command, with intervals, to a CSV",
        description=(
            "Interception rates of the record by any grouping, each with a 95% interval. "
            "'neutralised' counts destroyed + did not reach (comparable across reporting periods); "
            "'destroyed' changed meaning on 2024-07-10 and 2025-07-23, so a 'destroyed' table is "
            "always split by convention period (column 'convention'). Columns: the grouping keys, "
            "launched, destroyed or neutralised, rate, ci_low, ci_high (binomial 95% interval), "
            "method (e.g. 'wilson; quasi-binomial by wave'), waves (waves with launches in the "
            "group), dispersion (Pearson phi of the rate across those waves: 1 = binomial, above 1 = "
            "night-to-night overdispersion; empty with fewer than 2 waves or a rate of exactly 0 or 1), "
            "od_low, od_high (the 95% interval allowing for that overdispersion: quasi-binomial by "
            "wave, never narrower than the binomial one; empty for a group of a single wave)."
        ),
    )
    add_record_arguments(parser)
    parser.add_argument("--by", default="class", metavar="KEYS",
                        help="comma-separated grouping keys: class, model, month, quarter, year, "
                             "command, convention (default: class)")
    parser.add_argument("--convention", choices=("neutralised", "destroyed"), default="neutralised",
                        help="what counts as an interception (default: neutralised)")
    parser.add_argument("--command", choices=("national", "all"), default="national",
                        help="national-command posts only, or regional commands too (default: national). "
                             "Regional rows are mostly destroyed-only counts that can overlap the "
                             "national reports; 'all' without '--by command' pools them and warns")
    parser.add_argument("--method", choices=("wilson", "jeffreys"), default="wilson",
                        help="binomial interval (default: wilson)")
    parser.add_argument("--overdispersed", action="store_true",
                        help="also put the overdispersion-aware interval (od_low, od_high) in "
                             "ci_low, ci_high, for readers of the older columns; method then reads "
                             "e.g. 'wilson quasi-binomial by wave (ci and od)'. od_low, od_high and "
                             "dispersion are always written")
    parser.add_argument("--start", metavar="DATE", help="first report date (YYYY-MM-DD)")
    parser.add_argument("--end", metavar="DATE", help="last report date (YYYY-MM-DD)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.csv", help="CSV file to write")
    parser.set_defaults(func=run)


def _date(value: str | None, option: str) -> str | None:
    import pandas as pd

    from analysis.stats.rates import RateError

    if value in (None, ""):
        return None
    try:
        pd.Timestamp(value)
    except ValueError as error:
        raise RateError(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from error
    return value


def pooling_warning(record, command: str, keys: list[str], start: str | None, end: str | None) -> str | None:
    """The warning for `--command all` grouped without `command`: regional rows pooled in silence."""
    from analysis.stats.rates import select_rows

    if command != "all" or "command" in keys:
        return None
    rows = select_rows(record, "all", start, end)
    regional = rows["command"] == "regional"
    if not regional.any():
        return None
    launched = rows["launched"].astype("Float64")
    return (
        f"warning: --command all pools {int(regional.sum())} regional-command rows "
        f"({int(launched[regional].sum()):,} of {int(launched.sum()):,} launched) with the national ones. "
        "Regional rows are mostly destroyed-only counts (launched = destroyed) that can overlap the "
        "national reports, so pooled rates run high; add '--by command' to keep them apart "
        "(e.g. --by class,command)."
    )


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from analysis.io import atomic_write_text
    from analysis.record import load_record
    from analysis.stats.rates import rate_table

    start, end = _date(args.start, "--start"), _date(args.end, "--end")
    record = load_record(args.record, args.catalogue)
    table = rate_table(record, by=args.by, convention=args.convention, command=args.command,
                       method=args.method, start=start, end=end)
    if args.overdispersed:
        table["ci_low"], table["ci_high"] = table["od_low"], table["od_high"]
        table["method"] = f"{args.method} quasi-binomial by wave (ci and od)"
    else:
        table["method"] = f"{args.method}; quasi-binomial by wave"
    keys = table.attrs["keys"]
    warning = pooling_warning(record, args.command, keys, start, end)
    if warning:
        print(warning, file=sys.stderr)
    out = table[[*keys, "launched", args.convention, "rate", "ci_low", "ci_high", "method",
                 "waves", "dispersion", "od_low", "od_high"]]
    output = Path(args.output)
    # Written beside the target and renamed, so a failed run never leaves half a file.
    atomic_write_text(output, out.to_csv(index=False, float_format="%.6g"))
    print(f"wrote {len(out)} rates to {output}")
    return 0
