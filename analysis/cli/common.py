"""Helpers shared by the command modules (not a command: the CLI skips modules named `_*`)."""

from __future__ import annotations

import argparse

RECORD_HELP = "record file (default: $AIRDEF_RECORD, then the fetched copy in data/external/)"
CATALOGUE_HELP = "weapon catalogue (default: missiles_and_uavs*.csv beside the record)"


def add_catalogue_argument(parser: argparse.ArgumentParser) -> None:
    """`--catalogue PATH`: the weapon catalogue read with the record."""
    parser.add_argument("--catalogue", metavar="PATH", help=CATALOGUE_HELP)


def add_record_arguments(parser: argparse.ArgumentParser, *, catalogue: bool = True) -> None:
    """`--record PATH` and, unless `catalogue` is false, `--catalogue PATH`."""
    parser.add_argument("--record", metavar="PATH", help=RECORD_HELP)
    if catalogue:
        add_catalogue_argument(parser)
