"""The command line: `python -m analysis <command> ...`, installed as `airdef` too (same program).

One module per command, each with `register(subparsers)` adding its parser with `func` set to a
handler that returns an exit code (`common.EXIT_CODES`). Handlers import their heavy dependencies
inside, so that `--help` stays fast. `common.py` holds the shared arguments, the conventions every
command follows (`-` for standard output, notes on standard error) and the exit codes.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from pathlib import Path

from analysis import __version__
from analysis.cli.common import EPILOG, show_warning
from analysis.errors import AnalysisError
from analysis.terminal import printable

#: The command modules of this package, in the order `--help` lists them.
COMMANDS = ("claims", "data", "explore", "forecast", "rates", "report", "simulate", "sustain", "sweep",
            "waves")
#: The installed short name (pyproject.toml, [project.scripts]).
SHORT_NAME = "airdef"


def program_name(argv0: str | None = None) -> str:
    """`airdef` when run as the installed script, else `python -m analysis`."""
    name = Path(argv0 if argv0 is not None else sys.argv[0]).name
    return SHORT_NAME if name == SHORT_NAME else "python -m analysis"


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog or program_name(),
        description=("Air-defense statistics from the public record. `python -m analysis` and "
                     f"`{SHORT_NAME}` (installed with the package) are the same program."),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"airdef-analysis {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    # Every command's --help ends with the conventions and exit codes too.
    for command in subparsers.choices.values():
        _add_epilog(command)
    return parser


def _add_epilog(parser: argparse.ArgumentParser) -> None:
    if parser.epilog is None:
        parser.epilog = EPILOG
        if parser.formatter_class is argparse.HelpFormatter:
            parser.formatter_class = _KeepEpilogFormatter
    for action in parser._actions:  # nested commands (data check, data fetch)
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _add_epilog(child)


class _KeepEpilogFormatter(argparse.HelpFormatter):
    """Wraps the description as argparse does, but keeps the epilog's lines (a table)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text == EPILOG:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def main(argv: list[str] | None = None) -> int:
    from analysis.stopping import restore_signals, stop_on_signals

    signals_before = stop_on_signals()  # first: SIGTERM and SIGHUP stop a command as Ctrl-C does
    try:
        return _main(argv)
    except KeyboardInterrupt as stop:  # while the command's modules were still importing
        from analysis.stopping import exit_code_of

        print("interrupted", file=sys.stderr, flush=True)
        return exit_code_of(stop)
    finally:
        restore_signals(signals_before)


def _main(argv: list[str] | None) -> int:
    from analysis.cli.common import exit_status
    from analysis.paths import keep_runtime_state_in_project
    from analysis.record.validate import DEDUPE_ENV

    keep_runtime_state_in_project()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    shown_before = warnings.showwarning
    warnings.showwarning = show_warning  # one line each: "warning: FILE:LINE: message"
    dedupe_before = os.environ.get(DEDUPE_ENV)
    if getattr(args, "dedupe", False):  # read by every load of the record, report kernels included
        os.environ[DEDUPE_ENV] = "1"
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        # The reader of standard output went away (`... -o - | head`): stop quietly, and keep
        # Python from complaining again when it flushes standard output at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001 - one line, one exit code each
        code, line = exit_status(error)
        if os.environ.get("AIRDEF_DEBUG") and not isinstance(error, AnalysisError | KeyboardInterrupt):
            raise
        if line:
            print(printable(line), file=sys.stderr, flush=True)
        return code
    finally:
        if dedupe_before is None:
            os.environ.pop(DEDUPE_ENV, None)
        else:
            os.environ[DEDUPE_ENV] = dedupe_before
        warnings.showwarning = shown_before
