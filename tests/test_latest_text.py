"""Report 08's sentences: one attack count per period, the latest month's own shares with their
intervals, changes worded as changes against named periods, regions only where enough attacks name
them; numbers as a paper prints them (whole percents and points, no "-0")."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.reporting import latest_text
from analysis.stats import latest

MAY = latest.months_period(pd.Timestamp("2026-05-01"))
SPRING = latest.months_period(pd.Timestamp("2026-05-01"), 3)


def _row(cls: str, rate: float, low: float, high: float, waves: int, against: str, before: float,
         change: tuple[float, float, float], direction: str, period: str = "March–May 2026") -> dict:
    return {"class": cls, "period": period, "compared_with": against, "rate": rate, "low": low, "high": high,
            "waves": waves, "rate_before": before, "change_pp": change[0], "change_low_pp": change[1],
            "change_high_pp": change[2], "direction": direction}


def test_the_month_and_its_attacks_are_counted_once_per_period() -> None:
    by_month = pd.DataFrame({"waves": [29, 30, 37]},
                            index=pd.to_datetime(["2025-05-01", "2026-04-01", "2026-05-01"]))
    assert latest_text.attacks_in(by_month, MAY) == 37
    assert latest_text.attacks_in(by_month, SPRING) is None  # March 2026 is not in the table
    record = pd.DataFrame({"report_date": pd.to_datetime(["2025-05-10", "2026-04-10", "2026-05-10", "2026-05-11"]),
                           "command": "national", "weapon_class": ["drone", "drone", "drone", "cruise"],
                           "launched": [4003, 6583, 8150, 204]})
    text = latest_text.month_sentence(record, MAY, [latest.months_period(pd.Timestamp("2026-04-01")),
                                                    latest.months_period(pd.Timestamp("2025-05-01"))], by_month)
    assert text == ("In May 2026 the Air Force's national posts list 8,150 drones and 204 missiles launched at "
                    "Ukraine, in 37 attacks (April 2026: 6,583 and 0 in 30; May 2025: 4,003 and 0 in 29).")


def test_the_latest_month_gives_its_own_shares_with_intervals() -> None:
    month = pd.DataFrame([
        _row("drone", 0.9173, 0.8683, 0.9491, 35, "April 2026", 0.89, (2.7, -3.5, 9.0), "no clear change", "May 2026"),
        _row("cruise", 0.7876, 0.5778, 0.9095, 6, "April 2026", 0.88, (-9.2, -32, 26), "no clear change", "May 2026"),
        _row("ballistic", 0.2967, 0.1427, 0.5167, 14, "April 2026", 0.18, (12, -63, 40), "no clear change",
             "May 2026"),
    ])
    text = latest_text.month_shares_sentence(month)
    assert text == ("In May 2026, 92% of the drones (decoys included) were shot down or jammed (95% interval 87% "
                    "to 95%); 79% of the cruise missiles were destroyed or failed to reach (58% to 91%; only 6 "
                    "attacks with cruise missiles, a rough guide) and 30% of the ballistic missiles (14% to 52%; "
                    "only 14 attacks with ballistic missiles, a rough guide).")


def test_changes_read_as_changes_against_named_periods() -> None:
    table = pd.DataFrame([
        _row("drone", 0.9045, 0.8801, 0.9243, 97, "December 2025–February 2026", 0.84, (6.52, 2.3, 11.2), "up"),
        _row("drone", 0.9045, 0.8801, 0.9243, 97, "March–May 2025", 0.8622, (4.22, -2.0, 13.3), "no clear change"),
        _row("cruise", 0.8533, 0.7387, 0.9229, 13, "March–May 2025", 0.69, (-0.2, -12.8, 9.7), "no clear change"),
    ])
    text = latest_text.period_changes_sentence(table, 99, ("drone", "cruise"))
    assert text.startswith("Over March–May 2026 (99 attacks), drones (decoys included) were shot down or jammed "
                           "90% of the time (95% interval 88% to 92%), up from 84% in December 2025–February 2026 "
                           "(+7 points, 95% interval +2 to +11); against March–May 2025 (86%): +4 points (-2 to "
                           "+13), no clear change.")
    assert "Cruise missiles were destroyed or failed to reach 85% of the time (74% to 92%; only 13 attacks" in text
    assert "against March–May 2025 (69%): 0 points (-13 to +10), no clear change." in text  # not "-0"
    assert not re.search(r"\d\.\d", text)  # whole percents and points: the intervals are wider than 2 points


def test_regions_only_where_enough_attacks_name_them() -> None:
    few = pd.DataFrame({"place": ["Odesa oblast"], "waves": [3]})
    few.attrs.update(named=3, waves_total=99)
    assert latest_text.regions_sentence(few, "hit", SPRING) == (
        "Only 3 of the 99 attacks of March–May 2026 name the regions hit: too few to tell which regions were "
        "hit most.")
    few.attrs.update(named=1)
    assert latest_text.regions_sentence(few, "hit", SPRING).startswith("Only 1 of the 99 attacks of March–May 2026 names")
    few.attrs.update(named=0)
    assert latest_text.regions_sentence(few, "hit", SPRING).startswith("None of the 99 attacks of March–May 2026 names")
    enough = pd.DataFrame({"place": ["Kyiv oblast", "Odesa oblast", "Sumy oblast", "Lviv oblast"],
                           "waves": [6, 3, 2, 1]})
    enough.attrs.update(named=10, waves_total=99)
    assert latest_text.regions_sentence(enough, "targeted", SPRING) == (
        "10 of the 99 attacks of March–May 2026 name the regions targeted; named most often: Kyiv oblast (6), "
        "Odesa oblast (3) and Sumy oblast (2).")


def test_a_share_interval_over_everything_reads_too_few_attacks() -> None:
    assert latest_text.share_words(0.85, 0.002, 0.999, 2) == "85% (too few attacks to tell)"
    assert latest_text.share_words(0.004, 0.001, 0.02) == "under 1% (95% interval 0% to 2%)"
    assert latest_text.share_words(np.nan) == "not known"
