"""`python -m analysis claims`: published claims checked against the record, with verdicts."""

from __future__ import annotations

import argparse

from analysis.cli.common import add_record_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "claims",
        help="check the claims of an article (YAML in data/claims/) against the record",
        description=(
            "For each claim of a claims file, find the best-matching national wave (within a "
            "window of days around the claimed date) or compute the record's rate for the "
            "plausible periods, and give a verdict with the reason: holds, partly holds (a wave's "
            "figures on another night), not shown (the record cannot tell: an interval too wide, "
            "or a change within the night-to-night spread), not confirmed (a rate that does not "
            "say its period or definition, whose natural reading misses it while others fit), does "
            "not hold, cannot be checked. The rules are in the docstring of analysis/stats/claims. "
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
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
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
    import sys
    import warnings

    from analysis.errors import AnalysisError
    from analysis.record import RecordWarning, load_record, waves
    from analysis.stats.claims import check_claims, default_claims_path, load_claims

    if args.window_days is not None and args.window_days < 0:
        raise AnalysisError(f"--window-days {args.window_days}: must be 0 or more")
    claims = load_claims(args.claims or default_claims_path())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RecordWarning)
        record = load_record(args.record, args.catalogue)
    for warning in caught:
        if issubclass(warning.category, RecordWarning):
            print(f"warning: {warning.message}", file=sys.stderr)
    results = check_claims(claims, waves(record), window_days=args.window_days)
    if args.json:
        json.dump([r.to_dict() for r in results], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(format_table(results))
    return 0
