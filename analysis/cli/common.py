"""What every command shares: the `--record`/`--catalogue` arguments, output to a file or to
standard output (`-`), notes on standard error, one-line warnings, and the exit codes.

Not a command itself (`COMMANDS` in `analysis/cli/__init__.py` lists those).
"""

from __future__ import annotations

import argparse
import sys

from analysis.errors import AnalysisError, UsageError
from analysis.terminal import printable, show_warning  # noqa: F401 - show_warning: the CLI's, kept here

#: Exit codes of every command, documented in each `--help` and in the README.
EXIT_CODES: dict[int, str] = {
    0: "done",
    1: "failed: bad input, a failed report or simulation (the message says what and where)",
    2: "usage: unknown option, missing or malformed argument",
    3: "no record: none given and none fetched (`data fetch`, --record or $AIRDEF_RECORD)",
    4: "the download of the record failed (offline, or the source refused)",
    129: "stopped by SIGHUP (the terminal closed); as for Ctrl-C",
    130: "interrupted (Ctrl-C): workers stopped, temporary files removed, nothing already written removed",
    141: "standard output closed before everything was written (e.g. piped into head)",
    143: "stopped by SIGTERM (`kill`); as for Ctrl-C",
}

EPILOG = (
    "conventions: '-' as a file name (-o -, --json -) writes to standard output; notes go to\n"
    "standard error; a warning is one line, 'warning: FILE:LINE: message'.\n"
    "exit codes:\n"
    + "".join(f"  {code:<4} {meaning}\n" for code, meaning in EXIT_CODES.items())
)


__all__ = ["EXIT_CODES", "UsageError", "exit_status"]


def exit_status(error: BaseException) -> tuple[int, str | None]:
    """The one place an exception becomes an exit code and its line (None: print nothing).

    AnalysisError: its own code (1 bad input, 2 usage, 3 no record, 4 fetch failed); a stop
    signal: 128 + its number; an OSError the checks did not foresee: 1, naming the file; anything
    else is a bug: 1, one line, with how to see the traceback."""
    import errno
    import os

    from analysis.stopping import exit_code_of

    stop = _interruption(error)
    if stop is not None:  # a stop, or an error raised while a stop was being handled
        return exit_code_of(stop), "interrupted"
    if isinstance(error, AnalysisError):
        return error.exit_code, f"error: {error}"
    if isinstance(error, MemoryError):
        return 1, "error: out of memory: the input or the options ask for more than this machine has"
    if isinstance(error, OSError):
        name = error.filename if error.filename is not None else ""
        why = ("the name is longer than the file system allows" if error.errno == errno.ENAMETOOLONG
               else error.strerror or type(error).__name__)
        where = f"{_shown_name(os.fsdecode(name))}: " if name != "" else ""
        return 1, f"error: {where}{why}"
    first = str(error).splitlines()[0] if str(error).strip() else ""
    return 1, (f"error: unexpected {type(error).__name__}: {first[:300]} (a bug: please report it "
               "with the command; AIRDEF_DEBUG=1 shows the traceback)")


def _interruption(error: BaseException) -> BaseException | None:
    """The stop (KeyboardInterrupt or a stop signal) behind `error`: itself, or one it was raised
    while handling (a stop cutting a library's import short breaks the code that cleans up)."""
    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return None
        if isinstance(seen, KeyboardInterrupt):
            return seen
        seen = seen.__context__
    return None


def _shown_name(name: str, limit: int = 120) -> str:
    return name if len(name) <= limit else name[: limit // 2 - 2] + "..." + name[-(limit // 2 - 2):]



RECORD_HELP = "record file (default: $AIRDEF_RECORD, then the fetched copy in data/external/)"
CATALOGUE_HELP = "weapon catalogue (default: missiles_and_uavs*.csv beside the record)"


def add_catalogue_argument(parser: argparse.ArgumentParser) -> None:
    """`--catalogue PATH`: the weapon catalogue read with the record."""
    parser.add_argument("--catalogue", metavar="PATH", help=CATALOGUE_HELP)


DEDUPE_HELP = ("leave out rows that repeat an earlier row exactly, with a warning naming them "
               "(default: such a record is refused; `data check` lists them)")


def add_dedupe_argument(parser: argparse.ArgumentParser) -> None:
    """`--dedupe`: exact duplicate rows of the record left out, not refused ($AIRDEF_DEDUPE=1)."""
    parser.add_argument("--dedupe", action="store_true", help=DEDUPE_HELP)


def add_record_arguments(parser: argparse.ArgumentParser, *, catalogue: bool = True) -> None:
    """`--record PATH`, `--dedupe` and, unless `catalogue` is false, `--catalogue PATH`."""
    parser.add_argument("--record", metavar="PATH", help=RECORD_HELP)
    add_dedupe_argument(parser)
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
    """Refuse, before any work is done, an output file the command could not or may not write.

    `destination` is what the user gave to `option` (None: no output; '-': standard output). The
    path must be missing or a regular file (`analysis.io.check_output_path`: a folder, device,
    pipe, socket or symbolic link is refused, never replaced) with a name the file system takes;
    its folder must exist, be a folder and take a new file (tried with a temporary file, removed
    at once). A missing folder is created at write time only inside the project (e.g.
    data/interim/): a mistyped path elsewhere is an error, not a new folder tree."""
    import os
    import tempfile
    from pathlib import Path

    from analysis.io import TEMPORARY_SUFFIX, check_output_path, shorten_path, temporary_prefix
    from analysis.paths import PROJECT_ROOT

    if destination is None or destination == STDOUT:
        return
    path = check_output_path(Path(destination).expanduser(), option)
    shown = shorten_path(destination)
    folder = path.absolute().parent
    try:
        folder = folder.resolve()
        exists = folder.exists()
    except OSError as error:
        raise AnalysisError(f"{option} {shown}: {error.strerror or error}") from None
    if not exists:
        if folder.is_relative_to(PROJECT_ROOT):
            return  # created at write time, inside the project
        raise AnalysisError(f"{option} {shown}: the folder {folder} does not exist (create it first)")
    if not folder.is_dir():
        raise AnalysisError(f"{option} {shown}: {folder} is not a folder")
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=temporary_prefix(path),
                                         suffix=TEMPORARY_SUFFIX)
    except OSError as error:
        raise AnalysisError(f"{option} {shown}: cannot write in {folder}: "
                            f"{error.strerror or error}") from None
    os.close(handle)
    os.unlink(probe)


def check_resumable_destination(destination: str, option: str) -> None:
    """`check_destination` for a table that keeps its finished parts in `NAME.parts/` beside it
    (sweep, explore): that folder's name must fit the file system too, and be a folder if there."""
    import os
    import stat
    from pathlib import Path

    from analysis.io import describe_kind, name_max, shorten_path

    check_destination(destination, option)
    path = Path(destination).expanduser()
    parts = path.with_name(path.name + ".parts")
    folder = path.absolute().parent
    limit = name_max(folder if folder.is_dir() else ".")
    if len(os.fsencode(parts.name)) > limit:
        raise UsageError(f"{option} {shorten_path(destination)}: the name leaves no room for the folder of "
                         f"finished parts beside it ({parts.name[-12:]!r} would be over the file "
                         f"system's limit of {limit} bytes); use a shorter name")
    try:
        mode = os.lstat(parts).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(mode):
        raise AnalysisError(f"{option} {shorten_path(destination)}: {shorten_path(parts)} is "
                            f"{describe_kind(mode)}; the finished parts go in a folder of that name")


def check_output_folder(folder: str, option: str) -> None:
    """Refuse, before any work, an output folder the command may not use or create: an existing
    path that is not a folder, or a missing one more than one level below an existing folder
    outside the project (a mistyped path never makes a folder tree; inside the project, e.g.
    reports/, any depth is fine)."""
    import errno
    import os
    import stat
    from pathlib import Path

    from analysis.io import describe_kind, shorten_path
    from analysis.paths import PROJECT_ROOT

    shown = shorten_path(folder)
    path = Path(folder).expanduser()
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        problem = ("the name is longer than the file system allows" if error.errno == errno.ENAMETOOLONG
                   else error.strerror or str(error))
        raise UsageError(f"{option} {shown}: {problem}") from None
    if mode is not None:
        if not stat.S_ISDIR(mode):
            raise UsageError(f"{option} {shown}: is {describe_kind(mode)}, not a folder")
        return
    absolute = Path(os.path.abspath(path))
    if absolute.is_relative_to(PROJECT_ROOT):
        return
    parent = absolute.parent
    if not parent.is_dir():
        raise UsageError(f"{option} {shown}: neither it nor its folder {shorten_path(parent)} exists; "
                         "create the folder first (outside the project at most one missing level "
                         "is created)")


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


def say(text: str) -> None:
    """A line (or block) for the person at the terminal, on standard output: what came from an
    input file (a claim, a scenario's name, a file name) shown, never obeyed (`printable`)."""
    print(printable(text), flush=True)


def note(message: str | None) -> None:
    """A line for the person at the terminal: on standard error, so standard output stays data.

    None (what `write_output` returns for standard output) prints nothing."""
    if message:
        print(printable(message), file=sys.stderr, flush=True)
