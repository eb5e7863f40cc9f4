"""`python -m analysis rates`: interception rates by any grouping, each with its 95% interval."""

from __future__ import annotations

import argparse

from analysis.cli.common import add_record_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rates",
        help="interception rates by class, family, model, period or command, with intervals, to a CSV",
        description=(
            "Interception rates of the record by any grouping, each with two 95% intervals. "
            "'neutralised' counts destroyed + did not reach (for drones: shot down or jammed; "
            "comparable across reporting periods); 'destroyed' changed meaning on 2024-07-10 and "
            "2025-07-23, so a 'destroyed' table is always split by convention period (column "
            "'convention'). Columns: the grouping keys, launched, destroyed or neutralised, rate, "
            "ci_low, ci_high (binomial 95% interval: every munition an independent coin, too narrow "
            "for a record whose nights differ), method (both intervals named), waves (waves with "
            "launches in the group), dispersion (Pearson phi across those waves, descriptive: 1 = "
            "binomial), od_low, od_high (the 95% interval over waves in time order: a long-run "
            "variance that allows for spells of good or bad nights, fixed-b t on the logit scale, "
            "never narrower than the binomial one; its coverage study is benchmarks/coverage.py; "
            "empty for a group of one wave) and note (says when a group has too few waves, or waves "
            "in streaks too long, for the interval to be sure of its level). Rows counting more "
            "intercepted than launched cannot be true: they are left out, and a note names them. "
            "'--by family' gives one row per weapon family (analysis/record/weapon_classes.csv "
            "decides each model's family; a combined label such as 'C-400 and Iskander-M' is a "
            "family of its own) with its class, and after the columns above: combined (a "
            "combined label), share_of_class (its share of the class's launches), units (months "
            "with launches), pooled, pooled_low, pooled_high (the share partially pooled across "
            "the families of its class, months as the units of dependence, with its 95% "
            "interval; its coverage study is benchmarks/pooling.py) and moved_pp (pooled minus "
            "raw, percentage points). Under 'destroyed' only drone families are split by "
            "reporting period: a missile's 'destroyed' kept its meaning."
        ),
    )
    add_record_arguments(parser)
    parser.add_argument("--by", default="class", metavar="KEYS",
                        help="comma-separated grouping keys: class, family, model, month, quarter, "
                             "year, command, convention (default: class); 'family' alone adds the "
                             "pooled shares")
    parser.add_argument("--convention", choices=("neutralised", "destroyed"), default="neutralised",
                        help="what counts as an interception (default: neutralised)")
    parser.add_argument("--command", choices=("national", "all"), default="national",
                        help="national-command posts only, or regional commands too (default: national). "
                             "Regional rows are mostly destroyed-only counts that can overlap the "
                             "national reports; 'all' without '--by command' pools them and warns")
    parser.add_argument("--method", choices=("wilson", "jeffreys"), default="wilson",
                        help="binomial interval (default: wilson)")
    parser.add_argument("--overdispersed", action="store_true",
                        help="also put the interval over waves (od_low, od_high) in ci_low, ci_high, "
                             "for readers of the older columns; method then says so. od_low, "
                             "od_high and dispersion are always written")
    parser.add_argument("--start", metavar="DATE", help="first report date (YYYY-MM-DD)")
    parser.add_argument("--end", metavar="DATE", help="last report date (YYYY-MM-DD)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.csv",
                        help="CSV file to write ('-': standard output)")
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
    from analysis.cli.common import UsageError, check_destination, note, write_output
    from analysis.record import load_record
    from analysis.stats.families import POOLED_COLUMNS, family_table
    from analysis.stats.rates import RateError, parse_by, rate_columns, rate_table

    check_destination(args.output, "-o")
    # every option is checked before the record is read; a bad one is a usage error (exit 2)
    try:
        parse_by(args.by)
        start, end = _date(args.start, "--start"), _date(args.end, "--end")
    except RateError as error:
        raise UsageError(str(error)) from None
    record = load_record(args.record, args.catalogue)
    extra: list[str] = []
    if parse_by(args.by) == ["family"]:
        table = family_table(record, convention=args.convention, command=args.command,
                             method=args.method, start=start, end=end)
        extra = POOLED_COLUMNS
    else:
        table = rate_table(record, by=args.by, convention=args.convention, command=args.command,
                           method=args.method, start=start, end=end)
    if args.overdispersed:
        table["ci_low"], table["ci_high"] = table["od_low"], table["od_high"]
        table["method"] = table["method"] + " (ci columns: the interval over waves)"
    keys = table.attrs["keys"]
    warning = pooling_warning(record, args.command, keys, start, end)
    if warning:
        note(warning)
    if table.attrs.get("note"):
        note(f"note: {table.attrs['note']}")
    out = table[[*keys, *rate_columns(args.convention), *extra]]
    written = write_output(out.to_csv(index=False, float_format="%.6g"), args.output,
                           f"{len(out)} rates")
    if written:
        note(written)
    return 0
