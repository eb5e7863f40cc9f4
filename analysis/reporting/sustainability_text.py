"""The sentences of report 05 (can the air defense keep it up?): the answer first, in plain words.

The figures come from `analysis.model` (the long run, its simulation check, the tornado) and from
`analysis.model.briefing` for each scenario, the reference computed exactly as report 04 computes
it; this module only words them, so the notebook stays thin.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.reporting.depletion_text import (
    NOT_MODELLED,
    backcast_sentence,
    cost_sentence,
    key_pair_sentence,
    opening,
    runs_words,
    scenario_sentence,
)
from analysis.reporting.sanitize import markdown_plain, markdown_text
from analysis.reporting.words import (
    class_label,
    date,
    interceptor_label,
    listed,
    parameter_label,
    parameter_value,
)
from analysis.reporting.words import per_day as per_day_words  # `per_day` names the figures below


def latest_clause(latest: Mapping[str, Any] | None, arrivals: Mapping[str, float]) -> str:
    """ " Over the record's latest three months (...) the attack was 230 drones, ... a day." or ""."""
    if not latest:
        return ""
    shown = ", ".join(f"{per_day_words(v)} {class_label(c)}"
                      for c, v in latest["arrivals_per_day"].items() if c in arrivals)
    return (f" Over the record's latest three months ({date(latest['start'])} to {date(latest['end'])}) the attack "
            f"was {shown} a day.")


def long_run_sentence(long_run: pd.DataFrame, attack: str,
                      by_deliveries: Mapping[float, float] | None = None,
                      latest: Mapping[str, Any] | None = None) -> str:
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
    arrivals = long_run.attrs.get("arrivals_per_day") or {}
    return (f"**Once the stocks are spent, today's deliveries keep up with "
            f"{long_run.attrs['defense_multiple']:.2f} times today's attack**{spread}. With every interceptor "
            f"limited by what is delivered, {label}'s deliveries fall furthest short: at the attack of "
            f"{markdown_text(attack)} "
            f"its layers fire about {row['used_per_day']:,.1f} a day against {row['delivered_per_day']:,.2f} "
            f"delivered (an assumed {row['deliveries_per_month']:,.0f} a month); keeping up would take about "
            f"{row['needed_deliveries_per_month_together']:,.0f} a month "
            f"({row['needed_deliveries_per_month_alone']:,.0f} with the other interceptors as they are)."
            + latest_clause(latest, arrivals))


#: What report 05 calls today's attack when the reference scenario names no period.
REFERENCE_ATTACK = "the reference scenario"

# the engine check's verdicts as report 05's table says them
CHECK_VERDICTS = {"agrees": "yes", "waves": "yes on the mean attack; the largest attacks empty the stock",
                  "disagrees": "no"}


def check_sentence(check: pd.DataFrame, limiting: str | None = None, period: str = "") -> str:
    """Each interceptor's long-run figure against the simulation of three years ('' without a
    check): whether it agrees for every interceptor; where the waves alone make it run short more
    or less often than the band (verdict `waves`), that the figure holds on the same mean attack
    and what the waves do to a stock of four months; where it does not agree even so. `period`: the
    months of the record whose attacks the simulation draws ("December 2025 to May 2026")."""
    note = check.attrs.get("note") if hasattr(check, "attrs") else None
    if not len(check):
        return f"The simulation check of these figures: {note}." if note else ""
    rows = check.to_dict("records")
    names = list(dict.fromkeys(row["interceptor"] for row in rows))
    verdict = {id(row): row.get("verdict") or ("agrees" if row["agrees"] else "disagrees") for row in rows}
    wrong = [row for row in rows if verdict[id(row)] == "disagrees"]
    waves = [row for row in rows if verdict[id(row)] == "waves"]
    low = min(row["factor"] for row in rows)
    high = max(row["factor"] for row in rows)
    runs_short = {(row["interceptor"], row["factor"]): row["ran_out_share"] for row in rows}
    if not wrong and not waves:
        worst_low = max(runs_short[(n, low)] for n in names if (n, low) in runs_short)
        worst_high = min(runs_short[(n, high)] for n in names if (n, high) in runs_short)
        text = (f"A simulation of three years agrees for each interceptor ({listed([interceptor_label(n) for n in names])}): "
                f"at {low:.2f} times the attack its deliveries keep up with, it ran short in at most "
                f"{worst_low:.0%} of runs; at {high:.2f} times, in at least {worst_high:.0%}.")
    elif not wrong:
        text = ("A simulation of three years agrees with each interceptor's figure on the same mean attack with "
                "launches scattered at random over the days. With the quiet days and very large attacks of the "
                f"record{f' ({period})' if period else ''}, a stock of four months' deliveries runs short "
                + listed([f"in {row['ran_out_share']:.0%} of runs for {interceptor_label(row['interceptor'])} at "
                          f"{row['factor']:.2f} times its figure ({row['without_waves_share']:.0%} scattered at random)"
                          for row in waves])
                + ": the figure is what deliveries keep up with on average, and a stock must also ride out "
                  "the largest attacks.")
    else:
        text = ("A simulation of three years does not agree for " + listed(
            [f"{interceptor_label(row['interceptor'])} (at {row['factor']:.2f} times its figure it ran short in "
             f"{row['ran_out_share']:.0%} of runs)" for row in wrong])
            + ", whether launches come as the record's attacks or scattered at random: trust the simulation "
              "rather than that figure.")
    return text + (f" {note[0].upper() + note[1:]}." if note else "")


def class_rates_sentence(rates: pd.DataFrame, focus: str | None = None) -> str:
    """Per class, the rate the deliveries keep up with while the other threats stay at today's
    ('' without rates); `focus` first (e.g. the PAC-3 MSE and ballistic missiles)."""
    if rates is None or not len(rates):
        return ""
    rows = rates.to_dict("records")
    order = list(dict.fromkeys([focus] * (focus in {r["interceptor"] for r in rows}) + [r["interceptor"] for r in rows]))
    parts, none = [], False
    for name in order:
        kept = []
        for row in (r for r in rows if r["interceptor"] == name):
            per_day = row["per_day"]
            if per_day is None or math.isinf(per_day):
                amount = "any number of"
            elif per_day == 0:
                amount, none = "no", True
            else:
                amount = per_day_words(per_day)
            kept.append(f"{amount} {class_label(row['class'])} a day (today {per_day_words(row['today_per_day'])})")
        parts.append(f"{interceptor_label(name)}, {listed(kept)}")
    text = "Per kind of threat, with the others at today's rate, the deliveries keep up with: " + "; ".join(parts) + "."
    if none:
        text += " No means the other threats alone take every delivered interceptor."
    return text


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
           by_deliveries: Mapping[float, float] | None = None, class_rates: pd.DataFrame | None = None,
           focus: str | None = None, record_end: dt.date | None = None) -> str:
    """Report 05's answer as Markdown: the scenario frame (with `record_end`, the record's last
    day: where day 1 sits), a line on the reference, then bullets: the long run and its
    check, when the reference's interceptors run short (as report 04 says it), each other
    scenario, the assumption that matters most, the cost, and what the figures are not."""
    reference = briefings[reference_name]
    lines = [long_run_sentence(long_run, attack, by_deliveries, reference.get("latest_months")),
             check_sentence(check, long_run.attrs.get("limiting"), attack if attack != REFERENCE_ATTACK else ""),
             class_rates_sentence(class_rates, focus),
             backcast_sentence(reference)]
    lines += [key_pair_sentence(reference, pair, index == 0) for index, pair in enumerate(reference["key_pairs"])]
    lines += [scenario_sentence(name, b, reference).removeprefix("- ")
              for name, b in briefings.items() if name != reference_name]
    lines += [tornado_sentence(tornado, focus_what, search_runs), cost_sentence(reference),
              f"These are consequences of the assumptions, not a forecast. {NOT_MODELLED}"]
    head = (opening(reference["start"], record_end) + "\n\n" if record_end else "") + (
        f"Reference: **{markdown_text(reference['scenario'])}**, "
        f"{runs_words(reference['runs'], reference['horizon_days'])} "
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
