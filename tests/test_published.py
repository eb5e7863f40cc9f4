"""Tests of analysis.stats.published: the table of published rates, and each figure reconciled with
the record's own counts for the same period, classes and counting."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from analysis.stats.published import (
    PUBLISHED_RATES_PATH,
    PublishedRatesError,
    describe_published,
    load_published_rates,
    reconcile_published,
)


def test_published_table_loads_and_fractions_match_their_counts() -> None:
    table = load_published_rates()
    assert len(table) >= 9 and set(table["source"]).issuperset({"WSJ May 2024", "ABC News Nov 2025"})
    with_counts = table.dropna(subset=["successes", "trials"])
    # Where the source gave counts, the rate is their ratio (to the precision published).
    assert ((with_counts["successes"] / with_counts["trials"] - with_counts["rate"]).abs() <= 0.005).all()
    # the precision band: the range given, else half a unit of the last digit written
    row = table.set_index("label")
    assert (row.loc["all missiles Nov 2023-Apr 2024", ["band_low", "band_high"]].tolist()
            == pytest.approx([0.455, 0.465]))
    assert row.loc["ballistic Aug 2025", "band_low"] == pytest.approx(0.37)


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


def synthetic_record() -> pd.DataFrame:
    record = pd.DataFrame({
        "report_date": pd.to_datetime(["2025-10-02", "2025-10-20", "2025-11-02", "2025-10-05", "2025-10-05",
                                       "2025-10-07"]),
        "model": ["Shahed-136/131", "Shahed-136/131", "Shahed-136/131", "Iskander-M", "Kalibr", "Iskander-M"],
        "weapon_class": ["drone", "drone", "drone", "ballistic", "cruise", "ballistic"],
        "command": ["national"] * 5 + ["regional"], "source": ["a", "b", "c", "a", "a", "PvKPivden/x"],
        "launched": [100, 300, 50, 10, 260, 5], "destroyed": [80, 240, 50, 2, 126, 5],
        "not_reached": [5, 10, 0, 0, 18, 0], "convention": ["combined"] * 6,
        "line": [2, 3, 4, 5, 6, 7], "publisher": ["kpszsu"] * 5 + ["PvKPivden"],
    })
    record["neutralised"] = record["destroyed"] + record["not_reached"]
    for column in ("launched", "destroyed", "not_reached", "neutralised"):
        record[column] = record[column].astype("Int64")
    return record


def test_counts_side_by_side_and_the_definition_that_explains_a_difference() -> None:
    published = load_published_rates()
    october = published[published["label"].isin(["drones Oct 2025", "missiles Oct 2025"])]
    table = reconcile_published(synthetic_record(), october).set_index("label")
    drones = table.loc["drones Oct 2025"]
    # national drones reported in October: 400 launched, 335 shot down or jammed (83.8%, not 79.9%)
    assert (drones.record_launched, drones.record_counted) == (400, 335)
    assert drones.record_counts == "335 of 400" and drones.published_counts == "4,242 of 5,312"
    assert drones.status == "differs" and drones.difference_points == pytest.approx(100 * (335 / 400 - 0.799))
    # no reading agrees: the difference in counts, and that drones include decoys and jamming
    assert drones.explanation == ("no reading of the record gives 79.9%: it has 335 of 400 (83.8%); 79.9% would be "
                                  "320 stopped of 400, 15 fewer than the record's 335; drones include decoys, and "
                                  "drones lost to jamming count as stopped")
    assert drones.figure == "drones (decoys included), shot down or lost to jamming, October 2025"
    missiles = table.loc["missiles Oct 2025"]
    # destroyed: 128 of 270 (47%, published 54%); destroyed or failed to reach: 146 of 270 (54%);
    # with the regional post: 133 of 275
    assert (missiles.record_launched, missiles.record_counted) == (270, 128)
    assert missiles.status == "differs"
    assert missiles.explained_by == "counted as destroyed or failed to reach"
    assert missiles.explained_rate == pytest.approx(146 / 270)
    assert missiles.explanation.startswith("counted as destroyed or failed to reach, the record gives 146 of 270 "
                                           "(54.1%), which agrees with the published figure (146 of 270)")
    assert "regional commands' posts added: 48.4% of 275" in missiles.other_readings


def test_one_rule_for_every_row() -> None:
    """A match is the same period (every day recorded), classes and counting with counts or shares
    that agree; everything else differs (explained) or cannot be compared, even where the record's
    share happens to land on the published one."""
    published = load_published_rates()
    table = reconcile_published(synthetic_record().assign(report_date=pd.Timestamp("2023-06-10")),
                                published[published["label"] == "all missiles May-Oct 2023"])
    assert table["status"].iloc[0].startswith("not comparable")
    table = reconcile_published(synthetic_record(), published)
    assert set(table["status"].str.split(":").str[0]) <= {"matches", "differs", "not comparable"}
    assert (table["explanation"].str.len() > 0).all()
    assert describe_published(table).startswith(f"Of {len(table)} figures published in the press, ")
    # each figure as its source wrote it, and the record's to the same precision
    by_label = table.set_index("label")
    assert by_label.loc["Shahed Jan-Jun 2024", "published_figure"] == "85.8%"
    assert by_label.loc["ballistic Aug 2025", "published_figure"] == "37-40%"
    assert by_label.loc["drones Oct 2025", ["published_figure", "record_figure"]].tolist() == ["79.9%", "83.8%"]
    assert by_label.loc["missiles Oct 2025", ["published_figure", "record_figure"]].tolist() == ["54%", "47%"]
    assert "decoys" in describe_published(table)


def test_figures_before_complete_coverage_are_not_comparable() -> None:
    published = load_published_rates()
    early = published[published["label"] == "all missiles Apr 2024"]
    record = synthetic_record().assign(report_date=pd.Timestamp("2024-04-10"))
    table = reconcile_published(record, early)
    assert table["status"].iloc[0].startswith("not comparable: the record does not cover every day")


@pytest.mark.record
def test_reconciliation_on_the_real_snapshot_matches_independent_sums(record_path: Path) -> None:
    from analysis.record import load_record

    table = reconcile_published(load_record(record_path)).set_index("label")
    # Shahed-136/131, national posts, reported Jan-Jun 2024, destroyed: summed from the raw file.
    launched = destroyed = 0.0
    with record_path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            regional = row["source"].lower().startswith("pvk")
            day = row["time_end"][:10]
            if (row["model"] == "Shahed-136/131" and not regional and "2024-01-01" <= day <= "2024-06-30"
                    and row["launched"] and row["destroyed"]):
                launched += float(row["launched"])
                destroyed += float(row["destroyed"])
    shahed = table.loc["Shahed Jan-Jun 2024"]
    assert (shahed.record_launched, shahed.record_counted) == (launched, destroyed)
    # the ABC figure for October's drones is the record's own count, to 1%
    assert table.loc["drones Oct 2025", "status"] == "matches"
    assert table.loc["missiles Oct 2025", "status"] == "differs"
    assert table.loc["missiles Oct 2025", "explained_by"] == "counted as destroyed or failed to reach"
    # before August 2024 nothing matches, however close: the record misses days
    assert table.loc["all missiles May-Oct 2023", "status"].startswith("not comparable")
    assert table.loc["Shahed Jan-Jun 2024", "status"].startswith("not comparable")


def test_the_comparison_figure_draws_published_and_record_apart() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.reporting.plots.rates import plot_published_comparison

    table = reconcile_published(synthetic_record(), load_published_rates())
    fig = plot_published_comparison(table)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    record = next(line for label, line in lines.items() if label.startswith("record, as published"))
    published = lines["published"]
    assert len(record.get_xdata()) == len(published.get_xdata()) == table["record_rate"].notna().sum()
    assert all(abs(r - p) > 0.2 for r, p in zip(record.get_ydata(), published.get_ydata(), strict=True))
    plt.close(fig)


def test_a_record_outside_every_published_period_is_not_comparable(tmp_path):
    from analysis.record import load_record

    fixtures = Path(__file__).parent / "fixtures" / "record"
    # The fixture's rows moved eight years back, before every published figure's period (not
    # forward: a record dated after today is refused; each year to its own, 2024 to a leap year).
    text = (fixtures / "missile_attacks_daily_fixture.csv").read_text()
    for year, back in (("2023-", "2015-"), ("2024-", "2016-"), ("2025-", "2017-")):
        text = text.replace(year, back)
    (tmp_path / "missile_attacks_daily_2015.csv").write_text(text)
    with pytest.warns(Warning, match="Zmey-9"):  # the fixture's deliberately unknown model
        record = load_record(tmp_path / "missile_attacks_daily_2015.csv",
                             fixtures / "missiles_and_uavs_fixture.csv")
    table = reconcile_published(record)
    assert len(table) == len(load_published_rates())
    assert table["record_rate"].isna().all()
    assert table["status"].str.startswith("not comparable: the record has no launches").all()
