"""The sentences of report 05 (can the air defense keep it up?): the answer first, in plain words.

The figures come from `analysis.model` (the long run, its simulation check, the tornado) and from
`analysis.model.briefing` for each scenario, the reference computed exactly as report 04 computes
it; this module only words them, so the notebook stays thin.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.reporting.depletion_text import (
    NOT_MODELLED,
    cost_sentence,
    key_pair_sentence,
    runs_words,
    scenario_sentence,
)
from analysis.reporting.sanitize import markdown_plain, markdown_text
from analysis.reporting.words import (
    class_label,
    date,
    interceptor_label,
    parameter_label,
    parameter_value,
)


def long_run_sentence(long_run: pd.DataFrame, attack: str,
                      by_deliveries: Mapping[float, float] | None = None) -> str:
    """What today's deliveries keep up with once the stocks are spent, and whose deliveries fall
    furthest short ('' when none does). `attack` names today's attack ("December 2025 to May
    2026"); `by_deliveries`: the defense's multiple at other multiples of that interceptor's
    assumed deliveries (`sustainability.defense_multiple_by_deliveries`)."""
    limiting = long_run.attrs.get("limiting")
    if not limiting:
        return ("**Once the stocks are spent, today's deliveries keep up with any attack of today's mix**: no "
                "interceptor fires more than is delivered.")
    row = long_run.set_index("interceptor").loc[limiting]
    label = interceptor_label(limiting)
    spread = ""
    if by_deliveries:
        shown = " or ".join(f"{'any attack' if math.isinf(m) else f'{m:.2f}'} with "
                            f"{'half' if f == 0.5 else 'twice' if f == 2 else f'{f:g} times'} as many"
                            for f, m in sorted(by_deliveries.items()))
        spread = f" (the {label} deliveries are assumed: {shown})"
    return (f"**Once the stocks are spent, today's deliveries keep up with "
            f"{long_run.attrs['defense_multiple']:.2f} times today's attack**{spread}. With every interceptor "
            f"limited by what is delivered, {label}'s deliveries fall furthest short: at the attack of "
            f"{markdown_text(attack)} "
            f"its layers fire about {row['used_per_day']:,.1f} a day against {row['delivered_per_day']:,.2f} "
            f"delivered (an assumed {row['deliveries_per_month']:,.0f} a month); keeping up would take about "
            f"{row['needed_deliveries_per_month_together']:,.0f} a month "
            f"({row['needed_deliveries_per_month_alone']:,.0f} with the other interceptors as they are).")


def check_sentence(check: pd.DataFrame, limiting: str | None) -> str:
    """The long-run figure against the simulation of three years ('' without a check)."""
    if len(check) == 2 and limiting:
        low, high = check.to_dict("records")
        verdict = ("agrees" if low["agrees"] and high["agrees"]
                   else "does not agree, so trust the simulation rather than this figure")
        return (f"A simulation of three years {verdict}: at {low['factor']:.2f} times the attack the deliveries "
                f"keep up with, {interceptor_label(limiting)} ran short in {low['ran_out_share']:.0%} of runs; at "
                f"{high['factor']:.2f} times, in {high['ran_out_share']:.0%}.")
    note = check.attrs.get("note") if hasattr(check, "attrs") else None
    return f"The simulation check of this figure: {note}." if note else ""


def reference_day(briefing: Mapping[str, Any], interceptor: str, cls: str | None) -> float | None:
    """The median day `interceptor` runs short of `cls` (or of any class it answers, the earliest)
    in the briefing: the figure report 04 gives for the same scenario."""
    days = [p["median"] for p in briefing["run_out"]
            if p["interceptor"] == interceptor and (cls is None or p["class"] == cls) and p["median"] is not None]
    return min(days) if days else None


def with_reference_figures(tornado: pd.DataFrame, briefing: Mapping[str, Any], interceptor: str,
                           cls: str | None) -> pd.DataFrame:
    """The tornado with the figures report 04 and the answer already give, from their runs, in
    place of the tornado's own fewer runs (the two differ by Monte Carlo error only): its base (the
    scenario as assumed) at the reference day, and, where its stock range is the briefing's half
    and twice the stock of the same interceptor and class, those two days. One figure, one value."""
    day = reference_day(briefing, interceptor, cls)
    if day is None or not len(tornado):
        return tornado
    out = tornado.assign(base_days=float(day))
    pair = next((p for p in briefing["key_pairs"] if p["interceptor"] == interceptor), None)
    ranges = briefing["stock_range"].get(interceptor, [])
    if pair is None or (cls is not None and pair["class"] != cls) or len(ranges) != 2:
        return out
    low, high = ranges
    row = out["parameter"] == f"interceptors.{interceptor}.stock"
    matches = row & (out["low"] == low["stock"]) & (out["high"] == high["stock"])
    if matches.any():
        horizon = float(briefing["horizon_days"])  # beyond it: capped there, as the tornado caps
        days = [horizon if r["median"] is None else float(r["median"]) for r in (low, high)]
        out.loc[matches, "days_at_low"], out.loc[matches, "days_at_high"] = days
        out.loc[matches, "swing"] = abs(days[1] - days[0])
        out.loc[matches, "runs_at_ends"] = low["runs"]
        if "capped" in out:
            out.loc[matches, "capped"] = out.loc[matches, "capped"] | any(r["median"] is None for r in (low, high))
        out = out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    return out


def tornado_sentence(tornado: pd.DataFrame, what: str, search_runs: int) -> str:
    """Which assumption moves the day most, over its range ('' without a tornado)."""
    if not len(tornado):
        return ""
    top = tornado.iloc[0]
    key = top["parameter"]
    runs = int(top["runs_at_ends"]) if pd.notna(top.get("runs_at_ends")) else search_runs
    return (f"Of the assumptions tested, **{parameter_label(key)}** moves the day {what} most: from day "
            f"{top['days_at_low']:,.0f} to day {top['days_at_high']:,.0f} over "
            f"{parameter_value(key, top['low'])}–{parameter_value(key, top['high'])} (as assumed: day "
            f"{top['base_days']:,.0f}; the ends from {runs:,} runs each).")


def answer(*, long_run: pd.DataFrame, check: pd.DataFrame, reference_name: str,
           briefings: Mapping[str, Mapping[str, Any]], attack: str, record_text: str,
           tornado: pd.DataFrame, focus_what: str, search_runs: int,
           by_deliveries: Mapping[float, float] | None = None) -> str:
    """Report 05's answer as Markdown: a line on the reference, then bullets: the long run and its
    check, when the reference's interceptors run short (as report 04 says it), each other
    scenario, the assumption that matters most, the cost, and what the figures are not."""
    reference = briefings[reference_name]
    lines = [long_run_sentence(long_run, attack, by_deliveries), check_sentence(check, long_run.attrs.get("limiting"))]
    lines += [key_pair_sentence(reference, pair, index == 0) for index, pair in enumerate(reference["key_pairs"])]
    lines += [scenario_sentence(name, b, reference).removeprefix("- ")
              for name, b in briefings.items() if name != reference_name]
    lines += [tornado_sentence(tornado, focus_what, search_runs), cost_sentence(reference),
              f"These are consequences of the assumptions, not a forecast. {NOT_MODELLED}"]
    head = (f"Reference: **{markdown_text(reference['scenario'])}**, {runs_words(reference['runs'], reference['horizon_days'])} "
            f"from {date(reference['start'])}; record through {record_text}.")
    return head + "\n\n" + "\n".join(f"- {line}" for line in lines if line)


def scenarios_alt(table: pd.DataFrame) -> str:
    """Alt text of the chart of run-out days by scenario (`table`: scenario, interceptor, class,
    median), with the soonest shortage."""
    text = ("Chart: for each scenario, interceptor and kind of threat, the median day it can no longer "
            "answer every threat, with the range of 80% of runs.")
    short = table.dropna(subset=["median"])
    if len(short):
        row = short.loc[short["median"].astype(float).idxmin()]
        text += (f" Soonest: {row['scenario']}, where {interceptor_label(row['interceptor'])} can no longer "
                 f"answer every {class_label(row['class'], True)} from about day {float(row['median']):,.0f}.")
    return text


def rates_alt(long_run: pd.DataFrame, attack: str) -> str:
    """Alt text of the chart of interceptors fired against delivered."""
    return ("Chart: per interceptor, the interceptors fired a day at today's attack against those delivered "
            "a day (log scale). " + _plain(long_run_sentence(long_run, attack)))


def cost_alt(reference: Mapping[str, Any]) -> str:
    """Alt text of the chart of spending by scenario, with the reference's cost sentence."""
    return ("Chart: per scenario, what the defense and the attack spend a day, with the cost-exchange "
            "ratio. " + _plain(cost_sentence(reference)).removeprefix("Cost. "))


def tornado_alt(tornado: pd.DataFrame, what: str, search_runs: int) -> str:
    """Alt text of the tornado chart, with the assumption that moves the day most."""
    return ("Chart: one assumption at a time at the low and high end of its range, the median day "
            f"{what}. " + _plain(tornado_sentence(tornado, what, search_runs)))


def heat_alt(heat: pd.DataFrame, value: str, what: str, horizon_days: int) -> str:
    """Alt text of the heatmap (`heat`: the sweep, `value` its column of days), with its range."""
    text = f"Chart: the median day {what}, over attacks a day and deliveries a month."
    days = pd.to_numeric(heat[value], errors="coerce") if value in heat else pd.Series(dtype=float)
    if days.notna().any():
        latest = f"day {days.max():,.0f}" if days.notna().all() else f"after day {horizon_days:,}"
        text += (f" Over the grid it goes from day {days.min():,.0f} "
                 f"to {latest}.")
    return text


def _plain(text: str) -> str:
    return markdown_plain(text)
