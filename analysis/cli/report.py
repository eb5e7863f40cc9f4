"""`python -m analysis report`: run notebooks into self-contained HTML reports."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from analysis.cli.common import UsageError, add_record_arguments, check_output_folder, note, say


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="run notebooks into HTML reports (reports/<notebook>/<set>.html and reports/index.html)",
        description=(
            "Run numbered notebooks with their parameter sets (notebooks/NN-*.yaml) and write the "
            "executed notebook, self-contained HTML, a summary JSON and reports/index.html. "
            "Unchanged reports are not rerun."
        ),
    )
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                        help="notebook names (e.g. 01-explore-strike-record) or paths")
    parser.add_argument("--all", action="store_true",
                        help="every numbered notebook with every parameter set")
    parser.add_argument("--params", metavar="SET", help="parameter set from the notebook's YAML (default: default)")
    parser.add_argument("-p", dest="overrides", action="append", default=[], metavar="NAME=VALUE",
                        help="override one parameter (repeatable); checked against the notebook")
    add_record_arguments(parser, catalogue=False)
    parser.add_argument("--fetch-if-missing", action="store_true",
                        help="when no record is found, try `data fetch`; if that fails, run what needs no record")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="notebooks run at once (processes)")
    parser.add_argument("--force", action="store_true", help="rerun reports even when nothing changed")
    parser.add_argument("--output-dir", metavar="DIR", help="where reports go (default: reports/)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.paths import REPORT_DIR
    from analysis.reporting.runner import ReportsInterrupted, result_table, run_reports

    if not args.notebooks and not args.all:
        raise UsageError("name a notebook (e.g. 01-explore-strike-record) or pass --all")
    if args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: must be at least 1")
    if args.output_dir:
        check_output_folder(args.output_dir, "--output-dir")
    try:
        outcome = run_reports(
            args.notebooks,
            set_name=args.params,
            all_sets=args.all and args.params is None,
            overrides=args.overrides,
            record=args.record,
            fetch_if_missing=args.fetch_if_missing,
            jobs=args.jobs,
            force=args.force,
            output_dir=Path(args.output_dir) if args.output_dir else REPORT_DIR,
        )
    except ReportsInterrupted as stopped:  # Ctrl-C: one line, the index says the rest
        index = stopped.outcome.index_path
        note(f"{stopped}; index: {_shown(index) if index else 'not written'}")
        return stopped.exit_code
    counts = result_table(outcome.results)
    tally = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
    index = outcome.index_path
    where = _shown(index) if index else "no index"
    say(f"reports: {tally}; index: {where}")
    if outcome.failed:
        return 1
    if outcome.skipped and not args.fetch_if_missing:
        return 3  # the record was missing and the user did not ask to carry on without it
    return 0


def _shown(path: Path) -> str:
    """A path as the terminal shows it: relative to the working folder when it is inside it."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else relative
