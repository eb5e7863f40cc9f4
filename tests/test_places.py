"""Places: the oblast table in data/places/, the names of the record brought to oblasts, and what
got through and where."""

from __future__ import annotations

import csv
import warnings

import pandas as pd
import pytest

from analysis.errors import AnalysisError
from analysis.record import RecordWarning, load_record, waves
from analysis.record.regions import (
    NOT_IN_TABLE,
    OBLAST_TABLE,
    named_places,
    names_in_list,
    names_in_target,
    oblast_table,
    region_of,
)
from analysis.stats import latest
from analysis.stats.rates import with_wave_ids

OBLASTS = {
    "Cherkasy", "Chernihiv", "Chernivtsi", "Dnipropetrovsk", "Donetsk", "Ivano-Frankivsk",
    "Kharkiv", "Kherson", "Khmelnytskyi", "Kirovohrad", "Kyiv", "Luhansk", "Lviv", "Mykolaiv",
    "Odesa", "Poltava", "Rivne", "Sumy", "Ternopil", "Vinnytsia", "Volyn", "Zakarpattia",
    "Zaporizhzhia", "Zhytomyr",
}
REGIONS = {f"{name} oblast" for name in OBLASTS} | {"Kyiv city", "Crimea", "Sevastopol"}


def test_the_oblast_table_names_only_ukraines_regions() -> None:
    with OBLAST_TABLE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["region"] for r in rows} <= REGIONS | {""}
    assert {f"{name} oblast" for name in OBLASTS} <= {r["name"] for r in rows}  # each by its name
    assert all(r["kind"] for r in rows)
    assert all(r["kind"] == "outside Ukraine" for r in rows if not r["region"])


@pytest.mark.parametrize(("name", "regions", "how"), [
    ("Dnipro", ["Dnipropetrovsk oblast"], "table"),  # the city, within its oblast
    ("Dnipro oblast", ["Dnipropetrovsk oblast"], "table"),
    ("dnipropetrovsk  oblast", ["Dnipropetrovsk oblast"], "table"),
    ("Dnipropetrovsk oblast, Kryvyi Rih Raion", ["Dnipropetrovsk oblast"], "first part"),
    ("Kryvyi Rih, Kharkiv, Vinnytsia", ["Dnipropetrovsk oblast", "Kharkiv oblast", "Vinnytsia oblast"], "list"),
    ("Kyiv", ["Kyiv city"], "table"),  # the capital is not part of Kyiv oblast
    ("Kyiv oblast (south)", ["Kyiv oblast"], "table"),
    ("Odeas oblast", ["Odesa oblast"], "table"),
    ("Kursk oblast", [], "outside Ukraine"),
    ("Atlantis", ["Atlantis"], NOT_IN_TABLE),
    (",", [], "no place"),
])
def test_region_of(name, regions, how) -> None:
    assert region_of(name) == (regions, how)


def test_a_broken_table_is_refused_with_its_line(tmp_path) -> None:
    path = tmp_path / "oblasts.csv"
    path.write_text("name,region,kind,note\nDnipro,Dnipropetrovsk oblast,city,\ndnipro,Kyiv oblast,city,\n")
    with pytest.raises(AnalysisError, match=r"oblasts.csv:3: name 'dnipro' is listed twice"):
        oblast_table(path)


def _places_of(path) -> set[str]:
    names: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for column, parse in (("target", names_in_target), ("target_main", names_in_target),
                                  ("affected region", names_in_list)):
                names.update(parse(row.get(column)))
    return names


def test_every_place_of_the_sample_is_in_the_table(sample_record_path) -> None:
    assert all(region_of(name)[1] != NOT_IN_TABLE for name in _places_of(sample_record_path))


@pytest.mark.record
def test_every_place_of_the_snapshots_is_in_the_table(record_path, older_record_path) -> None:
    for path in (record_path, older_record_path):
        missing = [n for n in _places_of(path) if region_of(n)[1] == NOT_IN_TABLE]
        assert missing == [], f"{path.name}: {missing}"


def _sample(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RecordWarning)
        record = load_record(path)
    table = waves(record)
    return with_wave_ids(record, table), table


def test_named_places_count_a_city_within_its_oblast_once_per_attack(sample_record_path) -> None:
    record, _ = _sample(sample_record_path)
    day = record.loc[record["start"] == pd.Timestamp("2026-04-20 09:30")]  # the day post
    places = named_places(day, day["wave_id"])
    hit = places.loc[places["role"] == "hit"]
    # 'Dnipro' and 'Dnipropetrovsk oblast, Dnipro Raion' name one oblast: one region, two names
    assert sorted(hit["region"].unique()) == ["Dnipropetrovsk oblast", "Kyiv city"]
    assert set(hit.loc[hit["region"] == "Dnipropetrovsk oblast", "place"]) == {
        "Dnipro", "Dnipropetrovsk oblast, Dnipro Raion"}
    targeted = places.loc[places["role"] == "targeted"]
    assert set(targeted["region"]) == {"Dnipropetrovsk oblast", "Kyiv city"}


def test_what_got_through_and_where_against_the_raw_rows(sample_record_path) -> None:
    record, table = _sample(sample_record_path)
    by_wave = latest.damage_by_wave(record, table)
    post = table.loc[table["start"] == pd.Timestamp("2026-04-20 09:30"), "wave_id"].iloc[0]
    day = by_wave.loc[by_wave["wave_id"] == post].iloc[0]  # the day post
    assert (day["launched"], day["stopped"], day["not_stopped"]) == (716, 663, 53)
    assert (day["places_hit"], day["debris_places"]) == (21, 9)
    assert (day["jets_launched"], day["jets_destroyed"]) == (12, 10)
    assert day["regions_hit"] == "Dnipropetrovsk oblast; Kyiv city"
    by_month = latest.damage_by_month(by_wave)
    april = by_wave.loc[by_wave["report_date"].dt.to_period("M") == "2026-04"]
    given = april["places_hit"].notna()
    assert by_month.loc["2026-04-01", "places_hit"] == april.loc[given, "places_hit"].sum()
    assert by_month.loc["2026-04-01", "places_hit_coverage"] == pytest.approx(given.mean())
    assert by_month.loc["2026-04-01", "attacks"] == len(april)
