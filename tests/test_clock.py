"""The largest totals by the clock (`waves.within_hours`): hand-made posts, the stated rule."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.record.waves import COUNTED_CLASSES, within_hours


def _posts(*posts: tuple[str, str, int], regional: tuple[bool, ...] = ()) -> pd.DataFrame:
    """A wave table of hand-made posts (start, end, drones launched)."""
    rows = []
    for index, (start, end, drones) in enumerate(posts):
        row = {"wave_id": f"w{index}", "start": pd.Timestamp(start), "end": pd.Timestamp(end),
               "report_date": pd.Timestamp(end).normalize(), "models": "Shahed-136/131",
               "regional": regional[index] if regional else False, "missing_counts": 0}
        for weapon_class in COUNTED_CLASSES:
            row[f"{weapon_class}_launched"] = drones if weapon_class == "drone" else 0
        row.update(unknown_launched=0, total_launched=drones, total_neutralised=drones - 10)
        rows.append(row)
    return pd.DataFrame(rows)


def test_a_day_post_and_the_night_post_after_it_add_up() -> None:
    """13 May 2026: 753 drones 08:00-18:30, then 675 drones 18:00-08:00 (the windows overlap
    by half an hour): 1,428 within 24 hours; the next night stands apart."""
    table = _posts(("2026-05-13 08:00", "2026-05-13 18:30", 753),
                   ("2026-05-13 18:00", "2026-05-14 08:00", 675),
                   ("2026-05-14 20:00", "2026-05-15 08:00", 300))
    spans = within_hours(table, 24)
    assert spans["total_launched"].tolist() == [1428, 300]
    assert spans.loc[0, "attacks"] == 2 and spans.loc[0, "hours"] == 24
    assert spans.loc[0, "wave_ids"] == "w0; w1" and spans.loc[0, "largest_attack"] == 753
    assert not spans.loc[0, "overlapping"]  # half an hour is an edge, not a repeat


def test_no_launch_is_counted_twice_and_the_largest_span_is_chosen_first() -> None:
    """A small night, a big day post and the night after: the day goes with whichever night
    makes the larger total, and every post counts once."""
    table = _posts(("2026-01-01 20:00", "2026-01-02 07:00", 100),
                   ("2026-01-02 08:00", "2026-01-02 18:00", 500),
                   ("2026-01-02 19:00", "2026-01-03 07:30", 400))
    spans = within_hours(table, 24)
    assert spans["total_launched"].tolist() == [900, 100]
    assert spans["total_launched"].sum() == table["total_launched"].sum()
    assert sorted("; ".join(spans["wave_ids"]).split("; ")) == ["w0", "w1", "w2"]


def test_a_post_longer_than_the_span_stands_alone_and_regional_posts_are_left_out() -> None:
    table = _posts(("2025-12-05 05:00", "2025-12-06 10:00", 704),
                   ("2025-12-06 11:00", "2025-12-06 12:00", 5),
                   ("2025-12-06 11:00", "2025-12-06 12:00", 50), regional=(False, False, True))
    spans = within_hours(table, 24)
    assert spans["total_launched"].tolist() == [704, 5]
    assert spans.loc[0, "hours"] == 29


def test_posts_that_may_repeat_each_other_are_flagged() -> None:
    table = _posts(("2026-02-01 00:00", "2026-02-01 08:00", 40),
                   ("2026-02-01 00:00", "2026-02-01 08:00", 30))
    spans = within_hours(table, 24)
    assert spans.loc[0, "total_launched"] == 70
    assert spans.loc[0, "overlapping"] and spans.loc[0, "same_models"]


def test_the_command_line_window(tmp_path, sample_record_path) -> None:
    import subprocess
    import sys

    out = tmp_path / "spans.csv"
    done = subprocess.run([sys.executable, "-m", "analysis", "waves", "--record", str(sample_record_path),
                           "--window", "24h", "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    spans = pd.read_csv(out)
    assert spans.loc[0, "rank"] == 1 and spans["total_launched"].is_monotonic_decreasing
    bad = subprocess.run([sys.executable, "-m", "analysis", "waves", "--window", "a day", "-o", "-"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "not a number of hours" in bad.stderr


@pytest.mark.parametrize("hours", [12, 48])
def test_other_windows_keep_every_post_once(hours) -> None:
    table = _posts(*[(f"2026-03-{d:02d} 18:00", f"2026-03-{d + 1:02d} 08:00", 10 * d) for d in range(1, 10)])
    spans = within_hours(table, hours)
    assert spans["total_launched"].sum() == table["total_launched"].sum()
    assert (spans.loc[spans["attacks"] > 1, "hours"] <= hours).all()
