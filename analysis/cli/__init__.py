"""The command line: `python -m analysis <command> ...` (installed as `airdef` too).

One module per command, each with `register(subparsers)` adding its parser with `func` set to a
handler that returns an exit code (0 done, 1 failed, 2 usage). Handlers import their heavy
dependencies inside, so that `--help` stays fast. `common.py` holds the shared arguments.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from analysis import __version__
from analysis.errors import AnalysisError

#: The command modules of this package, in the order `--help` lists them.
COMMANDS = ("claims", "data", "forecast", "rates", "report", "simulate", "sustain", "sweep", "waves")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Air-defense statistics from the public record.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    from analysis.paths import keep_runtime_state_in_project

    keep_runtime_state_in_project()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except AnalysisError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
