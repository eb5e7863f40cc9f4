"""Write notebooks/05-assess-sustainability.ipynb (committed without outputs) and its parameter sets.

Run from the project root: `.venv/bin/python tools/notebooks_05.py`. Edit the cells here, not in
the .ipynb, so the notebook stays reviewable as Python.
"""

from __future__ import annotations

from notebook_builder import write_notebook

NAME = "05-assess-sustainability"

PARAMETERS = '''\
scenarios = "baseline, escalation, resupply-surge, interceptor-drones"  # str: scenario files to compare, comma-separated (names in data/scenarios/ or paths); the first is the reference
runs = 1000  # int [100, 1000000]: Monte Carlo runs per simulation
seed = 20260607  # int [0, 4294967295]: random seed (same seed, same numbers)
horizon_days = 0  # int [0, 3650]: days simulated; 0 = each scenario's horizon
target_rate = 0.74  # float [0, 1]: interception rate the production must hold (74%: Gen. Syrskyi, Oct 2025)
confidence = 0.9  # float [0.5, 0.99]: share of runs that must hold it
hold_margin = 0.05  # float [0, 0.5]: second target where 74% is out of reach: today's rate while stocked, less this
focus = "pac3_mse"  # str: interceptor of the tornado and the heatmap
grid_steps = 4  # int [2, 8]: values per axis of the heatmap
record = ""  # str: record file, read only if a scenario resamples or calibrates from the record
'''

CELLS = [
    ("md", """\
# Can the air defence keep it up? Scenarios, sustainable rates, production and cost

The question a decision maker asks: at the present rate of attack, **how long can each kind of
interceptor keep up, what attack rate could today's deliveries sustain indefinitely, how many
interceptors a month would hold the interception rate, and what does it cost against what the
attack costs?** This notebook answers it for several scenarios from `data/scenarios/` with the
depletion model (`analysis.depletion`) and the sustainability analyses (`analysis.sustainability`).

**Read every number as "if these assumptions hold".** Attack rates and interception rates come
from the public record or published figures (named in each scenario file). Stocks and deliveries
are not public: the shipped figures are labelled assumptions. The last sections show which
assumptions matter most.

Run it through the runner: `python -m analysis report 05-assess-sustainability --params ci`."""),
    ("params", PARAMETERS),
    ("code", """\
from analysis.parameters import check_parameters

params = check_parameters("05-assess-sustainability", globals())"""),
    ("code", """\
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from analysis import sustainability
from analysis.depletion import simulate
from analysis.errors import ParameterError
from analysis.plots import sustainability as plots
from analysis.provenance import provenance
from analysis.scenarios import load_scenario, resolve_scenario_path
from analysis.summary import Summary
from analysis.tables import show_table

names = [name.strip() for name in scenarios.split(",") if name.strip()]
if not names:
    raise ParameterError("05-assess-sustainability: parameter 'scenarios': name at least one scenario")
files = {name: resolve_scenario_path(name) for name in names}
chosen = {}
for name, path in files.items():
    loaded = load_scenario(path)
    chosen[name] = loaded.with_overrides({"horizon_days": horizon_days}) if horizon_days else loaded
reference_name = names[0]
reference = chosen[reference_name]
if focus not in reference.interceptors:
    raise ParameterError(f"05-assess-sustainability: parameter 'focus': value {focus!r}: "
                         f"{reference_name} has {', '.join(reference.interceptors)}")
record_arg = record or None
show_table(
    pd.DataFrame([{"scenario": name, "file": files[name].name, "description": s.description,
                   "horizon (days)": s.horizon_days} for name, s in chosen.items()]),
    caption="The scenarios compared (the first is the reference)")"""),
    ("md", """\
## 1. Scenarios side by side

Each scenario is simulated with the same number of runs and the same seed. For each interceptor:
the day its stock runs out (median over runs, and the 10th to 90th percentile: in 8 runs out of 10
it runs out within that range), and the chance it runs out within the horizon. "Later" means after
the horizon in more than half the runs."""),
    ("code", """\
reports = {}
for name, scenario_ in chosen.items():
    reports[name] = simulate(scenario_, runs=runs, seed=seed, record=record_arg).summary()

depletion_rows = [
    {"scenario": name, "interceptor": interceptor, **days}
    for name, report in reports.items()
    for interceptor, days in report["days_to_depletion"].items()
]
depletion_table = pd.DataFrame(depletion_rows)
overview = pd.DataFrame([
    {"scenario": name,
     "interception rate": report["interception_rate"]["mean"],
     "rate p10": report["interception_rate"]["p10"],
     "rate p90": report["interception_rate"]["p90"],
     "leakers / day": report["leakers_per_day"]["mean"],
     "cost_per_day_usd": report["cost_per_day_usd"],
     "attacker_cost_per_day_usd": report["attacker_cost_per_day_usd"],
     "cost_exchange_ratio": report["cost_exchange_ratio"],
     "calibrated": "yes" if report["calibration"] else "no"}
    for name, report in reports.items()
])
horizon_max = max(s.horizon_days for s in chosen.values())
display(show_table(
    depletion_table.pivot(index="interceptor", columns="scenario", values="median")[names]
    .rename(index=plots.interceptor_label),
    decimals=dict.fromkeys(names, 0),
    caption=f"Median day each interceptor runs out, by scenario (–: later than the {horizon_max}-day horizon)"))
display(show_table(
    overview.assign(**{column: overview[column].map(plots.format_money)
                       for column in ("cost_per_day_usd", "attacker_cost_per_day_usd")}),
    percent=["interception rate", "rate p10", "rate p90"],
    intervals={"range over runs (10th–90th percentile)": ("rate p10", "rate p90")},
    decimals={"leakers / day": 0, "cost_exchange_ratio": 2},
    rename={"interception rate": "share of threats stopped", "leakers / day": "threats getting through a day",
            "cost_per_day_usd": "defence spending a day", "attacker_cost_per_day_usd": "attack spending a day",
            "cost_exchange_ratio": "defence $ per attack $", "calibrated": "rates calibrated to the record"},
    caption="Over the whole horizon, mean over runs"))
fig_scenarios = plots.depletion_by_scenario(depletion_table, horizon_max)"""),
    ("code", """\
first_out = {}
for name, report in reports.items():
    days = {k: v["median"] for k, v in report["days_to_depletion"].items() if v["median"] is not None}
    first_out[name] = min(days.items(), key=lambda item: item[1]) if days else None
Markdown(plots.depletion_sentences(names, reports, first_out))"""),
    ("md", """\
## 2. What attack rate can today's deliveries sustain?

A layer's **sustainable rate** is the arrival rate (of the classes it engages, in today's mix) at
which its interceptors are used as fast as they are delivered: above it the stock drains, below it
the stock grows. It follows in closed form from the layered formula: an arriving threat reaches a
layer if every earlier layer let it through, is engaged with the layer's engagement probability
and costs `shots` interceptors. "x0.5 of today" means deliveries keep up with half of today's
attack rate. Layers without interceptors (electronic warfare, mobile fire groups) have no stock to
run out of and are not listed."""),
    ("code", """\
rate_tables = {}
for name, scenario_ in chosen.items():
    rate_tables[name] = sustainability.sustainable_rates(
        sustainability.calibrated(scenario_, record_arg),
        arrivals_per_day=reports[name]["arrivals_per_day"])
multiples = pd.DataFrame({name: table.set_index("layer")["sustainable_multiple"]
                          for name, table in rate_tables.items()})
display(show_table(
    rate_tables[reference_name].assign(layer=lambda t: t["layer"].map(plots.layer_label),
                                       interceptor=lambda t: t["interceptor"].map(plots.interceptor_label),
                                       classes=lambda t: t["classes"].map(plots.classes_label)),
    decimals={"arrivals_per_day": 1, "use_per_day": 1, "deliveries_per_day": 1, "sustainable_multiple": 2,
              "sustainable_rate_per_day": 1, "net_drain_per_day": 1},
    rename={"classes": "engages", "arrivals_per_day": "threats arriving a day",
            "use_per_day": "interceptors used a day", "deliveries_per_day": "interceptors delivered a day",
            "sustainable_multiple": "sustainable multiple of today's attack",
            "sustainable_rate_per_day": "sustainable threats a day",
            "net_drain_per_day": "stock drawn down a day"},
    caption=f"{reference_name}: what each layer's deliveries can keep up with (∞: any rate, limited by "
            "firing capacity)"))
display(show_table(
    multiples.rename(index=plots.layer_label).rename_axis(index="layer"),
    decimals=dict.fromkeys(multiples.columns, 2),
    caption="Sustainable multiple of today's attack rate, by scenario (below 1: the stock drains)"))
fig_rates = plots.sustainable_rates_chart(rate_tables[reference_name])"""),
    ("md", """\
## 3. What production would hold the interception rate?

For each interceptor of the reference scenario: the fewest deliveries a month at which the
interception rate of the classes it defends against, over the whole horizon, reaches the target
in at least the chosen share of runs. The search simulates each candidate figure with the same
random numbers, so candidates differ only by deliveries (each with a quarter of the runs, as in
the tornado and the heatmap below). Other interceptors keep their scenario
deliveries. Where no production can reach the target, because the layers stop less than that even
with full stocks, the second column asks for today's rate while stocked, less a margin."""),
    ("code", """\
# searches and one-at-a-time variants run many simulations: a quarter of the runs each
search_runs = max(100, runs // 4)
calibrated_reference = sustainability.calibrated(reference, record_arg)
production_rows = []
for interceptor in reference.interceptors:
    classes = sustainability.interceptor_classes(calibrated_reference, interceptor)
    if not classes:
        continue
    found = sustainability.required_production(
        reference, interceptor, target=target_rate, confidence=confidence, runs=search_runs,
        seed=seed, record=record_arg)
    row = {"interceptor": interceptor, "defends against": ", ".join(classes),
           "deliveries / month now": found.current_deliveries_per_month,
           "share of runs holding now": found.current_probability,
           f"needed for {target_rate:.0%}": found.deliveries_per_month,
           "share holding at that figure": found.probability, "note": found.note}
    fallback = None
    if not found.reachable and reference.threats is not None:
        today = sustainability.stocked_rate(calibrated_reference, classes)
        fallback = sustainability.required_production(
            reference, interceptor, target=max(0.0, today - hold_margin), confidence=confidence,
            runs=search_runs, seed=seed, record=record_arg)
        row["second target"] = fallback.target
        row["needed for second target"] = fallback.deliveries_per_month
        row["second note"] = fallback.note
    production_rows.append(row)
production = pd.DataFrame(production_rows).set_index("interceptor")
shown_production = production.rename(index=plots.interceptor_label).rename_axis(index="interceptor")
shown_production["defends against"] = shown_production["defends against"].map(plots.classes_label)
display(show_table(
    shown_production,
    columns=[c for c in ["interceptor", "defends against", "deliveries / month now", "share of runs holding now",
                         f"needed for {target_rate:.0%}", "share holding at that figure", "second target",
                         "needed for second target"] if c in shown_production.reset_index().columns],
    percent=[c for c in ["share of runs holding now", "share holding at that figure", "second target"]
             if c in shown_production.columns],
    counts=[c for c in ["deliveries / month now", f"needed for {target_rate:.0%}", "needed for second target"]
            if c in shown_production.columns],
    rename={"deliveries / month now": "deliveries a month now",
            "share of runs holding now": f"share of runs holding {target_rate:.0%} now",
            f"needed for {target_rate:.0%}": f"deliveries a month needed for {target_rate:.0%}",
            "share holding at that figure": "share of runs holding it then",
            "second target": "second target (today's rate while stocked, less the margin)",
            "needed for second target": "deliveries a month needed for the second target"},
    caption=f"{reference_name}: production needed in {confidence:.0%} of runs (–: no production reaches the "
            f"target, see the notes below; no second target where {target_rate:.0%} is reachable)"))
Markdown(plots.production_notes(production, f"target {target_rate:.0%}"))"""),
    ("md", """\
## 4. Cost exchange

Defender spending counts interceptors when fired; attacker spending counts every munition
launched, at the published unit costs named in each scenario file. A **cost-exchange ratio** above
1 means the defence spends more than the attack. It says nothing of the value of what is
defended: a cheap drone that hits a power plant costs far more than its price."""),
    ("code", """\
fig_cost = plots.cost_exchange_chart(overview)
Markdown(plots.cost_sentences(overview))"""),
    ("md", """\
## 5. Which assumptions matter most? (tornado)

One parameter at a time at the low and high end of its range (the range and where it comes from
are in the table), everything else as in the reference scenario, calibrated engagement
probabilities held. The bar shows how far the median day the focus interceptor runs out moves.
The longest bars are the assumptions worth pinning down first."""),
    ("code", """\
ranges = sustainability.default_ranges(calibrated_reference, focus)
tornado = sustainability.tornado(reference, focus, ranges, runs=search_runs, seed=seed, record=record_arg)
display(show_table(
    pd.DataFrame({
        "assumption": tornado["parameter"].map(plots.parameter_label),
        "today": [plots.parameter_value(k, v) for k, v in zip(tornado["parameter"], tornado["base_value"], strict=True)],
        "range tested": [f"{plots.parameter_value(k, lo)}–{plots.parameter_value(k, hi)}"
                         for k, lo, hi in zip(tornado["parameter"], tornado["low"], tornado["high"], strict=True)],
        "median day at low": tornado["days_at_low"], "median day at high": tornado["days_at_high"],
        "swing (days)": tornado["swing"], "where the range comes from": tornado["source"]}),
    decimals={"median day at low": 0, "median day at high": 0, "swing (days)": 0},
    caption=f"What moves the day {plots.interceptor_label(focus)} run out (days capped at the "
            f"{calibrated_reference.horizon_days}-day horizon), largest effect first"))
fig_tornado = plots.tornado_chart(tornado, focus, calibrated_reference.horizon_days)"""),
    ("md", """\
## 6. Attack intensity against deliveries (heatmap)

The median day the focus interceptor runs out over a grid of the attack rate of the class it
spends most interceptors on and its deliveries a month, computed as a sweep (`analysis.sweep`, the same
machinery as `python -m analysis sweep`, each point with its own seed derived from its values).
Cells marked ">" last beyond the horizon in the median run."""),
    ("code", """\
# the class that uses most of the focus interceptor today
use = sustainability.expected_use(calibrated_reference, reports[reference_name]["arrivals_per_day"])
main_class = use[use["interceptor"] == focus].groupby("class")["use_per_day"].sum().idxmax()
deliveries_now = reference.interceptors[focus].deliveries_per_month
intensity_key = f"threats.{main_class}.per_day"
deliveries_key = f"interceptors.{focus}.deliveries_per_month"
if reference.threats is None:
    raise ParameterError("05-assess-sustainability: the heatmap needs a reference scenario with per_day rates")
intensities = [round(reference.threats[main_class].per_day * f, 2) for f in np.linspace(0.5, 2.0, grid_steps)]
deliveries = sorted({round(max(deliveries_now, 1.0) * f) for f in np.geomspace(0.5, 4.0, grid_steps)})
heat = sustainability.depletion_grid(
    reference, intensity_key, intensities, deliveries_key, deliveries, runs=search_runs,
    scheduler="local", record=record_arg)
failed = heat[heat["status"] != "ok"]
if len(failed):
    display(show_table(failed[[intensity_key, deliveries_key, "error"]],
                       rename={intensity_key: plots.parameter_label(intensity_key),
                               deliveries_key: plots.parameter_label(deliveries_key)},
                       caption="Grid points that failed"))
fig_heat = plots.depletion_heatmap(
    heat, deliveries_key, intensity_key, f"days_to_depletion.{focus}.median",
    calibrated_reference.horizon_days,
    title=f"Median day the {plots.interceptor_label(focus)} stock runs out\\n"
          f"by {plots.class_label(main_class)} a day and deliveries a month")"""),
    ("md", """\
## What this means

- The interceptor that runs out first sets the pace: once it is gone, the threats it stopped pass
  to layers that stop fewer of them, and the interception rate of that class falls.
- A sustainable multiple below 1 means today's deliveries cannot keep up with today's attack rate
  at today's engagement rates: the stock is drawn down and the only questions are how fast and
  what replaces it.
- Production figures assume the other interceptors keep their scenario deliveries and that
  engagement and kill probabilities stay as calibrated; a shortfall elsewhere raises them.
- The tornado shows how much of this rests on unpublished figures (stocks, deliveries, kill
  probabilities): treat the days as orders of magnitude, and the comparisons between scenarios as
  the robust part.

## Summary"""),
    ("code", """\
summary = Summary("Sustainability of the air defence: " + ", ".join(names))
horizon_ref = reference.horizon_days
for interceptor, days in reports[reference_name]["days_to_depletion"].items():
    share_out = f"runs out within the horizon in {days['prob_by_horizon']:.0%} of runs"
    name = f"{reference_name}: days until {interceptor} runs out (median)"
    if days["median"] is None:
        summary.add(name, f"later than day {horizon_ref}", unit="days", note=share_out)
    elif days["p90"] is None:
        summary.add(name, days["median"], unit="days",
                    note=f"{share_out}; 10th percentile day {days['p10']:g}, 90th later than the horizon")
    else:
        summary.add(name, days["median"], days["p10"], days["p90"], unit="days",
                    interval="10th-90th percentile of runs", note=share_out)
rate = reports[reference_name]["interception_rate"]
summary.add(f"{reference_name}: interception rate over the horizon", rate["mean"], rate["p10"], rate["p90"],
            unit="share", interval="10th-90th percentile of runs", note="all classes, kills / arrivals")
for row in rate_tables[reference_name].to_dict("records"):
    multiple = row["sustainable_multiple"]
    summary.add(f"{reference_name}: sustainable multiple of today's attack rate, {row['layer']}",
                "any rate (capacity-limited)" if np.isinf(multiple) else multiple,
                unit="x today", note="closed form, layered formula, calibrated engagement probabilities")
for interceptor, row in production.iterrows():
    needed = row[f"needed for {target_rate:.0%}"]
    summary.add(f"{reference_name}: {interceptor} deliveries a month needed for {target_rate:.0%}",
                "not reachable" if pd.isna(needed) else needed, unit="per month",
                note=f"in {confidence:.0%} of runs; " + (row["note"] or "search over deliveries, common random numbers"))
for row in overview.to_dict("records"):
    summary.add(f"{row['scenario']}: cost-exchange ratio", row["cost_exchange_ratio"],
                unit="defender / attacker", note="totals over all runs")
top = tornado.iloc[0]
summary.add(f"largest driver of the day {focus} runs out", top["parameter"],
            note=f"moves the median day from {top['days_at_low']:g} to {top['days_at_high']:g}")
summary.provenance = provenance(params, {f"scenario {name}": path for name, path in files.items()})
summary.extra = {"scenarios": reports, "production": production.reset_index().to_dict("records"),
                 "tornado": tornado.to_dict("records")}
summary.set_main_figure(fig_heat)
summary"""),
]


if __name__ == "__main__":
    write_notebook(
        NAME, CELLS, needs_record=False,
        parameter_sets_yaml=(
            "default: {}\n"
            "# the interceptor drones instead of Patriot in the tornado and the heatmap\n"
            "drones:\n  focus: interceptor_drone\n"
            "# small and quick, for tests\n"
            "ci:\n  scenarios: baseline, escalation\n  runs: 100\n  horizon_days: 90\n  grid_steps: 2\n"
        ),
    )
