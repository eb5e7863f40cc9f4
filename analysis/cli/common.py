"""What every command shares: the `--record`/`--catalogue` arguments, output to a file or to
standard output (`-`), notes on standard error, one-line warnings, and the exit codes.

Not a command itself (`COMMANDS` in `analysis/cli/__init__.py` lists those).
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from analysis.errors import AnalysisError

#: Exit codes of every command, documented in each `--help` and in the README.
EXIT_CODES: dict[int, str] = {
    0: "done",
    1: "failed: bad input, a failed report or simulation (the message says what and where)",
    2: "usage: unknown option, missing or malformed argument",
    3: "no record: none given and none fetched (`data fetch`, --record or $AIRDEF_RECORD)",
    4: "the download of the record failed (offline, or the source refused)",
    130: "interrupted (Ctrl-C); nothing already written was removed",
    141: "standard output closed before everything was written (e.g. piped into head)",
}

EPILOG = (
    "conventions: '-' as a file name (-o -, --json -) writes to standard output; notes go to\n"
    "standard error; a warning is one line, 'warning: FILE:LINE: message'.\n"
    "exit codes:\n"
    + "".join(f"  {code:<4} {meaning}\n" for code, meaning in EXIT_CODES.items())
)


class UsageError(AnalysisError):
    """An option value the command cannot use (exit code 2, like argparse's own usage errors)."""

    exit_code = 2


def show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                 file: TextIO | None = None, line: str | None = None) -> None:
    """A `warnings.showwarning` that prints `warning: FILE:LINE: message` on one line.

    A RecordWarning is raised at the record's file and line, so FILE:LINE names the row of the
    record; other warnings name the code that raised them."""
    text = " ".join(str(message).split())
    where = f"{filename}:{lineno}: " if filename else ""
    print(f"warning: {where}{text}", file=file or sys.stderr, flush=True)

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


def add_parallel_arguments(parser: argparse.ArgumentParser, *, scheduler: bool = True) -> None:
    """`--workers N` (default every core) and, unless `scheduler` is false, `--scheduler`."""
    if scheduler:
        parser.add_argument(
            "--scheduler", default="local", metavar="local|processes|ADDRESS",
            help="local: worker processes on this machine (default); processes: a Dask "
                 "LocalCluster on 127.0.0.1; ADDRESS: a running Dask scheduler, e.g. "
                 "tcp://10.0.0.5:8786 (results are the same on every one)")
    parser.add_argument(
        "--workers", type=int, default=0, metavar="N",
        help="worker processes (default: every core of this machine; 1: in this process; "
             "results do not depend on it)")


STDOUT = "-"  # `-o -` / `--json -`: write to standard output


def check_destination(destination: str | None, option: str) -> None:
    """Refuse, before any work is done, an output file the command could not write.

    `destination` is what the user gave to `option` (None: no output; '-': standard output). The
    target must not be a folder; its folder must exist, be a folder and take a new file (tried
    with a temporary file, removed at once). A missing folder is created at write time only
    inside the project (e.g. data/interim/): a mistyped path elsewhere is an error, not a new
    folder tree."""
    import os
    import tempfile
    from pathlib import Path

    from analysis.paths import PROJECT_ROOT

    if destination is None or destination == STDOUT:
        return
    path = Path(destination).expanduser()
    if path.is_dir():
        raise AnalysisError(f"{option} {destination}: is a folder; name a file in it")
    folder = path.resolve().parent
    if not folder.exists():
        if folder.is_relative_to(PROJECT_ROOT):
            return  # created at write time, inside the project
        raise AnalysisError(f"{option} {destination}: the folder {folder} does not exist (create it first)")
    if not folder.is_dir():
        raise AnalysisError(f"{option} {destination}: {folder} is not a folder")
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".probe")
    except OSError as error:
        raise AnalysisError(f"{option} {destination}: cannot write in {folder}: "
                            f"{error.strerror or error}") from None
    os.close(handle)
    os.unlink(probe)


def write_output(text: str, destination: str, what: str = "output") -> str | None:
    """Write `text` to `destination` (a file, atomically; `-`: standard output).

    Returns a note for the terminal ('wrote FILE'), or None when the text went to standard output
    (where a note would mix with the data). A file that cannot be written is one `AnalysisError`
    naming it, and the file as it was is left in place (check the destination with
    `check_destination` before the work)."""
    from pathlib import Path

    from analysis.io import atomic_write_text

    if destination == STDOUT:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
        return None
    check_destination(destination, "output")
    try:
        atomic_write_text(Path(destination).expanduser(), text)
    except OSError as error:
        raise AnalysisError(f"cannot write {destination}: {error.strerror or error}") from None
    return f"wrote {what}: {destination}"


def note(message: str | None) -> None:
    """A line for the person at the terminal: on standard error, so standard output stays data.

    None (what `write_output` returns for standard output) prints nothing."""
    if message:
        print(message, file=sys.stderr, flush=True)
