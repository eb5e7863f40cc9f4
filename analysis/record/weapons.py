"""The one table deciding each weapon model's class and family (`weapon_classes.csv`) and its
lookup rules.

The table holds every model name the project has seen in the public record, with its class and
whether the decision follows the record's own catalogue (`basis = catalogue`) or corrects it
(`basis = correction`: a model missing from the catalogue or filed in the wrong category), and its
*family*, the grain readers ask about (Kinzhal is not Kh-101), with `family_basis`:

    model        the name is the family's one model (Kalibr)
    group        a group the record reports together, under any of its spellings
                 (Iskander-M, KN-23 and Iskander-M/KN-23 are the family Iskander-M/KN-23)
    variant      a variant of the family's missile or drone (X-31P in the Kh-31 family)
    combined     a label counting models of different families in one number ("C-400 and
                 Iskander-M"): it cannot be split, so it is a family of its own, named by its
                 parts' families joined with " and ", never added to one of them
    unspecified  the post does not give the type ("Unknown UAV")
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import pandas as pd

#: The classes of the tidy record, in display order. `sam`: S-300/S-400 surface-to-air missiles
#: fired at ground targets, apart from `ballistic` because no air defense engages them on such
#: short flights (they still count as missiles launched and as threats that got through).
WEAPON_CLASSES: tuple[str, ...] = ("drone", "cruise", "ballistic", "sam", "mixed", "other", "unknown")
#: The classes the wave table counts separately (`unknown` rows are never summed into a class).
COUNTED_CLASSES: tuple[str, ...] = ("drone", "cruise", "ballistic", "sam", "mixed", "other")
#: The classes counted as missiles launched: cruise, ballistic, surface-to-air missiles fired at
#: the ground, and rows counting cruise and ballistic missiles together.
MISSILE_CLASSES: tuple[str, ...] = ("cruise", "ballistic", "sam", "mixed")

#: How the catalogue's `category` would map to a class, used only to explain a model the table
#: has not seen (the decision itself always comes from the table).
CATEGORY_HINT: dict[str, str] = {
    "uav": "drone",
    "cruise missile": "cruise",
    "ballistic missile": "ballistic",
    "surface-to-air missile": "sam",
    "surface-to-air and ballistic": "ballistic",
    "guided bomb": "other",
}

#: How the table may justify a family (module docstring).
FAMILY_BASES: tuple[str, ...] = ("model", "group", "variant", "combined", "unspecified")
#: The family of a row without a model name.
NO_MODEL_FAMILY = "model not given"

_JOIN = " and "


def normalise_model(name: str) -> str:
    """A lookup key that ignores case, spacing and the transliteration drift of model names.

    `Kh-101` and Cyrillic `Х-101` become `x-101`; `S-300` (and Cyrillic `С-300`) become `c-300`,
    as the record writes them; " & " and "+" joins become " and ".
    """
    key = " ".join(str(name).split()).casefold()
    key = re.sub(r"\s*(?:&|\+)\s*", _JOIN, key)
    key = re.sub(r"(?<!\w)kh-(?=\d)", "x-", key)
    key = re.sub(r"(?<!\w)\u0445-(?=\d)", "x-", key)  # Cyrillic kha
    key = re.sub(r"(?<!\w)[s\u0441]-(?=\d{3})", "c-", key)  # Latin s or Cyrillic es: S-300 -> C-300
    return key


@lru_cache(maxsize=1)
def class_table() -> pd.DataFrame:
    """The project's model-to-class table, one row per model name as the record writes it."""
    with resources.files("analysis.record").joinpath("weapon_classes.csv").open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    table["key"] = table["model"].map(normalise_model)
    return table


@lru_cache(maxsize=1)
def _class_by_key() -> dict[str, str]:
    table = class_table()
    return dict(zip(table["key"], table["weapon_class"], strict=True))


@lru_cache(maxsize=1)
def _family_by_key() -> dict[str, tuple[str, str]]:
    table = class_table()
    return dict(zip(table["key"], zip(table["family"], table["family_basis"], strict=True),
                    strict=True))


def is_combined(family: str) -> bool:
    """True for a combined label's family ("Kh-101 and Kalibr"): no single family's name holds
    " and " (a test holds the table to it)."""
    return _JOIN in str(family)


def family_of(name: str) -> tuple[str, str]:
    """(family, family_basis) of one model name.

    A name the table lacks: a " and " join of known parts is a combined label named by its parts'
    families (each once, in the label's order); any other name is a family of its own, as written,
    with basis `not in the table` (never silently added to a family)."""
    by_key = _family_by_key()
    key = normalise_model(name)
    if key in by_key:
        return by_key[key]
    if _JOIN in key:
        parts = [by_key.get(part) for part in key.split(_JOIN)]
        if all(parts):
            families = list(dict.fromkeys(family for family, _ in parts))
            if len(families) > 1:
                return _JOIN.join(families), "combined"
            return families[0], parts[0][1]
    return " ".join(str(name).split()), "not in the table"


def combine_classes(classes: Iterable[str]) -> str:
    """The class of models counted together: one shared class, else `mixed` (or `unknown`)."""
    distinct = set(classes)
    if len(distinct) == 1:
        return distinct.pop()
    if not distinct or "unknown" in distinct:
        return "unknown"
    return "mixed"


@dataclass
class Classification:
    """Each distinct model name's class, plus what the lookup had to infer or could not decide."""

    classes: dict[str, str]
    composed: dict[str, str] = field(default_factory=dict)  # joined names decided from their parts
    unknown: list[str] = field(default_factory=list)  # names the table cannot decide
    families: dict[str, str] = field(default_factory=dict)  # each name's family (`family_of`)


def classify_model(name: str) -> tuple[str, bool]:
    """The class of one model name and whether it was composed from the parts of a " and " join."""
    by_key = _class_by_key()
    key = normalise_model(name)
    if key in by_key:
        return by_key[key], False
    if _JOIN in key:
        parts = [by_key.get(part, "unknown") for part in key.split(_JOIN)]
        combined = combine_classes(parts)
        if combined != "unknown":
            return combined, True
    return "unknown", False


def classify_models(names: Iterable[str]) -> Classification:
    """Classify each distinct model name (missing names count as unknown)."""
    result = Classification(classes={})
    for name in dict.fromkeys(names):
        if name is None or (isinstance(name, float) and name != name) or str(name).strip() == "":
            result.classes[name] = "unknown"
            result.families[name] = NO_MODEL_FAMILY
            continue
        weapon_class, composed = classify_model(str(name))
        result.classes[name] = weapon_class
        result.families[name] = family_of(str(name))[0]
        if composed:
            result.composed[name] = weapon_class
        elif weapon_class == "unknown":
            result.unknown.append(str(name))
    return result
