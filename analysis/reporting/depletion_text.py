"""The sentences of the depletion reports (04 and 05): the answer first, in plain words.

Every sentence states the assumption with the result, gives the range over the assumption (the
stock halved and doubled) beside the range over the attack's randomness (10th-90th percentile
of runs), and dates as well as day counts. The figures come from `analysis.model.briefing`,
computed once for both reports; this module only words them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.reporting.sanitize import markdown_text
from analysis.reporting.words import (
    CLASS_LABELS,
    SCENARIO_FRAME,
    STOPPED,
    class_label,
    date,
    day_and_date,
    interceptor_label,
    is_plural,
    listed,
    money,
    over_horizon,
    per_day,
    scenario_start,
    share,
    signed,
)

NOT_MODELLED = (
    "What the model leaves out: SAMP/T, fighter aircraft and helicopters, where batteries stand and "
    "what they defend, weather, and any change of tactics the scenario does not state; every threat "
    "that gets through counts the same. Stocks, deliveries and kill probabilities are not public: "
    "the figures used are labelled assumptions, each with its source in `data/sources.yaml`."
)

def opening(start: dt.date, record_end: dt.date, built: dt.date | None = None) -> str:
    """What a scenario report says before any figure: that it is a scenario, not a forecast, and
    where its day 1 sits against the record's last day and the build date (reports 04 and 05)."""
    return f"{SCENARIO_FRAME} {scenario_start(start, record_end, built)}"


def run_length(horizon_days: int) -> str:
    """"a year" for 365 days, else "120 days": how long one simulated run lasts."""
    return "a year" if horizon_days == 365 else f"{horizon_days:,} days"


def runs_words(runs: int, horizon_days: int) -> str:
    """"2,000 simulated runs of a year", "300 simulated runs of 120 days"."""
    return f"{runs:,} simulated runs of {run_length(horizon_days)}"


def glossary(horizon_days: int) -> str:
    """The words of reports 04 and 05, for the horizon the report simulates."""
    return f"""**Words used in this report**

- *Stopped*: shot down or jammed (drones), destroyed (missiles), as the Air Force counts them in the
  record. A missile that failed to reach its target on its own was not intercepted and spent no
  interceptor: the model counts it among those that got through.
- *Runs short of* a class: the first day some of those threats that the interceptor's layer would
  have engaged went unanswered because too few interceptors were left for one more engagement
  (with a salvo that fires what is left: none were left). Deliveries go on, so the layer keeps
  firing what arrives: it does not mean none are left.
- *Run*: one simulated stretch of {run_length(horizon_days)} of attacks. The model draws thousands;
  "80% of runs" is the range from the 10th to the 90th percentile, the spread the attack's
  randomness alone gives. A day "after day {horizon_days:,}" lies beyond what was simulated.
- *Monte Carlo error* (±): how much a figure would move with another set of runs.
- *Calibration*: the share of threats each layer engages is solved so that the layers stop the
  share the record shows; the chance one interceptor destroys its target is an assumption.
- *Cost-exchange ratio*: the defense's spending divided by the attack's; below 1 the defense
  spends less than the attack costs.
"""


def day_label(pair: Mapping[str, Any]) -> str:
    """"PAC-3 MSE: day it can no longer answer every ballistic missile" (they, for a plural name)."""
    label = interceptor_label(pair["interceptor"])
    pronoun = "they" if is_plural(label) else "it"
    return f"{label}: day {pronoun} can no longer answer every {class_label(pair['class'], True)}"


def day_note(pair: Mapping[str, Any], start: dt.date, horizon_days: int) -> str:
    """The note of a run-out day in a summary: its date, how many runs run short within the
    horizon and the Monte Carlo error of the median; none for a median beyond the horizon
    (censored: "> 120" has no error to give)."""
    parts = [date(pair["median_date"])] if pair["median"] is not None else [
        f"the median run does not run short within the {horizon_days:,} days simulated"]
    parts.append(f"runs short within the horizon in {pair['share_by_horizon']:.0%} of runs")
    if pair["median"] is not None and pair.get("mcse") is not None:
        parts.append(f"Monte Carlo error ±{pair['mcse']:.1f} days")
    parts.append(f"day 1 = {date(start)}")
    return "; ".join(parts)


def alt_texts(b: Mapping[str, Any]) -> dict[str, str]:
    """What each chart of report 04 shows and its main finding, for readers who cannot see it."""
    first = b["key_pairs"][0] if b["key_pairs"] else None
    horizon = b["horizon_days"]
    if first is not None:
        label = interceptor_label(first["interceptor"])
        verb, pronoun = ("run", "they") if is_plural(label) else ("runs", "it")
        runs_short = (f"{label[0].upper() + label[1:]} {verb} short first: {pronoun} can no longer answer every "
                      f"{class_label(first['class'], True)} from about "
                      f"{day_and_date(first['median'], first['median_date'], horizon)}, in the median run.")
    else:
        runs_short = f"No interceptor runs short within the {horizon:,} days in the median run."
    rate, leak = b["interception_rate"], b["leakers_per_day"]
    fall = _fall_sentence(b).replace("**What follows.** ", "")
    return {
        "shortage": ("Chart: for each interceptor and kind of threat it answers, the share of runs still "
                     f"answering every threat, day by day from {date(b['start'])}. {runs_short}"),
        "stocks": ("Chart: interceptors in stock at the end of each day, one panel per interceptor: the "
                   f"median run, the middle half and 80% of runs, and the mean. {runs_short}"),
        "rate": ("Chart: the share of each kind of threat stopped, day by day, against the share the record "
                 f"shows. {fall}"),
        "leakers": ("Chart: threats that got through every layer, per day, each kind on its own scale. "
                    f"{over_horizon(horizon).capitalize()} about {leak['mean']:,.0f} threats a day get through "
                    f"(80% of runs: {leak['p10']:,.0f} to {leak['p90']:,.0f}); the defense stops "
                    f"{share(rate['mean'])} of what is launched."),
    }


def key_pair_sentence(b: Mapping[str, Any], pair: Mapping[str, Any], first: bool) -> str:
    """When one interceptor runs short, with the assumption, the range over the attack's randomness
    and the range over the stock (halved, doubled), in days and dates."""
    name, cls = pair["interceptor"], pair["class"]
    stock = b["interceptors"][name]
    use = stock["used_per_day"] or 0.0
    use_cls = stock["use_by_class"].get(cls, 0.0)
    horizon = b["horizon_days"]
    label = interceptor_label(name)
    verb = "run" if is_plural(label) else "runs"
    lead = f"{verb} short first" if first else f"{verb} short"
    fired = f"about {use:,.1f} are fired a day" if use < 20 else f"about {use:,.0f} are fired a day"
    fired += " with every stock in hand"
    if len(stock["use_by_class"]) > 1:
        fired += f" ({use_cls:,.1f} of them at {class_label(cls)})"
    pronoun = "they" if verb == "run" else "it"
    text = (f"**{label[0].upper() + label[1:]} {lead}.** At an assumed stock of {stock['stock']:,} with "
            f"{stock['deliveries_per_month']:,.0f} delivered a month, {fired}, so {pronoun} can no longer "
            f"answer every {class_label(cls, True)} from about "
            f"{day_and_date(pair['median'], pair['median_date'], horizon, of_scenario=True)}")
    # the range over the assumed stock first, then the range over the attack's randomness
    ranges = b["stock_range"].get(name, [])
    if len(ranges) == 2:
        low, high = ranges
        text += (f"; with half or twice the assumed stock, {day_and_date(low['median'], low['median_date'], horizon)}"
                 f" or {day_and_date(high['median'], high['median_date'], horizon)}")
    if pair.get("p10") is None:
        return text + "."
    if pair.get("p90") is not None:
        spread = (f"in 80% of runs between day {pair['p10']:,.0f} and day {pair['p90']:,.0f} "
                  f"({date(pair['p10_date'])} to {date(pair['p90_date'])})")
    else:
        spread = f"in 80% of runs from day {pair['p10']:,.0f} ({date(pair['p10_date'])}) or later than day {horizon}"
    return text + f"; at the assumed stock, {spread}."


def _fall_sentence(b: Mapping[str, Any]) -> str:
    before, after = b["rates_before_shortage"], b["rates_at_end"]
    days = next(iter(after.values()))["days"]
    parts = []
    order = sorted(after, key=lambda c: -((before.get(c) or 0) - (after[c]["rate"] or 0)))
    for cls in order:
        if before.get(cls) is None or after[cls]["rate"] is None or before[cls] - after[cls]["rate"] < 0.02:
            continue
        end = after[cls]
        parts.append(f"{class_label(cls)} {STOPPED.get(cls, 'stopped')} falls from {share(before[cls])} to "
                     f"{share(end['rate'])} (80% of runs: {share(end['p10'])}–{share(end['p90'])})")
    if not parts:
        return (f"**What follows.** Within the {b['horizon_days']} days simulated, the share of each kind "
                "of threat stopped stays within two points of the share before any stock ran short.")
    return ("**What follows.** Between the days before any stock ran short and the last "
            f"{days} days simulated, the share of " + "; the share of ".join(parts) + ".")


def cost_sentence(b: Mapping[str, Any]) -> str:
    """Spending, cost per threat stopped, the cost-exchange ratio, and why it falls if it does."""
    costs, stocked = b["costs"], b["costs_if_stocked"]
    text = (f"**Cost.** The defense spends about {money(costs['spending_per_day_usd'])} a day, "
            f"{money(costs['cost_per_kill_usd'])} per threat stopped")
    ratio = costs["cost_exchange_ratio"]
    if ratio is None:
        missing = ", ".join(class_label(c) for c in costs["missing"]) or "the attack"
        return text + f"; the attack's cost is not given for {missing}, so there is no cost-exchange ratio."
    text += (f"; the attack costs about {money(costs['attacker_per_day_usd'])} a day, a cost-exchange "
             f"ratio of {ratio:.2f}.")
    if stocked["cost_exchange_ratio"] and ratio < 0.9 * stocked["cost_exchange_ratio"]:
        text += (f" With every stock in hand it would be {stocked['cost_exchange_ratio']:.2f}: the ratio is "
                 "lower because interceptors ran out and stopped being fired, not because the defense "
                 "became cheaper; fewer threats are stopped.")
    return text


def attack_clause(b: Mapping[str, Any], period: str, record_date: str) -> str:
    arrivals = b["arrivals_per_day"]
    shown = ", ".join(f"{per_day(value)} {CLASS_LABELS.get(c, c)}"
                      for c, value in arrivals.items())
    where = f"the attack of {markdown_text(period)}" if period else "the scenario's attack"
    source = f"; record through {record_date}" if record_date else ""
    return f"At {where} (about {shown} a day{source})"


def answer_one(b: Mapping[str, Any], period: str, record_date: str) -> str:
    """Three to five quotable sentences for one scenario (report 04), as Markdown bullets."""
    lines = [f"- {attack_clause(b, period, record_date)}, starting on {date(b['start'])}:"]
    latest = attack_period_sentence(b, period)
    if latest:
        lines.append(f"- {latest}")
    for index, pair in enumerate(b["key_pairs"]):
        lines.append(f"- {key_pair_sentence(b, pair, index == 0)}")
    if not b["key_pairs"]:
        lines.append(f"- **No interceptor runs short within {b['horizon_days']} days** in the median run.")
    fall = _fall_sentence(b)
    if fall:
        lines.append(f"- {fall}")
    rate = b["interception_rate"]
    leak = b["leakers_per_day"]
    over = over_horizon(b["horizon_days"]).capitalize()
    lines.append(f"- **{over}** the defense stops {share(rate['mean'])} of what is launched "
                 f"(80% of runs: {share(rate['p10'])}–{share(rate['p90'])}) and about "
                 f"{leak['mean']:,.0f} threats a day get through. " + cost_sentence(b))
    checked = backcast_sentence(b)
    if checked:
        lines.append(f"- {checked}")
    lines.append(f"- These are consequences of the assumptions, not a forecast. {NOT_MODELLED}")
    return "\n".join(lines)


def assumptions_table(b: Mapping[str, Any]) -> pd.DataFrame:
    """What the headline rests on: each interceptor's stock, deliveries and cost, as assumed."""
    rows = []
    for name, item in b["interceptors"].items():
        rows.append({"interceptor": interceptor_label(name), "stock (assumed)": item["stock"],
                     "delivered a month (assumed)": item["deliveries_per_month"],
                     "fired a day now": item["used_per_day"], "price each": money(item["unit_cost_usd"])})
    return pd.DataFrame(rows)


def scenario_sentence(name: str, b: Mapping[str, Any], reference: Mapping[str, Any]) -> str:
    """One line per scenario of report 05: what runs short, when, against the reference."""
    if not b["key_pairs"]:
        return (f"- **{markdown_text(name)}**: no interceptor runs short within {b['horizon_days']} days in "
                "the median run.")
    pair = b["key_pairs"][0]
    label = interceptor_label(pair["interceptor"])
    text = (f"- **{markdown_text(name)}**: {label} {'run' if label.endswith('s') else 'runs'} short of "
            f"{class_label(pair['class'])} first, from about "
            f"{day_and_date(pair['median'], pair['median_date'], b['horizon_days'])}")
    deepest = b["key_pairs"][-1]
    if deepest is not pair:
        text += (f"; {interceptor_label(deepest['interceptor'])} of {class_label(deepest['class'])} from "
                 f"{day_and_date(deepest['median'], deepest['median_date'], b['horizon_days'])}")
    rate = b["interception_rate"]["mean"]
    text += f". The defense stops {share(rate)} of what is launched {over_horizon(b['horizon_days'])}"
    ratio = b["costs"]["cost_exchange_ratio"]
    if ratio is not None:
        text += f"; cost-exchange ratio {ratio:.2f}"
        stocked = b["costs_if_stocked"]["cost_exchange_ratio"]
        if stocked and ratio < 0.9 * stocked:
            text += f" (it would be {stocked:.2f} with every stock in hand: lower only because interceptors ran out)"
    return text + "."


def plain_note(note: Any) -> str:
    """A note from analysis.model in words: numbers such as "1e+06" written out; "" for none."""
    if note is None or (isinstance(note, float) and math.isnan(note)) or not str(note).strip():
        return ""
    text = re.sub(r"\d+(?:\.\d+)?e\+\d+", lambda m: f"{float(m.group()):,.0f}", str(note))
    for name, label in CLASS_LABELS.items():
        text = re.sub(rf"\b{name}\b(?! missiles)", label, text)
    return text


def production_notes(production: pd.DataFrame, target_label: str) -> str:
    """Markdown bullets: how sure each production figure is, or why it is missing."""
    lines = []
    for interceptor, row in production.iterrows():
        for key, label in (("note", target_label), ("certainty", target_label),
                           ("second_note", "second target")):
            text = plain_note(row.get(key))
            if text:
                lines.append(f"- **{interceptor_label(interceptor)}**, {label}: {text}.")
    return "\n".join(lines)


def record_date() -> tuple[dt.date, str]:
    """The date of the record snapshot the shipped scenarios' figures come from (data/sources.yaml)."""
    from analysis.model.sources import load_sources

    when = dt.date.fromisoformat(load_sources()["record"].date)
    return when, date(when)


def start_date(text: str, notebook: str, scenario: Any = None) -> dt.date:
    """Day 1 of a simulation: a date parameter (YYYY-MM-DD), or "" for the scenario's own start
    date when it gives one (its dated deliveries and changes count from it), else the day after
    the record."""
    from analysis.errors import ParameterError

    if not text.strip():
        if scenario is not None and getattr(scenario, "start_date", None) is not None:
            return scenario.start_date
        return record_date()[0] + dt.timedelta(days=1)
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ParameterError(f"{notebook}: parameter 'start_date': value {text!r}: a date YYYY-MM-DD, "
                             "or empty for the day after the record") from None


# --- consistency with the record, doctrine, time ----------------------------------------------------


def salvo_words(salvo: str, held: str, shots: int) -> str:
    """What a layer does with fewer interceptors left than one engagement of a class needs."""
    if shots == 1:
        return "–"
    if salvo == "partial":
        return "fires what is left"
    return "holds them, kept from other threats" if held == "keep" else "holds them for a full salvo"


def backcast_sentence(b: Mapping[str, Any]) -> str:
    """Whether the assumed stocks fit the record the scenario is calibrated on (the back-cast of
    each stock to the start of the calibration period), in one paragraph; "" without one."""
    cast = b.get("backcast") or {}
    rows = cast.get("interceptors") or []
    if not cast.get("period") or not rows:
        note = cast.get("note")
        return f"**Checked against the record.** No back-cast: {note}." if note else ""
    start = dt.date.fromisoformat(str(cast["period"][0]))
    parts = []
    for row in rows:
        label = interceptor_label(row["interceptor"])
        parts.append(f"{label}: {row['stock']:,} now means about {row['implied_start']:,.0f} on {date(start)} "
                     f"({row['fired']:,.0f} fired, {row['delivered']:,.0f} delivered over the period)")
    text = (f"**Checked against the record.** The layers calibrated to the record's {cast['days']} days from "
            f"{date(start)} fired what they stop; with the assumed deliveries, the assumed stocks imply at the start "
            "of that period: " + "; ".join(parts) + ".")
    problems = [row for row in rows if not row["within"]]
    if problems:
        # the model's warning names the interceptor by its key ("interceptor_drone"): the page by its name
        text += " " + " ".join(f"This does not fit: {_named(row['warning'], row['interceptor'])}." for row in problems)
    else:
        capped = [interceptor_label(row["interceptor"]) for row in rows if row.get("output_per_year") is not None]
        text += " None is negative"
        text += (f", and {listed(capped)} stay{'s' if len(capped) == 1 and not is_plural(capped[0]) else ''} within "
                 "a year of the world's output." if capped else ".")
    return text


def _named(text: str, interceptor: str) -> str:
    return str(text).replace(interceptor, interceptor_label(interceptor))


def backcast_table(b: Mapping[str, Any]) -> pd.DataFrame:
    """The back-cast of each stock as a table (empty without one)."""
    cast = b.get("backcast") or {}
    rows = [{"interceptor": interceptor_label(row["interceptor"]), "stock now (assumed)": row["stock"],
             "fired over the period": round(row["fired"]), "delivered over the period": round(row["delivered"]),
             "stock at its start": round(row["implied_start"]),
             "a year of world output": row.get("output_per_year"),
             "fits": "yes" if row["within"] else "no"} for row in cast.get("interceptors") or []]
    return pd.DataFrame(rows)


def observed_period(scenario: Any) -> str:
    """The days whose shares stopped a scenario matches, in words ("1 December 2025 to 31 May
    2026"), or the attack's period as the scenario names it; "" without either."""
    days = getattr(getattr(scenario, "calibration", None), "days", None)
    if days:
        return f"{date(days[0])} to {date(days[1])}"
    return getattr(scenario, "period", "") or ""


def target_choice_sentence(b: Mapping[str, Any], period: str = "") -> str:
    """What counting missiles that failed on their own as stopped would add to the interceptors
    fired ("" without the record's figures)."""
    rows = [row for row in b.get("target_choice") or [] if row.get("added")]
    if not rows:
        return ""
    # two decimals: the two rates differ by a few percent, which two significant figures would hide
    parts = [f"{interceptor_label(row['interceptor'])} {signed(100 * row['added'])}% ({row['fired_destroyed']:,.2f} "
             f"to {row['fired_neutralised']:,.2f} a day)" for row in rows]
    return (f"Missiles are calibrated to the share the record says were destroyed{f' ({period})' if period else ''}. "
            "Counting also those that "
            "failed to reach their target on their own, as the record's 'neutralised' does, would change what "
            "the layers fire for the same record: " + listed(parts) + ".")


def attack_period_sentence(b: Mapping[str, Any], period: str) -> str:
    """The record's latest three whole months beside today's attack (stated with its period in the
    line before): "" without the record."""
    latest = b.get("latest_months")
    arrivals = b["arrivals_per_day"]
    if not latest:
        return ""
    shown = ", ".join(f"{per_day(v)} {class_label(c)}"
                      for c, v in latest["arrivals_per_day"].items() if c in arrivals)
    what = f"the attack of {period}" if period else "the scenario's attack"
    return (f"Beside {what}: over the record's latest three months ({date(latest['start'])} to "
            f"{date(latest['end'])}) it was {shown} a day.")
