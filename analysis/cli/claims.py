"""`python -m analysis claims`: published claims checked against the record, with verdicts."""

from __future__ import annotations

import argparse

from analysis.cli.common import UsageError, add_record_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "claims",
        help="check the claims of an article (YAML in data/claims/) against the record",
        description=(
            "For each claim of a claims file, find the best-matching national wave (within a "
            "window of days around the claimed date) or compute the record's rate for the "
            "plausible periods, and give a verdict with the reason: holds, partly holds (a wave's "
            "figures on another night), the record cannot tell (a rate no reading of which is "
            "precise enough to decide: a 95% interval wider than the claims file's precision), not "
            "shown (a change within the night-to-night spread), not confirmed (a rate whose precise "
            "readings disagree), does not hold, cannot be checked. The rules are in the docstring "
            "of analysis/stats/claims. "
            "Without --json, a readable table; with --json, one object per claim with id, claim, "
            "verdict, matched, record and reason (and the details)."
        ),
    )
    add_record_arguments(parser)
    parser.add_argument("--claims", metavar="FILE",
                        help="claims file (default: data/claims/article-2025-10-11.yaml)")
    parser.add_argument("--window-days", type=int, metavar="N",
                        help="search wave claims N days either side of the claimed date "
                             "(default: each claim's own window, usually 2)")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE",
                        help="the results as JSON, to FILE or ('-', or no FILE) to standard output")
    parser.set_defaults(func=run)


def format_table(results: list, width: int = 100) -> str:
    """The verdicts as plain text a reader can scan: one block per claim."""
    import textwrap

    lines = []
    for r in results:
        lines.append(f"{r.id}: {r.verdict.upper()}")
        lines.append(textwrap.fill(f"claim: {r.claim}", width, initial_indent="  ",
                                   subsequent_indent="    "))
        lines.append(textwrap.fill(f"record: {r.reason}", width, initial_indent="  ",
                                   subsequent_indent="    "))
        lines.append("")
    from analysis.stats.claims import verdict_counts

    counts = verdict_counts(results)
    lines.append(f"{len(results)} claims: " + ", ".join(f"{n} {v}" for v, n in counts.items()))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    import json

    from analysis.cli.common import check_destination, note, say, write_output
    from analysis.record import load_record, waves
    from analysis.stats.claims import check_claims, default_claims_path, load_claims

    if args.window_days is not None and args.window_days < 0:
        raise UsageError(f"--window-days {args.window_days}: must be 0 or more")
    check_destination(args.json, "--json")  # before any work
    claims = load_claims(args.claims or default_claims_path())
    record = load_record(args.record, args.catalogue)  # warnings: one line each (cli.main)
    results = check_claims(claims, waves(record), window_days=args.window_days)
    if args.json:
        text = json.dumps([r.to_dict() for r in results], indent=2, ensure_ascii=False)
        note(write_output(text + "\n", args.json, f"{len(results)} claims"))
    else:
        say(format_table(results))
    return 0
