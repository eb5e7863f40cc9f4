"""Write notebooks/03-check-article-claims.ipynb (committed without outputs) and its parameter sets.

Run from the project root: `.venv/bin/python tools/notebooks_03.py`. Edit the cells here, not in
the .ipynb, so the notebook stays reviewable as Python.
"""

from __future__ import annotations

from notebook_builder import write_notebook

NAME = "03-check-article-claims"

PARAMETERS = '''\
record = ""  # str: record file; empty: $AIRDEF_RECORD, then the fetched copy in data/external/
claims = ""  # str: claims file (YAML); empty: data/claims/article-2025-10-11.yaml
window_days = 2  # int [0, 30]: days either side of a claimed date searched for the matching wave
plot_days = 10  # int [1, 60]: days either side of the claimed night shown in the wave figure
'''

CELLS = [
    ("md", """\
# The article's claims, checked against the record

A news article of 11 October 2025 reports that on the night of 10-11 October Russia launched
"nearly 500 drones", "about 200" of them Shaheds, and "32 ballistic missiles", and quotes
Ukraine's commander-in-chief on a "74% effectiveness" of the air defense. How do these figures
compare with what Ukraine's Air Force itself posted, night by night?

Each claim is kept as data in a claims file (`data/claims/`), with the words of the article
("nearly", "about") turned into explicit margins. For each claim the record is searched for the
wave or period that matches best, and the claim gets one of four verdicts:

- **holds**: the record agrees, within the margin, on the date the article gives; for a change
  ("intensifying"), it goes the way the article says and stands out from the night-to-night swings;
- **partly holds**: the figures agree but not on the date given, or a change goes the way the
  article says but is too small to tell from the usual night-to-night swings;
- **does not hold**: the record disagrees on the most natural reading of the claim, fixed in the
  claims file before looking at the record. Other readings (another period, all missiles rather
  than ballistic ones) are shown, but do not rescue a claim: with many readings, some fit by chance;
- **cannot be checked**: the record has nothing to compare with.

The record counts what Ukraine's Air Force reported (national command posts only; the regional
commands report small numbers of their own that can overlap). It is not an independent count.

Run it as it is, or through the runner: `python -m analysis report 03-check-article-claims`."""),
    ("params", PARAMETERS),
    ("code", """\
from analysis.parameters import check_parameters

params = check_parameters("03-check-article-claims", globals())"""),
    ("code", """\
import warnings
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from analysis import claims as claim_checks
from analysis.plots import claims as claim_plots
from analysis.provenance import provenance
from analysis.record import RecordWarning, load_record, waves
from analysis.summary import Summary
from analysis.tables import show_table

with warnings.catch_warnings():
    warnings.simplefilter("ignore", RecordWarning)  # unknown models are listed in notebook 01
    strike_record = load_record(record or None)
wave_table = waves(strike_record)
claims_path = claim_checks.resolve_claims_path(claims)
article_claims = claim_checks.load_claims(claims_path)
results = claim_checks.check_claims(article_claims, wave_table, window_days=window_days)
by_id = {result.id: result for result in results}
print(f"{len(article_claims)} claims from {claims_path.name}, checked against "
      f"{Path(strike_record.attrs['record_path']).name} "
      f"({(~wave_table['regional']).sum():,} national waves)")"""),
    ("md", """\
## The verdicts at a glance

One line per claim: what the article says, the verdict, and where in the record the answer comes
from. The sections below explain each one."""),
    ("code", """\
glance = pd.DataFrame({
    "claim": [r.claim for r in results],
    "verdict": [r.verdict for r in results],
    "compared with": claim_checks.results_table(results)["matched"].to_list(),
}, index=pd.Index([r.id for r in results], name="id"))
display(show_table(glance, caption="The article's claims and the verdicts"))"""),
    ("md", """\
## The wave the article describes

The figure shows every national wave in the days around the night the article names (shaded),
drones above and missiles below, with the article's figures drawn as black marks on that night.
The dotted line marks the wave whose figures match the article best. Drones include decoys: since
July 2025 the Air Force says how many of the "Shahed-type" drones were real Shaheds (light inner
bars); the rest were cheaper decoys such as Gerbera."""),
    ("code", """\
fig_waves = claim_plots.plot_waves_around(wave_table, article_claims, results, days=plot_days)"""),
    ("code", """\
wave_results = [r for r in results if r.kind == "wave"]
for r in wave_results:
    display(Markdown(f"**{r.id}**: *\\"{r.claim}\\"* **{r.verdict}**. {r.reason}"))
if wave_results:
    matched = wave_results[0]
    rows = {"best match": matched.record}
    rows |= {f"reported {w['report_date']:%d %b} (the date claimed)": w["figures"]
             for w in matched.claimed_night}
    if matched.runner_up:
        rows[f"runner-up, reported {matched.runner_up['report_date']:%d %b}"] = (
            matched.runner_up["figures"])
    composition = pd.DataFrame(rows).rename(index=claim_checks.QUANTITY_LABELS)
    display(show_table(composition.rename_axis("figure"), counts=composition.columns,
                       caption="The wave that matches best beside the night the article names (– not reported)"))"""),
    ("md", """\
## The "74% effectiveness"

The article does not say over what period, or against which weapons, the 74% was measured. So every
plausible reading is computed: the night itself, the big wave the night before, the last 7 and 30
days, September, the first days of October and the year so far; for all weapons, drones only and
missiles only. A weapon counts as *neutralised* when it was shot down or suppressed by electronic
warfare (the Air Force reports both in one figure since 23 July 2025, so the two ways of counting
coincide in these periods). The bars are 95% wave-level intervals: the share neutralised varies
from one wave to the next far more than chance alone would make it, so the interval is widened by
that variation (a quasi-binomial interval; a single night gets the plain Wilson interval of its
wave). The main reading, the most natural sense of "currently offer", is in bold: the verdict rests
on it alone, since among twenty readings some fit 74% by chance."""),
    ("code", """\
rate_results = [r for r in results if r.kind == "rate"]
rate_claims = {c.id: c for c in article_claims if c.kind == "rate"}
for r in rate_results:
    display(Markdown(f"**{r.id}**: *\\"{r.claim}\\"* **{r.verdict}**. {r.reason}"))
    fig_rate = claim_plots.plot_rate_readings(r, rate_claims[r.id].claimed_rate)"""),
    ("md", """\
## Were attacks intensifying, and is the protection harder to sustain?

Two statements of the article are about change over time. "Intensifying" is read as more drones
and missiles launched per day in the week up to 11 October than in the four weeks before.
"Increasingly difficult to sustain" is read as a lower share neutralised in the last 30 days than
in the three months before. Nights differ a lot from one another, so each comparison comes with a
test that asks whether the change stands out from those swings (a p-value under 0.05 is taken as
clear)."""),
    ("code", """\
for r in results:
    if r.kind == "period_change":
        display(Markdown(f"**{r.id}**: *\\"{r.claim.strip()}\\"* **{r.verdict}**. {r.reason}"))"""),
    ("md", """\
## What the record cannot say

Some statements of the article are about things the record does not hold."""),
    ("code", """\
for r in results:
    if r.verdict == claim_checks.CANNOT_CHECK:
        display(Markdown(f"**{r.id}**: *\\"{r.claim}\\"*: {r.reason}"))"""),
    ("md", """\
## Headline figures

For each claim, named with its verdict: the record's figure (the matched wave's count, the rate of
the main reading with its 95% wave-level interval, or the recent period of a comparison), with the
verdict and its reason in the note."""),
    ("code", """\
summary = Summary(
    "The article's claims checked against the record",
    provenance=provenance(params, {
        "record": Path(strike_record.attrs["record_path"]),
        "catalogue": Path(strike_record.attrs["catalogue_path"]),
        "claims": claims_path,
    }),
    extra={
        "verdicts": {r.id: r.verdict for r in results},
        "claims": [r.to_dict() for r in results],
    },
)
for result, figure in zip(results, claim_checks.summary_figures(results), strict=True):
    summary.add(**(figure | {"name": claim_checks.labelled_name(result)}))
summary.set_main_figure(fig_waves)
summary"""),
]


if __name__ == "__main__":
    write_notebook(
        NAME, CELLS, needs_record=True,
        parameter_sets_yaml=(
            "default: {}\n"
            "# quick, for tests: the claimed night and the one either side, a short figure\n"
            "ci:\n  window_days: 1\n  plot_days: 4\n"
        ),
    )
