"""`python -m analysis waves -o FILE.csv`: the wave table (one row per attack) as CSV."""

from __future__ import annotations

import argparse

from analysis.cli.common import add_record_arguments, check_destination, note, write_output


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "waves",
        help="write the wave table (one row per attack) to a CSV file",
        description=(
            "Group the record into waves (the rows of one post whose report windows overlap) and "
            "write one row per wave with launched / destroyed / not_reached per weapon class. "
            "Regional-command waves are kept apart and flagged. Columns: see data/README.md."
        ),
    )
    add_record_arguments(parser)
    parser.add_argument("-o", "--output", metavar="FILE.csv", required=True,
                        help="where to write the table ('-' for standard output)")
    parser.add_argument("--national-only", action="store_true",
                        help="leave out the waves of regional commands")
    parser.add_argument("--window", metavar="HOURS", type=window_hours,
                        help="add the national attacks up by the clock instead: e.g. '24h' writes "
                             "the largest totals within 24 hours, one row per span. The rule: "
                             "attacks whose windows fit, first start to last end, in one span of "
                             "that many hours are added up (a day post and the night post after "
                             "it); spans are chosen largest first and an attack counts in one "
                             "span only, so no launch is counted twice; an attack longer than the "
                             "span stands alone. Columns: rank, start, end, hours, report_date, "
                             "attacks, wave_ids, <class>_launched, total_launched, "
                             "total_neutralised, largest_attack, missing_counts, overlapping (two "
                             "posts' windows overlap by over an hour: they may repeat each other) "
                             "and same_models")
    parser.set_defaults(func=run)


def window_hours(text: str) -> float:
    """'24h' (or '24') as hours, between 1 and 168."""
    value = text.strip().lower().removesuffix("h")
    try:
        hours = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of hours (e.g. 24h)") from None
    if not 1 <= hours <= 168:
        raise argparse.ArgumentTypeError(f"{text!r}: give between 1 and 168 hours")
    return hours


def run(args: argparse.Namespace) -> int:
    from analysis.record import load_record, waves
    from analysis.record.waves import within_hours

    check_destination(args.output, "-o")  # before any work
    record = load_record(args.record, args.catalogue)  # warnings: one line each (cli.main)
    table = waves(record)
    if args.window:
        spans = within_hours(table, args.window)
        what = (f"{len(spans)} spans of at most {args.window:g} hours from "
                f"{int((~table['regional']).sum())} national waves of {record.attrs['record_path']}")
        note(write_output(spans.to_csv(index=False), args.output, what))
        return 0
    if args.national_only:
        table = table.loc[~table["regional"]]
    regional = int(table["regional"].sum())
    what = (f"{len(table)} waves ({len(table) - regional} national, {regional} regional) from "
            f"{record.attrs['record_path']}")
    note(write_output(table.to_csv(index=False), args.output, what))
    return 0
