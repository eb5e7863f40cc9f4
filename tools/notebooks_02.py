"""Write notebooks/02-estimate-interception-rates.ipynb (committed without outputs) and its parameter sets.

Run from the project root: `.venv/bin/python tools/notebooks_02.py`. Edit the cells here, not in
the .ipynb, so the notebook stays reviewable as Python.
"""

from __future__ import annotations

from notebook_builder import write_notebook

NAME = "02-estimate-interception-rates"

# No "=" inside the comments: papermill reads any second "=" on a line as a parse failure.
PARAMETERS = '''\
record = ""  # str: record file; empty: $AIRDEF_RECORD, then the fetched copy in data/external/
convention = "neutralised"  # {neutralised, destroyed}: what counts as an interception
command = "national"  # {national, all}: national-command posts only, or regional commands too
method = "wilson"  # {wilson, jeffreys}: binomial interval
start = ""  # str: first report date (YYYY-MM-DD); empty: start of the record
end = ""  # str: last report date (YYYY-MM-DD); empty: end of the record
trend_start = "2024-08-01"  # str: first report date of the trend and change-point analysis (complete coverage)
saturation_start = "2024-08-01"  # str: first report date of the saturation analysis (complete coverage)
min_drones = 20  # int [1, 1000]: smallest drone wave (drones launched) in the saturation analysis
boot = 400  # int [50, 10000]: bootstrap draws of the within-quarter size comparison
'''

CELLS = [
    ("md", """\
# How well does the air defense do? Interception rates with honest uncertainty

Rates by weapon class over time, how much they swing from night to night, whether bigger waves get
through more, whether the rates drift, and how they compare with the figures published in the
press. Every rate carries a 95% interval; the wider one allows for the night-to-night spread the
record shows.

Two ways to count an interception: **neutralised** (shot down + did not reach its target,
comparable over the whole record) and **destroyed** (shot down only; its meaning changed on
2024-07-10 and 2025-07-23, so `destroyed` series are split at those dates and never pooled).

A *wave* is a wave of the wave table (`analysis.record.waves`): the rows of one Air Force post
whose report windows overlap. Every wave-level figure below (dispersion, beta-binomial,
saturation) uses those waves.

Run it as it is, or through the runner: `python -m analysis report 02-estimate-interception-rates
--params ci`."""),
    ("params", PARAMETERS),
    ("code", """\
import json
import warnings

import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from analysis import parameters, provenance, published, rates, saturation, trend
from analysis.plots import rates as rate_plots
from analysis.record import load_record, waves
from analysis.summary import Summary
from analysis.tables import show_table

params = parameters.check_parameters("02-estimate-interception-rates", globals())
# Waves are found once, on the whole record, and every rate below clusters by them.
strike_record = load_record(record or None)
wave_table = waves(strike_record)
record_table = rates.with_wave_ids(strike_record, wave_table)
other = "destroyed" if convention == "neutralised" else "neutralised"
window = dict(command=command, start=start or None, end=end or None)
CLASSES = ("drone", "cruise", "ballistic")
print(f"{len(record_table)} rows, {len(wave_table)} waves, report dates "
      f"{record_table['report_date'].min():%Y-%m-%d} to {record_table['report_date'].max():%Y-%m-%d}")"""),
    ("md", """\
## Rates by weapon class, whole period

`ci_low`/`ci_high` is the binomial interval (every munition an independent coin);
`od_low`/`od_high` widens it by the dispersion between waves (quasi-binomial by wave). The
binomial interval is far too narrow for tens of thousands of drones whose fate depends on the
night."""),
    ("code", """\
by_class = {c: rates.rate_table(record_table, by="class", convention=c, method=method, **window)
            for c in (convention, other)}
RATE_FORMAT = dict(percent=["rate", "ci_low", "ci_high", "od_low", "od_high"],
                   intervals={"95% interval (binomial)": ("ci_low", "ci_high"),
                              "95% interval (night-to-night spread)": ("od_low", "od_high")},
                   decimals={"dispersion": 1}, rename={"class": "weapon class", "convention": "counting period"})
for c in (convention, other):
    display(show_table(by_class[c].drop(columns="method"), counts=["launched", c, "waves"],
                       caption=f"Share {c} by weapon class ({method.capitalize()} intervals)", **RATE_FORMAT))"""),
    ("md", """\
## Night-to-night overdispersion

`dispersion` (Pearson phi) is how many times larger the variance between waves is than binomial
sampling would give; `rho` is the beta-binomial intra-wave correlation fitted by maximum
likelihood (0 = every munition independent). Both far above their null values mean the nights
differ genuinely: weather, targets, the mix, which defences are in range."""),
    ("code", """\
dispersion = {c: rates.overdispersion_table(record_table, convention=c, method=method, classes=CLASSES, **window)
              for c in (convention, other)}
for c in (convention, other):
    display(show_table(
        dispersion[c], counts=["waves", "launched", "counted"],
        percent=RATE_FORMAT["percent"] + ["bb_mu", "bb_mu_low", "bb_mu_high"],
        intervals=RATE_FORMAT["intervals"] | {"beta-binomial 95%": ("bb_mu_low", "bb_mu_high"),
                                              "rho 95%": ("rho_low", "rho_high")},
        decimals={"dispersion": 1, "rho": 2, "rho_low": 2, "rho_high": 2},
        rename=RATE_FORMAT["rename"] | {"counted": c, "bb_mu": "beta-binomial mean rate"},
        caption=f"Night-to-night spread by weapon class, {c}"))"""),
    ("md", """\
## Monthly rates with bands

Dark band: binomial 95% interval; light band: allowing for the night-to-night spread. Dashed
lines: the reporting-convention changes; dotted lines: changes found by the change-point search
below, which (like the trend test) looks only at months from `trend_start` (default 2024-08-01):
before August 2024 the record does not cover every day, so earlier months are shown but not
tested."""),
    ("code", """\
monthly = {c: rates.rate_table(record_table, by="class,month", convention=c, method=method, **window)
           for c in (convention, other)}
# Trend and change points only from trend_start: before August 2024 the record misses days.
trend_from = max(pd.Timestamp(trend_start), pd.Timestamp(start or trend_start))
series = {(c, k): trend.monthly_series(record_table, k, c, command, trend_from, end or None, method)
          for c in (convention, other) for k in CLASSES}
changes = {c: {k: trend.change_points(series[(c, k)], c) for k in CLASSES} for c in (convention, other)}
monthly_figure = rate_plots.plot_monthly_rates(monthly[convention], convention, CLASSES, changes[convention])"""),
    ("code", "rate_plots.plot_monthly_rates(monthly[other], other, CLASSES, changes[other]);"),
    ("md", """\
## Trend and change points

Trend: a quasi-binomial GLM of the monthly rate on time (slope in log-odds per year; under
`destroyed` with a level per reporting period) and Mann-Kendall's tau. Change points: binary
segmentation of the monthly binomial likelihood, penalised and scaled by the month-to-month
dispersion; each beside the nearest reporting-convention change. Both start at `trend_start`
(default 2024-08-01, complete daily coverage). The two trend tests can disagree: the GLM weighs
months by their launches and widens its interval by the month-to-month dispersion, Mann-Kendall
counts every month alike and asks only for a monotone order; the verdict says which and why."""),
    ("code", """\
trends = trend.trend_table(series)  # a row per series; too short ones say so in `note`
display(show_table(trends.drop(columns="verdict"),
                   decimals={col: 3 for col in trends.select_dtypes("float").columns},
                   intervals={"slope 95%": ("ci_low", "ci_high")},
                   rename={"class": "weapon class", "slope_logit_per_year": "slope (log-odds per year)"},
                   caption=f"Trend of the monthly rate from {trend_from:%b %Y} "
                           "(slope in log-odds per year; Mann-Kendall tau)"))
display(Markdown("\\n".join(f"- **{c}, {k}**: {text}"
                           for c, k, text in zip(trends["convention"], trends["class"], trends["verdict"], strict=True))))"""),
    ("code", """\
change_table = trend.change_table({(c, k): t for c in changes for k, t in changes[c].items()})
display(show_table(change_table, dates={"date": "%b %Y", "convention_change": "%d %b %Y"},
                   percent=["rate_before", "rate_after"],
                   rename={"class": "weapon class", "date": "from month"},
                   caption="Changes in the monthly rate found by the change-point search"))"""),
    ("md", """\
## Saturation: do bigger waves get through more?

A naive look at every wave of the record is misleading: before August 2024 not every day is
covered, small "waves" are often single shoot-down reports, the defence was weaker early on, and
waves grew over time just as the defence improved. So the analysis keeps

- waves reported from `saturation_start` (default 2024-08-01, complete daily coverage);
- waves with at least `min_drones` drones (default 20) for drones, and at least 5 cruise or 3
  ballistic missiles for those classes;
- the **neutralised** count for the headline (the drone `destroyed` figure changed meaning in
  2025-07), `destroyed` beside it with a level per month and reporting convention.

A binomial GLM per class of each wave's interceptions on log2 of the wave's total size, whether the
wave mixes drones and missiles, and a **fixed effect per month**, so more drones in later months
and a better defence in later months cannot pass for a size effect. Waves are weighted by the
beta-binomial variance of their count (a 700-drone night is not 35 independent 20-drone nights)
and the scale is estimated from Pearson's X2. An odds ratio below 1 per doubling would mean bigger
waves get through more.

As a second method, within each calendar quarter the largest quarter of waves (by size) is set
against the other waves, pooled over quarters by Mantel-Haenszel, with a bootstrap over waves for
the interval."""),
    ("code", """\
saturation_window = dict(start=max(pd.Timestamp(saturation_start), pd.Timestamp(start or saturation_start)),
                         end=end or None, min_launched={"drone": min_drones})
saturation_fits = {}
for c in (convention, other):
    try:
        with warnings.catch_warnings():  # exp() of a far-out bound gives inf, shown as such; no need to warn
            warnings.filterwarnings("ignore", "overflow encountered in exp", RuntimeWarning)
            coefficient_table, saturation_fits[c] = saturation.saturation_table(
                wave_table, c, command, CLASSES, **saturation_window)
    except rates.RateError as error:  # too few waves in the selection (a short or tiny record)
        saturation_fits[c] = {}
        display(Markdown(f"**Saturation model, {c}: not estimated.** {error}."))
        continue
    display(show_table(
        coefficient_table, columns=["weapon_class", "term", "odds_ratio", "odds ratio 95%", "log-odds 95%", "rho", "dispersion",
                                    "waves", "min_launched"],
        intervals={"odds ratio 95%": ("or_low", "or_high"), "log-odds 95%": ("ci_low", "ci_high")},
        decimals={"odds_ratio": 2, "or_low": 2, "or_high": 2, "ci_low": 2, "ci_high": 2, "rho": 3, "dispersion": 2},
        counts=["waves", "min_launched"],
        rename={"weapon_class": "weapon class", "min_launched": "smallest wave of the class"},
        caption=f"Saturation model, {c}: odds ratio per doubling of the wave (log2_size), "
                "for a mixed wave (mixed_wave) and the baseline (const)"))"""),
    ("code", """\
saturation_data = {k: saturation.saturation_data(wave_table, k, "neutralised", command,
                                                 saturation_window["start"], end or None,
                                                 min_drones if k == "drone" else None)
                   for k in saturation_fits["neutralised"]}
size_checks = {}
for k, d in saturation_data.items():
    try:
        size_checks[k] = saturation.size_quartile_comparison(d, boot=boot)
    except rates.RateError as error:  # no quarter with enough waves
        display(Markdown(f"**{k}: no within-quarter check.** {error}."))
check_table = pd.DataFrame({k: check.as_dict() for k, check in size_checks.items()}).T.infer_objects()
if size_checks:
    display(show_table(
        check_table.rename_axis("weapon class"),
        columns=["weapon class", "waves", "strata", "odds_ratio", "95% (bootstrap)", "95% (binomial)", "answer"],
        intervals={"95% (bootstrap)": ("or_low", "or_high"), "95% (binomial)": ("binomial_low", "binomial_high")},
        decimals={col: 2 for col in ("odds_ratio", "or_low", "or_high", "binomial_low", "binomial_high")},
        counts=["waves", "strata"],
        rename={"strata": "quarters", "answer": "bigger waves get through more?"},
        caption="Largest quarter of waves against the rest, within calendar quarters (Mantel-Haenszel)"))
if "drone" in size_checks:
    display(show_table(
        size_checks["drone"].strata, percent=["rate_top", "rate_rest"],
        counts=["waves_top", "waves_rest", "launched_top", "launched_rest"],
        decimals={"size_top_median": 0, "size_rest_median": 0},
        rename={"waves_top": "waves, largest quarter", "waves_rest": "waves, rest",
                "size_top_median": "median size, largest", "size_rest_median": "median size, rest",
                "launched_top": "launched, largest", "launched_rest": "launched, rest",
                "rate_top": "share neutralised, largest", "rate_rest": "share neutralised, rest"},
        caption="Drones, quarter by quarter: the largest quarter of waves against the rest"))"""),
    ("md", """\
The verdicts, each with the within-quarter check and its caveat (neutralised count):"""),
    ("code", """\
verdicts = {k: saturation.plain_verdict(fit, size_checks.get(k))
            for k, fit in saturation_fits["neutralised"].items()}
for k, text in verdicts.items():
    display(Markdown(f"**{k}**: {text}"))
for k, fit in saturation_fits["destroyed"].items():
    display(Markdown(f"**{k}, destroyed count**: {fit.verdict}"))"""),
    ("md", """\
The curves: predicted share neutralised against wave size in the latest month, for the most common
mix, with its 95% band; each dot a wave (area ~ launches of the class)."""),
    ("code", """\
panels = {}
for k, fit in saturation_fits["neutralised"].items():
    data = saturation_data[k]
    low, high = data["size"].quantile([0.02, 0.98]).to_numpy()
    curve = saturation.predict_saturation(fit, np.geomspace(max(low, 1.0), high, 60))
    slope = fit.slope()
    panels[k] = (data, curve, f"x{slope.odds_ratio:.2f} odds per doubling ({slope.or_low:.2f}-{slope.or_high:.2f})")
if panels:
    saturation_figure = rate_plots.plot_saturation_panels(panels, "neutralised")
else:
    display(Markdown("No saturation curve: no class has enough waves in the selection."))"""),
    ("md", """\
**Reading it.** If bigger waves are intercepted at a *higher* rate even within a month, the likely
reasons are on the defender's side and in the counting, not a sign that saturation cannot happen:
big waves are announced by their scale and met with more of the defence (mobile fire groups,
aircraft, interceptor drones moved to their routes); the neutralised figure counts drones lost to
electronic warfare and decoys, whose number grows with the wave; and waves are only as large as the
attacker chooses. The record can say what happened at the sizes flown, not what a much larger
wave would do."""),
    ("md", """\
## The record beside the published figures

Each figure reported in the press (FIGURES.md; `analysis/published_rates.csv`) beside the record's
rate for the same period, class and counting convention. Blue dot (upper line of each pair): the
record, thick bar its binomial 95% interval, thin bar allowing for night-to-night spread. Black
diamond (lower line): the published figure. `inside` says whether the published figure lies within
the wider interval."""),
    ("code", """\
comparison = published.compare_published(record_table, command=command, method=method)
display(show_table(
    comparison, columns=["label", "convention", "rate", "source", "record_launched", "record_counted", "record_rate",
                         "binomial 95%", "night-to-night 95%", "inside"],
    percent=["rate", "record_rate", "record_ci_low", "record_ci_high", "record_od_low", "record_od_high"],
    counts=["record_launched", "record_counted"],
    intervals={"binomial 95%": ("record_ci_low", "record_ci_high"),
               "night-to-night 95%": ("record_od_low", "record_od_high")},
    rename={"label": "figure", "convention": "counting", "rate": "published", "record_launched": "launched (record)",
            "record_counted": "intercepted (record)", "record_rate": "record",
            "inside": "published inside the wider interval?"},
    caption="Published interception rates beside the record"))"""),
    ("code", "rate_plots.plot_published_comparison(comparison);"),
    ("md", """\
## Headline figures

The class rates with both intervals under both conventions, the dispersion, the saturation
verdicts and the published comparison, with provenance."""),
    ("code", """\
summary = Summary("Interception rates with honest uncertainty")
kind = f"95% {method.capitalize()}, quasi-binomial by wave"
for c in (convention, other):
    for row in dispersion[c].itertuples():
        suffix = f"_{row.convention}" if c == "destroyed" else ""
        summary.add(f"rate_{row[1]}_{c}{suffix}", row.rate, row.od_low, row.od_high, unit="share",
                    interval=kind, note=f"{row.counted:,} of {row.launched:,} in {row.waves} waves; "
                    f"binomial {row.ci_low:.3f}-{row.ci_high:.3f}; dispersion {row.dispersion:.1f}")
for row in dispersion[convention].itertuples():
    if pd.notna(getattr(row, "rho", float("nan"))):
        summary.add(f"rho_{row[1]}_{convention}" + (f"_{row.convention}" if convention == "destroyed" else ""),
                    row.rho, row.rho_low, row.rho_high, interval="95% Wald (logit)",
                    note="beta-binomial intra-wave correlation")
for k, fit in saturation_fits["neutralised"].items():
    slope = fit.slope()
    summary.add(f"saturation_odds_ratio_per_doubling_{k}_neutralised", slope.odds_ratio, slope.or_low,
                slope.or_high, interval="95% quasi-binomial GLM, month fixed effects", note=verdicts[k])
for k, check in size_checks.items():
    summary.add(f"largest_quarter_of_waves_odds_ratio_{k}_neutralised", check.odds_ratio, check.or_low,
                check.or_high, interval="95% bootstrap over waves, Mantel-Haenszel within quarters",
                note=f"answer: {check.answer}")
summary.extra = {
    "class_rates": {c: json.loads(by_class[c].to_json(orient="records")) for c in by_class},
    "dispersion": {c: json.loads(dispersion[c].to_json(orient="records")) for c in dispersion},
    "saturation": {c: {k: {"answer": f.answer, "verdict": f.verdict, "dispersion": f.dispersion, "rho": f.rho,
                           "waves": f.waves, "min_launched": f.min_launched, "time_adjust": f.time_adjust}
                       for k, f in saturation_fits[c].items()} for c in saturation_fits},
    "saturation_check": {k: check.as_dict() for k, check in size_checks.items()},
    "trend": json.loads(trends.to_json(orient="records")),
    "published": json.loads(comparison[["label", "rate", "source", "record_rate", "record_od_low", "record_od_high",
                             "inside"]].to_json(orient="records")),
}
summary.provenance = provenance.provenance(params, {"record": record_table.attrs.get("record_path"),
                                                    "catalogue": record_table.attrs.get("catalogue_path")})
summary.set_main_figure(monthly_figure)
summary"""),
]


if __name__ == "__main__":
    write_notebook(
        NAME, CELLS, needs_record=True,
        parameter_sets_yaml=(
            "default: {}\n"
            "destroyed:\n  convention: destroyed\n"
            "# small and quick, for tests: one year of the record, a short bootstrap\n"
            "ci:\n  start: \"2025-06-01\"\n  boot: 100\n"
        ),
    )
