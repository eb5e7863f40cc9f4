"""The tidy record: where it comes from, what it holds, and that any input gives it or a clear error."""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import paths
from analysis.errors import RecordError, RecordNotFoundError
from analysis.record import (
    RecordWarning,
    load_record,
    resolve_catalogue_path,
    resolve_record_path,
)

FIXTURES = Path(__file__).parent / "fixtures" / "record"
FIXTURE = FIXTURES / "missile_attacks_daily_fixture.csv"
OLDER_FIXTURE = FIXTURES / "older" / "missile_attacks_daily_older.csv"
CONTRACT_COLUMNS = [
    "line", "start", "end", "start_has_time", "end_has_time", "report_date", "model",
    "weapon_class", "command", "source", "launched", "destroyed", "not_reached", "neutralised",
    "still_attacking", "shahed_real", "convention",
]


def _load(path, **kwargs) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RecordWarning)
        return load_record(path, **kwargs)


@pytest.fixture
def no_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(paths.RECORD_ENV, raising=False)
    monkeypatch.delenv(paths.CATALOGUE_ENV, raising=False)
    monkeypatch.setattr(paths, "EXTERNAL_DIR", tmp_path / "external")
    return tmp_path / "external"


# --------------------------------------------------------------------------- where it comes from


def test_resolve_order_explicit_then_environment_then_fetched(no_environment, monkeypatch, tmp_path):
    external = no_environment
    with pytest.raises(RecordNotFoundError, match="data fetch") as caught:
        resolve_record_path()
    assert "--record" in str(caught.value) and paths.RECORD_ENV in str(caught.value)

    external.mkdir()
    older = external / "missile_attacks_daily_a.csv"
    newer = external / "missile_attacks_daily.csv"
    for i, file in enumerate((older, newer)):
        file.write_text("x")
        stamp = 1_700_000_000 + i * 100
        os.utime(file, (stamp, stamp))
    assert resolve_record_path() == newer

    monkeypatch.setenv(paths.RECORD_ENV, str(FIXTURE))
    assert resolve_record_path() == FIXTURE
    assert resolve_record_path(OLDER_FIXTURE) == OLDER_FIXTURE
    monkeypatch.setenv(paths.RECORD_ENV, str(tmp_path / "gone.csv"))
    with pytest.raises(RecordError, match="gone.csv"):
        resolve_record_path()


def test_catalogue_beside_the_record(no_environment, tmp_path):
    assert resolve_catalogue_path(FIXTURE).name == "missiles_and_uavs_fixture.csv"
    lonely = tmp_path / "missile_attacks_daily.csv"
    shutil.copy(FIXTURE, lonely)
    with pytest.raises(RecordError, match="--catalogue"):
        resolve_catalogue_path(lonely)
    with pytest.raises(RecordError, match="--catalogue"):
        load_record(lonely)
    explicit = FIXTURES / "missiles_and_uavs_fixture.csv"
    assert resolve_catalogue_path(lonely, explicit) == explicit
    assert len(_load(lonely, catalogue=explicit)) == 16


# --------------------------------------------------------------------------- what it holds


def test_fixture_record_columns_and_types(no_environment):
    record = _load(FIXTURE)
    assert set(CONTRACT_COLUMNS) <= set(record.columns)
    assert len(record) == 16  # 17 data rows in the file minus one blank line: nothing else dropped
    for column in ("launched", "destroyed", "not_reached", "neutralised", "still_attacking",
                   "shahed_real"):
        assert record[column].dtype == "Int64", column
    assert str(record["start"].dtype).startswith("datetime64")
    assert set(record["weapon_class"]) <= {"drone", "cruise", "ballistic", "sam", "mixed", "other", "unknown"}
    assert set(record["command"]) == {"national", "regional"}
    # extra columns are kept as read
    assert record.loc[0, "destroyed_details"] == "{'south': 61, 'east': NaN}"
    assert record.attrs["record_path"].endswith(FIXTURE.name)
    assert record.attrs["catalogue_path"].endswith("missiles_and_uavs_fixture.csv")


def test_line_numbers_count_quoted_newlines_and_blank_lines(no_environment):
    record = _load(FIXTURE)
    # Checked by reading the fixture: the field on line 8 spans two lines, line 17 is blank.
    by_model_line = dict(zip(zip(record["model"], record["start"].dt.day, strict=True), record["line"], strict=True))
    assert by_model_line[("Shahed-136/131", 8)] == 8
    assert by_model_line[("Shahed-136/131", 7)] == 10
    assert by_model_line[("Kh-22", 16)] == 18
    text = FIXTURE.read_text(encoding="utf-8").splitlines()
    for line, model in zip(record["line"], record["model"], strict=True):
        assert model in text[line - 1], (line, model)


def test_times_conventions_and_counts(no_environment):
    record = _load(FIXTURE).set_index("line")
    assert record.loc[2, "start"] == pd.Timestamp("2025-10-09 19:00")
    assert record.loc[2, "report_date"] == pd.Timestamp("2025-10-10")  # dated by its end
    assert record.loc[18, "start"] == pd.Timestamp("2023-05-16 03:30")  # H:MM without padding
    assert not record.loc[15, "start_has_time"] and record.loc[15, "end_has_time"]
    assert record.loc[2, "convention"] == "combined"
    assert record.loc[11, "convention"] == "split"  # reported 2025-07-20, before 2025-07-23
    assert record.loc[15, "convention"] == "early"
    assert record.loc[11, "neutralised"] == 18 + 30
    assert pd.isna(record.loc[15, "launched"])  # missing stays missing
    assert record.loc[2, "shahed_real"] == 200
    assert record.loc[6, "command"] == "regional" and record.loc[11, "command"] == "national"
    assert record.loc[11, "publisher"] == "kpszsu"  # t.me/kpszsu links are the national channel


def test_unknown_model_warns_with_its_name_and_is_kept(no_environment):
    from analysis.record import load as record_module

    record_module._CACHE.clear()
    with pytest.warns(RecordWarning, match="Zmey-9") as caught:
        record = load_record(FIXTURE)
    assert record.set_index("line").loc[19, "weapon_class"] == "unknown"
    # Raised at the record's file and line, so every formatter names them.
    (warning,) = [w for w in caught if "Zmey-9" in str(w.message)]
    assert (Path(warning.filename), warning.lineno) == (FIXTURE, 19)
    assert f"{FIXTURE}:19: model 'Zmey-9'" in "\n".join(record.attrs["notes"])
    with pytest.warns(RecordWarning, match="Zmey-9") as caught:  # a cached load warns again
        load_record(FIXTURE)
    assert [w.lineno for w in caught if "Zmey-9" in str(w.message)] == [19]


def test_older_schema(no_environment):
    record = _load(OLDER_FIXTURE)
    assert record["shahed_real"].isna().all()  # no is_shahed column before 2025
    assert record["back_russia"].dtype == "Int64"  # extra whole-number columns become counts
    assert list(record["weapon_class"]) == ["ballistic", "drone", "cruise"]


def test_cache_returns_independent_copies(no_environment):
    first = _load(FIXTURE)
    first.loc[0, "launched"] = 0
    first.attrs["notes"].append("changed")
    second = _load(FIXTURE)
    assert second.loc[0, "launched"] == 465
    assert "changed" not in second.attrs["notes"]


# --------------------------------------------------------------------------- any input


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "missiles_and_uavs_fixture.csv", folder / "missiles_and_uavs.csv")
    path = folder / "missile_attacks_daily.csv"
    path.write_bytes(data)
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_any_bytes_give_a_record_or_a_record_error(tmp_path, data):
    path = _write(tmp_path, "bytes", data)
    try:
        record = _load(path)
    except RecordError:
        return
    assert isinstance(record, pd.DataFrame)


_cell = st.one_of(
    st.sampled_from(["", "1.0", "-3", "2.5", "1e3", "nan", "x", "2025-10-10", "2025-10-10 25:00",
                     "2025-02-30", "Shahed-136/131", "Zmey", "kpszsu/posts/a", "\"", "a,b", "\n"]),
    st.text(max_size=6),
)
_columns = ["time_start", "time_end", "model", "launched", "destroyed", "not_reach_goal",
            "is_shahed", "source", "extra"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell, min_size=len(_columns), max_size=len(_columns)), max_size=6),
       header=st.permutations(_columns))
def test_any_csv_like_text_gives_a_valid_record_or_a_record_error(tmp_path, rows, header):
    frame = pd.DataFrame(rows, columns=header) if rows else pd.DataFrame(columns=header)
    path = _write(tmp_path, "frames", frame.to_csv(index=False).encode("utf-8"))
    try:
        record = _load(path)
    except RecordError:
        return
    # A record that loads is valid: whole non-negative counts, destroyed <= launched, times set.
    assert len(record) <= len(rows)
    assert record["start"].notna().all() and record["end"].notna().all()
    assert (record["end"].dt.normalize() >= record["start"].dt.normalize()).all()
    counts = record[["launched", "destroyed"]].astype("float64")
    assert (counts.fillna(0) >= 0).all().all()
    assert not (counts["destroyed"] > counts["launched"]).any()
    assert np.issubdtype(record["line"].dtype, np.integer)


# --------------------------------------------------------------------------- the real snapshots


@pytest.mark.record
def test_real_snapshots_load_every_row(record_path, older_record_path):
    for path, rows in ((record_path, 3770), (older_record_path, 2286)):
        record = _load(path)
        assert len(record) == rows  # no row dropped
        assert record["line"].tolist() == list(range(2, rows + 2))
        assert (record["weapon_class"] != "unknown").all()
        # the trap-7 facts of the README, counted here from the file itself
        assert int(record["launched"].isna().sum()) == 3
        assert int(record["destroyed"].isna().sum()) == 6
        over = record["destroyed"] + record["not_reached"].fillna(0) > record["launched"]
        assert int(over.fillna(False).sum()) == 1


@pytest.mark.record
def test_real_snapshot_hand_checked_rows(record_path):
    record = _load(record_path).set_index("line")
    # Line 795 of the file: 2025-10-09 19:00 .. 2025-10-10 10:00, Shahed-136/131, 465 launched,
    # 405 destroyed, 0 not reached, is_shahed 200 (read by hand from the file).
    row = record.loc[795]
    assert (row["model"], row["launched"], row["destroyed"], row["shahed_real"]) == (
        "Shahed-136/131", 465, 405, 200)
    assert row["convention"] == "combined" and row["weapon_class"] == "drone"
    # Line 1805: 2024-12-27 23:00 .. 2024-12-28 08:30, 16 launched, 15 destroyed, 11 not reached.
    row = record.loc[1805]
    assert (row["launched"], row["destroyed"], row["not_reached"], row["neutralised"]) == (16, 15, 11, 26)
    assert row["convention"] == "split"


def test_monthly_shahed_share_counts_only_reports_with_the_real_count_and_says_how_much() -> None:
    from analysis.record.overview import shahed_rows
    from analysis.stats.latest import monthly_shahed_share

    rows = pd.DataFrame({
        "report_date": pd.to_datetime(["2025-06-10", "2025-07-05", "2025-07-20", "2025-07-21",
                                       "2025-08-03", "2025-09-01", "2025-09-02"]),
        "model": ["Shahed-136/131"] * 6 + ["Kalibr"],
        "command": ["national"] * 5 + ["regional", "national"],
        "launched": pd.array([50, 100, 300, 100, 80, 40, 10], dtype="Int64"),
        "shahed_real": pd.array([pd.NA, pd.NA, 200, 50, pd.NA, 30, pd.NA], dtype="Int64"),
    })
    table = monthly_shahed_share(shahed_rows(rows))
    assert list(table.columns) == ["launched_counted", "shahed_real", "share", "low", "high",
                                   "launched_all", "coverage"]
    # From the first month with a count (July); August has Shahed launches but no count.
    assert list(table.index) == [pd.Timestamp("2025-07-01"), pd.Timestamp("2025-08-01")]
    july, august = table.iloc[0], table.iloc[1]
    assert (july["launched_counted"], july["shahed_real"], july["launched_all"]) == (400, 250, 500)
    assert july["coverage"] == pytest.approx(0.8) and july["share"] == pytest.approx(250 / 400)
    assert july["low"] < july["share"] < july["high"]
    assert august["coverage"] == 0 and august["launched_all"] == 80 and np.isnan(august["share"])
    assert monthly_shahed_share(shahed_rows(rows.assign(shahed_real=pd.NA))).empty


def test_monthly_shahed_share_on_real_snapshot(record_path) -> None:
    from analysis.record.overview import shahed_rows
    from analysis.stats.latest import monthly_shahed_share

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        record = load_record(record_path)
    may = monthly_shahed_share(shahed_rows(record)).loc[pd.Timestamp("2026-05-01")]
    # The reviewer's figures: 1,277 in reports giving is_shahed, 8,150 Shahed-136/131 in national rows.
    assert (may["launched_counted"], may["launched_all"]) == (1277, 8150)
    assert may["coverage"] == pytest.approx(1277 / 8150)
