"""The sentences of report 07 (exploring the unknowns): the answer first, in plain words.

The indices, failure shares and boxes come from `analysis.model.explore` as computed; this module
words them: which assumptions drive an outcome (total Sobol index with its interval, against the
noise floor of the runs), how often a stated failure happens over the assumed ranges, and where,
and how that headline moves when a range is halved or widened (the robustness table).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from analysis.reporting.words import (
    class_label,
    interceptor_label,
    listed,
    number,
    percent,
    percent_text,
    points,
    spans_everything,
)


def _index(value: Mapping[str, Any]) -> tuple[float, float, float]:
    st, conf = float(value["ST"]), float(value.get("ST_conf") or 0.0)
    return st, st - conf, st + conf


def index_with_error(value: float, error: float, decimals: int = 2) -> str:
    """A Sobol index and its 95% half-width as the appendix table gives them: "0.45 ± 0.12";
    never "-0.00" (an estimate a hair below zero is zero)."""
    return f"{number(value, decimals)} ± {number(error, decimals)}"


def capitalised(text: str) -> str:
    """A label as the start of a sentence ("it runs out ..." as "It runs out ...")."""
    return text[:1].upper() + text[1:]


def _share_of_spread(value: float) -> str:
    return percent_text(min(max(value, 0.0), 1.0))


def drivers_sentence(indices: Mapping[str, Mapping[str, Any]] | None, outcome: str,
                     labels: Mapping[str, str], noise_input: str, top: int = 3) -> str:
    """Which assumptions matter most for `outcome` (in words), in plain words: the share of the
    outcome's spread over the experiments each accounts for, alone or with others (its total Sobol
    index, with its 95% interval), and how much the runs' own randomness accounts for beside them
    (the noise floor), judged against the figures the sentence gives. '' without indices."""
    if not indices:
        return ""
    ranked = sorted(((name, v) for name, v in indices.items() if name != noise_input and v.get("ST") is not None),
                    key=lambda item: item[1]["ST"], reverse=True)[:top]
    if not ranked:
        return ""
    parts, uncertain = [], False
    for rank, (name, value) in enumerate(ranked):
        st, low, high = _index(value)
        uncertain = uncertain or low <= 0 or high - low > 0.5
        what = " of its spread over the experiments, alone or with others" if rank == 0 else ""
        # an index lies in [0, 1]: its interval is shown inside it
        shown = _share_of_spread(st)
        about = "" if shown.startswith(("under", "over")) else "about "
        low, high = min(max(low, 0.0), 1.0), min(max(high, 0.0), 1.0)
        interval = ("95% interval too wide to tell at this design's size" if spans_everything(low, high)
                    else f"95% interval {percent(low)} to {percent(high)}")
        parts.append(f"{labels.get(name, name)} ({about}{shown}{what}; {interval})")
    text = f"What matters most for {outcome}, over the assumed ranges: {listed(parts)}."
    if uncertain:
        text += (" Some of these intervals are wide or reach 0%: at this design's size the ranking is rough, "
                 "and a larger design would sharpen it.")
    if noise_input in indices and indices[noise_input].get("ST") is not None:
        noise = max(float(indices[noise_input]["ST"]), 0.0)
        smallest = max(float(ranked[-1][1]["ST"]), 0.0)
        # judged as the reader sees the figures: a noise that reads "under 1%" is small
        small = noise < 0.005 or noise < 0.5 * smallest
        text += (f" The runs' own randomness accounts for {_share_of_spread(noise)}: "
                 + ("small against these, so the ranking is not luck." if small
                    else "not small against the least of these, so more runs per experiment would sharpen "
                         "the ranking."))
    return text


def failure_sentence(label: str, share: Mapping[str, Any], boxes: Sequence[Mapping[str, Any]], note: str) -> str:
    """How often a stated failure happens over the assumed ranges, with its interval, and the main
    box of assumptions where it is most frequent (or why there is none)."""
    if share.get("share") is None:
        return f"Whether {label} cannot be told: no experiment of the design could be counted."
    text = (f"Over the assumed ranges, {label} in {share['share']:.0%} of the experiments (95% interval "
            f"{share['low']:.0%} to {share['high']:.0%}, over the sampling of experiments within these ranges "
            "only).")
    if boxes:
        text += f" {boxes[0]['sentence']}"
    elif note:
        text += f" No combination of assumptions stands out: {note}."
    return text


def scope_sentence(*, experiments: int, failed: int, runs: int, horizon_days: int, scenario: str,
                   method: str, n: int) -> str:
    """What the figures count: experiments drawn from the assumed ranges, not the real world."""
    days = "a year" if horizon_days == 365 else f"{horizon_days:,} days"
    lost = f" ({failed:,} failed and are left out)" if failed else ""
    return (f"{experiments:,} experiments{lost} of the scenario {scenario}, each simulated {runs:,} times over "
            f"{days} ({method} design, n = {n:,}). Shares count experiments drawn from the assumed ranges, not "
            "chances in the real world.")


def interval_scope_sentence() -> str:
    """What the failure share's interval covers, and what it does not."""
    return ("The interval of a failure share covers only the sampling of experiments within the ranges "
            "given; the ranges themselves are assumptions, and the robustness table shows how far the "
            "share moves when each range is halved or widened.")


def _drivers_text(drivers: Sequence[tuple[str, float]], labels: Mapping[str, str]) -> str:
    return ", ".join(f"{labels.get(name, name)} ({value:.2f})" for name, value in drivers) or "–"


def _experiments_share(share: float, low: float, high: float) -> str:
    """"62% (24% to 90%)"; an interval over about every share: "too few experiments to tell"."""
    if spans_everything(low, high):
        return f"{percent(share)} (too few experiments to tell)"
    return f"{percent(share)} ({percent(low)} to {percent(high)})"


def robustness_rows(table: Any, labels: Mapping[str, str], value_text: Any = None) -> list[dict[str, Any]]:
    """The robustness table's rows in words: the range tested, the headline share with its
    interval and change, the top three drivers (first-order index). `value_text(key, value)`
    writes a value (default: three significant digits)."""
    def value(key: str, number: float) -> str:
        if value_text:
            return value_text(key, number)
        return f"{number:,.0f}" if abs(number) >= 100 else f"{number:,.1f}" if abs(number) >= 10 else f"{number:.2f}"

    rows = []
    for row in table.to_dict("records"):
        key = row["input"]
        if key is None or (isinstance(key, float) and key != key):
            what, tested = "every range as the file gives it", "–"
        else:
            what = f"{labels.get(key, key)}, range {row['variant']}"
            tested = f"{value(key, row['low'])} to {value(key, row['high'])}"
        share = row["share"]
        rows.append({
            "ranges": what, "range tested": tested,
            "headline share": "–" if share != share else _experiments_share(share, row["share_low"], row["share_high"]),
            "change": "" if key is None or (isinstance(key, float) and key != key) or share != share
            else points(row["change"]),
            "experiments": row["experiments"],
            "top three drivers": _drivers_text(row["drivers"], labels),
        })
    return rows


def robustness_sentence(table: Any, labels: Mapping[str, str], failure_label: str) -> str:
    """Which range moves the headline share most when halved or widened, how far, and whether the
    top driver stays the same ('' without a table)."""
    if table is None or not len(table):
        return ""
    base = table.iloc[0]
    others = table.iloc[1:].dropna(subset=["share"])
    if not len(others) or base["share"] != base["share"]:
        return ""
    low, high = others["share"].min(), others["share"].max()
    moved = others.loc[others["change"].abs().idxmax()]
    top = base["drivers"][0][0] if base["drivers"] else None
    kept = sum(1 for drivers in others["drivers"] if drivers and drivers[0][0] == top)
    text = (f"How much the headline rests on its ranges: with one range halved or widened at a time, the share "
            f"of experiments where {failure_label} goes from {low:.0%} to {high:.0%} (as the file gives them: "
            f"{base['share']:.0%}); it moves most when the range of {labels.get(moved['input'], moved['input'])} "
            f"is {moved['variant']} ({moved['share']:.0%}).")
    if top is not None:
        text += (f" The first driver, {labels.get(top, top)}, stays first in {kept} of the {len(others)} "
                 "changed ranges.")
    return text


def first_shortage(briefing: Mapping[str, Any], interceptor: str) -> dict[str, Any]:
    """The first day `interceptor` runs short of a kind of threat in the median run of a depletion
    briefing (`analysis.model.briefing.depletion_briefing`, as report 05 computes its reference):
    the day, the kind and the horizon; the day is None when it does not within the horizon."""
    short = [p for p in briefing["run_out"] if p["interceptor"] == interceptor and p["median"] is not None]
    first = min(short, key=lambda p: p["median"]) if short else None
    return {"interceptor": interceptor, "median": None if first is None else float(first["median"]),
            "class": None if first is None else first["class"], "horizon": int(briefing["horizon_days"])}


def reference_sentence(reference: Mapping[str, Any] | None, interceptor: str) -> str:
    """The day the scenario as assumed first runs short, as report 05 gives it (one computation),
    said apart from the later day it runs out of every kind, which this report's tornado and
    indices count. '' without a reference."""
    if not reference:
        return ""
    label = interceptor_label(interceptor)
    if reference["median"] is None:
        return (f"The scenario as assumed: after day {reference['horizon']:,} in the median run {label} has not "
                "run short of any threat (report 05's reference, from the same runs and seed).")
    return (f"The scenario as assumed: day {reference['median']:,.0f} is the first day {label} runs short of "
            f"{class_label(reference['class'])} in the median run (report 05's reference day, from the same "
            "runs and seed); it runs out of every kind later, the day this report's tornado and indices count.")
