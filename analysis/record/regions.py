"""The places a report names: as targeted (`target`, `target_main`) or as hit (`affected region`).

`target` joins names with " and " ("Kyiv oblast and Lviv oblast") or gives a direction of a
regional command ("south") or the whole country ("Ukraine"); `affected region` is a Python-style
list ("['Kyiv oblast', 'Sumy oblast']", sometimes with `nan`), given in some reports from 2025.
Names are kept as written in `place`; `region_of` brings each to the oblast it lies in (Dnipro
city and "Dnipro oblast" to Dnipropetrovsk oblast) through the project's one table,
`data/places/oblasts.csv` (name as written, region, kind, note): a name with a qualifier after a
comma ("Dnipropetrovsk oblast, Dnipro Raion") goes by its first part, a comma list of places by
each, and a name the table lacks is kept as written and flagged. Kyiv city, Crimea and Sevastopol
are regions of their own; places outside Ukraine (Kursk oblast) are no region. Directions and
"Ukraine" name no place and are left out. The text is read with a pattern, never evaluated.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.errors import AnalysisError
from analysis.paths import DATA_DIR

OBLAST_TABLE = DATA_DIR / "places" / "oblasts.csv"
NOT_IN_TABLE = "not in the oblast table"

#: Values of `target` that name no place: the whole country and the regional commands' directions.
NOT_A_PLACE = frozenset({
    "", "ukraine", "south", "east", "west", "north", "center", "centre", "south-east",
    "south-west", "north-east", "north-west", "front line", "nan",
})
TARGET_COLUMNS = ("target", "target_main")
HIT_COLUMN = "affected region"
_SPLIT = re.compile(r"\s+and\s+|\s*;\s*")
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")


def names_in_target(text: object) -> list[str]:
    """The places a `target` (or `target_main`) value names, in order, without repeats."""
    if not isinstance(text, str):
        return []
    names = (" ".join(part.split()) for part in _SPLIT.split(text))
    return list(dict.fromkeys(n for n in names if n.casefold() not in NOT_A_PLACE))


def names_in_list(text: object) -> list[str]:
    """The quoted names of an `affected region` value ("['Kyiv oblast', nan]" -> ['Kyiv oblast'])."""
    if not isinstance(text, str):
        return []
    names = (" ".join((a or b).split()) for a, b in _QUOTED.findall(text))
    return list(dict.fromkeys(n for n in names if n.casefold() not in NOT_A_PLACE))


def _key(name: str) -> str:
    return " ".join(str(name).replace("\u2019", "'").split()).strip(" ,.;").casefold()


@lru_cache(maxsize=4)
def oblast_table(path: Path = OBLAST_TABLE) -> dict[str, tuple[str, str]]:
    """The oblast table: each name as written (matched ignoring case and spacing) to its
    (region, kind); region '' for a place outside Ukraine."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise AnalysisError(f"{path}: cannot read the oblast table ({error.strerror})") from None
    table: dict[str, tuple[str, str]] = {}
    for line, row in enumerate(rows, start=2):
        if set(row) != {"name", "region", "kind", "note"} or not row["name"].strip():
            raise AnalysisError(f"{path}:{line}: expected columns name, region, kind, note with a name")
        key = _key(row["name"])
        if key in table:
            raise AnalysisError(f"{path}:{line}: name {row['name']!r} is listed twice")
        table[key] = (row["region"].strip(), row["kind"].strip())
    return table


def region_of(name: str, table: dict[str, tuple[str, str]] | None = None) -> tuple[list[str], str]:
    """(the regions a place name lies in, how it was matched).

    How: `table` (the name itself), `first part` ("Dnipropetrovsk oblast, Dnipro Raion"), `list`
    (a comma list of places, each in the table), `outside Ukraine` (no region) or
    `NOT_IN_TABLE` (the name as written is its own region, flagged)."""
    table = oblast_table() if table is None else table
    key = _key(name)
    if not key:
        return [], "no place"
    if key in table:
        region, kind = table[key]
        return ([region] if region else []), ("outside Ukraine" if not region else "table")
    bare = re.sub(r"\s*\([^)]*\)", "", key)
    if bare in table and table[bare][0]:
        return [table[bare][0]], "table"
    parts = [p for p in (_key(p) for p in key.split(",")) if p]
    if len(parts) > 1:
        if all(p in table for p in parts):
            regions = list(dict.fromkeys(table[p][0] for p in parts if table[p][0]))
            return regions, "list"
        if parts[0] in table and table[parts[0]][0]:
            return [table[parts[0]][0]], "first part"
    return [" ".join(str(name).split()).strip(" ,")], NOT_IN_TABLE


def named_places(record: pd.DataFrame, wave_ids: pd.Series) -> pd.DataFrame:
    """One row per (wave, place, role): the places each wave's rows name as `targeted` or `hit`.

    `wave_ids` gives each row's wave (`analysis.stats.rates.row_wave_ids`). Columns: `wave_id`,
    `report_date`, `place` (as written), `role`, `region` (its oblast, `region_of`; a place in
    two regions gives two rows; a place outside Ukraine none) and `matched` (how). A place named
    by several rows of a wave counts once. Columns the record lacks (older snapshots have no
    `target_main` or `affected region`) name nothing.
    """
    parts = []
    sources = [(c, "targeted", names_in_target) for c in TARGET_COLUMNS]
    sources.append((HIT_COLUMN, "hit", names_in_list))
    for column, role, parse in sources:
        if column not in record.columns:
            continue
        names = record[column].map(parse)
        frame = pd.DataFrame({"wave_id": wave_ids, "report_date": record["report_date"],
                              "place": names, "role": role}).explode("place")
        parts.append(frame.dropna(subset=["place"]))
    columns = ["wave_id", "report_date", "place", "role", "region", "matched"]
    if not parts:
        return pd.DataFrame(columns=columns)
    table = pd.concat(parts, ignore_index=True)
    table = table.groupby(["wave_id", "place", "role"], as_index=False)["report_date"].max()
    lookup = {place: region_of(place) for place in table["place"].unique()}
    table["region"] = table["place"].map(lambda p: lookup[p][0])
    table["matched"] = table["place"].map(lambda p: lookup[p][1])
    table = table.explode("region").dropna(subset=["region"])
    table = table.drop_duplicates(["wave_id", "region", "role", "place"])
    return table[columns].reset_index(drop=True)
