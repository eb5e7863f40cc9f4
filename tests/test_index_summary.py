"""The index's opening: what the record shows in three sentences, from the figures the reports
computed (the same numbers, not a second computation), and titles without scenario file names."""

from __future__ import annotations

from analysis.reporting import index

RECORD = {"first_report": "2022-09-28", "last_report": "2026-06-07", "national_waves": 1164,
          "complete_coverage_from": "2024-08-01",
          "launched_national": {"drone": 102119.0, "cruise": 4990.0, "ballistic": 1355.0, "sam": 488.0, "mixed": 92.0,
                                "other": 96.0}}
HEADLINES = [{"class": c, "convention": "neutralised", "period": "complete", "start": "2024-08-01T00:00:00",
              "rate": r, "low": r - 0.01, "high": r + 0.02} for c, r in (("drone", 0.8784), ("cruise", 0.783),
                                                                         ("ballistic", 0.282))]
HEADLINES.append({"class": "drone", "convention": "neutralised", "period": "whole record", "rate": 0.5})
LATEST = {"extra": {"month_name": "May 2026", "periods": {"recent": "March–May 2026"}, "record": RECORD},
          "figures": [{"name": "drones launched, May 2026", "value": 8150},
                      {"name": "missiles launched, May 2026", "value": 204},
                      {"name": "drones shot down or jammed, March–May 2026", "value": 0.904, "low": 0.891,
                       "high": 0.916}]}


def test_three_sentences_from_the_reports_own_figures():
    summaries = {"01-explore-strike-record": {"extra": {"record": RECORD}},
                 "02-estimate-interception-rates": {"extra": {"record": RECORD, "headlines": HEADLINES}},
                 "08-summarise-latest-month": LATEST}
    totals, shares, latest = index.record_summary(summaries)
    assert totals.startswith("From 28 September 2022 to 7 June 2026, the Air Force's national posts list at "
                             "least 102,119 drones and 6,925 missiles")  # as 01 counts them
    assert totals.endswith("in 1,164 attacks (before August 2024 not every day was recorded).")
    later = index.record_summary({"01-explore-strike-record": {"extra": {"record": RECORD | {"first_report": "2024-09-01"}}}})
    assert later[0].startswith("From 1 September 2024 to 7 June 2026, the Air Force's national posts list 102,119 drones")
    assert later[0].endswith("in 1,164 attacks.")  # every day recorded: no "at least", no lower bound
    assert shares.startswith("From August 2024, 88% (95% interval 87% to 90%) of the drones were shot down or "
                             "lost to jamming (decoys included)")
    assert "78% (95% interval 77% to 80%) of the cruise missiles" in shares and "28% (95% interval" in shares
    assert latest == ("In May 2026, the latest whole month, they list 8,150 drones and 204 missiles; over "
                      "March–May 2026, 90% (95% interval 89% to 92%) of the drones were shot down or lost to jamming.")


def test_a_missing_report_leaves_its_sentence_out():
    assert index.record_summary({}) == []
    only = index.record_summary({"08-summarise-latest-month": LATEST})
    assert len(only) == 2 and only[0].startswith("From 28 September 2022")


def test_titles_name_scenarios_in_words():
    names = index.names_in_words()
    assert index.title_in_words("How long the interceptors last: baseline-2026-h1", names) == (
        "How long the interceptors last: the baseline scenario (December 2025 to May 2026)")
    assert index.title_in_words("Can the air defense keep it up? baseline, resupply-surge", names) == (
        "Can the air defense keep it up? baseline, resupply surge")
    assert index.title_in_words("The strike record at a glance", names) == "The strike record at a glance"
