"""`rates` and `waves` on large records: time and peak memory at 100,000 and 500,000 rows, and
whether they grow at most linearly (not part of the tests).

The large records repeat the public-record snapshot beside the checkout, each copy shifted a
week further back and with its own sources (one post per copy: no row repeats another, so the
integrity checks pass), up to the number of rows asked for. Each command runs in its own
process, measured from outside (wall time, and peak resident memory from getrusage), the best
of `--repeat` runs.

    .venv/bin/python benchmarks/record_scale.py                  # 100,000 and 500,000 rows
    .venv/bin/python benchmarks/record_scale.py --rows 20000 100000 --repeat 1
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_DIR = PROJECT_ROOT.parent / "shared" / "data" / "public-record"
SNAPSHOT = SNAPSHOT_DIR / "missile_attacks_daily_2026-06-07.csv"
CATALOGUE = SNAPSHOT_DIR / "missiles_and_uavs_2026-06-07.csv"
COMMANDS = {
    "rates": ["rates", "--by", "class,month", "-o", "{out}.csv"],
    "waves": ["waves", "-o", "{out}.csv"],
}
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
    "seconds = time.perf_counter() - started\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"
    "print(f'{done.returncode} {seconds:.3f} {peak}')\n"
    "sys.stderr.write(done.stderr[-500:] if done.returncode else '')\n"
)


def _shift(text: str, days: int) -> str:
    """A record's time (`YYYY-MM-DD` and whatever follows) moved `days` back."""
    try:
        day = datetime.strptime(text[:10], "%Y-%m-%d")
    except ValueError:
        return text
    return (day - timedelta(days=days)).strftime("%Y-%m-%d") + text[10:]


def make_record(rows: int, folder: Path) -> Path:
    """The snapshot repeated to `rows` rows: copy k shifted k weeks back, its sources marked k."""
    with SNAPSHOT.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        original = list(reader)
    start, end, source = (header.index(c) for c in ("time_start", "time_end", "source"))
    path = folder / f"missile_attacks_daily_{rows}.csv"
    shutil.copy(CATALOGUE, folder / f"missiles_and_uavs_{rows}.csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    written, copy = 0, 0
    while written < rows:
        for row in original[: rows - written]:
            row = list(row)
            if copy:
                row[start], row[end] = _shift(row[start], 7 * copy), _shift(row[end], 7 * copy)
                row[source] = f"{row[source]}-copy{copy}"
            writer.writerow(row)
        written += min(len(original), rows - written)
        copy += 1
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def measure(command: list[str]) -> tuple[float, int]:
    done = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "analysis", *command],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    code, seconds, peak = done.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr}")
    return float(seconds), int(peak)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 500_000])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, the best kept (default 2)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    if not SNAPSHOT.is_file():
        raise SystemExit(f"needs the snapshot {SNAPSHOT.name} beside the checkout")
    results: dict[str, dict[int, dict[str, float]]] = {name: {} for name in COMMANDS}
    with tempfile.TemporaryDirectory(prefix="airdef-scale-") as folder:
        for rows in args.rows:
            record = make_record(rows, Path(folder))
            for name, template in COMMANDS.items():
                command = [a.replace("{out}", f"{folder}/{name}-{rows}") for a in template]
                command += ["--record", str(record)]
                best = min((measure(command) for _ in range(args.repeat)), key=lambda m: m[0])
                results[name][rows] = {"seconds": best[0], "peak_mb": best[1] / 2**20}
                print(f"{name:<6} {rows:>9,} rows: {best[0]:6.2f} s, peak {best[1] / 2**20:7.0f} MB", flush=True)
    small, large = min(args.rows), max(args.rows)
    if small != large:
        factor = large / small
        print(f"from {small:,} to {large:,} rows ({factor:g}x), against linear growth "
              f"(a ratio of 1 is linear; the issue asks for at most 2):")
        for name, by_rows in results.items():
            time_ratio = by_rows[large]["seconds"] / (factor * by_rows[small]["seconds"])
            memory_ratio = by_rows[large]["peak_mb"] / (factor * by_rows[small]["peak_mb"])
            print(f"  {name:<6} time {time_ratio:.2f}, memory {memory_ratio:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
