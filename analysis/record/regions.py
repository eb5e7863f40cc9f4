"""The places a report names: as targeted (`target`, `target_main`) or as hit (`affected region`).

`target` joins names with " and " ("Kyiv oblast and Lviv oblast") or gives a direction of a
regional command ("south") or the whole country ("Ukraine"); `affected region` is a Python-style
list ("['Kyiv oblast', 'Sumy oblast']", sometimes with `nan`), given in some reports from 2025.
Names are kept as written (a city and its oblast stay apart); directions and "Ukraine" name no
place and are left out. The text is read with a pattern, never evaluated.
"""

from __future__ import annotations

import re

import pandas as pd

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


def named_places(record: pd.DataFrame, wave_ids: pd.Series) -> pd.DataFrame:
    """One row per (wave, place, role): the places each wave's rows name as `targeted` or `hit`.

    `wave_ids` gives each row's wave (`analysis.stats.rates.row_wave_ids`). Columns: `wave_id`,
    `report_date`, `place`, `role`. A place named by several rows of a wave counts once. Columns
    the record lacks (older snapshots have no `target_main` or `affected region`) name nothing.
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
    if not parts:
        return pd.DataFrame(columns=["wave_id", "report_date", "place", "role"])
    table = pd.concat(parts, ignore_index=True)
    table = table.groupby(["wave_id", "place", "role"], as_index=False)["report_date"].max()
    return table[["wave_id", "report_date", "place", "role"]]
