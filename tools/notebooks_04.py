"""Write notebooks/04-model-interceptor-depletion.ipynb (committed without outputs) and its parameter sets.

Run from the project root: `.venv/bin/python tools/notebooks_04.py`. Edit the cells here, not in
the .ipynb, so the notebook stays reviewable as Python.
"""

from __future__ import annotations

from notebook_builder import write_notebook

NAME = "04-model-interceptor-depletion"

PARAMETERS = '''\
scenario = "baseline"  # str: scenario file, a name in data/scenarios/ (baseline, escalation, ...) or a path
runs = 5000  # int [100, 1000000]: Monte Carlo runs
seed = 20260607  # int [0, 4294967295]: random seed (same seed, same numbers)
horizon_days = 0  # int [0, 3650]: days simulated; 0 = the scenario's horizon
record = ""  # str: record file, read only if the scenario resamples or calibrates from the record
'''

CELLS = [
    ("md", """\
# How long do the interceptors last? One scenario in depth

At a given rate of attack, how long can the air defence keep its interception rate, which
interceptor runs out first, and what does it cost? This notebook runs the depletion model
(`analysis.depletion`) on one scenario from `data/scenarios/`: every day of every run, threats
arrive, each defensive layer in turn engages what it can while its stock and daily capacity last,
and deliveries top the stocks up. The model's rules and limits are in the module docstring of
`analysis/depletion.py` and in the README.

**Stocks are not public.** The stocks and deliveries of the shipped scenarios are labelled
assumptions; threat rates and interception rates come from the record or published figures, each
named in the scenario file. Read the results as "what follows if these assumptions hold".

Run it as it is, or through the runner: `python -m analysis report 04-model-interceptor-depletion
--params ci`."""),
    ("params", PARAMETERS),
    ("code", """\
from analysis.parameters import check_parameters

params = check_parameters("04-model-interceptor-depletion", globals())"""),
    ("md", """\
## The scenario

Threats per day by class, the interceptors, and the layers in the order they engage. Where the
scenario asks for calibration, the engagement probabilities are solved so that the layered
formula reproduces the target interception rate per class while stocks last."""),
    ("code", """\
import pandas as pd
from IPython.display import display

from analysis.depletion import simulate
from analysis.plots import depletion as plots
from analysis.provenance import provenance
from analysis.scenarios import load_scenario, resolve_scenario_path
from analysis.summary import Summary
from analysis.tables import show_table

scenario_file = resolve_scenario_path(scenario)
chosen = load_scenario(scenario_file)
if horizon_days:
    chosen = chosen.with_overrides({"horizon_days": horizon_days})
print(f"{chosen.name}: {chosen.description}")
if chosen.threats is not None:
    display(show_table(pd.DataFrame(
        [{"class": t.name, "per day": t.per_day, "dispersion (variance/mean)": t.dispersion,
          "attacker cost (USD)": chosen.attacker_costs_usd[t.name]} for t in chosen.threats.values()]
    ).set_index("class"), counts=["attacker cost (USD)"], decimals={"per day": 1, "dispersion (variance/mean)": 1},
        caption="Threats: mean arrivals per day and cost per munition"))
else:
    rt = chosen.record_threats
    print(f"threats: whole days of the record's {rt.command} waves {rt.start} to {rt.end}, x{rt.scale}")
display(show_table(pd.DataFrame(
    [{"interceptor": i.name, "stock": i.stock, "deliveries / month": i.deliveries_per_month,
      "unit cost (USD)": i.unit_cost_usd} for i in chosen.interceptors.values()]
).set_index("interceptor"), counts=["stock", "deliveries / month", "unit cost (USD)"],
    caption="Interceptors: starting stock, deliveries and unit cost (assumptions)"))
display(show_table(pd.DataFrame(
    [{"layer": layer.name, "interceptor": layer.interceptor or "none", "class": cls,
      "shots": e.shots, "pk per shot": e.pk, "kill prob. per engagement": round(e.kill_probability, 3),
      "engage prob. (before calibration)": layer.engage_probability[cls],
      "capacity / day": layer.capacity_per_day}
     for layer in chosen.layers for cls, e in layer.engages.items()]
).set_index(["layer", "class"]), counts=["shots", "capacity / day"],
    percent=["pk per shot", "kill prob. per engagement", "engage prob. (before calibration)"],
    caption="Defensive layers in the order they engage (capacity – : no daily limit)"))"""),
    ("md", """\
## Simulation

The runs share nothing but the scenario: each draws its own arrivals, engagements and kills. The
bands below come from the first 2,000 runs, every mean and every figure of the summary from all
runs."""),
    ("code", """\
result = simulate(chosen, runs=runs, seed=seed, record=record or None)
report = result.summary()
calibration = report["calibration"]
if calibration:
    print(f"calibration applied ({calibration['method']}; targets: {calibration['target_source']})")
    display(show_table(
        pd.DataFrame(calibration["classes"]).T.infer_objects().rename_axis("class"),
        columns=["class", "target", "engage_probability", "reachable", "formula_rate", "simulated_while_stocked"],
        percent=["target", "engage_probability", "formula_rate", "simulated_while_stocked"],
        rename={"target": "target rate", "engage_probability": "engage probability (solved)",
                "formula_rate": "formula rate", "simulated_while_stocked": "simulated rate, while stocked"},
        caption="Calibration: engagement probabilities solved to reach the target interception rates"))
else:
    print("no calibration: engagement probabilities as in the scenario file")"""),
    ("md", """\
The *formula rate* is what the layered leak formula gives with the solved engagement
probabilities; the *simulated* rate counts only days before any interceptor runs out. They differ
where a layer's daily capacity binds on big nights, which the formula ignores.

## Stocks over time

End-of-day stock of each interceptor: median, the middle half and 80% of runs, and the mean."""),
    ("code", """\
fig_stocks = plots.stock_fan_chart(result)"""),
    ("md", """\
## When does each stock run out?

The share of runs in which an interceptor has not yet run out ("depleted": its stock can no longer
fund one engagement). Deliveries may lift a stock again afterwards; the curve counts the first
time it runs out."""),
    ("code", """\
fig_survival = plots.survival_curves(result)
display(show_table(
    pd.DataFrame(report["days_to_depletion"]).T.rename_axis("interceptor"),
    columns=["interceptor", "median", "10th-90th percentile", "mean", "prob_by_horizon", "censored_share"],
    intervals={"10th-90th percentile": ("p10", "p90")}, decimals={"median": 0, "p10": 0, "p90": 0, "mean": 0},
    percent=["prob_by_horizon", "censored_share"],
    rename={"median": "median days", "mean": "mean days", "prob_by_horizon": f"runs out within {chosen.horizon_days} days",
            "censored_share": "runs never out"},
    caption="Days until each interceptor first runs out (– or 'or more': later than the horizon)"))"""),
    ("md", """\
## Interception rate as stocks fall

Kills over arrivals per day. When the missile interceptors run out, cruise and ballistic missiles
pass to layers that cannot stop them, and their rate falls; drones depend on the cheaper layers."""),
    ("code", """\
target_rate = None
if calibration:
    targets = [c["target"] for c in calibration["classes"].values()]
    target_rate = None if len(set(targets)) > 1 else targets[0]
fig_rate = plots.interception_rate_over_time(result, target=target_rate)
display(show_table(
    pd.DataFrame(report["interception_rate_by_class"]).T.rename_axis("class"), percent=["mean", "p10", "p90"],
    intervals={"10th-90th percentile of runs": ("p10", "p90")}, rename={"mean": "mean share intercepted"},
    caption="Interception rate over the horizon by class (kills / arrivals)"))"""),
    ("md", """\
## Leakers

Threats that got through every layer, per day, by class (mean over runs)."""),
    ("code", """\
fig_leakers = plots.leakers_over_time(result)
print(f"leakers per day: mean {report['leakers_per_day']['mean']:.1f} "
      f"(10-90% of runs {report['leakers_per_day']['p10']:.1f} to {report['leakers_per_day']['p90']:.1f})")"""),
    ("md", """\
## Cost

Defender spending counts interceptors when fired (and the cost per engagement of layers without
interceptors); attacker spending counts every munition launched. The cost-exchange ratio is the
defender's spending divided by the attacker's: below 1, the defence spends less than the attack."""),
    ("code", """\
print(f"defender spending per day: ${report['cost_per_day_usd'] / 1e6:,.1f}M; "
      f"attacker: ${report['attacker_cost_per_day_usd'] / 1e6:,.1f}M")
print(f"cost per kill: ${report['cost_per_kill_usd']:,.0f}; "
      f"cost-exchange ratio: {report['cost_exchange_ratio']:.2f}")"""),
    ("md", "## Summary"),
    ("code", """\
summary = Summary(f"Interceptor depletion: {chosen.name}")
for name, days in report["days_to_depletion"].items():
    beyond_horizon = days["median"] is None
    summary.add(f"days until {name} runs out (median)",
                chosen.horizon_days if beyond_horizon else days["median"], days["p10"], days["p90"],
                qualifier=">" if beyond_horizon else "",
                unit="days", interval="10th-90th percentile of runs",
                note=f"runs out within {chosen.horizon_days} days in {days['prob_by_horizon']:.0%} "
                     "of runs; a missing bound is later than the horizon")
rate = report["interception_rate"]
summary.add("interception rate over the horizon", rate["mean"], rate["p10"], rate["p90"],
            unit="share", interval="10th-90th percentile of runs", note="all classes, kills / arrivals")
summary.add("leakers per day", report["leakers_per_day"]["mean"], report["leakers_per_day"]["p10"],
            report["leakers_per_day"]["p90"], unit="threats/day", interval="10th-90th percentile of runs")
summary.add("defender spending per day", report["cost_per_day_usd"], unit="USD")
summary.add("cost-exchange ratio", report["cost_exchange_ratio"], unit="defender / attacker",
            note="totals over all runs")
summary.add("calibration applied", "yes" if calibration else "no",
            note=calibration["target_source"] if calibration else "")
summary.provenance = provenance(params, {"scenario": scenario_file})
summary.extra = {"simulation": report}
summary.set_main_figure(fig_stocks)
summary"""),
]


if __name__ == "__main__":
    write_notebook(
        NAME, CELLS, needs_record=False,
        parameter_sets_yaml=(
            "default: {}\n"
            "escalation:\n  scenario: escalation\n"
            "# small and quick, for tests\n"
            "ci:\n  runs: 300\n  horizon_days: 120\n"
        ),
    )
