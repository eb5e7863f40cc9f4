"""The verdict rules and the change-point search on simulated records where the truth is known.

    .venv/bin/python benchmarks/calibration.py           # make validate: a few minutes
    .venv/bin/python benchmarks/calibration.py --quick   # a smoke run

1. Claim rules (`analysis.stats.claims.calibration`): the share of simulated records on which a
   rate claim, a tempo claim and a share-change claim hold, when true, when wrong by their own
   margin, and when no change happened. Targets: a true claim holds at least 90% of the time when
   the record is informative; a wrong one, or a change claimed where there is none, at most 5%.
2. False breaks (`analysis.stats.changepoints.false_break_rate`): the share of flat monthly series
   (no break, no trend) in which the search finds a break, with the spread and month-to-month
   correlation of the record's own series. Target: at most 5%.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.stats.changepoints import false_break_rate  # noqa: E402
from analysis.stats.claims.calibration import hold_rates  # noqa: E402

# Flat series like the record's monthly series from August 2024 (22 whole months): drones with
# many launches and strong persistence, cruise and ballistic missiles with few and little.
SERIES = {
    "drones (800-8,000 a month, correlation 0.7)": (np.linspace(800, 8000, 22).round(), 0.88, 0.5, 0.7),
    "drones, independent months": (np.linspace(800, 8000, 22).round(), 0.88, 0.5, 0.0),
    "cruise missiles (110 a month, correlation 0.3)": (np.full(22, 110.0), 0.78, 0.5, 0.3),
    "ballistic missiles (60 a month)": (np.full(22, 60.0), 0.28, 0.6, 0.0),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer records")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    print("| claim | truth | holds | interval half-width | informative | records |")
    print("|---|---|---:|---:|---|---:|")
    for o in hold_rates(quick=args.quick):
        width = f"{100 * o.half_width:.1f} points" if "rate" in o.scenario or "share" in o.scenario \
            else f"x{np.exp(o.half_width):.2f}"
        print(f"| {o.scenario} | {o.truth_is} | {100 * o.holds:.1f}% | {width} | "
              f"{'yes' if o.informative else 'no'} | {o.records} |")
    print()
    series = 100 if args.quick else 1000
    print("| flat series like | false breaks | series |")
    print("|---|---:|---:|")
    for name, (launched, share, extra_sd, phi) in SERIES.items():
        rate = false_break_rate(launched, share, extra_sd, phi, series=series, seed=11)
        print(f"| {name} | {100 * rate:.1f}% | {series} |")
    print(f"\n{time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
