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


STDOUT = "-"  # `-o -` / `--json -`: write to standard output


def write_output(text: str, destination: str, what: str = "output") -> str | None:
    """Write `text` to `destination` (a file, atomically; `-`: standard output).

    Returns a note for the terminal ('wrote FILE'), or None when the text went to standard output
    (where a note would mix with the data)."""
    import sys
    from pathlib import Path

    from analysis.io import atomic_write_text

    if destination == STDOUT:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
        return None
    atomic_write_text(Path(destination), text)
    return f"wrote {what}: {destination}"


def note(message: str) -> None:
    """A line for the person at the terminal: on standard error, so standard output stays data."""
    import sys

    print(message, file=sys.stderr, flush=True)
