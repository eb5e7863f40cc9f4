"""The verdict rules and the change-point search on simulated records where the truth is known.

    .venv/bin/python benchmarks/calibration.py           # make validate: a few minutes
    .venv/bin/python benchmarks/calibration.py --quick   # a smoke run

1. Claim rules (`analysis.stats.claims.calibration`): the operating characteristics of the rate
   rule (a reading decides when its 95% interval is at most 12 points wide) on simulated records
   of 12, 30 and 100 drone-like waves in time order, persistence 0, 0.4 and 0.7: how often a claim
   holds, does not hold, or the record cannot tell, when it is true, 5 points off and 10 points
   off. Targets (issue 20): at 30 waves a true claim holds at least 80% of the time, one 10 points
   off at most 10%. Then tempo and share-change claims with and without a real change (a change
   claimed where there is none holds at most 5% of the time).
2. False breaks (`analysis.stats.changepoints.false_break_rate`): the share of flat monthly series
   (no break, no trend) in which the search finds a break, with the record's spread, at
   persistence from 0 to 0.95, with normal and with heavy-tailed (Student t, 3 degrees of freedom)
   month-level deviations. Target: at most 5%, at persistence 0.9 included.
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
# many launches, cruise and ballistic missiles with few; each at several persistences, normal or
# heavy-tailed (t, 3 degrees of freedom) month-level deviations.
DRONES = np.linspace(800, 8000, 22).round()
SERIES = {
    "drones, independent months": (DRONES, 0.88, 0.5, 0.0, None),
    "drones, persistence 0.7": (DRONES, 0.88, 0.5, 0.7, None),
    "drones, persistence 0.85": (DRONES, 0.88, 0.5, 0.85, None),
    "drones, persistence 0.9": (DRONES, 0.88, 0.5, 0.9, None),
    "drones, persistence 0.9, heavy tails": (DRONES, 0.88, 0.5, 0.9, 3.0),
    "drones, persistence 0.95, heavy tails": (DRONES, 0.88, 0.5, 0.95, 3.0),
    "cruise missiles (110 a month), persistence 0.3": (np.full(22, 110.0), 0.78, 0.5, 0.3, None),
    "ballistic missiles (60 a month), heavy tails": (np.full(22, 60.0), 0.28, 0.6, 0.0, 3.0),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer records")
    parser.add_argument("--series", type=int, help="flat series per setting (default 300; --quick 100)")
    parser.add_argument("--draws", type=int, default=500, help="null draws of each search (default 500)")
    parser.add_argument("--breaks-only", action="store_true", help="only the false-break part")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    if not args.breaks_only:
        claims_part(args.quick)
    series = args.series or (100 if args.quick else 300)
    print("| flat series like | false breaks | series |")
    print("|---|---:|---:|")
    for name, (launched, share, extra_sd, phi, tail) in SERIES.items():
        if args.quick and "0.9" not in name:
            continue
        found = false_break_rate(launched, share, extra_sd, phi, series=series, seed=11, draws=args.draws,
                                 tail_df=tail)
        print(f"| {name} | {100 * found:.1f}% | {series} |", flush=True)
    print(f"\n{time.perf_counter() - began:.0f} s")
    return 0


def claims_part(quick: bool) -> None:
    outcomes = hold_rates(quick=quick)
    rate = [o for o in outcomes if o.scenario.startswith("rate claim")]
    print("| rate claim (whole percent, precision 12 points) | truth | holds | does not hold | "
          "cannot tell | mean interval width | records |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for o in rate:
        print(f"| {o.scenario.removeprefix('rate claim, ')} | {o.truth_is} | {100 * o.holds:.1f}% | "
              f"{100 * o.does_not_hold:.1f}% | {100 * o.cannot_tell:.1f}% | {200 * o.half_width:.1f} points | "
              f"{o.records} |")
    print()
    print("| change claim | truth | holds | interval half-width | informative | records |")
    print("|---|---|---:|---:|---|---:|")
    for o in outcomes:
        if o in rate:
            continue
        width = f"{100 * o.half_width:.1f} points" if "share" in o.scenario else f"x{np.exp(o.half_width):.2f}"
        print(f"| {o.scenario} | {o.truth_is} | {100 * o.holds:.1f}% | {width} | "
              f"{'yes' if o.informative else 'no'} | {o.records} |")
    print()


if __name__ == "__main__":
    raise SystemExit(main())
