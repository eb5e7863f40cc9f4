"""`python -m analysis waves -o FILE.csv`: the wave table (one row per attack) as CSV."""

from __future__ import annotations

import argparse

from analysis.cli.common import add_record_arguments


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
    import sys
    import warnings
    from pathlib import Path

    from analysis.cli.common import check_destination, write_output
    from analysis.record import RecordWarning, load_record, waves

    check_destination(args.output, "-o")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RecordWarning)
        record = load_record(args.record, args.catalogue)
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    table = waves(record)
    if args.national_only:
        table = table.loc[~table["regional"]]
    if args.output == "-":
        table.to_csv(sys.stdout, index=False)
        return 0
    output = Path(args.output)
    write_output(table.to_csv(index=False), args.output)
    regional = int(table["regional"].sum())
    print(f"wrote {len(table)} waves ({len(table) - regional} national, {regional} regional) "
          f"from {record.attrs['record_path']} to {output}")
    return 0
