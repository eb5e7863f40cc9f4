"""Tests of analysis.stats.published: the table of published rates and the comparison with the record."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from analysis.stats.published import (
    PUBLISHED_RATES_PATH,
    PublishedRatesError,
    compare_published,
    load_published_rates,
)
from analysis.stats.rates import binomial_interval


def test_published_table_loads_and_fractions_match_their_counts() -> None:
    table = load_published_rates()
    assert len(table) >= 9 and set(table["source"]).issuperset({"WSJ May 2024", "ABC News Nov 2025"})
    with_counts = table.dropna(subset=["successes", "trials"])
    # Where the source gave counts, the rate is their ratio (to the precision published).
    assert ((with_counts["successes"] / with_counts["trials"] - with_counts["rate"]).abs() <= 0.005).all()


def test_bad_published_row_names_file_line_and_column(tmp_path: Path) -> None:
    rows = list(csv.DictReader(PUBLISHED_RATES_PATH.open()))
    rows[2]["class"] = "hypersonic"
    bad = tmp_path / "published_rates.csv"
    with bad.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(PublishedRatesError, match=r"line 4, column class: unknown class 'hypersonic'"):
        load_published_rates(bad)


def test_comparison_on_a_synthetic_record() -> None:
    record = pd.DataFrame({
        "report_date": pd.to_datetime(["2025-10-02", "2025-10-20", "2025-11-02", "2025-10-05"]),
        "model": ["Shahed-136/131", "Shahed-136/131", "Shahed-136/131", "Iskander-M"],
        "weapon_class": ["drone", "drone", "drone", "ballistic"],
        "command": ["national"] * 4, "source": ["a", "b", "c", "a"],
        "launched": [100, 300, 50, 10], "destroyed": [80, 240, 50, 2], "not_reached": [5, 10, 0, 0],
        "neutralised": [85, 250, 50, 2], "convention": ["combined"] * 4,
        "line": [2, 3, 4, 5], "publisher": ["kpszsu"] * 4, "shahed_real": [pd.NA] * 4,
    })
    record["start"] = record["report_date"] - pd.Timedelta(hours=8)
    record["end"] = record["report_date"] + pd.Timedelta(hours=7)
    for column in ("launched", "destroyed", "not_reached", "neutralised", "shahed_real"):
        record[column] = record[column].astype("Int64")
    published = load_published_rates()
    october = published[published["label"].isin(["drones Oct 2025", "missiles Oct 2025"])]
    table = compare_published(record, october).set_index("label")
    drones = table.loc["drones Oct 2025"]
    assert (drones.record_launched, drones.record_counted) == (400, 335)
    assert (drones.record_ci_low, drones.record_ci_high) == pytest.approx(binomial_interval(335, 400))
    assert drones.record_waves == 2
    missiles = table.loc["missiles Oct 2025"]
    assert (missiles.record_launched, missiles.record_counted) == (10, 2)


def test_comparison_on_real_snapshot_matches_independent_sums(record_path: Path) -> None:
    from analysis.record import load_record

    table = compare_published(load_record(record_path)).set_index("label")
    # Shahed-136/131, national posts, reported Jan-Jun 2024, destroyed: summed from the raw file.
    launched = destroyed = 0
    with record_path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            regional = row["source"].lower().startswith("pvk")
            day = row["time_end"][:10]
            if (row["model"] == "Shahed-136/131" and not regional and "2024-01-01" <= day <= "2024-06-30"
                    and row["launched"] and row["destroyed"]):
                launched += float(row["launched"])
                destroyed += min(float(row["destroyed"]), float(row["launched"]))
    shahed = table.loc["Shahed Jan-Jun 2024"]
    assert (shahed.record_launched, shahed.record_counted) == (launched, destroyed)
    assert shahed.record_od_low <= shahed.record_ci_low <= shahed.record_ci_high <= shahed.record_od_high


def test_record_and_published_markers_stay_apart_when_they_coincide() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.reporting.plots.rates import plot_published_comparison

    table = pd.DataFrame({"label": ["a", "b"], "convention": ["destroyed"] * 2, "rate": [0.8, 0.3],
                          "rate_low": [float("nan")] * 2, "rate_high": [float("nan")] * 2,
                          "record_rate": [0.8, 0.3], "record_ci_low": [0.75, 0.2],
                          "record_ci_high": [0.85, 0.4], "record_od_low": [0.7, 0.1],
                          "record_od_high": [0.9, 0.5]})
    fig = plot_published_comparison(table)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    record = next(line for label, line in lines.items() if label.startswith("record"))
    published = lines["published"]
    assert list(record.get_xdata()) == list(published.get_xdata())  # same rates ...
    assert all(abs(r - p) >= 0.3 for r, p in zip(record.get_ydata(), published.get_ydata(), strict=True))
    assert record.get_marker() != published.get_marker()  # ... on separate lines, different marks
    plt.close(fig)


def test_a_record_outside_every_published_period_gives_empty_comparisons(tmp_path):
    from analysis.record import load_record
    from analysis.stats.published import compare_published
    from analysis.stats.published import load_published_rates as load_published

    fixtures = Path(__file__).parent / "fixtures" / "record"
    # The fixture's rows moved to 2030, after every published figure's period.
    text = (fixtures / "missile_attacks_daily_fixture.csv").read_text()
    for year in ("2023-", "2024-", "2025-"):
        text = text.replace(year, "2030-")
    (tmp_path / "missile_attacks_daily_2030.csv").write_text(text)
    with pytest.warns(Warning, match="Zmey-9"):  # the fixture's deliberately unknown model
        record = load_record(tmp_path / "missile_attacks_daily_2030.csv",
                             fixtures / "missiles_and_uavs_fixture.csv")
    table = compare_published(record, load_published())
    assert len(table) == len(load_published())
    assert table["record_rate"].isna().all() and table["inside"].isna().all()
