"""The wave table: grouping rows of one post into attacks, on fixtures and on the real snapshots."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis.paths import PROJECT_ROOT
from analysis.record import RecordWarning, load_record, waves
from analysis.record.weapons import COUNTED_CLASSES

FIXTURES = Path(__file__).parent / "fixtures" / "record"
FIXTURE = FIXTURES / "missile_attacks_daily_fixture.csv"
REQUIRED = ["wave_id", "source", "start", "end", "report_date", "shahed_real", "total_launched",
            "total_destroyed", "total_not_reached", "regional"] + [
    f"{c}_{n}" for c in COUNTED_CLASSES for n in ("launched", "destroyed", "not_reached")]


def _record(path: Path) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RecordWarning)
        return load_record(path)


@pytest.fixture(scope="module")
def fixture_waves() -> pd.DataFrame:
    return waves(_record(FIXTURE)).set_index("first_line")


def test_columns_and_one_row_per_attack(fixture_waves):
    assert set(REQUIRED) <= set(fixture_waves.reset_index().columns)
    assert fixture_waves["wave_id"].is_unique
    # Posts A (4 rows, one night plus a Kinzhal strike inside it), B (regional), C (two nights),
    # D (3 rows of one night), E, F, G: 8 waves, read off the fixture by hand.
    assert len(fixture_waves) == 8
    assert fixture_waves["n_rows"].sum() == 16  # every row in exactly one wave


def test_a_strike_inside_the_night_window_joins_the_wave(fixture_waves):
    wave = fixture_waves.loc[2]
    assert wave["n_rows"] == 4
    assert (wave["drone_launched"], wave["drone_destroyed"]) == (465, 405)
    assert (wave["ballistic_launched"], wave["ballistic_destroyed"]) == (14 + 2, 4 + 1)
    assert (wave["cruise_launched"], wave["cruise_destroyed"]) == (12, 9)
    assert (wave["total_launched"], wave["total_destroyed"]) == (493, 419)
    assert wave["shahed_real"] == 200
    assert wave["report_date"] == pd.Timestamp("2025-10-10")
    assert wave["start"] == pd.Timestamp("2025-10-09 19:00")
    assert wave["end"] == pd.Timestamp("2025-10-10 10:00")


def test_regional_rows_form_their_own_flagged_waves(fixture_waves):
    regional = fixture_waves[fixture_waves["regional"]]
    assert list(regional.index) == [6]
    assert regional.loc[6, "command"] == "regional"
    assert regional.loc[6, "drone_launched"] == 4 + 3
    national_same_day = fixture_waves[(fixture_waves["report_date"] == "2025-10-10")
                                      & ~fixture_waves["regional"]]
    assert national_same_day["drone_launched"].tolist() == [465]  # not merged


def test_one_post_two_nights_gives_two_waves(fixture_waves):
    assert fixture_waves.loc[8, "drone_launched"] == 183
    assert fixture_waves.loc[10, "drone_launched"] == 152
    assert fixture_waves.loc[8, "source"] == fixture_waves.loc[10, "source"]


def test_classes_conventions_and_missing_counts(fixture_waves):
    night = fixture_waves.loc[11]  # 2025-07-19/20: drones, C-400 + Iskander-M, Iskander-M + K
    assert (night["drone_launched"], night["drone_destroyed"], night["drone_not_reached"]) == (57, 18, 30)
    assert night["ballistic_launched"] == 2 and night["mixed_launched"] == 3
    assert night["total_neutralised"] == 18 + 30 + 0 + 1
    assert night["convention"] == "split"
    missing = fixture_waves.loc[15]  # C-300 without `launched`, plus 5 KAB
    assert pd.isna(missing["sam_launched"]) and pd.isna(missing["total_launched"])
    assert missing["ballistic_launched"] == 0  # S-300 fired at the ground is not ballistic
    assert missing["other_launched"] == 5 and missing["missing_counts"] == 1
    assert missing["convention"] == "early"
    unknown = fixture_waves.loc[18]
    assert unknown["unknown_launched"] == 1 and unknown["total_launched"] == 6 + 1


def test_empty_record_gives_empty_table():
    record = _record(FIXTURE).iloc[0:0]
    table = waves(record)
    assert table.empty and set(REQUIRED) <= set(table.columns)


def test_waves_command_writes_csv(tmp_path):
    out = tmp_path / "waves.csv"  # a missing folder outside the project is refused (test_model_cli)
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "waves", "--record", str(FIXTURE), "-o", str(out)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Zmey-9" in done.stderr  # the unknown model is named
    table = pd.read_csv(out)
    assert len(table) == 8 and table["regional"].sum() == 1
    assert "wrote 8 waves" in done.stderr  # notes on standard error: standard output is data


# --------------------------------------------------------------------------- the real snapshots


def _wave_of(table: pd.DataFrame, report_date: str, publisher: str = "kpszsu") -> pd.Series:
    found = table[(table["report_date"] == report_date) & (table["publisher"] == publisher)]
    found = found.sort_values("total_launched", ascending=False)
    return found.iloc[0]


@pytest.mark.record
def test_known_waves_of_the_current_snapshot(record_path):
    table = waves(_record(record_path))
    # 2025-10-10 (lines 794-798, read by hand): 4/1, Shahed 465/405 (is_shahed 200),
    # Iskander-M/KN-23 14/4, Iskander-K 12/9, and the Kinzhal strike 06:30-06:40 2/1.
    wave = _wave_of(table, "2025-10-10")
    assert wave["n_rows"] == 5
    assert (wave["drone_launched"], wave["drone_destroyed"]) == (465, 405)
    assert (wave["cruise_launched"], wave["cruise_destroyed"]) == (4 + 12, 1 + 9)
    assert (wave["ballistic_launched"], wave["ballistic_destroyed"]) == (14 + 2, 4 + 1)
    assert (wave["total_launched"], wave["total_destroyed"]) == (497, 420)
    assert wave["shahed_real"] == 200
    # 2025-09-07 (lines 901-903): Shahed 810/747, Iskander-M/KN-23 4/0, Iskander-K 9/4.
    wave = _wave_of(table, "2025-09-07")
    assert (wave["drone_launched"], wave["drone_destroyed"]) == (810, 747)
    assert (wave["ballistic_launched"], wave["cruise_launched"], wave["cruise_destroyed"]) == (4, 9, 4)
    assert wave["total_launched"] == 823 and pd.isna(wave["shahed_real"])


@pytest.mark.record
def test_known_wave_of_the_older_snapshot_matches_the_current_one(older_record_path, record_path):
    older = waves(_record(older_record_path))
    # 2024-08-26 03:00-18:00 (older file lines 734-738): Kinzhal 3/1, X-22 3/1,
    # and Kalibr and 115/99, Shahed 109/99, Iskander-M/KN-23 6/1.
    wave = _wave_of(older, "2024-08-26")
    assert (wave["ballistic_launched"], wave["ballistic_destroyed"]) == (9, 2)
    assert (wave["cruise_launched"], wave["cruise_destroyed"]) == (118, 100)
    assert (wave["drone_launched"], wave["drone_destroyed"]) == (109, 99)
    assert wave["total_launched"] == 236
    # The same attack as read from the current snapshot (a second, independent file).
    current = _wave_of(waves(_record(record_path)), "2024-08-26")
    counts = [c for c in older.columns if c.endswith(("_launched", "_destroyed"))]
    assert current[counts].tolist() == wave[counts].tolist()


@pytest.mark.record
def test_waves_conserve_the_counts_of_the_record(record_path):
    record = _record(record_path)
    table = waves(record)
    assert table["n_rows"].sum() == len(record)
    for count in ("launched", "destroyed"):
        per_class = sum(table[f"{c}_{count}"].fillna(0).sum() for c in COUNTED_CLASSES)
        if count == "launched":
            per_class += table["unknown_launched"].sum()
        assert per_class == record[count].fillna(0).sum(), count
    regional_rows = record["command"].eq("regional").sum()
    assert table.loc[table["regional"], "n_rows"].sum() == regional_rows


COUNT_COLUMNS = [c for c in REQUIRED if c.endswith(("_launched", "_destroyed", "_not_reached"))
                 or c == "shahed_real"] + ["unknown_launched", "total_neutralised"]


def test_counts_are_nullable_integers_whatever_the_input_dtype() -> None:
    record = _record(FIXTURE)
    floats = record.copy()
    for column in ("launched", "destroyed", "not_reached", "neutralised", "shahed_real"):
        floats[column] = floats[column].astype("float64")  # as a plain read_csv gives them
    for table in (waves(record), waves(floats), waves(record.iloc[:0]), waves(record.iloc[:1])):
        assert (table[COUNT_COLUMNS].dtypes == "Int64").all(), table[COUNT_COLUMNS].dtypes
        assert table["n_rows"].dtype == "int64" and table["missing_counts"].dtype == "int64"
        assert table["regional"].dtype == bool
    pd.testing.assert_frame_equal(waves(record), waves(floats))


def test_waves_csv_writes_whole_counts_without_decimals(tmp_path: Path) -> None:
    from analysis.cli import main

    output = tmp_path / "waves.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RecordWarning)
        assert main(["waves", "--record", str(FIXTURE), "-o", str(output)]) == 0
    written = pd.read_csv(output, dtype=str, keep_default_na=False)
    for column in COUNT_COLUMNS:
        assert written[column].str.fullmatch(r"\d*").all(), (column, sorted(set(written[column]))[:5])
    assert (written["total_launched"] != "").any()
