"""The model-to-class table: its rules, and its agreement with the record's own catalogue."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.record.weapons import (
    CATEGORY_HINT,
    COUNTED_CLASSES,
    WEAPON_CLASSES,
    class_table,
    classify_model,
    classify_models,
    combine_classes,
    normalise_model,
)


def test_table_is_well_formed():
    table = class_table()
    assert set(table["weapon_class"]) <= set(COUNTED_CLASSES)  # `unknown` is never a decision
    assert set(table["basis"]) <= {"catalogue", "correction"}
    assert not table["key"].duplicated().any(), table.loc[table["key"].duplicated(), "model"]
    corrections = table[table["basis"] == "correction"]
    assert (corrections["note"].str.len() > 0).all(), "every correction says why"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kh-101/Kh-555", "x-101/x-555"),
        ("\u0425-59", "x-59"),  # Cyrillic kha
        ("S-300", "c-300"),
        ("\u0421-400", "c-400"),  # Cyrillic es
        ("  shahed-136/131 ", "shahed-136/131"),
        ("Iskander-M  &  Iskander-K", "iskander-m and iskander-k"),
        ("Supercam", "supercam"),  # an S not followed by three digits stays
        ("Молнія", "молнія"),
    ],
)
def test_normalise_model(name, expected):
    assert normalise_model(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Shahed-136/131", "drone"),
        ("Kh-22", "cruise"),  # spelling drift
        ("ISKANDER-M", "ballistic"),  # case drift
        ("S-300", "sam"),  # S-300 at ground targets: a class of its own, not ballistic
        ("C-400 and Iskander-M", "ballistic"),  # a combined label: kept with ballistic missiles
        ("X-47 Kinzhal and Iskander-M/KN-23", "ballistic"),  # catalogue files it as cruise
        ("Iskander-M and Iskander-K", "mixed"),  # ballistic and cruise cannot be split
        ("KAB", "other"),
        ("Картограф", "drone"),  # missing from the catalogue
    ],
)
def test_classify_known_models(name, expected):
    assert classify_model(name) == (expected, False)


def test_a_new_join_of_known_parts_is_composed_from_them():
    assert classify_model("Kalibr and X-59") == ("cruise", True)
    assert classify_model("Kalibr and Iskander-M") == ("mixed", True)
    assert classify_model("Kalibr and Zmey-9") == ("unknown", False)


def test_unseen_model_is_unknown_and_named():
    result = classify_models(["Shahed-136/131", "Zmey-9", "Zmey-9", None, "Kalibr and X-59"])
    assert result.classes["Zmey-9"] == "unknown"
    assert result.unknown == ["Zmey-9"]
    assert result.classes[None] == "unknown"
    assert result.composed == {"Kalibr and X-59": "cruise"}


def test_combine_classes():
    assert combine_classes(["cruise", "cruise"]) == "cruise"
    assert combine_classes(["cruise", "ballistic"]) == "mixed"
    assert combine_classes(["cruise", "unknown"]) == "unknown"
    assert combine_classes([]) == "unknown"
    assert set(WEAPON_CLASSES) == set(COUNTED_CLASSES) | {"unknown"}


def test_table_agrees_with_the_catalogue_where_it_says_so(catalogue_path):
    """Rows marked `catalogue` follow the catalogue's category; `correction` rows differ from it
    or are missing from it (checked against the catalogue file, not against the table)."""
    catalogue = pd.read_csv(catalogue_path, dtype=str)
    category = dict(zip(catalogue["model"], catalogue["category"].str.casefold(), strict=True))
    table = class_table()
    for row in table.itertuples():
        in_catalogue = category.get(row.model)
        if row.basis == "catalogue":
            assert in_catalogue is not None, f"{row.model} is not in the catalogue"
            assert CATEGORY_HINT[in_catalogue] == row.weapon_class, row.model
        elif in_catalogue is not None and row.model != "Unknown Missile":
            assert CATEGORY_HINT[in_catalogue] != row.weapon_class, f"{row.model}: marked correction but agrees"


@pytest.mark.record
def test_every_model_of_both_snapshots_is_decided(record_path, older_record_path):
    for path in (record_path, older_record_path):
        models = pd.read_csv(path, usecols=["model"])["model"].dropna().unique()
        result = classify_models(models)
        assert result.unknown == [], f"{path.name}: {result.unknown}"
        assert result.composed == {}, f"{path.name}: joins not in the table {result.composed}"
