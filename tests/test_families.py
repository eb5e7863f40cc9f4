"""Weapon families: S-300/S-400 apart from ballistic missiles, family sums against the raw rows,
the combined-label rule, and the sentences that word them."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.record import RecordWarning, load_record
from analysis.record.weapons import classify_model
from analysis.reporting import families_text
from analysis.reporting.sanitize import markdown_html, markdown_plain
from analysis.stats import families

SAM_NAMES = {"C-300", "S-300", "C-400", "C-300/C-400"}


def _load(path: Path) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RecordWarning)
        return load_record(path)


def raw_sums(path: Path, keep, first: str = "", last: str = "9999") -> dict[str, float]:
    """Launched and destroyed of the national rows whose model `keep` accepts, reported (by the
    date of the window's end) from `first` to `last`, read from the raw CSV with the csv module:
    rows without both counts, or counting more destroyed than launched, left out as the rates do
    under the `destroyed` counting."""
    sums = {"launched": 0.0, "destroyed": 0.0, "rows": 0}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            day = row["time_end"][:10]
            if (not keep(row["model"].strip()) or not first <= day <= last
                    or row["source"].strip().casefold().startswith("pvk")
                    or "/pvk" in row["source"].casefold()):
                continue
            if not (row["launched"] and row["destroyed"]) or float(row["launched"]) <= 0:
                continue
            if float(row["destroyed"]) > float(row["launched"]):
                continue
            sums["launched"] += float(row["launched"])
            sums["destroyed"] += float(row["destroyed"])
            sums["rows"] += 1
    return sums


# --------------------------------------------------------------------------- S-300/S-400 apart


def test_sam_is_a_class_of_its_own_and_a_combined_label_stays_ballistic() -> None:
    for name in ("C-300", "S-300", "С-400", "C-300/C-400"):
        assert classify_model(name) == ("sam", False)
    for name in ("C-400 and Iskander-M", "C-300 and Iskander-M"):
        assert classify_model(name) == ("ballistic", False)


def test_sam_readings_against_the_raw_rows(sample_record_path) -> None:
    record = _load(sample_record_path)
    readings = families.sam_readings(record, "2024-08-01")
    destroyed = readings.loc[readings["convention"] == "destroyed"].set_index("reading")
    apart, pooled = destroyed.iloc[0], destroyed.iloc[1]
    sam = raw_sums(sample_record_path, lambda m: m in SAM_NAMES, "2024-08-01")
    ballistic = raw_sums(sample_record_path,
                         lambda m: classify_model(m)[0] == "ballistic", "2024-08-01")
    assert sam["launched"] > 0, "the sample must hold S-300/S-400 rows from August 2024"
    assert readings.attrs["sam_launched"] == sam["launched"]
    assert apart["launched"] == ballistic["launched"] and apart["counted"] == ballistic["destroyed"]
    assert pooled["launched"] == ballistic["launched"] + sam["launched"]
    assert pooled["counted"] == ballistic["destroyed"] + sam["destroyed"]
    assert apart["low"] <= apart["rate"] <= apart["high"]


@pytest.mark.record
def test_sam_readings_on_the_snapshot(record_path) -> None:
    """The issue's figures: 142 S-300/S-400 launched from August 2024, none destroyed; the
    ballistic share destroyed rises from 25% to 28% once they are apart."""
    readings = families.sam_readings(_load(record_path), "2024-08-01")
    destroyed = readings.loc[readings["convention"] == "destroyed"]
    assert (readings.attrs["sam_launched"], readings.attrs["sam_counted"]) == (142, 0)
    assert destroyed["launched"].tolist() == [1095, 1237, 804]
    assert np.round(100 * destroyed["rate"].to_numpy()).tolist() == [28, 25, 23]


def test_sam_sentences() -> None:
    readings = pd.DataFrame({
        "reading": ["apart", "apart", "pooled", "pooled", "no joins", "no joins"],
        "convention": ["destroyed", "neutralised"] * 3, "launched": [1095, 1095, 1237, 1237, 804, 804],
        "rate": [0.28, 0.31, 0.25, 0.28, 0.23, 0.28], "low": [0.23, 0.26, 0.2, 0.23, 0.17, 0.22],
        "high": [0.34, 0.37, 0.3, 0.34, 0.29, 0.34]})
    readings.attrs.update(sam_launched=142, sam_counted=0)
    text = families_text.sam_sentence(readings, "from August 2024")
    assert "142 launched from August 2024, none destroyed" in text
    assert "destroyed 25% of the time (95% interval 20% to 30%) instead of 28% (95% interval 23% to 34%)" in text
    assert text.endswith("without them and the other combined labels, 23% (95% interval 17% to 29%).")
    assert "142 S-300/S-400" in families_text.sam_period_sentence(readings, "March–May 2026")
    readings.attrs.update(sam_launched=0)
    assert families_text.sam_sentence(readings, "") == families_text.sam_period_sentence(readings, "") == ""


# --------------------------------------------------------------------------- the family table

from analysis.record.weapons import (  # noqa: E402
    FAMILY_BASES,
    class_table,
    family_of,
    is_combined,
)

# The families a reader asks for, with the record's spellings of each, written out here rather
# than taken from the class table (the sample adds its own: Kh-, S- and Cyrillic spellings).
FAMILY_SPELLINGS: dict[str, set[str]] = {
    "Kh-101": {"X-101/X-555", "Kh-101/Kh-555"},
    "Kalibr": {"Kalibr"},
    "Iskander-K": {"Iskander-K"},
    "Kh-59/Kh-69": {"X-59", "X-59/X-69", "X-69", "X-59MK2", "Kh-59", "\u0425-59", "Kh-59/Kh-69"},
    "Kinzhal": {"X-47 Kinzhal"},
    "Iskander-M/KN-23": {"Iskander-M", "Iskander-M/KN-23", "KN-23"},
    "Zircon": {"3M22 Zircon"},
    "Kh-22": {"X-22"},
    "S-300/S-400": {"C-300", "S-300", "C-400", "C-300/C-400"},
    "S-300/S-400 and Iskander-M/KN-23": {"C-400 and Iskander-M", "C-300 and Iskander-M",
                                         "C-300/C-400 and Iskander-M"},
    "Shahed-type": {"Shahed-136/131"},
}


def test_every_model_has_a_family_with_its_basis() -> None:
    table = class_table()
    assert (table["family"].str.len() > 0).all()
    assert set(table["family_basis"]) <= set(FAMILY_BASES)
    # a family never spans classes, and only a combined label's name joins names with " and "
    assert (table.groupby("family")["weapon_class"].nunique() == 1).all()
    assert (table["family"].map(is_combined) == (table["family_basis"] == "combined")).all()
    singles = set(table.loc[table["family_basis"] != "combined", "family"])
    for row in table.loc[table["family_basis"] == "combined"].itertuples():
        parts = row.family.split(" and ")
        assert len(parts) == len(set(parts)) > 1 and set(parts) <= singles, row.model
        if " and " in row.model:  # named by its parts' families, in any order
            assert set(parts) == {family_of(p)[0] for p in row.model.split(" and ")}, row.model
    for family, spellings in FAMILY_SPELLINGS.items():
        for spelling in spellings:
            assert family_of(spelling)[0] == family, spelling


def test_the_combined_label_rule() -> None:
    """A label counting models of different families is a family of its own, named by its
    parts; a join within one family stays in it; a name the table lacks stands alone."""
    assert family_of("C-400 and Iskander-M") == ("S-300/S-400 and Iskander-M/KN-23", "combined")
    assert family_of("X-47 Kinzhal and Iskander-M/KN-23") == family_of("Iskander-M/KN-23 and X-47 Kinzhal")
    assert family_of("Kalibr and 3M22 Zircon") == ("Kalibr and Zircon", "combined")  # not in the table
    assert family_of("Iskander-M and KN-23") == ("Iskander-M/KN-23", "group")
    assert family_of("Zmey-9") == ("Zmey-9", "not in the table")
    assert family_of("Kh-101/Kh-555") == ("Kh-101", "group")


def _family_sums_against_raw(path: Path) -> pd.DataFrame:
    table = families.family_table(_load(path), "destroyed", start="2024-08-01")
    for family, spellings in FAMILY_SPELLINGS.items():
        raw = raw_sums(path, lambda m, s=spellings: m in s, "2024-08-01")
        rows = table.loc[table["family"] == family]
        if not raw["rows"]:
            assert rows.empty, family
            continue
        if family == "Shahed-type":  # drones: split by the counting period of `destroyed`
            assert rows["convention"].isin({"split", "combined"}).all()
        assert rows["launched"].sum() == raw["launched"], family
        assert rows["destroyed"].sum() == raw["destroyed"], family
    return table


def test_family_sums_against_the_raw_rows_of_the_sample(sample_record_path) -> None:
    table = _family_sums_against_raw(sample_record_path)
    assert {"Zircon", "S-300/S-400 and Iskander-M/KN-23", "Kh-101 and Kalibr"} <= set(table["family"])
    # no launch is lost or counted twice: families add up to their class, combined rows apart
    classes = families.rate_table(_load(sample_record_path), by="class", convention="destroyed",
                                  start="2024-08-01")
    by_class = table.groupby("class")["launched"].sum()
    assert by_class.to_dict() == classes.groupby("class")["launched"].sum().to_dict()
    ballistic = table.loc[table["class"] == "ballistic"]
    share = ballistic.loc[ballistic["combined"], "launched"].sum() / ballistic["launched"].sum()
    assert table.attrs["combined_share"]["ballistic throughout"] == pytest.approx(share)
    assert (table["pooled_low"] <= table["pooled"]).all() and (table["pooled"] <= table["pooled_high"]).all()
    assert np.allclose(table["moved_pp"], 100 * (table["pooled"] - table["rate"]))


@pytest.mark.record
def test_family_sums_against_the_raw_rows_of_the_snapshot(record_path) -> None:
    """And the issue's own table (sums of the record's rows, August 2024 to June 2026)."""
    table = _family_sums_against_raw(record_path).set_index("family")
    for family, launched, destroyed in (("Kh-101", 780, 685), ("Kalibr", 232, 174),
                                        ("Iskander-K", 178, 113), ("Kh-59/Kh-69", 249, 137),
                                        ("Kinzhal", 140, 37), ("Iskander-M/KN-23", 660, 146),
                                        ("Zircon", 36, 12), ("Kh-22", 24, 1), ("S-300/S-400", 142, 0)):
        assert (table.loc[family, "launched"], table.loc[family, "destroyed"]) == (launched, destroyed)


def test_neutralised_family_table_is_not_split_and_missiles_are_never_split(sample_record_path) -> None:
    record = _load(sample_record_path)
    neutralised = families.family_table(record, "neutralised", start="2024-08-01")
    assert "convention" not in neutralised.columns and not neutralised["family"].duplicated().any()
    destroyed = families.family_table(record, "destroyed", start="2024-08-01")
    missiles = destroyed.loc[destroyed["class"] != "drone"]
    assert (missiles["convention"] == families.THROUGHOUT).all()


# --------------------------------------------------------------------------- trends and labels


def test_label_changes_name_a_new_label_that_takes_launches_from_a_family() -> None:
    """Hand-made: Iskander-M alone for six months at 20%, then a combined label takes most of the
    launches at 50% while Iskander-M alone stays at 20%: the class's share rises with the label,
    the other families' does not."""
    rows = []
    for month in range(1, 13):
        day = pd.Timestamp(f"2025-{month:02d}-10")
        rows.append(("Iskander-M", day, 20, 4))
        if month > 6:
            rows.append(("C-400 and Iskander-M", day + pd.Timedelta(days=5), 60, 30))
    record = _hand_record(rows)
    found = families.label_changes(record, "ballistic")
    assert len(found) == 1
    change = found.iloc[0]
    assert (change["family"], change["change"]) == ("S-300/S-400 and Iskander-M/KN-23", "arrives")
    assert change["month"] == pd.Timestamp("2025-07-01") and change["share_of_class"] == 0.75
    assert change["rate_before"] == pytest.approx(0.2) and change["rate_after"] == pytest.approx(34 / 80)
    assert change["rate_after_others"] == pytest.approx(0.2)
    assert change["coincides"]


def _hand_record(rows: list[tuple[str, pd.Timestamp, int, int]]) -> pd.DataFrame:
    """A tidy record of national rows, one post per row (each its own attack)."""
    from analysis.record.conventions import convention_of
    from analysis.record.weapons import classify_model

    frame = pd.DataFrame(rows, columns=["model", "end", "launched", "destroyed"])
    frame["start"] = frame["end"] - pd.Timedelta(hours=8)
    frame["report_date"] = frame["end"].dt.normalize()
    frame["line"] = np.arange(2, len(frame) + 2)
    frame["weapon_class"] = frame["model"].map(lambda m: classify_model(m)[0])
    frame["family"] = frame["model"].map(lambda m: family_of(m)[0])
    frame["command"], frame["publisher"] = "national", "kpszsu"
    frame["source"] = [f"kpszsu/{i}" for i in range(len(frame))]
    for column in ("launched", "destroyed"):
        frame[column] = frame[column].astype("Int64")
    frame["not_reached"] = pd.array([0] * len(frame), dtype="Int64")
    frame["neutralised"] = frame["destroyed"]
    frame["shahed_real"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["convention"] = convention_of(frame["report_date"])
    return frame


# --------------------------------------------------------------------------- sentences


def _family_rows() -> pd.DataFrame:
    table = pd.DataFrame({
        "class": ["ballistic", "ballistic", "ballistic", "drone"],
        "family": ["Kinzhal", "Iskander-M/KN-23", "S-300/S-400 and Iskander-M/KN-23", "Shahed-type"],
        "launched": [140, 4, 281, 95638], "neutralised": [50, 1, 120, 84006],
        "rate": [50 / 140, 0.25, 120 / 281, 84006 / 95638],
        "od_low": [0.23, np.nan, 0.31, 0.87], "od_high": [0.51, np.nan, 0.56, 0.886],
        "pooled": [0.351, np.nan, 0.40, 0.8784], "pooled_low": [0.21, np.nan, 0.26, 0.83],
        "pooled_high": [0.51, np.nan, 0.56, 0.92], "combined": [False, False, True, False],
    })
    table["moved_pp"] = 100 * (table["pooled"] - table["rate"])
    table.attrs.update(convention="neutralised", combined_share={"ballistic": 281 / 425, "drone": 0.0})
    return table


def test_family_sentences() -> None:
    table = _family_rows()
    text = families_text.family_sentence(table, "From August 2024")
    assert text.startswith("From August 2024, the share stopped by family: Kinzhal missiles 36% "
                           "(95% interval 23% to 51%; 50 of 140), 35% pooled with its class (21% to 51%)")
    assert "Iskander-M/KN-23 missiles 1 of 4 (too few for a share)" in text
    assert "Shahed-type drones (decoys included) 88% (95% interval 87% to 89%; 84,006 of 95,638)." in text
    assert "pooled" not in text.split("Shahed")[1]  # moved by less than half a point: not repeated
    combined = families_text.combined_sentence(table, "From August 2024", ("ballistic",))
    assert combined.startswith("From August 2024, 66% of the ballistic missiles launched were reported "
                               "under combined labels")


def test_trend_label_and_clock_sentences() -> None:
    trends = pd.DataFrame({"convention": ["neutralised"] * 2, "class": ["Iskander-M/KN-23", "Kinzhal"],
                           "points_per_year": [-1.2, 12.0], "points_low": [-22.6, 2.0],
                           "points_high": [20.2, 25.0], "direction": ["no clear trend", "rising"],
                           "note": ["", ""]})
    assert families_text.family_trend_sentence(trends, "Since August 2024") == (
        "Since August 2024, the monthly share stopped by family: Iskander-M/KN-23: no clear trend, -1 "
        "point a year (95% interval -23 to +20); Kinzhal: rising, +12 points a year (95% interval +2 to +25).")
    record = _hand_record([("Iskander-M", pd.Timestamp(f"2025-{m:02d}-10"), 20, 4) for m in range(1, 13)]
                          + [("C-400 and Iskander-M", pd.Timestamp(f"2025-{m:02d}-15"), 60, 30) for m in range(7, 13)])
    text = markdown_plain(families_text.label_change_sentence(families.label_changes(record, "ballistic")))
    assert text.startswith("From July 2025, 75% of the ballistic missiles launched in the next 6 months were "
                           "reported under the label 'S-300/S-400 and Iskander-M/KN-23'; the class's share "
                           "stopped changed with it, from 20% to 42%")
    assert "the rows under the other labels went from 20% to 20%" in text
    spans = pd.DataFrame({"start": [pd.Timestamp("2026-05-13 08:00")], "end": [pd.Timestamp("2026-05-14 08:00")],
                          "attacks": [2], "total_launched": [1484], "drone_launched": [1428]})
    assert families_text.clock_sentence(spans, 823, pd.Timestamp("2025-09-07")) == (
        "By the clock, the largest total within 24 hours was 1,484 drones and missiles (1,428 drones), in two "
        "posts from 08:00 on 13 May to 08:00 on 14 May 2026; the largest single post counted 823 (7 September 2025).")
    assert families_text.clock_sentence(spans.iloc[:0]) == ""


def test_a_label_from_the_record_shows_as_written_and_makes_no_markup() -> None:
    """A model the class table lacks is a family as the record writes it (its class may come from
    the catalogue): in the label-change sentence it reads as written, never as Markdown or HTML."""
    label = "Zz-1 **holds** <style>p{display:none}</style> [x](https://a.b)"
    record = _hand_record([("Iskander-M", pd.Timestamp(f"2025-{m:02d}-10"), 20, 4) for m in range(1, 13)]
                          + [(label, pd.Timestamp(f"2025-{m:02d}-15"), 60, 30) for m in range(7, 13)])
    record.loc[record["model"] == label, "weapon_class"] = "ballistic"  # as a catalogue may file it
    sentence = families_text.label_change_sentence(families.label_changes(record, "ballistic"))
    assert f"under the label '{label}'" in markdown_plain(sentence)
    html = markdown_html(sentence)
    assert "<strong>" not in html and "<style" not in html and "<a " not in html, html
    assert "&lt;style&gt;p{display:none}&lt;/style&gt;" in html


def test_where_sentence() -> None:
    from analysis.reporting import latest_text
    from analysis.stats import latest

    months = pd.DataFrame({
        "attacks": [30, 31], "places_hit": [300.0, 120.0], "places_hit_coverage": [1.0, 0.5],
        "debris_places": [100.0, np.nan], "debris_places_coverage": [1.0, 0.0],
        "jets_launched": [np.nan, np.nan], "jets_destroyed": [np.nan, np.nan],
    }, index=pd.to_datetime(["2026-03-01", "2026-04-01"]))
    period = latest.months_period(pd.Timestamp("2026-04-01"), 2)
    assert latest_text.where_sentence(months, period) == (
        "In March–April 2026, the posts name 420 places hit (given by 75% of the 61 attacks) and 100 places "
        "where debris fell (given by 49% of the 61 attacks); no post of the period counts jet-powered "
        "Shaheds apart.")


def test_rates_by_family_on_the_command_line(tmp_path, sample_record_path) -> None:
    import subprocess
    import sys

    out = tmp_path / "families.csv"
    done = subprocess.run([sys.executable, "-m", "analysis", "rates", "--record", str(sample_record_path),
                           "--by", "family", "--start", "2024-08-01", "-o", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out)
    assert list(table.columns[:3]) == ["class", "family", "launched"]
    assert {"od_low", "od_high", "waves", "combined", "share_of_class", "pooled", "pooled_low",
            "pooled_high", "moved_pp"} <= set(table.columns)
    assert not table["family"].duplicated().any()
    small = table["launched"] < 5
    assert table.loc[small, "pooled"].isna().all() and table.loc[~small, "pooled"].notna().all()
