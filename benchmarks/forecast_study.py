"""Forecast study: do the tempo forecast's intervals hold their level when the truth is known?

Series drawn from known negative-binomial trends (the `nb-trend` model's own form): a daily rate
at the last fitted period of 2, 30 or 200 launches (like ballistic missiles, cruise missiles,
drones), log growth -0.4, 0 or +0.7 a year, overdispersion alpha 0.02, 0.1 or 0.4; a year of
months (forecast 3 months ahead) or of weeks (12 weeks ahead). For each cell the model is fitted
to the simulated past and its 90% intervals checked against the simulated future: the share of
outcomes inside, per period ahead and for the sum over them, and the share of true trends inside
the fitted trend's 95% interval. The naive forecast is checked on the series it is built for: a
daily rate that is a random walk. The study's code is `analysis/stats/forecast/study.py`; small
versions run in the tests (`tests/test_forecast.py`) and in notebook 06.

    .venv/bin/python benchmarks/forecast_study.py            # the full study (make validate)
    .venv/bin/python benchmarks/forecast_study.py --quick    # a smoke run
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.stats.forecast.study import (  # noqa: E402
    TrendTruth,
    naive_random_walk_study,
    nb_trend_study,
)

RATES = (2.0, 30.0, 200.0)
GROWTHS = (-0.4, 0.0, 0.7)
ALPHAS = (0.02, 0.1, 0.4)
HORIZONS = {"month": 3, "week": 12}
LEVEL = 0.9
TARGET = (0.85, 0.95)  # a 90% interval holding between 85% and 95% of outcomes


def run_study(quick: bool = False, replicates: int | None = None, seed: int = 20260607) -> list[dict]:
    """One row per resolution and truth: coverage of the 90% interval per horizon and for the
    sum, and of the trend's 95% interval."""
    replicates = replicates or (40 if quick else 500)
    truths = [TrendTruth(200.0, 0.7, 0.1), TrendTruth(2.0, -0.4, 0.4)] if quick else [
        TrendTruth(r, g, a) for r, g, a in itertools.product(RATES, GROWTHS, ALPHAS)]
    rows = []
    for by, horizon in HORIZONS.items():
        for cell, truth in enumerate(truths):
            found = nb_trend_study(truth, replicates=replicates, horizon=horizon, level=LEVEL,
                                   paths=500, seed=seed + 1000 * cell, by=by)
            coverage = found["coverage"]
            ahead = coverage["coverage"].iloc[:-1]
            rows.append({"model": "nb-trend", "by": by, "rate_per_day": truth.rate_per_day,
                         "log_growth_per_year": truth.log_growth_per_year, "alpha": truth.alpha,
                         "replicates": replicates, "coverage_mean": float(ahead.mean()),
                         "coverage_min": float(ahead.min()),
                         "coverage_sum": float(coverage["coverage"].iloc[-1]),
                         "trend_coverage_95": float(found["trend_coverage_95"])})
    walk = naive_random_walk_study(replicates=replicates, level=LEVEL, seed=seed)
    rows.append({"model": "naive", "by": "month", "rate_per_day": 200.0, "log_growth_per_year": None,
                 "alpha": None, "replicates": replicates,
                 "coverage_mean": float(walk["coverage"].mean()),
                 "coverage_min": float(walk["coverage"].min()), "coverage_sum": None,
                 "trend_coverage_95": None})
    return rows


def format_rows(rows: list[dict]) -> str:
    header = (f"{'model':<9}{'by':<7}{'rate/day':>9}{'growth':>8}{'alpha':>7}{'90% mean':>10}"
              f"{'90% worst':>10}{'90% sum':>9}{'trend 95%':>10}")
    lines = [header]
    for row in rows:
        def pct(value):
            return f"{value:.1%}" if value is not None else "-"
        growth = "-" if row["log_growth_per_year"] is None else f"{row['log_growth_per_year']:+.1f}"
        alpha = "-" if row["alpha"] is None else f"{row['alpha']:g}"
        lines.append(f"{row['model']:<9}{row['by']:<7}{row['rate_per_day']:>9g}{growth:>8}{alpha:>7}"
                     f"{pct(row['coverage_mean']):>10}{pct(row['coverage_min']):>10}"
                     f"{pct(row['coverage_sum']):>9}{pct(row['trend_coverage_95']):>10}")
    return "\n".join(lines)


def verdicts(rows: list[dict]) -> list[str]:
    low, high = TARGET
    held = [r for r in rows if low <= r["coverage_mean"] <= high]
    out = [f"{len(held)} of {len(rows)} cells hold the 90% interval's mean coverage within "
           f"{low:.0%}-{high:.0%}"]
    trends = [r["trend_coverage_95"] for r in rows if r["trend_coverage_95"] is not None]
    if trends:
        out.append(f"trend 95% interval: coverage {min(trends):.1%} to {max(trends):.1%} over the cells")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: two truths, few replicates")
    parser.add_argument("--replicates", type=int, help="simulated series per cell (default 500)")
    parser.add_argument("--json", metavar="FILE", help="write every cell as JSON")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    rows = run_study(args.quick, args.replicates)
    print(format_rows(rows))
    print()
    print("\n".join(verdicts(rows)))
    print(f"\n{len(rows)} cells, {time.perf_counter() - began:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
