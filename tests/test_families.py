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
from analysis.stats import families

SAM_NAMES = {"C-300", "S-300", "C-400", "C-300/C-400"}


def _load(path: Path) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RecordWarning)
        return load_record(path)


def raw_sums(path: Path, keep, first: str = "", last: str = "9999") -> dict[str, float]:
    """Launched and destroyed of the national rows whose model `keep` accepts, reported (by the
    date of the window's end) from `first` to `last`, read from the raw CSV with the csv module:
    rows without both counts, or counting more stopped than launched, left out as the rates do."""
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
            if float(row["destroyed"]) + float(row.get("not_reach_goal") or 0) > float(row["launched"]):
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
    assert destroyed["launched"].tolist() == [1095, 1237]
    assert np.round(100 * destroyed["rate"].to_numpy()).tolist() == [28, 25]


def test_sam_sentences() -> None:
    readings = pd.DataFrame({
        "reading": ["apart", "apart", "pooled", "pooled"],
        "convention": ["destroyed", "neutralised"] * 2,
        "rate": [0.28, 0.31, 0.25, 0.28], "low": [0.23, 0.26, 0.2, 0.23],
        "high": [0.34, 0.37, 0.3, 0.34]})
    readings.attrs.update(sam_launched=142, sam_counted=0)
    text = families_text.sam_sentence(readings, "from August 2024")
    assert "142 launched from August 2024, none destroyed" in text
    assert "destroyed 25% of the time (95% interval 20% to 30%) instead of 28% (95% interval 23% to 34%)" in text
    assert "142 S-300/S-400" in families_text.sam_period_sentence(readings, "March–May 2026")
    readings.attrs.update(sam_launched=0)
    assert families_text.sam_sentence(readings, "") == families_text.sam_period_sentence(readings, "") == ""
