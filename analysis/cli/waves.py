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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.record import load_record, waves

    check_destination(args.output, "-o")  # before any work
    record = load_record(args.record, args.catalogue)  # warnings: one line each (cli.main)
    table = waves(record)
    if args.national_only:
        table = table.loc[~table["regional"]]
    regional = int(table["regional"].sum())
    what = (f"{len(table)} waves ({len(table) - regional} national, {regional} regional) from "
            f"{record.attrs['record_path']}")
    note(write_output(table.to_csv(index=False), args.output, what))
    return 0
