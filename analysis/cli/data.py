"""`python -m analysis data check|fetch`: validate a record file; fetch the public record."""

from __future__ import annotations

import argparse
import sys

from analysis.cli.common import UsageError, add_catalogue_argument, add_dedupe_argument, say


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "data",
        help="check a record file, or fetch the public record into data/external/",
        description="Validate an attack file (`check`) or download the current public record (`fetch`).",
    )
    actions = parser.add_subparsers(dest="data_command", metavar="ACTION")

    check = actions.add_parser(
        "check",
        help="validate a record file; lists every problem with file, line, column and value",
        description=(
            "Validate an attack file against the schema and the record's domain rules: required "
            "columns, counts non-negative whole numbers (at most 100,000 a row), destroyed <= "
            "launched, times that parse, end not before start, no date after the record was "
            "fetched (or today), no row repeating an earlier one exactly (--dedupe: listed as left "
            "out), a last line ending with its newline. Exit 0 with a summary when valid, 1 with "
            "the problems when not. Writes nothing."
        ),
    )
    check.add_argument("path", nargs="?", metavar="PATH",
                       help="record file (default: --record, $AIRDEF_RECORD, then data/external/)")
    check.add_argument("--record", metavar="PATH", help="record file (same as PATH)")
    add_catalogue_argument(check)
    add_dedupe_argument(check)
    check.add_argument("--max-errors", type=int, default=20, metavar="N",
                       help="problems listed at most (default 20); the rest are counted")
    check.set_defaults(func=run_check)

    fetch = actions.add_parser(
        "fetch",
        help="download the current public record into data/external/ (with PROVENANCE.json)",
        description=(
            "Download the data set piterfm/massive-missile-attacks-on-ukraine with kagglehub (no "
            "account needed) into data/external/, with a PROVENANCE.json (source, version, access "
            "time, sha256 of each file). It replaces only the files an earlier fetch wrote, keeps "
            "the previous version until the new one is complete, leaves every other file alone, "
            "and stops rather than overwrite a file it did not write."
        ),
    )
    fetch.add_argument("--dest", metavar="DIR",
                       help="target folder (default: data/external/); new, empty, or an earlier fetch's")
    fetch.set_defaults(func=run_fetch)
    parser.set_defaults(func=lambda args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def run_check(args: argparse.Namespace) -> int:
    from analysis.record.validate import check_file, summarise

    if args.path and args.record and args.path != args.record:
        raise UsageError(f"two record files given: {args.path} and --record {args.record}")
    if args.max_errors < 1:
        raise UsageError(f"--max-errors {args.max_errors}: must be at least 1")
    report = check_file(args.path or args.record, args.catalogue)
    say(summarise(report, args.max_errors))
    return 0 if report.ok else 1


def run_fetch(args: argparse.Namespace) -> int:
    from pathlib import Path

    from analysis.record.fetch import describe, fetch_record

    result = fetch_record(Path(args.dest) if args.dest else None)
    say(describe(result))
    return 0
