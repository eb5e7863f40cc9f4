"""The attacker's cost of one threat of a class, derived from the sources file so it cannot drift.

A class mixes models of different prices. Its cost is the mean price weighted by launches:
sum over groups of launches x price / all launches (`mix_cost`). The groups of cruise missiles
(`cruise_group`) are those [russian-missile-costs] prices: Kh-101/Kh-555, Kalibr, Iskander-K
(at the Iskander price), P-800 Oniks (Onyx) and Kh-22/Kh-32 (at the Kh-22 price); every other
model (Zircon, Kh-59/Kh-69, Kh-31, Kh-35, ...) has no price there and is taken at the lowest price
the source gives (Kh-22, 1 million): a lower bound. `cruise_mix` counts launches by group from the
record (a row naming several models split evenly between them), as [record-2026-h1-cruise-mix]
reports them. The drone class mixes real Shaheds and decoys ([record-2026-h1-real-shahed-share],
[shahed-cost], [decoy-cost]). The Kinzhal has its own price ([kinzhal-cost]) where a scenario
sets it apart; where it cannot, ballistic missiles cost the record's mix of Kinzhals and the
rest at the Iskander price ([record-2026-h1-ballistic-mix]). S-300/S-400 fired at ground targets
take the source's lowest price ([assumed-sam-cost]).

`shipped_costs(sources)` gives these figures from the `values` of those entries of
data/sources.yaml; a test holds every shipped scenario's `attacker_costs_usd` to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# group: (record model names, as the part of a row's model before any '/', price key of the source)
CRUISE_GROUPS: dict[str, tuple[tuple[str, ...], str]] = {
    "kh-101": (("X-101",), "Kh-101"),
    "kalibr": (("Kalibr",), "Kalibr"),
    "iskander-k": (("Iskander-K",), "Iskander"),
    "onyx": (("P-800 Oniks",), "Onyx"),
    "kh-22": (("X-22", "X-32"), "Kh-22"),
}
OTHER = "other"


def cruise_group(model: str) -> str:
    """The price group of one cruise missile model name of the record ('X-101/X-555' -> kh-101)."""
    head = model.strip().split("/")[0].strip()
    for group, (names, _) in CRUISE_GROUPS.items():
        if head in names:
            return group
    return OTHER


def cruise_mix(record: Any, start: Any, end: Any, command: str = "national") -> dict[str, float]:
    """Cruise missiles launched by price group over national rows reported in [start, end]; a
    row naming several models ('X-101/X-555 and Kalibr') is split evenly between them."""
    import pandas as pd

    dates = pd.to_datetime(record["report_date"]).dt.normalize()
    rows = record[(record["command"] == command) & (record["weapon_class"] == "cruise")
                  & (dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(end))]
    counts = dict.fromkeys([*CRUISE_GROUPS, OTHER], 0.0)
    launched = pd.to_numeric(rows["launched"], errors="coerce").fillna(0)
    for model, count in zip(rows["model"].astype(str), launched, strict=True):
        parts = [part for part in model.split(" and ") if part.strip()]
        for part in parts:
            counts[cruise_group(part)] += float(count) / len(parts)
    return counts


def mix_cost(counts: Mapping[str, float], prices: Mapping[str, float]) -> float:
    """The mean price of a mix: sum of counts x prices / sum of counts."""
    total = sum(counts.values())
    if total <= 0:
        raise ValueError("an empty mix has no mean price")
    return sum(count * prices[group] for group, count in counts.items()) / total


def cruise_prices(costs: Mapping[str, float]) -> dict[str, float]:
    """Price of each cruise group from the source's prices by missile (module doc)."""
    prices = {group: float(costs[key]) for group, (_, key) in CRUISE_GROUPS.items()}
    prices[OTHER] = float(min(costs.values()))
    return prices


def shipped_costs(sources: Mapping[str, Any]) -> dict[str, float]:
    """Cost of one threat of each class to the attacker, from the sources file's entries: drone,
    cruise, ballistic (without the Kinzhal), kinzhal, ballistic_with_kinzhal (the record's mix)
    and sam."""
    shares = sources["record-2026-h1-real-shahed-share"].values
    drone = mix_cost({"real": shares["real"], "decoy": shares["decoy"]},
                     {"real": float(sources["shahed-cost"].value), "decoy": float(sources["decoy-cost"].value)})
    prices = sources["russian-missile-costs"].values
    mix = sources["record-2026-h1-cruise-mix"].values
    cruise = mix_cost(mix, cruise_prices(prices))
    kinzhal = float(sources["kinzhal-cost"].value)
    ballistic_mix = mix_cost(sources["record-2026-h1-ballistic-mix"].values,
                             {"kinzhal": kinzhal, "iskander": float(prices["Iskander"])})
    return {"drone": drone, "cruise": cruise, "ballistic": float(prices["Iskander"]), "kinzhal": kinzhal,
            "ballistic_with_kinzhal": ballistic_mix, "sam": float(sources["assumed-sam-cost"].value)}
